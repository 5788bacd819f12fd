import Testing

@testable import Assessment

private func options(_ ids: String...) -> [Choice] {
    ids.map { Choice(id: $0, text: "Option \($0)") }
}

private func score(_ kind: ItemKind, points: Int = 6, _ response: Response?) -> Rational {
    ItemScorer(item: Item(id: "i", topic: "t", points: Rational(points), stem: "?", kind: kind)).score(response).points
}

@Suite("Scoring rules per item type")
struct ScoringTests {
    @Test("single choice: full points for the key, none otherwise")
    func singleChoice() {
        let kind = ItemKind.singleChoice(options: options("a", "b", "c"), correct: "b")
        #expect(score(kind, .choice("b")) == Rational(6))
        #expect(score(kind, .choice("a")) == .zero)
        #expect(score(kind, .choice("zz")) == .zero)
        #expect(score(kind, .truth(true)) == .zero, "a response of the wrong shape scores 0")
        let scorer = ItemScorer(item: Item(id: "i", topic: "t", points: Rational(1), stem: "?", kind: kind))
        #expect(scorer.score(nil).verdict == .unanswered)
        #expect(scorer.score(.choice("b")).verdict == .correct)
        #expect(scorer.score(.choice("a")).verdict == .incorrect)
    }

    @Test("multiple response: +P/c per correct tick, −P/w per wrong tick, floored at 0")
    func multipleResponse() {
        // c = 3 correct (a, b, c), w = 2 wrong (d, e), P = 6.
        let kind = ItemKind.multipleResponse(options: options("a", "b", "c", "d", "e"), correct: ["a", "b", "c"])
        #expect(score(kind, .choices(["a", "b", "c"])) == Rational(6))
        #expect(score(kind, .choices(["a"])) == Rational(2))
        #expect(score(kind, .choices(["a", "b"])) == Rational(4))
        #expect(score(kind, .choices(["a", "b", "d"])) == Rational(1), "2·6/3 − 6/2 = 1")
        #expect(score(kind, .choices(["a", "b", "c", "d"])) == Rational(3), "6 − 3")
        #expect(score(kind, .choices(["a", "d", "e"])) == .zero, "2 − 6 is floored at 0")
        #expect(score(kind, .choices(["a", "b", "c", "d", "e"])) == .zero, "ticking everything scores 0")
        #expect(score(kind, .choices([])) == .zero)
        #expect(score(kind, .choices(["x", "y"])) == .zero, "unknown ids neither earn nor cost")
        let partial = ItemScorer(item: Item(id: "i", topic: "t", points: Rational(6), stem: "?", kind: kind))
            .score(.choices(["a"]))
        #expect(partial.verdict == .partiallyCorrect)
    }

    @Test("multiple response: one-third credit stays exact")
    func multipleResponseThirds() {
        let kind = ItemKind.multipleResponse(options: options("a", "b", "c", "d"), correct: ["a", "b", "c"])
        #expect(score(kind, points: 1, .choices(["a"])) == Rational(1, 3))
        #expect(score(kind, points: 1, .choices(["a", "b", "c", "d"])) == .zero, "1 − 1/1 = 0")
        #expect(score(kind, points: 2, .choices(["a", "b"])) == Rational(4, 3))
    }

    @Test("true/false")
    func trueFalse() {
        let kind = ItemKind.trueFalse(correct: false, feedbackTrue: nil, feedbackFalse: nil)
        #expect(score(kind, .truth(false)) == Rational(6))
        #expect(score(kind, .truth(true)) == .zero)
    }

    @Test("numeric with absolute tolerance: the boundary is inside, just beyond is outside")
    func numericAbsolute() {
        let kind = ItemKind.numeric(
            answers: [NumericAnswer(Rational(72), tolerance: .absolute(Rational(1, 2)))], unit: "h")
        #expect(score(kind, .number(Rational(72))) == Rational(6))
        #expect(score(kind, .number(Rational(decimal: "72.5")!)) == Rational(6))
        #expect(score(kind, .number(Rational(decimal: "71,5")!)) == Rational(6))
        #expect(score(kind, .number(Rational(decimal: "72.5001")!)) == .zero)
        #expect(score(kind, .number(Rational(decimal: "71.4999")!)) == .zero)
    }

