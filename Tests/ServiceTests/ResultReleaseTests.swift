import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// Homework due times and results shown only once the window closes, with the certificate decided then.
@Suite("Due times and released results")
struct ResultReleaseTests {
    static let organisation = "demo-akademie"
    static let homework = "hausaufgabe-datenschutz"

    /// Changes the demo course with `change`.
    static func changeCourse(_ harness: Harness, _ change: (inout CourseDefinition) -> Void) async throws {
        var definition = try #require(
            try await harness.site.database.courses.find(organisation: organisation, id: DemoCourse.id)
        ).definition
        change(&definition)
        try await harness.site.database.courses.update(definition, organisation: organisation, actor: "anbieter")
    }

    /// Starts `set` as the learner through the page; the new attempt's id.
    static func start(_ harness: Harness, _ set: String, as learner: inout Harness.Browser) async throws -> String {
        let started = try await harness.send(
            .post, "/learn/courses/\(DemoCourse.id)/sets/\(set)/start", as: &learner, form: [:])
        #expect(started.status == .seeOther, "\(String(buffer: started.body))")
        return String(try #require(started.headers[.location]).dropFirst("/learn/attempts/".count))
    }

    @Test(
        "homework is due: the dashboard names the time, the attempt ends then with its saved answers, no attempt starts later",
        arguments: DatabaseKind.allCases)
    func homeworkDue(kind: DatabaseKind) async throws {
        let clock = SettableClock()
        try await Harness.with(kind, clock: clock) { harness in
            let due = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 / 60).rounded(.down) * 60 + 3_600)
            try await Self.changeCourse(harness) { definition in
                definition.sets[definition.sets.firstIndex { $0.id == Self.homework }!].due = due.ISO8601Format()
            }
            var learner = try await harness.signIn("lernende")
            let shown = ReviewRoutes.time(Int64(due.timeIntervalSince1970))
            let dashboard = String(buffer: try await harness.send(.get, "/learn", as: &learner).body)
            #expect(dashboard.contains("Hausaufgabe Datenschutz: abzugeben bis \(shown)"), "\(dashboard)")
            let coursePage = String(
                buffer: try await harness.send(.get, "/learn/courses/\(DemoCourse.id)", as: &learner).body)
            #expect(coursePage.contains("Abzugeben bis \(shown)"))

            let id = try await Self.start(harness, Self.homework, as: &learner)
            let attempt = try #require(try await harness.site.database.attempts.load(id: id))
            #expect(attempt.deadline == due, "the attempt must end at the due time")
            let answered = try await LearnerPagesTests.answerCorrectly(
                harness, attempt: id, bank: .init(id: "datenschutz-dsgvo", version: 1))
            #expect(answered > 0)

            clock.advance(by: 1_800)
            try await DeadlineService.sweep(harness.site)
            #expect(try await harness.site.database.attempts.load(id: id)?.state == .inProgress)
            clock.advance(by: 1_801)
            try await DeadlineService.sweep(harness.site)
            let submitted = try #require(try await harness.site.database.attempts.load(id: id))
            guard case .submitted = submitted.state else {
                Issue.record("the sweep must submit the homework at its due time")
                return
            }
            #expect(submitted.answers.count == answered)

            let token = try await CourseRoutesTests.bearer(harness, "lernende")
            let late = try await LearnerRoutesTests.send(
                harness, .post, "/api/v1/courses/\(DemoCourse.id)/sets/\(Self.homework)/attempts", headers: token)
            #expect(late.status == .conflict)
            #expect((late.json["error"] as? [String: Any])?["code"] as? String == "deadlinePassed", "\(late.text)")
            #expect(late.text.contains(shown))
            let after = String(buffer: try await harness.send(.get, "/learn", as: &learner).body)
            #expect(!after.contains("abzugeben bis"))
            let closed = String(
                buffer: try await harness.send(.get, "/learn/courses/\(DemoCourse.id)", as: &learner).body)
            #expect(closed.contains("Abgabefrist abgelaufen: \(shown)"))
            #expect(!closed.contains("/sets/\(Self.homework)/start"), "no start button after the due time")
        }
    }

    @Test(
        "results after the window: the submitted exam shows no points until the session ends; the certificate follows then",
        arguments: DatabaseKind.allCases)
    func resultsAfterWindow(kind: DatabaseKind) async throws {
        let clock = SettableClock()
        try await Harness.with(kind, clock: clock) { harness in
            let now = Int64(clock.now().timeIntervalSince1970)
            try await Self.changeCourse(harness) { definition in
                definition.results = .afterWindow
                definition.sets[definition.sets.firstIndex { $0.id == Self.homework }!].due =
                    Date(timeIntervalSince1970: TimeInterval(now + 1_800)).ISO8601Format()
            }
            let session = ExamSession(
                id: "s-release", organisation: Self.organisation, course: DemoCourse.id, set: "final-exam",
                startsAt: now - 60, endsAt: now + 7_200, proctor: "aufsicht", mode: .inPerson, room: "Raum 1",
                createdBy: "anbieter")
            let sessions = harness.site.database.examSessions
            try await sessions.create(session, learners: ["lernende"])
            try await sessions.consent(session: session.id, learner: "lernende", text: "ja", at: now)
            try await sessions.checkIdentity(session: session.id, learner: "lernende", proctor: "aufsicht", at: now)
            try await sessions.release(session: session.id, learner: "lernende", proctor: "aufsicht", at: now)

            var learner = try await harness.signIn("lernende")
            for unit in 0..<5 {
                try await harness.send(.post, "/learn/courses/\(DemoCourse.id)/units/\(unit)", as: &learner, form: [:])
            }
            let homework = try await Self.start(harness, Self.homework, as: &learner)
            try await LearnerPagesTests.answerCorrectly(
                harness, attempt: homework, bank: .init(id: "datenschutz-dsgvo", version: 1))
            try await harness.send(.post, "/learn/attempts/\(homework)/submit", as: &learner, form: ["confirm": "yes"])
            let exam = try await Self.start(harness, "final-exam", as: &learner)
            try await LearnerPagesTests.answerCorrectly(
                harness, attempt: exam, bank: .init(id: "ozg-onlinedienste", version: 1))
            try await harness.send(.post, "/learn/attempts/\(exam)/submit", as: &learner, form: ["confirm": "yes"])

            let withheld = String(buffer: try await harness.send(.get, "/learn/attempts/\(exam)", as: &learner).body)
            #expect(withheld.contains("id=\"result-withheld\""))
            #expect(withheld.contains(ReviewRoutes.time(session.endsAt)))
            #expect(!withheld.contains("id=\"result\""), "points shown before the window closed")
            #expect(!withheld.contains("class=\"feedback"), "feedback shown before the window closed")
            let dashboard = String(buffer: try await harness.send(.get, "/learn", as: &learner).body)
            #expect(dashboard.contains("Abschlussprüfung: Ergebnis ab \(ReviewRoutes.time(session.endsAt))"))
            #expect(dashboard.contains("Hausaufgabe Datenschutz: Ergebnis ab"))
            #expect(
                try await harness.site.database.registry.list(organisation: Self.organisation, course: DemoCourse.id)
                    .isEmpty, "a certificate revealed the result before the window closed")
            let pending = try await harness.site.database.pendingDecisions.list(
                organisation: Self.organisation, course: DemoCourse.id)
            #expect(pending.map(\.dueAt) == [session.endsAt])

            // The homework's window closes first: its points show, the exam's not yet, still no certificate.
            clock.advance(by: 3_600)
            try await DeadlineService.sweep(harness.site)
            let homeworkPage = String(
                buffer: try await harness.send(.get, "/learn/attempts/\(homework)", as: &learner).body)
            #expect(homeworkPage.contains("id=\"result\""))
            #expect(
                try await harness.site.database.registry.list(organisation: Self.organisation, course: DemoCourse.id)
                    .isEmpty)

            clock.advance(by: 3_601)
            try await DeadlineService.sweep(harness.site)
            let issued = try await harness.site.database.registry.list(
                organisation: Self.organisation, course: DemoCourse.id)
            #expect(issued.count == 1, "the certificate follows once the session ended")
            #expect(
                try await harness.site.database.pendingDecisions.list(
                    organisation: Self.organisation, course: DemoCourse.id
                ).isEmpty)
            let shown = String(buffer: try await harness.send(.get, "/learn/attempts/\(exam)", as: &learner).body)
            #expect(shown.contains("id=\"result\""))
            try await DeadlineService.sweep(harness.site)
            #expect(
                try await harness.site.database.registry.list(organisation: Self.organisation, course: DemoCourse.id)
                    .count == 1, "decided once")
        }
    }
}
