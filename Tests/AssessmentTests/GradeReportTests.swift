import Assessment
import Foundation
import Testing

@Suite("a graded gradebook has a stable JSON form")
struct GradeReportTests {
    static let gradebook = #"""
        {"course": {"id": "c-1", "title": "Datenschutz", "provider": "Hochschule", "ects": 5,
          "start": "2026-09-01", "end": "2026-11-30",
          "thresholds": {"attendance": 50, "scored": 50, "qualified": 80},
          "assessments": [{"id": "exam", "kind": "exam", "maxPoints": 30}]},
         "learners": [
          {"id": "q", "name": "Jürgen", "contentViewed": 92.5,
           "attempts": [{"assessment": "exam", "points": 25, "proctoring": {"proctor": "p-1", "consent": true}}]},
          {"id": "n", "name": "Nobody", "contentViewed": 10, "attempts": []},
          {"id": "bad", "name": "Broken", "contentViewed": "lots", "attempts": []}
         ]}
        """#

    static func report() throws -> GradeReport {
        GradeReport(try Gradebook.parse(Data(gradebook.utf8)))
    }

    @Test("each learner's tier, tiers met and numbers rounded to 4 decimals")
    func learners() throws {
        let report = try Self.report()
        #expect(report.learners.map(\.id) == ["q", "n"])
        let first = report.learners[0]
        #expect(first.tier == "qualified")
        #expect(first.tiersMet == ["attendance", "scored", "qualified"])
        #expect(first.points == Decimal(25) && first.maximum == Decimal(30))
        #expect(first.percent == Decimal(string: "83.3333"))
        #expect(first.contentViewed == Decimal(string: "92.5"))
        #expect(first.ects == Decimal(5))
        #expect(first.awaitingGrading.isEmpty && !first.reasonsMet.isEmpty)
        let second = report.learners[1]
        #expect(second.tier == nil && second.tiersMet.isEmpty && second.ects == nil)
        #expect(!second.reasonsNotNext.isEmpty)
    }

    @Test("a bad learner entry is listed as invalid, naming the learner")
    func invalid() throws {
        let report = try Self.report()
        #expect(report.invalid.count == 1)
        #expect(report.invalid.first?.learner.contains("bad") == true, "\(report.invalid)")
        #expect(report.invalid.first?.problem.contains("contentViewed") == true, "\(report.invalid)")
    }

    @Test("the JSON names the course, its thresholds and the learners with the documented fields")
    func json() throws {
        let data = try JSONEncoder().encode(try Self.report())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["course", "learners", "invalid"])
        let course = try #require(object["course"] as? [String: Any])
        #expect(course["id"] as? String == "c-1" && course["ects"] as? Int == 5)
        #expect(course["thresholds"] as? [String: Int] == ["attendance": 50, "scored": 50, "qualified": 80])
        let learners = try #require(object["learners"] as? [[String: Any]])
        #expect(
            Set(learners[0].keys) == [
                "id", "name", "tier", "tiersMet", "points", "maximum", "percent", "contentViewed", "ects",
                "reasonsMet", "reasonsNotNext", "awaitingGrading",
            ])
    }
}
