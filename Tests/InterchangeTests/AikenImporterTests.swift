import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Imports `text` as the Aiken file `fragen.txt`.
private func aiken(_ text: String) throws(ImportFailure) -> [ImportedQuestion] {
    try AikenImporter.questions(in: ImportSource(name: "fragen.txt", data: Data(text.utf8)))
}

/// The skip reason of each outcome, or `imported`.
private func reasons(_ questions: [ImportedQuestion]) -> [String] {
    questions.map { question in
        if case .skipped(let reason) = question.status { return reason }
        return question.warnings.isEmpty ? "imported" : "imported with warnings"
    }
}

@Suite("Aiken import")
struct AikenImporterTests {
    static let valid = """
        Wofür steht die Abkürzung OZG?
        A) Onlinezugangsgesetz
        B) Organisationszuständigkeitsgesetz
        C) Ordnungszuweisungsgesetz
        ANSWER: A

        Which regulation protects personal data in the EU?
        A. GDPR
        B. PSD2
        ANSWER: b
        Welche Behörde vergibt Funkfrequenzen?
        A) Bundesnetzagentur
        B) Bundesamt für Sicherheit in der Informationstechnik
        ANSWER: A

            Mehrzeilige Frage:
            Welche Aussage über *Markdown* stimmt?

            A) Die Erde ist flach.

            B) Die Erde ist rund.
            ANSWER: B)
        """

