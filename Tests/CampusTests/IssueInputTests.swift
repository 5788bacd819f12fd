import Foundation
import Testing

@Suite("campus issue and grade: verification base, JSON errors and issue dates")
struct IssueInputTests {
    private static let record = "question-banks/examples/record-scored.json"

    /// A scratch folder with development keys.
    private func keysFolder(_ extra: [String] = []) throws -> (folder: URL, keys: String) {
        let folder = try Campus.temporaryFolder()
        let keys = folder.appendingPathComponent("keys").path
        let made = try Campus.run(["keys", "init", "--dir", keys] + extra)
        #expect(made.status == 0, "\(made.stderr)")
        return (folder, keys)
    }

    private func issue(_ keys: String, out: String, _ extra: [String], environment: [String: String] = [:]) throws
        -> Campus.Output
    {
        try Campus.run(
            ["issue", "--record", Self.record, "--keys", keys, "--out", out] + extra, environment: environment)
    }

    @Test("without a base, issue names the three ways to give one and writes nothing")
    func noBase() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("z.pdf").path
        let output = try issue(keys, out: out, [], environment: ["CAMPUS_BASE_URL": ""])
        #expect(output.status != 0)
        #expect(output.stderr.contains("no verification base: give --base https://…, set CAMPUS_BASE_URL"))
        #expect(output.stderr.contains("campus keys init --dir DIR --base https://…"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("--base, then CAMPUS_BASE_URL, then the keys folder's base-url give the address in the QR code")
    func baseSources() throws {
        let (folder, keys) = try keysFolder(["--base", "https://keys.example.de/"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            try String(contentsOfFile: "\(keys)/base-url", encoding: .utf8) == "https://keys.example.de\n")
        let cases: [([String], [String: String], String)] = [
            (["--base", "https://flag.example.de"], ["CAMPUS_BASE_URL": "https://env.example.de"], "flag"),
            ([], ["CAMPUS_BASE_URL": "https://env.example.de"], "env"),
            ([], ["CAMPUS_BASE_URL": ""], "keys"),
        ]
        for (index, (extra, environment, host)) in cases.enumerated() {
            let out = folder.appendingPathComponent("z\(index).pdf").path
            let output = try issue(keys, out: out, extra, environment: environment)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(
                output.stdout.contains("verify: HTTPS://\(host.uppercased()).EXAMPLE.DE/V/KC-7Q2M9X4D1HBW#"),
                "\(output.stdout)")
        }
    }

    @Test("an http base is refused unless --allow-insecure-base is given, in issue and keys init")
    func insecureBase() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("z.pdf").path
        let refused = try issue(keys, out: out, ["--base", "http://localhost:8080"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--base: the verification base 'http://localhost:8080' is not https://"))
        #expect(refused.stderr.contains("--allow-insecure-base"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let allowed = try issue(keys, out: out, ["--base", "http://localhost:8080", "--allow-insecure-base"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("verify: HTTP://LOCALHOST:8080/V/"))
        let fromEnvironment = try issue(
            keys, out: out, ["--force"], environment: ["CAMPUS_BASE_URL": "http://localhost:8080"])
        #expect(fromEnvironment.stderr.contains("CAMPUS_BASE_URL: the verification base"), "\(fromEnvironment.stderr)")
        let other = folder.appendingPathComponent("other").path
        let keysInit = try Campus.run(["keys", "init", "--dir", other, "--base", "http://localhost:8080"])
        #expect(keysInit.status != 0)
        #expect(keysInit.stderr.contains("is not https://"))
        #expect(!FileManager.default.fileExists(atPath: other))
    }

    @Test("a record with a JSON syntax error is reported as FILE:LINE:COLUMN")
    func recordSyntax() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.json")
        try Data("{\n  \"id\": \"KC-7Q2M9X4D1HBW\",\n  \"tier\" \"scored\"\n}\n".utf8).write(to: broken)
        let output = try Campus.run([
            "issue", "--record", broken.path, "--keys", keys, "--out", folder.appendingPathComponent("z.pdf").path,
        ])
        #expect(output.status != 0)
        #expect(
            output.stderr.contains("\(broken.path):3:10: error: expected ':' after the field name"), "\(output.stderr)")
    }

