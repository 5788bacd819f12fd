import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// The course's gradebook from the stored data: the page, the export `campus grade` reads, CSV, and the close that
/// decides every learner.
@Suite("Gradebook")
struct GradebookRoutesTests {
    @Test(
        "the export reads back as a gradebook with the service's decision; closing issues attendance-only learners",
        arguments: DatabaseKind.allCases)
    func gradebook(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var learner = try await harness.signIn("lernende")
            for unit in [0, 1, 2] {
                try await harness.send(.post, "/learn/courses/\(DemoCourse.id)/units/\(unit)", as: &learner, form: [:])
            }
            var provider = try await harness.signIn("anbieter")
            let base = "/provider/courses/\(DemoCourse.id)"
            let page = String(buffer: try await harness.send(.get, "\(base)/gradebook", as: &provider).body)
            #expect(page.contains("Lena Lernende"))
            #expect(page.contains("70 %"))

            let token = try await CourseRoutesTests.bearer(harness, "anbieter")
            let exported = try await LearnerRoutesTests.send(
                harness, .get, "/api/v1/courses/\(DemoCourse.id)/gradebook", headers: token)
            #expect(exported.status == .ok)
            let book = try Gradebook.parse(Data(exported.text.utf8))
            #expect(book.entries.count == 5)
            guard
                case .learner(let record, let birthDate)? = book.entries.first(where: {
                    if case .learner(let record, _) = $0 { record.id == "lernende" } else { false }
                })
            else {
                Issue.record("lernende is missing from \(exported.text)")
                return
            }
            #expect(birthDate == "1990-04-12")
            #expect(record.contentViewed == Rational(70))
            #expect(book.course.rules.grade(record).highest == .attendance)
            #expect(book.course.rules.assessments.map(\.id) == ["hausaufgabe-datenschutz", "final-exam"])

            let csv = String(buffer: try await harness.send(.get, "\(base)/gradebook/csv", as: &provider).body)
            #expect(csv.hasPrefix("learner,name,birthDate,contentViewed,points,maximum,percent,tier,missing"))
            #expect(csv.contains("lernende,Lena Lernende,1990-04-12,70,0,"))

            // Before the close nothing is issued to a learner without a final exam; the close decides.
            #expect(
                try await harness.site.database.registry.list(organisation: "demo-akademie", course: DemoCourse.id)
                    .isEmpty)
            let unconfirmed = try await harness.send(.post, "\(base)/close", as: &provider, form: [:])
            #expect(unconfirmed.status == .unprocessableContent)
            let closed = try await harness.send(.post, "\(base)/close", as: &provider, form: ["confirm": "yes"])
            #expect(closed.status == .seeOther)
            let issued = try await harness.site.database.registry.list(
                organisation: "demo-akademie", course: DemoCourse.id)
            #expect(issued.map(\.learner) == ["lernende"])
            #expect(issued.first?.tier == .attendance)
            let again = try await LearnerRoutesTests.send(
                harness, .post, "/api/v1/courses/\(DemoCourse.id)/close", headers: token)
            #expect(again.json["closed"] as? String == "before")
            let audit = try await harness.site.database.audit.entries(limit: 200)
            #expect(audit.contains { $0.action == "course.close" && $0.target == DemoCourse.id })
        }
    }
}
