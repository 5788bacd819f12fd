import Testing

@Suite("campus bench hostile")
struct BenchHostileTests {
    @Test("verifies every adversarial PDF, refuses each, and ends with the contract line")
    func hostile() throws {
        let output = try Campus.run(["bench", "hostile", "--size", "1"])
        #expect(output.status == 0, "\(output.stderr)")
        let inputs = output.lines.filter { $0.hasPrefix("  ") }
        #expect(inputs.count == 10, "\(output.stdout)")
        for line in inputs {
            #expect(line.contains(" ms, peak ") && line.contains("not a readable certificate PDF"), "\(line)")
        }
        let last = try #require(output.lines.last)
        #expect(last.wholeMatch(of: /hostile: worst [0-9]+\.[0-9] ms, peak [0-9]+ MB/) != nil, "\(last)")
        #expect(try Campus.run(["bench", "hostile", "--size", "11"]).status != 0)
    }

    @Test("on adversarial PDFs of the full 10 MB the whole process stays under 100 MB of memory")
    func memoryBound() throws {
        let output = try Campus.run(["bench", "hostile", "--size", "10"])
        #expect(output.status == 0, "\(output.stderr)")
        let last = try #require(output.lines.last)
        let match = try #require(last.wholeMatch(of: /hostile: worst [0-9]+\.[0-9] ms, peak ([0-9]+) MB/), "\(last)")
        let peak = try #require(Int(match.1))
        // Peak resident memory of the whole process (getrusage), baseline included; no timing is asserted.
        #expect(peak < 100, "\(output.stdout)")
    }
}
