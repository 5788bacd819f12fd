import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// The learner's pages and the server's clock: dashboard, course page, the attempt page, deadlines.
@Suite("Learner pages")
struct LearnerPagesTests {
    static let coursePath = "/learn/courses/\(DemoCourse.id)"

    /// The correct answer to an item of the demo banks (essays and cloze items aside), as a save body with
    /// `sequence`.
    static func correctAnswer(to itemID: String, in bank: Bank, sequence: Int) throws -> String? {
        let item = try #require(bank.item(withID: itemID))
        let answer: [String: Any]
        switch item.kind {
        case .singleChoice(_, let correct): answer = ["type": "choice", "value": correct]
        case .multipleResponse(_, let correct): answer = ["type": "choices", "value": correct.sorted()]
        case .trueFalse(let correct, _, _): answer = ["type": "truth", "value": correct]
        case .shortText(let answers, _, _):
            guard let first = answers.first else { return nil }
            answer = ["type": "text", "value": first.text]
        case .numeric(let answers, _):
            guard let first = answers.first else { return nil }
            answer = ["type": "number", "value": first.value.exactText]
        case .matching(_, _, let correct): answer = ["type": "matches", "value": correct]
        case .ordering(_, let order): answer = ["type": "order", "value": order]
        default: return nil
        }
        let data = try JSONSerialization.data(withJSONObject: ["sequence": sequence, "answer": answer])
        return String(decoding: data, as: UTF8.self)
    }

    /// Answers every item of `attempt` it can answer correctly through the API; returns how many (the sequence).
    @discardableResult
    static func answerCorrectly(_ harness: Harness, attempt id: String, bank pin: CourseDefinition.BankPin)
        async throws -> Int
    {
        let stored = try #require(try await harness.site.database.attempts.load(id: id))
        let bank = try #require(try await harness.site.bank(pin, of: "demo-akademie"))
        let learner = try await CourseRoutesTests.bearer(harness, "lernende")
        var sequence = 0
        for drawn in stored.draw.items {
            guard let body = try correctAnswer(to: drawn.itemID, in: bank, sequence: sequence + 1) else { continue }
            sequence += 1
            let saved = try await LearnerRoutesTests.send(
                harness, .put, "/api/v1/attempts/\(id)/answers/\(drawn.itemID)", headers: learner, body: body)
            #expect(saved.status == .ok, "\(drawn.itemID): \(saved.text)")
        }
        return sequence
    }

    @Test(
        "the dashboard shows the viewed share, the tier and what is missing; units are marked as done",
        arguments: DatabaseKind.allCases)
    func dashboard(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("lernende")
            let empty = String(buffer: try await harness.send(.get, "/learn", as: &browser).body)
            #expect(empty.contains("Digitale Verwaltung kompakt"))
            #expect(empty.contains("content viewed 0 % &lt; 50 %"), "\(empty)")
            #expect(empty.contains("noch keine"))

            // Units 1 and 2 take 30 and 25 of the course's 100 minutes.
            for unit in [1, 2] {
                let marked = try await harness.send(
                    .post, "\(Self.coursePath)/units/\(unit)", as: &browser, form: [:])
                #expect(marked.status == .seeOther)
                #expect(marked.headers[.location] == "\(Self.coursePath)#unit-\(unit)")
            }
            let course = String(buffer: try await harness.send(.get, Self.coursePath, as: &browser).body)
            #expect(course.components(separatedBy: "✔").count == 3, "two units shown as done")
            let after = String(buffer: try await harness.send(.get, "/learn", as: &browser).body)
            #expect(after.contains("55 %"))
            #expect(after.contains("Teilnahmebestätigung"))
            #expect(after.contains("score 0 % &lt; 50 %"))
            #expect(
                try await harness.send(.post, "\(Self.coursePath)/units/9", as: &browser, form: [:]).status
                    == .notFound)

