import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// The grading queue: an essay waits without the learner's name; its points complete the attempt and the
/// certificate follows.
@Suite("Grading queue")
struct GradingRoutesTests {
    @Test(
        "an essay waits for a grade without the learner's name; the grade decides the tier",
        arguments: DatabaseKind.allCases)
    func essayGrading(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            // A course whose final exam draws every EfA item of the demo bank, so that the essay ozg-040 is in it.
            let definition = CourseDefinition(
                id: "freitext-kurs", title: "Freitext-Kurs", period: .init(start: "2026-09-01", end: "2027-02-28"),
                contentUnits: [.init(title: "Einführung", kind: .text, estimatedMinutes: 10)], sets: [],
                finalExam: .init(
                    bank: .init(id: "ozg-onlinedienste", version: 1),
                    blueprint: "pools:\n  - { topic: efa, count: 7 }\ntimeLimitMinutes: 60\n"),
                thresholds: .init())
            try await harness.site.database.courses.create(definition, organisation: "demo-akademie", actor: "test")
            try await harness.site.database.courses.enrol(
                DemoCourse.learner, course: definition.id, organisation: "demo-akademie", actor: "test")

            let learner = try await CourseRoutesTests.bearer(harness, "lernende")
            _ = try await LearnerRoutesTests.send(
                harness, .post, "/api/v1/courses/freitext-kurs/units/0/viewed", headers: learner)
            let started = try await LearnerRoutesTests.send(
                harness, .post, "/api/v1/courses/freitext-kurs/sets/final-exam/attempts", headers: learner)
            let id = try #require(started.json["id"] as? String, "\(started.text)")
            _ = try await LearnerPagesTests.answerCorrectly(
                harness, attempt: id, bank: .init(id: "ozg-onlinedienste", version: 1))
            let sequence = try #require(try await harness.site.database.attempts.sequence(of: id))
            let essay =
                #"{"sequence": \#(sequence + 1), "answer": {"type": "essay", "value": "EfA heißt: ein Land baut, alle nutzen."}}"#
            let saved = try await LearnerRoutesTests.send(
                harness, .put, "/api/v1/attempts/\(id)/answers/ozg-040", headers: learner, body: essay)
            #expect(saved.status == .ok, "\(saved.text)")
            _ = try await LearnerRoutesTests.send(harness, .post, "/api/v1/attempts/\(id)/submit", headers: learner)
            #expect(
                try await harness.site.database.registry.list(organisation: "demo-akademie", course: definition.id)
                    .isEmpty, "a certificate while the essay waits")
            var learnerBrowser = try await harness.signIn("lernende")
            let dashboard = String(buffer: try await harness.send(.get, "/learn", as: &learnerBrowser).body)
            #expect(dashboard.contains("final exam awaits the grading of essays"))

            var provider = try await harness.signIn("anbieter")
            let queue = String(buffer: try await harness.send(.get, "/provider/grading", as: &provider).body)
            let token = GradingRoutes.token(attempt: id, item: "ozg-040")
            #expect(queue.contains("/provider/grading/\(token)"))
            #expect(!queue.contains("lernende") && !queue.contains("Lena"), "the queue names the learner")
            let page = String(buffer: try await harness.send(.get, "/provider/grading/\(token)", as: &provider).body)
            #expect(page.contains("EfA heißt: ein Land baut, alle nutzen."))
            #expect(page.contains("Hinweise für die Bewertung"))
            #expect(!page.contains("lernende") && !page.contains("Lena"), "the essay page names the learner")

            let tooMany = try await harness.send(
                .post, "/provider/grading/\(token)", as: &provider, form: ["points": "5"])
            #expect(tooMany.status == .unprocessableContent)
            let graded = try await harness.send(
                .post, "/provider/grading/\(token)", as: &provider, form: ["points": "3,5"])
            #expect(graded.status == .seeOther)
            #expect(
                try await harness.site.database.attempts.load(id: id)?.gradedPoints["ozg-040"]?.points
                    == Rational(7, 2))
            let issued = try await harness.site.database.registry.list(
                organisation: "demo-akademie", course: definition.id)
            #expect(issued.count == 1, "the grade completes the attempt and the certificate follows")
            #expect(issued.first?.tier == .scored)

            // Another provider organisation sees nothing of it.
            var other = try await harness.signIn("ihk-anbieter")
            #expect(try await harness.send(.get, "/provider/grading/\(token)", as: &other).status == .notFound)
        }
    }
}
