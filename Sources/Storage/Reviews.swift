import Foundation
import SQLKit

/// Where a bank version stands with the quality board: a draft until a reviewer approves it or sends it back.
/// Homework and final exams may use only approved versions; self-tests may use drafts.
public enum ReviewState: Sendable, Equatable {
    /// Not decided yet.
    case draft
    /// Approved for counted exams.
    case approved(ReviewDecision)
    /// Sent back to the provider, who uploads a new version.
    case returned(ReviewDecision)

    /// `draft`, `approved` or `returned`.
    public var word: String {
        switch self {
        case .draft: "draft"
        case .approved: "approved"
        case .returned: "returned"
        }
    }

    /// The decision, when there is one.
    public var decision: ReviewDecision? {
        switch self {
        case .draft: nil
        case .approved(let decision), .returned(let decision): decision
        }
    }
}

/// A reviewer's decision on a bank version (final: a sent-back version is replaced by a new upload).
public struct ReviewDecision: Sendable, Equatable {
    /// The reviewer's login.
    public var reviewer: String
    /// Why, in the reviewer's words (may be empty for an approval).
    public var comment: String
    /// When, in seconds since 1970.
    public var decidedAt: Int64
}

/// A reviewer's comment on one item of a bank version.
public struct ItemComment: Sendable, Equatable {
    /// The item's id.
    public var itemID: String
    /// The reviewer's login.
    public var reviewer: String
    /// The comment.
    public var comment: String
    /// When, in seconds since 1970.
    public var createdAt: Int64
}

/// The quality board's decisions and comments on bank versions. Every step is audited.
public struct ReviewStore: Sendable {
    let database: CampusDatabase

    /// Longest comment, in characters.
    public static let maximumComment = 2_000

    /// The state of one bank version.
    public func state(organisation: String, bankID: String, version: Int) async throws -> ReviewState {
        try await database.read { connection in
            try await state(organisation: organisation, bankID: bankID, version: version, in: connection)
        }
    }

    /// The states of every version of `bankID` in `organisation`, by version.
    public func states(organisation: String, bankID: String) async throws -> [Int: ReviewState] {
        try await database.read { connection in
            var states: [Int: ReviewState] = [:]
            for row in try await connection.raw(
                """
                SELECT * FROM bank_reviews WHERE organisation_id = \(bind: organisation) AND bank_id = \(bind: bankID)
                """
            ).all() {
                states[try row.decode(column: "version", as: Int.self)] = try Self.state(row)
            }
            return states
        }
    }

    /// The bank versions of every organisation that no reviewer has decided on, oldest upload first.
    public func pending(limit: Int = 500) async throws -> [BankVersion] {
        let bounded = max(1, min(limit, 5_000))
        return try await database.read { connection in
            try await connection.raw(
                """
                SELECT v.* FROM bank_versions v LEFT JOIN bank_reviews r
                ON r.organisation_id = v.organisation_id AND r.bank_id = v.bank_id AND r.version = v.version
                WHERE r.decision IS NULL ORDER BY v.uploaded_at, v.organisation_id, v.bank_id, v.version
                LIMIT \(unsafeRaw: String(bounded))
                """
            ).all().map(BankStore.version)
        }
    }

