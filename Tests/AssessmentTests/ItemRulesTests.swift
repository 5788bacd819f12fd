import Foundation
import Testing

@testable import Assessment

@Suite("Item validator")
struct ItemRulesTests {
    @Test("every item of the sample banks has no problem", arguments: SampleBanks.names)
    func sampleItemsAreValid(name: String) throws {
        let bank = try SampleBanks.load(name)
        for item in bank.items {
            #expect(item.problems() == [], "\(item.id)")
        }
        #expect(BankRules.headerProblems(of: bank) == [])
    }

    @Test("each broken rule is reported with the path into the item and the reader's sentence")
    func pathsAndSentences() {
        let options = (0..<3).map { Choice(id: "o\($0)", text: $0 == 2 ? " " : "Text \($0)") }
        let choice = Item(
            id: "q1", topic: "t", points: Rational(2), stem: "Frage",
            kind: .singleChoice(options: options, correct: "x"))
        #expect(
            choice.problems() == [
                ItemProblem(path: "options[2].text", message: "text is empty")
            ])

        let gaps = [
            Gap(
                id: "g1", weight: Rational(0),
                kind: .text(answers: [TextAnswer("ja", credit: Rational(2000))], caseSensitive: false)),
            Gap(id: "g2", kind: .numeric(answers: [NumericAnswer(Rational(1), tolerance: .absolute(Rational(-1)))])),
        ]
        let cloze = Item(
            id: "q2", topic: "t", points: Rational(1001), stem: String(repeating: "x", count: 10_001) + " {{g1}}",
            kind: .cloze(gaps: gaps))
        #expect(
            cloze.problems().map(\.description) == [
                "points must be at most 1000 with at most 4 decimal places (found 1001) (at points)",
                "stem has 10008 characters; at most 10000 are allowed (at stem)",
                "weight '0' must be a number greater than 0 and at most 1000 (at gaps.g1.weight)",
                "credit '2000' must be a number or fraction between -1000 and 1000 (1 = full points) "
                    + "(at gaps.g1.accepted[0].credit)",
                "tolerance must not be negative (found -1) (at gaps.g2.answers[0].tolerance)",
                "gap 'g2' does not appear in the stem as {{g2}} (at gaps.g2)",
            ])
    }

    @Test("counts outside the limits are reported once for the list")
    func counts() {
        let many = (0..<21).map { Choice(id: "e\($0)", text: "E") }
        let ordering = Item(
            id: "q", topic: "t", points: .one, stem: "Ordne",
            kind: .ordering(elements: many, correctOrder: many.map(\.id)))
        #expect(
            ordering.problems() == [
                ItemProblem(path: "elements", message: "'elements' has 21 entries; at most 20 are allowed")
            ])
        let lonely = Item(
            id: "q", topic: "t", points: .one, stem: "Wähle",
            kind: .multipleResponse(options: [Choice(id: "a", text: "A")], correct: ["a"]))
        #expect(
            lonely.problems() == [ItemProblem(path: "options", message: "'options' needs at least 2 entries (found 1)")]
        )
        let numeric = Item(
            id: "q", topic: "t", points: .one, stem: "Zahl", kind: .numeric(answers: [], unit: nil))
        #expect(
            numeric.problems() == [ItemProblem(path: "answers", message: "'answers' needs 1 to 20 entries (found 0)")])
    }

    @Test("the validator and the YAML reader word a broken limit the same way")
    func agreesWithReader() throws {
        let long = String(repeating: "a", count: 10_001)
        let result = readBank(
            validHeader + """
                  - id: q1
                    type: short-text
                    topic: t
                    points: 1
                    stem: Frage
                    feedback: \(long)
                    accepted:
                      - { text: ja, credit: 1001 }
                """)
        let item = Item(
            id: "q1", topic: "t", points: .one, stem: "Frage", feedback: long,
            kind: .shortText(answers: [TextAnswer("ja", credit: Rational(1001))], pattern: nil, caseSensitive: false))
        #expect(result.problems.map(\.message) == item.problems().map(\.message))
        #expect(result.problems.count == 2)
    }
}
