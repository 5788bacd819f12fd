import Foundation
import Synchronization

/// Where attempts are kept between requests: in memory (``AttemptLedger``) or in a database.
///
/// ``AttemptPolicy`` applies the attempt rules through a store. An implementation saves and loads
/// ``StoredAttempt`` values unchanged; it does not check them (restoring does).
public protocol AttemptStore: Sendable {
    /// The attempt with `id`, or `nil` when none is stored.
    func load(id: String) async throws -> StoredAttempt?
    /// Saves `attempt`, replacing a stored attempt with the same id.
    func save(_ attempt: StoredAttempt) async throws
    /// Every attempt `learnerID` started at `assessmentID`, voided ones included, in any order.
    func attempts(of learnerID: String, at assessmentID: String) async throws -> [StoredAttempt]
}

/// The attempt rules of one assessment: time limit, attempt limit, final submission, voiding.
///
/// Self-tests are unlimited and have no time limit. Other attempts count against `attemptLimit`, voided ones
/// included. Answers after the deadline are refused; submission is final.
public struct AttemptPolicy: Sendable, Equatable {
    /// Time from start to deadline (homework and final exams), if limited.
    public var timeLimit: Duration?
    /// Attempts per learner (homework and final exams), if limited.
    public var attemptLimit: Int?
    /// When homework is due: no attempt starts later, and an attempt ends then at the latest.
    public var due: Date?

    /// Creates a policy.
    public init(timeLimit: Duration? = nil, attemptLimit: Int? = nil, due: Date? = nil) {
        self.timeLimit = timeLimit
        self.attemptLimit = attemptLimit
        self.due = due
    }

    /// The limits a blueprint sets.
    public init(blueprint: Blueprint) {
        self.init(timeLimit: blueprint.timeLimit, attemptLimit: blueprint.attemptLimit)
    }

    /// Starts attempt number `existing.count + 1` of `learnerID` at `assessmentID`, given the attempts the learner
    /// already started there.
    ///
    /// - Throws: ``AssessmentError`` `.attemptLimitReached` when the learner has no attempts left, or what
    ///   ``Attempt/init(id:learnerID:kind:bank:draw:timeLimit:startedAt:assessmentID:)`` throws.
    public func start(
        kind: AttemptKind, learnerID: String, assessmentID: String, bank: Bank, draw: ExamDraw,
        existing: [StoredAttempt], at now: Date
    ) throws(AssessmentError) -> Attempt {
        let used = existing.count
        if kind.counts, let attemptLimit, used >= attemptLimit {
            throw AssessmentError(
                .attemptLimitReached,
                "learner \(learnerID) has used all \(attemptLimit) attempt(s) at \(assessmentID)")
        }
        if kind == .homework, let due, now >= due {
            throw AssessmentError(
                .deadlinePassed, "\(assessmentID) was due at \(due.formatted(.iso8601)); no attempt starts any more")
        }
        var attempt = try Attempt(
            id: "\(assessmentID)-\(learnerID)-\(used + 1)", learnerID: learnerID, kind: kind, bank: bank, draw: draw,
            timeLimit: kind == .selfTest ? nil : timeLimit, startedAt: now, assessmentID: assessmentID)
        if let due { attempt.endNoLaterThan(due) }
        return attempt
    }

    /// Starts a new attempt and saves it in `store`.
    ///
    /// Counting and saving are two store calls; a store shared by several processes runs them in one
    /// transaction (or refuses a second attempt with the same id) so that two starts cannot both pass the limit.
    ///
    /// - Throws: as ``start(kind:learnerID:assessmentID:bank:draw:existing:at:)``, and the store's errors.
    public func start(
        kind: AttemptKind, learnerID: String, assessmentID: String, bank: Bank, draw: ExamDraw,
        in store: some AttemptStore, clock: some AssessmentClock
    ) async throws -> Attempt {
        let existing = try await store.attempts(of: learnerID, at: assessmentID)
        let attempt = try start(
            kind: kind, learnerID: learnerID, assessmentID: assessmentID, bank: bank, draw: draw, existing: existing,
            at: clock.now())
        try await store.save(attempt.stored)
        return attempt
    }

