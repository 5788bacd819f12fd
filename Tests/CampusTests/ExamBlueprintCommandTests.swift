import Foundation
import Testing

@Suite("campus exam draw with a hostile blueprint")
struct ExamBlueprintCommandTests {
    @Test("an out-of-range count in a blueprint is a file:line:column error, not a trap")
    func hugeCount() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blueprint = folder.appendingPathComponent("exam.blueprint.yaml")
        try "pools:\n  - { topic: efa, count: 99999999999999999999 }\n".write(
            to: blueprint, atomically: true, encoding: .utf8)
        let output = try Campus.run([
            "exam", "draw", "question-banks/ozg-onlinedienste.yaml", "--blueprint", blueprint.path, "--seed", "s",
        ])
        #expect(output.status != 0)
        #expect(
            output.stderr.contains(
                "\(blueprint.path):2:26: error: pool 1 must draw a whole number from 1 to 5000 items "
                    + "(found 99999999999999999999)"), "\(output.stderr)")
    }
}
