import Testing

@testable import Assessment
@testable import Interchange

@Suite("HTML to Markdown")
struct HTMLTextTests {
    private func reduce(_ html: String) -> (String, [String]) {
        let result = HTMLText.markdown(from: html)
        return (result.markdown, result.warnings)
    }

    @Test func paragraphsBreaksAndEmphasis() {
        let (markdown, warnings) = reduce(
            "<p>Die <strong>Gemeindeordnung</strong> regelt die <em>Selbstverwaltung</em>.</p>"
                + "<p>Zweiter&nbsp;Absatz<br>neue Zeile</p>")
        #expect(markdown == "Die **Gemeindeordnung** regelt die *Selbstverwaltung*.\n\nZweiter Absatz\nneue Zeile")
        #expect(warnings.isEmpty)
    }

    @Test func whiteSpaceAtTheEdgesOfEmphasisMovesOutside() {
        #expect(reduce("<strong>Achtung: </strong>Frist beachten").0 == "**Achtung:** Frist beachten")
        #expect(reduce("Das ist<em> wichtig</em>!").0 == "Das ist *wichtig*!")
        #expect(reduce("<b></b>leer").0 == "leer")
        #expect(reduce("<code>x = 1</code>").0 == "`x = 1`")
    }

    @Test func nestedLists() {
        let html = """
            <ul><li>Gemeinderat<ul><li>Ausschüsse</li><li>Fraktionen</li></ul></li><li>Bürgermeister</li></ul>
            <p>Danach</p>
            """
        #expect(reduce(html).0 == "- Gemeinderat\n  - Ausschüsse\n  - Fraktionen\n- Bürgermeister\n\nDanach")
        let ordered = "<ol><li>Antrag<ol><li>Form</li><li>Frist</li></ol></li><li>Bescheid</li></ol>"
        #expect(reduce(ordered).0 == "1. Antrag\n   1. Form\n   2. Frist\n2. Bescheid")
        #expect(reduce("<ol start=\"3\"><li>drei</li><li>vier</li></ol>").0 == "3. drei\n4. vier")
    }

