import Foundation
import Testing

/// `campus keys trust-list` and `campus verify --trust trust.json --root root.pem`.
@Suite("Signed trust lists")
struct TrustListCommandTests {
    /// The base64url text of `bytes`.
    static func base64URL(_ bytes: Data) -> String {
        bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("a QR token verifies with only root.pem and the signed trust list; a changed or foreign list is refused")
    func tokenWithTrustList() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let root = issued.keys + "/root.pem"
        let list = issued.folder.appendingPathComponent("trust.json").path
        let written = try Campus.run(["keys", "trust-list", "--dir", issued.keys, "--out", list])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("1 root, 1 issuer, 1 time-stamp authority"), "\(written.stdout)")
        let again = try Campus.run(["keys", "trust-list", "--dir", issued.keys, "--out", list])
        #expect(again.status != 0 && again.stderr.contains("exists already"), "\(again.stderr)")

        // With the root alone the token's issuer key is unknown; with the trust list it verifies.
        let rootOnly = try Campus.run(["verify", "--token", issued.url, "--trust", root])
        #expect(rootOnly.status == 1)
        let withList = try Campus.run(["verify", "--token", issued.url, "--trust", list, "--root", root])
        #expect(withList.status == 0, "\(withList.stdout)\(withList.stderr)")
        #expect(withList.stdout.hasPrefix("verdict: valid"))
        let pdf = try Campus.run(["verify", issued.pdf, "--token", issued.url, "--trust", list, "--root", root])
        #expect(pdf.status == 0, "\(pdf.stdout)")

        // A list whose payload was changed (an issuer marked retired) no longer matches its signature.
        let text = try String(contentsOfFile: list, encoding: .utf8)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        let payloadText = try #require(object["payload"])
        var base64 = payloadText.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let payload = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        #expect(payload.contains(#""status":"active""#))
        object["payload"] = Self.base64URL(Data(payload.replacingOccurrences(of: "active", with: "retired").utf8))
        let tampered = issued.folder.appendingPathComponent("tampered.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: tampered))
        let refused = try Campus.run(["verify", "--token", issued.url, "--trust", tampered, "--root", root])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not signed by a root you trust"), "\(refused.stderr)")

        // Another root did not sign it; without --root it cannot be checked; past nextUpdate it is refused.
        let other = issued.folder.appendingPathComponent("other").path
        #expect(try Campus.run(["keys", "init", "--dir", other]).status == 0)
        let foreign = try Campus.run(["verify", "--token", issued.url, "--trust", list, "--root", other + "/root.pem"])
        #expect(foreign.status == 2 && foreign.stderr.contains("not signed by a root you trust"))
        let noRoot = try Campus.run(["verify", "--token", issued.url, "--trust", list])
        #expect(noRoot.status == 2 && noRoot.stderr.contains("give --root"), "\(noRoot.stderr)")
        let stale = try Campus.run([
            "verify", "--token", issued.url, "--trust", list, "--root", root, "--at", "2060-01-01",
        ])
        #expect(stale.status == 2 && stale.stderr.contains("was due to be replaced"), "\(stale.stderr)")
    }

