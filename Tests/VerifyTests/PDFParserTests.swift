import Testing

@testable import Verify

@Suite("Hostile-input PDF parser")
struct PDFParserTests {
    private func string(_ text: String) throws -> [UInt8] {
        var parser = PDFParser(bytes: Array(text.utf8), position: 0)
        guard case .string(let bytes, let source) = try parser.parseValue() else {
            Issue.record("not a string")
            return []
        }
        #expect(source == 0..<text.utf8.count)
        return bytes
    }

    @Test("hex strings decode with odd digits, white space and zero padding")
    func hexStrings() throws {
        #expect(try string("<ABC00>") == [0xAB, 0xC0, 0x00])
        #expect(try string("<A>") == [0xA0])
        #expect(try string("<0>") == [0x00])
        #expect(try string("<00>") == [0x00])
        #expect(try string("<>") == [])
        #expect(try string("< 1 2 0 0 >") == [0x12, 0x00])
        #expect(try string("<3082000000>") == [0x30, 0x82, 0x00, 0x00, 0x00])
        #expect(try string("<ab0>") == [0xAB, 0x00])
        #expect(throws: PDFReadError.self) { try string("<AG>") }
        #expect(throws: PDFReadError.self) { try string("<AB") }
    }

    @Test("literal strings, names, numbers, references and nesting limits")
    func values() throws {
        #expect(try string("(a\\(b\\)c\\n\\101)") == Array("a(b)c\nA".utf8))
        var parser = PDFParser(bytes: Array("<< /A [1 0 R 2 (x)] /B 3 0 R /C -1.5 /D true >>".utf8), position: 0)
        guard case .dictionary(let dictionary) = try parser.parseValue() else {
            Issue.record("not a dictionary")
            return
        }
        #expect(dictionary["B"] == .reference(3, 0))
        #expect(dictionary["A"]?.array?.first == .reference(1, 0))
        #expect(dictionary["C"] == .real(-1.5))
        #expect(dictionary["D"] == .bool(true))
        var deep = PDFParser(
            bytes: Array((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8), position: 0)
        #expect(throws: PDFReadError.self) { try deep.parseValue() }
    }
}
