import Assessment
import Certificates
import Foundation
import SQLKit

/// One certificate in the issuer's registry: what was issued to whom, and how it stands now.
public struct IssuedCertificate: Sendable, Equatable, Codable {
    /// The certificate id (printed on it, in its QR code).
    public var id: String
    /// The provider organisation that issued it.
    public var organisation: String
    /// The course id.
    public var course: String
    /// The learner's id in the course.
    public var learner: String
    /// The holder's name as printed.
    public var holderName: String
    /// The tier certified.
    public var tier: Tier
    /// SHA-256 (hex) of the canonical record that was signed.
    public var recordHash: String
    /// The record as signed (canonical JSON).
    public var recordJSON: String
    /// Issue date, `YYYY-MM-DD`.
    public var issued: String
    /// `issued` (standing), `revoked` or `superseded`.
    public var status: CertificateRegistry.State
    /// The date of the last status change, `YYYY-MM-DD` (empty while standing).
    public var statusDate: String
    /// Why it was revoked, superseded or reissued (empty otherwise).
    public var reason: String
    /// The certificate that replaces this one (empty otherwise).
    public var replacedBy: String
    /// The revoked certificate this one was issued in place of (empty otherwise).
    public var reissueOf: String
    /// When the row was written, in seconds since 1970.
    public var createdAt: Int64

    /// The entry the shared issuing rule (``IssueDecision``) reads.
    public var registryEntry: CertificateRegistry.Entry {
        CertificateRegistry.Entry(
            learner: learner, name: holderName, id: id, tier: tier, course: course, issued: issued, status: status,
            replacedBy: replacedBy.isEmpty ? nil : replacedBy, reissueOf: reissueOf.isEmpty ? nil : reissueOf,
            reason: reason.isEmpty ? nil : reason)
    }
}

/// A certificate made and signed, ready to be recorded.
public struct NewCertificate: Sendable {
    /// The certificate id.
    public var id: String
    /// The holder's name as printed.
    public var holderName: String
    /// The tier certified.
    public var tier: Tier
    /// SHA-256 (hex) of the signed record.
    public var recordHash: String
    /// The record as signed.
    public var recordJSON: String
    /// Issue date, `YYYY-MM-DD`.
    public var issued: String
    /// The signed PDF.
    public var pdf: [UInt8]

    /// A certificate to record.
    public init(
        id: String, holderName: String, tier: Tier, recordHash: String, recordJSON: String, issued: String,
        pdf: [UInt8]
    ) {
        self.id = id
        self.holderName = holderName
        self.tier = tier
        self.recordHash = recordHash
        self.recordJSON = recordJSON
        self.issued = issued
        self.pdf = pdf
    }
}

/// What issuing did for one learner.
public enum IssueOutcome: Sendable, Equatable {
    /// A new certificate; `superseded` is the lower-tier one it replaces, `reissueOf` the revoked one it replaces.
    case issued(IssuedCertificate, superseded: IssuedCertificate?)
    /// The learner keeps this certificate (same or higher tier); nothing was issued.
    case kept(IssuedCertificate)
    /// The learner's certificate was revoked; nothing was issued (reissue it by naming its id).
    case refusedRevoked(IssuedCertificate)
}

/// The issuer's certificate registry. Issuing runs through ``issue(organisation:course:learner:earned:reissue:actor:make:)``
/// in one transaction per learner, serialized across nodes, so two nodes issuing the same gradebook at once make
/// each certificate once. Status changes bump the status list's revision, so every node re-signs it.
public struct RegistryStore: Sendable {
    let database: CampusDatabase

