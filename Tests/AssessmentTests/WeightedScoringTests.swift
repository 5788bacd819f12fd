import Testing

@testable import Assessment

private func item(_ kind: ItemKind, points: Rational = Rational(6), stem: String = "?") -> Item {
    Item(id: "i", topic: "t", points: points, stem: stem, kind: kind)
}

private func score(_ kind: ItemKind, points: Rational = Rational(6), stem: String = "?", _ response: Response?)
    -> Rational
{
    ItemScorer(item: item(kind, points: points, stem: stem)).score(response).points
}

@Suite("Scoring with credits, cloze and essay")
struct WeightedScoringTests {
    @Test("single choice with option credits: the chosen credit, clamped to 0...1")
    func weightedSingleChoice() {
        let kind = ItemKind.singleChoice(
            options: [
                Choice(id: "a", text: "A", credit: .one), Choice(id: "b", text: "B", credit: Rational(1, 3)),
                Choice(id: "c", text: "C", credit: Rational(-1, 2)), Choice(id: "d", text: "D"),
            ], correct: "a")
        #expect(score(kind, .choice("a")) == Rational(6))
        #expect(score(kind, .choice("b")) == Rational(2))
        #expect(score(kind, .choice("c")) == .zero)
        #expect(score(kind, .choice("d")) == .zero)
        #expect(score(kind, .choice("x")) == .zero)
    }

    @Test("multiple response with credits sums ticked credits and unchecked credits, clamped")
    func weightedMultipleResponse() {
        let kind = ItemKind.multipleResponse(
            options: [
                Choice(id: "a", text: "A", credit: Rational(1, 2), uncheckedCredit: .zero),
                Choice(id: "b", text: "B", credit: Rational(1, 2)),
                Choice(id: "c", text: "C", credit: Rational(-1), uncheckedCredit: Rational(1, 4)),
            ], correct: ["a", "b"])
        #expect(score(kind, .choices(["a", "b"])) == Rational(6))  // 1/2 + 1/2 + 1/4 → clamped to 1
        #expect(score(kind, .choices(["a"])) == Rational(9, 2))  // 1/2 + 1/4
        #expect(score(kind, .choices(["a", "c"])) == .zero)  // 1/2 − 1 → 0
        #expect(score(kind, .choices([])) == Rational(3, 2))  // 1/4 for leaving c unticked
    }

    @Test("numeric with several weighted answers takes the best match")
    func weightedNumeric() {
        let kind = ItemKind.numeric(
            answers: [
                NumericAnswer(Rational(3), tolerance: .exact),
                NumericAnswer(Rational(3), tolerance: .absolute(.one), credit: Rational(1, 2)),
                NumericAnswer(Rational(10), tolerance: .relative(Rational(1, 10)), credit: Rational(1, 4)),
            ], unit: nil)
        #expect(score(kind, .number(Rational(3))) == Rational(6))
        #expect(score(kind, .number(Rational(4))) == Rational(3))
        #expect(score(kind, .number(Rational(4, 1) + Rational(1, 1000))) == .zero)
        #expect(score(kind, .number(Rational(11))) == Rational(3, 2))
    }

    @Test("short text: weighted answers, wildcards and case sensitivity")
    func weightedShortText() {
        let kind = ItemKind.shortText(
            answers: [
                TextAnswer("Aktenplan"), TextAnswer("Akten*", credit: Rational(1, 2), wildcard: true),
                TextAnswer("Stern\\*", credit: Rational(1, 3), wildcard: true),
            ], pattern: nil, caseSensitive: true)
        #expect(score(kind, .text("Aktenplan")) == Rational(6))
        #expect(score(kind, .text("aktenplan")) == .zero)
        #expect(score(kind, .text("Aktenordnung")) == Rational(3))
        #expect(score(kind, .text("Stern*")) == Rational(2))
        #expect(score(kind, .text("Sternchen")) == .zero)
        let path = ItemKind.shortText(
            answers: [TextAnswer("C:\\te*", wildcard: true)], pattern: nil, caseSensitive: false)
        #expect(score(path, .text("C:\\temp")) == Rational(6))
        #expect(score(path, .text("C:temp")) == .zero)
        let insensitive = ItemKind.shortText(answers: [TextAnswer("E-Akte")], pattern: nil, caseSensitive: false)
        #expect(score(insensitive, .text(" e-akte ")) == Rational(6))
    }

    @Test("cloze gaps earn their weighted share; a wrong or missing gap earns nothing")
    func cloze() {
        let kind = ItemKind.cloze(gaps: [
            Gap(
                id: "g1", weight: Rational(2),
                kind: .choice(
                    options: [Choice(id: "x", text: "X"), Choice(id: "y", text: "Y")], correct: "x")),
            Gap(id: "g2", kind: .text(answers: [TextAnswer("Akte")], caseSensitive: false)),
            Gap(
                id: "g3",
                kind: .numeric(answers: [
                    NumericAnswer(Rational(10)), NumericAnswer(Rational(5), credit: Rational(1, 2)),
                ])),
        ])
        let stem = "A {{g1}} B {{g2}} C {{g3}}"
        #expect(
            score(kind, points: Rational(8), stem: stem, .gaps(["g1": "x", "g2": "akte", "g3": "10"])) == Rational(8))
        #expect(score(kind, points: Rational(8), stem: stem, .gaps(["g1": "x"])) == Rational(4))
        #expect(
            score(kind, points: Rational(8), stem: stem, .gaps(["g1": "y", "g2": "Akte", "g3": "5,0"])) == Rational(3))
        #expect(score(kind, points: Rational(8), stem: stem, .gaps(["g3": "zehn"])) == .zero)
        #expect(score(kind, points: Rational(8), stem: stem, .text("x")) == .zero)
    }

    @Test("an essay awaits grading until a grader sets points, which are clamped to the maximum")
    func essay() {
        let scorer = ItemScorer(item: item(.essay(responseTemplate: nil, graderInfo: "Drei Argumente")))
        #expect(scorer.score(.essay("Meine Antwort")).verdict == .awaitingGrading)
        #expect(scorer.score(.essay("   ")).verdict == .unanswered)
        #expect(scorer.score(nil).verdict == .unanswered)
        #expect(scorer.score(.essay("Text"), gradedPoints: Rational(4)).points == Rational(4))
        #expect(scorer.score(.essay("Text"), gradedPoints: Rational(4)).verdict == .partiallyCorrect)
        #expect(scorer.score(.essay("Text"), gradedPoints: Rational(9)).points == Rational(6))
    }

    @Test("exact text of rationals reads back to the same value")
    func exactText() {
        for value in [
            Rational(1, 3), Rational(-37, 2), Rational(3333333, 10_000_000), .zero, Rational(-5), Rational(1, 1024),
        ] {
            #expect(Rational(exactText: value.exactText) == value, "\(value)")
        }
        #expect(Rational(1, 3).exactText == "1/3")
        #expect(Rational(-37, 2).exactText == "-18.5")
        #expect(Rational(exactText: "1/0") == nil)
        #expect(Rational(exactText: "a/3") == nil)
    }
}
