import Foundation
import Testing

@testable import Assessment

@Suite("Gradebooks")
struct GradebookTests: TierScenarios {
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
