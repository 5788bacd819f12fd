import Foundation
import Testing

@Suite("campus bank validate reports everything in one run")
struct BankValidateCommandTests {
    /// A bank with many different problems at once; line numbers are 1-based.
    static let lines = [
        "id: viele-fehler",  // 1
        "title: Viele Fehler",  // 2
        "language: de",  // 3
        "provider: Test",  // 4
        "version: \"1\"",  // 5
        "colour: blau",  // 6: unknown key in the bank
        "items:",  // 7
        "  - id: q1",  // 8
        "    type: single-choice",  // 9
        "    topic: t",  // 10
        "    points: 1.00001",  // 11: too many decimals
        "    stem: Erste Frage",  // 12
        "    hint: x",  // 13: unknown key, allowed keys listed
        "    options:",  // 14
        "      - { id: a, text: A }",  // 15
        "      - { id: b }",  // 16: option without text
        "    answer: a",  // 17
        "  - id: q1",  // 18: duplicate id of an item that is itself broken
        "    type: multiple-response",  // 19
        "    topic: t",  // 20
        "    points: viel",  // 21: not a number
        "    stem: Zweite Frage",  // 22
        "    tip: y",  // 23: unknown key of another kind of item
        "    options: [{ id: a, text: A }, { id: b, text: B }]",  // 24
        "    answer: [a, z]",  // 25: missing choice
        "  - id: q3",  // 26
        "    type: matching",  // 27
        "    topic: t",  // 28
        "    points: 2",  // 29
        "    stem: Zuordnen",  // 30
        "    premises: [{ id: p1, text: P1 }, { id: p1, text: P2 }]",  // 31: duplicate premise id
        "    responses: [{ id: r1, text: R1 }]",  // 32
        "    answer: { p1: r9 }",  // 33: unknown response
        "  - id: q4",  // 34
        "    type: single-choice",  // 35
        "    topic: t",  // 36
        "    points: 1e308",  // 37: out of range
        "    stem: Vierte Frage",  // 38
        "    hint: z",  // 39: unknown key again, points back to line 13
        "    options: [{ id: a, text: A }, { id: b, text: B }]",  // 40
        "    answer: c",  // 41: missing choice
    ]

    /// `line:column` of the last occurrence of `token` on `line`.
    static func at(_ line: Int, _ token: String) -> String {
        let text = lines[line - 1]
        let range = text.range(of: token, options: .backwards)!
        return "\(line):\(text.distance(from: text.startIndex, to: range.lowerBound) + 1)"
    }

    static let expected = [
        "\(at(6, "colour")): error: unknown key 'colour' in a bank (allowed: id, title, language, provider, version, items)",
        "\(at(11, "1.00001")): error: points must be at most 1000 with at most 4 decimal places (found 1.00001)",
        "\(at(13, "hint")): error: unknown key 'hint' in an item of type 'single-choice' (allowed: id, type, topic, "
            + "difficulty, points, stem, feedback, options, answer)",
        "\(at(16, "{")): error: 'b' has no 'text'",
        "\(at(18, "q1")): error: duplicate item id 'q1' (first defined at line 8)",
        "\(at(21, "viel")): error: points 'viel' is not a number",
        "\(at(23, "tip")): error: unknown key 'tip' in an item of type 'multiple-response' (allowed: id, type, topic, "
            + "difficulty, points, stem, feedback, options, answer)",
        "\(at(25, "z")): error: answer 'z' is not one of the options a, b",
        "\(at(31, "p1")): error: duplicate id 'p1' in 'premises' (first defined at line 31)",
        "\(at(33, "r9")): error: response 'r9' is not one of the responses r1",
        "\(at(37, "1e308")): error: points '1e308' is out of range; numbers must lie between -1000000000000 and "
            + "1000000000000 and have at most 12 decimal places",
        "\(at(39, "hint")): error: unknown key 'hint' in an item of type 'single-choice' (allowed keys as listed at line 13)",
        "\(at(41, "c")): error: answer 'c' is not one of the options a, b",
    ]

    @Test("a file with many different problems reports all of them, each with file:line:column, in one run")
    func everyProblemAtOnce() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("viele-fehler.yaml")
        try (Self.lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = try Campus.run(["bank", "validate", file.path])
        #expect(output.status == 1)
        #expect(output.lines == Self.expected.map { "\(file.path):\($0)" } + ["1 banks, 4 items, 13 problems"])
    }

    @Test("a folder without bank files is a problem, named with the patterns searched for")
    func emptyFolder() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("keine Bank".utf8).write(to: folder.appendingPathComponent("notizen.txt"))
        try Data("pools: [{count: 1}]\n".utf8).write(to: folder.appendingPathComponent("exam.blueprint.yaml"))
        let output = try Campus.run(["bank", "validate", folder.path])
        #expect(output.status == 1)
        #expect(
            output.lines == [
                "\(folder.path): error: no bank files (*.yaml, *.yml) under \(folder.path)",
                "0 banks, 0 items, 1 problems",
            ])
        let withBank = try Campus.run(["bank", "validate", folder.path, "question-banks/datenschutz-dsgvo.yaml"])
        #expect(withBank.status == 1, "an empty folder fails the run even when other banks are valid")
        #expect(withBank.lines.first == "\(folder.path): error: no bank files (*.yaml, *.yml) under \(folder.path)")
    }

    @Test("a folder given through a symbolic link is searched like the folder itself")
    func linkedFolder() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("banken").path
        try FileManager.default.createSymbolicLink(
            atPath: link, withDestinationPath: FileManager.default.currentDirectoryPath + "/question-banks")
        let output = try Campus.run(["bank", "validate", link])
        #expect(output.status == 0, "\(output.stdout)")
        #expect(output.lines.last == "4 banks, 170 items, 0 problems")
    }
}