    @Test("numeric with relative tolerance uses the size of the key, also for negative keys")
    func numericRelative() {
        let kind = ItemKind.numeric(
            answers: [NumericAnswer(Rational(-200), tolerance: .relative(Rational(5, 100)))], unit: nil)
        #expect(score(kind, .number(Rational(-210))) == Rational(6))
        #expect(score(kind, .number(Rational(-190))) == Rational(6))
        #expect(score(kind, .number(Rational(decimal: "-210.01")!)) == .zero)
        #expect(score(kind, .number(Rational(200))) == .zero)
    }

    @Test("numeric without tolerance needs the exact value")
    func numericExact() {
        let kind = ItemKind.numeric(answers: [NumericAnswer(Rational(2017), tolerance: .exact)], unit: nil)
        #expect(score(kind, .number(Rational(2017))) == Rational(6))
        #expect(score(kind, .number(Rational(decimal: "2017.0001")!)) == .zero)
    }

    @Test("short text ignores case and runs of white space")
    func shortTextAccepted() {
        let kind = ItemKind.shortText(
            answers: [TextAnswer("Grundsatz der  Aktenmäßigkeit"), TextAnswer("Aktenmäßigkeit")], pattern: nil,
            caseSensitive: false)
        #expect(score(kind, .text("aktenmäßigkeit")) == Rational(6))
        #expect(score(kind, .text("  GRUNDSATZ der\tAktenmäßigkeit \n")) == Rational(6))
        #expect(score(kind, .text("Aktenmaessigkeit")) == .zero)
        #expect(score(kind, .text("")) == .zero)
    }

    @Test("short text pattern must match the whole answer, case-insensitively")
    func shortTextPattern() {
        let kind = ItemKind.shortText(
            answers: [], pattern: "(grundsatz der )?aktenm(ä|ae)(ß|ss)igkeit", caseSensitive: false)
        #expect(score(kind, .text("Aktenmaessigkeit")) == Rational(6))
        #expect(score(kind, .text(" Grundsatz der Aktenmäßigkeit ")) == Rational(6))
        #expect(score(kind, .text("keine Aktenmäßigkeit")) == .zero, "a partial match is not enough")
        #expect(score(kind, .text(String(repeating: "a", count: 501))) == .zero, "over-long answers score 0")
    }

    @Test("matching: partial credit per premise; distractor responses earn nothing")
    func matching() {
        let kind = ItemKind.matching(
            premises: options("p1", "p2", "p3"), responses: options("r1", "r2", "r3", "r4"),
            correct: ["p1": "r1", "p2": "r2", "p3": "r3"])
        #expect(score(kind, .matches(["p1": "r1", "p2": "r2", "p3": "r3"])) == Rational(6))
        #expect(score(kind, .matches(["p1": "r1", "p2": "r3", "p3": "r2"])) == Rational(2))
        #expect(score(kind, .matches(["p1": "r4", "p2": "r2"])) == Rational(2))
        #expect(score(kind, .matches(["p1": "r1", "p2": "r1", "p3": "r1"])) == Rational(2))
        #expect(score(kind, .matches([:])) == .zero)
    }

    @Test("ordering: partial credit per element in its right position")
    func ordering() {
        let kind = ItemKind.ordering(elements: options("a", "b", "c", "d"), correctOrder: ["a", "b", "c", "d"])
        #expect(score(kind, .order(["a", "b", "c", "d"])) == Rational(6))
        #expect(score(kind, .order(["a", "b", "d", "c"])) == Rational(3))
        #expect(score(kind, .order(["b", "a", "d", "c"])) == .zero)
        #expect(score(kind, .order(["d", "b", "c", "a"])) == Rational(3))
        #expect(score(kind, .order(["a"])) == Rational(3, 2), "a short list scores only the positions it has")
        #expect(score(kind, .order(["a", "b", "c", "d", "e", "f"])) == Rational(6))
    }
}
