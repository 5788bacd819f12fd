import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// A learner's attempts through the API: start, read back, save answers in sequence, submit.
@Suite("Learner routes")
struct LearnerRoutesTests {
    static let course = "/api/v1/courses/\(DemoCourse.id)/sets"

    static func send(
        _ harness: Harness, _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any], text: String) {
        var client = Harness.Browser()
        let response = try await harness.send(
            method, path, as: &client, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
        return (response.status, json, text)
    }

    static func answer(_ sequence: Int, _ choice: String) -> String {
        #"{"sequence": \#(sequence), "answer": {"type": "choice", "value": "\#(choice)"}}"#
    }

    @Test(
        "homework: answers are saved in sequence, re-sent once, read back after a reload, final after submission",
        arguments: DatabaseKind.allCases)
    func homework(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let learner = try await CourseRoutesTests.bearer(harness, "lernende")
            let started = try await Self.send(
                harness, .post, "\(Self.course)/hausaufgabe-datenschutz/attempts", headers: learner)
            #expect(started.status == .created, "\(started.text)")
            let id = try #require(started.json["id"] as? String)
            let items = try #require(started.json["items"] as? [[String: Any]])
            #expect(items.count == 5)
            #expect(!started.text.contains("\"correct\""), "the key reached the learner")
            let first = try #require(items.first?["itemID"] as? String)
            let path = "/api/v1/attempts/\(id)/answers/\(first)"

            let saved = try await Self.send(harness, .put, path, headers: learner, body: Self.answer(1, "a"))
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.json["saved"] as? String == "saved")
            #expect(saved.json["feedback"] == nil, "homework feedback before submission")
            let resent = try await Self.send(harness, .put, path, headers: learner, body: Self.answer(1, "a"))
            #expect(resent.json["saved"] as? String == "alreadySaved")
            let stale = try await Self.send(harness, .put, path, headers: learner, body: Self.answer(1, "b"))
            #expect(stale.status == .conflict)

            let reloaded = try await Self.send(harness, .get, "/api/v1/attempts/\(id)", headers: learner)
            #expect(reloaded.json["sequence"] as? Int == 1)
            #expect(
                ((reloaded.json["answers"] as? [String: Any])?[first] as? [String: Any])?["value"] as? String == "a")
            #expect(
                (reloaded.json["items"] as? [[String: Any]])?.map { $0["itemID"] as? String }
                    == items.map { $0["itemID"] as? String })

            let submitted = try await Self.send(harness, .post, "/api/v1/attempts/\(id)/submit", headers: learner)
            #expect(submitted.json["state"] as? String == "submitted")
            let late = try await Self.send(harness, .put, path, headers: learner, body: Self.answer(2, "b"))
            #expect(late.status == .unprocessableContent)
            #expect(
                try await Self.send(harness, .post, "/api/v1/attempts/\(id)/submit", headers: learner).status
                    == .conflict)

            // Someone else's attempt is not found; a learner not enrolled cannot start.
            try await harness.site.database.write { connection in
                _ = try await harness.site.database.accounts.create(
                    login: "gast", displayName: "Gast", password: "ein-langes-passwort",
                    grants: [
                        RoleGrant(.learner, organisation: "demo-akademie")
                    ], mustChangePassword: false, actor: "test", in: connection)
            }
            let guest = try await CourseRoutesTests.bearer(harness, "gast")
            #expect(try await Self.send(harness, .get, "/api/v1/attempts/\(id)", headers: guest).status == .notFound)
            #expect(
                try await Self.send(harness, .post, "\(Self.course)/hausaufgabe-datenschutz/attempts", headers: guest)
                    .status == .notFound)
        }
    }

    @Test("a self-test gives feedback after each answer; the final exam has a deadline and two attempts")
    func selfTestAndExam() async throws {
        try await Harness.with(.sqlite) { harness in
            let learner = try await CourseRoutesTests.bearer(harness, "lernende")
            let selfTest = try await Self.send(
                harness, .post, "\(Self.course)/selbsttest-e-akte/attempts", headers: learner)
            let id = try #require(selfTest.json["id"] as? String)
            // An item of the (random) draw that can be answered by its key; every draw of this set has one.
            let bank = try #require(
                try await harness.site.bank(.init(id: "e-akte-schriftgut", version: 1), of: "demo-akademie"))
            let drawn = try #require(
                (selfTest.json["items"] as? [[String: Any]])?.compactMap { $0["itemID"] as? String })
            let choice = try #require(
                try drawn.lazy.compactMap { item in
                    try LearnerPagesTests.correctAnswer(to: item, in: bank, sequence: 1).map { (item, $0) }
                }.first, "no answerable item in \(selfTest.text)")
            let saved = try await Self.send(
                harness, .put, "/api/v1/attempts/\(id)/answers/\(choice.0)", headers: learner, body: choice.1)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.json["feedback"] is [String: Any], "a self-test gives feedback at once: \(saved.text)")

            let exam = try await Self.send(harness, .post, "\(Self.course)/final-exam/attempts", headers: learner)
            #expect(exam.status == .created, "\(exam.text)")
            #expect(exam.json["deadline"] is String)
            #expect((exam.json["secondsLeft"] as? Int).map { (1_790...1_800).contains($0) } == true)
            #expect(
                try await Self.send(harness, .post, "\(Self.course)/final-exam/attempts", headers: learner).status
                    == .created)
            let third = try await Self.send(harness, .post, "\(Self.course)/final-exam/attempts", headers: learner)
            #expect(third.status == .conflict)
            #expect((third.json["error"] as? [String: Any])?["code"] as? String == "attemptLimitReached")
        }
    }

    @Test("opening a content unit records it once; the viewed share is exact", arguments: DatabaseKind.allCases)
    func contentViews(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let learner = try await CourseRoutesTests.bearer(harness, "lernende")
            let base = "/api/v1/courses/\(DemoCourse.id)"
            let none = try await Self.send(harness, .get, "\(base)/progress", headers: learner)
            #expect(none.json["viewedPercent"] as? String == "0")
            // The demo units take 15, 30, 25, 20 and 10 minutes: units 0 and 2 are 40 of 100.
            _ = try await Self.send(harness, .post, "\(base)/units/0/viewed", headers: learner)
            _ = try await Self.send(harness, .post, "\(base)/units/2/viewed", headers: learner)
            let twice = try await Self.send(harness, .post, "\(base)/units/2/viewed", headers: learner)
            #expect(twice.status == .ok)
            #expect(twice.json["viewedPercent"] as? String == "40")
            #expect(twice.json["viewedUnits"] as? [Int] == [0, 2])
            _ = try await Self.send(harness, .post, "\(base)/units/1/viewed", headers: learner)
            #expect(
                try await Self.send(harness, .get, "\(base)/progress", headers: learner).json["viewedPercent"]
                    as? String
                    == "70")
            #expect(try await Self.send(harness, .post, "\(base)/units/5/viewed", headers: learner).status == .notFound)
            #expect(
                try await Self.send(harness, .post, "\(base)/units/-1/viewed", headers: learner).status == .notFound)
        }
    }
}
