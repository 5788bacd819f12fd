import Foundation
import Testing

@testable import Assessment

@Suite("The YAML reader reports Item.problems() at the values' positions")
struct ReaderRulesAgreementTests {
    /// Where a problem must be reported: the first (or `occurrence`-th) place `text` stands in the written file,
    /// at the `|` in it.
    struct Needle: ExpressibleByStringLiteral {
        let text: String
        let occurrence: Int

        init(_ text: String, occurrence: Int) {
            self.text = text
            self.occurrence = occurrence
        }

        init(stringLiteral text: String) { self.init(text, occurrence: 1) }

        /// `line:column` of the `|` in `yaml`, or `nil` when the text is not there.
        func position(in yaml: String) -> String? {
            let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            var searchFrom = yaml.startIndex
            var found: Range<String.Index>? = nil
            for _ in 0..<occurrence {
                found = yaml.range(of: parts.joined(), range: searchFrom..<yaml.endIndex)
                guard let range = found else { return nil }
                searchFrom = range.upperBound
            }
            guard let found else { return nil }
            let marker = yaml.unicodeScalars.index(found.lowerBound, offsetBy: parts[0].unicodeScalars.count)
            let before = yaml.unicodeScalars[..<marker]
            let line = before.filter { $0 == "\n" }.count + 1
            let lineStart = before.lastIndex(of: "\n").map { yaml.unicodeScalars.index(after: $0) } ?? before.startIndex
            return "\(line):\(yaml.unicodeScalars.distance(from: lineStart, to: marker) + 1)"
        }
    }

    static func choices(_ ids: [String], text: String = "T") -> [Choice] { ids.map { Choice(id: $0, text: text) } }

    static func item(
        id: String = "q1", topic: String = "t", points: Rational = .one, stem: String = "Frage",
        feedback: String? = nil, _ kind: ItemKind
    ) -> Item {
        Item(id: id, topic: topic, points: points, stem: stem, feedback: feedback, kind: kind)
    }

    static let single = ItemKind.singleChoice(options: choices(["a", "b"]), correct: "a")
    static let long = String(repeating: "x", count: BankRules.maximumTextLength + 1)
    static func gap(_ id: String, _ answer: String = "ja", weight: Rational = .one) -> Gap {
        Gap(id: id, weight: weight, kind: .text(answers: [TextAnswer(answer)], caseSensitive: false))
    }

