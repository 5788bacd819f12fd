import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Imports `text` as the GIFT file `fragen.gift`.
private func gift(_ text: String) throws(ImportFailure) -> [ImportedQuestion] {
    try GIFTImporter.questions(in: ImportSource(name: "fragen.gift", data: Data(text.utf8)))
}

/// The single question of `text`.
private func single(_ text: String) throws -> ImportedQuestion {
    let questions = try gift(text)
    try #require(questions.count == 1)
    return questions[0]
}

/// What the bank validator objects to in an imported item, and any kind GIFT never produces.
private func invariantProblems(_ item: Item) -> [String] {
    var problems = item.problems().map(\.description)
    switch item.kind {
    case .ordering, .cloze: problems.append("unexpected kind")
    case .singleChoice, .multipleResponse, .trueFalse, .numeric, .shortText, .matching, .essay: break
    }
    return problems
}

@Suite("GIFT import")
struct GIFTImporterTests {
    // MARK: Choice questions

    @Test("single choice: answers, per-answer and general feedback, title as id, points 1")
    func singleChoice() throws {
        let question = try single(
            """
            ::OZG-Abkürzung::Wofür steht die Abkürzung **OZG**?{
            \t=Onlinezugangsgesetz#Richtig!
            \t~Organisationszuständigkeitsgesetz#Dieses Gesetz gibt es nicht.
            \t~Ordnungszuweisungsgesetz
            \t####Das OZG trat 2017 in Kraft.
            }
            """)
        #expect(question.location == SourceLocation(file: "fragen.gift", line: 1, column: 1))
        #expect(question.label == "OZG-Abkürzung")
        let expected = Item(
            id: "OZG-Abkuerzung", topic: "imported", points: Rational(1), stem: "Wofür steht die Abkürzung **OZG**?",
            feedback: "Das OZG trat 2017 in Kraft.",
            kind: .singleChoice(
                options: [
                    Choice(id: "a", text: "Onlinezugangsgesetz", feedback: "Richtig!"),
                    Choice(
                        id: "b", text: "Organisationszuständigkeitsgesetz", feedback: "Dieses Gesetz gibt es nicht."),
                    Choice(id: "c", text: "Ordnungszuweisungsgesetz"),
                ], correct: "a"))
        #expect(question.status == .imported(expected))
    }

