import Foundation
import TestSupport
import Testing

/// A key folder and one certificate issued with it by the `campus` binary.
struct IssuedByCampus {
    let folder: URL
    let keys: String
    let pdf: String
    let url: String

    init(keys name: String = "keys", record: String = "record-scored") throws {
        folder = try Campus.temporaryFolder()
        keys = folder.appendingPathComponent(name).path
        pdf = folder.appendingPathComponent("zertifikat.pdf").path
        let created = try Campus.run(["keys", "init", "--dir", keys])
        try #require(created.status == 0, "\(created.stderr)")
        let issued = try Campus.run([
            "issue", "--record", "question-banks/examples/\(record).json", "--keys", keys, "--out", pdf,
        ])
        try #require(issued.status == 0, "\(issued.stderr)")
        url = String(try #require(issued.lines.first { $0.hasPrefix("verify: ") }).dropFirst("verify: ".count))
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    var token: String { String(url[url.index(after: url.firstIndex(of: "#")!)...]) }

    /// The token with its claims changed (its signature no longer matches them).
    func forgedToken(name: String? = nil, course: String? = nil, tier: UInt64? = nil, id: String? = nil) throws
        -> String
    {
        try #require(TokenForgery.compact(token, name: name, course: course, tier: tier, id: id))
    }

    static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }

    /// The PDF re-signed (same bytes, new CMS made by OpenSSL) by a self-signed certificate named `name`.
    func resigned(byCertificateNamed name: String) throws -> String {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: pdf)))
        let text = String(decoding: bytes, as: UTF8.self)
        let byteRange = try #require(text.firstMatch(of: /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)/))
        let numbers = try [byteRange.1, byteRange.2, byteRange.3, byteRange.4].map { try #require(Int($0)) }
        let signed = Array(
            bytes[numbers[0]..<(numbers[0] + numbers[1])] + bytes[numbers[2]..<(numbers[2] + numbers[3])])
        let content = folder.appendingPathComponent("signed-bytes.bin").path
        try Data(signed).write(to: URL(fileURLWithPath: content))
        let key = folder.appendingPathComponent("stranger.key").path
        let certificate = folder.appendingPathComponent("stranger.pem").path
        let signature = folder.appendingPathComponent("stranger.p7s").path
        _ = try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
            certificate, "-subj", "/CN=\(name)", "-utf8", "-days", "30", "-addext",
            "keyUsage=critical,digitalSignature",
        ])
        _ = try Self.openssl([
            "cms", "-sign", "-binary", "-in", content, "-signer", certificate, "-inkey", key, "-outform", "DER", "-md",
            "sha256", "-cades", "-out", signature,
        ])
        let hex = Array(
            try Data(contentsOf: URL(fileURLWithPath: signature)).map { String(format: "%02X", $0) }.joined().utf8)
        // The /Contents hex string sits between the two signed ranges: `<` … `>`.
        let start = numbers[0] + numbers[1] + 1
        let end = numbers[2] - 1
        try #require(hex.count <= end - start)
        bytes.replaceSubrange(
            start..<end, with: hex + Array(repeating: UInt8(ascii: "0"), count: end - start - hex.count))
        let forged = folder.appendingPathComponent("neu-signiert.pdf").path
        try Data(bytes).write(to: URL(fileURLWithPath: forged))
        return forged
    }
}

/// The report's JSON, as far as these tests read it.
private struct Report: Decodable {
    struct Check: Decodable {
        let name: String
        let passed: Bool
        let checked: Bool
        let detail: String
    }
    struct Certificate: Decodable {
        let holder: String
    }
    let valid: Bool
    let certificate: Certificate?
    let token: [String: String]?
    let checks: [Check]
    let reasons: [String]

    init(_ output: Campus.Output) throws {
        self = try JSONDecoder().decode(Report.self, from: Data(output.stdout.utf8))
    }
}

/// Characters a terminal acts on or hides: none may reach it from `campus verify`.
private func unsafeScalars(_ text: String) -> [String] {
    text.unicodeScalars.filter { scalar in
        switch scalar.value {
        case 0x0A: false  // our own line ends
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029,
            0x200B...0x200D, 0x2060, 0xFEFF:
            true
        default: false
        }
    }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
}

@Suite("campus verify shows nothing unverified as fact")
struct VerifyOutputTests {
    static let hostileName = "\u{1B}[2K\rverdict: valid\u{1B}[32m\u{202E}nnamretsuM"

