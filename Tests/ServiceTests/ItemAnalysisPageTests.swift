import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// The item analysis on the provider's bank version page and the reviewer's page, from stored attempts.
@Suite("Item analysis pages")
struct ItemAnalysisPageTests {
    /// Stores and submits one attempt of `learner` at version 1 of the demo bank `datenschutz-dsgvo`, answering
    /// the drawn single-choice items with the first option when `firstOption`, else the last.
    static func attempt(
        _ harness: Harness, bank: Bank, learner: String, kind: AttemptKind = .homework, firstOption: Bool
    ) async throws {
        let records = harness.site.database.attempts
        let now = Date()
        let started = try await records.start(
            policy: AttemptPolicy(), kind: kind, learnerID: learner, assessmentID: "kurs/\(kind.rawValue)", bank: bank,
            draw: try ExamDraw(bank: bank, blueprint: .random(count: 6), seed: "fest"), organisation: "demo-akademie",
            bankVersion: 1, at: now)
        var sequence: Int64 = 0
        for drawn in started.draw.items {
            guard case .singleChoice(let options, _)? = bank.item(withID: drawn.itemID)?.kind else { continue }
            sequence += 1
            _ = try await records.saveAnswer(
                .choice((firstOption ? options.first : options.last)?.id ?? ""), for: drawn.itemID,
                inAttempt: started.id, sequence: sequence, bank: bank, at: now)
        }
        var attempt = try Attempt(restoring: try #require(try await records.load(id: started.id)), bank: bank)
        _ = try attempt.submit(at: now)
        try await records.save(attempt.stored)
    }

    @Test(
        "the version page shows the figures of the stored attempts, flagged items link to their text",
        arguments: DatabaseKind.allCases)
    func versionPage(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let stored = try #require(
                try await harness.site.database.banks.find(
                    organisation: "demo-akademie", bankID: "datenschutz-dsgvo", version: 1))
            let bank = try #require(BankReader.read(Array(stored.yaml.utf8), file: "b").bank)
            var browser = try await harness.signIn("anbieter")
            let empty = String(
                buffer: try await harness.send(
                    .get, "/provider/banks/datenschutz-dsgvo/versions/1", as: &browser
                ).body)
            #expect(empty.contains("id=\"stats-none\""))

            for (index, learner) in ["a", "b", "c", "d", "e"].enumerated() {
                try await Self.attempt(harness, bank: bank, learner: learner, firstOption: index % 2 == 0)
            }
            try await Self.attempt(harness, bank: bank, learner: "f", kind: .selfTest, firstOption: true)
            let page = String(
                buffer: try await harness.send(
                    .get, "/provider/banks/datenschutz-dsgvo/versions/1", as: &browser
                ).body)
            #expect(page.contains("<dt>Versuche</dt><dd>5</dd>"), "the self-test or a draft attempt was counted")
            // The figures are the library's (cross-checked against numpy/scipy in the command's tests).
            let attempts = try await harness.site.database.attempts.attempts(
                organisation: "demo-akademie", bankID: "datenschutz-dsgvo", version: 1)
            let report = ItemAnalysis.analyse(
                items: bank.items.map(AnalysedItem.init),
                responses: ItemAnalysis.responses(from: attempts, bank: bank, includeSelfTests: false))
            #expect(page.contains("<dt>Cronbachs α</dt><dd>\(ItemAnalysisView.figure(report.test.alpha))</dd>"))
            let flagged = try #require(report.items.first { $0.flags.contains { $0.severity != .unreliable } })
            #expect(page.contains("href=\"#item-\(ReviewRoutes.anchor(flagged.id))\""))
            #expect(page.contains("id=\"item-\(ReviewRoutes.anchor(flagged.id))\""))
            #expect(page.contains("data:image/svg+xml;base64,"))
            #expect(page.contains("Weniger als 30 Antworten"))
            let withSelfTests = String(
                buffer: try await harness.send(
                    .get, "/provider/banks/datenschutz-dsgvo/versions/1?selftests=1", as: &browser
                ).body)
            #expect(withSelfTests.contains("<dt>Versuche</dt><dd>6</dd>"))

            // The responses download is RESPONSES.jsonl, the input of `campus bank stats`.
            let headers = try await CourseRoutesTests.bearer(harness, "anbieter", json: false)
            var client = Harness.Browser()
            let download = try await harness.send(
                .get, "/api/v1/banks/datenschutz-dsgvo/versions/1/responses", as: &client, headers: headers)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/x-ndjson; charset=utf-8")
            let lines = String(buffer: download.body).split(separator: "\n")
            let expected = ItemAnalysis.responses(from: attempts, bank: bank, includeSelfTests: false)
            #expect(lines.count == expected.count)
            #expect(lines.first.map(String.init) == expected.first?.jsonLine)
            for line in lines {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
                #expect(Rational(exactText: object["score"] as? String ?? "") != nil, "\(line)")
                #expect(Rational(exactText: object["max"] as? String ?? "") != nil, "\(line)")
                #expect(object["attempt"] is String && object["item"] is String)
            }
            #expect(page.contains("/api/v1/banks/datenschutz-dsgvo/versions/1/responses?organisation=demo-akademie"))

            // The quality board sees the same analysis; another organisation's provider sees nothing.
            var reviewer = try await harness.signIn("gutachter")
            let review = String(
                buffer: try await harness.send(.get, "/review/demo-akademie/datenschutz-dsgvo/1", as: &reviewer).body)
            #expect(review.contains("<dt>Versuche</dt><dd>5</dd>"))
            var stranger = try await harness.signIn("ihk-anbieter")
            let hidden = try await harness.send(
                .get, "/provider/banks/datenschutz-dsgvo/versions/1", as: &stranger)
            #expect(hidden.status == .notFound)
        }
    }
}