    @Test("multiple response: %weights% become exact credits, including negative and fractional ones")
    func weightedMultipleResponse() throws {
        let question = try single(
            """
            ::Primzahlen::Which of these are prime numbers?{
                ~%33.33333%2
                ~%33.33333%3#Yes, 3 is prime.
                ~%33.33334%5
                ~%-33.33333%4#4 \\= 2 × 2
                ~%-100%1
            }
            """)
        let item = try #require(question.item)
        #expect(question.warnings.isEmpty)
        guard case .multipleResponse(let options, let correct) = item.kind else {
            Issue.record("expected multiple response, got \(item.kind)")
            return
        }
        #expect(
            options.map(\.credit) == [
                Rational(3_333_333, 10_000_000), Rational(3_333_333, 10_000_000), Rational(3_333_334, 10_000_000),
                Rational(-3_333_333, 10_000_000), Rational(-1),
            ])
        #expect(options.map(\.uncheckedCredit) == [nil, nil, nil, nil, nil])
        #expect(options[1].feedback == "Yes, 3 is prime.")
        #expect(options[3].feedback == "4 = 2 × 2")
        #expect(correct == ["a", "b", "c"])
        // Moodle's rule (sum of the ticked weights, clamped) is the model's rule.
        let scorer = ItemScorer(item: item)
        #expect(scorer.score(.choices(["a", "b", "c"])).points == .one)
        #expect(scorer.score(.choices(["a", "b"])).points == Rational(6_666_666, 10_000_000))
        #expect(scorer.score(.choices(["a", "d"])).points == .zero)
        #expect(scorer.score(.choices(["a", "b", "c", "e"])).points == .zero)
    }

    @Test("multiple response whose weights do not add up to 100% is imported with a warning")
    func weightsNotAddingUp() throws {
        let question = try single("Welche Dienste sind OZG-Leistungen?{~%50%Wohngeld ~%40%Elterngeld ~Kantine}")
        guard case .multipleResponse(let options, let correct)? = question.item?.kind else {
            Issue.record("expected multiple response")
            return
        }
        #expect(options.map(\.credit) == [Rational(1, 2), Rational(2, 5), .zero])
        #expect(correct == ["a", "b"])
        #expect(question.warnings == ["the positive weights add up to 90%, not 100%"])
    }

    @Test("single choice with weights or several '=' keeps credits; the best answer is keyed")
    func weightedSingleChoice() throws {
        let questions = try gift(
            """
            Wer erlässt Bebauungspläne?{~Das Land ~%50%Der Kreis =Die Gemeinde}

            Wie heißt das Gesetz?{=Onlinezugangsgesetz =OZG ~BDSG}

            Teilweise richtig?{=%50%halb ~%25%viertel ~falsch}
            """)
        #expect(questions.count == 3)
        guard case .singleChoice(let first, let firstCorrect)? = questions[0].item?.kind,
            case .singleChoice(let second, let secondCorrect)? = questions[1].item?.kind,
            case .singleChoice(let third, let thirdCorrect)? = questions[2].item?.kind
        else {
            Issue.record("expected three single-choice items")
            return
        }
        #expect(first.map(\.credit) == [.zero, Rational(1, 2), .one])
        #expect(firstCorrect == "c")
        #expect(questions[0].status == .imported(try #require(questions[0].item)))
        #expect(second.map(\.credit) == [.one, .one, .zero])
        #expect(secondCorrect == "a")
        #expect(third.map(\.credit) == [Rational(1, 2), Rational(1, 4), .zero])
        #expect(thirdCorrect == "a")
        #expect(questions[2].warnings == ["no answer earns full points (the best earns 50%)"])
    }

    @Test("text before the first '~' or '=' becomes a wrong answer, as in Moodle, with a warning")
    func unmarkedChoice() throws {
        let question = try single("Welche Farbe?{rot ~grün =blau}")
        guard case .singleChoice(let options, let correct)? = question.item?.kind else {
            Issue.record("expected single choice")
            return
        }
        #expect(options.map(\.text) == ["rot", "grün", "blau"])
        #expect(correct == "c")
        #expect(question.warnings == ["'rot' before the first '~' or '=' became a wrong answer (as in Moodle)"])
    }

    // MARK: True/false

    @Test("true/false: T, TRUE, F, FALSE; the first feedback is for a wrong answer, the second for a right one")
    func trueFalse() throws {
        let questions = try gift(
            """
            Die DSGVO gilt unmittelbar.{TRUE#Doch: als Verordnung gilt sie unmittelbar.#Richtig.}

            Der Bund erlässt Bebauungspläne.{F#Falsch: das tun die Gemeinden.#Genau, die Gemeinden.}

            Berlin ist eine Stadt.{T}

            The moon is made of cheese.{FALSE}

            Nur Feedback für falsche Antwort.{T#Leider falsch.}
            """)
        let items = questions.compactMap(\.item)
        #expect(items.count == 5)
        #expect(
            items.map(\.kind) == [
                .trueFalse(
                    correct: true, feedbackTrue: "Richtig.",
                    feedbackFalse: "Doch: als Verordnung gilt sie unmittelbar."),
                .trueFalse(
                    correct: false, feedbackTrue: "Falsch: das tun die Gemeinden.",
                    feedbackFalse: "Genau, die Gemeinden."),
                .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil),
                .trueFalse(correct: false, feedbackTrue: nil, feedbackFalse: nil),
                .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: "Leider falsch."),
            ])
    }

    @Test("lower-case {true} is a short answer, as Moodle reads it")
    func lowerCaseTrueIsShortAnswer() throws {
        let question = try single("Tippen Sie das Wort true.{true}")
        #expect(question.item?.kind == .shortText(answers: [TextAnswer("true")], pattern: nil, caseSensitive: false))
    }

    // MARK: Short answer

    @Test("short answer: several answers with credits, feedback and '*' wildcards")
    func shortAnswer() throws {
        let question = try single(
            #"""
            ::Hauptstadt::Wie heißt die Hauptstadt von Niedersachsen?{
                =Hannover#Richtig.
                =%50%Hanover#Fast: so schreibt man es auf Englisch.
                =%25%Hann*
                =%0%Bremen#Bremen ist ein eigenes Land.
                =Stern\*chen
            }
            """#)
        #expect(
            question.item?.kind
                == .shortText(
                    answers: [
                        TextAnswer("Hannover", feedback: "Richtig."),
                        TextAnswer(
                            "Hanover", credit: Rational(1, 2), feedback: "Fast: so schreibt man es auf Englisch."),
                        TextAnswer("Hann*", credit: Rational(1, 4), wildcard: true),
                        TextAnswer("Bremen", credit: .zero, feedback: "Bremen ist ein eigenes Land."),
                        TextAnswer(#"Stern\*chen"#, wildcard: true),
                    ], pattern: nil, caseSensitive: false))
        #expect(question.warnings.isEmpty)
        let scorer = ItemScorer(item: try #require(question.item))
        #expect(scorer.score(.text("hannover")).points == .one)
        #expect(scorer.score(.text("Hannoversch Münden")).points == Rational(1, 4))
        #expect(scorer.score(.text("Stern*chen")).points == .one)
    }

    // MARK: Numerical

    @Test("numerical: value:tolerance, ranges, several weighted answers with feedback")
    func numerical() throws {
        let questions = try gift(
            """
            ::Meldefrist::Innerhalb wie vieler Stunden ist eine Datenpanne zu melden?{#72#Art. 33 DSGVO.}

            ::Pi::What is pi to two decimals?{#3.14:0.005}

            ::Bereich::Nennen Sie eine Zahl zwischen 1 und 5.{#1..5}

            ::Dezimalbereich::Ein Wert zwischen 0,1 und 0,2?{#0.1..0.2#Im Bereich.}

            ::Länder::Wie viele Bundesländer hat Deutschland?{#
            \t=%100%16:0#Richtig.
            \t=%50%16:2#Fast.
            \t=%-25%-1..1#Null ist keine Antwort.
            }

            ::Negativ::Welche Temperatur hat der Gefrierpunkt in °F minus 64?{#-32}
            """)
        let kinds = questions.map(\.item?.kind)
        #expect(
            kinds == [
                .numeric(answers: [NumericAnswer(Rational(72), feedback: "Art. 33 DSGVO.")], unit: nil),
                .numeric(
                    answers: [NumericAnswer(Rational(157, 50), tolerance: .absolute(Rational(1, 200)))], unit: nil),
                .numeric(answers: [NumericAnswer(Rational(3), tolerance: .absolute(Rational(2)))], unit: nil),
                .numeric(
                    answers: [
                        NumericAnswer(Rational(3, 20), tolerance: .absolute(Rational(1, 20)), feedback: "Im Bereich.")
                    ], unit: nil),
                .numeric(
                    answers: [
                        NumericAnswer(Rational(16), feedback: "Richtig."),
                        NumericAnswer(
                            Rational(16), tolerance: .absolute(Rational(2)), credit: Rational(1, 2), feedback: "Fast."),
                        NumericAnswer(
                            .zero, tolerance: .absolute(.one), credit: Rational(-1, 4),
                            feedback: "Null ist keine Antwort."),
                    ], unit: nil),
                .numeric(answers: [NumericAnswer(Rational(-32))], unit: nil),
            ])
        #expect(questions.allSatisfy { $0.warnings.isEmpty })
        let scorer = ItemScorer(item: try #require(questions[4].item))
        #expect(scorer.score(.number(Rational(17))).points == Rational(1, 2))
        #expect(scorer.score(.number(Rational(16))).points == .one)
    }

    @Test("numerical feedback for any other number cannot be kept and is reported")
    func numericalOtherFeedback() throws {
        let question = try single(
            """
            Wie viele Bundesländer hat Deutschland?{#
                =16
                ~#Leider falsch: es sind 16.
            }
            """)
        #expect(question.item?.kind == .numeric(answers: [NumericAnswer(Rational(16))], unit: nil))
        #expect(
            question.warnings == [
                "feedback for any other number (after '~' in line 3) dropped (items keep feedback for accepted values only)"
            ])
    }

    // MARK: Matching

    @Test("matching: premises, distractors from '= -> text', equal responses shared")
    func matching() throws {
        let question = try single(
            """
            ::Zuordnung::Ordnen Sie die Gesetze ihrem Gegenstand zu.{
                =OZG -> Onlinezugang
                =EGovG -> E-Government
                =BDSG -> Datenschutz
                =DSGVO -> Datenschutz
                = -> Vergaberecht
                = -> Datenschutz
            }
            """)
        #expect(question.warnings.isEmpty)
        #expect(
            question.item?.kind
                == .matching(
                    premises: [
                        Choice(id: "p1", text: "OZG"), Choice(id: "p2", text: "EGovG"),
                        Choice(id: "p3", text: "BDSG"), Choice(id: "p4", text: "DSGVO"),
                    ],
                    responses: [
                        Choice(id: "r1", text: "Onlinezugang"), Choice(id: "r2", text: "E-Government"),
                        Choice(id: "r3", text: "Datenschutz"), Choice(id: "r4", text: "Vergaberecht"),
                    ],
                    correct: ["p1": "r1", "p2": "r2", "p3": "r3", "p4": "r3"]))
    }

    @Test("matching feedback cannot be kept and is reported")
    func matchingFeedback() throws {
        let question = try single("Match.{=cat -> Katze#richtig =dog -> Hund}")
        #expect(
            question.item?.kind
                == .matching(
                    premises: [Choice(id: "p1", text: "cat"), Choice(id: "p2", text: "dog")],
                    responses: [Choice(id: "r1", text: "Katze"), Choice(id: "r2", text: "Hund")],
                    correct: ["p1": "r1", "p2": "r2"]))
        #expect(question.warnings == ["feedback on matching pair 1 dropped (matching items have no feedback per pair)"])
    }

    // MARK: Missing word, essay, description

    @Test("missing word: the answer block inside the sentence becomes a blank _____ in the stem")
    func missingWord() throws {
        let questions = try gift(
            """
            Die {~Bundesregierung =Bundesnetzagentur ~Landesregierung} vergibt Funkfrequenzen.

            {=Hannover =Hanover} ist die Hauptstadt Niedersachsens.

            ::Lücke::Ein Verwaltungsakt wird mit {T} Bekanntgabe wirksam.
            """)
        #expect(
            questions.map(\.item?.stem) == [
                "Die _____ vergibt Funkfrequenzen.", "_____ ist die Hauptstadt Niedersachsens.",
                "Ein Verwaltungsakt wird mit _____ Bekanntgabe wirksam.",
            ])
        #expect(
            questions.map(\.item?.id) == [
                "Die-vergibt-Funkfrequenzen.", "ist-die-Hauptstadt-Niedersachsens.", "Luecke",
            ])
        #expect(questions[0].label == "Die _____ vergibt Funkfrequenzen.")
        #expect(
            questions[0].item?.kind
                == .singleChoice(
                    options: [
                        Choice(id: "a", text: "Bundesregierung"), Choice(id: "b", text: "Bundesnetzagentur"),
                        Choice(id: "c", text: "Landesregierung"),
                    ], correct: "b"))
        #expect(questions.allSatisfy { $0.warnings.isEmpty })
    }

    @Test("text on a line after the answer block becomes the end of a missing-word sentence, with a warning")
    func textAfterBlock() throws {
        let question = try single(
            """
            Grant is {~buried =entombed ~living}
            in Grant's tomb.
            """)
        #expect(question.item?.stem == "Grant is _____\nin Grant's tomb.")
        #expect(
            question.warnings == [
                "the text in line 2 after the answer block became the end of the question text (missing-word form); "
                    + "separate questions with a blank line"
            ])
    }

    @Test("essay {} with general feedback; a text without answer block is a skipped description")
    func essayAndDescription() throws {
        let questions = try gift(
            """
            ::Einleitung::Die folgenden Fragen behandeln das Widerspruchsverfahren.

            ::Aufsatz::Beschreiben Sie den Ablauf eines Widerspruchsverfahrens.{
                ####Siehe §§ 68 ff. VwGO.
            }

            Schreiben Sie einen kurzen Text.{}
            """)
        #expect(questions.count == 3)
        #expect(questions[0].label == "Einleitung")
        #expect(questions[0].status == .skipped(reason: "description is not a question (it has no points)"))
        #expect(
            questions[1].status
                == .imported(
                    Item(
                        id: "Aufsatz", topic: "imported", points: .one,
                        stem: "Beschreiben Sie den Ablauf eines Widerspruchsverfahrens.",
                        feedback: "Siehe §§ 68 ff. VwGO.", kind: .essay(responseTemplate: nil, graderInfo: nil))))
        #expect(questions[2].item?.kind == .essay(responseTemplate: nil, graderInfo: nil))
        #expect(questions[2].label == "Schreiben Sie einen kurzen Text.")
    }

    @Test("text after the last question is a description and reported as skipped")
    func trailingText() throws {
        let questions = try gift(
            """
            Frage?{T}

            Das war's – vielen Dank!
            """)
        #expect(questions.count == 2)
        #expect(questions[1].location == SourceLocation(file: "fragen.gift", line: 3, column: 1))
        #expect(questions[1].status == .skipped(reason: "description is not a question (it has no points)"))
    }

    // MARK: Formats and escapes

    @Test("[html] is reduced to Markdown with its warnings; answers inherit the format")
    func htmlFormat() throws {
        let question = try single(
            #"""
            ::Himmel::[html]<p>Welche Farbe hat der <b>Himmel</b>?<img src\="@@PLUGINFILE@@/himmel.png" alt\="Himmel"></p>{
                =<span style\="color\:blue">blau</span>#<em>Richtig</em>
                ~<u>grün</u>
                ####<p>Bei <i>klarem</i> Wetter.</p>
            }
            """#)
        #expect(
            question.status
                == .importedWithWarnings(
                    Item(
                        id: "Himmel", topic: "imported", points: .one,
                        stem: "Welche Farbe hat der **Himmel**?![Himmel](media/himmel.png)",
                        feedback: "Bei *klarem* Wetter.",
                        kind: .singleChoice(
                            options: [
                                Choice(id: "a", text: "blau", feedback: "*Richtig*"), Choice(id: "b", text: "grün"),
                            ], correct: "a")),
                    [
                        "image @@PLUGINFILE@@/himmel.png not embedded (the source does not contain it); save it as "
                            + "media/himmel.png next to the bank",
                        "HTML formatting reduced to Markdown (<u> dropped)",
                    ]))
    }

    @Test("[moodle], [plain] and [markdown] are kept as text; an answer may declare its own format")
    func otherFormats() throws {
        let questions = try gift(
            """
            [markdown]Was ist **fett**?{=[plain]*nicht kursiv* ~[html]<b>fett</b>}

            [plain]2 * 3 = ?{#6}

            [moodle]Ein _Unterstrich_.{TRUE}

            [unbekannt] bleibt Text.{TRUE}
            """)
        #expect(
            questions.map(\.item?.stem) == [
                "Was ist **fett**?", "2 * 3 = ?", "Ein _Unterstrich_.", "[unbekannt] bleibt Text.",
            ])
        #expect(
            questions[0].item?.kind
                == .singleChoice(
                    options: [Choice(id: "a", text: "*nicht kursiv*"), Choice(id: "b", text: "**fett**")], correct: "a")
        )
        #expect(questions.allSatisfy { $0.warnings.isEmpty })
    }

    @Test("escapes \\~ \\= \\# \\{ \\} \\: \\\\ and \\n, in texts, answers and titles")
    func escapes() throws {
        let question = try single(
            ##"""
            ::Zeichen\: Klammern::Was bedeutet \{x\} in a \= b \~ c \#1?\nZweite Zeile{
                =Eine Menge\\Klammer#Richtig\: so ist es.
                ~a \~ b \= c
            }
            """##)
        #expect(question.label == "Zeichen: Klammern")
        let item = try #require(question.item)
        #expect(item.id == "Zeichen-Klammern")
        #expect(item.stem == "Was bedeutet {x} in a = b ~ c #1?\nZweite Zeile")
        #expect(
            item.kind
                == .singleChoice(
                    options: [
                        Choice(id: "a", text: #"Eine Menge\Klammer"#, feedback: "Richtig: so ist es."),
                        Choice(id: "b", text: "a ~ b = c"),
                    ], correct: "a"))
    }

    // MARK: Categories, comments, ids

    @Test("$CATEGORY sets the topic of the following questions from its last path component")
    func categories() throws {
        let questions = try gift(
            """
            Vor jeder Kategorie?{T}

            $CATEGORY: $course$/top/Verwaltung: OZG/Modul 1

            Erste Frage?{T}

            $CATEGORY: $course$/top/Daten//Schutz
            Direkt danach?{F}

            $CATEGORY: $course$/top

            Oberste Ebene?{T}

            $CATEGORY: Übungen für Ämter

            Alte Kategorie ohne Pfad?{T}
            """)
        #expect(
            questions.map(\.item?.topic) == ["imported", "Modul-1", "Daten-Schutz", "imported", "uebungen-fuer-aemter"])
        #expect(questions.map(\.location.line) == [1, 5, 8, 12, 16])
    }

    @Test("comment lines are ignored anywhere, also inside answer blocks; [id:] and [tag:] are read")
    func comments() throws {
        let questions = try gift(
            """
            // Exportiert aus Moodle
            // question: 12  name: Frage
            // [id:DS-01] [tag:datenschutz] [tag:dsgvo]
            ::Frage::Was schützt die DSGVO?{
                =Personenbezogene Daten
                // ~Tiere (entfernt)
                ~Gebäude
            }

            // nur ein Kommentar

            ::Frage::Gleicher Titel?{T}

            ::Frage::Noch einmal?{T}
            """)
        #expect(questions.count == 3)
        #expect(questions.map(\.item?.id) == ["DS-01", "Frage", "Frage-2"])
        #expect(questions[0].location.line == 4)
        #expect(
            questions[0].item?.kind
                == .singleChoice(
                    options: [Choice(id: "a", text: "Personenbezogene Daten"), Choice(id: "b", text: "Gebäude")],
                    correct: "a"))
        #expect(questions[0].warnings == ["Moodle tags datenschutz, dsgvo not kept (bank items have no tags)"])
    }

    // MARK: Layout

    @Test("tab and space indentation, blank lines inside answer blocks, CRLF, CR and a byte-order mark")
    func layout() throws {
        let text = "  \t::Eingerückt::  Frage mit Einrückung?\n\t{\n\n\t\t=ja\n\n  \t~nein\n\t}\n\n\n\n\tZweite?{F}\n"
        let expected = try gift(text)
        #expect(expected.count == 2)
        #expect(
            expected.map(\.location) == [
                SourceLocation(file: "fragen.gift", line: 1, column: 4),
                SourceLocation(file: "fragen.gift", line: 11, column: 2),
            ])
        #expect(
            expected[0].item?.kind
                == .singleChoice(options: [Choice(id: "a", text: "ja"), Choice(id: "b", text: "nein")], correct: "a"))
        #expect(expected[0].item?.stem == "Frage mit Einrückung?")
        for variant in [
            text.replacingOccurrences(of: "\n", with: "\r\n"), text.replacingOccurrences(of: "\n", with: "\r"),
        ] {
            #expect(try gift(variant) == expected)
        }
        let withMark = try GIFTImporter.questions(
            in: ImportSource(name: "fragen.gift", data: Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)))
        #expect(withMark == expected)
    }

    @Test("multi-line question text keeps its lines without indentation")
    func multiLineText() throws {
        let question = try single(
            #"""
            ::Mehrzeilig::Erste Zeile
                zweite Zeile\n\nneuer Absatz{T}
            """#)
        #expect(question.item?.stem == "Erste Zeile\nzweite Zeile\n\nneuer Absatz")
    }

    // MARK: Malformed questions

    @Test("malformed questions are skipped with the offending line")
    func malformedQuestions() throws {
        let questions = try gift(
            """
            ::Offen Titel ohne Ende{T}

            Zwei Blöcke {T} und {F}

            Gewicht?{~%viel%a =b}

            Zahl?{#drei}

            Bereich?{#5..1}

            Toleranz?{#3:-1}

            Nur eine Antwort?{~%100%allein}

            Keine richtige?{~a ~b}

            Zuordnung?{
                =a -> 1
                =b
            }

            Zuordnung mit einem Paar?{=a -> 1}

            Nur Ablenker?{= -> 1 = -> 2}

            Leere Antwort?{=gut ~}

            Kein Punkt?{=%0%a ~b}

            Leere Zahl?{#}

            Riesig?{~%200000%a =b}

            ::Leer::{T}

            [html]Bild?{=<img src\\="a.png"> ~b}

            [html]Zuordnen{=<img src\\="k.png"> -> Katze =Hund -> dog}
            """)
        let reasons = questions.map { question -> String in
            if case .skipped(let reason) = question.status { return reason }
            return "imported"
        }
        #expect(
            reasons == [
                "line 1: the title is not closed with '::'",
                "line 3: a second answer block; a question has one answer block (separate questions with a blank line)",
                "line 5: the weight '%viel%' is not a number",
                "line 7: 'drei' is not a number (write 3, 3:0.5 or 1..5)",
                "line 9: the range '5..1' ends below its start",
                "line 11: the tolerance in '3:-1' is negative",
                "line 13: a choice question needs at least 2 answers (found 1)",
                "line 15: no answer is right (mark the right answer with '=' or give right answers a positive %weight%)",
                "line 19: matching pair 'b' has no '->' before its answer",
                "line 22: a matching question needs at least 2 pairs (found 1)",
                "line 24: a matching question needs a pair with text before '->'",
                "line 26: answer 2 is empty",
                "line 28: no answer earns points",
                "line 30: the numerical answer block has no number",
                "line 32: the weight '%200000%' cannot be kept: credit '2000' must be a number or fraction between -1000 "
                    + "and 1000 (1 = full points)",
                "line 34: the question text is empty",
                // An image-only answer keeps its question (the image reference, with a warning).
                "imported",
                "imported",
            ])
        #expect(questions[0].label == "Offen Titel ohne Ende")
        #expect(questions[1].label == "Zwei Blöcke")
        #expect(questions[0].location == SourceLocation(file: "fragen.gift", line: 1, column: 1))
    }

    @Test("an oversized question is skipped, not kept in memory")
    func oversizedQuestion() throws {
        let long = String(repeating: "Lang ", count: 250_000)
        let questions = try gift("Kurz?{T}\n\n\(long){T}\n\nAuch kurz?{F}")
        #expect(questions.count == 3)
        #expect(
            questions[1].status == .skipped(reason: "line 3: the question has 1250003 bytes, too long for a bank item"))
        let text = try single("\(String(repeating: "x", count: 10_001)){T}")
        #expect(
            text.status == .skipped(reason: "line 1: the question text has 10001 characters; at most 10000 are allowed")
        )
    }

    // MARK: File failures

    @Test("a stray '}', an unclosed '{' or no question at all make the file unreadable")
    func fileFailures() {
        let cases: [(String, ImportFailure)] = [
            (
                "Frage?{T}\n\nDas ist } falsch.{T}",
                ImportFailure(
                    file: "fragen.gift", line: 3, column: 9,
                    "'}' closes no answer block (write \\} for a literal brace)")
            ),
            (
                "Frage?{T}\n\nOffen?{=a ~b\n\nNächste?{T}",
                ImportFailure(
                    file: "fragen.gift", line: 3, column: 7,
                    "'{' opens an answer block that is not closed before the next '{' at line 5, column 9 "
                        + "(write \\{ for a literal brace)")
            ),
            (
                "Frage?{T}\n\n\tAm Ende offen {=a\n~b\n",
                ImportFailure(
                    file: "fragen.gift", line: 3, column: 16,
                    "'{' opens an answer block that is not closed before the end of the file (write \\{ for a literal brace)"
                )
            ),
            (
                "// Kommentar\n\nNur Text.\n\nNoch mehr Text.\n",
                ImportFailure(
                    file: "fragen.gift", line: 3,
                    "no GIFT question found (a question needs an answer block such as {=right ~wrong})")
            ),
            (
                "",
                ImportFailure(
                    file: "fragen.gift", line: 1,
                    "no GIFT question found (a question needs an answer block such as {=right ~wrong})")
            ),
        ]
        for (text, failure) in cases {
            #expect { try gift(text) } throws: { ($0 as? ImportFailure)?.description == failure.description }
        }
        let latin1 = Data("Frage?{T}\n\nGr".utf8) + Data([0xFC]) + Data("n?{T}".utf8)
        #expect {
            try GIFTImporter.questions(in: ImportSource(name: "fragen.gift", data: latin1))
        } throws: {
            ($0 as? ImportFailure)?.description
                == ImportFailure(
                    file: "fragen.gift", line: 3, "the file is not UTF-8 text; save it as UTF-8 and import again"
                ).description
        }
    }

    @Test("every imported item of a mixed file satisfies the bank's rules")
    func importedItemsAreValid() throws {
        for question in try gift(Self.mixedFixture) {
            guard let item = question.item else { continue }
            #expect(invariantProblems(item) == [], "\(question.label)")
        }
    }

    // MARK: Fuzzing

    static let mixedFixture = ##"""
        // [id:Q-1] [tag:fuzz]
        $CATEGORY: $course$/top/Verwaltung: OZG/Modul 1

        ::OZG::Wofür steht **OZG**?{
        	=Onlinezugangsgesetz#Richtig!
        	~%-50%Organisationsgesetz#Nein.
        	####Seit 2017.
        }

        ::Prim::Prime?{~%33.33333%2 ~%33.33333%3 ~%33.33334%5 ~%-100%4}

        Die DSGVO gilt unmittelbar.{TRUE#Doch.#Ja.}

        ::Zahl::Wie viele?{#=%100%16:0#Ja =%50%14..18#Fast ~#Nein}

        ::Match::Zuordnen{=a -> 1 =b -> 2 = -> 3}

        Die {~A =B ~C} ist richtig.

        ::HTML::[html]<p>Was ist <b>fett</b>?<img src\="x.png"></p>{=<i>ja</i> ~nein}

        ::Kurz::Hauptstadt?{=Hannover =%50%Hann*#fast}

        Escapes \{ \} \= \~ \# \: \\ \n Ende{}

        Beschreibung ohne Antwort.
        """##

    @Test("2,000 seeded mutations never crash: each gives outcomes or an ImportFailure")
    func fuzz() {
        var generator = SeededGenerator(seed: "gift-importer-fuzz")
        let original = Array(Self.mixedFixture.utf8)
        let tokens = [
            "{", "}", "=", "~", "#", "%", ":", "\\", "/", "->", " ", "\n", "\t", "\r", ".", "0", "9", "$", "[", "]",
            "T", "F", "ä", "::", "####", "%-50%",
        ]
        var failures = 0
        var outcomes = 0
        var problems: [String] = []
        for _ in 0..<2_000 {
            let bytes = ByteMutations.mutate(original, using: &generator, tokens: tokens)
            do {
                let questions = try GIFTImporter.questions(in: ImportSource(name: "fuzz.gift", data: Data(bytes)))
                outcomes += 1
                for question in questions {
                    if question.location.line < 1 || question.location.column < 1 {
                        problems.append("bad location \(question.location)")
                    }
                    if let item = question.item {
                        problems += invariantProblems(item).map { "\($0) in \(item)" }
                    }
                }
            } catch {
                failures += 1
                if error.location.file != "fuzz.gift" || error.location.line < 1 || error.message.isEmpty {
                    problems.append("bad failure \(error)")
                }
            }
        }
        #expect(Array(problems.prefix(5)) == [])
        #expect(outcomes + failures == 2_000)
        #expect(outcomes > 100 && failures > 100)
    }
}