    /// Loads and restores attempt `id` against `bank`.
    ///
    /// - Throws: ``AssessmentError`` `.attemptNotFound` or `.storedAttempt`, and the store's errors.
    public func attempt(_ id: String, bank: Bank, in store: some AttemptStore) async throws -> Attempt {
        guard let stored = try await store.load(id: id) else {
            throw AssessmentError(.attemptNotFound, "there is no attempt '\(id)'; start a new one")
        }
        return try Attempt(restoring: stored, bank: bank)
    }

    /// Saves (or changes) an answer of stored attempt `attemptID`.
    ///
    /// - Returns: immediate feedback for a self-test, `nil` otherwise.
    /// - Throws: what ``Attempt/save(_:for:at:)`` throws (deadline, final submission, voiding, unknown item,
    ///   wrong shape), and the errors of ``attempt(_:bank:in:)``.
    @discardableResult
    public func save(
        _ response: Response, for itemID: String, inAttempt attemptID: String, bank: Bank,
        in store: some AttemptStore, clock: some AssessmentClock
    ) async throws -> ItemFeedback? {
        var attempt = try await attempt(attemptID, bank: bank, in: store)
        let feedback = try attempt.save(response, for: itemID, at: clock.now())
        try await store.save(attempt.stored)
        return feedback
    }

    /// Submits stored attempt `attemptID`; its answers are final from now on.
    public func submit(
        attemptID: String, bank: Bank, in store: some AttemptStore, clock: some AssessmentClock
    ) async throws -> AttemptScore {
        var attempt = try await attempt(attemptID, bank: bank, in: store)
        let score = try attempt.submit(at: clock.now())
        try await store.save(attempt.stored)
        return score
    }

    /// Voids stored attempt `attemptID`; it no longer counts but still counts against the attempt limit.
    public func void(
        attemptID: String, by proctorID: String, reason: String, bank: Bank, in store: some AttemptStore
    ) async throws {
        var attempt = try await attempt(attemptID, bank: bank, in: store)
        try attempt.void(by: proctorID, reason: reason)
        try await store.save(attempt.stored)
    }
}

/// Attempts kept in memory: the ``AttemptStore`` for tests, the terminal and single-process use.
///
/// A ledger is a handle: copies share the same attempts. It is safe to use from several tasks.
public struct AttemptLedger: AttemptStore {
    private final class Storage: Sendable {
        let attempts = Mutex<[String: StoredAttempt]>([:])
    }

    private let storage = Storage()

    /// An empty ledger.
    public init() {}

    /// Attempts `learnerID` has started at `assessmentID`.
    public func attemptsStarted(by learnerID: String, at assessmentID: String) -> Int {
        stored(of: learnerID, at: assessmentID).count
    }

    /// Starts a new attempt under `AttemptPolicy(timeLimit:attemptLimit:)` and keeps it. Self-tests are
    /// unlimited; other attempts count against `attemptLimit`, voided ones included.
    ///
    /// - Throws: ``AssessmentError`` `.attemptLimitReached` when the learner has no attempts left.
    public mutating func start(
        kind: AttemptKind, learnerID: String, assessmentID: String, bank: Bank, draw: ExamDraw,
        timeLimit: Duration?, attemptLimit: Int?, clock: some AssessmentClock
    ) throws(AssessmentError) -> Attempt {
        let policy = AttemptPolicy(timeLimit: timeLimit, attemptLimit: attemptLimit)
        return try storage.attempts.withLock { (attempts) throws(AssessmentError) -> Attempt in
            let existing = attempts.values.filter { $0.learnerID == learnerID && $0.assessmentID == assessmentID }
            let attempt = try policy.start(
                kind: kind, learnerID: learnerID, assessmentID: assessmentID, bank: bank, draw: draw,
                existing: existing, at: clock.now())
            attempts[attempt.id] = attempt.stored
            return attempt
        }
    }

    private func stored(of learnerID: String, at assessmentID: String) -> [StoredAttempt] {
        storage.attempts.withLock { attempts in
            attempts.values.filter { $0.learnerID == learnerID && $0.assessmentID == assessmentID }
                .sorted { $0.id < $1.id }
        }
    }

    public func load(id: String) async throws -> StoredAttempt? {
        storage.attempts.withLock { $0[id] }
    }

    public func save(_ attempt: StoredAttempt) async throws {
        storage.attempts.withLock { $0[attempt.id] = attempt }
    }

    public func attempts(of learnerID: String, at assessmentID: String) async throws -> [StoredAttempt] {
        stored(of: learnerID, at: assessmentID)
    }
}
