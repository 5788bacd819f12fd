import Foundation
import Testing

@testable import Assessment
@testable import Interchange

private typealias F = ILIASFixtures

private func run(_ xml: String, name: String = "pool.xml") throws(ImportFailure) -> [ImportedQuestion] {
    try ILIASImporter.questions(in: ImportSource(name: name, data: Data(xml.utf8)))
}

/// The only question of `item`.
private func single(_ item: String) throws -> ImportedQuestion {
    let results = try run(F.document(item))
    try #require(results.count == 1)
    return results[0]
}

/// The 1-based line of the first occurrence of `needle` in `text`.
private func line(of needle: String, in text: String) -> Int {
    guard let range = text.range(of: needle) else { return 0 }
    return text[..<range.lowerBound].count { $0 == "\n" } + 1
}

private func failure(_ xml: String, name: String = "pool.xml") -> ImportFailure? {
    failure(data: Data(xml.utf8), name: name)
}

private func failure(data: Data, name: String = "pool.xml") -> ImportFailure? {
    do {
        _ = try ILIASImporter.questions(in: ImportSource(name: name, data: data))
        return nil
    } catch {
        return error
    }
}

@Suite("ILIAS question pool import")
struct ILIASImporterTests {
    // MARK: Choice questions

    @Test("single choice: the keyed option, option feedback, exact points")
    func singleChoice() throws {
        let question = try single(F.singleChoice)
        #expect(question.label == "Hauptstadt Deutschland")
        #expect(
            question.status
                == .imported(
                    Item(
                        id: "Hauptstadt-Deutschland", topic: "imported", points: Rational(2),
                        stem: "Welche Stadt ist die Hauptstadt der Bundesrepublik Deutschland?",
                        kind: .singleChoice(
                            options: [
                                Choice(id: "0", text: "Bonn", feedback: "Bonn war bis 1990 Regierungssitz."),
                                Choice(id: "1", text: "Berlin"), Choice(id: "2", text: "Frankfurt am Main"),
                            ], correct: "1"))))
    }

    @Test("single choice with points on several options: credit = points / best points, negative kept")
    func weightedSingleChoice() throws {
        let item = try #require(try single(F.weightedSingleChoice).item)
        #expect(item.points == Rational(3))
        guard case .singleChoice(let options, let correct) = item.kind else {
            Issue.record("not single choice")
            return
        }
        #expect(correct == "0")
        #expect(options.map(\.credit) == [Rational(1), Rational(1, 2), .zero, Rational(-1, 3)])
        #expect(options.map(\.uncheckedCredit) == [nil, nil, nil, nil])
        #expect(
            options.map(\.text) == [
                "die Meldebehörde der Gemeinde", "das Standesamt", "das Landratsamt", "das Finanzamt",
            ])
        let scorer = ItemScorer(item: item)
        #expect(scorer.score(.choice("1")).points == Rational(3, 2))
        #expect(scorer.score(.choice("3")).points == .zero)
    }

    @Test("multiple choice: ticked and unticked points; maximum = sum of the larger of both per option")
    func multipleChoice() throws {
        let question = try single(F.multipleChoice)
        let item = try #require(question.item)
        #expect(item.points == Rational(5))
        guard case .multipleResponse(let options, let correct) = item.kind else {
            Issue.record("not multiple response")
            return
        }
        #expect(correct == ["0", "1"])
        #expect(options.map(\.credit) == [Rational(2, 5), Rational(3, 10), Rational(-1, 5), .zero])
        #expect(options.map(\.uncheckedCredit) == [nil, nil, Rational(1, 10), Rational(1, 5)])
        #expect(options[0].feedback == "Richtig: Eigenbetriebe sind Sondervermögen der Gemeinde.")
        #expect(options[1].feedback == nil)
        #expect(options[2].feedback == "Nein, die OHG haftet unbeschränkt.")
        #expect(
            question.warnings == [
                "at most 3 options may be ticked in ILIAS; the limit is not kept",
                "feedback for fully correct answers dropped",
                "feedback for answers that are not fully correct dropped",
            ])
        // ILIAS: ticking 0 and 1 and leaving 2 and 3 earns 2 + 1.5 + 0.5 + 1 = 5.
        let scorer = ItemScorer(item: item)
        #expect(scorer.score(.choices(["0", "1"])).points == Rational(5))
        #expect(scorer.score(.choices(["0", "2"])).points == Rational(2), "2 − 1 + 0 + 1")
        #expect(scorer.score(.choices([])).points == Rational(3, 2), "0.5 + 1 for the unticked wrong options")
    }

    @Test("multiple choice where only unticking scores is skipped")
    func multipleChoiceWithoutTickedPoints() throws {
        let item = F.item(
            "MULTIPLE CHOICE QUESTION", title: "Nichts ankreuzen",
            flow: F.text("Welche Aussage stimmt?") + F.choice("MCMR", cardinality: "Multiple", ["A", "B"]),
            conditions: F.condition("MCMR", "0", points: "0") + F.condition("MCMR", "0", points: "1", not: true)
                + F.condition("MCMR", "1", points: "0") + F.condition("MCMR", "1", points: "1", not: true))
        #expect(
            try single(item).status
                == .skipped(
                    reason: "no option earns points when ticked (only unticked options score), which is not supported"))
    }

    // MARK: Cloze

    @Test("cloze: text, select and numeric gaps in one stem; weights are the gaps' maximum points")
    func cloze() throws {
        let question = try single(F.cloze)
        #expect(
            question.status
                == .imported(
                    Item(
                        id: "Bayern", topic: "imported", points: Rational(9, 2),
                        stem: "Ergänzen Sie den **Satz**.\n\nDie Hauptstadt von Bayern ist {{gap_0}} und liegt an der "
                            + "{{gap_1}}. Dort leben etwa {{gap_2}} Millionen Menschen.",
                        kind: .cloze(gaps: [
                            Gap(
                                id: "gap_0", weight: Rational(2),
                                kind: .text(
                                    answers: [
                                        TextAnswer("München", feedback: "Genau, München."),
                                        TextAnswer("Muenchen", credit: Rational(1, 2)),
                                    ], caseSensitive: false)),
                            Gap(
                                id: "gap_1", weight: Rational(1),
                                kind: .choice(
                                    options: [
                                        Choice(id: "0", text: "Isar"), Choice(id: "1", text: "Elbe"),
                                        Choice(id: "2", text: "Donau", feedback: "Die Donau fließt durch Regensburg."),
                                    ], correct: "0")),
                            Gap(
                                id: "gap_2", weight: Rational(3, 2),
                                kind: .numeric(answers: [
                                    NumericAnswer(Rational(3, 2), tolerance: .absolute(Rational(1, 10)))
                                ])),
                        ]))))
        let scorer = ItemScorer(item: try #require(question.item))
        #expect(scorer.score(.gaps(["gap_0": "muenchen", "gap_1": "0", "gap_2": "1,6"])).points == Rational(7, 2))
        #expect(scorer.score(.gaps(["gap_2": "1.39"])).points == .zero)
    }

    @Test("cloze: Levenshtein rating, numeric range from vargte/varlte, identical scoring and combinations warned")
    func clozeApproximations() throws {
        let question = try single(F.clozeWithApproximations)
        #expect(
            question.status
                == .importedWithWarnings(
                    Item(
                        id: "Fristen", topic: "imported", points: Rational(11, 4),
                        stem: "Ein Widerspruch ist innerhalb von {{gap_0}} Tagen bei der {{gap_1}} einzulegen.",
                        kind: .cloze(gaps: [
                            Gap(
                                id: "gap_0", weight: Rational(2),
                                kind: .numeric(answers: [
                                    NumericAnswer(Rational(59, 2), tolerance: .absolute(Rational(3, 2)))
                                ])),
                            Gap(
                                id: "gap_1", weight: Rational(3, 4),
                                kind: .text(answers: [TextAnswer("Behörde")], caseSensitive: false)),
                        ])),
                    [
                        "Levenshtein rating approximated by exact comparison",
                        "identical answers in several gaps each earn points here (ILIAS counted them once)",
                        "gap combinations not kept (each gap is scored on its own)",
                    ]))
    }

    @Test("cloze: case-sensitive rating, select gap with points on several options")
    func clozeCaseSensitiveAndWeightedSelect() throws {
        let item = F.item(
            "CLOZE QUESTION", title: "Abkürzungen", fields: [("textgaprating", "cs")],
            flow: F.text("&amp;nbsp;") + F.text("Die Abkürzung für Gemeindeordnung ist ")
                + "<response_str ident=\"gap_0\"><render_fib fibtype=\"String\"/></response_str>"
                + F.text(", zuständig ist ")
                    + """
                    <response_lid ident="gap_1" rcardinality="Single"><render_choice shuffle="No">\
                    <response_label ident="0"><material><mattext>der Rat</mattext></material></response_label>\
                    <response_label ident="1"><material><mattext>der Ausschuss</mattext></material></response_label>\
                    </render_choice></response_lid>
                    """ + F.text("."),
            conditions: F.condition("gap_0", "GO", points: "1") + F.condition("gap_1", "der Rat", points: "2")
                + F.condition("gap_1", "der Ausschuss", points: "0.5"))
        let converted = try #require(try single(item).item)
        #expect(converted.stem == "Die Abkürzung für Gemeindeordnung ist {{gap_0}}, zuständig ist {{gap_1}}.")
        #expect(converted.points == Rational(3))
        #expect(
            converted.kind
                == .cloze(gaps: [
                    Gap(
                        id: "gap_0", weight: Rational(1), kind: .text(answers: [TextAnswer("GO")], caseSensitive: true)),
                    Gap(
                        id: "gap_1", weight: Rational(2),
                        kind: .choice(
                            options: [
                                Choice(id: "0", text: "der Rat", credit: Rational(1)),
                                Choice(id: "1", text: "der Ausschuss", credit: Rational(1, 4)),
                            ], correct: "0")),
                ]))
    }

    @Test("cloze problems are skipped with their reason")
    func clozeSkips() throws {
        func cloze(_ flowText: String, points: String = "1", rating: String = "ci") -> String {
            F.item(
                "CLOZE QUESTION", title: "Lücke", version: "4.0", fields: [("textgaprating", rating)],
                flow: F.text(flowText)
                    + "<response_str ident=\"gap_0\"><render_fib fibtype=\"String\"/></response_str>",
                conditions: F.condition("gap_0", "Antwort", points: points))
        }
        #expect(
            try single(cloze("Vorlage {{gap_0}} und ")).status
                == .skipped(reason: "the cloze text contains '{{…}}' itself, which would be read as a gap"))
        #expect(try single(cloze("Text ", points: "0")).status == .skipped(reason: "gap 'gap_0' gives no points"))
        #expect(
            try single(cloze("Text ", rating: "xy")).warnings
                == ["text rating 'xy' approximated by case-insensitive comparison"])
        let noGaps = F.item("CLOZE QUESTION", title: "Leer", flow: F.text("Frage") + F.text("kein Lückentext"))
        #expect(try single(noGaps).status == .skipped(reason: "the cloze question has no gaps"))
        let openRange = F.item(
            "CLOZE QUESTION", title: "Offen", version: "4.0",
            flow: F.text("Mindestens ")
                + "<response_num ident=\"gap_0\"><render_fib fibtype=\"Decimal\" minnumber=\"3\"/></response_num>",
            conditions: "<respcondition><conditionvar><vargte respident=\"gap_0\">3</vargte></conditionvar>"
                + "<setvar action=\"Add\">1</setvar></respcondition>")
        #expect(
            try single(openRange).status
                == .skipped(reason: "a numeric answer has only one bound (an open range is not supported)"))
        let emptyRange = F.item(
            "CLOZE QUESTION", title: "Leerer Bereich", version: "4.0",
            flow: F.text("Wert ")
                + "<response_num ident=\"gap_0\"><render_fib fibtype=\"Decimal\" minnumber=\"5\" maxnumber=\"4\"/>"
                + "</response_num>",
            conditions: F.condition("gap_0", "4.5", points: "1"))
        #expect(try single(emptyRange).status == .skipped(reason: "the range 5 to 4 is empty"))
    }

    // MARK: Ordering

    @Test("ordering: order from varequal index, points from metadata, all-or-nothing scoring warned")
    func ordering() throws {
        let question = try single(F.ordering)
        #expect(
            question.status
                == .importedWithWarnings(
                    Item(
                        id: "Ablauf-Satzungsverfahren", topic: "imported", points: Rational(4),
                        stem: "Bringen Sie die Schritte in die richtige Reihenfolge.",
                        kind: .ordering(
                            elements: [
                                Choice(id: "3154_0_0_0", text: "Entwurf"),
                                Choice(id: "9282_1_1_0", text: "Beschluss im Rat"),
                                Choice(id: "4410_2_2_0", text: "Ausfertigung"),
                                Choice(id: "1037_3_3_0", text: "Bekanntmachung"),
                            ],
                            correctOrder: ["3154_0_0_0", "9282_1_1_0", "4410_2_2_0", "1037_3_3_0"])),
                    [
                        "ILIAS scores ordering all or nothing; here each element in its right place earns its share of "
                            + "the points"
                    ]))
    }

    @Test("ordering: idents as answers, shuffled index, points summed without metadata, indentation warned")
    func orderingVariants() throws {
        let nested = F.item(
            "ORDERING QUESTION", title: "Gliederung",
            flow: F.text("Ordnen Sie.")
                + """
                <response_lid ident="OQNT" rcardinality="Ordered"><render_choice shuffle="Yes">\
                <response_label ident="a"><material><mattext>Haushalt</mattext></material>\
                <material><mattext label="answerdepth">0</mattext></material></response_label>\
                <response_label ident="b"><material><mattext>Ergebnisplan</mattext></material>\
                <material><mattext label="answerdepth">1</mattext></material></response_label>\
                <response_label ident="c"><material><mattext>Finanzplan</mattext></material>\
                <material><mattext label="answerdepth">1</mattext></material></response_label>\
                </render_choice></response_lid>
                """,
            conditions: F.condition("OQNT", "c", points: "0.25", index: "2")
                + F.condition("OQNT", "a", points: "0.25", index: "0")
                + F.condition("OQNT", "b", points: "0.25", index: "1"))
        let question = try single(nested)
        let item = try #require(question.item)
        #expect(item.points == Rational(3, 4))
        #expect(
            item.kind
                == .ordering(
                    elements: [
                        Choice(id: "a", text: "Haushalt"), Choice(id: "b", text: "Ergebnisplan"),
                        Choice(id: "c", text: "Finanzplan"),
                    ], correctOrder: ["a", "b", "c"]))
        #expect(question.warnings.first == "indentation of elements not kept (ILIAS also scored the indentation)")

        let pictures = F.item(
            "ORDERING QUESTION", title: "Bilder",
            flow: F.text("Ordnen Sie die Bilder.")
                + "<response_lid ident=\"OQP\" rcardinality=\"Ordered\"><render_choice/></response_lid>")
        #expect(
            try single(pictures).status
                == .skipped(reason: "ordering of pictures is not supported (images are not embedded)"))

        let missingPosition = F.item(
            "ORDERING QUESTION", title: "Ohne Position",
            flow: F.text("Ordnen Sie.") + F.choice("OQT", cardinality: "Ordered", ["eins", "zwei"]),
            conditions: F.condition("OQT", "0", points: "1", index: "0"))
        #expect(
            try single(missingPosition).status
                == .skipped(reason: "the correct order cannot be read (element '1' has no position)"))
    }

    // MARK: Free text, numeric, matching, text subset

    @Test("free text becomes an essay; keyword scoring and length limit warned")
    func essay() throws {
        let question = try single(F.essay)
        #expect(
            question.status
                == .importedWithWarnings(
                    Item(
                        id: "Buergerbeteiligung", topic: "imported", points: Rational(6),
                        stem: "Erläutern Sie zwei Formen der Bürgerbeteiligung.",
                        kind: .essay(responseTemplate: nil, graderInfo: nil)),
                    [
                        "keyword scoring not kept; graded by a person",
                        "maximum answer length of 2000 characters not kept",
                    ]))
        let manual = F.item(
            "TEXT QUESTION", title: "Manuell", fields: [("termrelation", "non")],
            flow: F.text("Begründen Sie.")
                + "<response_str ident=\"TEXT\"><render_fib fibtype=\"String\"/></response_str>",
            outcomes: "<decvar varname=\"WritingScore\" maxvalue=\"2.5\"/>")
        #expect(
            try single(manual).status
                == .imported(
                    Item(
                        id: "Manuell", topic: "imported", points: Rational(5, 2), stem: "Begründen Sie.",
                        kind: .essay(responseTemplate: nil, graderInfo: nil))))
        let noPoints = F.item(
            "TEXT QUESTION", title: "Ohne Punkte",
            flow: F.text("Begründen Sie.") + "<response_str ident=\"TEXT\"><render_fib/></response_str>")
        #expect(try single(noPoints).status == .skipped(reason: "the question has no points"))
    }

    @Test("numeric question: range with its points")
    func numeric() throws {
        #expect(
            try single(F.numeric).status
                == .imported(
                    Item(
                        id: "Grunderwerbsteuer", topic: "imported", points: Rational(5, 4),
                        stem: "Wie viel Prozent beträgt die Grunderwerbsteuer in Bayern?",
                        kind: .numeric(answers: [NumericAnswer(Rational(7, 2))], unit: nil))))
        let range = F.item(
            "NUMERIC QUESTION", title: "Bereich",
            flow: F.text("Wert?") + "<response_num ident=\"NUM\"><render_fib fibtype=\"Decimal\"/></response_num>",
            conditions: "<respcondition><conditionvar><vargte respident=\"NUM\">9.5</vargte>"
                + "<varlte respident=\"NUM\">10.25</varlte></conditionvar><setvar action=\"Add\">2</setvar>"
                + "<displayfeedback linkrefid=\"Correct\"/></respcondition>",
            feedback: F.feedback("Correct", "Richtig."))
        let item = try #require(try single(range).item)
        #expect(
            item.kind
                == .numeric(
                    answers: [
                        NumericAnswer(Rational(79, 8), tolerance: .absolute(Rational(3, 8)), feedback: "Richtig.")
                    ], unit: nil))
    }

    @Test("matching: definitions are premises, terms responses; other forms skipped")
    func matching() throws {
        #expect(
            try single(F.matching).status
                == .imported(
                    Item(
                        id: "Organe-der-Gemeinde", topic: "imported", points: Rational(3),
                        stem: "Ordnen Sie den Organen ihre Aufgaben zu.",
                        kind: .matching(
                            premises: [Choice(id: "1", text: "Gemeinderat"), Choice(id: "2", text: "Bürgermeister")],
                            responses: [
                                Choice(id: "11", text: "beschließt die Haushaltssatzung"),
                                Choice(id: "12", text: "vollzieht die Beschlüsse"),
                                Choice(id: "13", text: "prüft die Jahresrechnung"),
                            ], correct: ["1": "11", "2": "12"]))))
        let unequal = F.matching.replacingOccurrences(
            of:
                "<setvar action=\"Add\">1.5</setvar><displayfeedback feedbacktype=\"Response\" linkrefid=\"correct_12_2\"/>",
            with: "<setvar action=\"Add\">2</setvar>")
        #expect(
            try single(unequal).status
                == .skipped(reason: "MATCHING QUESTION is not supported (pairs with different points)"))
        let manyToMany = F.matching.replacingOccurrences(of: ">1:1<", with: ">n:n<")
        #expect(
            try single(manyToMany).status
                == .skipped(reason: "MATCHING QUESTION is not supported (several terms per definition)"))
        let unpaired = F.matching.replacingOccurrences(of: ">12,2<", with: ">12,1<")
        #expect(
            try single(unpaired).status
                == .skipped(reason: "MATCHING QUESTION is not supported (definition '1' has 2 correct terms)"))
    }

    @Test("text subset with one field becomes short text; more fields are skipped")
    func textSubset() throws {
        func subset(fields: Int) -> String {
            var flow = F.text("Nennen Sie ein Organ der Gemeinde.")
            var conditions = ""
            for field in 1...fields {
                flow += "<response_str ident=\"TEXTSUBSET_0\(field)\"><render_fib fibtype=\"String\"/></response_str>"
                conditions +=
                    "<respcondition continue=\"Yes\"><conditionvar><varsubset respident=\"TEXTSUBSET_0\(field)\">"
                    + "Gemeinderat,Bürgermeister</varsubset></conditionvar><setvar varname=\"matches\" action=\"Add\">2"
                    + "</setvar></respcondition>"
                conditions +=
                    "<respcondition continue=\"Yes\"><conditionvar><varsubset respident=\"TEXTSUBSET_0\(field)\">"
                    + "Ortsbeirat</varsubset></conditionvar><setvar varname=\"matches\" action=\"Add\">1</setvar>"
                    + "</respcondition>"
            }
            return F.item(
                "TEXTSUBSET QUESTION", title: "Organe",
                fields: [("textrating", "cs"), ("correctanswers", "\(fields)")],
                flow: flow, conditions: conditions)
        }
        #expect(
            try single(subset(fields: 1)).status
                == .imported(
                    Item(
                        id: "Organe", topic: "imported", points: Rational(2),
                        stem: "Nennen Sie ein Organ der Gemeinde.",
                        kind: .shortText(
                            answers: [
                                TextAnswer("Gemeinderat"), TextAnswer("Bürgermeister"),
                                TextAnswer("Ortsbeirat", credit: Rational(1, 2)),
                            ], pattern: nil, caseSensitive: true))))
        #expect(
            try single(subset(fields: 2)).status
                == .skipped(reason: "TEXTSUBSET QUESTION is not supported (it asks for 2 answers)"))
    }

    @Test("other question types are skipped naming the type")
    func unsupportedTypes() throws {
        #expect(try single(F.kprim).status == .skipped(reason: "KPRIM CHOICE QUESTION is not supported"))
        let errorText = F.item("ERRORTEXT QUESTION", title: "Fehlertext", flow: F.text("Finden Sie die Fehler."))
        #expect(try single(errorText).status == .skipped(reason: "ERRORTEXT QUESTION is not supported"))
        let imageMap = F.item("image map question", title: "Karte", flow: F.text("Klicken Sie."))
        #expect(try single(imageMap).status == .skipped(reason: "IMAGE MAP QUESTION is not supported"))
    }

    @Test("without QUESTIONTYPE the response decides; otherwise the question is skipped")
    func inferredType() throws {
        let bare = F.item(
            nil, title: "Ohne Typ",
            flow: F.text("Ja oder nein?") + F.choice("X", cardinality: "Single", ["Ja", "Nein"]),
            conditions: F.condition("X", "0", points: "1"))
        #expect(
            try single(bare).item?.kind
                == .singleChoice(
                    options: [Choice(id: "0", text: "Ja"), Choice(id: "1", text: "Nein")], correct: "0"))
        let unknown = F.item(
            nil, title: "Unklar", flow: F.text("Text") + "<response_str ident=\"A\"><render_fib/></response_str>")
        #expect(
            try single(unknown).status
                == .skipped(reason: "the question type cannot be determined (the item has no QUESTIONTYPE metadata)"))
    }

    // MARK: Text, media, feedback

    @Test(
        "HTML is reduced to Markdown with warnings; an image outside a zip is a reference; unconditional feedback is general"
    )
    func htmlAndMedia() throws {
        let question = try single(F.htmlSingleChoice)
        let item = try #require(question.item)
        #expect(item.stem == "Welche Gebühr gilt laut *Tabelle*?\n\n | Ausweis | 37 €\n\n![](media/gebuehren.png)")
        #expect(item.feedback == "Siehe Gebührenverordnung.")
        #expect(
            question.warnings
                == [
                    "image il_0_mob_12 not embedded (the source does not contain it); save it as media/gebuehren.png "
                        + "next to the bank",
                    "HTML formatting reduced to Markdown (<table> dropped)",
                ])
    }

    @Test("hints, suggested solutions, media in options and dropped specific feedback are warned")
    func leftOutParts() throws {
        let item = F.item(
            "SINGLE CHOICE QUESTION", title: "Mit Hinweis",
            flow: F.text("Welches Wappen?")
                + """
                <response_lid ident="MCSR" rcardinality="Single"><material><mattext label="suggested_solution">\
                il_0_lm_55</mattext></material><render_choice shuffle="No">\
                <response_label ident="0"><material><mattext>Löwe</mattext><matimage imagtype="image/png" \
                label="loewe.png" embedded="base64">iVBORw0KGgo=</matimage></material></response_label>\
                <response_label ident="1"><material><mattext>Adler</mattext><mataudio uri="adler.mp3"/>\
                </material></response_label></render_choice></response_lid>
                """,
            conditions: F.condition("MCSR", "0", points: "1") + F.condition("MCSR", "1", points: "0"),
            feedback: F.feedback("response_5", "Zu Schlüsselwort 5."),
            extra: "<solutionhint index=\"0\" points=\"0.5\">Denken Sie an Bayern.</solutionhint>")
        #expect(
            try single(item).warnings
                == [
                    "audio adler.mp3 not embedded", "feedback 'response_5' dropped",
                    "1 hint not kept", "suggested solution il_0_lm_55 not kept",
                ])
    }

    // MARK: Points

    @Test("points missing, zero, negative, too large or too precise are skipped with the reason")
    func pointsLimits() throws {
        #expect(try single(F.zeroPoints).status == .skipped(reason: "the question gives no points"))
        func sc(_ points: String) -> String {
            F.item(
                "SINGLE CHOICE QUESTION", title: "Punkte",
                flow: F.text("Frage?") + F.choice("MCSR", cardinality: "Single", ["A", "B"]),
                conditions: F.condition("MCSR", "0", points: points) + F.condition("MCSR", "1", points: "-2"))
        }
        #expect(try single(sc("-1")).status == .skipped(reason: "the question gives no points (its maximum is -1)"))
        #expect(
            try single(sc("1000.5")).status
                == .skipped(
                    reason:
                        "the question's points cannot be kept: points must be at most 1000 with at most 4 decimal places (found 1000.5)"
                ))
        #expect(
            try single(sc("0.00001")).status
                == .skipped(
                    reason:
                        "the question's points cannot be kept: points must be at most 1000 with at most 4 decimal places (found 0.00001)"
                ))
        let unreadable = F.document(sc("zwei"))
        let conditionLine = line(of: "<respcondition", in: unreadable)
        #expect(
            try run(unreadable)[0].status
                == .skipped(
                    reason:
                        "points 'zwei' at line \(conditionLine) cannot be read exactly (a decimal number with at most "
                        + "8 decimal places is expected)"))
        #expect(try single(sc("1e2")).item == nil, "exponents are not read")
        let huge = sc("999999999999.999999999999")
        #expect(try single(huge).item == nil, "out-of-range points are refused, not trapped on")
    }

    @Test("a scoring rule that cannot be represented skips the question, naming its line")
    func unrepresentableScoring() throws {
        let document = F.document(
            F.item(
                "SINGLE CHOICE QUESTION", title: "Nicht gewählt",
                flow: F.text("Frage?") + F.choice("MCSR", cardinality: "Single", ["A", "B"]),
                conditions: F.condition("MCSR", "0", points: "1")
                    + F.condition("MCSR", "1", points: "1", not: true)))
        let ruleLine = line(of: "<not>", in: document)
        #expect(
            try run(document)[0].status
                == .skipped(reason: "the scoring rule at line \(ruleLine) cannot be represented"))
        let action = F.singleChoice.replacingOccurrences(
            of: "<setvar action=\"Add\">2", with: "<setvar action=\"Multiply\">2")
        let actionDocument = F.document(action)
        let actionLine = line(of: "Multiply", in: actionDocument)
        #expect(
            try run(actionDocument)[0].status
                == .skipped(reason: "the scoring action 'Multiply' at line \(actionLine) is not supported"))
    }

    // MARK: Locations, labels, structure

    @Test("locations and labels: one per item in order; untitled items are labelled by their first words")
    func locationsAndLabels() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <questestinterop>
            <item ident="il_0_qst_1" title="Erste Frage">
            <presentation><flow><material><mattext>Wer wählt den Bürgermeister?</mattext></material></flow></presentation>
            </item>
              <item ident="il_0_qst_2">
            <presentation><flow><material><mattext texttype="text/xhtml">&lt;p&gt;Welche Aufgaben hat die \
            Gemeinde im eigenen Wirkungskreis?&lt;/p&gt;</mattext></material></flow></presentation>
              </item>
            </questestinterop>
            """
        let results = try run(xml, name: "fragen/pool.xml")
        #expect(
            results.map(\.location) == [
                SourceLocation(file: "fragen/pool.xml", line: 3, column: 45),
                SourceLocation(file: "fragen/pool.xml", line: 6, column: 27),
            ])
        #expect(results.map(\.label) == ["Erste Frage", "Welche Aufgaben hat die Gemeinde im eige…"])
        #expect(
            results.map(\.status) == [
                .skipped(reason: "the question type cannot be determined (the item has no QUESTIONTYPE metadata)"),
                .skipped(reason: "the question type cannot be determined (the item has no QUESTIONTYPE metadata)"),
            ])
    }

    @Test("the whole pool: one outcome per item in source order, locations at the items")
    func wholePool() throws {
        let results = try run(F.pool)
        #expect(results.count == 12)
        var searchFrom = F.pool.startIndex
        for result in results {
            let range = try #require(F.pool[searchFrom...].range(of: "<item "))
            let expectedLine = F.pool[..<range.lowerBound].count { $0 == "\n" } + 1
            #expect(result.location.line == expectedLine)
            #expect(result.location.file == "pool.xml")
            searchFrom = range.upperBound
        }
        #expect(results.compactMap(\.item).count == 10)
        #expect(Set(results.compactMap(\.item?.id)).count == 10, "item ids are unique")
        #expect(results.compactMap(\.item).allSatisfy { $0.topic == "imported" })
    }

    @Test("items inside assessment/section (ILIAS test exports) are read; duplicate titles get unique ids")
    func sections() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <questestinterop><assessment ident="il_0_tst_1" title="Test"><section ident="s">
            \(F.numeric)
            \(F.numeric.replacingOccurrences(of: "il_0_qst_108", with: "il_0_qst_208"))
            </section></assessment></questestinterop>
            """
        let results = try run(xml)
        #expect(results.compactMap(\.item?.id) == ["Grunderwerbsteuer", "Grunderwerbsteuer-2"])
    }

    // MARK: Malformed files

    @Test("a file that is not well-formed XML fails with its line and column")
    func notWellFormed() throws {
        let xml = "<?xml version=\"1.0\"?>\n<questestinterop>\n<item title=\"a\" ident=>\n</item>\n</questestinterop>\n"
        #expect(
            failure(xml)?.description
                == ImportFailure(
                    file: "pool.xml", line: 3, column: 23, "not well-formed XML: an attribute value is not quoted"
                ).description)
    }

    @Test("a cut-off file fails at its end (the XML parser itself accepts unclosed elements)")
    func truncated() throws {
        let cutAt = try #require(F.pool.range(of: "Grunderwerbsteuer in Bayern")).lowerBound
        let cut = String(F.pool[..<cutAt])
        let lines = cut.split(separator: "\n", omittingEmptySubsequences: false)
        let found = try #require(failure(cut))
        #expect(found.location.file == "pool.xml" && found.location.line == lines.count)
        #expect(found.message == "not well-formed XML: the document ends before all elements are closed")
        #expect(try run(F.pool + "<!-- Ende -->\n\n").count == 12, "trailing comments are fine")
    }

    @Test("a file that is not UTF-8 fails naming the line")
    func notUTF8() throws {
        var bytes = Array(F.document(F.singleChoice).utf8)
        let index = try #require(bytes.firstIndex(of: UInt8(ascii: "B")))
        bytes[index] = 0xED
        let line = bytes[..<index].count { $0 == 0x0A } + 1
        let error = try #require(failure(data: Data(bytes)))
        #expect(
            error.description
                == ImportFailure(
                    file: "pool.xml", line: line, "the file is not UTF-8 text; save it as UTF-8 and import again"
                ).description)
    }

    @Test("a different root element fails naming it")
    func wrongRoot() throws {
        let error = try #require(failure("<?xml version=\"1.0\"?>\n<quiz>\n<question/>\n</quiz>\n", name: "moodle.xml"))
        #expect(
            error.description
                == ImportFailure(
                    file: "moodle.xml", line: 2, column: 6,
                    "the root element is <quiz>, not <questestinterop>; this is not an ILIAS question pool (QTI 1.2) export"
                ).description)
    }

    @Test("entity declarations, empty documents and empty pools")
    func otherMalformedInput() throws {
        let entities = "<?xml version=\"1.0\"?>\n<!DOCTYPE q [\n<!ENTITY a \"b\">]>\n<questestinterop/>"
        #expect(
            failure(entities)?.description
                == ImportFailure(
                    file: "pool.xml", line: 3, "the document declares XML entities, which are not accepted"
                ).description)
        #expect(failure("")?.message.hasPrefix("not well-formed XML") == true)
        #expect(try run("<questestinterop/>").isEmpty)
        let noPresentation = "<questestinterop><item ident=\"x\" title=\"Leer\"/></questestinterop>"
        #expect(try run(noPresentation).map(\.status) == [.skipped(reason: "the question has no <presentation>")])
    }

    // MARK: Fuzzing

    @Test("2,000 seeded mutations: no crash; every result is a failure or valid outcomes")
    func fuzz() throws {
        let seeds = [
            F.document(F.singleChoice, F.weightedSingleChoice), F.document(F.multipleChoice, F.numeric),
            F.document(F.cloze), F.document(F.clozeWithApproximations, F.essay), F.document(F.ordering, F.matching),
            F.document(F.htmlSingleChoice, F.kprim, F.zeroPoints),
        ].map { Data($0.utf8) }
        var generator = SeededGenerator(seed: "ilias-fuzz")
        var failures = 0
        var imported = 0
        for round in 0..<2_000 {
            let bytes = ByteMutations.mutate(
                [UInt8](seeds[round % seeds.count]), using: &generator,
                tokens: ["<", ">", "\"", "&amp;", "{{gap_0}}", "</item>", "<not>", "0", "1:1", "n:n", "-0.5", "1e9"])
            let source = ImportSource(name: "fuzz.xml", data: Data(bytes))
            do {
                let results = try ILIASImporter.questions(in: source)
                for result in results {
                    #expect(result.location.file == "fuzz.xml")
                    #expect(result.location.line >= 1)
                    if let item = result.item {
                        imported += 1
                        let problems = ItemInvariants.problems(item)
                        #expect(problems.isEmpty, "\(problems) in round \(round)")
                    }
                }
            } catch {
                failures += 1
                #expect(error.location.file == "fuzz.xml")
                #expect(error.location.line >= 1)
            }
        }
        #expect(failures > 0 && imported > 0, "the mutations reach both outcomes")
    }
}

/// What the bank validator objects to in importer output, and what the ILIAS importer promises beyond it: 1 to 20
/// accepted answers, and gaps in the order of their placeholders.
enum ItemInvariants {
    static func problems(_ item: Item) -> [String] {
        var problems = item.problems().map(\.description)
        func accepted(_ count: Int, _ what: String) {
            if !(1...BankRules.maximumChoices).contains(count) { problems.append("\(what) \(count)") }
        }
        switch item.kind {
        case .shortText(let answers, _, _):
            accepted(answers.count, "short answers")
        case .cloze(let gaps):
            if ClozeText.placeholders(in: item.stem) != gaps.map(\.id) { problems.append("placeholders match gaps") }
            for gap in gaps {
                if case .text(let answers, _) = gap.kind { accepted(answers.count, "gap answers") }
            }
        case .singleChoice, .multipleResponse, .trueFalse, .numeric, .matching, .ordering, .essay:
            break
        }
        return problems
    }
}
