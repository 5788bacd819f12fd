import Assessment
import Certificates
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing
import Verify

@testable import Service

/// Issuing from a gradebook, the registry, revoking and reissuing, and public verification — through the routes.
@Suite("Certificate routes")
struct CertificateRoutesTests {
    /// The example gradebook of the demo course (five learners; the demo learner `lernende` earns the top tier).
    static let gradebook: String = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("question-banks/examples/gradebook-demo-course.json")
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }()

    static let issuePath = "/api/v1/courses/\(DemoCourse.id)/certificates"

    /// Issues the demo gradebook through the API as `headers`; returns the answer.
    static func issue(
        _ harness: Harness, headers: HTTPFields, query: String = "", gradebook: String = gradebook
    ) async throws -> TestResponse {
        var client = Harness.Browser()
        return try await harness.send(
            .post, issuePath + query, as: &client, headers: headers, body: ByteBuffer(string: gradebook))
    }

    static func results(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try CourseRoutesTests.json(response)["results"] as? [[String: Any]])
    }

    static func outcome(_ results: [[String: Any]], _ learner: String) -> (String?, String?) {
        let row = results.first { $0["learner"] as? String == learner }
        return (row?["outcome"] as? String, row?["id"] as? String)
    }

    static func get(_ harness: Harness, _ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var client = Harness.Browser()
        return try await harness.send(.get, path, as: &client, headers: headers)
    }

    static func verify(_ harness: Harness, pdf: [UInt8]) async throws -> [String: Any] {
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        var client = Harness.Browser()
        let response = try await harness.send(
            .post, "/api/v1/verify", as: &client, headers: headers, body: ByteBuffer(bytes: pdf))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try CourseRoutesTests.json(response)
    }

    static func verify(_ harness: Harness, token: String) async throws -> [String: Any] {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        var client = Harness.Browser()
        let body = try JSONSerialization.data(withJSONObject: ["token": token])
        let response = try await harness.send(
            .post, "/api/v1/verify", as: &client, headers: headers, body: ByteBuffer(bytes: Array(body)))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try CourseRoutesTests.json(response)
    }

    @Test(
        "a provider issues from a gradebook once; a second upload keeps; another organisation sees and changes nothing",
        arguments: DatabaseKind.allCases)
    func issuing(kind: DatabaseKind) async throws {
        #expect(!Self.gradebook.isEmpty)
        try await Harness.with(kind) { harness in
            let headers = try await CourseRoutesTests.bearer(harness, "anbieter")
            let first = try await Self.issue(harness, headers: headers)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            let results = try Self.results(first)
            #expect(results.count == 5)
            // The demo learner met every threshold with proctoring consent: the qualified certificate.
            let lernende = results.first { $0["learner"] as? String == "lernende" }
            #expect(lernende?["outcome"] as? String == "issued")
            #expect(lernende?["tier"] as? String == "qualified")
            // The service issues exactly what the shared tier rules decide, learner by learner.
            let book = try Gradebook.parse(Data(Self.gradebook.utf8))
            for case .learner(let learner, _) in book.entries {
                let expected = book.course.rules.grade(learner)
                let row = results.first { $0["learner"] as? String == learner.id }
                if expected.isFinal, let tier = expected.highest {
                    #expect(row?["outcome"] as? String == "issued", "\(learner.id)")
                    #expect(row?["tier"] as? String == tier.rawValue, "\(learner.id)")
                } else {
                    #expect(row?["outcome"] as? String != "issued", "\(learner.id)")
                }
            }
            let issued = results.filter { $0["outcome"] as? String == "issued" }
            #expect(try CourseRoutesTests.json(first)["issued"] as? Int == issued.count)
            #expect(issued.count >= 2)

            let again = try Self.results(try await Self.issue(harness, headers: headers))
            for row in issued {
                let learner = try #require(row["learner"] as? String)
                let (outcome, id) = Self.outcome(again, learner)
                #expect(outcome == "kept", "\(learner)")
                #expect(id == row["id"] as? String)
            }
            let list = try CourseRoutesTests.json(
                try await Self.get(harness, "/api/v1/certificates?course=\(DemoCourse.id)", headers: headers))
            #expect((list["certificates"] as? [[String: Any]])?.count == issued.count)
            let audit = try await harness.site.database.audit.entries(.init(action: "certificate.issue"))
            #expect(audit.count == issued.count)

            // The PDF the provider downloads is signed and verifies.
            let id = try #require(issued.first?["id"] as? String)
            let pdf = try await Self.get(harness, "/api/v1/certificates/\(id)/pdf", headers: headers)
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            let verdict = CertificateVerifier(trust: harness.site.verificationTrust).verify(
                pdf: Array(buffer: pdf.body))
            #expect(verdict.isValid, "\(verdict.failures)")

            // A provider of another organisation finds none of it, and cannot change it.
            let other = try await CourseRoutesTests.bearer(harness, "ihk-anbieter")
            #expect(try await Self.issue(harness, headers: other).status == .notFound)
            let theirs = try CourseRoutesTests.json(try await Self.get(harness, "/api/v1/certificates", headers: other))
            #expect((theirs["certificates"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await Self.get(harness, "/api/v1/certificates/\(id)/pdf", headers: other).status == .notFound)
            var client = Harness.Browser()
            let revoke = try await harness.send(
                .post, "/api/v1/certificates/\(id)/revoke", as: &client, headers: other,
                body: ByteBuffer(string: #"{"reason": "Versuch"}"#))
            #expect(revoke.status == .notFound)
            var browser = try await harness.signIn("ihk-anbieter")
            #expect(try await harness.send(.get, "/provider/certificates/\(id)", as: &browser).status == .notFound)
            let page = try await harness.send(.get, "/provider/certificates", as: &browser)
            #expect(!String(buffer: page.body).contains(id))
            #expect(try await harness.site.database.registry.find(id: id)?.status == .issued)
        }
    }

    @Test(
        "a genuine PDF and its QR token verify and match the registry; a changed PDF is invalid with the reason",
        arguments: DatabaseKind.allCases)
    func verification(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let headers = try await CourseRoutesTests.bearer(harness, "anbieter")
            let (_, issuedID) = Self.outcome(
                try Self.results(try await Self.issue(harness, headers: headers)), "lernende")
            let id = try #require(issuedID)
            let pdf = Array(
                buffer: try await Self.get(harness, "/api/v1/certificates/\(id)/pdf", headers: headers).body)

            let genuine = try await Self.verify(harness, pdf: pdf)
            #expect(genuine["valid"] as? Bool == true, "\(genuine)")
            let registry = try #require(genuine["registry"] as? [String: Any])
            #expect(registry["id"] as? String == id)
            #expect(registry["status"] as? String == "valid")
            #expect(registry["matches"] as? Bool == true)
            #expect((genuine["certificate"] as? [String: Any])?["tier"] as? String == "qualified")
            // The service's keys time-stamp every signature; the verdict says when it was signed, and by whom.
            let signer = try #require(genuine["signer"] as? [String: Any])
            #expect(signer["signedAt"] is String, "\(signer)")
            #expect((signer["timeStampAuthority"] as? String)?.hasSuffix("Zeitstempeldienst") == true, "\(signer)")

            // One byte changed inside the signed content: before the signature value (the gap of /ByteRange, whose
            // certificates are not all signed content).
            var changed = pdf
            let gap = try #require(Self.firstIndex(of: Array("/Contents <".utf8), in: pdf))
            let offset = gap / 2
            changed[offset] ^= 0x01
            let tampered = try await Self.verify(harness, pdf: changed)
            #expect(tampered["valid"] as? Bool == false)
            #expect(!((tampered["reasons"] as? [String]) ?? []).isEmpty, "\(tampered)")
            #expect(tampered["certificate"] == nil, "an unverified record was presented as fact")

            // The QR token, as the phone sends it from /v/ID#TOKEN.
            let row = try #require(try await harness.site.database.registry.find(id: id))
            let record = try CertificateRecord.parse(canonical: Array(row.recordJSON.utf8))
            let token = try CertificateToken.makeJWS(for: record, identity: harness.site.keys.identity)
            let link = try await Self.verify(harness, token: "https://campus.test/v/\(id)#\(token)")
            #expect(link["valid"] as? Bool == true, "\(link)")
            #expect((link["registry"] as? [String: Any])?["matches"] as? Bool == true)
            let forged = try await Self.verify(harness, token: String(token.dropLast(4)) + "AAAA")
            #expect(forged["valid"] as? Bool == false)
            #expect((forged["registry"] as? [String: Any])?["matches"] as? Bool == false)

            // The page: upload the PDF, see the verdict and the facts.
            var visitor = Harness.Browser()
            try await harness.send(.get, "/verify", as: &visitor)
            let boundary = "grenze"
            var form = Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(visitor.csrf ?? "")\r\n".utf8)
            form += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"z.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                    .utf8)
            form += changed + Array("\r\n--\(boundary)--\r\n".utf8)
            var formHeaders = HTTPFields()
            formHeaders[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let page = try await harness.send(
                .post, "/verify", as: &visitor, headers: formHeaders, body: ByteBuffer(bytes: form))
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(html.contains("Ungültig"))
            #expect(html.contains("id=\"verify-reasons\""))
            #expect(!html.contains("Bestätigte Angaben"), "facts of a changed document were shown as confirmed")

            // Other bodies, unknown ids, the trust list.
            var plain = HTTPFields()
            plain[.contentType] = "text/plain"
            var client = Harness.Browser()
            let refused = try await harness.send(
                .post, "/api/v1/verify", as: &client, headers: plain, body: ByteBuffer(string: "x"))
            #expect(refused.status == .unsupportedMediaType)
            #expect(
                (try CourseRoutesTests.json(refused)["error"] as? [String: Any])?["code"] as? String
                    == "unsupportedMediaType")
            var pdfHeaders = HTTPFields()
            pdfHeaders[.contentType] = "application/pdf"
            let oversized = try await harness.send(
                .post, "/api/v1/verify", as: &client, headers: pdfHeaders,
                body: ByteBuffer(bytes: [UInt8](repeating: 0x25, count: Limits.pdf + 1)))
            #expect(oversized.status == .contentTooLarge)
            let noRoute = try await Self.get(harness, "/api/v1/nothing")
            #expect(noRoute.status == .notFound)
            #expect((try CourseRoutesTests.json(noRoute)["error"] as? [String: Any])?["code"] as? String == "notFound")
            let unknown = try await Self.get(harness, "/v/KC-ABCDEFGHJKMN")
            #expect(unknown.status == .notFound)
            #expect(String(buffer: unknown.body).contains("Mit dieser Nummer wurde hier kein Zertifikat ausgestellt."))
            #expect(try await Self.get(harness, "/api/v1/certificates/KC-ABCDEFGHJKMN").status == .notFound)
            let trust = try CourseRoutesTests.json(try await Self.get(harness, "/.well-known/campus-trust.json"))
            #expect((trust["roots"] as? [String])?.first?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            #expect((trust["issuers"] as? [String])?.isEmpty == false)
        }
    }

    @Test(
        "a revocation shows on /v/{id}, in the public record, the signed status list and the verdict; a reissue replaces it",
        arguments: DatabaseKind.allCases)
    func revokeAndReissue(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let headers = try await CourseRoutesTests.bearer(harness, "anbieter")
            let (_, issuedID) = Self.outcome(
                try Self.results(try await Self.issue(harness, headers: headers)), "lernende")
            let id = try #require(issuedID)
            let pdf = Array(
                buffer: try await Self.get(harness, "/api/v1/certificates/\(id)/pdf", headers: headers).body)
            let before = try await Self.get(harness, "/status/list")
            #expect(before.headers[.contentType] == "application/jose")

            var browser = try await harness.signIn("anbieter")
            let detail = try await harness.send(.get, "/provider/certificates/\(id)", as: &browser)
            #expect(String(buffer: detail.body).contains("Zertifikat widerrufen"))
            let empty = try await harness.send(
                .post, "/provider/certificates/\(id)/revoke", as: &browser, form: ["reason": " "])
            #expect(empty.status == .unprocessableContent)
            let revoked = try await harness.send(
                .post, "/provider/certificates/\(id)/revoke", as: &browser,
                form: ["reason": "Prüfungsleistung nicht eigenständig erbracht"])
            #expect(revoked.status == .seeOther)

            let page = String(buffer: try await Self.get(harness, "/v/\(id)").body)
            #expect(page.contains("Widerrufen"))
            #expect(page.contains("Prüfungsleistung nicht eigenständig erbracht"))
            #expect(page.contains("class=\"verdict revoked\""))
            let record = try CourseRoutesTests.json(try await Self.get(harness, "/api/v1/certificates/\(id)"))
            #expect(record["status"] as? String == "revoked")
            #expect(record["reason"] as? String == "Prüfungsleistung nicht eigenständig erbracht")
            #expect(record["birthDate"] == nil)

            let signed = String(buffer: try await Self.get(harness, "/status/list").body)
            let issuerDER = harness.site.keys.identity.certificateDER
            let list = try StatusList.read(signed: signed) { _ in issuerDER }.get()
            #expect(list.entry(for: id)?.status == .revoked)
            let verdict = try await Self.verify(harness, pdf: pdf)
            #expect(verdict["valid"] as? Bool == false)
            #expect((verdict["registry"] as? [String: Any])?["status"] as? String == "revoked")
            #expect((verdict["status"] as? [String: Any])?["status"] as? String == "revoked")

            // Issuing again refuses the revoked learner unless the provider names the certificate to reissue.
            let refused = try Self.results(try await Self.issue(harness, headers: headers))
            #expect(Self.outcome(refused, "lernende").0 == "refused")
            let reissued = try Self.results(
                try await Self.issue(harness, headers: headers, query: "?reissue=\(id)&reason=Berichtigung"))
            let (outcome, newID) = Self.outcome(reissued, "lernende")
            #expect(outcome == "issued")
            let replacement = try #require(newID)
            #expect(replacement != id)
            #expect(try await harness.site.database.registry.find(id: replacement)?.reissueOf == id)

            // Supersede through the API; the superseded certificate says by which.
            var client = Harness.Browser()
            let superseded = try await harness.send(
                .post, "/api/v1/certificates/\(replacement)/supersede", as: &client, headers: headers,
                body: ByteBuffer(string: #"{"by": "KC-ABCDEFGHJKMN", "reason": "x"}"#))
            #expect(superseded.status == .notFound)
        }
    }

    @Test(
        "the certificate states the stored course, not what the gradebook claims; learners not enrolled are not issued",
        arguments: DatabaseKind.allCases)
    func courseIsTheAuthority(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let headers = try await CourseRoutesTests.bearer(harness, "anbieter")
            var claimed = Self.gradebook.replacingOccurrences(
                of: "\"title\": \"Digitale Verwaltung kompakt\"", with: "\"title\": \"Ganz anderer Kurs\"")
            claimed = claimed.replacingOccurrences(of: "\"id\": \"l-0002\"", with: "\"id\": \"nie-eingeschrieben\"")
            claimed = claimed.replacingOccurrences(of: "\"Ayşe Yılmaz\"", with: "\"Ayşe Yilmaz\"")
            let results = try Self.results(try await Self.issue(harness, headers: headers, gradebook: claimed))
            let stranger = results.first { $0["learner"] as? String == "nie-eingeschrieben" }
            #expect(stranger?["outcome"] as? String == "failed")
            #expect((stranger?["message"] as? String)?.contains("Nicht in diesen Kurs eingeschrieben") == true)
            let misspelt = results.first { $0["learner"] as? String == "l-0003" }
            #expect(misspelt?["outcome"] as? String == "failed")
            #expect((misspelt?["message"] as? String)?.contains("Ayşe Yilmaz") == true)
            let (_, issuedID) = Self.outcome(results, "lernende")
            let id = try #require(issuedID)
            let record = try CourseRoutesTests.json(try await Self.get(harness, "/api/v1/certificates/\(id)"))
            #expect(record["courseTitle"] as? String == "Digitale Verwaltung kompakt")
            let row = try #require(try await harness.site.database.registry.find(id: id))
            let stated = try CertificateRecord.parse(canonical: Array(row.recordJSON.utf8))
            #expect(stated.course.provider == "Demo-Akademie Verwaltungsdigitalisierung")
            #expect(stated.course.end == "2027-02-28")
        }
    }

    @Test("the issue page streams a row per learner and the totals; a gradebook of another course is refused")
    func issuePage() async throws {
        try await Harness.with(.sqlite) { harness in
            var browser = try await harness.signIn("anbieter")
            let form = try await harness.send(.get, "/provider/courses/\(DemoCourse.id)/issue", as: &browser)
            #expect(form.status == .ok)
            func upload(_ gradebook: String) async throws -> TestResponse {
                let boundary = "grenze"
                var body =
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf ?? "")\r\n"
                body +=
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"gradebook\"; filename=\"g.json\"\r\n\r\n"
                body += gradebook + "\r\n--\(boundary)--\r\n"
                var headers = HTTPFields()
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                return try await harness.send(
                    .post, "/provider/courses/\(DemoCourse.id)/issue", as: &browser, headers: headers,
                    body: ByteBuffer(string: body))
            }
            let result = try await upload(Self.gradebook)
            let html = String(buffer: result.body)
            #expect(result.status == .ok)
            #expect(html.contains("<td>1/5</td>"))
            #expect(html.contains("<td>5/5</td>"))
            #expect(html.contains("id=\"issue-summary\""))
            #expect(html.contains("Fertig: "))
            #expect(html.hasSuffix("</html>\n"))

            let other = Self.gradebook.replacingOccurrences(
                of: "\"id\": \"digitale-verwaltung-kompakt\"", with: "\"id\": \"anderer-kurs\"")
            let refused = try await upload(other)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Das Notenbuch gehört zum Kurs anderer-kurs"))
            let broken = try await upload("{\"course\": ")
            #expect(broken.status == .unprocessableContent)
            #expect(String(buffer: broken.body).contains("Das Notenbuch ist nicht lesbar"))
        }
    }

    @Test("public verification is limited per address")
    func rateLimit() async throws {
        try await Harness.with(.sqlite, configure: { $0.verificationsPerWindow = 3 }) { harness in
            for _ in 0..<3 {
                #expect(try await Self.get(harness, "/api/v1/certificates/KC-ABCDEFGHJKMN").status == .notFound)
            }
            let limited = try await Self.get(harness, "/api/v1/certificates/KC-ABCDEFGHJKMN")
            #expect(limited.status == .tooManyRequests)
        }
    }

    /// Where `needle` first occurs in `bytes`.
    static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