    /// Decides for one learner by the shared rule (``IssueDecision``) against the registry, and when a certificate
    /// is due calls `make` (which signs it) and records it, superseding a lower tier, all in one transaction.
    ///
    /// With `lowering`, a certificate held at a higher tier than `earned` is superseded by a new one at `earned`
    /// (an attempt was voided or regraded), with `reason`.
    public func issue(
        organisation: String, course: String, learner: String, earned: Tier, reissue: String?, reason: String?,
        lowering: Bool = false, actor: String, make: (IssueDecision) async throws -> NewCertificate
    ) async throws -> IssueOutcome {
        try await database.write { connection in
            try await database.lock("campus.issue.\(course).\(learner)", in: connection)
            let held = try await connection.raw(
                """
                SELECT * FROM certificates WHERE course_id = \(bind: course) AND learner_id = \(bind: learner)
                AND organisation_id = \(bind: organisation)
                ORDER BY created_at, CASE status WHEN 'issued' THEN 1 ELSE 0 END, id
                """
            ).all().map(Self.certificate)
            var decision = IssueDecision.decide(
                held: held.map(\.registryEntry), status: { _ in nil }, earned: earned, reissue: reissue)
            if lowering, case .keep(let current) = decision, earned < current.tier {
                decision = .upgrade(supersede: current)
            }
            func stored(_ entry: CertificateRegistry.Entry) -> IssuedCertificate? {
                held.first { $0.id == entry.id }
            }
            switch decision {
            case .keep(let entry):
                guard let kept = stored(entry) else {
                    throw StorageError(.corrupt, "registry entry \(entry.id) vanished")
                }
                return .kept(kept)
            case .refuseRevoked(let entry):
                guard let revoked = stored(entry) else {
                    throw StorageError(.corrupt, "registry entry \(entry.id) vanished")
                }
                return .refusedRevoked(revoked)
            case .issue, .upgrade, .reissue:
                break
            }
            let made = try await make(decision)
            var row = IssuedCertificate(
                id: made.id, organisation: organisation, course: course, learner: learner, holderName: made.holderName,
                tier: made.tier, recordHash: made.recordHash, recordJSON: made.recordJSON, issued: made.issued,
                status: .issued, statusDate: "", reason: "", replacedBy: "", reissueOf: "", createdAt: Clock.now())
            if case .reissue(let revoked) = decision {
                row.reissueOf = revoked.id
                row.reason = reason ?? ""
            }
            try await insert(row, pdf: made.pdf, in: connection)
            try await database.audit.append(
                actor: actor, action: "certificate.issue", target: row.id,
                details: "course \(course), learner \(learner), tier \(row.tier.rawValue)"
                    + (row.reissueOf.isEmpty ? "" : ", reissue of \(row.reissueOf)"), in: connection)
            var superseded: IssuedCertificate?
            if case .upgrade(let old) = decision, var previous = stored(old) {
                previous.status = .superseded
                previous.statusDate = made.issued
                previous.reason =
                    made.tier > previous.tier
                    ? "replaced by the higher tier \(made.tier.rawValue)"
                    : "replaced by the lower tier \(made.tier.rawValue): \(reason ?? "the grade was lowered")"
                previous.replacedBy = made.id
                try await setStatus(previous, in: connection)
                try await database.audit.append(
                    actor: actor, action: "certificate.supersede", target: previous.id,
                    details: "by \(made.id): \(previous.reason)", in: connection)
                superseded = previous
            }
            return .issued(row, superseded: superseded)
        }
    }

    /// Revokes a standing certificate of `organisation` with `reason`.
    @discardableResult
    public func revoke(
        id: String, organisation: String, reason: String, date: String, actor: String
    ) async throws -> IssuedCertificate {
        try await database.write { connection in
            guard var certificate = try await find(id: id, in: connection), certificate.organisation == organisation
            else {
                throw StorageError(.notFound, "no certificate \(id) was issued by this organisation")
            }
            guard certificate.status == .issued else {
                throw StorageError(.conflict, "\(id) is \(certificate.status.rawValue) already")
            }
            certificate.status = .revoked
            certificate.statusDate = date
            certificate.reason = reason
            try await setStatus(certificate, in: connection)
            try await database.audit.append(
                actor: actor, action: "certificate.revoke", target: id, details: reason, in: connection)
            return certificate
        }
    }

    /// Marks a standing certificate of `organisation` as replaced by `replacement` (also issued by it).
    @discardableResult
    public func supersede(
        id: String, by replacement: String, organisation: String, reason: String, date: String, actor: String
    ) async throws -> IssuedCertificate {
        try await database.write { connection in
            guard var certificate = try await find(id: id, in: connection), certificate.organisation == organisation
            else {
                throw StorageError(.notFound, "no certificate \(id) was issued by this organisation")
            }
            guard id != replacement, let other = try await find(id: replacement, in: connection),
                other.organisation == organisation
            else {
                throw StorageError(.notFound, "no other certificate \(replacement) was issued by this organisation")
            }
            guard certificate.status == .issued else {
                throw StorageError(.conflict, "\(id) is \(certificate.status.rawValue) already")
            }
            certificate.status = .superseded
            certificate.statusDate = date
            certificate.reason = reason
            certificate.replacedBy = replacement
            try await setStatus(certificate, in: connection)
            try await database.audit.append(
                actor: actor, action: "certificate.supersede", target: id, details: "by \(replacement): \(reason)",
                in: connection)
            return certificate
        }
    }

    /// The certificate with `id`, or `nil`.
    public func find(id: String) async throws -> IssuedCertificate? {
        try await database.read { connection in try await find(id: id, in: connection) }
    }

    /// The signed PDF of a certificate of `organisation`, or `nil`.
    public func pdf(id: String, organisation: String) async throws -> [UInt8]? {
        try await database.read { connection in
            try await connection.raw(
                "SELECT pdf FROM certificates WHERE id = \(bind: id) AND organisation_id = \(bind: organisation)"
            ).first().map { Array(try $0.decode(column: "pdf", as: Data.self)) }
        }
    }

