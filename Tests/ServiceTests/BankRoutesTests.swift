import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import Interchange
import NIOCore
import Storage
import Testing

@testable import Service

/// Question banks in the service: upload in our YAML or an import format, versions, downloads, access.
@Suite("Bank routes")
struct BankRoutesTests {
    static let bank = """
        id: test-bank
        title: Testpool
        language: de
        provider: Demo-Akademie
        version: 1.0.0
        items:
          - id: q1
            type: single-choice
            topic: zahlen
            points: 1
            stem: Welche Zahl ist gerade?
            options:
              - id: a
                text: Zwei
              - id: b
                text: Drei
            answer: a

        """

    /// The bank with an answer that is not one of the options, on line 17.
    static let broken = bank.replacingOccurrences(of: "answer: a", with: "answer: z")

    /// The bank with a second question.
    static let fixed =
        bank + """
              - id: q2
                type: true-false
                topic: zahlen
                points: 1
                stem: Drei ist eine Primzahl.
                answer: true

            """

    static let gift = """
        ::Abkürzung::Wofür steht **OZG**?{=Onlinezugangsgesetz ~Ordnungszuweisungsgesetz}

        // Eine Wahr-Falsch-Frage
        ::Portal::Der Portalverbund verknüpft die Verwaltungsportale.{TRUE}

        """

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// Uploads `text` through the API as `browser` (session cookie and CSRF header).
    @discardableResult
    static func upload(
        _ text: String, query: String = "format=yaml", harness: Harness, as browser: inout Harness.Browser
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[csrfHeader] = browser.csrf
        return try await harness.send(
            .post, "/api/v1/banks?\(query)", as: &browser, headers: headers, body: ByteBuffer(string: text))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: response.body))
    }

    struct Answer: Decodable {
        struct Version: Decodable {
            let organisation: String
            let bank: String
            let version: Int
            let itemCount: Int
            let sourceFormat: String
            let uploadedBy: String
            let downloads: [String: String]
        }
        let version: Version
        let report: BankReport
        let created: Bool?
    }

    struct Refusal: Decodable {
        struct Inner: Decodable {
            let code: String
            let message: String
        }
        let error: Inner
        let report: BankReport
    }

    struct ErrorOnly: Decodable {
        let error: Refusal.Inner
    }

    struct Listing: Decodable {
        let banks: [Answer.Version]
    }

    struct Versions: Decodable {
        let versions: [Answer.Version]
    }

    @Test("a valid YAML bank becomes version 1, listed with the demo banks", arguments: DatabaseKind.allCases)
    func validUpload(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let response = try await Self.upload(Self.bank, harness: harness, as: &browser)
            #expect(response.status == .created)
            let answer = try Self.decode(Answer.self, response)
            #expect(answer.version.bank == "test-bank")
            #expect(answer.version.version == 1)
            #expect(answer.version.organisation == "demo-akademie")
            #expect(answer.version.itemCount == 1)
            #expect(answer.created == true)
            #expect(answer.report.accepted)
            #expect(answer.report.entries.map(\.item) == ["q1"])
            #expect(answer.report.entries.map(\.line) == [7])
            let listed = try Self.decode(Listing.self, try await harness.send(.get, "/api/v1/banks", as: &browser))
            #expect(listed.banks.map(\.bank).contains("test-bank"))
            #expect(listed.banks.map(\.bank).contains("datenschutz-dsgvo"))
            let again = try await Self.upload(Self.bank, harness: harness, as: &browser)
            #expect(again.status == .ok, "an identical upload stores nothing new")
            #expect(try Self.decode(Answer.self, again).version.version == 1)
        }
    }

    @Test("the demo organisation has the four sample banks as version 1", arguments: DatabaseKind.allCases)
    func demoBanks(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let listed = try Self.decode(Listing.self, try await harness.send(.get, "/api/v1/banks", as: &browser))
            #expect(
                listed.banks.map(\.bank).sorted() == [
                    "datenschutz-dsgvo", "e-akte-schriftgut", "ozg-onlinedienste", "projekt-change",
                ])
            #expect(listed.banks.allSatisfy { $0.version == 1 && $0.organisation == "demo-akademie" })
            let page = try await harness.send(.get, "/provider/banks", as: &browser)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("href=\"/provider/banks/datenschutz-dsgvo\""))
            let start = try await harness.send(.get, "/provider", as: &browser)
            #expect(String(buffer: start.body).contains("href=\"/provider/banks\""))
        }
    }

    @Test("a bank with an error is refused with its line, and nothing is stored", arguments: DatabaseKind.allCases)
    func refusedUpload(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let response = try await Self.upload(Self.broken, harness: harness, as: &browser)
            #expect(response.status == .unprocessableContent)
            let refusal = try Self.decode(Refusal.self, response)
            #expect(refusal.error.code == "invalidBank")
            #expect(!refusal.report.accepted)
            #expect(refusal.report.entries.contains { $0.outcome == "error" && $0.line == 17 })
            let versions = try await harness.send(.get, "/api/v1/banks/test-bank/versions", as: &browser)
            #expect(versions.status == .notFound)
            let stored = try await harness.site.database.banks.versions(
                organisation: "demo-akademie", bankID: "test-bank")
            #expect(stored.isEmpty)
        }
    }

    @Test("a fixed upload is version 2; version 1 stays downloadable byte for byte", arguments: DatabaseKind.allCases)
    func versions(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            #expect(try await Self.upload(Self.bank, harness: harness, as: &browser).status == .created)
            #expect(try await Self.upload(Self.broken, harness: harness, as: &browser).status == .unprocessableContent)
            let second = try await Self.upload(Self.fixed, harness: harness, as: &browser)
            #expect(second.status == .created)
            #expect(try Self.decode(Answer.self, second).version.version == 2)
            let list = try Self.decode(
                Versions.self, try await harness.send(.get, "/api/v1/banks/test-bank/versions", as: &browser))
            #expect(list.versions.map(\.version) == [2, 1])
            let first = try await harness.send(
                .get, "/api/v1/banks/test-bank/versions/1/download?format=yaml", as: &browser)
            #expect(first.status == .ok)
            #expect(Array(buffer: first.body) == Array(Self.bank.utf8))
            let latest = try await harness.send(.get, "/api/v1/banks/test-bank/versions/2/download", as: &browser)
            #expect(Array(buffer: latest.body) == Array(Self.fixed.utf8))
            let metadata = try await harness.send(.get, "/api/v1/banks/test-bank/versions/1", as: &browser)
            let answer = try Self.decode(Answer.self, metadata)
            #expect(answer.version.itemCount == 1)
            #expect(answer.report.entries.map(\.item) == ["q1"])
            let page = try await harness.send(.get, "/provider/banks/test-bank", as: &browser)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("/api/v1/banks/test-bank/versions/1/download?format=qti30"))
            #expect(html.contains("/api/v1/banks/test-bank/versions/2/download?format=yaml"))
            #expect(html.contains("id=\"version-1\""))
            let missing = try await harness.send(.get, "/api/v1/banks/test-bank/versions/3", as: &browser)
            #expect(missing.status == .notFound)
        }
    }

    @Test("a GIFT upload is imported with a line per question, also through the page", arguments: DatabaseKind.allCases)
    func giftUpload(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let response = try await Self.upload(
                Self.gift, query: "format=auto&name=fragen.gift", harness: harness, as: &browser)
            #expect(response.status == .created)
            let answer = try Self.decode(Answer.self, response)
            #expect(answer.version.bank == "fragen")
            #expect(answer.version.sourceFormat == "gift")
            #expect(answer.version.itemCount == 2)
            #expect(answer.report.entries.map(\.line) == [1, 4])
            #expect(answer.report.entries.allSatisfy { $0.file == "fragen.gift" && $0.outcome == "imported" })

            let boundary = "----campus-test-boundary"
            var body = ""
            for (name, value) in [("_csrf", browser.csrf ?? ""), ("format", "gift"), ("id", "ozg-gift")] {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            body +=
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\tmp\\\\ozg.gift\"\r\n"
            body += "Content-Type: text/plain\r\n\r\n\(Self.gift)\r\n--\(boundary)--\r\n"
            var headers = HTTPFields()
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let page = try await harness.send(
                .post, "/provider/banks", as: &browser, headers: headers, body: ByteBuffer(string: body))
            #expect(page.status == .created)
            let html = String(buffer: page.body)
            #expect(html.contains("ozg.gift:1:1"))
            #expect(html.contains("ozg.gift:4:1"))
            #expect(html.contains("href=\"/provider/banks/ozg-gift\""))
        }
    }

    @Test("a refused page upload shows the report with the line", arguments: DatabaseKind.allCases)
    func refusedPageUpload(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let boundary = "----campus-test-boundary"
            var body =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf ?? "")\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pool.yaml\"\r\n\r\n"
            body += "\(Self.broken)\r\n--\(boundary)--\r\n"
            var headers = HTTPFields()
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let page = try await harness.send(
                .post, "/provider/banks", as: &browser, headers: headers, body: ByteBuffer(string: body))
            #expect(page.status == .unprocessableContent)
            let html = String(buffer: page.body)
            #expect(html.contains("role=\"alert\""))
            #expect(html.contains("pool.yaml:17:"))
        }
    }

    @Test("a QTI download is a package the importer reads back to the same bank", arguments: DatabaseKind.allCases)
    func qtiRoundTrip(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let yaml = try await harness.send(
                .get, "/api/v1/banks/datenschutz-dsgvo/versions/1/download?format=yaml", as: &browser)
            let original = try #require(BankReader.read(Array(buffer: yaml.body), file: "dsgvo.yaml").bank)
            for format in ["qti30", "qti21"] {
                let response = try await harness.send(
                    .get, "/api/v1/banks/datenschutz-dsgvo/versions/1/download?format=\(format)", as: &browser)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/zip")
                let bytes = Array(buffer: response.body)
                #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
                let file = try BankImport.read(name: "dsgvo.zip", data: Data(bytes), format: nil)
                let assembled = BankImport.assemble(
                    [file], settings: BankImportSettings(), defaultID: "other", existingMedia: { _ in nil })
                #expect(assembled.bank == original, "\(format) did not read back to the same bank")
            }
        }
    }

    @Test("uploads over 5 MB are refused with 413", arguments: DatabaseKind.allCases)
    func oversize(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let large = String(repeating: "# x\n", count: Limits.bank / 4 + 1)
            let response = try await Self.upload(large, harness: harness, as: &browser)
            #expect(response.status == .contentTooLarge)
            #expect(try Self.decode(ErrorOnly.self, response).error.code == "tooLarge")
            let huge = String(repeating: "x", count: Limits.bank + 200_000)
            let again = try await Self.upload(huge, harness: harness, as: &browser)
            #expect(again.status == .contentTooLarge)
        }
    }

    @Test("another organisation's provider gets 404 on page and API", arguments: DatabaseKind.allCases)
    func otherOrganisation(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var other = try await harness.signIn("ihk-anbieter")
            for path in [
                "/provider/banks/datenschutz-dsgvo", "/api/v1/banks/datenschutz-dsgvo/versions",
                "/api/v1/banks/datenschutz-dsgvo/versions/1", "/api/v1/banks/datenschutz-dsgvo/versions/1/download",
                "/api/v1/banks/datenschutz-dsgvo/versions?organisation=demo-akademie",
            ] {
                let response = try await harness.send(.get, path, as: &other)
                #expect(response.status == .notFound, "\(path) answered \(response.status)")
            }
            let api = try await harness.send(.get, "/api/v1/banks/datenschutz-dsgvo/versions", as: &other)
            #expect(try Self.decode(ErrorOnly.self, api).error.code == "notFound")
            let listed = try Self.decode(Listing.self, try await harness.send(.get, "/api/v1/banks", as: &other))
            #expect(listed.banks.isEmpty)
            // The error pages carry no form; the account page gives the session's CSRF token again.
            try await harness.send(.get, "/account", as: &other)
            let foreign = try await Self.upload(
                Self.bank, query: "format=yaml&organisation=demo-akademie", harness: harness, as: &other)
            #expect(foreign.status == .notFound)
            let own = try await Self.upload(Self.bank, harness: harness, as: &other)
            #expect(try Self.decode(Answer.self, own).version.organisation == "ihk-beispiel")
        }
    }

    @Test("an API token works for upload, list and download, without a cookie", arguments: DatabaseKind.allCases)
    func bearerToken(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let account = try #require(try await harness.site.database.accounts.find(login: "anbieter"))
            let token = try await harness.site.database.sessions.createToken(for: account, name: "ci")
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(token)"
            headers[.contentType] = "application/octet-stream"
            var nobody = Harness.Browser()
            let response = try await harness.send(
                .post, "/api/v1/banks?format=yaml", as: &nobody, headers: headers, body: ByteBuffer(string: Self.bank))
            #expect(response.status == .created)
            #expect(try Self.decode(Answer.self, response).version.uploadedBy == "anbieter")
            let listed = try await harness.send(.get, "/api/v1/banks", as: &nobody, headers: headers)
            #expect(try Self.decode(Listing.self, listed).banks.count == 5)
            let download = try await harness.send(
                .get, "/api/v1/banks/test-bank/versions/1/download", as: &nobody, headers: headers)
            #expect(Array(buffer: download.body) == Array(Self.bank.utf8))
            var wrong = HTTPFields()
            wrong[.authorization] = "Bearer kc_not-a-token"
            let refused = try await harness.send(.get, "/api/v1/banks", as: &nobody, headers: wrong)
            #expect(refused.status == .unauthorized)
        }
    }

    @Test("the audit log records each stored upload, not a refused or unchanged one", arguments: DatabaseKind.allCases)
    func audited(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            try await Self.upload(Self.bank, harness: harness, as: &browser)
            try await Self.upload(Self.bank, harness: harness, as: &browser)
            try await Self.upload(Self.broken, harness: harness, as: &browser)
            let audit = harness.site.database.audit
            let entries = try await audit.entries(.init(action: "bank.upload", target: "demo-akademie/test-bank@1"))
            #expect(entries.count == 1)
            #expect(entries.first?.actor == "anbieter")
            let all = try await audit.entries(.init(actor: "anbieter", action: "bank.upload"))
            #expect(all.count == 1)
            guard case .intact = try await audit.verify() else {
                Issue.record("the audit chain is broken")
                return
            }
        }
    }
}