    @Test("a record issued in the future is refused, and so is --issued in the future")
    func futureIssue() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: Self.record, encoding: .utf8)
        let future = folder.appendingPathComponent("future.json")
        try Data(text.replacingOccurrences(of: "2026-12-01", with: "2999-01-01").utf8).write(to: future)
        let out = folder.appendingPathComponent("z.pdf").path
        let output = try Campus.run(["issue", "--record", future.path, "--keys", keys, "--out", out])
        #expect(output.status != 0)
        #expect(
            output.stderr.contains("\(future.path): error: issued 2999-01-01 lies in the future"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let gradebook = try Campus.run([
            "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir",
            folder.appendingPathComponent("out").path, "--issued", "2999-01-01",
        ])
        #expect(gradebook.status != 0)
        #expect(gradebook.stderr.contains("--issued 2999-01-01 lies in the future"), "\(gradebook.stderr)")
    }

    @Test("a gradebook with a syntax error gives line and column in grade and issue")
    func gradebookSyntax() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("gradebook.json")
        try Data("{\n  \"course\": {\n    \"id\": \"c\",\n  },\n  \"learners\": []\n}\n".utf8).write(to: broken)
        let expected = "\(broken.path):4:3: error: a ',' before '}' is not allowed"
        let grade = try Campus.run(["grade", broken.path])
        #expect(grade.status != 0)
        #expect(grade.stderr.contains(expected), "\(grade.stderr)")
        let issue = try Campus.run([
            "issue", "--gradebook", broken.path, "--keys", keys, "--out-dir", folder.appendingPathComponent("out").path,
        ])
        #expect(issue.status != 0)
        #expect(issue.stderr.contains(expected), "\(issue.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test("a gradebook or record with a member twice is refused as FILE:LINE:COLUMN, the name shown escaped")
    func duplicateMembers() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = folder.appendingPathComponent("gradebook.json")
        let text = try String(contentsOfFile: "question-banks/examples/gradebook.json", encoding: .utf8)
        let doubled = #""id": "dsgvo-2026-herbst","#
        #expect(text.contains(doubled))
        try Data(text.replacingOccurrences(of: doubled, with: #""\u0074itle": "X", "# + doubled).utf8).write(to: book)
        let title = "\(book.path):4:5: error: the member “title” appears twice"
        let grade = try Campus.run(["grade", book.path])
        #expect(grade.status != 0)
        #expect(grade.stderr.contains(title), "\(grade.stderr)")
        let out = folder.appendingPathComponent("out").path
        let issue = try Campus.run(["issue", "--gradebook", book.path, "--keys", keys, "--out-dir", out])
        #expect(issue.status != 0)
        #expect(issue.stderr.contains(title), "\(issue.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let record = folder.appendingPathComponent("record.json")
        try Data("{\n  \"id\": \"KC-7Q2M9X4D1HBW\", \"a\\u001B[2J\": 1,\n  \"a\\u001b[2J\": 2\n}\n".utf8).write(
            to: record)
        let pdf = folder.appendingPathComponent("z.pdf").path
        let refused = try Campus.run(["issue", "--record", record.path, "--keys", keys, "--out", pdf])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains(#"\#(record.path):3:3: error: the member “a\u{1B}[2J” appears twice"#),
            "\(refused.stderr)")
        #expect(!refused.stderr.contains("\u{1B}"))
        #expect(!FileManager.default.fileExists(atPath: pdf))
    }

    @Test(
        "every course-level problem of a gradebook is reported in one run, each line naming the file, in grade and issue"
    )
    func allCourseProblems() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = folder.appendingPathComponent("gradebook.json")
        let json = """
            {"course": {"id": "c", "title": " ", "start": "2026-13-01", "end": "2026-11-30", "ects": 90,
              "thresholds": {"scored": 150},
              "assessments": [{"id": "a", "kind": "quiz", "maxPoints": 10}, {"id": "a", "kind": "exam", "maxPoints": 5},
                              {"kind": "exam", "maxPoints": "zehn"}, {"id": "b", "kind": "homework"}, 7]},
             "learners": []}
            """
        try Data(json.utf8).write(to: book)
        let problems = [
            "course.provider: missing", "course.title is empty", "course.start '2026-13-01' is not a date",
            "course.thresholds.scored must be a percentage", "course.ects must be greater than 0 and at most 60",
            "course.assessments[0].kind 'quiz' must be 'homework' or 'exam'",
            "course.assessments[1].id 'a' is empty or appears twice",
            "course.assessments[2].id: missing", "course.assessments[2].maxPoints: expected a number",
            "course.assessments[3].maxPoints: missing", "course.assessments[4]: expected an object",
        ]
        let out = folder.appendingPathComponent("out").path
        for arguments in [
            ["grade", book.path], ["issue", "--gradebook", book.path, "--keys", keys, "--out-dir", out],
        ] {
            let output = try Campus.run(arguments)
            #expect(output.status != 0)
            for problem in problems {
                #expect(output.stderr.contains("\(book.path): error: \(problem)"), "\(problem): \(output.stderr)")
            }
            let lines = output.stderr.split(separator: "\n")
            #expect(lines.count == problems.count, "\(output.stderr)")
            for line in lines {
                #expect(line.contains("\(book.path): error: "), "\(arguments[0]): \(line)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a learner whose name holds an escape sequence is reported with the name escaped, and not issued")
    func escapedLearnerName() throws {
        let (folder, keys) = try keysFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: "question-banks/examples/gradebook.json", encoding: .utf8)
        #expect(text.contains(#""name": "Jürgen Weißmüller""#))
        let book = folder.appendingPathComponent("gradebook.json")
        try Data(
            text.replacingOccurrences(
                of: #""name": "Jürgen Weißmüller""#, with: #""name": "J\u001B[2J\u001B[1;1Hverdict: valid""#
            ).utf8
        ).write(to: book)
        let out = folder.appendingPathComponent("out").path
        let output = try Campus.run(["issue", "--gradebook", book.path, "--keys", keys, "--out-dir", out])
        #expect(!output.stderr.contains("\u{1B}"), "\(output.stderr)")
        let line = try #require(
            output.stderr.split(separator: "\n").first { $0.hasPrefix("[1/") }, "\(output.stderr)")
        #expect(
            line.hasPrefix(#"[1/"#) && line.contains(#" l-0001 J\u{1B}[2J\u{1B}[1;1Hverdict: valid: error: "#),
            "\(line)")
        #expect(line.contains("U+001B"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("l-0001.pdf")))
    }
}
