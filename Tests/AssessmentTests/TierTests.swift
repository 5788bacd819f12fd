import Foundation
import Testing

@testable import Assessment

/// The course, learners and attempts the tier, gradebook and essay-grading suites share: two homework
/// assignments (10 points each) and a final exam (17 points), 37 points in all.
protocol TierScenarios {}

extension TierScenarios {
    var consent: Proctoring { Proctoring(proctorID: "p-1", learnerConsented: true) }

    var rules: CourseRules {
        CourseRules(
            ects: Rational(5),
            assessments: [
                CourseAssessment(id: "hw1", kind: .homework, maxPoints: Rational(10)),
                CourseAssessment(id: "hw2", kind: .homework, maxPoints: Rational(10)),
                CourseAssessment(id: "final", kind: .finalExam, maxPoints: Rational(17)),
            ])
    }

    func learner(viewed: String = "80", _ attempts: [RecordedAttempt]) -> LearnerRecord {
        LearnerRecord(id: "l", name: "Erika Mustermann", contentViewed: Rational(decimal: viewed)!, attempts: attempts)
    }

    /// An attempt at `id` worth `points`, proctored with consent unless told otherwise.
    func attempt(
        _ id: String, _ points: String,
        _ proctoring: Proctoring? = Proctoring(proctorID: "p-1", learnerConsented: true), voided: Voiding? = nil
    ) -> RecordedAttempt {
        RecordedAttempt(assessmentID: id, points: Rational(decimal: points)!, proctoring: proctoring, voiding: voided)
    }

    /// Fully proctored attempts summing to `total` points of 37 (exam 17 max, homework 10 each).
    func proctored(total: String) -> [RecordedAttempt] {
        let points = Rational(decimal: total)!
        let exam = min(points, Rational(17))
        let rest = points - exam
        let first = min(rest, Rational(10))
        return [
            RecordedAttempt(assessmentID: "final", points: exam, proctoring: consent),
            RecordedAttempt(assessmentID: "hw1", points: first, proctoring: consent),
            RecordedAttempt(assessmentID: "hw2", points: rest - first, proctoring: consent),
        ]
    }
}

@Suite("Certificate tiers")
struct TierTests: TierScenarios {
    @Test("attendance is met at exactly 50 % content viewed and not just below")
    func attendanceBoundary() {
        #expect(rules.grade(learner(viewed: "50", [])).tiersMet == [.attendance])
        let below = rules.grade(learner(viewed: "49.99", []))
        #expect(below.tiersMet == [])
        #expect(below.highest == nil)
        #expect(below.reasonsNotNext.contains("content viewed 49.99 % < 50 %"))
    }

    @Test("the scored record is met at exactly 50 % of the points (18.5 of 37) and not at 18.49")
    func scoredBoundary() {
        let exact = rules.grade(learner(proctored(total: "18.5")))
        #expect(exact.tiersMet.contains(.scored))
        #expect(exact.percent == Rational(50))
        let below = rules.grade(learner([attempt("final", "17"), attempt("hw1", "1.49", nil)]))
        #expect(below.tiersMet == [.attendance])
        #expect(below.reasonsNotNext == ["score 49.97 % < 50 %"])
    }

    @Test("the scored record implies attendance even with little content viewed")
    func scoredImpliesAttendance() {
        let result = rules.grade(learner(viewed: "10", [attempt("final", "17", nil), attempt("hw1", "5", nil)]))
        #expect(result.tiersMet == [.attendance, .scored])
        #expect(result.reasonsMet.first == "attendance implied by the scored record (content viewed 10 %)")
    }

    @Test("the qualified certificate needs every counted homework and the exam proctored with consent")
    func qualified() {
        let result = rules.grade(learner(proctored(total: "30")))
        #expect(result.tiersMet == [.attendance, .scored, .qualified])
        #expect(result.highest == .qualified)
        #expect(result.ects == Rational(5))
        #expect(result.reasonsNotNext.isEmpty)
    }

