import CampusCrypto
import Foundation
import SQLKit

/// One row of the append-only audit log.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// Position in the log, from 1.
    public let seq: Int64
    /// When, in seconds since 1970.
    public let at: Int64
    /// Who: an account login, `anonymous`, or `system`.
    public let actor: String
    /// What, as a stable name: `login.failed`, `bank.upload`, `certificate.issue`, …
    public let action: String
    /// On what: an account, a bank version, a certificate id.
    public let target: String
    /// Further facts, never a secret or a password.
    public let details: String
    /// The ``rowHash`` of the row before (64 zeros for the first).
    public let previousHash: String
    /// SHA-256 over the previous hash and this row's content.
    public let rowHash: String

    /// The hash a row with these contents must carry: every field length-prefixed, so no two rows hash alike.
    static func hash(
        previous: String, seq: Int64, at: Int64, actor: String, action: String, target: String, details: String
    ) -> String {
        var text = ""
        for field in [previous, String(seq), String(at), actor, action, target, details] {
            text += "\(field.utf8.count):\(field)\n"
        }
        return Passwords.storedDigest(of: text)
    }
}

/// The append-only audit log, a hash chain: each row carries the SHA-256 of the row before and of its own content,
/// so a row changed or removed in the database breaks the chain at that row. There is no update or delete here.
public struct AuditLog: Sendable {
    /// The previous hash of the first row.
    public static let genesis = String(repeating: "0", count: 64)

    let database: CampusDatabase

    /// Appends a row inside the caller's write transaction `connection` (so the action and its audit row are
    /// stored together).
    @discardableResult
    public func append(
        actor: String, action: String, target: String, details: String = "", in connection: any SQLDatabase
    ) async throws -> AuditEntry {
        try await database.lock("campus.audit", in: connection)
        let last = try await connection.raw("SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1").first()
        let seq = try (last?.decode(column: "seq", as: Int64.self) ?? 0) + 1
        let previous = try last?.decode(column: "row_hash", as: String.self) ?? Self.genesis
        let at = Clock.now()
        let rowHash = AuditEntry.hash(
            previous: previous, seq: seq, at: at, actor: actor, action: action, target: target, details: details)
        try await connection.raw(
            """
            INSERT INTO audit_log (seq, at, actor, action, target, details, previous_hash, row_hash)
            VALUES (\(bind: seq), \(bind: at), \(bind: actor), \(bind: action), \(bind: target), \(bind: details),
                    \(bind: previous), \(bind: rowHash))
            """
        ).run()
        return AuditEntry(
            seq: seq, at: at, actor: actor, action: action, target: target, details: details, previousHash: previous,
            rowHash: rowHash)
    }

    /// Appends a row in a transaction of its own.
    @discardableResult
    public func append(actor: String, action: String, target: String, details: String = "") async throws -> AuditEntry {
        try await database.write { connection in
            try await append(actor: actor, action: action, target: target, details: details, in: connection)
        }
    }

    /// What may narrow a listing of the log.
    public struct Filter: Sendable, Equatable {
        /// Only rows of this actor.
        public var actor: String?
        /// Only rows of this action.
        public var action: String?
        /// Only rows whose target is this (a certificate id, an account).
        public var target: String?

        /// A filter; `nil` parts match everything.
        public init(actor: String? = nil, action: String? = nil, target: String? = nil) {
            self.actor = actor
            self.action = action
            self.target = target
        }
    }

    /// The newest rows first, at most `limit`, matching `filter`.
    public func entries(_ filter: Filter = Filter(), limit: Int = 200) async throws -> [AuditEntry] {
        let bounded = max(1, min(limit, 1_000))
        return try await database.read { connection in
            var query = SQLQueryString("SELECT * FROM audit_log WHERE 1 = 1")
            if let actor = filter.actor {
                query.appendInterpolation(unsafeRaw: " AND actor = "); query.appendInterpolation(bind: actor)
            }
            if let action = filter.action {
                query.appendInterpolation(unsafeRaw: " AND action = "); query.appendInterpolation(bind: action)
            }
            if let target = filter.target {
                query.appendInterpolation(unsafeRaw: " AND target = "); query.appendInterpolation(bind: target)
            }
            query.appendInterpolation(unsafeRaw: " ORDER BY seq DESC LIMIT \(bounded)")
            return try await connection.raw(query).all().map(Self.entry)
        }
    }

    /// The outcome of ``verify()``.
    public enum Verification: Sendable, Equatable {
        /// Every row is intact; `rows` were checked.
        case intact(rows: Int64)
        /// The chain breaks at row `seq`: `why` says how.
        case broken(seq: Int64, why: String)
    }

    /// Recomputes the chain from the first row and names the first row that was changed, removed or inserted.
    public func verify() async throws -> Verification {
        try await database.read { connection in
            var previous = Self.genesis
            var expectedSeq: Int64 = 1
            var offset: Int64 = 0
            let page: Int64 = 1_000
            while true {
                let rows = try await connection.raw(
                    "SELECT * FROM audit_log WHERE seq > \(bind: offset) ORDER BY seq LIMIT \(bind: page)"
                ).all()
                if rows.isEmpty { return .intact(rows: expectedSeq - 1) }
                for row in rows {
                    let entry = try Self.entry(row)
                    if entry.seq != expectedSeq {
                        return .broken(
                            seq: expectedSeq,
                            why: entry.seq > expectedSeq
                                ? "row \(expectedSeq) is missing (the next row is \(entry.seq))"
                                : "row \(entry.seq) is out of order")
                    }
                    if entry.previousHash != previous {
                        return .broken(seq: entry.seq, why: "its previous_hash does not match row \(entry.seq - 1)")
                    }
                    let recomputed = AuditEntry.hash(
                        previous: entry.previousHash, seq: entry.seq, at: entry.at, actor: entry.actor,
                        action: entry.action, target: entry.target, details: entry.details)
                    if recomputed != entry.rowHash {
                        return .broken(seq: entry.seq, why: "its content does not match its row_hash (it was changed)")
                    }
                    previous = entry.rowHash
                    expectedSeq += 1
                    offset = entry.seq
                }
            }
        }
    }

    private static func entry(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            seq: try row.decode(column: "seq", as: Int64.self), at: try row.decode(column: "at", as: Int64.self),
            actor: try row.decode(column: "actor", as: String.self),
            action: try row.decode(column: "action", as: String.self),
            target: try row.decode(column: "target", as: String.self),
            details: try row.decode(column: "details", as: String.self),
            previousHash: try row.decode(column: "previous_hash", as: String.self),
            rowHash: try row.decode(column: "row_hash", as: String.self))
    }
}

extension CampusDatabase {
    /// The audit log of this database.
    public var audit: AuditLog { AuditLog(database: self) }
}
