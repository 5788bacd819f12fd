import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// The quality board: reviewers approve or send back bank versions with comments; counted exams need approval.
@Suite("Review routes")
struct ReviewRoutesTests {
    /// Stores a new version of the demo bank `datenschutz-dsgvo` (a changed title) and returns its number.
    static func newVersion(_ harness: Harness, title: String) async throws -> Int {
        let stored = try #require(
            try await harness.site.database.banks.latestVersions(organisation: "demo-akademie").first {
                $0.bankID == "datenschutz-dsgvo"
            })
        let yaml = stored.yaml.replacingOccurrences(of: "title: \(stored.title)", with: "title: \(title)")
        #expect(yaml != stored.yaml)
        let (version, isNew) = try await harness.site.database.banks.add(
            organisation: "demo-akademie", bankID: "datenschutz-dsgvo", title: title, sourceFormat: "yaml",
            sourceName: "datenschutz-dsgvo.yaml", yaml: yaml, itemCount: stored.itemCount, report: "[]",
            actor: "anbieter")
        #expect(isNew)
        return version.version
    }

    /// A course whose homework draws from `homework` and whose self-test draws from `selfTest` (versions of
    /// datenschutz-dsgvo); the final exam uses the approved demo bank.
    static func course(homework: Int, selfTest: Int) -> String {
        """
        {"id": "beirat-kurs", "title": "Beirat-Kurs", "period": {"start": "2026-02-01", "end": "2026-07-31"},
         "contentUnits": [{"title": "Lesen", "kind": "text", "estimatedMinutes": 30}],
         "sets": [{"id": "hausaufgabe-1", "kind": "homework", "title": "Hausaufgabe 1",
                   "bank": {"id": "datenschutz-dsgvo", "version": \(homework)}, "items": ["dsgvo-001"]},
                  {"id": "selbsttest-1", "kind": "selfTest", "title": "Selbsttest",
                   "bank": {"id": "datenschutz-dsgvo", "version": \(selfTest)}, "items": ["dsgvo-002"]}],
         "finalExam": {"bank": {"id": "ozg-onlinedienste", "version": 1},
                       "blueprint": "pools:\\n  - { topic: efa, count: 2 }\\n"}}
        """
    }

    @Test(
        "a reviewer comments and sends a version back, the provider sees why; homework needs an approved version",
        arguments: DatabaseKind.allCases)
    func reviewFlow(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let draft = try await Self.newVersion(harness, title: "Datenschutz, überarbeitet")
            let path = "/review/demo-akademie/datenschutz-dsgvo/\(draft)"
            var reviewer = try await harness.signIn("gutachter")
            let list = String(buffer: try await harness.send(.get, "/review", as: &reviewer).body)
            #expect(list.contains(path), "the new version is not listed for review")
            #expect(
                !list.contains("/review/demo-akademie/datenschutz-dsgvo/1\""), "the approved demo version is listed")

            // Homework may not use the draft; a self-test may.
            let headers = try await CourseRoutesTests.bearer(harness, "anbieter")
            var client = Harness.Browser()
            let refused = try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: headers,
                body: ByteBuffer(string: Self.course(homework: draft, selfTest: draft)))
            #expect(refused.status == .unprocessableContent)
            #expect(try CourseRoutesTests.errorField(refused) == "sets[0].bank")
            #expect(String(buffer: refused.body).contains("quality board approved"))

            // The reviewer sees every item with its key, comments on one, and sends the version back.
            let page = String(buffer: try await harness.send(.get, path, as: &reviewer).body)
            #expect(page.contains("id=\"item-dsgvo-001\""))
            #expect(page.contains("<dd>Datenschutz, überarbeitet (<code>datenschutz-dsgvo</code>)</dd>"))
            #expect(page.contains("correct:") || page.contains("answer:"), "the key is not shown to the reviewer")
            let commented = try await harness.send(
                .post, path + "/comments", as: &reviewer,
                form: ["item": "dsgvo-001", "comment": "Distraktor c ist missverständlich."])
            #expect(commented.status == .seeOther)
            let unknownItem = try await harness.send(
                .post, path + "/comments", as: &reviewer, form: ["item": "gibt-es-nicht", "comment": "x"])
            #expect(unknownItem.status == .unprocessableContent)
            let noReason = try await harness.send(
                .post, path + "/decision", as: &reviewer, form: ["decision": "return", "comment": " "])
            #expect(noReason.status == .unprocessableContent)
            let returned = try await harness.send(
                .post, path + "/decision", as: &reviewer,
                form: ["decision": "return", "comment": "Bitte Frage dsgvo-001 überarbeiten."])
            #expect(returned.status == .seeOther)
            let again = try await harness.send(
                .post, path + "/decision", as: &reviewer, form: ["decision": "approve", "comment": ""])
            #expect(again.status == .conflict)

            var provider = try await harness.signIn("anbieter")
            let bankPage = String(
                buffer: try await harness.send(.get, "/provider/banks/datenschutz-dsgvo", as: &provider).body)
            #expect(bankPage.contains("Zurückgegeben"))
            #expect(bankPage.contains("Bitte Frage dsgvo-001 überarbeiten."))
            #expect(bankPage.contains("Distraktor c ist missverständlich."))

            // A new version, approved, may carry homework.
            let fixed = try await Self.newVersion(harness, title: "Datenschutz, berichtigt")
            let approved = try await harness.send(
                .post, "/review/demo-akademie/datenschutz-dsgvo/\(fixed)/decision", as: &reviewer,
                form: ["decision": "approve", "comment": ""])
            #expect(approved.status == .seeOther)
            let created = try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: headers,
                body: ByteBuffer(string: Self.course(homework: fixed, selfTest: draft)))
            #expect(created.status == .created, "\(String(buffer: created.body))")

            let audit = try await harness.site.database.audit.entries(.init(actor: "gutachter"))
            #expect(
                Set(audit.map(\.action).filter { $0.hasPrefix("bank.") }) == [
                    "bank.comment", "bank.return", "bank.approve",
                ])
        }
    }
}
