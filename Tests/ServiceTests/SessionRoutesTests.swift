import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// Supervised sessions: scheduling, consent, the proctor's start and actions, the attestation on the attempt, and
/// the certificate issued the moment the exam is submitted, superseded when the proctor voids the exam.
@Suite("Exam sessions")
struct SessionRoutesTests {
    static let course = "/provider/courses/\(DemoCourse.id)/sessions"

    @Test(
        "a supervised final exam: consent, ID check and start by the proctor; the certificate follows the submission and drops with a voiding",
        arguments: DatabaseKind.allCases)
    func supervisedExam(kind: DatabaseKind) async throws {
        let clock = SettableClock()
        try await Harness.with(kind, clock: clock) { harness in
            var provider = try await harness.signIn("anbieter")
            let form = try await harness.send(.get, Self.course, as: &provider)
            #expect(form.status == .ok)
            let opening = clock.now().addingTimeInterval(-60).ISO8601Format()
            let day = String(opening.prefix(10))
            let time = String(opening.dropFirst(11).prefix(5))
            var fields = [
                "set": "final-exam", "date": day, "time": time, "minutes": "120", "proctor": "aufsicht",
                "mode": "online", "room": "https://konferenz.example/raum-7", "learner:lernende": "yes",
            ]
            fields["room"] = "http://unsicher.example"
            let refused = try await harness.send(.post, Self.course, as: &provider, form: fields)
            #expect(refused.status == .unprocessableContent)
            fields["room"] = "https://konferenz.example/raum-7"
            let scheduled = try await harness.send(.post, Self.course, as: &provider, form: fields)
            #expect(scheduled.status == .seeOther, "\(String(buffer: scheduled.body))")
            let session = try #require(
                try await harness.site.database.examSessions.list(organisation: "demo-akademie", course: DemoCourse.id)
                    .first)
            #expect(session.proctor == "aufsicht")

            // Homework (unsupervised) and content first, so that the exam decides a tier.
            var learner = try await harness.signIn("lernende")
            let upcoming = String(buffer: try await harness.send(.get, "/learn", as: &learner).body)
            #expect(upcoming.contains("Beaufsichtigte Prüfungen"))
            #expect(upcoming.contains("Einwilligung auf der Kursseite noch nötig"))
            for unit in 0..<5 {
                try await harness.send(.post, "/learn/courses/\(DemoCourse.id)/units/\(unit)", as: &learner, form: [:])
            }
            let homework = try await harness.send(
                .post, "/learn/courses/\(DemoCourse.id)/sets/hausaufgabe-datenschutz/start", as: &learner, form: [:])
            let homeworkID = String(try #require(homework.headers[.location]).dropFirst("/learn/attempts/".count))
            _ = try await LearnerPagesTests.answerCorrectly(
                harness, attempt: homeworkID, bank: .init(id: "datenschutz-dsgvo", version: 1))
            try await harness.send(
                .post, "/learn/attempts/\(homeworkID)/submit", as: &learner, form: ["confirm": "yes"])
            #expect(
                try await harness.site.database.registry.list(organisation: "demo-akademie", course: DemoCourse.id)
                    .isEmpty, "a certificate before the final exam")
            let start = "/learn/courses/\(DemoCourse.id)/sets/final-exam/start"
            let early = try await harness.send(.post, start, as: &learner, form: [:])
            #expect(early.status == .conflict)
            #expect(String(buffer: early.body).contains("Beaufsichtigung"))
            let page = String(
                buffer: try await harness.send(.get, "/learn/courses/\(DemoCourse.id)", as: &learner).body)
            #expect(page.contains("https://konferenz.example/raum-7"))
            #expect(
                try await harness.send(
                    .post, "/learn/courses/\(DemoCourse.id)/sessions/\(session.id)/consent", as: &learner,
                    form: ["consent": "yes"]
                ).status == .seeOther)
            let waiting = try await harness.send(.post, start, as: &learner, form: [:])
            #expect(waiting.status == .conflict)

            // The proctor checks the ID and starts the exam for the learner; another proctor sees nothing.
            var proctor = try await harness.signIn("aufsicht")
            let overview = String(buffer: try await harness.send(.get, "/proctor", as: &proctor).body)
            #expect(overview.contains("/proctor/sessions/\(session.id)"))
            let seat = "/proctor/sessions/\(session.id)/learners/lernende"
            #expect(try await harness.send(.post, "\(seat)/identity", as: &proctor, form: [:]).status == .seeOther)
            #expect(try await harness.send(.post, "\(seat)/release", as: &proctor, form: [:]).status == .seeOther)

