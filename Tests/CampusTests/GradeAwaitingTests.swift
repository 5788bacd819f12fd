import Assessment
import Foundation
import Testing

@Suite("campus grade with essays awaiting grading")
struct GradeAwaitingTests {
    @Test("a learner whose exam awaits essay grading gets no tier yet; the others are decided")
    func awaiting() throws {
        let folder = try Campus.temporaryFolder()
        let book = folder.appendingPathComponent("gradebook.json")
        try """
        {
          "course": {
            "id": "k1", "title": "Kurs", "provider": "Akademie", "start": "2026-09-01", "end": "2026-11-30",
            "assessments": [ { "id": "pruefung", "kind": "exam", "maxPoints": 10 } ]
          },
          "learners": [
            { "id": "l1", "name": "Anna Alt", "contentViewed": 90,
              "attempts": [ { "assessment": "pruefung", "points": 4, "awaitingGrading": true } ] },
            { "id": "l2", "name": "Bernd Berg", "contentViewed": 90,
              "attempts": [ { "assessment": "pruefung", "points": 6 } ] }
          ]
        }
        """.write(to: book, atomically: true, encoding: .utf8)
        let result = try Campus.run(["grade", book.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.contains("l1  Anna Alt: awaiting grading — final exam awaits the grading of essays"))
        #expect(result.lines.contains { $0.hasPrefix("l2  Bernd Berg: Teilnahmebestätigung mit Punktzahlen (scored)") })
        #expect(result.lines.last?.contains("awaiting grading 1") == true)
    }
}
