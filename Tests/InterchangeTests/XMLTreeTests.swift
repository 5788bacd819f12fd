import Foundation
import Testing

@testable import Assessment
@testable import Interchange

@Suite("Safe XML parsing for imports")
struct XMLTreeTests {
    private func parse(_ text: String) throws(ImportFailure) -> MarkupElement {
        try XMLTree.parse(ImportSource(name: "f.xml", data: Data(text.utf8)))
    }

    private func failure(_ text: String) -> ImportFailure? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("elements, attributes, text, CDATA and entities are read with their lines")
    func tree() throws {
        let root = try parse(
            """
            <?xml version="1.0"?>
            <quiz a="1 &amp; 2">
              <q><text><![CDATA[<p>&amp;lt;</p>]]></text></q>
              <q>x &lt; y</q>
            </quiz>
            """)
        #expect(root.name == "quiz")
        #expect(root.attributes["a"] == "1 & 2")
        #expect(root.elements("q").count == 2)
        #expect(root.elements("q")[0].childText("text") == "<p>&amp;lt;</p>")
        #expect(root.elements("q")[1].text == "x < y")
        #expect(root.elements("q")[1].line == 4)
    }

    @Test("unclosed elements, a second root, no root and bad UTF-8 are refused, never crash")
    func brokenDocuments() {
        #expect(failure("<a><b>")?.message.hasPrefix("not well-formed XML") == true)
        #expect(failure("<a><b></a>")?.message.hasPrefix("not well-formed XML") == true)
        #expect(
            failure("<a><x/></a>\n<b/>")?.description
                == "f.xml:2:1: error: not well-formed XML: the document does not end with the root element's end tag </a>"
        )
        #expect(failure("<a><x/></a>\n<!-- Ende -->\n") == nil)
        #expect(failure("")?.message.hasPrefix("not well-formed XML") == true)
        var bytes = Data("<a>\n<b".utf8)
        bytes.append(0xED)
        bytes.append(contentsOf: Data("x/></a>".utf8))
        let notUTF8 = try? XMLTree.parse(ImportSource(name: "f.xml", data: bytes))
        #expect(notUTF8 == nil)
        do {
            _ = try XMLTree.parse(ImportSource(name: "f.xml", data: bytes))
        } catch {
            #expect(
                error.description == "f.xml:2:1: error: the file is not UTF-8 text; save it as UTF-8 and import again")
        }
    }

    @Test("entity declarations (billion laughs, external entities) are refused with their line")
    func entities() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
            <!ENTITY lol "lol">
            <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            ]>
            <lolz>&lol2;</lolz>
            """
        #expect(
            failure(laughs)?.description
                == "f.xml:3:1: error: the document declares XML entities, which are not accepted")
        let external = """
            <?xml version="1.0"?>
            <!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <quiz>&xxe;</quiz>
            """
        #expect(failure(external)?.location.line == 2)
    }

    @Test("nesting deeper than the limit is refused")
    func depth() {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(failure(deep)?.message == "elements are nested more than \(XMLTree.maximumDepth) deep")
    }
}
