import Foundation
import Testing

@testable import Assessment

@Suite("Tier decisions wait for essay grading")
struct AwaitingGradingTierTests: TierScenarios {
    @Test("an exam awaiting essay grading decides no tier, even one that viewing alone would give")
    func pendingExam() {
        var attempts = proctored(total: "30")
        attempts[0].awaitingGrading = true
        let result = rules.grade(learner(viewed: "90", attempts))
        #expect(!result.isFinal)
        #expect(result.tiersMet == [])
        #expect(result.awaitingGrading == ["final exam awaits the grading of essays"])
        attempts[0].awaitingGrading = false
        let graded = rules.grade(learner(viewed: "90", attempts))
        #expect(graded.isFinal)
        #expect(graded.tiersMet == [.attendance, .scored, .qualified])
    }

    @Test("a voided attempt awaiting grading does not hold the decision")
    func voidedPendingAttempt() {
        var attempts = proctored(total: "30")
        attempts.append(
            RecordedAttempt(
                assessmentID: "hw1", points: .zero, voiding: Voiding(proctorID: "p", reason: "Täuschung"),
                awaitingGrading: true))
        #expect(rules.grade(learner(attempts)).isFinal)
    }
}