            // A provider is no learner: the pages are forbidden.
            var provider = try await harness.signIn("anbieter")
            #expect(try await harness.send(.get, "/learn", as: &provider).status == .forbidden)
        }
    }

    @Test("the attempt page shows the paper without the key; submission needs confirmation and shows the result")
    func attemptPage() async throws {
        try await Harness.with(.sqlite) { harness in
            var browser = try await harness.signIn("lernende")
            let started = try await harness.send(
                .post, "\(Self.coursePath)/sets/hausaufgabe-datenschutz/start", as: &browser, form: [:])
            #expect(started.status == .seeOther)
            let page = try #require(started.headers[.location])
            #expect(page.hasPrefix("/learn/attempts/\(DemoCourse.id).hausaufgabe-datenschutz-lernende-"))
            // Starting again continues the attempt in progress.
            let again = try await harness.send(
                .post, "\(Self.coursePath)/sets/hausaufgabe-datenschutz/start", as: &browser, form: [:])
            #expect(again.headers[.location] == page)

            let paper = String(buffer: try await harness.send(.get, page, as: &browser).body)
            #expect(paper.components(separatedBy: "<fieldset class=\"item\"").count == 6, "five items")
            #expect(paper.contains("data-sequence=\"0\""))
            #expect(!paper.contains("class=\"feedback"), "feedback before submission")

            // Answers arrive through the API, as attempt.js sends them.
            let id = String(page.dropFirst("/learn/attempts/".count))
            let sequence = try await Self.answerCorrectly(
                harness, attempt: id, bank: .init(id: "datenschutz-dsgvo", version: 1))
            #expect(sequence > 0)
            let resumed = String(buffer: try await harness.send(.get, page, as: &browser).body)
            #expect(resumed.contains("data-sequence=\"\(sequence)\""))
            #expect(resumed.contains(" checked"), "saved answers are shown again")

            let unconfirmed = try await harness.send(.post, "\(page)/submit", as: &browser, form: [:])
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(String(buffer: unconfirmed.body).contains("endgültig abgeben"))
            #expect(try await harness.site.database.attempts.load(id: id)?.state == .inProgress)

            let submitted = try await harness.send(.post, "\(page)/submit", as: &browser, form: ["confirm": "yes"])
            #expect(submitted.status == .seeOther)
            let result = String(buffer: try await harness.send(.get, "\(page)?submitted=1", as: &browser).body)
            #expect(result.contains("id=\"submitted\""))
            #expect(result.contains("id=\"result\""))
            #expect(result.contains("class=\"feedback verdict-correct"))
            #expect(!result.contains("id=\"attempt\""), "no saving once submitted")

            let dashboard = String(buffer: try await harness.send(.get, "/learn", as: &browser).body)
            #expect(!dashboard.contains("class=\"points\">0 von"), "the homework's points count")

            // Another learner's attempt page is not found.
            try await harness.site.database.write { connection in
                _ = try await harness.site.database.accounts.create(
                    login: "gast", displayName: "Gast", password: "ein-langes-passwort",
                    grants: [RoleGrant(.learner, organisation: "demo-akademie")], mustChangePassword: false,
                    actor: "test", in: connection)
            }
            var guest = Harness.Browser()
            try await harness.send(.get, "/login", as: &guest)
            try await harness.send(
                .post, "/login", as: &guest, form: ["login": "gast", "password": "ein-langes-passwort"])
            #expect(try await harness.send(.get, page, as: &guest).status == .notFound)
        }
    }

    @Test(
        "time is up: late answers are refused and the attempt is submitted with the saved ones, also when nobody looks",
        arguments: DatabaseKind.allCases)
    func deadline(kind: DatabaseKind) async throws {
        let clock = SettableClock()
        try await Harness.with(kind, clock: clock) { harness in
            let learner = try await CourseRoutesTests.bearer(harness, "lernende")
            let exams = "/api/v1/courses/\(DemoCourse.id)/sets/final-exam/attempts"
            let started = try await LearnerRoutesTests.send(harness, .post, exams, headers: learner)
            let id = try #require(started.json["id"] as? String)
            let stored = try #require(try await harness.site.database.attempts.load(id: id))
            let bank = try #require(
                try await harness.site.bank(.init(id: "ozg-onlinedienste", version: 1), of: "demo-akademie"))
            let (itemID, body) = try #require(
                try stored.draw.items.lazy.compactMap { drawn in
                    try Self.correctAnswer(to: drawn.itemID, in: bank, sequence: 1).map { (drawn.itemID, $0) }
                }.first)
            let answers = "/api/v1/attempts/\(id)/answers/\(itemID)"
            #expect(
                try await LearnerRoutesTests.send(harness, .put, answers, headers: learner, body: body).status == .ok)

            clock.advance(by: 30 * 60 + 1)
            let late = try await LearnerRoutesTests.send(
                harness, .put, answers, headers: learner,
                body: try Self.correctAnswer(to: itemID, in: bank, sequence: 2))
            #expect(late.status == .unprocessableContent)
            // Refused because the deadline passed, or because the server's sweep has submitted it already.
            #expect(
                ["deadlinePassed", "answerRefused"].contains(
                    (late.json["error"] as? [String: Any])?["code"] as? String),
                "\(late.text)")

            // The server submits it with the saved answer, once (its sweep may have come first).
            _ = try await harness.site.database.attempts.submitExpired(at: clock.now())
            let submitted = try #require(try await harness.site.database.attempts.load(id: id))
            #expect(submitted.answers[itemID] != nil)
            #expect(submitted.state == .submitted(at: try #require(stored.deadline)))
            #expect(try await harness.site.database.attempts.submitExpired(at: clock.now()).isEmpty)

            // A second attempt is submitted when it is read after its time.
            let second = try await LearnerRoutesTests.send(harness, .post, exams, headers: learner)
            let secondID = try #require(second.json["id"] as? String)
            clock.advance(by: 31 * 60)
            let read = try await LearnerRoutesTests.send(
                harness, .get, "/api/v1/attempts/\(secondID)", headers: learner)
            #expect(read.json["state"] as? String == "submitted")
        }
    }
}
