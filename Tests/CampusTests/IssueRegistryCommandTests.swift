import Foundation
import Testing

@Suite("campus issue keeps a registry and campus status checks it")
struct IssueRegistryCommandTests {
    struct Issued: Decodable {
        let learner, id, tier, file: String
        let course: String?
        let status: String?
        let replacedBy: String?
        let reissueOf: String?
    }

    /// A keys folder and an output folder in a fresh temporary folder.
    struct Setup {
        let folder: URL
        let keys: String
        let out: String

        init() throws {
            folder = try Campus.temporaryFolder()
            keys = folder.appendingPathComponent("keys").path
            out = folder.appendingPathComponent("out").path
            let made = try Campus.run(["keys", "init", "--dir", keys])
            #expect(made.status == 0, "\(made.stderr)")
        }

        func issue(_ extra: [String] = [], gradebook: String = "question-banks/examples/gradebook.json") throws
            -> Campus.Output
        {
            try Campus.run(
                ["issue", "--gradebook", gradebook, "--keys", keys, "--out-dir", out, "--issued", "2026-12-01"] + extra)
        }

        func manifest() throws -> [Issued] {
            try JSONDecoder().decode(
                [Issued].self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/issued.json")))
        }

        func pdf(_ name: String) throws -> Data {
            try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)"))
        }

