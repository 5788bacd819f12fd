import Foundation
import TestSupport
import Testing

/// Runs the built `campus` executable as a user would.
enum Campus {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] {
            stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        }
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `campus` binary built next to the test bundle.
    static var executable: URL {
        let bundle =
            Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("campus")
    }

    /// The verification base every run gets in `CAMPUS_BASE_URL` (`campus issue` has no default); a test of
    /// the missing base passes `"CAMPUS_BASE_URL": ""`, which counts as not set.
    static let base = "https://campus.example.de"

    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment
            .merging(["CAMPUS_BASE_URL": base]) { $1 }
            .merging(environment) { $1 }
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = repository
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("campus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

@Suite("campus command line")
struct CampusCommandTests {
    @Test("bank validate accepts the sample banks and ends with the summary line")
    func validateSamples() throws {
        let output = try Campus.run(["bank", "validate", "question-banks"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let summary = try #require(output.lines.last)
        #expect(summary.wholeMatch(of: /[4-9] banks, [0-9]+ items, 0 problems/) != nil, "\(summary)")
    }

    @Test("bank validate prints file:line:column for every problem and exits 1")
    func validateProblems() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("kaputt.yaml")
        try """
        id: kaputt
        title: Kaputt
        language: de
        provider: Test
        version: 1
        items:
          - { id: q1, type: true-false, topic: t, points: 0, stem: A, answer: true }
          - { id: q1, type: hotspot, topic: t, points: 1, stem: B }
        """.write(to: bad, atomically: true, encoding: .utf8)
        try Data("id: [unclosed\n".utf8).write(to: folder.appendingPathComponent("syntax.yml"))
        try Data("not a bank".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let output = try Campus.run(["bank", "validate", folder.path, "question-banks/datenschutz-dsgvo.yaml"])
        #expect(output.status == 1)
        let lines = output.lines
        #expect(lines.contains("\(bad.path):7:51: error: points must be greater than 0 (found 0)"))
        #expect(lines.contains { $0.hasPrefix("\(bad.path):8:21: error: unknown item type 'hotspot'") })
        #expect(
            lines.contains {
                $0.hasPrefix(folder.appendingPathComponent("syntax.yml").path + ":") && $0.contains(": error: bad YAML")
            })
        #expect(lines.contains("\(bad.path):8:11: error: duplicate item id 'q1' (first defined at line 7)"))
        #expect(lines.last?.hasSuffix(" items, 4 problems") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("3 banks, ") == true, "txt files in folders are not banks")
    }

    @Test("bank validate refuses a 50 MB file with a clear error and a missing file by name")
    func validateHugeAndMissing() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let huge = folder.appendingPathComponent("riesig.yaml")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 50_000_000)
        try handle.close()
        let output = try Campus.run(["bank", "validate", huge.path, folder.appendingPathComponent("fehlt.yaml").path])
        #expect(output.status == 1)
        #expect(
            output.lines.contains(
                "\(huge.path):1:1: error: file is 50000000 bytes; at most 5000000 bytes (5 MB) are accepted"))
        #expect(output.lines.contains("\(folder.path)/fehlt.yaml:1:1: error: no such file"))
        #expect(output.lines.last == "2 banks, 0 items, 2 problems")
    }

    @Test("exam draw replays with the same seed and differs with another")
    func examDraw() throws {
        let bank = "question-banks/ozg-onlinedienste.yaml"
        let first = try Campus.run(["exam", "draw", bank, "--count", "8", "--seed", "proctor-42", "--json"])
        let again = try Campus.run(["exam", "draw", bank, "--count", "8", "--seed", "proctor-42", "--json"])
        let other = try Campus.run(["exam", "draw", bank, "--count", "8", "--seed", "proctor-43", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == again.stdout)
        #expect(first.stdout != other.stdout)
        struct Draw: Decodable {
            struct Item: Decodable {
                let id: String
                let optionOrder: [String]
            }
            let bank: String
            let bankVersion: String
            let seed: String
            let items: [Item]
        }
        let draw = try JSONDecoder().decode(Draw.self, from: Data(first.stdout.utf8))
        #expect(draw.bank == "ozg-onlinedienste")
        #expect(draw.seed == "proctor-42")
        #expect(draw.items.count == 8)

        let blueprint = try Campus.run([
            "exam", "draw", bank, "--blueprint", "question-banks/examples/ozg-abschluss.blueprint.yaml", "--seed", "x",
        ])
        #expect(blueprint.status == 0, "\(blueprint.stderr)")
        #expect(blueprint.lines.count == 13)

        let tooMany = try Campus.run(["exam", "draw", bank, "--count", "999", "--seed", "x"])
        #expect(tooMany.status != 0)
        #expect(tooMany.stderr.contains("pool all topics has"))

        let neither = try Campus.run(["exam", "draw", bank, "--seed", "x"])
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("Give either --blueprint FILE or --count N."))
    }

    @Test("grade prints every learner's tier and why not the next one")
    func grade() throws {
        let human = try Campus.run(["grade", "question-banks/examples/gradebook.json"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("l-0001  Jürgen Weißmüller: Qualifiziertes Zertifikat (qualified), 5 ECTS"))
        #expect(human.stdout.contains("    not scored: score 46.5 % < 50 %"))
        #expect(human.stdout.contains("final exam voided by p-11: unerlaubtes Hilfsmittel während der Prüfung"))

        let json = try Campus.run(["grade", "question-banks/examples/gradebook.json", "--json"])
        struct Report: Decodable {
            struct Learner: Decodable {
                let id: String
                let tier: String?
                let tiersMet: [String]
                let percent: Double
            }
            let learners: [Learner]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        #expect(report.learners.map(\.tier) == ["qualified", "scored", "attendance", "scored", nil])
        #expect(report.learners[2].percent == 46.5)
        #expect(report.learners[1].tiersMet == ["attendance", "scored"])
    }

    @Test("quiz reads answers from the terminal and gives feedback and a final score")
    func quiz() throws {
        let bank = "question-banks/e-akte-schriftgut.yaml"
        let draw = try Campus.run(["exam", "draw", bank, "--count", "3", "--seed", "quiz-seed", "--json"])
        #expect(draw.status == 0)
        // Skip every question: the score must be 0 and every question shown.
        let output = try Campus.run(["quiz", bank, "--count", "3", "--seed", "quiz-seed"], input: "\n\n\n")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Frage 3/3"))
        #expect(output.stdout.contains("Ergebnis: 0 von "))
        #expect(output.stdout.contains("Selbsttests zählen nicht für ein Zertifikat."))
        // End of input stops the test early with the score so far.
        let early = try Campus.run(["quiz", bank, "--count", "3", "--seed", "quiz-seed"], input: "")
        #expect(early.status == 0)
        #expect(early.stdout.contains("Ergebnis: 0 von "))
    }

    @Test("quiz scores typed answers, re-asks on unreadable input and shows the feedback")
    func quizAnswers() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bank = folder.appendingPathComponent("wahr.yaml")
        var yaml = "id: wahr\ntitle: Wahr oder falsch\nlanguage: de\nprovider: Test\nversion: 1\nitems:\n"
        for index in 1...3 {
            yaml += "  - { id: q\(index), type: true-false, topic: t, points: 2, stem: Aussage \(index), answer: true, "
            yaml += "feedbackTrue: Genau so., feedback: Erklärung \(index). }\n"
        }
        try yaml.write(to: bank, atomically: true, encoding: .utf8)
        let output = try Campus.run(["quiz", bank.path, "--seed", "1"], input: "vielleicht\nj\nwahr\nn\n")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("j = wahr, n = falsch"))
        #expect(output.stdout.components(separatedBy: "✓ Richtig (2/2)").count == 3)
        #expect(output.stdout.contains("✗ Falsch (0/2)"))
        #expect(output.stdout.contains("Lösung: wahr"))
        #expect(output.stdout.contains("Genau so."))
        #expect(output.stdout.contains("Ergebnis: 4 von 6 Punkten (66,7 %)"))
    }

    @Test("bench score ends with the contract line")
    func benchScore() throws {
        let output = try Campus.run(["bench", "score", "--count", "20000"])
        #expect(output.status == 0, "\(output.stderr)")
        let last = try #require(output.lines.last)
        #expect(last.wholeMatch(of: /score: [0-9]+ per second/) != nil, "\(last)")
    }

    @Test("keys init writes root.pem, issuer.pem and a private issuer.key, and never prints the key")
    func keysInit() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        let output = try Campus.run(["keys", "init", "--dir", keys])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(!output.stdout.contains("PRIVATE KEY") && !output.stderr.contains("PRIVATE KEY"))
        for name in ["root.pem", "issuer.pem", "issuer.key"] {
            #expect(FileManager.default.fileExists(atPath: "\(keys)/\(name)"))
        }
        let mode = try FileManager.default.attributesOfItem(atPath: "\(keys)/issuer.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try Campus.run(["keys", "init", "--dir", keys])
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists already; choose another path or give --force to replace it"))
    }

    @Test("issue turns a gradebook into one PDF per learner with a tier, with progress and a summary")
    func issueGradebook() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        let out = folder.appendingPathComponent("out").path
        let output = try Campus.run([
            "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir", out,
            "--issued", "2026-12-01",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("[5/5] l-0005 Ελένη Παπαδοπούλου: no tier"))
        #expect(output.stderr.contains("[1/5] l-0001 Jürgen Weißmüller: qualified KC-"))
        #expect(
            output.lines.last?.hasPrefix(
                "issued 4 certificates (qualified 1, scored 2, attendance 1), no tier 1, failed 0") == true)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["issued.json", "l-0001.pdf", "l-0002.pdf", "l-0003.pdf", "l-0004.pdf"])
        let pdf = try Data(contentsOf: URL(fileURLWithPath: "\(out)/l-0001.pdf"))
        #expect(pdf.starts(with: Data("%PDF-1.7".utf8)))
        struct Entry: Decodable {
            let learner, id, tier: String
        }
        let manifest = try JSONDecoder().decode(
            [Entry].self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/issued.json")))
        #expect(manifest.map(\.tier) == ["qualified", "scored", "attendance", "scored"])
    }

    @Test("issue signs a record with keys from a PKCS#12 file whose passphrase is in the environment")
    func issueRecordWithPKCS12() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        let p12 = folder.appendingPathComponent("issuer.p12").path
        try ExternalTool.run(
            "openssl",
            [
                "pkcs12", "-export", "-inkey", "\(keys)/issuer.key", "-in", "\(keys)/issuer.pem", "-passout",
                "pass:geheim", "-certpbe", "AES-256-CBC", "-keypbe", "AES-256-CBC", "-macalg", "sha256", "-out", p12,
            ])
        let pdf = folder.appendingPathComponent("zertifikat.pdf").path
        let arguments = [
            "issue", "--record", "question-banks/examples/record-qualified.json", "--pkcs12", p12, "--out", pdf,
        ]
        let output = try Campus.run(arguments, environment: ["CAMPUS_PKCS12_PASSPHRASE": "geheim"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("KC-3F8K2M7Q9XPA qualified → \(pdf)"))
        #expect(FileManager.default.fileExists(atPath: pdf))
        let wrong = try Campus.run(arguments + ["--force"], environment: ["CAMPUS_PKCS12_PASSPHRASE": "falsch"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("passphrase is wrong"))
        #expect(!wrong.stderr.contains("falsch"))
        let missing = try Campus.run([
            "issue", "--record", "question-banks/examples/record-scored.json", "--keys", keys,
        ])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--record needs --out FILE.pdf."))
    }

    @Test("verify says valid with the facts, invalid with the reason, and exits 0, 1 or 2")
    func verify() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        let pdf = folder.appendingPathComponent("zertifikat.pdf").path
        let issued = try Campus.run([
            "issue", "--record", "question-banks/examples/record-scored.json", "--keys", keys, "--out", pdf,
        ])
        #expect(issued.status == 0, "\(issued.stderr)")
        let url = try #require(issued.lines.first { $0.hasPrefix("verify: ") }).dropFirst("verify: ".count)

        let valid = try Campus.run(["verify", pdf, "--trust", "\(keys)/root.pem", "--token", String(url)])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(valid.lines.first == "verdict: valid")
        #expect(valid.stdout.contains("holder:   Łukasz Żółć (born 1988-06-02)"))
        #expect(valid.stdout.contains("id:       KC-7Q2M9X4D1HBW"))

        let token = try Campus.run(["verify", "--token", String(url), "--trust", "\(keys)/issuer.pem", "--json"])
        #expect(token.status == 0, "\(token.stdout)\(token.stderr)")
        struct Report: Decodable {
            let valid: Bool
            let reasons: [String]
        }
        #expect(try JSONDecoder().decode(Report.self, from: Data(token.stdout.utf8)).valid)

        // Revoke it: the verdict turns invalid with the reason.
        let list = folder.appendingPathComponent("status.jws").path
        let revoked = try Campus.run([
            "status", "revoke", "--keys", keys, "--list", list, "--id", "KC-7Q2M9X4D1HBW", "--reason", "exam voided",
            "--date", "2026-12-01",
        ])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let invalid = try Campus.run(["verify", pdf, "--trust", "\(keys)/root.pem", "--status", list, "--json"])
        #expect(invalid.status == 1)
        let report = try JSONDecoder().decode(Report.self, from: Data(invalid.stdout.utf8))
        #expect(!report.valid)
        #expect(report.reasons == ["revoked on 2026-12-01: exam voided"])

        // Another trust list: not trusted.
        let otherKeys = folder.appendingPathComponent("other").path
        #expect(try Campus.run(["keys", "init", "--dir", otherKeys]).status == 0)
        let untrusted = try Campus.run(["verify", pdf, "--trust", otherKeys])
        #expect(untrusted.status == 1)
        #expect(untrusted.lines.first?.hasPrefix("verdict: invalid — ") == true)
        #expect(untrusted.stdout.contains("not on the trust list"))

        // Usage errors and unreadable input: exit 2.
        #expect(try Campus.run(["verify", pdf]).status == 2)
        #expect(try Campus.run(["verify", "--trust", "\(keys)/root.pem"]).status == 2)
        #expect(
            try Campus.run(["verify", folder.appendingPathComponent("fehlt.pdf").path, "--trust", "\(keys)/root.pem"])
                .status == 2)
        #expect(try Campus.run(["verify", pdf, "--trust", "\(keys)/root.pem", "--bogus"]).status == 2)
    }
}
