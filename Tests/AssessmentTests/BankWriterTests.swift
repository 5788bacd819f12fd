import Foundation
import Testing

@testable import Assessment

@Suite("Bank writer")
struct BankWriterTests {
    @Test("every sample bank written as YAML reads back to the same bank")
    func sampleBanksRoundTrip() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../question-banks")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 4)
        for file in files {
            let original = try #require(
                BankReader.read(Array(try Data(contentsOf: folder.appendingPathComponent(file))), file: file).bank)
            let written = try BankWriter.yaml(original)
            let reread = BankReader.read(Array(written.utf8), file: "written.yaml")
            #expect(reread.problems == [], "\(file)")
            #expect(reread.bank == original, "\(file)")
        }
    }

    @Test("tricky texts, credits, cloze and essay survive a write and read")
    func trickyTexts() throws {
        let texts = [
            "true", "null", "~", "1.5", "- Liste", "a: b", "# kein Kommentar", "  führende Leerzeichen",
            "Zeile 1\nZeile 2\n", "Tab\tim Text", "'einfach' \"doppelt\"", "{{nicht}} [eckig] {geschweift}",
            "Umlaute äöüß € „Zitat“", "Ende mit Leerzeichen ", "*kursiv* **fett** `code` <b>html</b> &amp;",
        ]
        var items: [Item] = []
        for (index, text) in texts.enumerated() {
            items.append(
                Item(
                    id: "t\(index)", topic: "tricky", difficulty: index % 2 == 0 ? .hard : nil,
                    points: Rational(12345, 10000), stem: "Frage " + text, feedback: text,
                    kind: .singleChoice(
                        options: [
                            Choice(id: "a", text: text, feedback: text, credit: Rational(1, 3)),
                            Choice(id: "b", text: "Andere", credit: Rational(-7, 4)), Choice(id: "c", text: "x"),
                        ], correct: "a")))
        }
        items.append(
            Item(
                id: "cloze", topic: "t", points: Rational(3), stem: "A {{g1}} B {{g2}} C {{g3}}",
                kind: .cloze(gaps: [
                    Gap(
                        id: "g1", weight: Rational(5, 2),
                        kind: .choice(
                            options: [
                                Choice(id: "x", text: "true"), Choice(id: "y", text: "1", credit: Rational(1, 2)),
                            ],
                            correct: "x")),
                    Gap(
                        id: "g2",
                        kind: .text(
                            answers: [TextAnswer("no"), TextAnswer("ja*", credit: Rational(1, 7), wildcard: true)],
                            caseSensitive: true)),
                    Gap(
                        id: "g3",
                        kind: .numeric(answers: [
                            NumericAnswer(Rational(-5, 2), tolerance: .relative(Rational(1, 100)), feedback: "gut")
                        ])),
                ])))
        items.append(
            Item(
                id: "essay", topic: "t", points: Rational(10), stem: "Schreiben Sie.",
                kind: .essay(responseTemplate: "- Punkt 1\n- Punkt 2", graderInfo: nil)))
        items.append(
            Item(
                id: "numbers", topic: "t", points: Rational(1), stem: "Zahl?",
                kind: .numeric(
                    answers: [
                        NumericAnswer(Rational(3)),
                        NumericAnswer(Rational(3), tolerance: .absolute(.one), credit: Rational(1, 2)),
                    ],
                    unit: "km")))
        items.append(
            Item(
                id: "multi", topic: "t", points: Rational(2), stem: "Welche?",
                kind: .multipleResponse(
                    options: [
                        Choice(id: "a", text: "A", credit: Rational(1, 2), uncheckedCredit: .zero),
                        Choice(id: "b", text: "B", credit: Rational(1, 2), uncheckedCredit: Rational(-1, 4)),
                        Choice(id: "c", text: "C", credit: Rational(-1), uncheckedCredit: Rational(1, 4)),
                    ], correct: ["b", "a"])))
        let bank = Bank(
            id: "tricky", title: "Titel: mit Doppelpunkt", language: "de", provider: "yes", version: "1.0", items: items
        )
        let written = try BankWriter.yaml(bank)
        let reread = BankReader.read(Array(written.utf8), file: "written.yaml")
        #expect(reread.problems == [])
        #expect(reread.bank == bank)
    }
}
