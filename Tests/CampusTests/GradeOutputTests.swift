import Foundation
import Testing

@Suite("campus grade shows gradebook text safely")
struct GradeOutputTests {
    @Test("a learner name with an escape sequence is shown escaped, never raw")
    func escapedName() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let gradebook = folder.appendingPathComponent("gradebook.json")
        let json = #"""
            {"course":{"id":"c","title":"Kurs","provider":"Anbieter","start":"2026-01-01","end":"2026-02-01",
             "assessments":[{"id":"e","kind":"exam","maxPoints":10}]},
             "learners":[{"id":"l1","name":"A\u001b[2J\u202Everdict: valid","contentViewed":90,"attempts":[]}]}
            """#
        try Data(json.utf8).write(to: gradebook)
        let output = try Campus.run(["grade", gradebook.path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(!output.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(output.lines.contains { $0.hasPrefix(#"l1  A\u{1B}[2J\u{202E}verdict: valid: "#) }, "\(output.stdout)")
    }
}
