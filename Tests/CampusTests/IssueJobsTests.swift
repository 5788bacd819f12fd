import Foundation
import Testing

/// `campus issue --gradebook … --jobs N`: the same certificates, reports and registry whatever N.
@Suite("Issuing a gradebook on several cores")
struct IssueJobsTests {
    @Test("--jobs 1 and --jobs 3 print the same lines in gradebook order, and every PDF verifies")
    func sameOutcome() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        var transcripts: [String] = []
        for jobs in ["1", "3"] {
            let out = folder.appendingPathComponent("out-\(jobs)").path
            let run = try Campus.run([
                "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir", out,
                "--issued", "2026-12-01", "--jobs", jobs,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let normalised = (run.stderr + run.stdout).replacing(/KC-[0-9A-Z]{12}/) { _ in "KC-<ID>" }
                .replacingOccurrences(of: out, with: "OUT")
            transcripts.append(normalised)
            let pdfs = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".pdf") }
            #expect(pdfs.count >= 3, "\(pdfs)")
            for pdf in pdfs {
                let verdict = try Campus.run(["verify", out + "/" + pdf, "--trust", keys + "/root.pem"])
                #expect(verdict.status == 0, "\(pdf): \(verdict.stdout)")
            }
        }
        #expect(transcripts[0] == transcripts[1])
        #expect(transcripts[0].contains("issued "), "\(transcripts[0])")

        let refused = try Campus.run([
            "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir",
            folder.appendingPathComponent("x").path, "--jobs", "0",
        ])
        #expect(refused.status != 0 && refused.stderr.contains("--jobs must be 1 to 256"), "\(refused.stderr)")
    }
}
