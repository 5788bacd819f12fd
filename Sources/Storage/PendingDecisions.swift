import SQLKit

/// A learner whose certificate is decided later: the course shows results only once a window closes, and the
/// decision must not reveal them earlier.
public struct PendingDecision: Sendable, Equatable {
    /// The course's organisation.
    public var organisation: String
    /// The course.
    public var course: String
    /// The learner id.
    public var learner: String
    /// When the decision is due (seconds since 1970).
    public var dueAt: Int64

    /// A pending decision.
    public init(organisation: String, course: String, learner: String, dueAt: Int64) {
        self.organisation = organisation
        self.course = course
        self.learner = learner
        self.dueAt = dueAt
    }
}

/// Decisions waiting for their time; any node may take one when it is due, exactly one node does.
public struct PendingDecisionStore: Sendable {
    let database: CampusDatabase

    /// Most decisions taken in one call.
    public static let batchSize = 200

    /// Schedules the learner's decision at `dueAt`, or keeps the later time already scheduled.
    public func schedule(_ decision: PendingDecision) async throws {
        try await database.write { connection in
            try await connection.raw(
                """
                INSERT INTO pending_decisions (organisation_id, course_id, learner_id, due_at)
                VALUES (\(bind: decision.organisation), \(bind: decision.course), \(bind: decision.learner),
                    \(bind: decision.dueAt))
                ON CONFLICT (organisation_id, course_id, learner_id) DO UPDATE SET due_at =
                    CASE WHEN excluded.due_at > pending_decisions.due_at THEN excluded.due_at
                    ELSE pending_decisions.due_at END
                """
            ).run()
        }
    }

    /// Takes up to ``batchSize`` decisions due at `now`: each is removed by the one caller that receives it.
    public func takeDue(at now: Int64) async throws -> [PendingDecision] {
        let due = try await database.read { connection in
            try await connection.raw(
                """
                SELECT * FROM pending_decisions WHERE due_at <= \(bind: now) ORDER BY due_at
                LIMIT \(unsafeRaw: String(Self.batchSize))
                """
            ).all().map(Self.decision)
        }
        var taken: [PendingDecision] = []
        for decision in due {
            let removed = try await database.write { connection in
                try await connection.raw(
                    """
                    DELETE FROM pending_decisions WHERE organisation_id = \(bind: decision.organisation)
                        AND course_id = \(bind: decision.course) AND learner_id = \(bind: decision.learner)
                        AND due_at = \(bind: decision.dueAt)
                    RETURNING learner_id
                    """
                ).all()
            }
            if !removed.isEmpty { taken.append(decision) }
        }
        return taken
    }

    /// Every pending decision of `organisation`'s course.
    public func list(organisation: String, course: String) async throws -> [PendingDecision] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT * FROM pending_decisions WHERE organisation_id = \(bind: organisation)
                    AND course_id = \(bind: course) ORDER BY due_at, learner_id
                """
            ).all().map(Self.decision)
        }
    }

    static func decision(_ row: any SQLRow) throws -> PendingDecision {
        PendingDecision(
            organisation: try row.decode(column: "organisation_id", as: String.self),
            course: try row.decode(column: "course_id", as: String.self),
            learner: try row.decode(column: "learner_id", as: String.self),
            dueAt: try row.decode(column: "due_at", as: Int64.self))
    }
}

extension CampusDatabase {
    /// Certificate decisions waiting for results to be released.
    public var pendingDecisions: PendingDecisionStore { PendingDecisionStore(database: self) }
}