    /// The certificates of `organisation` (of one course when given), newest first, at most `limit`.
    public func list(organisation: String, course: String? = nil, limit: Int = 500) async throws -> [IssuedCertificate]
    {
        let bounded = max(1, min(limit, 5_000))
        return try await database.read { connection in
            var query = SQLQueryString("SELECT * FROM certificates WHERE organisation_id = ")
            query.appendInterpolation(bind: organisation)
            if let course {
                query.appendInterpolation(unsafeRaw: " AND course_id = ")
                query.appendInterpolation(bind: course)
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY created_at DESC, id LIMIT \(bounded)")
            return try await connection.raw(query).all().map(Self.certificate)
        }
    }

    /// Every revoked or superseded certificate: what the status list says.
    public func statusEntries() async throws -> [StatusList.Entry] {
        try await database.read { connection in
            try await connection.raw(
                "SELECT * FROM certificates WHERE status <> 'issued' ORDER BY id"
            ).all().map(Self.certificate).map { certificate in
                StatusList.Entry(
                    id: certificate.id, status: certificate.status == .revoked ? .revoked : .superseded,
                    date: certificate.statusDate, reason: certificate.reason,
                    replacedBy: certificate.replacedBy.isEmpty ? nil : certificate.replacedBy)
            }
        }
    }

    /// The status list's revision: it grows with every status change, on any node.
    public func statusRevision() async throws -> Int64 {
        try await database.read { connection in
            try await connection.raw("SELECT revision FROM status_list WHERE id = 1").first()?
                .decode(column: "revision", as: Int64.self) ?? 0
        }
    }

    func find(id: String, in connection: any SQLDatabase) async throws -> IssuedCertificate? {
        try await connection.raw("SELECT * FROM certificates WHERE id = \(bind: id)").first().map(Self.certificate)
    }

    private func insert(_ row: IssuedCertificate, pdf: [UInt8], in connection: any SQLDatabase) async throws {
        try await connection.raw(
            """
            INSERT INTO certificates (id, organisation_id, course_id, learner_id, holder_name, tier, record_hash,
                record_json, issued, status, status_date, reason, replaced_by, reissue_of, pdf, created_at)
            VALUES (\(bind: row.id), \(bind: row.organisation), \(bind: row.course), \(bind: row.learner),
                \(bind: row.holderName), \(bind: row.tier.rawValue), \(bind: row.recordHash), \(bind: row.recordJSON),
                \(bind: row.issued), \(bind: row.status.rawValue), \(bind: row.statusDate), \(bind: row.reason),
                \(bind: row.replacedBy), \(bind: row.reissueOf), \(bind: Data(pdf)), \(bind: row.createdAt))
            """
        ).run()
    }

    private func setStatus(_ row: IssuedCertificate, in connection: any SQLDatabase) async throws {
        try await connection.raw(
            """
            UPDATE certificates SET status = \(bind: row.status.rawValue), status_date = \(bind: row.statusDate),
                reason = \(bind: row.reason), replaced_by = \(bind: row.replacedBy)
            WHERE id = \(bind: row.id)
            """
        ).run()
        try await connection.raw("UPDATE status_list SET revision = revision + 1 WHERE id = 1").run()
    }

    static func certificate(_ row: any SQLRow) throws -> IssuedCertificate {
        let tierName = try row.decode(column: "tier", as: String.self)
        let statusName = try row.decode(column: "status", as: String.self)
        guard let tier = Tier(rawValue: tierName), let status = CertificateRegistry.State(rawValue: statusName) else {
            throw StorageError(.corrupt, "a certificate row has tier \(tierName) and status \(statusName)")
        }
        return IssuedCertificate(
            id: try row.decode(column: "id", as: String.self),
            organisation: try row.decode(column: "organisation_id", as: String.self),
            course: try row.decode(column: "course_id", as: String.self),
            learner: try row.decode(column: "learner_id", as: String.self),
            holderName: try row.decode(column: "holder_name", as: String.self), tier: tier,
            recordHash: try row.decode(column: "record_hash", as: String.self),
            recordJSON: try row.decode(column: "record_json", as: String.self),
            issued: try row.decode(column: "issued", as: String.self), status: status,
            statusDate: try row.decode(column: "status_date", as: String.self),
            reason: try row.decode(column: "reason", as: String.self),
            replacedBy: try row.decode(column: "replaced_by", as: String.self),
            reissueOf: try row.decode(column: "reissue_of", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self))
    }
}

extension CampusDatabase {
    /// The certificate registry of this database.
    public var registry: RegistryStore { RegistryStore(database: self) }
}
