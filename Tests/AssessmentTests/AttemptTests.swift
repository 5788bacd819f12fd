import Foundation
import Testing

@testable import Assessment

/// A clock the test moves by hand.
final class ManualClock: AssessmentClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    func now() -> Date { lock.withLock { current } }
    func advance(minutes: Double) { lock.withLock { current += minutes * 60 } }
}

@Suite("Attempts")
struct AttemptTests {
    let bank: Bank
    let draw: ExamDraw

    init() throws {
        let choices = [
            Choice(id: "a", text: "A", feedback: "A ist falsch."), Choice(id: "b", text: "B", feedback: "B stimmt."),
        ]
        bank = Bank(
            id: "attempt-bank", title: "T", language: "de", provider: "P", version: "1",
            items: [
                Item(
                    id: "q1", topic: "t", points: Rational(2), stem: "?", feedback: "Weil B.",
                    kind: .singleChoice(options: choices, correct: "b")),
                Item(
                    id: "q2", topic: "t", points: Rational(1), stem: "?",
                    kind: .trueFalse(correct: true, feedbackTrue: "Genau.", feedbackFalse: "Doch.")),
            ])
        draw = try ExamDraw(bank: bank, blueprint: .random(count: 2), seed: "s")
    }

    @Test("a self-test gives feedback right after each answer and never counts")
    func selfTestFeedback() throws {
        var ledger = AttemptLedger()
        var attempt = try ledger.start(
            kind: .selfTest, learnerID: "l1", assessmentID: "quiz", bank: bank, draw: draw, timeLimit: nil,
            attemptLimit: 1, clock: SystemClock())
        let feedback = try #require(try attempt.save(.choice("a"), for: "q1", at: Date()))
        #expect(feedback.score.points == .zero)
        #expect(feedback.responseFeedback == ["A ist falsch."])
        #expect(feedback.generalFeedback == "Weil B.")
        #expect(!AttemptKind.selfTest.counts)
        // Self-tests are unlimited even with a limit given.
        for _ in 0..<5 {
            _ = try ledger.start(
                kind: .selfTest, learnerID: "l1", assessmentID: "quiz", bank: bank, draw: draw, timeLimit: nil,
                attemptLimit: 1, clock: SystemClock())
        }
        #expect(throws: AssessmentError.self) {
            try attempt.markProctored(Proctoring(proctorID: "p", learnerConsented: true))
        }
    }

    @Test("homework answers can change until submission; submission is final")
    func changeUntilSubmission() throws {
        let clock = ManualClock()
        var ledger = AttemptLedger()
        var attempt = try ledger.start(
            kind: .homework, learnerID: "l1", assessmentID: "hw1", bank: bank, draw: draw, timeLimit: nil,
            attemptLimit: nil, clock: clock)
        #expect(try attempt.save(.choice("a"), for: "q1", at: clock.now()) == nil, "no feedback before submission")
        try attempt.save(.choice("b"), for: "q1", at: clock.now())
        try attempt.save(.truth(false), for: "q2", at: clock.now())
        let score = try attempt.submit(at: clock.now())
        #expect(score.points == Rational(2))
        #expect(score.maximum == Rational(3))
        #expect(score.percent == Rational(200, 3))
        #expect(score.passes(threshold: Rational(66)) == true)
        #expect(score.passes(threshold: Rational(67)) == false)
        #expect(throws: AssessmentError.self) { try attempt.save(.truth(true), for: "q2", at: clock.now()) }
        #expect(throws: AssessmentError.self) { try attempt.submit(at: clock.now()) }
        #expect(attempt.score.points == Rational(2))
    }

    @Test("answers of the wrong shape or for items not drawn are refused")
    func refusesBadAnswers() throws {
        var attempt = try Attempt(
            id: "a", learnerID: "l", kind: .homework, bank: bank, draw: draw, timeLimit: nil, startedAt: Date())
        #expect(throws: AssessmentError.self) { try attempt.save(.truth(true), for: "q1", at: Date()) }
        #expect(throws: AssessmentError.self) { try attempt.save(.truth(true), for: "q99", at: Date()) }
        #expect(attempt.answers.isEmpty)
    }

    @Test("the final exam's time limit is enforced from the injected clock")
    func deadline() throws {
        let clock = ManualClock()
        var ledger = AttemptLedger()
        var exam = try ledger.start(
            kind: .finalExam, learnerID: "l1", assessmentID: "final", bank: bank, draw: draw,
            timeLimit: .seconds(30 * 60),
            attemptLimit: 2, clock: clock)
        clock.advance(minutes: 29)
        try exam.save(.choice("b"), for: "q1", at: clock.now())
        clock.advance(minutes: 1)
        try exam.save(.truth(true), for: "q2", at: clock.now())  // exactly at the deadline: still in time
        clock.advance(minutes: 0.01)
        #expect {
            try exam.save(.truth(false), for: "q2", at: clock.now())
        } throws: { ($0 as? AssessmentError)?.code == .deadlinePassed }
        #expect(exam.answers["q2"] == .truth(true), "the late answer did not replace the saved one")
        #expect(try exam.submit(at: clock.now()).points == Rational(3))
    }

    @Test("the attempt limit counts every started exam attempt per learner")
    func attemptLimit() throws {
        let clock = ManualClock()
        var ledger = AttemptLedger()
        for _ in 0..<2 {
            var attempt = try ledger.start(
                kind: .finalExam, learnerID: "l1", assessmentID: "final", bank: bank, draw: draw, timeLimit: nil,
                attemptLimit: 2, clock: clock)
            try attempt.void(by: "p-1", reason: "Verbindung abgebrochen")
        }
        #expect {
            try ledger.start(
                kind: .finalExam, learnerID: "l1", assessmentID: "final", bank: bank, draw: draw, timeLimit: nil,
                attemptLimit: 2, clock: clock)
        } throws: { ($0 as? AssessmentError)?.code == .attemptLimitReached }
        #expect(ledger.attemptsStarted(by: "l1", at: "final") == 2)
        _ = try ledger.start(
            kind: .finalExam, learnerID: "l2", assessmentID: "final", bank: bank, draw: draw, timeLimit: nil,
            attemptLimit: 2, clock: clock)
    }

    @Test("a proctor marks an exam proctored with consent, or voids it with a reason")
    func proctoring() throws {
        var exam = try Attempt(
            id: "e", learnerID: "l", kind: .finalExam, bank: bank, draw: draw, timeLimit: nil, startedAt: Date())
        try exam.markProctored(Proctoring(proctorID: "p-7", learnerConsented: true))
        #expect(exam.proctoring == Proctoring(proctorID: "p-7", learnerConsented: true))
        #expect(throws: AssessmentError.self) { try exam.void(by: "p-7", reason: "  ") }
        try exam.void(by: "p-7", reason: "Fremde Person im Raum")
        #expect(exam.state == .voided(Voiding(proctorID: "p-7", reason: "Fremde Person im Raum")))
        #expect(throws: AssessmentError.self) { try exam.save(.choice("b"), for: "q1", at: Date()) }
        #expect(throws: AssessmentError.self) { try exam.submit(at: Date()) }
    }
}
