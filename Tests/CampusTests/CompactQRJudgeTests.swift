import Foundation
import TestSupport
import Testing

/// Outside judges of the compact QR token: pycose, cbor2, base45 and zlib from PyPI decode and verify it with the
/// issuer's public key; zbarimg reads the QR code from pages rendered at 50 dpi and printed at half size.
@Suite("Compact QR codes, judged from outside")
struct CompactQRJudgeTests {
    static var python: String { Campus.repository.appendingPathComponent(".build/venv/bin/python").path }

    /// Runs the venv's Python (`make test` installs it with the judges).
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw CLIFailure("\(python) is missing; run `make test`, which installs the Python judges")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.currentDirectoryURL = Campus.repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("pycose verifies the token with the issuer key; the claims are the certificate's; a changed one fails")
    func pycose() throws {
        let issued = try IssuedByCampus(record: "record-expiring")
        defer { issued.cleanUp() }
        let (keys, url) = (issued.keys, issued.url)

        let judged = try Self.python(["scripts/judge-compact-token", url, keys + "/issuer.pem"])
        #expect(judged.status == 0, "\(judged.output)")
        let claims = try #require(
            try JSONSerialization.jsonObject(with: Data(judged.output.utf8)) as? [String: Any], "\(judged.output)")
        #expect(claims["verified"] as? Bool == true)
        // The id is in the link, not the token; the signature covers it as external data.
        #expect(claims["cti"] is NSNull)
        #expect(claims["externalID"] as? String == "KC-4E7R2T9W6YPQ")
        #expect(claims["iat"] as? Int == 1_796_083_200)  // 2026-12-01T00:00:00Z
        #expect(claims["exp"] as? Int == 1_859_241_600)  // 2028-12-01T00:00:00Z: valid through 2028-11-30
        #expect(claims["tier"] as? Int == 2)
        #expect(claims["score"] as? String == "41.25/48")
        #expect((claims["name"] as? String)?.hasPrefix("Maximiliane Sophie") == true)
        #expect((claims["claimKeys"] as? [Int]) == [-70001, 4, 6])
        // The key id is the start of the issuer certificate's SHA-256, as our verifier reads it too.
        let ours = try Campus.run(["verify", "--token", url, "--trust", keys + "/issuer.pem", "--json"])
        #expect(ours.status == 0, "\(ours.stdout)")
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [String: Any])
        let token = try #require(verdict["token"] as? [String: Any])
        let kid = try #require(token["k"] as? String)
        var base64 = kid.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let kidHex = try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
        #expect(claims["kid"] as? String == kidHex)

        let forged = try #require(TokenForgery.compact(url, tier: 3))
        let refused = try Self.python(["scripts/judge-compact-token", forged, keys + "/issuer.pem"])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("\"verified\": false"), "\(refused.output)")
    }

    @Test("a compressed token (a long title with repeats) verifies with pycose and with our verifier")
    func compressedToken() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        let title =
            "Digitale Verwaltung I: Digitale Verwaltung im Alltag, Digitale Verwaltung im Amt, im Alltag und im Amt"
        let record: [String: Any] = [
            "id": "KC-9RJ4T6V1W2YC", "holder": ["name": "Anna Schmidt"],
            "course": ["title": title, "provider": "Kommunale Akademie", "start": "2026-09-01", "end": "2026-11-30"],
            "tier": "attendance", "issued": "2026-12-01", "language": "de",
        ]
        let recordFile = folder.appendingPathComponent("record.json")
        try JSONSerialization.data(withJSONObject: record).write(to: recordFile)
        let issued = try Campus.run([
            "issue", "--record", recordFile.path, "--keys", keys, "--out", folder.appendingPathComponent("z.pdf").path,
        ])
        try #require(issued.status == 0, "\(issued.stderr)")
        let url = String(try #require(issued.lines.first { $0.hasPrefix("verify: ") }).dropFirst("verify: ".count))
        let judged = try Self.python(["scripts/judge-compact-token", url, keys + "/issuer.pem"])
        #expect(judged.status == 0, "\(judged.output)")
        let claims = try #require(
            try JSONSerialization.jsonObject(with: Data(judged.output.utf8)) as? [String: Any], "\(judged.output)")
        #expect(claims["compressed"] as? Bool == true)
        #expect(claims["course"] as? String == title)
        let ours = try Campus.run(["verify", "--token", url, "--trust", keys + "/issuer.pem"])
        #expect(ours.status == 0, "\(ours.stdout)")
    }

    @Test("zbarimg reads every sample certificate's QR code at 50 dpi and from a half-size print")
    func lowResolution() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        for sample in ["attendance", "scored", "qualified", "expiring"] {
            let pdf = folder.appendingPathComponent("\(sample).pdf").path
            let issued = try Campus.run([
                "issue", "--record", "question-banks/examples/record-\(sample).json", "--keys", keys, "--out", pdf,
            ])
            try #require(issued.status == 0, "\(issued.stderr)")
            let url = String(
                try #require(issued.lines.first { $0.hasPrefix("verify: ") }).dropFirst("verify: ".count))

            let page = folder.appendingPathComponent("\(sample)-50dpi").path
            try ExternalTool.run("pdftoppm", ["-r", "50", "-png", "-singlefile", pdf, page])
            let at50 = try ExternalTool.run(
                "zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", page + ".png"])
            #expect(at50.trimmingCharacters(in: .newlines) == url, "\(sample) at 50 dpi")

            // Printed at half size and scanned at 100 dpi: every 2 × 2 pixels of a 100 dpi rendering averaged.
            let full = folder.appendingPathComponent("\(sample)-100dpi").path
            try ExternalTool.run("pdftoppm", ["-r", "100", "-gray", "-singlefile", pdf, full])
            let half = folder.appendingPathComponent("\(sample)-half.pgm").path
            let shrunk = try Self.python(["-c", Self.halfScale, full + ".pgm", half])
            try #require(shrunk.status == 0, "\(shrunk.output)")
            let printed = try ExternalTool.run(
                "zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", half])
            #expect(printed.trimmingCharacters(in: .newlines) == url, "\(sample) printed at half size")
        }
    }

    /// Python: a binary PGM (argv[1]) averaged over 2 × 2 pixels, written to argv[2].
    static let halfScale = """
        import sys
        import numpy as np
        data = open(sys.argv[1], "rb").read()
        magic, width, height, maximum, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and int(maximum) == 255
        width, height = int(width), int(height)
        image = np.frombuffer(pixels[: width * height], dtype=np.uint8).reshape(height, width).astype(np.uint16)
        image = image[: height // 2 * 2, : width // 2 * 2]
        small = ((image[0::2, 0::2] + image[1::2, 0::2] + image[0::2, 1::2] + image[1::2, 1::2]) // 4).astype(np.uint8)
        with open(sys.argv[2], "wb") as handle:
            handle.write(b"P5\\n%d %d\\n255\\n" % (small.shape[1], small.shape[0]))
            handle.write(small.tobytes())
        """
}
