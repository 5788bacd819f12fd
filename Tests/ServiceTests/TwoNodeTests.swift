import Assessment
import Foundation
import HTTPTypes
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// Two `campus serve` nodes on one PostgreSQL database: nothing one needs lives in the other's memory.
@Suite("Two nodes on one database")
struct TwoNodeTests {
    /// Two nodes (each its own database connections) on one fresh PostgreSQL database, signing with the same keys.
    static func onTwoNodes(_ body: @escaping @Sendable (Harness, Harness) async throws -> Void) async throws {
        let location = try await TestDatabase.make(.postgresql)
        let keys = try IssuerKeys.development()
        try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { first in
            try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { second in
                try await Harness.serve(database: first, keys: keys) { one in
                    try await Harness.serve(database: second, keys: keys) { two in
                        try await body(one, two)
                    }
                }
            }
        }
    }

    @Test(
        "a session made on one node is valid on the other; both issuing one gradebook at once make each certificate once"
    )
    func twoNodes() async throws {
        try await Self.onTwoNodes { one, two in
            // The second node found the accounts the first made: it printed none.
            #expect(two.passwords.isEmpty)
            var browser = try await one.signIn("anbieter")
            let page = try await two.send(.get, "/provider/certificates", as: &browser)
            #expect(page.status == .ok, "the session made on node one is unknown on node two")

            let headers = try await CourseRoutesTests.bearer(one, "anbieter")
            async let fromOne = CertificateRoutesTests.issue(one, headers: headers)
            async let fromTwo = CertificateRoutesTests.issue(two, headers: headers)
            let answers = try await [fromOne, fromTwo]
            let issued = try answers.map { try CourseRoutesTests.json($0)["issued"] as? Int ?? -1 }
            let rows = try await one.site.database.registry.list(organisation: "demo-akademie")
            #expect(rows.count == issued.reduce(0, +), "\(issued)")
            #expect(Set(rows.map(\.learner)).count == rows.count, "a learner got two certificates")
            #expect(rows.count >= 2)
        }
    }

    @Test("a learner's exam alternates between two nodes: saves, resume, the clock and the proctor's pause agree")
    func examAcrossNodes() async throws {
        try await Self.onTwoNodes { one, two in
            let nodes = [one, two]
            let learner = try await CourseRoutesTests.bearer(one, "lernende")
            let started = try await LearnerRoutesTests.send(
                one, .post, "\(LearnerRoutesTests.course)/final-exam/attempts", headers: learner)
            let id = try #require(started.json["id"] as? String, "\(started.text)")
            let stored = try #require(try await one.site.database.attempts.load(id: id))
            let bank = try #require(
                try await one.site.bank(.init(id: "ozg-onlinedienste", version: 1), of: "demo-akademie"))
            // Every save goes to the other node than the one before; each reads what the other stored.
            var sequence = 0
            for (index, drawn) in stored.draw.items.enumerated() {
                guard
                    let body = try LearnerPagesTests.correctAnswer(
                        to: drawn.itemID, in: bank, sequence: sequence + 1)
                else { continue }
                sequence += 1
                let node = nodes[index % 2]
                let saved = try await LearnerRoutesTests.send(
                    node, .put, "/api/v1/attempts/\(id)/answers/\(drawn.itemID)", headers: learner,
                    body: body)
                #expect(saved.status == .ok, "\(saved.text)")
                let read = try await LearnerRoutesTests.send(
                    nodes[(index + 1) % 2], .get, "/api/v1/attempts/\(id)", headers: learner)
                #expect(read.json["sequence"] as? Int == sequence)
                #expect((read.json["answers"] as? [String: Any])?[drawn.itemID] != nil)
                #expect((read.json["secondsLeft"] as? Int).map { $0 > 1_700 } == true)
            }
            #expect(sequence > 0)
            // A stale save sent to the other node is refused there too.
            let stale = try await LearnerRoutesTests.send(
                two, .put, "/api/v1/attempts/\(id)/answers/\(stored.draw.items[0].itemID)",
                headers: learner, body: #"{"sequence": 1, "answer": {"type": "truth", "value": true}}"#)
            #expect(stale.status == .conflict || stale.status == .unprocessableContent)

            // The proctor's pause through node two is what node one answers at once.
            _ = try await two.site.database.attempts.modify(id: id) { stored in
                var attempt = try Attempt(restoring: stored, bank: bank)
                try attempt.pause(at: Date())
                stored = attempt.stored
            }
            let paused = try await LearnerRoutesTests.send(
                one, .get, "/api/v1/attempts/\(id)", headers: learner)
            #expect(paused.json["paused"] as? Bool == true)
            let submitted = try await LearnerRoutesTests.send(
                two, .post, "/api/v1/attempts/\(id)/submit", headers: learner)
            #expect(submitted.json["state"] as? String == "submitted", "\(submitted.text)")
            let final = try await LearnerRoutesTests.send(
                one, .get, "/api/v1/attempts/\(id)", headers: learner)
            #expect(final.json["state"] as? String == "submitted")
            #expect((final.json["answers"] as? [String: Any])?.count == sequence)
            #expect(final.json["paused"] as? Bool == false)
            let restored = try #require(try await one.site.database.attempts.load(id: id))
            #expect(throws: Never.self) { try Attempt(restoring: restored, bank: bank) }
        }
    }
}
