import Assessment
import Foundation
import Storage
import TestSupport
import Testing

/// The server's clock ends attempts: what is past its deadline is submitted with the answers saved in time, once.
@Suite("Attempt deadlines")
struct AttemptDeadlineTests {
    @Test(
        "the sweep submits exactly the attempts whose time is up, once, at their deadline",
        arguments: DatabaseKind.allCases)
    func sweep(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let early = try await AttemptRecordsTests.start(records, learner: "l1", at: start)
            let later = try await AttemptRecordsTests.start(
                records, learner: "l2", at: start.addingTimeInterval(600))
            let practice = try await AttemptRecordsTests.start(records, kind: .homework, learner: "l3", at: start)
            _ = try await records.saveAnswer(
                .choice("a"), for: "q1", inAttempt: early.id, sequence: 1, bank: AttemptRecordsTests.bank, at: start)

            #expect(try await records.submitExpired(at: start.addingTimeInterval(1799)).isEmpty)
            // A voided attempt is never submitted.
            try await records.modify(id: later.id) { stored in
                var attempt = try Attempt(restoring: stored, bank: AttemptRecordsTests.bank)
                try attempt.void(by: "aufsicht", reason: "Täuschungsversuch")
                stored = attempt.stored
            }
            let swept = try await records.submitExpired(at: start.addingTimeInterval(1801))
            #expect(swept.map(\.id) == [early.id, practice.id])
            #expect(swept.first?.state == .submitted(at: start.addingTimeInterval(1800)))
            #expect(swept.first?.answers == ["q1": .choice("a")])
            #expect(try await records.load(id: early.id)?.state == .submitted(at: start.addingTimeInterval(1800)))
            #expect(try await records.submitExpired(at: start.addingTimeInterval(1801)).isEmpty, "submitted twice")
            #expect(try await records.submitIfExpired(id: later.id, at: start.addingTimeInterval(9999)) == nil)
            #expect(try await records.submitExpired(at: start.addingTimeInterval(99_999)).isEmpty)
            if case .voided? = try await records.load(id: later.id)?.state {
            } else {
                Issue.record("the voided attempt changed")
            }
        }
    }

    @Test("answers saved while the attempt is changed at the same time are all kept", arguments: DatabaseKind.allCases)
    func concurrentChange(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            let records = database.attempts
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let attempt = try await AttemptRecordsTests.start(records, at: start)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, item) in ["q1", "q2"].enumerated() {
                    group.addTask {
                        // Each tab counts its own saves; the higher number wins only where both saved.
                        _ = try? await records.saveAnswer(
                            .choice("a"), for: item, inAttempt: attempt.id, sequence: Int64(index + 1),
                            bank: AttemptRecordsTests.bank, at: start)
                    }
                }
                group.addTask {
                    try await records.modify(id: attempt.id) { stored in
                        stored.proctoring = Proctoring(proctorID: "aufsicht", learnerConsented: true)
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await records.load(id: attempt.id))
            #expect(stored.proctoring?.proctorID == "aufsicht")
            // Save 2 may come before save 1 (then 1 is stale and refused); never is an acknowledged one lost.
            #expect(stored.answers["q2"] == .choice("a"))
        }
    }
}