    @Test(
        "--issuer-compromised-since: a PDF time-stamped before the date stays valid, after it is invalid, a QR code alone is not enough"
    )
    func compromisedIssuer() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let root = issued.keys + "/root.pem"
        func list(_ since: String) throws -> String {
            let path = issued.folder.appendingPathComponent("trust-\(since.prefix(4)).json").path
            let written = try Campus.run([
                "keys", "trust-list", "--dir", issued.keys, "--out", path, "--issuer-compromised-since", since,
            ])
            try #require(written.status == 0, "\(written.stderr)")
            return path
        }
        let future = try list("2060-01-01T00:00:00Z")
        let valid = try Campus.run(["verify", issued.pdf, "--trust", future, "--root", root])
        #expect(valid.status == 0, "\(valid.stdout)")
        let token = try Campus.run(["verify", "--token", issued.url, "--trust", future, "--root", root])
        #expect(token.status == 1 && token.stdout.contains("a QR code alone cannot prove"), "\(token.stdout)")
        let past = try list("2020-01-01T00:00:00Z")
        let invalid = try Campus.run(["verify", issued.pdf, "--trust", past, "--root", root])
        #expect(invalid.status == 1)
        #expect(invalid.stdout.contains("announced compromised since 2020-01-01 00:00 UTC"), "\(invalid.stdout)")
        let wrong = try Campus.run([
            "keys", "trust-list", "--dir", issued.keys, "--out", "x.json", "--issuer-compromised-since", "gestern",
        ])
        #expect(wrong.status != 0 && wrong.stderr.contains("YYYY-MM-DDTHH:MM:SSZ"))
    }

    @Test("keys rotate: a new issuer under the same root; certificates of both keys verify with the new trust list")
    func rotation() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let root = issued.keys + "/root.pem"
        let oldIssuer = try String(contentsOfFile: issued.keys + "/issuer.pem", encoding: .utf8)
        let rotated = try Campus.run(["keys", "rotate", "--dir", issued.keys])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let retiredLine = try #require(rotated.lines.first { $0.hasPrefix("retired issuer:") })
        let retiredPath = try #require(retiredLine.split(separator: " ").first { $0.hasSuffix(".pem") })
        #expect(
            try String(contentsOfFile: String(retiredPath), encoding: .utf8) == oldIssuer, "the old issuer was lost")
        #expect(try String(contentsOfFile: issued.keys + "/issuer.pem", encoding: .utf8) != oldIssuer)

        let newPDF = issued.folder.appendingPathComponent("neu.pdf").path
        let newIssue = try Campus.run([
            "issue", "--record", "question-banks/examples/record-qualified.json", "--keys", issued.keys, "--out",
            newPDF,
        ])
        try #require(newIssue.status == 0, "\(newIssue.stderr)")
        let newURL = String(try #require(newIssue.lines.first { $0.hasPrefix("verify: ") }).dropFirst(8))
        let list = issued.folder.appendingPathComponent("trust.json").path
        let written = try Campus.run(["keys", "trust-list", "--dir", issued.keys, "--out", list])
        #expect(written.stdout.contains("1 root, 2 issuers"), "\(written.stdout)")
        for (pdf, url) in [(issued.pdf, issued.url), (newPDF, newURL)] {
            let verdict = try Campus.run(["verify", pdf, "--token", url, "--trust", list, "--root", root])
            #expect(verdict.status == 0, "\(verdict.stdout)")
        }
        // The status list the new key signs covers the old key's certificates too: revoking the new one leaves
        // the old one valid with its status checked; revoking the old one makes it invalid.
        let status = issued.folder.appendingPathComponent("status.jws").path
        let newID = try #require(newIssue.stdout.firstMatch(of: /KC-[0-9A-Z]{12}/)).output
        let revokedNew = try Campus.run([
            "status", "revoke", "--keys", issued.keys, "--list", status, "--id", String(newID), "--reason", "Irrtum",
        ])
        #expect(revokedNew.status == 0, "\(revokedNew.stderr)")
        let oldChecked = try Campus.run(["verify", issued.pdf, "--trust", list, "--root", root, "--status", status])
        #expect(oldChecked.status == 0, "\(oldChecked.stdout)")
        #expect(oldChecked.stdout.contains("status as of "), "\(oldChecked.stdout)")
        let oldID = try #require(oldChecked.stdout.firstMatch(of: /KC-[0-9A-Z]{12}/)).output
        let revokedOld = try Campus.run([
            "status", "revoke", "--keys", issued.keys, "--list", status, "--id", String(oldID), "--reason", "Täuschung",
        ])
        #expect(revokedOld.status == 0, "\(revokedOld.stderr)")
        let oldRevoked = try Campus.run(["verify", issued.pdf, "--trust", list, "--root", root, "--status", status])
        #expect(oldRevoked.status == 1)
        #expect(oldRevoked.stdout.hasPrefix("verdict: invalid — revoked on"), "\(oldRevoked.stdout)")

        // Without root.key there is nothing to certify a new issuer with.
        try FileManager.default.removeItem(atPath: issued.keys + "/root.key")
        let refused = try Campus.run(["keys", "rotate", "--dir", issued.keys])
        #expect(refused.status != 0 && refused.stderr.contains("root's key is needed"), "\(refused.stderr)")
    }
}
