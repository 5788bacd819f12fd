import Foundation
import Testing

/// `campus credential export` and `campus verify --credential`: Open Badges 3.0 credentials, judged by jwcrypto and
/// the specification's required fields (`scripts/judge-open-badge`).
@Suite("Open Badges 3.0 credentials")
struct CredentialTests {
    @Test("an exported credential is judged by jwcrypto and the OB 3.0 fields, and verifies with the trust list")
    func exportAndVerify() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let jwt = issued.folder.appendingPathComponent("zertifikat.jwt").path
        let exported = try Campus.run([
            "credential", "export", "--pdf", issued.pdf, "--keys", issued.keys, "--out", jwt,
        ])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("KC-7Q2M9X4D1HBW scored → \(jwt)"), "\(exported.stdout)")
        let again = try Campus.run(["credential", "export", "--pdf", issued.pdf, "--keys", issued.keys, "--out", jwt])
        #expect(again.status != 0 && again.stderr.contains("exists already"), "\(again.stderr)")

        let judged = try CompactQRJudgeTests.python(["scripts/judge-open-badge", jwt, issued.keys + "/issuer.pem"])
        #expect(judged.status == 0, "\(judged.output)")
        let lines = judged.output.split(separator: "\n")
        #expect(lines.first == "ok", "\(judged.output)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])
        #expect(document["typ"] as? String == "vc+jwt")
        let credential = try #require(document["credential"] as? [String: Any])
        #expect(credential["id"] as? String == "https://campus.example.de/v/KC-7Q2M9X4D1HBW")
        #expect(credential["validFrom"] as? String == "2026-12-01T00:00:00Z")
        #expect(credential["validUntil"] == nil)
        let subject = try #require(credential["credentialSubject"] as? [String: Any])
        let achievement = try #require(subject["achievement"] as? [String: Any])
        #expect(
            achievement["name"] as? String
                == "Teilnahmebestätigung mit Punktzahlen: Datenschutz in der Kommunalverwaltung")
        #expect(((achievement["criteria"] as? [String: Any])?["narrative"] as? String)?.contains("50 %") == true)
        let result = try #require((subject["result"] as? [[String: Any]])?.first)
        #expect(result["value"] as? String == "79.05")
        let status = try #require(credential["credentialStatus"] as? [String: Any])
        #expect(status["id"] as? String == "https://campus.example.de/status/list#KC-7Q2M9X4D1HBW")

        // Our verifier: with the root and the signed trust list, as an employer would.
        let list = issued.folder.appendingPathComponent("trust.json").path
        #expect(try Campus.run(["keys", "trust-list", "--dir", issued.keys, "--out", list]).status == 0)
        let verified = try Campus.run([
            "verify", "--credential", jwt, "--trust", list, "--root", issued.keys + "/root.pem",
        ])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("verdict: valid"))
        #expect(verified.stdout.contains("holder:   Łukasz Żółć"))
        #expect(verified.stdout.contains("passed:   trust, credential"))

        // One changed character of the payload: jwcrypto and we refuse it.
        let text = try String(contentsOfFile: jwt, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var parts = text.split(separator: ".").map(String.init)
        let middle = parts[1].index(parts[1].startIndex, offsetBy: parts[1].count / 2)
        parts[1].replaceSubrange(middle...middle, with: parts[1][middle] == "A" ? "B" : "A")
        let forged = issued.folder.appendingPathComponent("forged.jwt").path
        try parts.joined(separator: ".").write(toFile: forged, atomically: true, encoding: .utf8)
        let refused = try CompactQRJudgeTests.python(["scripts/judge-open-badge", forged, issued.keys + "/issuer.pem"])
        #expect(refused.status != 0, "\(refused.output)")
        let ours = try Campus.run(["verify", "--credential", forged, "--trust", issued.keys + "/issuer.pem"])
        #expect(ours.status == 1, "\(ours.stdout)")
        #expect(!ours.stdout.contains("holder:"), "\(ours.stdout)")
    }

    @Test("an expiring certificate's credential has validUntil and is judged expired after it (exit 3)")
    func expiring() throws {
        let issued = try IssuedByCampus(record: "record-expiring")
        defer { issued.cleanUp() }
        let (folder, keys, pdf) = (issued.folder, issued.keys, issued.pdf)
        let jwt = folder.appendingPathComponent("c.jwt").path
        #expect(try Campus.run(["credential", "export", "--pdf", pdf, "--keys", keys, "--out", jwt]).status == 0)
        let judged = try CompactQRJudgeTests.python(["scripts/judge-open-badge", jwt, keys + "/issuer.pem"])
        #expect(judged.status == 0 && judged.output.contains("\"validUntil\": \"2028-11-30T23:59:59Z\""))
        let later = try Campus.run([
            "verify", "--credential", jwt, "--trust", keys + "/issuer.pem", "--at", "2028-12-01",
        ])
        #expect(later.status == 3, "\(later.stdout)")
        #expect(later.stdout.hasPrefix("verdict: expired on 2028-11-30"))

        // A PDF that does not verify is not exported.
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: pdf)))
        let target = try #require(bytes.firstRange(of: Array("/Producer".utf8))?.lowerBound)
        bytes[target + 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: pdf))
        let refused = try Campus.run([
            "credential", "export", "--pdf", pdf, "--keys", keys, "--out", folder.appendingPathComponent("x.jwt").path,
        ])
        #expect(refused.status != 0 && refused.stderr.contains("only a certificate that verifies is exported"))
    }
}
