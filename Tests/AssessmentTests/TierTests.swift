import Foundation
import Testing

@testable import Assessment

private let consent = Proctoring(proctorID: "p-1", learnerConsented: true)

/// Two homework assignments (10 points each) and a final exam (17 points): 37 points in all.
private let rules = CourseRules(
    ects: Rational(5),
    assessments: [
        CourseAssessment(id: "hw1", kind: .homework, maxPoints: Rational(10)),
        CourseAssessment(id: "hw2", kind: .homework, maxPoints: Rational(10)),
        CourseAssessment(id: "final", kind: .finalExam, maxPoints: Rational(17)),
    ])

private func learner(viewed: String = "80", _ attempts: [RecordedAttempt]) -> LearnerRecord {
    LearnerRecord(id: "l", name: "Erika Mustermann", contentViewed: Rational(decimal: viewed)!, attempts: attempts)
}

private func attempt(_ id: String, _ points: String, _ proctoring: Proctoring? = consent, voided: Voiding? = nil)
    -> RecordedAttempt
{
    RecordedAttempt(assessmentID: id, points: Rational(decimal: points)!, proctoring: proctoring, voiding: voided)
}

/// Fully proctored attempts summing to `total` points of 37 (exam 17 max, homework 10 each).
private func proctored(total: String) -> [RecordedAttempt] {
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

@Suite("Certificate tiers")
struct TierTests {
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

@Suite("Gradebooks")
struct GradebookTests {
    static let example = SampleBanks.folder.appendingPathComponent("examples/gradebook.json")

    @Test("the example gradebook reads and grades every learner")
    func example() throws {
        let book = try Gradebook.parse(Data(contentsOf: Self.example))
        #expect(book.course.rules.assessments.count == 4)
        #expect(book.course.rules.ects == Rational(5))
        let tiers = book.entries.map { entry -> Tier? in
            guard case .learner(let learner, _) = entry else { return nil }
            return book.course.rules.grade(learner).highest
        }
        #expect(tiers == [.qualified, .scored, .attendance, .scored, nil])
    }

    @Test("a bad learner entry names the learner and the field and stops nothing else")
    func badLearner() throws {
        let json = """
            {"course": {"id": "c", "title": "Kurs", "provider": "P", "start": "2026-01-01", "end": "2026-03-31",
                        "assessments": [{"id": "hw1", "kind": "homework", "maxPoints": 10}]},
             "learners": [
               {"id": "a", "name": "Anna", "contentViewed": 60, "attempts": [{"assessment": "hw1", "points": 11}]},
               {"id": "b", "name": "Bernd", "contentViewed": "viel"},
               {"id": "c", "name": "Clara", "contentViewed": 60, "attempts": [{"assessment": "hw9", "points": 1}]},
               {"id": "d", "name": "Dieter", "contentViewed": 60, "birthDate": "1990-02-30"},
               {"id": "e", "name": "Emil", "contentViewed": 60, "attempts": [{"assessment": "hw1", "points": 5}]}
             ]}
            """
        let book = try Gradebook.parse(Data(json.utf8))
        let problems = book.entries.compactMap { entry -> String? in
            if case .invalid(let label, let problem) = entry { return "\(label): \(problem)" }
            return nil
        }
        #expect(
            problems == [
                "learner 1 'a' (Anna): attempts[0].points 11 exceed the maximum 10 of 'hw1'",
                "learner 2 'b' (Bernd): contentViewed: expected a number",
                "learner 3 'c' (Clara): attempts[0].assessment 'hw9' is not an assessment of the course",
                "learner 4 'd' (Dieter): birthDate '1990-02-30' is not a date YYYY-MM-DD",
            ])
        guard case .learner(let emil, _) = book.entries.last else {
            Issue.record("the good learner after the bad ones was not read")
            return
        }
        #expect(book.course.rules.grade(emil).tiersMet == [.attendance, .scored])
    }

    @Test("course-level problems are reported as one error")
    func badCourse() {
        let cases = [
            "{}",
            "not json",
            #"{"course": {"id": "c", "title": "K", "provider": "P", "start": "2026-13-01", "end": "2026-03-31", "assessments": []}, "learners": []}"#,
            #"{"course": {"id": "c", "title": "K", "provider": "P", "start": "2026-01-01", "end": "2026-03-31", "thresholds": {"scored": 150}, "assessments": []}, "learners": []}"#,
            #"{"course": {"id": "c", "title": "K", "provider": "P", "start": "2026-01-01", "end": "2026-03-31", "assessments": [{"id": "x", "kind": "self-test", "maxPoints": 1}]}, "learners": []}"#,
        ]
        for json in cases {
            #expect(throws: AssessmentError.self, "\(json)") { try Gradebook.parse(Data(json.utf8)) }
        }
    }
}

@Suite("Tier decisions wait for essay grading")
struct AwaitingGradingTierTests {
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
