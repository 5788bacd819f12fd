import Foundation
import TestSupport
import Testing

/// Certificates with a last valid day (`validUntil`): issued, printed, carried by the token, and judged
/// "expired" (exit 3) after that day — genuine, but no longer valid.
@Suite("Expiry and recertification")
struct ExpiryTests {
    @Test("a certificate valid until 2028-11-30 is valid on that day and expired (exit 3) the day after")
    func expiresAfterItsLastDay() throws {
        let issued = try IssuedByCampus(record: "record-expiring")
        defer { issued.cleanUp() }
        let (folder, keys, pdf, url) = (issued.folder, issued.keys, issued.pdf, issued.url)

        // The page says until when; pdftotext reads it.
        let text = try ExternalTool.run("pdftotext", [pdf, "-"])
        #expect(text.contains("gültig bis 30.11.2028"), "\(text)")

        let lastDay = try Campus.run(["verify", pdf, "--trust", keys + "/root.pem", "--at", "2028-11-30T23:00:00Z"])
        #expect(lastDay.status == 0, "\(lastDay.stdout)")
        #expect(lastDay.stdout.hasPrefix("verdict: valid"))
        #expect(lastDay.lines.contains("valid to: 2028-11-30"), "\(lastDay.stdout)")

        let after = try Campus.run(["verify", pdf, "--trust", keys + "/root.pem", "--at", "2028-12-01"])
        #expect(after.status == 3, "\(after.stdout)")
        #expect(
            after.stdout.hasPrefix(
                "verdict: expired on 2028-11-30 — the certificate is genuine, but was valid only until 2028-11-30"),
            "\(after.stdout)")
        #expect(after.stdout.contains("holder:   Maximiliane Sophie Freifrau von Hohenstein-Müllerschön"))
        #expect(!after.stdout.contains("failed checks"))

        let json = try Campus.run(["verify", pdf, "--trust", keys + "/root.pem", "--at", "2029-06-01", "--json"])
        #expect(json.status == 3)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect(object["expired"] as? Bool == true)
        #expect(object["expiredOn"] as? String == "2028-11-30")
        #expect((object["certificate"] as? [String: Any])?["validUntil"] as? String == "2028-11-30")
        #expect((object["reasons"] as? [Any])?.isEmpty == true)

        // The QR token carries the last day too: the token alone is judged the same way.
        let tokenAfter = try Campus.run([
            "verify", "--token", url, "--trust", keys + "/issuer.pem", "--at", "2028-12-01",
        ])
        #expect(tokenAfter.status == 3, "\(tokenAfter.stdout)\(tokenAfter.stderr)")
        #expect(tokenAfter.stdout.hasPrefix("verdict: expired on 2028-11-30"))
        let tokenBefore = try Campus.run(["verify", "--token", url, "--trust", keys + "/issuer.pem"])
        #expect(tokenBefore.status == 0, "\(tokenBefore.stdout)")

        // A changed PDF past its last day is invalid (exit 1), not "expired": expiry is said of genuine ones only.
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: pdf)))
        let target = try #require(bytes.firstRange(of: Array("/Producer".utf8))?.lowerBound)
        bytes[target + 2] ^= 0x01
        let changed = folder.appendingPathComponent("changed.pdf")
        try Data(bytes).write(to: changed)
        let tampered = try Campus.run(["verify", changed.path, "--trust", keys + "/root.pem", "--at", "2029-01-01"])
        #expect(tampered.status == 1, "\(tampered.stdout)")
        #expect(tampered.stdout.hasPrefix("verdict: invalid"))
    }

    @Test("a certificate without validUntil never expires; validUntil before the issue date is refused")
    func withoutValidUntil() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let later = try Campus.run(["verify", issued.pdf, "--trust", issued.keys + "/root.pem", "--at", "2060-01-01"])
        #expect(later.status == 0, "\(later.stdout)")
        #expect(!later.stdout.contains("valid to:"))

        let record = try String(
            contentsOfFile: Campus.repository.appendingPathComponent("question-banks/examples/record-expiring.json")
                .path, encoding: .utf8
        ).replacingOccurrences(of: "2028-11-30", with: "2026-11-30")
        let file = issued.folder.appendingPathComponent("early.json")
        try record.write(to: file, atomically: true, encoding: .utf8)
        let refused = try Campus.run([
            "issue", "--record", file.path, "--keys", issued.keys, "--out",
            issued.folder.appendingPathComponent("x.pdf").path,
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("validUntil: is before the issue date 2026-12-01"), "\(refused.stderr)")
    }

    @Test("a gradebook course with validForMonths issues certificates valid until the day before, months later")
    func gradebookValidity() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        let source = try String(
            contentsOfFile: Campus.repository.appendingPathComponent("question-banks/examples/gradebook.json").path,
            encoding: .utf8)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(source.utf8)) as? [String: Any])
        var course = try #require(object["course"] as? [String: Any])
        course["validForMonths"] = 24
        object["course"] = course
        let book = folder.appendingPathComponent("gradebook.json")
        try JSONSerialization.data(withJSONObject: object).write(to: book)
        let out = folder.appendingPathComponent("out").path
        let issued = try Campus.run([
            "issue", "--gradebook", book.path, "--keys", keys, "--out-dir", out, "--issued", "2026-12-01",
        ])
        try #require(issued.status == 0, "\(issued.stderr)")
        let pdfs = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".pdf") }
        try #require(!pdfs.isEmpty)
        for name in pdfs {
            let verdict = try Campus.run(["verify", out + "/" + name, "--trust", keys + "/root.pem", "--json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(verdict.stdout.utf8)) as? [String: Any])
            #expect((json["certificate"] as? [String: Any])?["validUntil"] as? String == "2028-11-30", "\(name)")
        }

        course["validForMonths"] = 0
        object["course"] = course
        try JSONSerialization.data(withJSONObject: object).write(to: book)
        let refused = try Campus.run(["grade", book.path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("course.validForMonths must be a whole number of months from 1 to 120"))
    }
}