        func files() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        }
    }

    @Test("issuing a gradebook twice keeps every certificate: same ids, PDFs byte for byte")
    func idempotent() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let first = try setup.issue()
        #expect(first.status == 0, "\(first.stderr)")
        let before = try setup.manifest()
        #expect(before.map(\.course) == Array(repeating: "dsgvo-2026-herbst", count: 4))
        let pdfs = try (1...4).map { try setup.pdf("l-000\($0).pdf") }
        let second = try setup.issue()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("[1/5] l-0001 Jürgen Weißmüller: kept qualified \(before[0].id)"))
        #expect(
            second.lines.last?.hasPrefix(
                "issued 0 certificates (qualified 0, scored 0, attendance 0), no tier 1, failed 0, kept 4, "
                    + "superseded 0, refused (revoked) 0; list: ") == true, "\(second.stdout)")
        #expect(try setup.manifest().map(\.id) == before.map(\.id))
        #expect(try (1...4).map { try setup.pdf("l-000\($0).pdf") } == pdfs)
        #expect(try setup.files() == ["issued.json", "l-0001.pdf", "l-0002.pdf", "l-0003.pdf", "l-0004.pdf"])
        // The issuer's registry in the keys folder lists each id once.
        let registry = try JSONDecoder().decode(
            [Issued].self, from: Data(contentsOf: URL(fileURLWithPath: "\(setup.keys)/registry.json")))
        #expect(registry.map(\.id) == before.map(\.id))
    }

    @Test("a revoked learner is refused until --reissue names the id; the old PDF is kept under its id")
    func revocation() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let list = setup.folder.appendingPathComponent("status.jws").path
        #expect(try setup.issue(["--status-list", list]).status == 0)
        let revokedID = try #require(setup.manifest().first { $0.learner == "l-0002" }?.id)
        let oldPDF = try setup.pdf("l-0002.pdf")

        let unknown = try Campus.run([
            "status", "revoke", "--keys", setup.keys, "--list", list, "--id", "KC-0000000000ZZ", "--reason", "x",
        ])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("KC-0000000000ZZ was never issued by this issuer"), "\(unknown.stderr)")
        let itself = try Campus.run([
            "status", "supersede", "--keys", setup.keys, "--list", list, "--id", revokedID, "--by", revokedID,
            "--reason", "x",
        ])
        #expect(itself.status != 0)
        #expect(itself.stderr.contains("--by names the certificate itself"), "\(itself.stderr)")
        let revoke = try Campus.run([
            "status", "revoke", "--keys", setup.keys, "--list", list, "--id", revokedID, "--reason", "exam voided",
        ])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("1 entries"))

        let refused = try setup.issue(["--status-list", list])
        #expect(refused.status == 0, "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "l-0002 Łukasz Żółć: refused, \(revokedID) was revoked: exam voided; to issue again give --reissue"))
        #expect(refused.lines.last?.contains("kept 3, superseded 0, refused (revoked) 1;") == true)
        #expect(try setup.pdf("l-0002.pdf") == oldPDF)

        let reissued = try setup.issue(["--status-list", list, "--reissue", revokedID, "--reason", "exam retaken"])
        #expect(reissued.status == 0, "\(reissued.stderr)")
        #expect(reissued.lines.last?.hasPrefix("issued 1 certificate (qualified 0, scored 1, attendance 0)") == true)
        let manifest = try setup.manifest()
        let fresh = try #require(manifest.last)
        #expect(fresh.learner == "l-0002" && fresh.reissueOf == revokedID && fresh.id != revokedID)
        #expect(manifest.first { $0.id == revokedID }?.file == "\(setup.out)/l-0002-\(revokedID).pdf")
        #expect(try setup.pdf("l-0002-\(revokedID).pdf") == oldPDF)
        #expect(try setup.pdf("l-0002.pdf") != oldPDF)
        // Once reissued, the learner keeps the new certificate.
        let again = try setup.issue(["--status-list", list])
        #expect(again.lines.last?.contains("kept 4, superseded 0, refused (revoked) 0;") == true, "\(again.stdout)")
    }

    @Test("a higher tier supersedes the old certificate in the status list, or says how to")
    func higherTier() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let better = setup.folder.appendingPathComponent("gradebook-2.json").path
        let text = try String(
            contentsOfFile: "\(Campus.repository.path)/question-banks/examples/gradebook.json", encoding: .utf8)
        try text.replacingOccurrences(
            of: #""abschlusspruefung", "points": 19"#, with: #""abschlusspruefung", "points": 37"#
        )
        .write(toFile: better, atomically: true, encoding: .utf8)
        let list = setup.folder.appendingPathComponent("status.jws").path
        #expect(try setup.issue().status == 0)
        let old = try #require(setup.manifest().first { $0.learner == "l-0003" })
        #expect(old.tier == "attendance")
        let oldPDF = try setup.pdf("l-0003.pdf")

        let told = try setup.issue(gradebook: better)
        #expect(told.status == 0, "\(told.stderr)")
        let fresh = try #require(setup.manifest().last)
        #expect(fresh.learner == "l-0003" && fresh.tier == "scored")
        #expect(
            told.stderr.contains(
                "\(old.id) (attendance) must be superseded; run: campus status supersede --keys \(setup.keys) "
                    + "--list FILE --id \(old.id) --by \(fresh.id) --reason \"replaced by the higher tier scored\""),
            "\(told.stderr)")
        #expect(try setup.pdf("l-0003-\(old.id).pdf") == oldPDF)
        #expect(told.lines.last?.contains("kept 3, superseded 0, refused (revoked) 0;") == true)

        // With the status list, the command does it; the new one is kept on the next run.
        let other = Setup2(setup: setup)
        #expect(try other.issue([], gradebook: "question-banks/examples/gradebook.json").status == 0)
        let older = try #require(other.manifest().first { $0.learner == "l-0003" })
        let done = try other.issue(["--status-list", list], gradebook: better)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.lines.last?.contains("kept 3, superseded 1, refused (revoked) 0;") == true, "\(done.stdout)")
        let manifest = try other.manifest()
        let newer = try #require(manifest.last)
        #expect(manifest.first { $0.id == older.id }?.status == "superseded")
        #expect(manifest.first { $0.id == older.id }?.replacedBy == newer.id)
        let listText = try String(contentsOfFile: list, encoding: .utf8)
        let payload = try #require(listText.split(separator: ".").dropFirst().first)
        let json = try #require(base64URLDecoded(String(payload)))
        #expect(json.contains("\"replacedBy\":\"\(newer.id)\""), "\(json)")
        #expect(json.contains("\"nextUpdate\":"))
        let rerun = try other.issue(["--status-list", list], gradebook: better)
        #expect(rerun.lines.last?.contains("kept 4, superseded 0, refused (revoked) 0;") == true, "\(rerun.stdout)")
    }

    @Test("campus status refresh re-signs an unchanged list with new dates; a damaged issued.json stops issuing")
    func refreshAndDamage() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let list = setup.folder.appendingPathComponent("status.jws").path
        let missing = try Campus.run(["status", "refresh", "--keys", setup.keys, "--list", list])
        #expect(missing.status != 0)
        #expect(try setup.issue().status == 0)
        let id = try #require(setup.manifest().first?.id)
        #expect(
            try Campus.run([
                "status", "revoke", "--keys", setup.keys, "--list", list, "--id", id, "--reason", "exam voided",
            ]).status == 0)
        let refreshed = try Campus.run([
            "status", "refresh", "--keys", setup.keys, "--list", list, "--valid-days", "30",
        ])
        #expect(refreshed.status == 0, "\(refreshed.stderr)")
        #expect(refreshed.stdout.contains("1 entries"))
        let payload = try #require(
            base64URLDecoded(String(try String(contentsOfFile: list, encoding: .utf8).split(separator: ".")[1])))
        let dates = try JSONDecoder().decode([String: AnyDecodable].self, from: Data(payload.utf8))
        let updated = try #require(ISO8601DateFormatter().date(from: dates["updated"]?.text ?? ""))
        let next = try #require(ISO8601DateFormatter().date(from: dates["nextUpdate"]?.text ?? ""))
        #expect(next.timeIntervalSince(updated) == 30 * 86_400)
        let tooLong = try Campus.run([
            "status", "refresh", "--keys", setup.keys, "--list", list, "--valid-days", "400",
        ])
        #expect(tooLong.status != 0)

        try "{\"something\": \"else\"}".write(toFile: "\(setup.out)/issued.json", atomically: true, encoding: .utf8)
        let damaged = try setup.issue()
        #expect(damaged.status != 0)
        #expect(damaged.stderr.contains("\(setup.out)/issued.json: not a certificate registry"), "\(damaged.stderr)")
        #expect(try String(contentsOfFile: "\(setup.out)/issued.json", encoding: .utf8) == "{\"something\": \"else\"}")
    }
}

