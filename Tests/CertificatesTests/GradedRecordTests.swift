import Assessment
import Certificates
import Foundation
import Testing

@Suite("a certificate record is built from a grade result")
struct GradedRecordTests {
    /// A course with one proctored exam of 20 points and 5 ECTS; learners for every case.
    static let gradebook = #"""
        {"course": {"id": "c-1", "title": "Datenschutz", "provider": "Hochschule", "ects": 5,
          "start": "2026-09-01", "end": "2026-11-30",
          "thresholds": {"attendance": 50, "scored": 50, "qualified": 80},
          "assessments": [{"id": "exam", "kind": "exam", "maxPoints": 20}]},
         "learners": [
          {"id": "q", "name": "Jürgen Weißmüller", "birthDate": "1979-03-14", "contentViewed": 90,
           "attempts": [{"assessment": "exam", "points": 18, "proctoring": {"proctor": "p-1", "consent": true}}]},
          {"id": "s", "name": "Anna Schmidt", "contentViewed": 90,
           "attempts": [{"assessment": "exam", "points": 12}]},
          {"id": "a", "name": "Ayşe Yılmaz", "contentViewed": 90, "attempts": []},
          {"id": "n", "name": "Nobody", "contentViewed": 10, "attempts": []},
          {"id": "w", "name": "Waiting", "contentViewed": 90,
           "attempts": [{"assessment": "exam", "points": 12, "awaitingGrading": true}]}
         ]}
        """#

    /// The record for learner `id`, and the tier the rules decided.
    static func record(_ id: String) throws -> (record: CertificateRecord?, tier: Tier?) {
        let book = try Gradebook.parse(Data(gradebook.utf8))
        for case .learner(let learner, let birthDate) in book.entries where learner.id == id {
            let result = book.course.rules.grade(learner)
            let record = CertificateRecord(
                gradeResult: result, learner: learner, birthDate: birthDate, course: book.course, id: "KC-ABCDEFGH2345",
                issued: "2026-12-04", language: .english, issuer: "Zertifikatsstelle")
            return (record, result.highest)
        }
        Issue.record("no learner \(id)")
        return (nil, nil)
    }

    @Test("the qualified tier states the score and the course's ECTS credits, and the holder's birth date")
    func qualified() throws {
        let (made, tier) = try Self.record("q")
        let record = try #require(made)
        #expect(tier == .qualified)
        #expect(record.tier == .qualified)
        #expect(record.course.ects == Rational(5))
        #expect(record.score == CertificateRecord.Score(points: Rational(18), maximum: Rational(20)))
        #expect(record.holder == .init(name: "Jürgen Weißmüller", birthDate: "1979-03-14"))
        #expect(record.course.title == "Datenschutz" && record.course.provider == "Hochschule")
        #expect(record.course.start == "2026-09-01" && record.course.end == "2026-11-30")
        #expect(record.id == "KC-ABCDEFGH2345" && record.issued == "2026-12-04")
        #expect(record.language == .english && record.issuer == "Zertifikatsstelle")
        try record.validate()
    }

    @Test("the scored tier states the score but no ECTS credits")
    func scored() throws {
        let record = try #require(try Self.record("s").record)
        #expect(record.tier == .scored)
        #expect(record.course.ects == nil)
        #expect(record.score == CertificateRecord.Score(points: Rational(12), maximum: Rational(20)))
        #expect(record.holder.birthDate == nil)
    }

    @Test("the attendance tier states neither score nor ECTS credits")
    func attendance() throws {
        let record = try #require(try Self.record("a").record)
        #expect(record.tier == .attendance)
        #expect(record.score == nil && record.course.ects == nil)
    }

    @Test("no record for a learner without a tier or one awaiting grading")
    func nothingToCertify() throws {
        #expect(try Self.record("n").record == nil)
        #expect(try Self.record("w").record == nil)
    }

    @Test("without an id given, every record gets a new random one")
    func randomID() throws {
        let book = try Gradebook.parse(Data(Self.gradebook.utf8))
        guard case .learner(let learner, _) = book.entries[0] else {
            Issue.record("the first entry is a learner")
            return
        }
        let result = book.course.rules.grade(learner)
        let first = try #require(
            CertificateRecord(
                gradeResult: result, learner: learner, course: book.course, issued: "2026-12-04", language: .german,
                issuer: "I"))
        let second = try #require(
            CertificateRecord(
                gradeResult: result, learner: learner, course: book.course, issued: "2026-12-04", language: .german,
                issuer: "I"))
        #expect(first.id != second.id)
        #expect(CertificateID.isValid(first.id))
    }
}
