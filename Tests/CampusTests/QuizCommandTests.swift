import Foundation
import Testing

@Suite("campus quiz in an 80-column terminal")
struct QuizCommandTests {
    static let germanBank = """
        id: quiz-de
        title: Datenschutz kompakt
        language: de
        provider: Test
        version: "1"
        items:
          - id: s1
            type: single-choice
            topic: t
            points: 1
            stem: Welche Stelle ist für die Meldung zuständig?
            options:
              - { id: a, text: Die Aufsichtsbehörde, feedback: Genau. }
              - { id: b, text: Das Bürgeramt, feedback: "Nein, das Bürgeramt nimmt keine Meldungen nach Art. 33 DSGVO entgegen; zuständig ist die Aufsichtsbehörde des Landes." }
              - { id: c, text: Der Landtag }
            answer: a
          - id: m1
            type: matching
            topic: t
            points: 2
            stem: Ordnen Sie die Artikel zu.
            premises: [{ id: p1, text: Art. 33 }, { id: p2, text: Art. 34 }]
            responses: [{ id: r1, text: Meldung an die Aufsichtsbehörde }, { id: r2, text: Benachrichtigung der Betroffenen }]
            answer: { p1: r1, p2: r2 }
          - id: o1
            type: ordering
            topic: t
            points: 1
            stem: Bringen Sie die Schritte in Reihenfolge.
            elements: [{ id: e1, text: Erfassen }, { id: e2, text: Prüfen }, { id: e3, text: Melden }]
            answer: [e1, e2, e3]
          - id: n1
            type: numeric
            topic: t
            points: 1
            stem: |
              Wie viele Stunden hat ein Verantwortlicher nach Art. 33 DSGVO Zeit, eine **Verletzung
              des Schutzes** personenbezogener Daten der Aufsichtsbehörde zu melden, nachdem sie ihm bekannt wurde?
            answer: 72
            unit: Stunden
          - id: e1
            type: essay
            topic: t
            points: 3
            stem: Begründen Sie die Meldepflicht.
        """

    /// The questions as shown, keyed by a word of their stem, from a run that skips every question.
    static func layout(_ bank: URL, count: Int) throws -> [(key: String, block: String)] {
        let run = try Campus.run(["quiz", bank.path, "--seed", "s"], input: String(repeating: "\n", count: count))
        return run.stdout.components(separatedBy: "\nFrage ").dropFirst().compactMap { block in
            Self.keys.first { block.contains($0) }.map { ($0, block) }
        }
    }

    /// A word of each question's stem.
    static let keys = ["Stelle", "Artikel", "Schritte", "Stunden", "Begründen"]

