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

    /// A save applied outside the transaction: the attempt's JSON to write if it is still at `known.revision`.
    struct Prepared: Sendable {
        /// The attempt with the save applied, at the revision it was prepared from.
        let known: KnownAttempt
        let json: String
        let outcome: AnswerSaveOutcome
        var revision: Int64 { known.revision }
    }

    /// Most saves in one transaction.
    static let maximumBatch = 256

    private var waiting: [(save: Save, reply: CheckedContinuation<AnswerSaveOutcome, any Error>)] = []
    private var draining = 0
    /// How many batches commit at once. One per process: saves arriving while a batch commits make the next one
    /// larger, which costs the database less per save than several small batches (measured with
    /// `campus bench serve`: at 2,000 saves per second on PostgreSQL, p99 9–18 ms with one, 17–23 ms with two,
    /// 55 ms with four). Several nodes still commit at the same time.
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

/// An attempt as this process last read or wrote it: restored against its bank, with its save number, revision
/// and — once made — its stored JSON after the answers (see ``AttemptJSON``), which a save does not change.
struct KnownAttempt: Sendable {
    var attempt: Attempt
    var sequence: Int64
    var revision: Int64
    var rest: String?
}

/// Attempts as this process last read or wrote them (``KnownAttempt``), so that a save need not read, decode and
/// restore an attempt before preparing its answer. An entry may be stale (another node, a proctor or a submission
/// changed the attempt since): a save prepared from it is written only if the stored attempt is still at the
/// entry's revision, and judged again in its transaction otherwise. Bounded; cleared when full.
final class DecodedAttempts: Sendable {
    static let capacity = 20_000
    private let known = Mutex<[String: KnownAttempt]>([:])

    /// Attempt `id` as last kept, or `nil`.
    func latest(_ id: String) -> KnownAttempt? {
        known.withLock { table in table[id] }
    }

    /// Remembers `entry` as the stored attempt.
    func keep(_ entry: KnownAttempt) {
        known.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[entry.attempt.id] = entry
        }
    }
}

/// The stored JSON of an attempt (sorted keys, so `answers` comes first), split for saves: a save changes only the
/// answers, so the rest — the draw, above all — is encoded once and each save encodes only its answers.
enum AttemptJSON {
    /// What every stored attempt's JSON starts with when its answers are empty.
    static let emptyAnswersHead = #"{"answers":{},"#

    /// The JSON of `stored` (as ``AttemptRecords`` writes it) and the part after its answers, when it splits.
    static func encode(_ stored: StoredAttempt) throws -> (json: String, rest: String?) {
        var bare = stored
        bare.answers = [:]
        let bareJSON = try AttemptRecords.encode(bare)
        guard bareJSON.hasPrefix(emptyAnswersHead) else { return (try AttemptRecords.encode(stored), nil) }
        let rest = String(bareJSON.dropFirst(emptyAnswersHead.count))
        return (try encode(answers: stored.answers, rest: rest, id: stored.id), rest)
    }

    /// The JSON of an attempt with `answers` whose part after the answers is `rest`.
    static func encode(answers: [String: Response], rest: String, id: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = try encoder.encode(answers)
        guard encoded.count + rest.utf8.count + 12 <= AttemptRecords.maximumStoredSize else {
            throw StorageError(.invalid, "attempt \(id) would be larger than 2 MB")
        }
        return #"{"answers":"# + String(decoding: encoded, as: UTF8.self) + "," + rest
    }
}
