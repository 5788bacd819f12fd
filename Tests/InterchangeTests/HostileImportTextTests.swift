import Testing

@testable import Assessment
@testable import Interchange

@Suite("HTML reduction and ids under hostile input")
struct HostileImportTextTests {
    /// A quadratic implementation takes minutes here (and CI's time limit catches it); linear work is instant.
    @Test("many '<' without '>' and many equal names are handled")
    func linear() {
        let reduced = HTMLText.markdown(from: String(repeating: "a < b ", count: 40_000))
        #expect(reduced.markdown.hasPrefix("a < b"))
        var maker = IdentifierMaker()
        var last = ""
        for _ in 0..<20_000 { last = maker.make(from: "Frage", fallback: "q") }
        #expect(last == "Frage-20000")
    }
}
