import Foundation
import SQLKit

/// A supervised exam session: a time window in which a proctor supervises the listed learners at one set of a
/// course (usually its final exam), online with a webcam in the platform's video room, or in person.
public struct ExamSession: Sendable, Equatable {
    /// How a session is supervised.
    public enum Mode: String, Sendable, CaseIterable {
        /// Online, with a webcam, in the video room of the platform's conference system.
        case online
        /// In person, in a room.
        case inPerson = "in-person"
    }

    /// The session's id.
    public var id: String
    /// The provider organisation.
    public var organisation: String
    /// The course.
    public var course: String
    /// The set supervised: `final-exam` or a homework set's id.
    public var set: String
    /// When the window opens and closes, in seconds since 1970.
    public var startsAt: Int64
    /// When the window closes, in seconds since 1970.
    public var endsAt: Int64
    /// The proctor's login.
    public var proctor: String
    /// Online or in person.
    public var mode: Mode
    /// The video room's address (online), or the room's name (in person).
    public var room: String
    /// Who scheduled it.
    public var createdBy: String

    /// A session to schedule.
    public init(
        id: String, organisation: String, course: String, set: String, startsAt: Int64, endsAt: Int64,
        proctor: String, mode: Mode, room: String, createdBy: String
    ) {
        self.id = id
        self.organisation = organisation
        self.course = course
        self.set = set
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.proctor = proctor
        self.mode = mode
        self.room = room
        self.createdBy = createdBy
    }

    /// Whether the window is open at `now` (seconds since 1970).
    public func isOpen(at now: Int64) -> Bool { startsAt <= now && now < endsAt }
}

/// One learner's place in a session: consent, identity check, release by the proctor, the attempt.
public struct ExamSeat: Sendable, Equatable {
    /// The session.
    public var session: String
    /// The learner.
    public var learner: String
    /// The consent text the learner agreed to, word for word, and when.
    public var consentText: String?
    /// When the learner consented, in seconds since 1970.
    public var consentAt: Int64?
    /// When the proctor checked the learner's ID (never its number), and who.
    public var identityCheckedAt: Int64?
    /// The proctor who checked the ID.
    public var identityCheckedBy: String?
    /// When the proctor let the learner start.
    public var releasedAt: Int64?
    /// The attempt started in this seat.
    public var attempt: String?
}

/// One line of a session's record: an incident, a pause, an extension, a voiding, a check.
public struct SessionLogEntry: Sendable, Equatable {
    /// When, in seconds since 1970.
    public var at: Int64
    /// Who (proctor or learner login).
    public var actor: String
    /// The learner it concerns.
    public var learner: String
    /// `incident`, `identity`, `consent`, `release`, `pause`, `resume`, `extend` or `void`.
    public var kind: String
    /// The note or reason.
    public var note: String
}

/// Exam sessions, their seats and their record. Every change is one transaction; scheduling is audited.
public struct ExamSessionStore: Sendable {
    let database: CampusDatabase

    /// Most learners in one session.
    public static let maximumLearners = 500
    /// Longest note, reason or consent text, in characters.
    public static let maximumNote = 2_000

    /// Schedules `session` for `learners` (learner ids, enrolled in the course: the caller checks).
    ///
    /// - Throws: ``StorageError`` `.invalid` naming the field at fault.
    public func create(_ session: ExamSession, learners: [String]) async throws {
        guard session.endsAt > session.startsAt, session.endsAt - session.startsAt <= 24 * 3600 else {
            throw StorageError(.invalid, "a session's window ends after it starts and lasts at most 24 hours")
        }
        guard !session.proctor.isEmpty else { throw StorageError(.invalid, "a session needs a proctor") }
        switch session.mode {
        case .online:
            guard session.room.hasPrefix("https://"), session.room.count <= 500,
                URL(string: session.room)?.host?.isEmpty == false
            else {
                throw StorageError(.invalid, "an online session needs the video room's https:// address")
            }
        case .inPerson:
            guard session.room.count <= 200 else { throw StorageError(.invalid, "the room's name is too long") }
        }
        let unique = Array(Set(learners)).sorted()
        guard !unique.isEmpty, unique.count <= Self.maximumLearners else {
            throw StorageError(.invalid, "a session has 1 to \(Self.maximumLearners) learners")
        }
        try await database.write { connection in
            try await connection.raw(
                """
                INSERT INTO exam_sessions (id, organisation_id, course_id, set_id, starts_at, ends_at, proctor, mode,
                    room, created_by, created_at)
                VALUES (\(bind: session.id), \(bind: session.organisation), \(bind: session.course),
                    \(bind: session.set), \(bind: session.startsAt), \(bind: session.endsAt), \(bind: session.proctor),
                    \(bind: session.mode.rawValue), \(bind: session.room), \(bind: session.createdBy),
                    \(bind: Clock.now()))
                """
            ).run()
            for learner in unique {
                try await connection.raw(
                    "INSERT INTO exam_seats (session_id, learner_id) VALUES (\(bind: session.id), \(bind: learner))"
                ).run()
            }
            try await database.audit.append(
                actor: session.createdBy, action: "session.create", target: session.id,
                details: "course \(session.course), set \(session.set), proctor \(session.proctor), "
                    + "\(session.mode.rawValue), \(unique.count) learners", in: connection)
        }
    }