    /// The comments on the items of one bank version, oldest first.
    public func comments(organisation: String, bankID: String, version: Int) async throws -> [ItemComment] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT * FROM bank_item_comments WHERE organisation_id = \(bind: organisation)
                AND bank_id = \(bind: bankID) AND version = \(bind: version) ORDER BY created_at, id
                """
            ).all().map { row in
                ItemComment(
                    itemID: try row.decode(column: "item_id", as: String.self),
                    reviewer: try row.decode(column: "reviewer", as: String.self),
                    comment: try row.decode(column: "comment", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: Int64.self))
            }
        }
    }

    /// Adds a comment on item `itemID` of a bank version that is still a draft; audits `bank.comment`.
    public func comment(
        organisation: String, bankID: String, version: Int, itemID: String, text: String, reviewer: String
    ) async throws {
        let text = try Self.checked(text, required: true)
        try await database.write { connection in
            try await draftVersion(organisation: organisation, bankID: bankID, version: version, in: connection)
            try await connection.raw(
                """
                INSERT INTO bank_item_comments (id, organisation_id, bank_id, version, item_id, reviewer, comment,
                    created_at)
                VALUES (\(bind: UUID().uuidString), \(bind: organisation), \(bind: bankID), \(bind: version),
                    \(bind: itemID), \(bind: reviewer), \(bind: text), \(bind: Clock.now()))
                """
            ).run()
            try await database.audit.append(
                actor: reviewer, action: "bank.comment", target: "\(organisation)/\(bankID)@\(version)",
                details: "item \(itemID): \(text)", in: connection)
        }
    }

    /// Approves a draft version, or sends it back with `comment` (required then); audits `bank.approve` or
    /// `bank.return`. A decided version cannot be decided again (``StorageError`` `.conflict`).
    public func decide(
        organisation: String, bankID: String, version: Int, approve: Bool, comment: String, reviewer: String
    ) async throws {
        let text = try Self.checked(comment, required: !approve)
        try await database.write { connection in
            try await database.lock("campus.review.\(organisation).\(bankID).\(version)", in: connection)
            try await draftVersion(organisation: organisation, bankID: bankID, version: version, in: connection)
            try await connection.raw(
                """
                INSERT INTO bank_reviews (organisation_id, bank_id, version, decision, reviewer, comment, decided_at)
                VALUES (\(bind: organisation), \(bind: bankID), \(bind: version),
                    \(bind: approve ? "approved" : "returned"), \(bind: reviewer), \(bind: text), \(bind: Clock.now()))
                """
            ).run()
            try await database.audit.append(
                actor: reviewer, action: approve ? "bank.approve" : "bank.return",
                target: "\(organisation)/\(bankID)@\(version)", details: text, in: connection)
        }
    }

    /// Fails unless the version exists and is undecided.
    private func draftVersion(
        organisation: String, bankID: String, version: Int, in connection: any SQLDatabase
    ) async throws {
        let exists = try await connection.raw(
            """
            SELECT version FROM bank_versions WHERE organisation_id = \(bind: organisation)
            AND bank_id = \(bind: bankID) AND version = \(bind: version)
            """
        ).first()
        guard exists != nil else {
            throw StorageError(.notFound, "no bank \(bankID) version \(version) in \(organisation)")
        }
        let state = try await state(organisation: organisation, bankID: bankID, version: version, in: connection)
        guard state == .draft else {
            throw StorageError(
                .conflict, "\(bankID)@\(version) is \(state.word) already; a new upload is a new version")
        }
    }

    private func state(
        organisation: String, bankID: String, version: Int, in connection: any SQLDatabase
    ) async throws -> ReviewState {
        try await connection.raw(
            """
            SELECT * FROM bank_reviews WHERE organisation_id = \(bind: organisation) AND bank_id = \(bind: bankID)
            AND version = \(bind: version)
            """
        ).first().map(Self.state) ?? .draft
    }

    static func state(_ row: any SQLRow) throws -> ReviewState {
        let decision = ReviewDecision(
            reviewer: try row.decode(column: "reviewer", as: String.self),
            comment: try row.decode(column: "comment", as: String.self),
            decidedAt: try row.decode(column: "decided_at", as: Int64.self))
        switch try row.decode(column: "decision", as: String.self) {
        case "approved": return .approved(decision)
        case "returned": return .returned(decision)
        case let other: throw StorageError(.corrupt, "a bank review says '\(other)'")
        }
    }

    /// The comment trimmed, within bounds, on one line or several but without control characters.
    static func checked(_ text: String, required: Bool) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !required || !trimmed.isEmpty else {
            throw StorageError(.invalid, "a comment is required")
        }
        guard trimmed.count <= maximumComment,
            !trimmed.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t"
            })
        else {
            throw StorageError(.invalid, "a comment is at most \(maximumComment) characters of text")
        }
        return trimmed
    }
}

extension CampusDatabase {
    /// The quality board's decisions and comments.
    public var reviews: ReviewStore { ReviewStore(database: self) }
}