    @Test func paragraphsInsideListItemsStayInTheItem() {
        #expect(
            reduce("<ul><li><p>Erster Satz</p><p>zweiter Satz</p></li><li>Nächster</li></ul>").0
                == "- Erster Satz\n  zweiter Satz\n- Nächster")
        #expect(reduce("<li>ohne Liste</li>").0 == "- ohne Liste")
    }

    @Test func links() {
        let (markdown, warnings) = reduce(
            "Siehe <a href=\"https://www.gesetze-im-internet.de/gg/art_28.html\">Art. 28 GG</a>.")
        #expect(markdown == "Siehe [Art. 28 GG](https://www.gesetze-im-internet.de/gg/art_28.html).")
        #expect(warnings.isEmpty)
        #expect(
            reduce("<a href=\"https://example.org/a b(c)\">https://example.org/a b(c)</a>").0
                == "<https://example.org/a%20b%28c%29>")
        #expect(
            reduce("<a href=\"https://example.org/?a=1&amp;b=2\">Formular</a>").0
                == "[Formular](https://example.org/?a=1&b=2)")
        #expect(reduce("<a name=\"anker\">Text</a> und <a href=\"#oben\">nach oben</a>").0 == "Text und nach oben")
        #expect(
            reduce("vor<a href=\"https://example.org\"> Link </a>nach").0
                == "vor [Link](https://example.org) nach")
    }

    @Test func linksToEmbeddedFilesAreReported() {
        let (markdown, warnings) = reduce("<a href=\"@@PLUGINFILE@@/Satzung.pdf\">Satzung</a>")
        #expect(markdown == "Satzung")
        #expect(warnings == ["file @@PLUGINFILE@@/Satzung.pdf not embedded"])
    }

    @Test func subAndSuperscripts() {
        let (markdown, warnings) = reduce("100 m<sup>2</sup>, CO<sub>2</sub>, 10<sup>-3</sup>, x<sub>n</sub>")
        #expect(markdown == "100 m², CO₂, 10⁻³, xₙ")
        #expect(warnings.isEmpty)
        let (kept, lost) = reduce("1<sup>st</sup>")
        #expect(kept == "1st")
        #expect(lost == ["HTML formatting reduced to Markdown (<sup> dropped)"])
    }

    @Test func entitiesAreDecodedOnce() {
        #expect(HTMLText.decodeEntities("&amp;lt;b&amp;gt;") == "&lt;b&gt;")
        #expect(reduce("&amp;lt;b&amp;gt;").0 == "&lt;b&gt;")
        #expect(HTMLText.decodeEntities("&auml;&#228;&#xE4;&#XE4; &Omega;&le;&euro;") == "ääää Ω≤€")
        #expect(HTMLText.decodeEntities("&#150; &#128;") == "– €")
        #expect(HTMLText.decodeEntities("&#0; &#xD800; &#x110000;") == "\u{FFFD} \u{FFFD} \u{FFFD}")
        #expect(HTMLText.decodeEntities("&unbekannt; & &amp &#99999999999;") == "&unbekannt; & &amp &#99999999999;")
        #expect(HTMLText.decodeEntities("Preis: 5&nbsp;&euro;") == "Preis: 5\u{00A0}€")
    }

    @Test func imagesKeepTheirAltTextInsideTheReference() {
        let (markdown, warnings) = reduce("<p>Karte: <img src=\"@@PLUGINFILE@@/karte.png\" alt=\"Landkreis\"></p>")
        #expect(markdown == "Karte: ![Landkreis](media/karte.png)")
        #expect(
            warnings == [
                "image @@PLUGINFILE@@/karte.png not embedded (the source does not contain it); save it as "
                    + "media/karte.png next to the bank"
            ])
    }

    @Test func droppedFormattingIsNamedOnce() {
        let (markdown, warnings) = reduce("<u>unterstrichen</u> <font color=\"red\">rot</font> <u>noch mal</u>")
        #expect(markdown == "unterstrichen rot noch mal")
        #expect(warnings == ["HTML formatting reduced to Markdown (<font>, <u> dropped)"])
        let (table, tableWarnings) = reduce("<table><tr><td>a</td><td>b</td></tr></table>")
        #expect(table == "| a | b")
        #expect(tableWarnings == ["HTML formatting reduced to Markdown (<table> dropped)"])
    }

    @Test func commentsScriptsAndStylesLeaveNoText() {
        let (markdown, warnings) = reduce(
            "<!-- <p>alt</p> --><p>Text</p><script>if (a > b) { alert('x') }</script><STYLE>p { }</STYLE>")
        #expect(markdown == "Text")
        #expect(warnings == ["HTML formatting reduced to Markdown (<script>, <style> dropped)"])
    }

    @Test func looseAngleBracketsAndQuotedGreaterThanStayText() {
        #expect(reduce("a < b und c > d").0 == "a < b und c > d")
        #expect(reduce("<p title=\"a > b\">x</p>").0 == "x")
        #expect(reduce("<![CDATA[<kein Tag>]]>").0 == "<kein Tag>")
    }

    @Test func preformattedTextKeepsItsLines() {
        let (markdown, warnings) = reduce("<pre>\nSumme = 0\n  für i in 1..3</pre><p>nach</p>")
        #expect(markdown == "```\nSumme = 0\n  für i in 1..3\n```\n\nnach")
        #expect(warnings.isEmpty)
    }

    @Test func headings() {
        #expect(reduce("<h2>Haushalt</h2><p>Text</p>").0 == "### Haushalt\n\nText")
    }

    @Test func unclosedAndStrayTagsDoNotLoseText() {
        #expect(reduce("<b>fett <i>kursiv").0 == "**fett *kursiv***")
        #expect(reduce("Text</b></a></ul> weiter").0 == "Text weiter")
        #expect(reduce("<a href=\"https://example.org\">offen").0 == "[offen](https://example.org)")
        #expect(reduce("<").0 == "<")
        #expect(reduce("<p").0 == "")
    }
}

extension HTMLTextTests {
    @Test func longTextsAreReducedInLinearTime() {
        let html = String(repeating: "<p>Absatz mit <b>fett</b> und <br>Umbruch &amp; mehr</p>\n", count: 20_000)
        var markdown = ""
        markdown = HTMLText.markdown(from: html).markdown
        #expect(markdown.hasPrefix("Absatz mit **fett** und\nUmbruch & mehr\n\nAbsatz"))
    }
}