    /// The session `id`, or `nil`.
    public func find(id: String) async throws -> ExamSession? {
        try await database.read { connection in
            try await connection.raw("SELECT * FROM exam_sessions WHERE id = \(bind: id)").first().map(Self.session)
        }
    }

    /// The sessions of `organisation`'s course `course`, earliest first.
    public func list(organisation: String, course: String) async throws -> [ExamSession] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT * FROM exam_sessions WHERE organisation_id = \(bind: organisation) AND course_id = \(bind: course)
                ORDER BY starts_at, id
                """
            ).all().map(Self.session)
        }
    }

    /// The sessions `proctor` supervises, earliest first.
    public func sessions(proctor: String) async throws -> [ExamSession] {
        try await database.read { connection in
            try await connection.raw(
                "SELECT * FROM exam_sessions WHERE proctor = \(bind: proctor) ORDER BY starts_at, id"
            ).all().map(Self.session)
        }
    }

    /// The seats of session `id`, by learner.
    public func seats(session id: String) async throws -> [ExamSeat] {
        try await database.read { connection in
            try await connection.raw(
                "SELECT * FROM exam_seats WHERE session_id = \(bind: id) ORDER BY learner_id"
            ).all().map(Self.seat)
        }
    }

    /// Every session `learner` has a seat in, with the seat, earliest first.
    public func seats(learner: String) async throws -> [(session: ExamSession, seat: ExamSeat)] {
        try await database.read { connection in
            // The two tables share no column name, so one row holds both.
            try await connection.raw(
                """
                SELECT exam_sessions.*, exam_seats.* FROM exam_seats
                JOIN exam_sessions ON exam_sessions.id = exam_seats.session_id
                WHERE exam_seats.learner_id = \(bind: learner) ORDER BY exam_sessions.starts_at, exam_sessions.id
                """
            ).all().map { row in (try Self.session(row), try Self.seat(row)) }
        }
    }

    /// Records the learner's consent (`text` as shown, word for word) at `now`; the first consent stands.
    public func consent(session: String, learner: String, text: String, at now: Int64) async throws {
        try await change(session: session, learner: learner, actor: learner, kind: "consent", note: "", at: now) {
            seat in
            seat.consentText == nil
                ? "UPDATE exam_seats SET consent_text = \(bind: String(text.prefix(Self.maximumNote))), "
                    + "consent_at = \(bind: now) WHERE session_id = \(bind: session) AND learner_id = \(bind: learner)"
                : nil
        }
    }

    /// Records that `proctor` checked the learner's ID at `now` (when, never the ID's number).
    public func checkIdentity(session: String, learner: String, proctor: String, at now: Int64) async throws {
        try await change(session: session, learner: learner, actor: proctor, kind: "identity", note: "", at: now) {
            seat in
            seat.identityCheckedAt == nil
                ? "UPDATE exam_seats SET identity_checked_at = \(bind: now), identity_checked_by = \(bind: proctor) "
                    + "WHERE session_id = \(bind: session) AND learner_id = \(bind: learner)" : nil
        }
    }

    /// Lets the learner start (the proctor's start) at `now`.
    public func release(session: String, learner: String, proctor: String, at now: Int64) async throws {
        try await change(session: session, learner: learner, actor: proctor, kind: "release", note: "", at: now) {
            seat in
            seat.releasedAt == nil
                ? "UPDATE exam_seats SET released_at = \(bind: now) "
                    + "WHERE session_id = \(bind: session) AND learner_id = \(bind: learner)" : nil
        }
    }

    /// Ties the attempt started in the seat to it.
    public func attach(session: String, learner: String, attempt: String) async throws {
        try await database.write { connection in
            try await connection.raw(
                """
                UPDATE exam_seats SET attempt_id = \(bind: attempt)
                WHERE session_id = \(bind: session) AND learner_id = \(bind: learner)
                """
            ).run()
        }
    }

    /// Adds a line to the session's record (an incident, a pause, an extension, a voiding).
    public func log(session: String, learner: String, actor: String, kind: String, note: String, at now: Int64)
        async throws
    {
        try await database.write { connection in
            try await insertLog(
                session: session, learner: learner, actor: actor, kind: kind, note: note, at: now, in: connection)
        }
    }

    /// The session's record, oldest first.
    public func record(session: String) async throws -> [SessionLogEntry] {
        try await database.read { connection in
            try await connection.raw(
                "SELECT * FROM exam_session_log WHERE session_id = \(bind: session) ORDER BY at, id"
            ).all().map { row in
                SessionLogEntry(
                    at: try row.decode(column: "at", as: Int64.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    learner: try row.decode(column: "learner_id", as: String.self),
                    kind: try row.decode(column: "kind", as: String.self),
                    note: try row.decode(column: "note", as: String.self))
            }
        }
    }

    /// Runs the update `statement` gives for the seat (none: nothing to change) and logs it, in one transaction.
    private func change(
        session: String, learner: String, actor: String, kind: String, note: String, at now: Int64,
        statement: (ExamSeat) -> SQLQueryString?
    ) async throws {
        try await database.write { connection in
            try await database.lock("campus.seat.\(session).\(learner)", in: connection)
            guard
                let seat = try await connection.raw(
                    "SELECT * FROM exam_seats WHERE session_id = \(bind: session) AND learner_id = \(bind: learner)"
                ).first().map(Self.seat)
            else { throw StorageError(.notFound, "\(learner) has no seat in session \(session)") }
            guard let update = statement(seat) else { return }
            try await connection.raw(update).run()
            try await insertLog(
                session: session, learner: learner, actor: actor, kind: kind, note: note, at: now, in: connection)
        }
    }

    private func insertLog(
        session: String, learner: String, actor: String, kind: String, note: String, at now: Int64,
        in connection: any SQLDatabase
    ) async throws {
        try await connection.raw(
            """
            INSERT INTO exam_session_log (id, session_id, learner_id, at, actor, kind, note)
            VALUES (\(bind: UUID().uuidString), \(bind: session), \(bind: learner), \(bind: now), \(bind: actor),
                \(bind: kind), \(bind: String(note.prefix(Self.maximumNote))))
            """
        ).run()
    }

    static func session(_ row: any SQLRow) throws -> ExamSession {
        let mode = try row.decode(column: "mode", as: String.self)
        return ExamSession(
            id: try row.decode(column: "id", as: String.self),
            organisation: try row.decode(column: "organisation_id", as: String.self),
            course: try row.decode(column: "course_id", as: String.self),
            set: try row.decode(column: "set_id", as: String.self),
            startsAt: try row.decode(column: "starts_at", as: Int64.self),
            endsAt: try row.decode(column: "ends_at", as: Int64.self),
            proctor: try row.decode(column: "proctor", as: String.self),
            mode: ExamSession.Mode(rawValue: mode) ?? .inPerson,
            room: try row.decode(column: "room", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self))
    }

    static func seat(_ row: any SQLRow) throws -> ExamSeat {
        ExamSeat(
            session: try row.decode(column: "session_id", as: String.self),
            learner: try row.decode(column: "learner_id", as: String.self),
            consentText: try row.decode(column: "consent_text", as: String?.self),
            consentAt: try row.decode(column: "consent_at", as: Int64?.self),
            identityCheckedAt: try row.decode(column: "identity_checked_at", as: Int64?.self),
            identityCheckedBy: try row.decode(column: "identity_checked_by", as: String?.self),
            releasedAt: try row.decode(column: "released_at", as: Int64?.self),
            attempt: try row.decode(column: "attempt_id", as: String?.self))
    }
}

extension CampusDatabase {
    /// Supervised exam sessions.
    public var examSessions: ExamSessionStore { ExamSessionStore(database: self) }
}
