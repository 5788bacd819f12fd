import Foundation
import Testing

/// A small bank and responses shared by the `campus bank stats` tests.
enum StatsFixture {
    static let bank = """
        id: stats-probe
        title: Statistik-Probe
        language: de
        provider: Test
        version: "1"
        items:
          - id: q1
            type: single-choice
            topic: t
            points: 1
            stem: Erste Frage
            options:
              - { id: a, text: A }
              - { id: b, text: B }
              - { id: c, text: C }
            answer: a
          - id: q2
            type: true-false
            topic: t
            points: 1
            stem: Zweite Frage
            answer: true
          - id: essay
            type: essay
            topic: t
            points: 2
            stem: Dritte Frage

        """

    /// Writes the bank and `lines` as RESPONSES.jsonl into a new folder; returns both paths.
    static func write(_ lines: [String]) throws -> (bank: String, responses: String, folder: URL) {
        let folder = try Campus.temporaryFolder()
        let bankURL = folder.appendingPathComponent("bank.yaml")
        let responsesURL = folder.appendingPathComponent("responses.jsonl")
        try bank.write(to: bankURL, atomically: true, encoding: .utf8)
        try (lines.joined(separator: "\n") + "\n").write(to: responsesURL, atomically: true, encoding: .utf8)
        return (bankURL.path, responsesURL.path, folder)
    }

    static func line(_ attempt: String, _ item: String, _ score: String, _ max: String, _ chosen: [String]? = nil)
        -> String
    {
        let chosenText = chosen.map { ", \"chosen\": [" + $0.map { "\"\($0)\"" }.joined(separator: ", ") + "]" } ?? ""
        return #"{"attempt": "\#(attempt)", "item": "\#(item)", "score": "\#(score)", "max": "\#(max)"\#(chosenText)}"#
    }

    /// Four attempts with totals 4, 2.5, 1.5 and 0: mean 2, median 2, population sd √2.125, alpha 12/17;
    /// q1 against the rest (3, 1.5, 1.5, 0) gives r = 1.5/√4.5 = 0.71.
    static let lines = [
        line("A1", "q1", "1", "1", ["a"]), line("A1", "q2", "1", "1"), line("A1", "essay", "2", "2"),
        line("A2", "q1", "1", "1", ["a"]), line("A2", "q2", "0", "1"), line("A2", "essay", "1.5", "2"),
        line("A3", "q1", "0", "1", ["b"]), line("A3", "q2", "1", "1"), line("A3", "essay", "0.5", "2"),
        line("A4", "q1", "0", "1", ["b"]), line("A4", "q2", "0", "1"), line("A4", "essay", "0", "2"),
    ]
}

@Suite("campus bank stats prints a table, JSON for programs, and reports bad lines")
struct BankStatsCommandTests {
    @Test("the table shows the test line, one row per item and the flags with advice")
    func table() throws {
        let files = try StatsFixture.write(StatsFixture.lines)
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let output = try Campus.run(["bank", "stats", files.bank, files.responses])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.lines.first == "attempts 4, mean 2.00, sd 1.46, median 2.00, alpha 0.71, SEM 0.79")
        #expect(output.lines.contains { $0.hasPrefix("q1") && $0.hasSuffix("0.50    0.50      0.71         1.00") })
        #expect(output.lines.contains("    option c: all 0.00, upper 0.00, lower 0.00"))
        #expect(
            output.lines.contains(
                "    warning: unused-distractor:c: Nobody chose option c; replace it with a plausible wrong answer."))
    }

    @Test("--json prints the contract's fields as numbers, null where undefined")
    func json() throws {
        let files = try StatsFixture.write(StatsFixture.lines)
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let output = try Campus.run(["bank", "stats", files.bank, files.responses, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["test", "items"])
        let test = try #require(object["test"] as? [String: Any])
        #expect(Set(test.keys) == ["attempts", "mean", "sd", "median", "alpha", "sem"])
        #expect(test["attempts"] as? Int == 4)
        #expect(test["mean"] as? Double == 2)
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["q1", "q2", "essay"])
        #expect(
            Set(items[0].keys) == ["id", "n", "facility", "sd", "discrimination", "upperLower", "flags", "options"])
        #expect(items[0]["facility"] as? Double == 0.5)
        let options = try #require(items[0]["options"] as? [[String: Any]])
        #expect(options.map { $0["id"] as? String } == ["a", "b", "c"])
        #expect(Set(options[0].keys) == ["id", "share", "upperShare", "lowerShare"])
        #expect((items[0]["flags"] as? [String])?.contains("unused-distractor:c") == true)
        #expect((items[2]["options"] as? [Any])?.isEmpty == true)
    }

    @Test("--json writes null, not NaN, for a figure without variance")
    func jsonNull() throws {
        let lines = [
            StatsFixture.line("A1", "q2", "1", "1"), StatsFixture.line("A2", "q2", "1", "1"),
        ]
        let files = try StatsFixture.write(lines)
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let output = try Campus.run(["bank", "stats", files.bank, files.responses, "--json"])
        #expect(output.status == 0)
        #expect(output.stdout.contains(#""discrimination" : null"#))
        #expect(output.stdout.contains(#""alpha" : null"#))
        #expect(!output.stdout.contains("NaN") && !output.stdout.contains("nan"))
    }

    @Test("each bad line is reported as FILE:LINE: error and skipped; the exit status is 1")
    func badLines() throws {
        let lines =
            StatsFixture.lines + [
                #"{"attempt": "A5", "item": "q1", "score": "2", "max": "1"}"#,
                "not json",
                StatsFixture.line("A5", "nope", "1", "1"),
                StatsFixture.line("A1", "q1", "1", "1", ["a"]),
                StatsFixture.line("A5", "q1", "1", "1", ["z"]),
            ]
        let files = try StatsFixture.write(lines)
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let output = try Campus.run(["bank", "stats", files.bank, files.responses])
        #expect(output.status == 1)
        let errors = output.lines.filter { $0.hasPrefix(files.responses) }
        #expect(errors.count == 5)
        #expect(errors[0] == "\(files.responses):13: error: score '2' must be a decimal number from 0 to max (1)")
        #expect(errors[1].hasPrefix("\(files.responses):14: error: column 1: "))
        #expect(errors[2].hasPrefix("\(files.responses):15: error: item 'nope' is not in the bank stats-probe"))
        #expect(
            errors[3]
                == "\(files.responses):16: error: attempt A1 answered item q1 already at line 1; keep one response")
        #expect(errors[4] == "\(files.responses):17: error: chosen option 'z' is not an option of item q1")
        // The good lines are still analysed.
        #expect(output.lines.contains("attempts 4, mean 2.00, sd 1.46, median 2.00, alpha 0.71, SEM 0.79"))
    }

    @Test("a line longer than the limit is refused without parsing it")
    func longLine() throws {
        let files = try StatsFixture.write([String(repeating: " ", count: 20_000) + "x"])
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let output = try Campus.run(["bank", "stats", files.bank, files.responses])
        #expect(output.status == 1)
        #expect(
            output.lines.first == "\(files.responses):1: error: line is 20001 bytes long; at most 16384 are accepted")
    }
}
