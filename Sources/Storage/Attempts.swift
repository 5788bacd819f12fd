import Assessment
import Foundation
import SQLKit

/// What saving one answer did.
public enum AnswerSaveOutcome: Sendable, Equatable {
    /// The answer is stored under `sequence`; `feedback` is a self-test's immediate feedback.
    case saved(sequence: Int64, feedback: ItemFeedback?)
    /// The same answer was stored under this sequence already (a re-sent save): nothing changed.
    case alreadySaved(sequence: Int64)
}

/// What never changes about a stored attempt: whose it is and which bank version it was drawn from.
public struct AttemptFacts: Sendable, Equatable {
    /// The learner's id.
    public var learnerID: String
    /// The organisation of the course.
    public var organisation: String
    /// The bank's id.
    public var bankID: String
    /// The stored bank version.
    public var bankVersion: Int

    /// Facts of an attempt.
    public init(learnerID: String, organisation: String, bankID: String, bankVersion: Int) {
        self.learnerID = learnerID
        self.organisation = organisation
        self.bankID = bankID
        self.bankVersion = bankVersion
    }
}

/// Attempts in the database: the ``AttemptStore`` of the service, shared by every node.
///
/// Each attempt is one row holding its ``StoredAttempt`` as JSON and the sequence number of the last answer saved.
/// Every save runs in a transaction (shared with the saves that arrive at the same time) under a lock on the
/// attempt, so an acknowledged answer is stored (SQLite with `synchronous=FULL`, PostgreSQL committed) and two tabs
/// saving at once never interleave: a save whose sequence is not newer than the stored one is refused, unless it is
/// the very same answer re-sent.
public struct AttemptRecords: AttemptStore {
    let database: CampusDatabase

    /// Longest stored attempt, in bytes of JSON (essays included).
    public static let maximumStoredSize = 2_000_000

    public func load(id: String) async throws -> StoredAttempt? {
        try await database.read { connection in try await load(id: id, in: connection)?.attempt }
    }

    /// Saves `attempt`, replacing the stored one with its id. A new attempt saved this way is not tied to a stored
    /// bank version (item analysis will not see it): start attempts with
    /// ``start(policy:kind:learnerID:assessmentID:bank:draw:organisation:bankVersion:at:)``.
    public func save(_ attempt: StoredAttempt) async throws {
        let json = try Self.encode(attempt)
        try await database.write { connection in
            try await database.lock("campus.attempt.\(attempt.id)", in: connection)
            if try await load(id: attempt.id, in: connection) != nil {
                try await connection.raw(
                    """
                    UPDATE attempts SET stored = \(bind: json), open_until = \(bind: Self.openUntil(attempt)),
                        updated_at = \(bind: Clock.now()), revision = revision + 1
                    WHERE id = \(bind: attempt.id)
                    """
                ).run()
            } else {
                try await insert(attempt, json: json, organisation: "", bankVersion: 0, in: connection)
            }
        }
    }

