import Testing

@testable import campus

@Suite("Terminal reflow of Markdown text")
struct TerminalReflowTests {
    static let source = """
        Wie viele Stunden hat ein Verantwortlicher nach Art. 33 DSGVO Zeit, eine **Verletzung
        des Schutzes** personenbezogener Daten der Aufsichtsbehörde zu melden, nachdem sie ihm bekannt wurde?
        """

    @Test("soft line breaks are joined and the text is wrapped to the width, words in order")
    func reflow() {
        for width in [20, 40, 60, 80, 120] {
            let lines = Terminal.format(Self.source, width: width, styled: false).split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= width }, "\(width): \(lines)")
            let words = Self.source.replacingOccurrences(of: "**", with: "").split(whereSeparator: \.isWhitespace)
            #expect(lines.flatMap { $0.split(separator: " ") } == words)
            if width >= 80 { #expect(lines.count <= 3, "lines are filled, not broken where the source broke") }
        }
    }

    @Test("bold spanning a line break is bold on a terminal and plain text otherwise, never raw asterisks")
    func boldAcrossBreak() {
        let plain = Terminal.format(Self.source, width: 200, styled: false)
        #expect(!plain.contains("*"))
        #expect(plain.contains("eine Verletzung des Schutzes personenbezogener"))
        let styled = Terminal.format(Self.source, width: 200, styled: true)
        #expect(styled.contains("\u{1B}[1mVerletzung des Schutzes\u{1B}[0m"))
        #expect(!styled.contains("*"))
        let narrow = Terminal.format(Self.source, width: 30, styled: true).split(separator: "\n")
        #expect(narrow.allSatisfy { Terminal.visibleWidth($0) <= 30 }, "escape sequences take no columns")
        #expect(Terminal.format("*kursiv* und __fett__", width: 80, styled: false) == "kursiv und fett")
    }

    @Test("paragraphs stay apart, list items and hard breaks start new lines, indents hang")
    func blocks() {
        let text =
            "Erster Absatz\nweiter.\n\n- Punkt eins\n  geht weiter\n- Punkt zwei\n1. Zahl  \nNeue Zeile\\\nLetzte"
        #expect(
            Terminal.format(text, width: 80, styled: false).split(separator: "\n", omittingEmptySubsequences: false)
                == [
                    "Erster Absatz weiter.", "", "- Punkt eins geht weiter", "- Punkt zwei", "1. Zahl", "Neue Zeile",
                    "Letzte",
                ])
        #expect(
            Terminal.format("eins zwei drei vier", width: 12, indent: "  A) ", styled: false)
                == "  A) eins\n     zwei\n     drei\n     vier")
        #expect(
            Terminal.format("- eins zwei drei", width: 10, indent: "  ", styled: false)
                == "  - eins\n    zwei\n    drei")
        #expect(
            Terminal.format("Text", width: 80, indent: "  Lösung: ", hanging: "  ", styled: false) == "  Lösung: Text")
    }

    @Test("a word longer than the width gets a line of its own; z. B. is never split")
    func longWords() {
        let url = "https://example.org/" + String(repeating: "x", count: 100)
        #expect(
            Terminal.format("Siehe \(url) dort", width: 40, styled: false).split(separator: "\n")
                == ["Siehe", "\(url)", "dort"])
        let hint = Terminal.format("(Antwort als Zahl in Stunden, z. B. 4,5)", width: 34, styled: false)
        #expect(hint.contains("z. B."), "\(hint)")
        #expect(Terminal.format("", width: 80, styled: false) == "")
        #expect(Terminal.format("a b", width: 1, styled: false) == "a\nb")
    }

    @Test("the width comes from COLUMNS, else the terminal, else 80")
    func width() {
        #expect(Terminal.width(environment: ["COLUMNS": "60"], isTerminal: false) == 60)
        #expect(Terminal.width(environment: ["COLUMNS": " 132 "], isTerminal: false) == 132)
        for bad in ["", "abc", "5", "-80", "99999999999999999999999", "1e3"] {
            #expect(Terminal.width(environment: ["COLUMNS": bad], isTerminal: false) == 80, "\(bad)")
        }
        #expect(Terminal.width(environment: [:], isTerminal: false) == 80)
    }
}
