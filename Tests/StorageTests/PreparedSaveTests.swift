import Assessment
import Foundation
import TestSupport
import Testing

@testable import Storage

/// A save is prepared outside its transaction and written only if the attempt did not change meanwhile; otherwise it
/// is judged again on the attempt as it is then.
@Suite("Prepared saves")
struct PreparedSaveTests {
    static func save(_ id: String, _ item: String, _ choice: String, sequence: Int64, at now: Date)
        -> AnswerBatcher.Save
    {
        AnswerBatcher.Save(
            response: .choice(choice), itemID: item, attemptID: id, sequence: sequence, bank: AttemptRecordsTests.bank,
            now: now)
    }

    /// `save` prepared, failing the test when it was not prepared for writing.
    static func prepared(_ records: AttemptRecords, _ save: AnswerBatcher.Save) async throws -> AnswerBatcher.Save {
        var save = save
        guard case .write(let prepared) = try await records.prepare(save) else {
            Issue.record("the save was not prepared for writing")
            return save
        }
        save.prepared = prepared
        return save
    }

    @Test(
        "a save prepared before the attempt was submitted is refused, and the submission keeps its answers",
        arguments: DatabaseKind.allCases)
    func submittedMeanwhile(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let attempt = try await AttemptRecordsTests.start(records, at: start)
            _ = try await records.saveAnswer(
                .choice("a"), for: "q1", inAttempt: attempt.id, sequence: 1, bank: AttemptRecordsTests.bank, at: start)
            let late = try await Self.prepared(records, Self.save(attempt.id, "q2", "b", sequence: 2, at: start))
            try await records.modify(id: attempt.id) { stored in
                var restored = try Attempt(restoring: stored, bank: AttemptRecordsTests.bank)
                _ = try restored.submit(at: start)
                stored = restored.stored
            }
            let results = try await records.commit([late])
            guard case .failure(let error) = results.first else {
                Issue.record("a save prepared before the submission was written over it")
                return
            }
            #expect((error as? AssessmentError)?.code == .answerRefused, "\(error)")
            let stored = try #require(try await records.load(id: attempt.id))
            #expect(stored.answers == ["q1": .choice("a")])
            guard case .submitted = stored.state else {
                Issue.record("the submission was lost")
                return
            }
        }
    }

    @Test(
        "two tabs' saves prepared from the same attempt both land, in sequence order, in one batch",
        arguments: DatabaseKind.allCases)
    func twoTabs(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let attempt = try await AttemptRecordsTests.start(records, at: start)
            let first = try await Self.prepared(records, Self.save(attempt.id, "q1", "a", sequence: 1, at: start))
            let second = try await Self.prepared(records, Self.save(attempt.id, "q2", "b", sequence: 2, at: start))
            let results = try await records.commit([first, second])
            #expect(results.count == 2)
            for result in results {
                if case .failure(let error) = result { Issue.record("a save failed: \(error)") }
            }
            let stored = try #require(try await records.load(id: attempt.id))
            #expect(stored.answers == ["q1": .choice("a"), "q2": .choice("b")], "one tab's answer was lost")
            #expect(try await records.sequence(of: attempt.id) == 2)

            // Prepared in the other order: the older save finds a newer one stored and is refused, the newer stays.
            let newer = try await Self.prepared(records, Self.save(attempt.id, "q1", "b", sequence: 4, at: start))
            let older = try await Self.prepared(records, Self.save(attempt.id, "q1", "a", sequence: 3, at: start))
            let outcomes = try await records.commit([newer, older])
            guard case .failure(let error) = outcomes.last else {
                Issue.record("an older save was taken over a newer one")
                return
            }
            #expect((error as? StorageError)?.code == .conflict)
            #expect(try await records.load(id: attempt.id)?.answers["q1"] == .choice("b"))
        }
    }

    @Test(
        "two nodes saving to one attempt: a save prepared on a stale view is judged again on the stored attempt",
        arguments: DatabaseKind.allCases)
    func twoNodes(kind: DatabaseKind) async throws {
        let location = try await TestDatabase.make(kind)
        defer { TestDatabase.discard(location) }
        try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { first in
            try await first.migrate()
            try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { second in
                let (one, two) = (first.attempts, second.attempts)
                let start = Date(timeIntervalSince1970: 1_800_000_000)
                let attempt = try await AttemptRecordsTests.start(one, at: start)
                let bank = AttemptRecordsTests.bank
                // Each node has seen the attempt (node one after its own save).
                _ = try await one.saveAnswer(
                    .choice("a"), for: "q1", inAttempt: attempt.id, sequence: 1, bank: bank, at: start)
                _ = try await two.saveAnswer(
                    .choice("b"), for: "q2", inAttempt: attempt.id, sequence: 2, bank: bank, at: start)
                // Node one's view is stale now: its save is judged again and keeps node two's answer.
                _ = try await one.saveAnswer(
                    .choice("b"), for: "q1", inAttempt: attempt.id, sequence: 3, bank: bank, at: start)
                #expect(try await two.load(id: attempt.id)?.answers == ["q1": .choice("b"), "q2": .choice("b")])
                // A stale view does not let an old sequence in, and a re-sent save is confirmed as stored.
                await #expect(throws: StorageError.self) {
                    _ = try await two.saveAnswer(
                        .choice("a"), for: "q2", inAttempt: attempt.id, sequence: 3, bank: bank, at: start)
                }
                let again = try await two.saveAnswer(
                    .choice("b"), for: "q1", inAttempt: attempt.id, sequence: 3, bank: bank, at: start)
                #expect(again == .alreadySaved(sequence: 3))
                // A proctor's pause on node two stops node one's next save, whatever node one saw before.
                try await two.modify(id: attempt.id) { stored in
                    var restored = try Attempt(restoring: stored, bank: bank)
                    try restored.pause(at: start)
                    stored = restored.stored
                }
                await #expect(throws: AssessmentError.self) {
                    _ = try await one.saveAnswer(
                        .choice("a"), for: "q1", inAttempt: attempt.id, sequence: 4, bank: bank, at: start)
                }
                #expect(try await one.sequence(of: attempt.id) == 3)
            }
        }
    }

    @Test(
        "one batch writes the prepared saves of many attempts at once, each with its own outcome",
        arguments: DatabaseKind.allCases)
    func manyAttempts(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var ids: [String] = []
            for learner in 0..<40 {
                ids.append(try await AttemptRecordsTests.start(records, learner: "l\(learner)", at: start).id)
            }
            var batch: [AnswerBatcher.Save] = []
            for (index, id) in ids.enumerated() {
                batch.append(
                    try await Self.prepared(
                        records, Self.save(id, "q1", index % 2 == 0 ? "a" : "b", sequence: 1, at: start)))
            }
            // A second save to the first attempt in the same batch, and a stale one to the second.
            batch.append(Self.save(ids[0], "q2", "b", sequence: 2, at: start))
            batch.append(Self.save(ids[1], "q2", "b", sequence: 1, at: start))
            let results = try await records.commit(batch)
            #expect(results.count == 42)
            for result in results.prefix(41) {
                if case .failure(let error) = result { Issue.record("a save failed: \(error)") }
            }
            guard case .failure(let error) = results.last else {
                Issue.record("a save with a used sequence number was taken")
                return
            }
            #expect((error as? StorageError)?.code == .conflict)
            for (index, id) in ids.enumerated() {
                let stored = try #require(try await records.load(id: id))
                let expected: [String: Response] =
                    index == 0 ? ["q1": .choice("a"), "q2": .choice("b")] : ["q1": .choice(index % 2 == 0 ? "a" : "b")]
                #expect(stored.answers == expected, "attempt \(index)")
                #expect(try await records.sequence(of: id) == (index == 0 ? 2 : 1))
            }
        }
    }
}