    public func attempts(of learnerID: String, at assessmentID: String) async throws -> [StoredAttempt] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT stored FROM attempts WHERE learner_id = \(bind: learnerID) AND assessment_id = \(bind: assessmentID)
                ORDER BY id
                """
            ).all().map { try Self.decode(try $0.decode(column: "stored", as: String.self)) }
        }
    }

    /// Starts an attempt by `policy`, counting the learner's earlier attempts and storing the new one in one
    /// transaction under a lock on learner and assessment: two nodes starting at once cannot both pass the limit.
    /// `bank` is version `bankVersion` of `organisation`'s bank (the item analysis of that version reads it).
    public func start(
        policy: AttemptPolicy, kind: AttemptKind, learnerID: String, assessmentID: String, bank: Bank,
        draw: ExamDraw, organisation: String, bankVersion: Int, at now: Date
    ) async throws -> Attempt {
        try await database.write { connection in
            try await database.lock("campus.attempt.start.\(learnerID).\(assessmentID)", in: connection)
            let existing = try await connection.raw(
                """
                SELECT stored FROM attempts WHERE learner_id = \(bind: learnerID) AND assessment_id = \(bind: assessmentID)
                """
            ).all().map { try Self.decode(try $0.decode(column: "stored", as: String.self)) }
            let attempt = try policy.start(
                kind: kind, learnerID: learnerID, assessmentID: assessmentID, bank: bank, draw: draw,
                existing: existing, at: now)
            try await insert(
                attempt.stored, json: try Self.encode(attempt.stored), organisation: organisation,
                bankVersion: bankVersion, in: connection)
            return attempt
        }
    }

    /// Saves the answer `response` to `itemID` as the attempt's save number `sequence` (counted by the client, from
    /// 1, per attempt), at the server's time `now`. It is committed with the saves that arrive meanwhile (one
    /// transaction for the batch, see ``AnswerBatcher``) and returns only after that commit.
    ///
    /// - Throws: ``StorageError`` `.notFound` for an unknown attempt, `.conflict` when an answer with this or a
    ///   newer sequence number is stored (another tab, or a stale re-send: reload the attempt); ``AssessmentError``
    ///   when the attempt refuses the answer (deadline passed, submitted, voided, not its item, wrong kind).
    public func saveAnswer(
        _ response: Response, for itemID: String, inAttempt id: String, sequence: Int64, bank: Bank, at now: Date
    ) async throws -> AnswerSaveOutcome {
        guard sequence >= 1 else {
            throw StorageError(.invalid, "a save's sequence number counts from 1")
        }
        var save = AnswerBatcher.Save(
            response: response, itemID: itemID, attemptID: id, sequence: sequence, bank: bank, now: now)
        // The work of the save — reading, checking, encoding — is done here, outside the batch's transaction; the
        // batch only writes it, if the attempt is still at the revision it was prepared from.
        switch try await prepare(save) {
        case .decided(let outcome): return outcome
        case .write(let prepared): save.prepared = prepared
        case .inTransaction: break
        }
        return try await database.answerBatcher.commit(save, records: self)
    }

    /// What preparing a save found.
    enum Preparation {
        /// The answer is there already under this sequence (sequences only grow, so this holds).
        case decided(AnswerSaveOutcome)
        /// The attempt as it is to be written, if it is still at `revision`.
        case write(AnswerBatcher.Prepared)
        /// The attempt refused the answer as read: judged again in the transaction (a proctor may have resumed it).
        case inTransaction
    }

    /// Applies the save, without writing, to the attempt as this process last saw it (read only when it has not seen
    /// it yet). A stale sequence is refused here for good (the stored sequence only grows); a re-sent answer is
    /// confirmed only against the attempt as read now, else in the transaction.
    func prepare(_ save: AnswerBatcher.Save) async throws -> Preparation {
        let cache = database.decodedAttempts
        var known: KnownAttempt
        let readNow: Bool
        if let entry = cache.latest(save.attemptID) {
            (known, readNow) = (entry, false)
        } else {
            guard
                let found = try await database.read({ connection in try await load(id: save.attemptID, in: connection) }
                )
            else { throw StorageError(.notFound, "no attempt \(save.attemptID)") }
            known = KnownAttempt(
                attempt: try Attempt(restoring: found.attempt, bank: save.bank), sequence: found.sequence,
                revision: found.revision)
            cache.keep(known)
            readNow = true
        }
        if let outcome = try Self.resent(save, answers: known.attempt.answers, sequence: known.sequence) {
            return readNow ? .decided(outcome) : .inTransaction
        }
        let feedback: ItemFeedback?
        do {
            feedback = try known.attempt.save(save.response, for: save.itemID, at: save.now)
        } catch {
            return .inTransaction
        }
        let json: String
        if let rest = known.rest {
            json = try AttemptJSON.encode(answers: known.attempt.answers, rest: rest, id: save.attemptID)
        } else {
            (json, known.rest) = try AttemptJSON.encode(known.attempt.stored)
        }
        return .write(
            AnswerBatcher.Prepared(
                known: known, json: json, outcome: .saved(sequence: save.sequence, feedback: feedback)))
    }

    /// The outcome of `save` against an attempt stored with save number `sequence` when the sequence decides it:
    /// the same answer re-sent is `.alreadySaved`; an older or reused number is refused (`.conflict`); `nil` when
    /// the save is new.
    static func resent(_ save: AnswerBatcher.Save, answers: [String: Response], sequence: Int64) throws(StorageError)
        -> AnswerSaveOutcome?
    {
        if save.sequence == sequence, answers[save.itemID] == save.response {
            return .alreadySaved(sequence: save.sequence)
        }
        guard save.sequence > sequence else {
            throw StorageError(
                .conflict,
                "attempt \(save.attemptID) holds save \(sequence) already, newer than or the same as "
                    + "\(save.sequence); reload the attempt to see its answers")
        }
        return nil
    }

    /// Applies one save inside the batch's transaction (the attempt's lock taken by the batch), on the attempt as
    /// stored; returns its outcome and what it wrote (`nil` for a re-sent answer).
    func apply(_ save: AnswerBatcher.Save, in connection: any SQLDatabase) async throws -> (
        AnswerSaveOutcome, KnownAttempt?
    ) {
        let (response, itemID, id, sequence, bank, now) = (
            save.response, save.itemID, save.attemptID, save.sequence, save.bank, save.now
        )
        guard let row = try await load(id: id, in: connection) else {
            throw StorageError(.notFound, "no attempt \(id)")
        }
        if let outcome = try Self.resent(save, answers: row.attempt.answers, sequence: row.sequence) {
            return (outcome, nil)
        }
        var attempt = try Attempt(restoring: row.attempt, bank: bank)
        let feedback = try attempt.save(response, for: itemID, at: now)
        try await connection.raw(
            """
            UPDATE attempts SET stored = \(bind: try Self.encode(attempt.stored)), sequence = \(bind: sequence),
                updated_at = \(bind: Clock.now()), revision = revision + 1
            WHERE id = \(bind: id)
            """
        ).run()
        return (
            .saved(sequence: sequence, feedback: feedback),
            KnownAttempt(attempt: attempt, sequence: sequence, revision: row.revision + 1)
        )
    }

    /// Commits one batch of saves; a save's own refusal is its result, not the batch's.
    ///
    /// The first save of each attempt, when prepared, is written if its attempt is still at the revision it was
    /// prepared from, for the whole batch in one statement that first takes the attempts' locks (in attempt order,
    /// so that two nodes' batches never wait for each other in a circle). On PostgreSQL that statement is its own
    /// transaction (one round trip); the other saves follow in one transaction with their attempts locked, judged
    /// again on the attempt as stored, in arrival order. On SQLite all of it is one transaction.
    func commit(_ batch: [AnswerBatcher.Save]) async throws -> [Result<AnswerSaveOutcome, any Error>] {
        var seen = Set<String>()
        let firstPrepared = batch.indices.filter {
            seen.insert(batch[$0].attemptID).inserted && batch[$0].prepared != nil
        }
        var results = [Result<AnswerSaveOutcome, any Error>?](repeating: nil, count: batch.count)
        var written: [KnownAttempt] = []
        let separately = database.kind == .postgresql
        if separately, !firstPrepared.isEmpty {
            let saves = firstPrepared.map { batch[$0] }
            let stillCurrent = try await database.read { connection in try await writePrepared(saves, in: connection) }
            for entry in Self.writtenAtOnce(batch, firstPrepared, stillCurrent) {
                written.append(entry.stored)
                results[entry.index] = .success(entry.outcome)
            }
        }
        let rest = batch.indices.filter { results[$0] == nil }
        if !rest.isEmpty {
            let (outcomes, stored) = try await database.write { connection in
                var outcomes: [(Int, Result<AnswerSaveOutcome, any Error>)] = []
                var stored: [KnownAttempt] = []
                if !separately {
                    let saves = firstPrepared.map { batch[$0] }
                    let stillCurrent = try await writePrepared(saves, in: connection)
                    for entry in Self.writtenAtOnce(batch, firstPrepared, stillCurrent) {
                        stored.append(entry.stored)
                        outcomes.append((entry.index, .success(entry.outcome)))
                    }
                }
                let decided = Set(outcomes.map(\.0))
                let pending = rest.filter { !decided.contains($0) }
                try await database.lock(
                    Set(pending.map { batch[$0].attemptID }).sorted().map { "campus.attempt.\($0)" }, in: connection)
                for index in pending {
                    do {
                        let (outcome, after) = try await apply(batch[index], in: connection)
                        if let after { stored.append(after) }
                        outcomes.append((index, .success(outcome)))
                    } catch let error as StorageError where error.code != .corrupt {
                        outcomes.append((index, .failure(error)))
                    } catch let error as AssessmentError {
                        outcomes.append((index, .failure(error)))
                    }
                }
                return (outcomes, stored)
            }
            for (index, outcome) in outcomes { results[index] = outcome }
            written += stored
        }
        // Only once committed: what was written is now the stored attempt (later entries of an attempt are newer).
        for entry in written { database.decodedAttempts.keep(entry) }
        return results.map { $0 ?? .failure(StorageError(.corrupt, "a save of the batch was not judged")) }
    }

    /// The saves among `firstPrepared` (indices into `batch`) that the one statement wrote, as their attempts
    /// now stand, with their outcomes.
    static func writtenAtOnce(_ batch: [AnswerBatcher.Save], _ firstPrepared: [Int], _ stillCurrent: Set<String>)
        -> [(index: Int, stored: KnownAttempt, outcome: AnswerSaveOutcome)]
    {
        firstPrepared.compactMap { index in
            guard stillCurrent.contains(batch[index].attemptID), let prepared = batch[index].prepared else {
                return nil
            }
            return (index, written(prepared, sequence: batch[index].sequence), prepared.outcome)
        }
    }

    /// The attempt as stored once `prepared`, save number `sequence`, is written.
    static func written(_ prepared: AnswerBatcher.Prepared, sequence: Int64) -> KnownAttempt {
        var known = prepared.known
        known.sequence = sequence
        known.revision += 1
        return known
    }

    /// Writes prepared saves (at most one per attempt) in one statement that first takes the attempts' locks, each
    /// only if its attempt is still at the revision it was prepared from; returns the ids of the attempts written.
    private func writePrepared(_ saves: [AnswerBatcher.Save], in connection: any SQLDatabase) async throws -> Set<
        String
    > {
        let rows: [SQLQueryString] = saves.compactMap { save in
            guard let prepared = save.prepared else { return nil }
            return """
                (\(bind: save.attemptID), \(bind: prepared.json), CAST(\(bind: save.sequence) AS BIGINT),
                CAST(\(bind: prepared.revision) AS BIGINT))
                """
        }
        guard !rows.isEmpty else { return [] }
        let locks = database.lockingTables(Set(saves.map(\.attemptID)).sorted().map { "campus.attempt.\($0)" })
        let updated = try await connection.raw(
            """
            WITH \(locks.map { "\($0)," as SQLQueryString } ?? "")
            batch (attempt_id, new_stored, new_sequence, old_revision) AS (VALUES \(rows.joined(separator: ", ")))
            UPDATE attempts SET stored = batch.new_stored, sequence = batch.new_sequence,
                updated_at = \(bind: Clock.now()), revision = revision + 1
            FROM batch WHERE id = batch.attempt_id AND revision = batch.old_revision
            \(unsafeRaw: locks == nil ? "" : "AND (SELECT taken FROM locks_taken) >= 0")
            RETURNING id
            """
        ).all()
        return Set(try updated.map { try $0.decode(column: "id", as: String.self) })
    }

    /// Changes attempt `id` by `change` in one transaction under the attempt's lock, so that no answer saved at the
    /// same time is lost (submitting, voiding, proctoring, grading); returns the attempt as stored afterwards.
    ///
    /// - Throws: ``StorageError`` `.notFound` for an unknown attempt, or what `change` throws (nothing is stored).
    @discardableResult
    public func modify(
        id: String, _ change: @Sendable (inout StoredAttempt) throws -> Void
    ) async throws -> StoredAttempt {
        try await database.write { connection in
            try await database.lock("campus.attempt.\(id)", in: connection)
            guard var attempt = try await load(id: id, in: connection)?.attempt else {
                throw StorageError(.notFound, "no attempt \(id)")
            }
            try change(&attempt)
            try await connection.raw(
                """
                UPDATE attempts SET stored = \(bind: try Self.encode(attempt)),
                    open_until = \(bind: Self.openUntil(attempt)), updated_at = \(bind: Clock.now()), revision = revision + 1
                WHERE id = \(bind: id)
                """
            ).run()
            return attempt
        }
    }

    /// Submits, with the answers saved in time, every attempt in progress whose deadline has passed by `now`, also
    /// when its learner is gone; returns them as submitted. Safe on several nodes at once: each attempt is submitted
    /// once, under its lock.
    public func submitExpired(at now: Date) async throws -> [StoredAttempt] {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let due = try await database.read { connection in
            try await connection.raw(
                "SELECT id FROM attempts WHERE open_until IS NOT NULL AND open_until <= \(bind: seconds) ORDER BY id"
            ).all().map { try $0.decode(column: "id", as: String.self) }
        }
        var submitted: [StoredAttempt] = []
        for id in due {
            if let attempt = try await submitIfExpired(id: id, at: now) { submitted.append(attempt) }
        }
        return submitted
    }

    /// Submits attempt `id` with its saved answers when it is in progress and its deadline has passed by `now`;
    /// returns it then, `nil` otherwise.
    public func submitIfExpired(id: String, at now: Date) async throws -> StoredAttempt? {
        try await database.write { connection in
            try await database.lock("campus.attempt.\(id)", in: connection)
            guard var attempt = try await load(id: id, in: connection)?.attempt, attempt.state == .inProgress,
                attempt.pausedAt == nil, let deadline = attempt.deadline, deadline <= now
            else { return nil }
            attempt.state = .submitted(at: deadline)
            attempt.pausedAt = nil
            try await connection.raw(
                """
                UPDATE attempts SET stored = \(bind: try Self.encode(attempt)), open_until = NULL,
                    updated_at = \(bind: Clock.now()), revision = revision + 1
                WHERE id = \(bind: id)
                """
            ).run()
            return attempt
        }
    }

    /// Every attempt of `learnerID` in course `courseID` (homework, self-tests and final exam), in id order.
    public func attempts(of learnerID: String, inCourse courseID: String) async throws -> [StoredAttempt] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT stored FROM attempts WHERE learner_id = \(bind: learnerID)
                AND assessment_id LIKE \(bind: Self.coursePattern(courseID)) ORDER BY id
                """
            ).all().map { try Self.decode(try $0.decode(column: "stored", as: String.self)) }
        }
    }

    /// Every attempt of every learner in course `courseID`, in id order.
    public func attempts(inCourse courseID: String) async throws -> [StoredAttempt] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT stored FROM attempts WHERE assessment_id LIKE \(bind: Self.coursePattern(courseID)) ORDER BY id
                """
            ).all().map { try Self.decode(try $0.decode(column: "stored", as: String.self)) }
        }
    }

    /// Every attempt of `organisation`'s courses that counts (homework and final exams), in id order.
    public func countedAttempts(organisation: String) async throws -> [StoredAttempt] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT stored FROM attempts WHERE organisation_id = \(bind: organisation)
                AND kind <> \(bind: AttemptKind.selfTest.rawValue) ORDER BY id
                """
            ).all().map { try Self.decode(try $0.decode(column: "stored", as: String.self)) }
        }
    }

    /// Assessment ids of a course are `COURSE.SET`; course ids hold only a-z, 0-9 and `-`, never a LIKE wildcard.
    static func coursePattern(_ courseID: String) -> String {
        courseID.filter { $0.isLetter || $0.isNumber || $0 == "-" } + ".%"
    }

    /// When an attempt in progress runs out of time, in whole seconds rounded up; `nil` when nothing runs out.
    static func openUntil(_ attempt: StoredAttempt) -> Int64? {
        guard attempt.state == .inProgress, attempt.pausedAt == nil, let deadline = attempt.deadline else { return nil }
        return Int64(deadline.timeIntervalSince1970.rounded(.up))
    }

    /// The sequence number of the last answer saved in attempt `id` (0 before the first), or `nil`.
    public func sequence(of id: String) async throws -> Int64? {
        try await database.read { connection in try await load(id: id, in: connection)?.sequence }
    }

    /// Attempt `id` with the organisation and stored bank version it was drawn from, in one query; `nil` when
    /// there is no such attempt.
    public func loadWithBank(id: String) async throws -> (
        attempt: StoredAttempt, organisation: String, version: Int
    )? {
        try await database.read { connection in
            guard
                let row = try await connection.raw(
                    "SELECT stored, organisation_id, bank_version FROM attempts WHERE id = \(bind: id)"
                ).first()
            else { return nil }
            return (
                try Self.decode(try row.decode(column: "stored", as: String.self)),
                try row.decode(column: "organisation_id", as: String.self),
                try row.decode(column: "bank_version", as: Int.self)
            )
        }
    }

    /// What never changes about attempt `id` — its learner, organisation and the bank version it was drawn from —
    /// read without its answers; `nil` when there is no such attempt.
    public func facts(of id: String) async throws -> AttemptFacts? {
        try await database.read { connection in
            guard
                let row = try await connection.raw(
                    """
                    SELECT learner_id, organisation_id, bank_id, bank_version FROM attempts WHERE id = \(bind: id)
                    """
                ).first()
            else { return nil }
            return AttemptFacts(
                learnerID: try row.decode(column: "learner_id", as: String.self),
                organisation: try row.decode(column: "organisation_id", as: String.self),
                bankID: try row.decode(column: "bank_id", as: String.self),
                bankVersion: try row.decode(column: "bank_version", as: Int.self))
        }
    }

    /// The organisation and stored bank version attempt `id` was drawn from, or `nil`.
    public func bankVersion(of id: String) async throws -> (organisation: String, version: Int)? {
        try await database.read { connection in
            guard
                let row = try await connection.raw(
                    "SELECT organisation_id, bank_version FROM attempts WHERE id = \(bind: id)"
                ).first()
            else { return nil }
            return (
                try row.decode(column: "organisation_id", as: String.self),
                try row.decode(column: "bank_version", as: Int.self)
            )
        }
    }

    /// Every attempt drawn from version `version` of `organisation`'s bank `bankID`, in id order.
    public func attempts(organisation: String, bankID: String, version: Int) async throws -> [StoredAttempt] {
        try await database.read { connection in
            try await connection.raw(
                """
                SELECT stored FROM attempts WHERE organisation_id = \(bind: organisation) AND bank_id = \(bind: bankID)
                AND bank_version = \(bind: version) ORDER BY id
                """
            ).all().map { try Self.decode(try $0.decode(column: "stored", as: String.self)) }
        }
    }

    private func insert(
        _ attempt: StoredAttempt, json: String, organisation: String, bankVersion: Int, in connection: any SQLDatabase
    ) async throws {
        if try await load(id: attempt.id, in: connection) != nil {
            throw StorageError(.conflict, "attempt \(attempt.id) was started already")
        }
        try await connection.raw(
            """
            INSERT INTO attempts (id, assessment_id, learner_id, kind, organisation_id, bank_id, bank_version, stored,
                sequence, updated_at, open_until)
            VALUES (\(bind: attempt.id), \(bind: attempt.assessmentID), \(bind: attempt.learnerID),
                \(bind: attempt.kind.rawValue), \(bind: organisation), \(bind: attempt.draw.bankID),
                \(bind: bankVersion), \(bind: json), 0, \(bind: Clock.now()), \(bind: Self.openUntil(attempt)))
            """
        ).run()
    }

    private func load(id: String, in connection: any SQLDatabase) async throws -> (
        attempt: StoredAttempt, sequence: Int64, revision: Int64
    )? {
        guard
            let row = try await connection.raw(
                "SELECT stored, sequence, revision FROM attempts WHERE id = \(bind: id)"
            ).first()
        else { return nil }
        return (
            try Self.decode(try row.decode(column: "stored", as: String.self)),
            try row.decode(column: "sequence", as: Int64.self),
            try row.decode(column: "revision", as: Int64.self)
        )
    }

    static func encode(_ attempt: StoredAttempt) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(attempt)
        guard data.count <= maximumStoredSize else {
            throw StorageError(.invalid, "attempt \(attempt.id) would be larger than 2 MB")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ json: String) throws -> StoredAttempt {
        do {
            return try JSONDecoder().decode(StoredAttempt.self, from: Data(json.utf8))
        } catch {
            throw StorageError(.corrupt, "a stored attempt cannot be read back: \(error)")
        }
    }
}

extension CampusDatabase {
    /// The attempts of every learner.
    public var attempts: AttemptRecords { AttemptRecords(database: self) }
}
