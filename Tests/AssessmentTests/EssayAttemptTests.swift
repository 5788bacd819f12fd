import Foundation
import Testing

@testable import Assessment

@Suite("Essays in attempts")
struct EssayAttemptTests {
    @Test("an exam with an essay is not final until a grader sets its points")
    func essayAwaitsGrading() throws {
        let bank = Bank(
            id: "essay-bank", title: "T", language: "de", provider: "P", version: "1",
            items: [
                Item(
                    id: "mc", topic: "t", points: Rational(2), stem: "?",
                    kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil)),
                Item(
                    id: "essay", topic: "t", points: Rational(8), stem: "Begründen Sie.",
                    kind: .essay(responseTemplate: nil, graderInfo: "Zwei Gründe")),
            ])
        let draw = try ExamDraw(bank: bank, blueprint: .random(count: 2), seed: "s")
        let clock = ManualClock()
        var attempt = try Attempt(
            id: "a1", learnerID: "l1", kind: .finalExam, bank: bank, draw: draw, timeLimit: nil, startedAt: clock.now())
        try attempt.save(.truth(true), for: "mc", at: clock.now())
        try attempt.save(.essay("Weil es schneller geht und weniger Papier braucht."), for: "essay", at: clock.now())
        #expect(throws: AssessmentError.self) { try attempt.grade(itemID: "essay", points: Rational(5), by: "g1") }
        let submitted = try attempt.submit(at: clock.now())
        #expect(submitted.awaitingGrading == ["essay"])
        #expect(!submitted.isFinal)
        #expect(submitted.points == Rational(2))
        #expect(submitted.passes(threshold: Rational(50)) == nil)
        #expect(throws: AssessmentError.self) { try attempt.grade(itemID: "essay", points: Rational(9), by: "g1") }
        #expect(throws: AssessmentError.self) { try attempt.grade(itemID: "mc", points: Rational(1), by: "g1") }
        #expect(throws: AssessmentError.self) { try attempt.grade(itemID: "essay", points: Rational(1, 3), by: "g1") }
        try attempt.grade(itemID: "essay", points: Rational(7, 2), by: "g1")
        let graded = attempt.score
        #expect(graded.isFinal)
        #expect(graded.points == Rational(11, 2))
        #expect(graded.items["essay"]?.verdict == .partiallyCorrect)
        #expect(graded.passes(threshold: Rational(55)) == true)
        #expect(graded.passes(threshold: Rational(56)) == false)
    }
}