    @Test("questions become single-choice items with letter ids, 1 point and the topic 'imported'")
    func validQuestions() throws {
        let questions = try aiken(Self.valid)
        #expect(reasons(questions) == ["imported", "imported", "imported", "imported"])
        #expect(
            questions.map(\.location) == [
                SourceLocation(file: "fragen.txt", line: 1, column: 1),
                SourceLocation(file: "fragen.txt", line: 7, column: 1),
                SourceLocation(file: "fragen.txt", line: 11, column: 1),
                SourceLocation(file: "fragen.txt", line: 16, column: 5),
            ])
        #expect(
            questions.map(\.label) == [
                "Wofür steht die Abkürzung OZG?", "Which regulation protects personal data",
                "Welche Behörde vergibt Funkfrequenzen?", "Mehrzeilige Frage: Welche Aussage über *",
            ])
        #expect(
            questions[0].status
                == .imported(
                    Item(
                        id: "Wofuer-steht-die-Abkuerzung-OZG", topic: "imported", points: Rational(1),
                        stem: "Wofür steht die Abkürzung OZG?",
                        kind: .singleChoice(
                            options: [
                                Choice(id: "a", text: "Onlinezugangsgesetz"),
                                Choice(id: "b", text: "Organisationszuständigkeitsgesetz"),
                                Choice(id: "c", text: "Ordnungszuweisungsgesetz"),
                            ], correct: "a"))))
        #expect(
            questions[1].item?.kind
                == .singleChoice(options: [Choice(id: "a", text: "GDPR"), Choice(id: "b", text: "PSD2")], correct: "b"))
        #expect(questions[2].item?.kind.shuffleableChoices.count == 2)
        #expect(questions[3].item?.stem == "Mehrzeilige Frage:\nWelche Aussage über *Markdown* stimmt?")
        #expect(
            questions[3].item?.kind
                == .singleChoice(
                    options: [
                        Choice(id: "a", text: "Die Erde ist flach."), Choice(id: "b", text: "Die Erde ist rund."),
                    ],
                    correct: "b"))
    }

    @Test("CRLF, CR, tabs and a byte-order mark read the same")
    func lineEndings() throws {
        let expected = try aiken(Self.valid)
        for variant in [
            Self.valid.replacingOccurrences(of: "\n", with: "\r\n"),
            Self.valid.replacingOccurrences(of: "\n", with: "\r"),
        ] {
            #expect(try aiken(variant) == expected)
        }
        let withMark = try AikenImporter.questions(
            in: ImportSource(name: "fragen.txt", data: Data([0xEF, 0xBB, 0xBF]) + Data(Self.valid.utf8)))
        #expect(withMark == expected)
        let tabbed = try aiken("\tFrage?\n\tA)\tJa\n\tB)\tNein\n\tANSWER:\tB")
        #expect(tabbed.map(\.location) == [SourceLocation(file: "fragen.txt", line: 1, column: 2)])
        #expect(
            tabbed.first?.item?.kind
                == .singleChoice(options: [Choice(id: "a", text: "Ja"), Choice(id: "b", text: "Nein")], correct: "b"))
    }

    @Test("equal question texts get distinct ids")
    func identifiers() throws {
        let questions = try aiken(
            "Frage\nA) x\nB) y\nANSWER: A\n\nFrage\nA) x\nB) y\nANSWER: B\n\nFrage\nA) x\nB) y\nANSWER: A")
        #expect(questions.map(\.item?.id) == ["Frage", "Frage-2", "Frage-3"])
    }

    static let malformed = """
        Frage ohne Antwortzeile?
        A) Ja
        B) Nein

        Frage mit falschem Buchstaben?
        A) Ja
        B) Nein
        ANSWER: C

        Frage mit Lücke in der Reihenfolge?
        A) eins
        C) drei
        ANSWER: A

        Frage mit nur einer Option?
        A) allein
        ANSWER: A

        Frage mit zwei Antworten?
        A) eins
        B) zwei
        ANSWER: A, B

        Frage mit leerer Option?
        A)
        B) voll
        ANSWER: B

        Gültige Frage?
        A) Ja
        B) Nein
        ANSWER: A
        Erklärung: weil es so ist.

        A) Option ohne Frage
        B) zweite
        ANSWER: A

        ANSWER: B

        Frage beginnt nicht mit A?
        B) zwei
        C) drei
        ANSWER: B

        Ein Absatz ohne Optionen.

        Frage ohne Buchstaben?
        A) Ja
        B) Nein
        ANSWER:

        Noch eine Frage ohne ANSWER?
        A) Ja
        B) Nein
        Direkt die nächste Frage?
        A) Ja
        B) Nein
        ANSWER: B

        Kleine Buchstaben?
        a) Ja
        b) Nein
        ANSWER: A

        Letzte Frage ohne ANSWER
        A) x
        B) y
        """

    @Test("every malformation skips only its question, with the offending line")
    func malformedQuestions() throws {
        let questions = try aiken(Self.malformed)
        #expect(
            reasons(questions) == [
                "line 3: no ANSWER line after the options",
                "line 8: ANSWER 'C' is not one of the options A–B",
                "line 12: option C follows A; options are lettered A, B, C, ... in order",
                "line 17: a question needs at least 2 options 'A) ...' (found 1)",
                "line 22: ANSWER 'A, B' is not a single option letter (Aiken has one right answer)",
                "line 25: option A is empty",
                "imported",
                "line 33: text after the ANSWER line in line 32 is not a question (it has no options and no ANSWER line)",
                "line 35: option A has no question text before it",
                "line 39: ANSWER line without a question before it",
                "line 42: the first option is B; options are lettered A, B, C, ... in order",
                "line 46: question text without options and ANSWER line",
                "line 51: ANSWER gives no option letter",
                "line 55: no ANSWER line after the options",
                "imported",
                "line 64: a question needs at least 2 options 'A) ...' (found 0)",
                "line 68: no ANSWER line after the options",
            ])
        #expect(questions.map(\.location.line) == [1, 5, 10, 15, 19, 24, 29, 33, 35, 39, 41, 46, 48, 53, 56, 61, 66])
        #expect(questions[7].label == "Erklärung: weil es so ist.")
        #expect(questions[8].label == "A) Option ohne Frage")
        #expect(questions[9].label == "ANSWER: B")
        #expect(questions[14].item?.stem == "Direkt die nächste Frage?")
    }

    @Test("more than 20 options cannot fit an item")
    func tooManyOptions() throws {
        let letters = "ABCDEFGHIJKLMNOPQRSTU"
        let options = letters.map { "\($0)) Option \($0)" }.joined(separator: "\n")
        let questions = try aiken("Viele Optionen?\n\(options)\nANSWER: A")
        #expect(reasons(questions) == ["line 23: 'options' has 21 entries; at most 20 are allowed"])
    }

    @Test("texts longer than an item holds are skipped")
    func tooLong() throws {
        let long = String(repeating: "x", count: 10_001)
        let questions = try aiken("\(long)\nA) a\nB) b\nANSWER: A\n\nFrage\nA) \(long)\nB) b\nANSWER: B")
        #expect(
            reasons(questions) == [
                "line 1: the question text has 10001 characters; at most 10000 are allowed",
                "line 7: option A has 10001 characters; at most 10000 are allowed",
            ])
    }

    @Test("a file without any option or ANSWER line is not an Aiken file")
    func notAiken() {
        let message = "no Aiken question found (a question is a line of text, options 'A) ...' and a line 'ANSWER: A')"
        #expect { try aiken("") } throws: {
            ($0 as? ImportFailure)?.description == ImportFailure(file: "fragen.txt", line: 1, message).description
        }
        #expect {
            try aiken("\n  \nNur Text.\nNoch mehr Text.\n")
        } throws: {
            ($0 as? ImportFailure)?.description == ImportFailure(file: "fragen.txt", line: 3, message).description
        }
        #expect {
            try aiken("::OZG::Wofür steht OZG?{=Onlinezugangsgesetz ~Sonstiges}")
        } throws: {
            ($0 as? ImportFailure)?.description == ImportFailure(file: "fragen.txt", line: 1, message).description
        }
        let latin1 = Data("Frage\nA) Gr".utf8) + Data([0xFC]) + Data("n\nB) Rot\nANSWER: A".utf8)
        #expect {
            try AikenImporter.questions(in: ImportSource(name: "fragen.txt", data: latin1))
        } throws: {
            ($0 as? ImportFailure)?.description
                == ImportFailure(
                    file: "fragen.txt", line: 2, "the file is not UTF-8 text; save it as UTF-8 and import again"
                ).description
        }
    }

    @Test("2,000 seeded mutations never crash: each gives outcomes or an ImportFailure")
    func fuzz() {
        var generator = SeededGenerator(seed: "aiken-importer-fuzz")
        let original = Array((Self.valid + "\n\n" + Self.malformed).utf8)
        let tokens = ["A", "B", "C", "a", ")", ".", ":", " ", "\n", "\r", "\t", "ANSWER:", "ANSWER: B", "A) ", "ä"]
        var failures = 0
        var outcomes = 0
        var problems: [String] = []
        for _ in 0..<2_000 {
            let bytes = ByteMutations.mutate(original, using: &generator, tokens: tokens, maximumRun: 60)
            do {
                let questions = try AikenImporter.questions(in: ImportSource(name: "fuzz.txt", data: Data(bytes)))
                outcomes += 1
                var ids = Set<String>()
                for question in questions {
                    if question.location.line < 1 || question.location.column < 1 {
                        problems.append("bad location \(question.location)")
                    }
                    guard let item = question.item else { continue }
                    guard case .singleChoice(let options, let correct) = item.kind,
                        NodeReader.isIdentifier(item.id), ids.insert(item.id).inserted,
                        (2...20).contains(options.count), options.contains(where: { $0.id == correct }),
                        !item.stem.isEmpty, options.allSatisfy({ !$0.text.isEmpty && NodeReader.isIdentifier($0.id) })
                    else {
                        problems.append("invalid item \(item)")
                        continue
                    }
                }
            } catch {
                failures += 1
                if error.location.file != "fuzz.txt" || error.location.line < 1 || error.message.isEmpty {
                    problems.append("bad failure \(error)")
                }
            }
        }
        #expect(Array(problems.prefix(5)) == [])
        #expect(outcomes + failures == 2_000)
        #expect(outcomes > 1_000 && failures > 10)
    }
}
