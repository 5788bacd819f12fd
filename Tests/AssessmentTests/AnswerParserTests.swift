import Testing

@testable import Assessment

@Suite("Reading typed answers")
struct AnswerParserTests {
    static func parser(_ kind: ItemKind, stem: String = "?", order: [String] = []) -> AnswerParser {
        let item = Item(id: "i", topic: "t", points: Rational(1), stem: stem, kind: kind)
        return AnswerParser(item: PresentedItem(item: item, drawn: DrawnItem(itemID: "i", choiceOrder: order)))
    }

    static let abc = [Choice(id: "a", text: "A"), Choice(id: "b", text: "B"), Choice(id: "c", text: "C")]

    @Test("letters refer to the options in draw order; several letters tick several options")
    func letters() {
        let single = Self.parser(.singleChoice(options: Self.abc, correct: "a"), order: ["c", "a", "b"])
        #expect(single.parse(" b ") == .choice("a"))
        #expect(single.parse("A") == .choice("c"))
        #expect(single.parse("A,B") == nil)
        #expect(single.problem(with: "D") == .noSuchLetter("D", available: 3, gap: nil))
        #expect(single.problem(with: "vielleicht") == .unreadable)
        let multiple = Self.parser(.multipleResponse(options: Self.abc, correct: ["a"]), order: ["a", "b", "c"])
        #expect(multiple.parse("a, c") == .choices(["a", "c"]))
        #expect(multiple.parse("a;b c") == .choices(["a", "b", "c"]))
        #expect(multiple.parse("") == nil)
        #expect(multiple.problem(with: "A,Z") == .noSuchLetter("Z", available: 3, gap: nil))
    }

    @Test("true/false takes German and English words")
    func truth() {
        let parser = Self.parser(.trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
        for yes in ["j", "Ja", "wahr", "t", "TRUE", "yes"] { #expect(parser.parse(yes) == .truth(true), "\(yes)") }
        for no in ["n", "nein", "falsch", "F", "no"] { #expect(parser.parse(no) == .truth(false), "\(no)") }
        #expect(parser.parse("vielleicht") == nil)
    }

    @Test("numbers take a decimal comma or point and the item's unit, and nothing else")
    func numbers() {
        let parser = Self.parser(.numeric(answers: [NumericAnswer(Rational(72))], unit: "Stunden"))
        #expect(parser.parse("72 Stunden") == .number(Rational(72)))
        #expect(parser.parse("4,5") == .number(Rational(9, 2)))
        #expect(parser.parse("4.5 stunden") == .number(Rational(9, 2)))
        #expect(parser.parse("72 Tage") == nil)
        #expect(parser.parse("Stunden") == nil)
        #expect(parser.parse("1e400") == nil)
        #expect(AnswerParser.number(in: "-0,25", unit: nil) == Rational(-1, 4))
    }

    @Test("matching takes number-letter pairs and names a number or letter that is not on offer")
    func pairs() {
        let parser = Self.parser(
            .matching(
                premises: [Choice(id: "p1", text: "1"), Choice(id: "p2", text: "2")],
                responses: [Choice(id: "r1", text: "x"), Choice(id: "r2", text: "y")],
                correct: ["p1": "r1", "p2": "r2"]),
            order: ["r2", "r1"])
        #expect(parser.parse("1A 2B") == .matches(["p1": "r2", "p2": "r1"]))
        #expect(parser.parse("1=b, 2-a") == .matches(["p1": "r1", "p2": "r2"]))
        #expect(parser.parse("1A 3B") == nil)
        #expect(parser.problem(with: "1A 3B") == .noSuchNumber(3, available: 2))
        #expect(parser.problem(with: "1C") == .noSuchLetter("C", available: 2, gap: nil))
        #expect(parser.problem(with: "irgendwas") == .unreadable)
    }

    @Test("ordering needs every letter exactly once")
    func orders() {
        let parser = Self.parser(.ordering(elements: Self.abc, correctOrder: ["a", "b", "c"]), order: ["b", "c", "a"])
        #expect(parser.parse("C A B") == .order(["a", "b", "c"]))
        #expect(parser.parse("CAB") == .order(["a", "b", "c"]))
        #expect(parser.parse("C A") == nil)
        #expect(parser.parse("C A A") == nil)
        #expect(parser.problem(with: "C A D") == .noSuchLetter("D", available: 3, gap: nil))
    }

    @Test("a cloze answer gives every gap in stem order, separated by semicolons")
    func gaps() {
        let parser = Self.parser(
            .cloze(gaps: [
                Gap(
                    id: "g",
                    kind: .choice(
                        options: [Choice(id: "x", text: "Akte"), Choice(id: "y", text: "Ordner")], correct: "x")),
                Gap(id: "t", kind: .text(answers: [TextAnswer("Frist")], caseSensitive: false)),
                Gap(id: "n", kind: .numeric(answers: [NumericAnswer(Rational(14))])),
            ]), stem: "{{t}} von {{n}} Tagen in der {{g}}")
        #expect(parser.parse("Frist; 14; b") == .gaps(["t": "Frist", "n": "14", "g": "y"]))
        #expect(parser.parse("Frist; 14") == nil)
        #expect(parser.parse("Frist; 14; C") == nil)
        #expect(parser.problem(with: "Frist; 14; C") == .noSuchLetter("C", available: 2, gap: 3))
        #expect(parser.problem(with: "Frist") == .unreadable)
    }

    @Test("short texts and essays are taken as typed")
    func texts() {
        #expect(
            Self.parser(.shortText(answers: [TextAnswer("x")], pattern: nil, caseSensitive: false)).parse("  Akte ")
                == .text("Akte"))
        #expect(Self.parser(.essay(responseTemplate: nil, graderInfo: nil)).parse(" Weil. ") == .essay(" Weil. "))
    }
}
