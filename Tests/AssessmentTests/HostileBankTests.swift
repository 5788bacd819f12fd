import Foundation
import Testing

@testable import Assessment

@Suite("Bank validator under hostile input")
struct HostileBankTests {
    @Test("a 50 MB file is refused before parsing")
    func hugeFile() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000_000)
        let result = BankReader.read(bytes, file: "huge.yaml")
        #expect(result.problems.count == 1)
        #expect(result.problems[0].message.contains("at most 5000000 bytes"))
    }

    @Test("deeply nested flow collections are refused, not parsed")
    func deepFlowNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = readBank("id: x\nitems: " + deep)
        #expect(result.problems.map(\.message) == ["YAML is nested more than 64 levels deep; refusing to parse it"])
        #expect(result.problems[0].line == 2)
    }

    @Test("deeply nested block collections are refused, not parsed")
    func deepBlockNesting() {
        let dashes = String(repeating: "- ", count: 50_000) + "x"
        #expect(readBank(dashes).problems.first?.message.contains("nested too deeply") == true)
        var indented = ""
        for level in 0..<300 { indented += String(repeating: " ", count: level) + "k\(level):\n" }
        #expect(readBank(indented).problems.first?.message.contains("nested too deeply") == true)
    }

    @Test("invalid UTF-8 is reported with its position")
    func invalidUTF8() {
        let bytes = Array("id: x\ntitle: ab".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
        let result = BankReader.read(bytes, file: "latin1.yaml")
        #expect(
            result.problems.map(\.description) == [
                "latin1.yaml:2:10: error: file is not valid UTF-8 (bad byte at offset 15)"
            ])
    }

    @Test("random mutations of a real bank never crash and always end in a bank or problems")
    func mutationFuzz() throws {
        let original = try Array(Data(contentsOf: SampleBanks.url("datenschutz-dsgvo.yaml")))
        var generator = SeededGenerator(seed: "fuzz")
        let alphabet = Array("-:[]{}#&*!|>'\"%@`, \n\tä0aZ?".utf8)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + generator.uniform(below: 8)) {
                let position = generator.uniform(below: bytes.count)
                switch generator.uniform(below: 3) {
                case 0: bytes[position] = alphabet[generator.uniform(below: alphabet.count)]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[generator.uniform(below: alphabet.count)], at: position)
                }
            }
            let result = BankReader.read(bytes, file: "mutated.yaml")
            #expect((result.bank != nil) == result.problems.isEmpty)
            for problem in result.problems {
                #expect(problem.line >= 1 && problem.column >= 1)
            }
        }
    }
}
