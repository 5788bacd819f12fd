import Assessment
import Foundation
import Synchronization

/// Commits learners' saves that arrive together in one transaction (group commit): a save waits while the batch
/// before it commits, then goes with every save that arrived meanwhile, and is acknowledged only after its batch's
/// commit. One disk flush serves many saves, and each save keeps its own outcome (a stale or late save is refused
/// on its own; a failed commit fails every save of the batch, none acknowledged).
actor AnswerBatcher {
    /// One save to commit.
    struct Save: Sendable {
        let response: Response
        let itemID: String
        let attemptID: String
        let sequence: Int64
        let bank: Bank
        let now: Date
        /// The attempt with this save applied, prepared outside the transaction.
        var prepared: Prepared?
    }

    /// A save applied outside the transaction: the attempt's JSON to write if it is still at `revision`.
    struct Prepared: Sendable {
        let attempt: StoredAttempt
        let json: String
        let revision: Int64
        let outcome: AnswerSaveOutcome
    }

    /// Most saves in one transaction.
    static let maximumBatch = 256

    private var waiting: [(save: Save, reply: CheckedContinuation<AnswerSaveOutcome, any Error>)] = []
    private var draining = 0
    /// How many batches commit at once: 1 on SQLite (its writers take turns anyway), several on PostgreSQL.
    private let parallel: Int

    init(parallel: Int) {
        self.parallel = max(1, parallel)
    }

    /// Commits `save` with the others that arrive meanwhile; returns when its batch is committed.
    func commit(_ save: Save, records: AttemptRecords) async throws -> AnswerSaveOutcome {
        try await withCheckedThrowingContinuation { reply in
            waiting.append((save, reply))
            if draining < parallel {
                draining += 1
                Task { await drain(records) }
            }
        }
    }

    private func drain(_ records: AttemptRecords) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maximumBatch))
            waiting.removeFirst(batch.count)
            do {
                let results = try await records.commit(batch.map(\.save))
                for (entry, result) in zip(batch, results) { entry.reply.resume(with: result) }
            } catch {
                for entry in batch { entry.reply.resume(throwing: error) }
            }
        }
        draining -= 1
    }
}

/// Attempts as decoded at a revision, so that a save need not read and decode an attempt that has not changed since
/// the last save this process made to it. A revision changes with every write on any node, so an entry is used only
/// while the stored attempt is exactly the one decoded. Bounded; cleared when full.
final class DecodedAttempts: Sendable {
    static let capacity = 20_000
    private let known = Mutex<[String: (revision: Int64, attempt: StoredAttempt)]>([:])

    /// Attempt `id` at `revision`, when this process decoded that revision.
    func attempt(_ id: String, revision: Int64) -> StoredAttempt? {
        known.withLock { table in
            guard let entry = table[id], entry.revision == revision else { return nil }
            return entry.attempt
        }
    }

    /// Remembers `attempt` at `revision`.
    func keep(_ attempt: StoredAttempt, revision: Int64) {
        known.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[attempt.id] = (revision, attempt)
        }
    }
}
