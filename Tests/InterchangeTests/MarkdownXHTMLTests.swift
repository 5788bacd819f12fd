import Foundation
import Testing

@testable import Assessment
@testable import Interchange

private func render(_ markdown: String) -> String {
    MarkdownXHTML.render(markdown, imagePrefix: "../")
}

@Suite("Markdown rendered as XHTML for QTI")
struct MarkdownXHTMLTests {
    @Test("paragraphs, emphasis, strong, code and lists become XHTML")
    func blocks() {
        #expect(render("Was ist **OZG**?") == "<p>Was ist <strong>OZG</strong>?</p>")
        #expect(
            render("*kursiv* und _auch_ und __fett__")
                == "<p><em>kursiv</em> und <em>auch</em> und <strong>fett</strong></p>")
        #expect(render("Eins\n\nZwei\nDrei") == "<p>Eins</p><p>Zwei\nDrei</p>")
        #expect(
            render("Liste:\n\n- a\n- **b**\n\n1. x\n2. y")
                == "<p>Liste:</p><ul><li>a</li><li><strong>b</strong></li></ul><ol><li>x</li><li>y</li></ol>")
        #expect(render("Code `a < b` hier") == "<p>Code <code>a &lt; b</code> hier</p>")
        #expect(render("```\nif a < b {\n**x**\n```") == "<pre>if a &lt; b {\n**x**</pre>")
    }

    @Test("links and images: safe targets only, images relative to the item file")
    func linksAndImages() {
        #expect(
            render("[Portal](https://example.org/?a=1&b=2)")
                == "<p><a href=\"https://example.org/?a=1&amp;b=2\">Portal</a></p>")
        #expect(render("<https://example.org>") == "<p><a href=\"https://example.org\">https://example.org</a></p>")
        #expect(render("[böse](javascript:alert(1))") == "<p>[böse](javascript:alert(1))</p>")
        #expect(
            render("![Karte \"Nord\"](media/karte.png)")
                == "<p><img src=\"../media/karte.png\" alt=\"Karte &quot;Nord&quot;\"/></p>")
        #expect(
            render("![x](https://example.org/x.png)") == "<p><img src=\"https://example.org/x.png\" alt=\"x\"/></p>")
    }

    @Test("everything else is escaped text; underscores inside words and lone stars stay text")
    func escaping() {
        #expect(render("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        #expect(render("a & b > c") == "<p>a &amp; b &gt; c</p>")
        #expect(render("snake_case_name") == "<p>snake_case_name</p>")
        #expect(render("3 * 4 = 12") == "<p>3 * 4 = 12</p>")
        #expect(render("\\*kein\\* Stern") == "<p>*kein* Stern</p>")
        #expect(render("**offen") == "<p>**offen</p>")
        #expect(render("") == "")
    }

    @Test("a cloze stem is rendered with its interactions in place and reads back unchanged")
    func clozeStem() throws {
        let gaps = [
            Gap(id: "frist", kind: .text(answers: [TextAnswer("Aufbewahrungsfrist")], caseSensitive: false)),
            Gap(id: "n", kind: .numeric(answers: [NumericAnswer(Rational(10))])),
        ]
        for stem in ["Nach **Ablauf** der {{frist}} und *{{n}}* Jahren.", "Bild ![{{frist}}](media/x.png) und {{n}}"] {
            let item = Item(id: "c", topic: "imported", points: Rational(2), stem: stem, kind: .cloze(gaps: gaps))
            for version in [QTIVersion.qti30, .qti21] {
                let xml = try QTIExporter.itemXML(item, version: version, language: "de")
                let source = ImportSource(name: "c.xml", data: Data(xml.utf8))
                let back =
                    version == .qti30
                    ? try QTI30Importer.questions(in: source) : try QTI21Importer.questions(in: source)
                #expect(back.first?.item == item, "\(stem) \(version)")
                if stem.hasPrefix("Nach") {
                    #expect(xml.contains("<p>Nach <strong>Ablauf</strong> der <"))
                    #expect(!xml.contains(">Nach **Ablauf**"))
                } else {
                    // A gap inside an image's text cannot be an interaction there: the stem stays Markdown text.
                    #expect(xml.contains(">Bild !["))
                }
            }
        }
    }

    @Test("an item's title is the first line of its stem as plain text")
    func title() throws {
        #expect(MarkdownXHTML.plainText("Was ist **OZG** & `<b>`? ![Karte](media/k.png)") == "Was ist OZG & <b>? ")
        let item = Item(
            id: "t", topic: "imported", points: .one, stem: "Welcher **Kreis** ist *markiert*?\n\nMehr",
            kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
        let xml = try QTIExporter.itemXML(item, version: .qti30, language: "de")
        #expect(xml.contains("title=\"Welcher Kreis ist markiert?\""))
    }

    @Test("any input renders to well-formed XML")
    func wellFormed() throws {
        let pieces = [
            "*", "**", "_", "`", "[", "]", "(", ")", "!", "<", ">", "&", "\"", "\n", "\n\n", "- ", "1. ", "a", " ",
        ]
        // A fixed linear congruential sequence: the same 300 texts on every run.
        var state: UInt64 = 20_261_202
        for _ in 0..<300 {
            let text = (0..<20).map { _ -> String in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return pieces[Int((state >> 33) % UInt64(pieces.count))]
            }.joined()
            let xml = "<div>" + render(text) + "</div>"
            #expect(throws: Never.self) {
                _ = try XMLTree.parse(ImportSource(name: "x.xml", data: Data(xml.utf8)))
            }
        }
    }
}
