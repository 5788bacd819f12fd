import CampusCrypto
import Foundation
import SQLKit

/// One stored version of a provider's question bank: immutable once stored.
public struct BankVersion: Sendable, Equatable, Codable {
    /// The provider organisation that owns it.
    public var organisation: String
    /// The bank's id (from the bank file).
    public var bankID: String
    /// 1, 2, 3 … per bank and organisation.
    public var version: Int
    /// The bank's title.
    public var title: String
    /// The format it was uploaded in: `yaml`, `gift`, `moodle-xml`, `aiken`, `qti`, `ilias`.
    public var sourceFormat: String
    /// The uploaded file's name (as the browser sent it; shown, never used as a path).
    public var sourceName: String
    /// The bank as our YAML: what courses draw from and what downloads return.
    public var yaml: String
    /// SHA-256 (hex) of ``yaml``.
    public var sha256: String
    /// How many questions it holds.
    public var itemCount: Int
    /// The validator's or importer's report at upload (JSON), shown with the version.
    public var report: String
    /// Who uploaded it (login).
    public var uploadedBy: String
    /// When, in seconds since 1970.
    public var uploadedAt: Int64
}

/// The question banks of all provider organisations, version by version. There is no update or delete: a new
/// upload of a bank id is a new version; courses pin a version.
public struct BankStore: Sendable {
    let database: CampusDatabase

    /// Stores `yaml` as the next version of `bankID` in `organisation` and audits the upload. When the newest
    /// version holds exactly this YAML, nothing is stored and that version is returned (`isNew` false).
    public func add(
        organisation: String, bankID: String, title: String, sourceFormat: String, sourceName: String, yaml: String,
        itemCount: Int, report: String, actor: String
    ) async throws -> (version: BankVersion, isNew: Bool) {
        let digest = Passwords.storedDigest(of: yaml)
        return try await database.write { connection in
            try await database.lock("campus.bank.\(organisation).\(bankID)", in: connection)
            let latest = try await connection.raw(
                """
                SELECT * FROM bank_versions WHERE organisation_id = \(bind: organisation) AND bank_id = \(bind: bankID)
                ORDER BY version DESC LIMIT 1
                """
            ).first().map(Self.version)
            if let latest, latest.sha256 == digest { return (latest, false) }
            let stored = BankVersion(
                organisation: organisation, bankID: bankID, version: (latest?.version ?? 0) + 1, title: title,
                sourceFormat: sourceFormat, sourceName: sourceName, yaml: yaml, sha256: digest, itemCount: itemCount,
                report: report, uploadedBy: actor, uploadedAt: Clock.now())
            try await connection.raw(
                """
                INSERT INTO bank_versions (organisation_id, bank_id, version, title, source_format, source_name, yaml,
                    sha256, item_count, report, uploaded_by, uploaded_at)
                VALUES (\(bind: stored.organisation), \(bind: stored.bankID), \(bind: stored.version), \(bind: stored.title),
                    \(bind: stored.sourceFormat), \(bind: stored.sourceName), \(bind: stored.yaml), \(bind: stored.sha256),
                    \(bind: stored.itemCount), \(bind: stored.report), \(bind: stored.uploadedBy), \(bind: stored.uploadedAt))
                """
            ).run()
            try await database.audit.append(
                actor: actor, action: "bank.upload", target: "\(organisation)/\(bankID)@\(stored.version)",
                details: "\(sourceFormat) \(itemCount) questions, sha256 \(digest)", in: connection)
            return (stored, true)
        }
    }

    /// The newest version of every bank of `organisation`, by bank id.
    public func latestVersions(organisation: String) async throws -> [BankVersion] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT b.* FROM bank_versions b
                WHERE b.organisation_id = \(bind: organisation) AND b.version = (
                    SELECT MAX(v.version) FROM bank_versions v
                    WHERE v.organisation_id = b.organisation_id AND v.bank_id = b.bank_id)
                ORDER BY b.bank_id
                """
            ).all().map(Self.version)
        }
    }

    /// Every version of one bank, newest first.
    public func versions(organisation: String, bankID: String) async throws -> [BankVersion] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT * FROM bank_versions WHERE organisation_id = \(bind: organisation) AND bank_id = \(bind: bankID)
                ORDER BY version DESC
                """
            ).all().map(Self.version)
        }
    }

    /// One version, or `nil` (also when it belongs to another organisation).
    public func find(organisation: String, bankID: String, version: Int) async throws -> BankVersion? {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT * FROM bank_versions WHERE organisation_id = \(bind: organisation) AND bank_id = \(bind: bankID)
                AND version = \(bind: version)
                """
            ).first().map(Self.version)
        }
    }

    static func version(_ row: any SQLRow) throws -> BankVersion {
        BankVersion(
            organisation: try row.decode(column: "organisation_id", as: String.self),
            bankID: try row.decode(column: "bank_id", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            title: try row.decode(column: "title", as: String.self),
            sourceFormat: try row.decode(column: "source_format", as: String.self),
            sourceName: try row.decode(column: "source_name", as: String.self),
            yaml: try row.decode(column: "yaml", as: String.self),
            sha256: try row.decode(column: "sha256", as: String.self),
            itemCount: try row.decode(column: "item_count", as: Int.self),
            report: try row.decode(column: "report", as: String.self),
            uploadedBy: try row.decode(column: "uploaded_by", as: String.self),
            uploadedAt: try row.decode(column: "uploaded_at", as: Int64.self))
    }
}

extension CampusDatabase {
    /// The question banks of this database.
    public var banks: BankStore { BankStore(database: self) }
}