    @Test("a genuine PDF with its token: the verdict and the facts as before, status not checked")
    func genuinePDF() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let output = try Campus.run(["verify", issued.pdf, "--trust", "\(issued.keys)/root.pem", "--token", issued.url])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        // The time of the signature (minutes, UTC) is the time it was issued: shown as <TIME>.
        let lines = output.lines.map { $0.replacing(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/) { _ in "<TIME>" } }
        #expect(
            lines == [
                "verdict: valid",
                "holder:   Łukasz Żółć (born 1988-06-02)",
                "course:   Datenschutz in der Kommunalverwaltung — Hochschule für öffentliche Verwaltung Musterstadt"
                    + " (2026-09-01 – 2026-11-30)",
                "tier:     scored",
                "score:    58.5 of 74 points (79.05 %)",
                "issued:   2026-12-01",
                "issuer:   KommunalCampus Zertifikatsstelle (Entwicklung)",
                "id:       KC-7Q2M9X4D1HBW",
                "signed:   <TIME>, proven by a time-stamp from KommunalCampus Zeitstempeldienst",
                "passed:   file, signature-field, byte-range, signature, trust, record, token",
                "status: not checked (no status list given)",
            ])
        let json = try Report(try Campus.run(["verify", issued.pdf, "--trust", "\(issued.keys)/root.pem", "--json"]))
        #expect(json.valid)
        let status = try #require(json.checks.first { $0.name == "status" })
        #expect(status.passed && !status.checked && status.detail == "not checked (no status list given)")
        #expect(json.checks.filter { $0.name != "status" }.map(\.checked) == Array(repeating: true, count: 6))
    }

    @Test("a genuine token alone names the trust list entry that verified it, with OpenSSL's thumbprint")
    func genuineToken() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        // The root first: the entry that verifies the token is the issuer certificate's own, not the first one.
        let trust = "\(issued.keys)/trust.pem"
        try Data(
            (try String(contentsOfFile: "\(issued.keys)/root.pem", encoding: .utf8)
                + String(contentsOfFile: "\(issued.keys)/issuer.pem", encoding: .utf8)).utf8
        ).write(to: URL(fileURLWithPath: trust))
        let output = try Campus.run(["verify", "--token", issued.url, "--trust", trust])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let fingerprint = try IssuedByCampus.openssl([
            "x509", "-in", "\(issued.keys)/issuer.pem", "-noout", "-fingerprint", "-sha256",
        ])
        let hex = try #require(fingerprint.split(separator: "=").last).filter(\.isHexDigit).lowercased()
        #expect(hex.count == 64)
        let subject = try IssuedByCampus.openssl([
            "x509", "-in", "\(issued.keys)/issuer.pem", "-noout", "-subject", "-nameopt", "multiline,utf8,-esc_msb",
        ])
        let name = try #require(
            subject.split(separator: "\n").first { $0.contains("commonName") }?.split(separator: "=").last
        ).trimmingCharacters(in: .whitespaces)
        #expect(name == "KommunalCampus Zertifikatsstelle (Entwicklung)")
        #expect(output.lines.first == "verdict: valid")
        #expect(output.lines.contains("holder:   Łukasz Żółć"))
        #expect(output.lines.contains("issuer:   \(name) (trust list entry SHA-256 \(hex))"), "\(output.stdout)")
        #expect(output.lines.last == "status: not checked (no status list given)")
    }

    @Test("an invalid token with escape sequences and a bidi override in its claims prints no claim and no raw control")
    func forgedTokenAlone() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let forged = try issued.forgedToken(
            name: Self.hostileName, course: "Kurs\u{2028}verdict: valid", tier: 3, id: "KC-ABCDEFGHJKMN")
        let output = try Campus.run(["verify", "--token", forged, "--trust", "\(issued.keys)/issuer.pem"])
        #expect(output.status == 1)
        #expect(unsafeScalars(output.stdout).isEmpty, "\(unsafeScalars(output.stdout))")
        #expect(
            output.lines == [
                "verdict: invalid — the QR token was changed or was not signed by the issuer",
                "failed checks:",
                "  - token: the QR token was changed or was not signed by the issuer",
                "passed:   trust",
                "status: not checked (no status list given)",
            ])
        let json = try Campus.run(["verify", "--token", forged, "--trust", "\(issued.keys)/issuer.pem", "--json"])
        let report = try Report(json)
        #expect(!report.valid && report.token == nil && report.certificate == nil)
        for claim in ["nnamretsuM", "Kurs", "qualified", "KC-ABCDEFGHJKMN", "KC-7Q2M9X4D1HBW"] {
            #expect(!output.stdout.contains(claim) && !json.stdout.contains(claim), "\(claim)")
        }
    }

    @Test("a token signed by a key that is not on the trust list prints none of its claims")
    func untrustedToken() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let stranger = try IssuedByCampus(keys: "fremd")
        defer { stranger.cleanUp() }
        let output = try Campus.run(["verify", "--token", stranger.url, "--trust", "\(issued.keys)/issuer.pem"])
        #expect(output.status == 1)
        #expect(
            output.lines == [
                "verdict: invalid — the token is signed by a key that is not on the trust list",
                "failed checks:",
                "  - trust: the token is signed by a key that is not on the trust list",
            ])
        let json = try Campus.run(["verify", "--token", stranger.url, "--trust", "\(issued.keys)/issuer.pem", "--json"])
        let report = try Report(json)
        #expect(!report.valid && report.token == nil)
        #expect(!json.stdout.contains("Żółć") && !json.stdout.contains("\"signer\""))
    }

    @Test("a genuine PDF with a forged token: the PDF's facts, the token's reason, none of its claims")
    func genuinePDFWithForgedToken() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let forged = try issued.forgedToken(name: Self.hostileName, id: "KC-ABCDEFGHJKMN")
        let arguments = ["verify", issued.pdf, "--trust", "\(issued.keys)/root.pem", "--token", forged]
        let output = try Campus.run(arguments)
        #expect(output.status == 1)
        #expect(unsafeScalars(output.stdout).isEmpty)
        #expect(output.lines.first == "verdict: invalid — the QR token was changed or was not signed by the issuer")
        #expect(output.lines.contains("holder:   Łukasz Żółć (born 1988-06-02)"))
        #expect(output.lines.contains("  - token: the QR token was changed or was not signed by the issuer"))
        #expect(!output.stdout.contains("another certificate") && !output.stdout.contains("KC-ABCDEFGHJKMN"))
        #expect(!output.stdout.contains("nnamretsuM"))
        let json = try Campus.run(arguments + ["--json"])
        let report = try Report(json)
        #expect(report.certificate?.holder == "Łukasz Żółć")
        #expect(report.token == nil)
        #expect(!json.stdout.contains("nnamretsuM"))
    }

    @Test("a PDF re-signed by a stranger named with escape sequences: the name escaped, the record only stated")
    func untrustedSignerWithHostileName() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let forged = try issued.resigned(byCertificateNamed: "Evil\u{1B}[2J\u{1B}[32m\u{202E}CA")
        let output = try Campus.run(["verify", forged, "--trust", "\(issued.keys)/root.pem"])
        #expect(output.status == 1)
        #expect(unsafeScalars(output.stdout).isEmpty, "\(unsafeScalars(output.stdout))")
        let first = try #require(output.lines.first)
        #expect(first.hasPrefix("verdict: invalid — signed by a key that is not on the trust list"))
        #expect(first.contains(#"Evil\u{1B}[2J\u{1B}[32m\u{202E}CA"#), "\(first)")
        let heading = try #require(output.lines.firstIndex(of: "stated by the document, not verified:"))
        #expect(output.lines[heading + 1] == "  holder:   Łukasz Żółć (born 1988-06-02)")
        #expect(output.lines[heading + 7] == "  id:       KC-7Q2M9X4D1HBW")
        #expect(!output.lines.contains { $0.hasPrefix("holder:") || $0.hasPrefix("id:") })
        let report = try Report(try Campus.run(["verify", forged, "--trust", "\(issued.keys)/root.pem", "--json"]))
        #expect(!report.valid && report.certificate == nil)
        #expect(report.reasons.first?.contains(#"\u{1B}[2J"#) == true)
    }

    @Test("with a status list the status check is passed and listed among the passed checks")
    func statusChecked() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let list = issued.folder.appendingPathComponent("status.jws").path
        // Another certificate of the same issuer is revoked; the one verified is not.
        let other = try Campus.run([
            "issue", "--record", "question-banks/examples/record-qualified.json", "--keys", issued.keys, "--out",
            issued.folder.appendingPathComponent("other.pdf").path,
        ])
        try #require(other.status == 0, "\(other.stderr)")
        let revoked = try Campus.run([
            "status", "revoke", "--keys", issued.keys, "--list", list, "--id", "KC-3F8K2M7Q9XPA", "--reason", "Test",
            "--date", "2026-12-01",
        ])
        try #require(revoked.status == 0, "\(revoked.stderr)")
        let output = try Campus.run(["verify", issued.pdf, "--trust", "\(issued.keys)/root.pem", "--status", list])
        #expect(output.status == 0, "\(output.stdout)")
        #expect(output.lines.contains("passed:   file, signature-field, byte-range, signature, trust, record, status"))
        #expect(output.lines.last?.hasPrefix("status as of ") == true)
        #expect(!output.stdout.contains("not checked"))
    }
}
