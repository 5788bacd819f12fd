import Assessment
import Foundation
import Storage
import TestSupport
import Testing

/// Attempts in the database: limits across starts, answers acknowledged once, in order, within the deadline.
@Suite("Attempt records")
struct AttemptRecordsTests {
    static let bank = Bank(
        id: "attempt-bank", title: "T", language: "de", provider: "P", version: "1",
        items: [
            Item(
                id: "q1", topic: "t", points: Rational(1), stem: "Eins?", feedback: "A.",
                kind: .singleChoice(options: [Choice(id: "a", text: "A"), Choice(id: "b", text: "B")], correct: "a")),
            Item(
                id: "q2", topic: "t", points: Rational(1), stem: "Zwei?", feedback: "B.",
                kind: .singleChoice(options: [Choice(id: "a", text: "A"), Choice(id: "b", text: "B")], correct: "b")),
        ])

    static func start(
        _ records: AttemptRecords, kind: AttemptKind = .finalExam, learner: String = "l1", at now: Date
    ) async throws -> Attempt {
        try await records.start(
            policy: AttemptPolicy(timeLimit: .seconds(1800), attemptLimit: 2), kind: kind, learnerID: learner,
            assessmentID: "kurs/abschluss", bank: bank,
            draw: try ExamDraw(bank: bank, blueprint: .random(count: 2), seed: "s-\(learner)"), organisation: "org-a",
            bankVersion: 1, at: now)
    }

    @Test(
        "an answer is saved once per sequence number; a stale or reused number is refused; a reload sees every answer",
        arguments: DatabaseKind.allCases)
    func sequences(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let attempt = try await Self.start(records, at: start)
            #expect(try await records.sequence(of: attempt.id) == 0)
            let first = try await records.saveAnswer(
                .choice("b"), for: "q1", inAttempt: attempt.id, sequence: 1, bank: Self.bank, at: start)
            #expect(first == .saved(sequence: 1, feedback: nil))
            // The same save re-sent (the acknowledgement was lost): accepted, nothing changes.
            let again = try await records.saveAnswer(
                .choice("b"), for: "q1", inAttempt: attempt.id, sequence: 1, bank: Self.bank, at: start)
            #expect(again == .alreadySaved(sequence: 1))
            for (sequence, answer) in [(Int64(1), "a"), (0, "a")] {
                do {
                    _ = try await records.saveAnswer(
                        .choice(answer), for: "q1", inAttempt: attempt.id, sequence: sequence, bank: Self.bank,
                        at: start)
                    Issue.record("save \(sequence) was taken over a newer one")
                } catch let error as StorageError {
                    #expect(error.code == (sequence == 0 ? .invalid : .conflict))
                }
            }
            _ = try await records.saveAnswer(
                .choice("a"), for: "q2", inAttempt: attempt.id, sequence: 2, bank: Self.bank, at: start)
            let stored = try #require(try await records.load(id: attempt.id))
            #expect(stored.answers == ["q1": .choice("b"), "q2": .choice("a")])
            let restored = try Attempt(restoring: stored, bank: Self.bank)
            #expect(restored.deadline == start.addingTimeInterval(1800))
        }
    }

    @Test("after the deadline an answer is refused and nothing is stored", arguments: DatabaseKind.allCases)
    func deadline(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let attempt = try await Self.start(records, at: start)
            do {
                _ = try await records.saveAnswer(
                    .choice("a"), for: "q1", inAttempt: attempt.id, sequence: 1, bank: Self.bank,
                    at: start.addingTimeInterval(1801))
                Issue.record("a late answer was saved")
            } catch let error as AssessmentError {
                #expect(error.code == .deadlinePassed)
            }
            #expect(try await records.load(id: attempt.id)?.answers.isEmpty == true)
            #expect(try await records.sequence(of: attempt.id) == 0)
        }
    }

    @Test(
        "concurrent saves end with the newest one; concurrent starts never pass the attempt limit",
        arguments: DatabaseKind.allCases)
    func concurrency(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let attempt = try await Self.start(records, at: start)
            let id = attempt.id
            await withTaskGroup(of: Void.self) { group in
                for sequence in Array(Int64(1)...20).shuffled() {
                    group.addTask {
                        _ = try? await records.saveAnswer(
                            .choice(sequence % 2 == 0 ? "a" : "b"), for: "q1", inAttempt: id, sequence: sequence,
                            bank: Self.bank, at: start)
                    }
                }
            }
            #expect(try await records.sequence(of: id) == 20)
            #expect(try await records.load(id: id)?.answers["q1"] == .choice("a"))

            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<5 {
                    group.addTask { (try? await Self.start(records, learner: "l2", at: start)) != nil }
                }
                var started = 0
                for await ok in group where ok { started += 1 }
                return started
            }
            #expect(outcomes == 2, "the limit is 2 attempts")
            #expect(try await records.attempts(of: "l2", at: "kurs/abschluss").count == 2)
        }
    }
}