            let started = try await harness.send(.post, start, as: &learner, form: [:])
            #expect(started.status == .seeOther)
            let id = String(try #require(started.headers[.location]).dropFirst("/learn/attempts/".count))
            let attempt = try #require(try await harness.site.database.attempts.load(id: id))
            #expect(attempt.proctoring?.proctorID == "aufsicht")
            #expect(attempt.proctoring?.mode == "online")
            #expect(attempt.proctoring?.learnerConsented == true)
            #expect(attempt.proctoring?.identityCheckedAt != nil)

            // Pause stops the time and refuses answers; resume moves the deadline on by the pause.
            #expect(try await harness.send(.post, "\(seat)/pause", as: &proctor, form: [:]).status == .seeOther)
            clock.advance(by: 600)
            let learnerToken = try await CourseRoutesTests.bearer(harness, "lernende")
            let during = try await LearnerRoutesTests.send(
                harness, .get, "/api/v1/attempts/\(id)", headers: learnerToken)
            #expect(during.json["paused"] as? Bool == true)
            #expect(try await harness.send(.post, "\(seat)/resume", as: &proctor, form: [:]).status == .seeOther)
            let resumed = try #require(try await harness.site.database.attempts.load(id: id))
            #expect(resumed.deadline == attempt.deadline.map { $0.addingTimeInterval(600) })
            let extended = try await harness.send(
                .post, "\(seat)/extend", as: &proctor, form: ["minutes": "5", "note": "Verbindungsabbruch"])
            #expect(extended.status == .seeOther)
            #expect(
                try await harness.send(.post, "\(seat)/incident", as: &proctor, form: ["note": "Handy auf dem Tisch"])
                    .status == .seeOther)

            _ = try await LearnerPagesTests.answerCorrectly(
                harness, attempt: id, bank: .init(id: "ozg-onlinedienste", version: 1))
            let submitted = try await harness.send(
                .post, "/learn/attempts/\(id)/submit", as: &learner, form: ["confirm": "yes"])
            #expect(submitted.status == .seeOther)

            // The certificate is issued at once.
            let issued = try await harness.site.database.registry.list(
                organisation: "demo-akademie", course: DemoCourse.id
            ).filter { $0.learner == "lernende" }
            let first = try #require(issued.first, "no certificate after the submission")
            #expect(first.status == .issued)
            #expect(first.tier >= .scored, "\(first.tier)")
            let dashboard = String(buffer: try await harness.send(.get, "/learn", as: &learner).body)
            #expect(dashboard.contains("certificate-\(first.id)"))

            // The proctor voids the exam: the certificate is superseded by a lower one, with the reason.
            let record = String(
                buffer: try await harness.send(.get, "/proctor/sessions/\(session.id)", as: &proctor).body)
            #expect(record.contains("Handy auf dem Tisch"))
            #expect(record.contains("Verbindungsabbruch"))
            #expect(
                try await harness.send(.post, "\(seat)/void", as: &proctor, form: [:]).status == .unprocessableContent)
            let voided = try await harness.send(.post, "\(seat)/void", as: &proctor, form: ["note": "Täuschung"])
            #expect(voided.status == .seeOther)
            let after = try await harness.site.database.registry.list(
                organisation: "demo-akademie", course: DemoCourse.id
            ).filter { $0.learner == "lernende" }
            let old = try #require(after.first { $0.id == first.id })
            #expect(old.status == .superseded)
            // The register's reason is public: it names what happened, not the proctor's note.
            #expect(old.reason.hasSuffix(": final exam voided by the supervision"), "\(old.reason)")
            #expect(!old.reason.contains("Täuschung") && !old.reason.contains("aufsicht"), "\(old.reason)")
            let replacement = try #require(after.first { $0.status == .issued })
            #expect(replacement.tier == .attendance)
            let voidedPage = String(buffer: try await harness.send(.get, "/learn/attempts/\(id)", as: &learner).body)
            #expect(voidedPage.contains("id=\"voided\""))
            #expect(voidedPage.contains("Täuschung"))
        }
    }
}
