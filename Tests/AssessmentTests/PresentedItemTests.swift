import Foundation
import Testing

@testable import Assessment

@Suite("Presented items and feedback")
struct PresentedItemTests {
    static let options = [
        Choice(id: "a", text: "Akte", feedback: "Nein, die Akte ist es nicht."),
        Choice(id: "b", text: "Vorgang", feedback: "Genau, der Vorgang."),
        Choice(id: "c", text: "Dokument", feedback: "Nein."),
    ]
    static let bank = Bank(
        id: "present", title: "T", language: "de", provider: "P", version: "1",
        items: [
            Item(
                id: "sc", topic: "t", points: Rational(2), stem: "Was bündelt Dokumente?", feedback: "Allgemein.",
                kind: .singleChoice(options: options, correct: "b")),
            Item(
                id: "m", topic: "t", points: Rational(3), stem: "Ordnen Sie zu.",
                kind: .matching(
                    premises: [Choice(id: "p1", text: "eins"), Choice(id: "p2", text: "zwei")],
                    responses: [Choice(id: "r1", text: "Eins"), Choice(id: "r2", text: "Zwei")],
                    correct: ["p1": "r1", "p2": "r2"])),
            Item(
                id: "cl", topic: "t", points: Rational(2), stem: "Frist {{d}} Tage, Ablage {{w}}.",
                kind: .cloze(gaps: [
                    Gap(
                        id: "w",
                        kind: .choice(
                            options: [Choice(id: "x", text: "Akte"), Choice(id: "y", text: "Ordner")], correct: "x")),
                    Gap(id: "d", kind: .numeric(answers: [NumericAnswer(Rational(14))])),
                ])),
            Item(
                id: "n", topic: "t", points: Rational(1), stem: "Wie lange?",
                kind: .numeric(
                    answers: [NumericAnswer(Rational(72), tolerance: .absolute(Rational(1, 2)))], unit: "Stunden")),
        ])

    func drawn(_ id: String, _ order: [String]) -> DrawnItem { DrawnItem(itemID: id, choiceOrder: order) }

    func label(of id: String, in item: PresentedItem) -> String? {
        guard case .singleChoice(let options) = item.body else { return nil }
        return options.first { $0.id == id }?.label
    }

    @Test("options come in draw order with letters, and nothing of the key or feedback is shown")
    func noKey() throws {
        let item = try #require(Self.bank.item(withID: "sc"))
        let presented = PresentedItem(item: item, drawn: drawn("sc", ["c", "b", "a"]))
        #expect(
            presented.body
                == .singleChoice(options: [
                    PresentedChoice(id: "c", label: "A", text: "Dokument"),
                    PresentedChoice(id: "b", label: "B", text: "Vorgang"),
                    PresentedChoice(id: "a", label: "C", text: "Akte"),
                ]))
        let json = String(decoding: try JSONEncoder().encode(presented), as: UTF8.self)
        for secret in ["correct", "Genau", "Nein", "Allgemein", "feedback", "credit"] {
            #expect(!json.contains(secret), "\(secret) leaks into \(json)")
        }
    }

    @Test("the input format of a matching item is an example that is not the solution")
    func matchingFormat() throws {
        let item = try #require(Self.bank.item(withID: "m"))
        let straight = PresentedItem(item: item, drawn: drawn("m", ["r1", "r2"]))
        #expect(straight.inputFormat == .pairs(example: "1B 2A"))
        let swapped = PresentedItem(item: item, drawn: drawn("m", ["r2", "r1"]))
        #expect(swapped.inputFormat == .pairs(example: "1A 2B"))
    }

    @Test("a cloze stem shows its gaps numbered in stem order; a numeric item asks for its unit")
    func clozeAndNumeric() throws {
        let cloze = PresentedItem(item: try #require(Self.bank.item(withID: "cl")), drawn: drawn("cl", []))
        #expect(cloze.stem == "Frist [1] Tage, Ablage [2].")
        guard case .cloze(let gaps) = cloze.body else {
            Issue.record("not presented as a cloze item")
            return
        }
        #expect(gaps.map(\.id) == ["d", "w"])
        #expect(gaps.map(\.number) == [1, 2])
        let numeric = PresentedItem(item: try #require(Self.bank.item(withID: "n")), drawn: drawn("n", []))
        #expect(numeric.inputFormat == .number(unit: "Stunden"))
    }

    @Test("feedback is available only from an answered item, in a self-test at once, otherwise after submission")
    func feedbackOnlyAfterAnswering() throws {
        let draw = try ExamDraw(bank: Self.bank, blueprint: .random(count: 4), seed: "f")
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var quiz = try Attempt(
            id: "q", learnerID: "l", kind: .selfTest, bank: Self.bank, draw: draw, timeLimit: nil, startedAt: start)
        #expect(quiz.presentedFeedback(for: "sc") == nil)
        try quiz.save(.choice("a"), for: "sc", at: start)
        let feedback = try #require(quiz.presentedFeedback(for: "sc"))
        let shown = try #require(quiz.presentation(of: "sc"))
        let letterOfA = try #require(label(of: "a", in: shown))
        let letterOfB = try #require(label(of: "b", in: shown))
        #expect(feedback.optionFeedback == [LabeledFeedback(label: letterOfA, text: "Nein, die Akte ist es nicht.")])
        #expect(feedback.solution == .letters([letterOfB]))
        #expect(feedback.generalFeedback == "Allgemein.")
        #expect(feedback.score.verdict == .incorrect)

        var exam = try Attempt(
            id: "e", learnerID: "l", kind: .homework, bank: Self.bank, draw: draw, timeLimit: nil, startedAt: start)
        try exam.save(.number(Rational(145, 2)), for: "n", at: start)
        #expect(exam.presentedFeedback(for: "n") == nil, "homework feedback waits for submission")
        _ = try exam.submit(at: start)
        let numeric = try #require(exam.presentedFeedback(for: "n"))
        #expect(numeric.score.verdict == .correct)
        #expect(
            numeric.solution
                == .number(NumericAnswer(Rational(72), tolerance: .absolute(Rational(1, 2))), unit: "Stunden"))
        #expect(exam.presentedFeedback(for: "sc") == nil, "an unanswered item has no feedback")
        #expect(exam.presentation(of: "nope") == nil)
    }
}
