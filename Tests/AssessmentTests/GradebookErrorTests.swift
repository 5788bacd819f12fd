import Assessment
import Foundation
import Testing

@Suite("Gradebook errors: syntax with line and column, every course problem at once")
struct GradebookErrorTests {
    @Test(
        "JSON syntax errors are found with their line and column",
        arguments: [
            ("{\"a\": 1,}", 1, 9, "a ',' before '}' is not allowed"),
            ("[1, 2,]", 1, 7, "a ',' before ']' is not allowed"),
            ("{\n  \"a\" 1\n}", 2, 7, "expected ':' after the field name"),
            ("{\"ä\": \"ö\" x}", 1, 11, "expected ',' or '}' after the value"),
            ("{\"a\": [1, 2}", 1, 12, "expected ',' or ']' after the value"),
            ("{\"a\": tru}", 1, 7, "expected a value"),
            ("{\"a\": 01}", 1, 7, "malformed number"),
            ("{\"a\": 1.}", 1, 7, "malformed number"),
            ("{\"a\": \"x\ny\"}", 1, 9, "control character inside text"),
            ("{\"a\": \"\\q\"}", 1, 8, "unknown escape"),
            ("{\"a\": \"open}", 1, 7, "no closing"),
            ("{\"a\": 1", 1, 8, "ends before the JSON is complete"),
            ("", 1, 1, "holds no JSON value"),
            ("{} {}", 1, 4, "unexpected text after the end"),
            ("{a: 1}", 1, 2, "expected a field name in double quotes"),
        ])
    func syntax(json: String, line: Int, column: Int, message: String) throws {
        let problem = try #require(JSONSyntax.problem(in: Array(json.utf8)))
        #expect(problem.line == line && problem.column == column, "\(problem)")
        #expect(problem.message.contains(message), "\(problem)")
    }

    @Test(
        "well-formed JSON passes the syntax check",
        arguments: [
            "{}", "[]", "\u{FEFF}{\"a\": [1, -2.5e+3, true, false, null, \"\\u00e4\\n\"]}", " \"ü\" ", "0",
            "{\"a\": {\"b\": [[], {}]}}",
        ])
    func wellFormed(json: String) {
        #expect(JSONSyntax.problem(in: Array(json.utf8)) == nil)
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)) != nil)
    }

    @Test("nesting deeper than the limit is a problem, not a crash")
    func deepNesting() throws {
        let json = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let problem = try #require(JSONSyntax.problem(in: Array(json.utf8)))
        #expect(problem.column == JSONSyntax.maximumDepth + 1)
        #expect(problem.message.contains("nested deeper"))
    }

    @Test("invalid UTF-8 inside text is a problem at its place")
    func invalidUTF8() throws {
        let problem = try #require(JSONSyntax.problem(in: Array("{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)))
        #expect(problem.column == 8 && problem.message.contains("UTF-8"), "\(problem)")
    }

    @Test("a gradebook with a syntax error names line and column")
    func gradebookSyntax() {
        #expect {
            try Gradebook.parse(Data("{\"course\": {}\n \"learners\": []}".utf8))
        } throws: { error in
            (error as? AssessmentError)?.reason
                == "gradebook is not valid JSON: line 2, column 2: expected ',' or '}' after the value"
        }
    }

    @Test("a member twice in one object is a problem at the second one, names compared decoded")
    func duplicateMember() throws {
        let json = "{\n  \"course\": {\"id\": \"c\"},\n  \"learners\": [{\"id\": \"a\",\n    \"\\u0069d\": \"b\"}]\n}"
        let problem = try #require(JSONSyntax.problem(in: Array(json.utf8)))
        #expect(problem.line == 4 && problem.column == 5, "\(problem)")
        #expect(problem.kind == .duplicateMember("id"))
        #expect(problem.message.hasPrefix("the member “id” appears twice"), "\(problem)")
        #expect(JSONSyntax.problem(in: Array(#"{"a": {"b": 1}, "b": {"a": 2}}"#.utf8)) == nil)
        #expect {
            try Gradebook.parse(Data(json.utf8))
        } throws: { error in
            (error as? AssessmentError)?.reason.hasPrefix(
                "gradebook has a member twice: line 4, column 5: the member “id” appears twice") == true
        }
    }

    @Test("every course-level problem is in the one error, one per line")
    func allCourseProblems() throws {
        let json = """
            {"course": {"id": "", "title": "T", "provider": "P", "start": "2026-12-01", "end": "2026-11-01",
              "thresholds": {"attendance": -1, "qualified": 101},
              "assessments": [{"id": "x", "kind": "exam", "maxPoints": 0}, {"id": "y", "kind": "exam", "maxPoints": 5},
                              {"id": "z", "kind": "exam", "maxPoints": 5}]},
             "learners": []}
            """
        var reason = ""
        do {
            _ = try Gradebook.parse(Data(json.utf8))
        } catch {
            reason = error.reason
        }
        #expect(
            reason.split(separator: "\n").map(String.init) == [
                "course.id is empty", "course.start 2026-12-01 is after course.end 2026-11-01",
                "course.thresholds.attendance must be a percentage from 0 to 100 (found -1)",
                "course.thresholds.qualified must be a percentage from 0 to 100 (found 101)",
                "course.assessments[0].maxPoints must be greater than 0",
                "course.assessments lists more than one final exam ('exam')",
            ], "\(reason)")
    }

    @Test("missing and mistyped fields of every assessment entry are all listed")
    func allAssessmentProblems() {
        let json = """
            {"course": {"id": "c", "title": "T", "provider": "P", "start": "2026-01-01", "end": "2026-02-01",
              "assessments": [{"id": "x", "maxPoints": "ten"}, {"kind": 5, "maxPoints": 5}, "exam",
                              {"id": "y", "kind": "quiz", "maxPoints": 0}, {"id": "z", "kind": "exam", "maxPoints": 5}]},
             "learners": []}
            """
        #expect {
            try Gradebook.parse(Data(json.utf8))
        } throws: { error in
            let lines = ((error as? AssessmentError)?.reason ?? "").split(separator: "\n")
            return lines == [
                "course.assessments[0].kind: missing", "course.assessments[0].maxPoints: expected a number",
                "course.assessments[1].id: missing", "course.assessments[1].kind: expected text",
                "course.assessments[2]: expected an object",
                "course.assessments[3].kind 'quiz' must be 'homework' or 'exam'",
                "course.assessments[3].maxPoints must be greater than 0",
            ]
        }
    }

    @Test("missing and mistyped course fields are all listed")
    func missingFields() {
        let json = #"{"course": {"id": "c", "title": 5, "start": "2026-01-01", "end": "2026-02-01"}, "learners": []}"#
        #expect {
            try Gradebook.parse(Data(json.utf8))
        } throws: { error in
            let lines = ((error as? AssessmentError)?.reason ?? "").split(separator: "\n")
            return lines == ["course.title: expected text", "course.provider: missing", "course.assessments: missing"]
        }
    }
}
