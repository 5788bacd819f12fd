import Foundation
import TestSupport
import Testing

/// Pins what `campus` prints for the README's examples and every `--help`: each test runs the built binary with
/// fixed inputs and compares stdout, stderr and the exit status of every run, byte for byte, with a golden
/// transcript in `Tests/CampusTests/Golden/`. Only what differs per run (temporary paths, random certificate
/// ids, tokens, thumbprints, timestamps, today's date, PDF sizes) is replaced by placeholders, in
/// ``GoldenTranscript/normalised(_:)``.
///
/// To change the pinned output on purpose, regenerate the transcripts and review the diff before committing:
///
///     CAMPUS_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests
///     git diff Tests/CampusTests/Golden
@Suite("campus prints exactly the pinned output of every README example")
struct GoldenOutputTests {
    /// Every command and subcommand of `campus`, for `--help`.
    static let commands: [[String]] = [
        [], ["bank"], ["bank", "validate"], ["bank", "import"], ["bank", "export"], ["bank", "stats"], ["quiz"],
        ["exam"],
        ["exam", "draw"], ["grade"], ["keys"], ["keys", "init"], ["keys", "rotate"], ["keys", "trust-list"], ["issue"],
        ["verify"],
        ["status"],
        ["status", "revoke"], ["status", "supersede"], ["status", "refresh"], ["bench"], ["bench", "score"],
        ["bench", "issue"], ["bench", "verify"], ["bench", "hostile"], ["bench", "serve"], ["serve"], ["audit"],
        ["audit", "verify"],
        ["credential"], ["credential", "export"],
    ]