    /// The letter shown before `text` in `block` (`  B) text`).
    static func letter(of text: String, in block: String) throws -> String {
        let line = try #require(block.split(separator: "\n").first { $0.hasSuffix(") \(text)") })
        return String(try #require(line.trimmingCharacters(in: .whitespaces).first))
    }

    @Test("a German self-test reads well in 80 columns, shows input formats and scores without the essay")
    func german() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bank = folder.appendingPathComponent("quiz.yaml")
        try Self.germanBank.write(to: bank, atomically: true, encoding: .utf8)
        let shown = try Self.layout(bank, count: 5)
        #expect(shown.count == 5)
        let blocks = Dictionary(uniqueKeysWithValues: shown.map { ($0.key, $0.block) })
        let wrongOption = try Self.letter(of: "Das Bürgeramt", in: try #require(blocks["Stelle"]))
        let matching = try #require(blocks["Artikel"])
        let pairs =
            "1\(try Self.letter(of: "Meldung an die Aufsichtsbehörde", in: matching).lowercased()) "
            + "2\(try Self.letter(of: "Benachrichtigung der Betroffenen", in: matching).lowercased())"
        let ordering = try #require(blocks["Schritte"])
        let order = try ["Erfassen", "Prüfen", "Melden"].map { try Self.letter(of: $0, in: ordering) }
        var answers: [String: String] = [
            "Stelle": "E\n\(wrongOption)", "Artikel": "3A\n1D\n\(pairs)", "Schritte": order.joined(separator: " "),
            "Stunden": "72 Stunden", "Begründen": "Weil es das Gesetz verlangt.",
        ]
        // Answers in the order the questions come.
        let shownOrder = shown.map(\.key)
        let input = shownOrder.compactMap { answers.removeValue(forKey: $0) }.joined(separator: "\n") + "\n"
        let output = try Campus.run(["quiz", bank.path, "--seed", "s"], input: input, environment: ["COLUMNS": "80"])
        #expect(output.status == 0, "\(output.stderr)")
        let text = output.stdout

        // Every line fits 80 columns (an answer prompt shares its line with what follows, since input is not echoed).
        for line in text.split(separator: "\n") {
            let shown = line.replacing(/^(Antwort: )+/, with: "")
            #expect(shown.count <= 80, "\(line)")
        }
        #expect(!text.contains("**"))
        #expect(
            text.replacingOccurrences(of: "\n", with: " ").contains("eine Verletzung des Schutzes personenbezogener"))

        let sections = Dictionary(
            uniqueKeysWithValues: text.components(separatedBy: "\nFrage ").dropFirst().compactMap { block in
                Self.keys.first { block.contains($0) }.map { ($0, block) }
            })
        func before(_ format: String, in key: String) throws {
            let block = try #require(sections[key])
            let shown = try #require(block.range(of: format), "\(key): \(block)")
            let prompt = try #require(block.range(of: "\nAntwort: "))
            #expect(shown.lowerBound < prompt.lowerBound, "\(key): the format comes before the first answer")
        }
        try before("(Antwort als Paare, z. B. 1", in: "Artikel")
        try before("(Antwort: die Buchstaben in der richtigen Reihenfolge, z. B. ", in: "Schritte")
        try before("(Antwort als Zahl in Stunden, z. B. 4,5 oder 4,5 Stunden)", in: "Stunden")
        let pairsExample = try #require(sections["Artikel"]?.firstMatch(of: /z\. B\. (1[A-B] 2[A-B])\)/)?.1)
        #expect(pairsExample != pairs.uppercased(), "the example is never the solution")
        let orderExample = try #require(sections["Schritte"]?.firstMatch(of: /z\. B\. ([A-C] [A-C] [A-C])\)/)?.1)
        #expect(orderExample != order.joined(separator: " "), "the example is never the solution")

        let choice = try #require(sections["Stelle"])
        #expect(choice.contains("Den Buchstaben E gibt es hier nicht; erlaubt sind A bis C."))
        #expect(choice.contains("✗ Falsch (0/1)"))
        #expect(choice.contains("  \(wrongOption): Nein, das Bürgeramt nimmt keine Meldungen nach Art. 33 DSGVO"))
        let matchingRun = try #require(sections["Artikel"])
        #expect(matchingRun.contains("Die Nummer 3 gibt es hier nicht; erlaubt sind 1 bis 2."))
        #expect(matchingRun.contains("Den Buchstaben D gibt es hier nicht; erlaubt sind A bis B."))
        #expect(matchingRun.contains("✓ Richtig (2/2)"))
        #expect(try #require(sections["Schritte"]).contains("✓ Richtig (1/1)"))
        #expect(try #require(sections["Stunden"]).contains("✓ Richtig (1/1)"), "72 Stunden is read as 72")

        let essay = try #require(sections["Begründen"])
        #expect(
            essay.hasPrefix("\(shownOrder.firstIndex(of: "Begründen")! + 1)/5 · Freitext, im Selbsttest nicht bewertet")
        )
        #expect(essay.contains("… Nicht bewertet: Freitext zählt im Selbsttest nicht zur Summe."))
        #expect(output.lines.contains("Ergebnis: 4 von 5 Punkten (80 %)"), "the essay's 3 points are not in the total")
        #expect(output.lines.contains("Freitextfragen werden im Selbsttest nicht bewertet und zählen nicht zur Summe."))
    }

    @Test("an English bank gets English formats; a number may carry its unit and a decimal comma")
    func english() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bank = folder.appendingPathComponent("quiz-en.yaml")
        try """
        id: quiz-en
        title: Data protection
        language: en
        provider: Test
        version: "1"
        items:
          - { id: n1, type: numeric, topic: t, points: 2, stem: How many days?, answer: 2.5, unit: days }
        """.write(to: bank, atomically: true, encoding: .utf8)
        let output = try Campus.run(["quiz", bank.path, "--seed", "s"], input: "two days\n2,5 Days\n")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("  (answer as a number in days, e.g. 4.5 or 4.5 days)\nAnswer: "))
        #expect(output.stdout.contains("Please type a number. (answer as a number in days, e.g. 4.5 or 4.5 days)"))
        #expect(output.stdout.contains("✓ Correct (2/2)"))
        #expect(output.lines.contains("Result: 2 of 2 points (100 %)"))
    }

    @Test("a cloze choice gap names its allowed letters; long gap options get a line each")
    func clozeChoice() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bank = folder.appendingPathComponent("cloze.yaml")
        let long = "eine sehr lange Antwortmöglichkeit, die allein schon mehr als die halbe Zeile füllt"
        try """
        id: cloze-de
        title: Lücken
        language: de
        provider: Test
        version: "1"
        items:
          - id: c1
            type: cloze
            topic: t
            points: 1
            stem: "Die Akte ist {{art}}."
            gaps:
              - { id: art, type: choice, options: [{ id: a, text: \"\(long)\" }, { id: b, text: kurz }], answer: b }
        """.write(to: bank, atomically: true, encoding: .utf8)
        let output = try Campus.run(
            ["quiz", bank.path, "--seed", "s"], input: "C\nB\n", environment: ["COLUMNS": "80"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("[1] Den Buchstaben C gibt es hier nicht; erlaubt sind A bis B."))
        #expect(output.stdout.contains("  [1]\n      A) eine sehr lange"))
        #expect(output.stdout.contains("✓ Richtig (1/1)"))
        for line in output.stdout.split(separator: "\n") {
            #expect(line.replacing(/^(Antwort: )+/, with: "").count <= 80, "\(line)")
        }
    }
}
