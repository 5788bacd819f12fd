import Foundation
import Testing

@testable import Assessment

/// A proctor's pause stops an attempt's time; an extension adds to it; both survive a store and restore.
@Suite("Pausing and extending attempts")
struct AttemptPauseTests {
    static let bank = Bank(
        id: "pause-bank", title: "T", language: "de", provider: "P", version: "1",
        items: [
            Item(
                id: "q1", topic: "t", points: Rational(1), stem: "?",
                kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
        ])

    static func attempt(at start: Date) throws -> Attempt {
        try Attempt(
            id: "a1", learnerID: "l1", kind: .finalExam, bank: bank,
            draw: try ExamDraw(bank: bank, blueprint: .random(count: 1), seed: "s"), timeLimit: .seconds(1800),
            startedAt: start)
    }

    @Test("while paused no answer is taken; resuming moves the deadline on by the pause")
    func pause() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var attempt = try Self.attempt(at: start)
        try attempt.pause(at: start.addingTimeInterval(600))
        #expect(throws: AssessmentError.self) {
            try attempt.save(.truth(true), for: "q1", at: start.addingTimeInterval(700))
        }
        #expect(throws: AssessmentError.self) { try attempt.pause(at: start.addingTimeInterval(700)) }
        // Stored and restored while paused, it is still paused.
        var restored = try Attempt(restoring: attempt.stored, bank: Self.bank)
        #expect(restored.pausedAt == start.addingTimeInterval(600))
        try restored.resume(at: start.addingTimeInterval(900))
        #expect(restored.deadline == start.addingTimeInterval(1800 + 300))
        // At the old deadline plus a little the answer is still taken: the pause was given back.
        try restored.save(.truth(true), for: "q1", at: start.addingTimeInterval(1900))
        #expect(throws: AssessmentError.self) { try restored.resume(at: start.addingTimeInterval(1900)) }
    }

    @Test("an extension adds minutes to a timed attempt in progress only; submission ends a pause")
    func extend() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var attempt = try Self.attempt(at: start)
        try attempt.extend(byMinutes: 10)
        #expect(attempt.deadline == start.addingTimeInterval(2400))
        #expect(throws: AssessmentError.self) { try attempt.extend(byMinutes: 0) }
        #expect(throws: AssessmentError.self) { try attempt.extend(byMinutes: 601) }
        try attempt.pause(at: start.addingTimeInterval(60))
        _ = try attempt.submit(at: start.addingTimeInterval(120))
        #expect(attempt.pausedAt == nil)
        #expect(throws: AssessmentError.self) { try attempt.extend(byMinutes: 5) }
        #expect(throws: Never.self) { try Attempt(restoring: attempt.stored, bank: Self.bank) }
    }
}