    /// Broken items, together covering every limit of ``BankRules`` the bank format can spell, with where each
    /// problem must be reported (in the order of `Item.problems()`).
    static let cases: [(String, Item, [Needle])] = [
        ("item id", item(id: "bad id", single), ["- id: |bad id"]),
        ("topic", item(topic: "t?", single), ["topic: |t?"]),
        ("points of 0", item(points: .zero, single), ["points: |0"]),
        ("points with five places", item(points: Rational(100_001, 100_000), single), ["points: |1.00001"]),
        ("blank stem", item(stem: " ", single), ["stem: |' '"]),
        ("overlong feedback", item(feedback: long, single), ["feedback: |x"]),
        (
            "option without text",
            item(.singleChoice(options: [Choice(id: "a", text: "A"), Choice(id: "b", text: "")], correct: "a")),
            ["text:|\n  answer"]
        ),
        ("option id", item(.singleChoice(options: choices(["a a", "b"]), correct: "b")), ["- id: |a a"]),
        ("one option", item(.singleChoice(options: choices(["a"]), correct: "a")), ["options:\n  |- id: a"]),
        (
            "21 elements",
            item(.ordering(elements: choices((0...20).map { "e\($0)" }), correctOrder: (0...20).map { "e\($0)" })),
            ["elements:\n  |- id: e0"]
        ),
        (
            "option credit",
            item(
                .singleChoice(
                    options: [Choice(id: "a", text: "A", credit: Rational(2000)), Choice(id: "b", text: "B")],
                    correct: "a")),
            ["credit: |2000"]
        ),
        (
            "unchecked credit",
            item(
                .multipleResponse(
                    options: [
                        Choice(id: "a", text: "A", uncheckedCredit: Rational(-1001)), Choice(id: "b", text: "B"),
                    ],
                    correct: ["a"])),
            ["uncheckedCredit: |-1001"]
        ),
        ("answer not an option", item(.singleChoice(options: choices(["a", "b"]), correct: "z")), ["answer: |z"]),
        ("no correct option", item(.multipleResponse(options: choices(["a", "b"]), correct: [])), ["answer: |[]"]),
        (
            "unknown response",
            item(.matching(premises: choices(["p1"]), responses: choices(["r1"]), correct: ["p1": "r9"])),
            ["p1: |r9"]
        ),
        (
            "premise without response",
            item(.matching(premises: choices(["p1", "p2"]), responses: choices(["r1"]), correct: ["p1": "r1"])),
            ["answer:\n    |p1: r1"]
        ),
        (
            "answer not an element",
            item(.ordering(elements: choices(["a", "b"]), correctOrder: ["a", "zz"])), ["- |zz"]
        ),
        (
            "element twice",
            item(.ordering(elements: choices(["a", "b"]), correctOrder: ["a", "a"])), ["  - a\n  - |a"]
        ),
        (
            "element missing",
            item(.ordering(elements: choices(["a", "b", "c"]), correctOrder: ["a", "b"])), ["answer:\n  |- a"]
        ),
        ("no gaps", item(.cloze(gaps: [])), ["gaps: |[]"]),
        (
            "repeated gap id",
            item(stem: "{{g1}}", .cloze(gaps: [gap("g1", "eins"), gap("g1", "zwei")])),
            [Needle("- |id: g1", occurrence: 2)]
        ),
        (
            "unknown and repeated placeholders",
            item(stem: "{{g9}} {{g1}} {{g1}}", .cloze(gaps: [gap("g1")])),
            ["stem: |'", "stem: |'"]
        ),
        ("missing placeholder", item(stem: "{{g1}}", .cloze(gaps: [gap("g1"), gap("g2")])), ["- |id: g2"]),
        ("gap id", item(stem: "{{g1}}", .cloze(gaps: [gap("g1"), gap("g 2")])), ["- id: |g 2", "- |id: g 2"]),
        ("gap weight", item(stem: "{{g1}}", .cloze(gaps: [gap("g1", weight: .zero)])), ["weight: |0"]),
        (
            "text gap without answers",
            item(stem: "{{g1}}", .cloze(gaps: [Gap(id: "g1", kind: .text(answers: [], caseSensitive: false))])),
            ["accepted: |[]"]
        ),
        (
            "choice gap with one option",
            item(stem: "{{g1}}", .cloze(gaps: [Gap(id: "g1", kind: .choice(options: choices(["a"]), correct: "a"))])),
            ["options:\n    |- id: a"]
        ),
        (
            "blank accepted answer",
            item(.shortText(answers: [TextAnswer("ja"), TextAnswer(" ")], pattern: nil, caseSensitive: false)),
            ["- |' '"]
        ),
        (
            "accepted answer credit",
            item(.shortText(answers: [TextAnswer("ja", credit: Rational(1001))], pattern: nil, caseSensitive: false)),
            ["credit: |1001"]
        ),
        (
            "neither accepted nor pattern",
            item(.shortText(answers: [], pattern: nil, caseSensitive: false)), ["- |id: q1"]
        ),
        ("bad pattern", item(.shortText(answers: [], pattern: "(", caseSensitive: false)), ["pattern: |("]),
        ("no numeric answers", item(.numeric(answers: [], unit: nil)), ["answers: |[]"]),
        (
            "21 numeric answers",
            item(.numeric(answers: (0...20).map { NumericAnswer(Rational($0)) }, unit: nil)),
            ["answers:\n  |- value: 0"]
        ),
        (
            "negative tolerance",
            item(.numeric(answers: [NumericAnswer(Rational(5), tolerance: .absolute(Rational(-1)))], unit: nil)),
            ["tolerance: |-1"]
        ),
        (
            "negative relative tolerance",
            item(.numeric(answers: [NumericAnswer(Rational(5), tolerance: .relative(Rational(-1, 2)))], unit: nil)),
            ["relativeTolerance: |-0.5"]
        ),
        (
            "numeric answer credit and feedback",
            item(.numeric(answers: [NumericAnswer(Rational(5), credit: Rational(1001), feedback: long)], unit: nil)),
            ["credit: |1001", "feedback: |x"]
        ),
    ]

    @Test(
        "for each broken item, the reader says what Item.problems() says, at the value the path names",
        arguments: cases.indices)
    func readerAgrees(index: Int) throws {
        let (name, item, needles) = Self.cases[index]
        let found = item.problems()
        #expect(found.count == needles.count, "\(name): \(found)")
        let bank = Bank(id: "b", title: "B", language: "de", provider: "P", version: "1", items: [item])
        let yaml = try BankWriter.yaml(bank)
        let result = BankReader.read(Array(yaml.utf8), file: "b.yaml")
        var expected: [String] = []
        for (problem, needle) in zip(found, needles) {
            let position = try #require(needle.position(in: yaml), "\(name): '\(needle.text)' not in\n\(yaml)")
            expected.append("b.yaml:\(position): error: \(problem.message)")
        }
        #expect(result.problems.map(\.description).sorted() == expected.sorted(), "\(name)\n\(yaml)")
    }

    @Test("every limit sentence of BankRules is among the cases")
    func casesCoverTheRules() {
        let messages = Self.cases.flatMap { $0.1.problems().map(\.message) }
        let prefixes = [
            "id '", "topic '", "points must be greater", "points must be at most", "stem is empty",
            "feedback has", "text is empty", "'options' needs at least", "'elements' has 21", "credit '",
            "uncheckedCredit '", "answer 'z' is not one of the options", BankRules.noCorrectOption, "response '",
            "premise 'p2' has no response", "answer 'zz' is not one of the elements", "element 'a' appears twice",
            "'answer' must list every element", "'gaps' needs", "duplicate gap id", "the stem refers to gap",
            "gap '{{g1}}' appears 2 times", "gap 'g2' does not appear", "weight '", BankRules.noAccepted,
            BankRules.emptyAnswer, "item 'q1' has neither", "pattern '", "'answers' needs",
            "tolerance must not be negative", "relativeTolerance must not be negative",
        ]
        for prefix in prefixes {
            #expect(messages.contains { $0.hasPrefix(prefix) }, "no case breaks: \(prefix)")
        }
    }
}