extension IssueRegistryCommandTests {
    @Test("a PDF that issued.json does not list is never overwritten without --force")
    func unlistedPDF() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        #expect(try setup.issue().status == 0)
        let pdf = try setup.pdf("l-0001.pdf")
        try FileManager.default.removeItem(atPath: "\(setup.out)/issued.json")
        let again = try setup.issue()
        #expect(again.status == 1)
        #expect(
            again.stderr.contains(
                "l-0001 Jürgen Weißmüller: error: \(setup.out)/l-0001.pdf: exists already and is not listed in issued.json"
            ),
            "\(again.stderr)")
        #expect(try setup.pdf("l-0001.pdf") == pdf)
        #expect(try setup.manifest().isEmpty)
    }
}

/// A second output folder with the same keys.
private struct Setup2 {
    let setup: IssueRegistryCommandTests.Setup
    var out: String { setup.folder.appendingPathComponent("out-2").path }

    func issue(_ extra: [String], gradebook: String) throws -> Campus.Output {
        try Campus.run(
            ["issue", "--gradebook", gradebook, "--keys", setup.keys, "--out-dir", out, "--issued", "2026-12-01"]
                + extra)
    }

    func manifest() throws -> [IssueRegistryCommandTests.Issued] {
        try JSONDecoder().decode(
            [IssueRegistryCommandTests.Issued].self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/issued.json")))
    }
}

/// A JSON value read only for its string, if it is one.
private struct AnyDecodable: Decodable {
    let text: String?
    init(from decoder: any Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
    }
}

private func base64URLDecoded(_ text: String) -> String? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) }
}