    @Test("--help of every command and subcommand", arguments: commands)
    func help(command: [String]) throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        try transcript.run(command + ["--help"])
        try transcript.compare(with: "help/" + (["campus"] + command).joined(separator: "-"))
    }

    @Test("bank validate: the sample folder, a broken bank, a missing file")
    func bankValidate() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        try transcript.run(["bank", "validate", "question-banks"])
        try transcript.run(["bank", "validate", "question-banks/datenschutz-dsgvo.yaml", "question-banks/examples"])
        try transcript.run([
            "bank", "validate", "\(GoldenTranscript.inputs)/kaputt.yaml", "\(GoldenTranscript.inputs)/syntax.yml",
            "question-banks/projekt-change.yaml", "\(transcript.folder.path)/fehlt.yaml",
        ])
        try transcript.compare(with: "bank-validate")
    }

    @Test("bank import of GIFT, Aiken and Moodle XML, export as QTI 3.0 and 2.1, and the re-import reports")
    func bankImportExport() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        let inputs = GoldenTranscript.inputs
        let bank = "\(transcript.folder.path)/fragen.yaml"
        try transcript.run([
            "bank", "import", "\(inputs)/fragen.gift", "\(inputs)/fragen-aiken.txt", "\(inputs)/fragen-moodle.xml",
            "--out", bank, "--id", "golden-import", "--title", "Goldene Fragen", "--provider", "HföV Musterstadt",
        ])
        try transcript.run(["bank", "import", "\(inputs)/fragen.gift", "--out", bank])
        try transcript.run([
            "bank", "import", "\(inputs)/fragen-aiken.txt", "--format", "gift", "--out", bank, "--force",
        ])
        try transcript.run(["bank", "validate", bank])
        for format in ["qti30", "qti21"] {
            let package = "\(transcript.folder.path)/fragen-\(format).zip"
            try transcript.run(["bank", "export", bank, "--format", format, "--out", package])
            try transcript.run(["bank", "import", package, "--out", "\(transcript.folder.path)/zurueck-\(format).yaml"])
        }
        try transcript.compare(with: "bank-import-export")
    }

    @Test("exam draw by count and by blueprint, as text and as JSON, and a pool that is too small")
    func examDraw() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        let bank = "question-banks/ozg-onlinedienste.yaml"
        let blueprint = "question-banks/examples/ozg-abschluss.blueprint.yaml"
        try transcript.run(["exam", "draw", bank, "--count", "12", "--seed", "2026-11-23"])
        try transcript.run(["exam", "draw", bank, "--count", "3", "--seed", "2026-11-23", "--json"])
        try transcript.run(["exam", "draw", bank, "--blueprint", blueprint, "--seed", "2026-11-23"])
        try transcript.run(["exam", "draw", bank, "--blueprint", blueprint, "--seed", "2026-11-23", "--json"])
        try transcript.run([
            "exam", "draw", "question-banks/datenschutz-dsgvo.yaml", "--blueprint", blueprint, "--seed", "s",
        ])
        try transcript.compare(with: "exam-draw")
    }

    @Test("grade of the example gradebook, as text and as JSON")
    func grade() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        try transcript.run(["grade", "question-banks/examples/gradebook.json"])
        try transcript.run(["grade", "question-banks/examples/gradebook.json", "--json"])
        try transcript.compare(with: "grade")
    }

    @Test("quiz with scripted answers: wrong, invalid then right, partly right, and the score")
    func quiz() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        try transcript.run(
            ["quiz", "question-banks/datenschutz-dsgvo.yaml", "--count", "3", "--seed", "golden"],
            input: "A\nX\nB\n1D 2F 3A 4C\n")
        try transcript.run(
            ["quiz", "question-banks/e-akte-schriftgut.yaml", "--count", "4", "--seed", "golden"], input: "\n\n")
        try transcript.compare(with: "quiz")
    }

    @Test("the typical use shown by campus --help, with a seed for the quiz and the keys in a temporary folder")
    func helpExamples() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        let keys = "\(transcript.folder.path)/keys"
        let out = "\(transcript.folder.path)/out"
        try transcript.run(["bank", "validate", "question-banks/"])
        try transcript.run(["quiz", "question-banks/datenschutz-dsgvo.yaml", "--count", "10", "--seed", "hilfe"])
        try transcript.run([
            "exam", "draw", "question-banks/ozg-onlinedienste.yaml", "--count", "12", "--seed", "2026-11-23",
        ])
        try transcript.run(["grade", "question-banks/examples/gradebook.json"])
        try transcript.run(["keys", "init", "--dir", keys, "--base", "https://campus.example.de"])
        try transcript.run(
            [
                "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir", out,
                "--issued", "2026-12-01",
            ], environment: ["CAMPUS_BASE_URL": ""])
        try transcript.run(["verify", "\(out)/l-0001.pdf", "--trust", "\(keys)/root.pem"])
        try transcript.compare(with: "help-examples")
    }

    @Test("keys init writes the development root and issuer")
    func keysInit() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        try transcript.run(["keys", "init", "--dir", "\(transcript.folder.path)/keys"])
        try transcript.run(["keys", "init", "--dir", "\(transcript.folder.path)/keys"])
        try transcript.compare(with: "keys-init")
    }

    @Test("issue --record of each example record")
    func issueRecord() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        let keys = "\(transcript.folder.path)/keys"
        try transcript.run(["keys", "init", "--dir", keys])
        for tier in ["attendance", "scored", "qualified"] {
            try transcript.run([
                "issue", "--record", "question-banks/examples/record-\(tier).json", "--keys", keys, "--out",
                "\(transcript.folder.path)/\(tier).pdf",
            ])
        }
        try transcript.compare(with: "issue-record")
    }

    @Test("issue --gradebook: progress per learner and the summary, first and second time")
    func issueGradebook() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        let keys = "\(transcript.folder.path)/keys"
        try transcript.run(["keys", "init", "--dir", keys])
        let issue = [
            "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir",
            "\(transcript.folder.path)/out", "--issued", "2026-12-01",
        ]
        try transcript.run(issue)
        try transcript.run(issue)
        try transcript.compare(with: "issue-gradebook")
    }

    @Test("verify as text and JSON: genuine, forged token, without and with a status list; status revoke and refresh")
    func verify() throws {
        let transcript = try GoldenTranscript()
        defer { transcript.cleanUp() }
        let folder = transcript.folder.path
        let keys = "\(folder)/keys"
        let list = "\(folder)/status.jws"
        try transcript.run(["keys", "init", "--dir", keys])
        let scored = try transcript.run([
            "issue", "--record", "question-banks/examples/record-scored.json", "--keys", keys, "--out",
            "\(folder)/scored.pdf",
        ])
        try transcript.run([
            "issue", "--record", "question-banks/examples/record-qualified.json", "--keys", keys, "--out",
            "\(folder)/qualified.pdf",
        ])
        let url = try #require(
            scored.stdout.split(separator: "\n").first { $0.hasPrefix("verify: ") }?.dropFirst("verify: ".count))
        let forged = try Self.forged(token: String(url))
        let pdf = ["verify", "\(folder)/scored.pdf", "--trust", "\(keys)/root.pem"]
        let token = ["verify", "--token", String(url), "--trust", "\(keys)/issuer.pem"]
        for json in [[], ["--json"]] {
            try transcript.run(pdf + json)
            try transcript.run(token + json)
            try transcript.run(pdf + ["--token", String(url)] + json)
            try transcript.run(pdf + ["--token", forged] + json)
            try transcript.run(["verify", "--token", forged, "--trust", "\(keys)/issuer.pem"] + json)
        }
        try transcript.run([
            "status", "revoke", "--keys", keys, "--list", list, "--id", "KC-7Q2M9X4D1HBW", "--reason", "exam voided",
            "--date", "2026-12-01",
        ])
        try transcript.run([
            "issue", "--record", "question-banks/examples/record-attendance.json", "--keys", keys, "--out",
            "\(folder)/attendance.pdf",
        ])
        try transcript.run([
            "status", "supersede", "--keys", keys, "--list", list, "--id", "KC-9RJ4T6V1W2YB", "--by", "KC-3F8K2M7Q9XPA",
            "--reason", "höhere Stufe erreicht", "--date", "2026-12-01",
        ])
        try transcript.run(["status", "refresh", "--keys", keys, "--list", list])
        for json in [[], ["--json"]] {
            try transcript.run(pdf + ["--status", list] + json)
            try transcript.run(token + ["--status", list] + json)
            for other in ["qualified", "attendance"] {
                try transcript.run(
                    ["verify", "\(folder)/\(other).pdf", "--trust", "\(keys)/root.pem", "--status", list] + json)
            }
        }
        try transcript.run(["verify", "\(folder)/fehlt.pdf", "--trust", "\(keys)/root.pem"])
        try transcript.run(["verify", "--trust", "\(keys)/root.pem"])
        try transcript.compare(with: "verify")
    }

    /// `token` (a whole link) with the holder claim changed, so that its signature no longer matches.
    static func forged(token: String) throws -> String {
        try #require(TokenForgery.compact(token, name: "Mallory Fälscher"))
    }
}

