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

/// Attempts as this process last read or wrote them, with their revision and save number, so that a save need not
/// read and decode an attempt before preparing its answer. An entry may be stale (another node, a proctor or a
/// submission changed the attempt since): a save prepared from it is written only if the stored attempt is still at
/// the entry's revision, and judged again in its transaction otherwise. Bounded; cleared when full.
final class DecodedAttempts: Sendable {
    static let capacity = 20_000
    private let known = Mutex<[String: (attempt: StoredAttempt, sequence: Int64, revision: Int64)]>([:])

    /// Attempt `id` as last kept, with its save number and revision, or `nil`.
    func latest(_ id: String) -> (attempt: StoredAttempt, sequence: Int64, revision: Int64)? {
        known.withLock { table in table[id] }
    }

    /// Remembers `attempt` as stored at `revision` with save number `sequence`.
    func keep(_ attempt: StoredAttempt, sequence: Int64, revision: Int64) {
        known.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[attempt.id] = (attempt, sequence, revision)
        }
    }
}