    @Test("one homework without proctoring keeps the learner at the scored record")
    func missingProctoringOnOneHomework() {
        let result = rules.grade(learner([attempt("final", "15"), attempt("hw1", "8"), attempt("hw2", "9", nil)]))
        #expect(result.highest == .scored)
        #expect(result.ects == nil)
        #expect(result.reasonsNotNext == ["homework hw2 not proctored"])
    }

    @Test("proctoring without the learner's consent does not qualify")
    func proctoringWithoutConsent() {
        let noConsent = Proctoring(proctorID: "p-2", learnerConsented: false)
        let result = rules.grade(
            learner([attempt("final", "15", noConsent), attempt("hw1", "8"), attempt("hw2", "9")]))
        #expect(result.highest == .scored)
        #expect(result.reasonsNotNext == ["final exam proctored without the learner's consent"])
    }

    @Test("an exam that was not proctored says so")
    func examNotProctored() {
        let result = rules.grade(learner([attempt("final", "15", nil), attempt("hw1", "8"), attempt("hw2", "9")]))
        #expect(result.reasonsNotNext == ["final exam not proctored"])
    }

    @Test("a voided exam counts no points and blocks the qualified tier")
    func voidedExam() {
        let voiding = Voiding(proctorID: "p-3", reason: "unerlaubtes Hilfsmittel")
        let result = rules.grade(
            learner([attempt("final", "17", voided: voiding), attempt("hw1", "10"), attempt("hw2", "9")]))
        #expect(result.points == Rational(19))
        #expect(result.highest == .scored)
        #expect(result.reasonsNotNext == ["final exam voided by p-3: unerlaubtes Hilfsmittel"])

        let withoutHomework = rules.grade(learner([attempt("final", "17", voided: voiding), attempt("hw1", "1")]))
        #expect(withoutHomework.highest == .attendance)
        #expect(withoutHomework.reasonsNotNext == ["score 2.7 % < 50 %"])
    }

    @Test("a valid retake after a voided attempt counts")
    func retakeAfterVoid() {
        let voiding = Voiding(proctorID: "p-3", reason: "Abbruch")
        let result = rules.grade(
            learner([
                attempt("final", "17", voided: voiding), attempt("final", "12"), attempt("hw1", "8"),
                attempt("hw2", "8"),
            ]))
        #expect(result.points == Rational(28))
        #expect(result.highest == .qualified)
    }

    @Test("with no exam at all, homework points still count but the qualified tier is out of reach")
    func noExamAtAll() {
        let result = rules.grade(learner([attempt("hw1", "10"), attempt("hw2", "9")]))
        #expect(result.percent == Rational(1900, 37))
        #expect(result.highest == .scored)
        #expect(result.reasonsNotNext == ["no final exam taken"])
    }

    @Test("the best non-voided attempt per assessment counts")
    func bestAttemptCounts() {
        let result = rules.grade(learner([attempt("hw1", "3"), attempt("hw1", "7"), attempt("hw1", "5")]))
        #expect(result.points == Rational(7))
    }

    @Test("no tier at all lists both missing thresholds")
    func noTier() {
        let result = rules.grade(learner(viewed: "20", [attempt("final", "3", nil)]))
        #expect(result.tiersMet.isEmpty)
        #expect(result.reasonsNotNext == ["content viewed 20 % < 50 %", "score 8.11 % < 50 %"])
    }

    @Test("per-course thresholds replace the defaults")
    func customThresholds() {
        var strict = rules
        strict.thresholds = Thresholds(attendance: Rational(80), scored: Rational(60), qualified: Rational(75))
        #expect(strict.grade(learner(viewed: "79.9", [])).tiersMet == [])
        let scoredOnly = strict.grade(learner(proctored(total: "25")))
        #expect(scoredOnly.tiersMet == [.attendance, .scored])
        #expect(scoredOnly.reasonsNotNext == ["score 67.57 % < 75 %"])
        #expect(strict.grade(learner(proctored(total: "27.75"))).highest == .qualified)
    }
}