/// The runs of one test, written as a readable transcript and compared with (or, with `CAMPUS_UPDATE_GOLDEN=1`,
/// written to) `Tests/CampusTests/Golden/NAME.txt`.
final class GoldenTranscript {
    /// Where the golden transcripts live.
    static let folder = Campus.repository.appendingPathComponent("Tests/CampusTests/Golden")

    /// The fixed input files, relative to the repository (the folder `campus` runs in).
    static let inputs = "Tests/CampusTests/Golden/inputs"

    /// Certificate ids that come from the example records and stay pinned; any other id is random.
    static let fixedIDs: Set<Substring> = ["KC-9RJ4T6V1W2YB", "KC-3F8K2M7Q9XPA", "KC-7Q2M9X4D1HBW"]

    /// A fresh temporary folder for this test's outputs; its path prints as `$TMP`.
    let folder: URL
    private(set) var text = ""

    init() throws {
        folder = try Campus.temporaryFolder()
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    /// Runs `campus arguments` in an 80-column terminal and appends the run to the transcript.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws
        -> Campus.Output
    {
        let output = try Campus.run(
            arguments, input: input, environment: ["COLUMNS": "80", "LINES": "24"].merging(environment) { $1 })
        let shown = arguments.map { $0.contains(where: { " '\"#$".contains($0) }) || $0.isEmpty ? "'\($0)'" : $0 }
        text += "$ campus \(shown.joined(separator: " "))\n"
        if let input { text += "--- stdin\n" + Self.section(input) }
        text += "--- stdout\n" + Self.section(output.stdout)
        text += "--- stderr\n" + Self.section(output.stderr)
        text += "--- exit status \(output.status)\n\n"
        return output
    }

    /// `content` as written, with a marker line when it does not end with a line break.
    static func section(_ content: String) -> String {
        content.isEmpty || content.hasSuffix("\n") ? content : content + "\n\\ no newline at end\n"
    }

    /// `text` with everything that differs from run to run replaced by a placeholder; nothing else is touched.
    func normalised(_ text: String) -> String {
        var result = text.replacingOccurrences(of: folder.path, with: "$TMP")
        result = result.replacing(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/) { _ in "<TOKEN>" }
        // Compact tokens: the URL fragment after /V/ID#, and a bare token given with --token.
        result = result.replacing(/--token '[0-9A-Z$%*+.\/:-]{40,}'/) { _ in "--token '<TOKEN>'" }
        result = result.replacing(/(\/V\/KC-[0-9A-Z]{12}#)[0-9A-Z$%*+.\/:-]+/) { $0.output.1 + "<TOKEN>" }
        result = result.replacing(/"(k|h)" : "[A-Za-z0-9_-]{11,22}"/) { "\"\($0.output.1)\" : \"<SHORT-HASH>\"" }
        result = result.replacing(/KC-[0-9A-Z]{12}/) { Self.fixedIDs.contains($0.output) ? $0.output : "KC-<ID>" }
        result = result.replacing(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/) { _ in "<TIMESTAMP>" }
        result = result.replacing(/\b[0-9a-f]{64}\b/) { _ in "<SHA256-HEX>" }
        result = result.replacing(/"k" : "[A-Za-z0-9_-]{43}"/) { _ in "\"k\" : \"<THUMBPRINT>\"" }
        result = result.replacing(/a PDF of \d+ bytes/) { _ in "a PDF of <N> bytes" }
        result = result.replacing(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/) { _ in "<TIME>" }
        let today = Date.now.formatted(.iso8601.year().month().day().dateSeparator(.dash))
        return result.replacingOccurrences(of: today, with: "<TODAY>")
    }

    /// Compares the normalised transcript with `Golden/NAME.txt`, or writes it there with `CAMPUS_UPDATE_GOLDEN=1`.
    func compare(with name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = normalised(text)
        let file = Self.folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["CAMPUS_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record(
                "no golden transcript \(file.path); write it with CAMPUS_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests",
                sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record(
                Comment(rawValue: Self.difference(expected: expected, actual: actual, name: name)),
                sourceLocation: sourceLocation)
        }
    }

    /// The first differing lines (`-` expected, `+` actual) with two lines of context before them.
    static func difference(expected: String, actual: String, name: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        var lines = ["output differs from Golden/\(name).txt at line \(first + 1):"]
        for index in max(0, first - 2)..<first { lines.append("  \(old[index])") }
        // The differing lines from there, up to five, until both sides agree again at the same line.
        let differing = (first..<max(old.count, new.count)).prefix { index in
            index - first < 5 && (index >= old.count || index >= new.count || old[index] != new[index])
        }
        for index in differing where index < old.count { lines.append("- \(old[index])") }
        for index in differing where index < new.count { lines.append("+ \(new[index])") }
        lines.append("(if the change is intended: CAMPUS_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests)")
        return lines.joined(separator: "\n")
    }
}
