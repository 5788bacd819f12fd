import Foundation
import Testing

@testable import Assessment

/// Reads `yaml` as a bank named `bank.yaml`.
func readBank(_ yaml: String) -> BankReadResult {
    BankReader.read(Array(yaml.utf8), file: "bank.yaml")
}

let validHeader = """
    id: test-bank
    title: Testbank
    language: de
    provider: Testakademie
    version: 1.0.0
    items:

    """

@Suite("Bank validator")
struct BankReaderTests {
    @Test("a valid bank with every item type loads completely")
    func validBank() throws {
        let result = readBank(
            validHeader + """
                  - id: q1
                    type: single-choice
                    topic: ozg
                    difficulty: easy
                    points: 1.5
                    stem: Wofür steht **OZG**?
                    feedback: Allgemein.
                    options:
                      - { id: a, text: Onlinezugangsgesetz, feedback: Richtig. }
                      - { id: b, text: Ordnungsgesetz }
                    answer: a
                  - id: q2
                    type: multiple-response
                    topic: ozg
                    points: 2
                    stem: Welche?
                    options: [{ id: a, text: A }, { id: b, text: B }, { id: c, text: C }]
                    answer: [a, c]
                  - id: q3
                    type: true-false
                    topic: dsgvo
                    points: 1
                    stem: Stimmt das?
                    answer: false
                    feedbackTrue: Nein.
                  - id: q4
                    type: numeric
                    topic: dsgvo
                    points: 1
                    stem: Wie viele Stunden?
                    answer: 72
                    relativeTolerance: 0.05
                    unit: Stunden
                  - id: q5
                    type: short-text
                    topic: akte
                    points: 1
                    stem: Grundsatz?
                    accepted: [Aktenmäßigkeit]
                    pattern: "aktenm(ä|ae)(ß|ss)igkeit"
                  - id: q6
                    type: matching
                    topic: akte
                    points: 2
                    stem: Zuordnen
                    premises: [{ id: p1, text: Eins }, { id: p2, text: Zwei }]
                    responses: [{ id: r1, text: One }, { id: r2, text: Two }, { id: r3, text: Three }]
                    answer: { p1: r1, p2: r2 }
                  - id: q7
                    type: ordering
                    topic: akte
                    points: 3
                    stem: Reihenfolge
                    elements: [{ id: e1, text: A }, { id: e2, text: B }, { id: e3, text: C }]
                    answer: [e2, e1, e3]
                  - id: q8
                    type: cloze
                    topic: akte
                    points: 4
                    stem: "Die {{art}} wird nach {{frist}} Jahren {{was}}."
                    gaps:
                      - id: art
                        type: choice
                        weight: 2
                        options: [{ id: akte, text: Akte }, { id: mail, text: E-Mail, credit: "1/3" }]
                        answer: akte
                      - id: frist
                        type: numeric
                        answers: [{ value: 10, tolerance: 0 }, { value: 5, credit: -0.5, feedback: Zu kurz. }]
                      - id: was
                        type: text
                        caseSensitive: true
                        accepted: [ausgesondert, { text: "vernicht*", credit: 0.5, wildcard: true }]
                  - id: q9
                    type: essay
                    topic: akte
                    points: 5
                    stem: Begründen Sie.
                    responseTemplate: "Weil ..."
                    graderInfo: Drei Argumente erwartet.
                """)
        #expect(result.problems == [])
        let bank = try #require(result.bank)
        #expect(bank.items.map(\.kind.typeName) == ItemType.allCases.map(\.rawValue))
        #expect(bank.items[0].points == Rational(3, 2))
        #expect(bank.items[0].difficulty == .easy)
        #expect(
            bank.items[3].kind
                == .numeric(
                    answers: [NumericAnswer(Rational(72), tolerance: .relative(Rational(1, 20)))], unit: "Stunden"))
        #expect(
            bank.items[6].kind
                == .ordering(
                    elements: [Choice(id: "e1", text: "A"), Choice(id: "e2", text: "B"), Choice(id: "e3", text: "C")],
                    correctOrder: ["e2", "e1", "e3"]))
    }

    /// 1-based column of the first `token` in `line` (in characters; the lines here are ASCII).
    private func column(of token: String, in line: String) -> Int {
        line.distance(from: line.startIndex, to: line.range(of: token)!.lowerBound) + 1
    }

    /// Problems reported for one single-line flow item (on line 7), as `line:column: message`.
    private func problems(inLine line: String) -> [String] {
        problems(inItem: line)
    }

    /// The single problem reported for an item body, as `line:column: message`.
    private func problems(inItem body: String) -> [String] {
        readBank(validHeader + body).problems.map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test("duplicate item ids point at the second id and name the first line")
    func duplicateIDs() {
        let found = problems(
            inItem: """
                  - id: q1
                    type: true-false
                    topic: t
                    points: 1
                    stem: A
                    answer: true
                  - id: q1
                    type: true-false
                    topic: t
                    points: 1
                    stem: B
                    answer: true
                """)
        #expect(found == ["13:9: duplicate item id 'q1' (first defined at line 7)"])
    }

    @Test("a missing answer key is reported at the item")
    func missingKey() {
        let found = problems(
            inItem: """
                  - id: q1
                    type: single-choice
                    topic: t
                    points: 1
                    stem: A
                    options: [{ id: a, text: A }, { id: b, text: B }]
                """)
        #expect(found == ["7:5: item 'q1' has no 'answer' (the id of the correct option)"])
    }

    @Test("an answer naming an option that is not defined is reported at the answer")
    func undefinedChoice() {
        let found = problems(
            inItem: """
                  - id: q1
                    type: multiple-response
                    topic: t
                    points: 1
                    stem: A
                    options: [{ id: a, text: A }, { id: b, text: B }]
                    answer: [a, d]
                """)
        #expect(found == ["13:17: answer 'd' is not one of the options a, b"])
    }

    @Test("points must be greater than zero")
    func nonPositivePoints() {
        let found = problems(
            inItem: """
                  - id: q1
                    type: true-false
                    topic: t
                    points: 0
                    stem: A
                    answer: true
                """)
        #expect(found == ["10:13: points must be greater than 0 (found 0)"])
        let negative = "  - { id: q1, type: true-false, topic: t, points: -2, stem: A, answer: true }"
        #expect(
            problems(inLine: negative) == [
                "7:\(column(of: "-2", in: negative)): points must be greater than 0 (found -2)"
            ])
        let words = "  - { id: q1, type: true-false, topic: t, points: viel, stem: A, answer: true }"
        #expect(problems(inLine: words) == ["7:\(column(of: "viel", in: words)): points 'viel' is not a number"])
    }

    @Test("an unknown type lists the known ones")
    func unknownType() {
        let line = "  - { id: q1, type: hotspot, topic: t, points: 1, stem: A }"
        let found = problems(inLine: line)
        #expect(
            found == [
                "7:\(column(of: "hotspot", in: line)): unknown item type 'hotspot' (expected one of single-choice, multiple-response, true-false, numeric, short-text, matching, ordering, cloze, essay)"
            ])
    }

    @Test("an empty stem is an error")
    func emptyStem() {
        let line = "  - { id: q1, type: true-false, topic: t, points: 1, stem: '  ', answer: true }"
        #expect(problems(inLine: line) == ["7:\(column(of: "'  '", in: line)): stem is empty"])
    }

    @Test("a negative tolerance is an error, and so are both tolerances at once")
    func negativeTolerance() {
        let negative = "  - { id: q1, type: numeric, topic: t, points: 1, stem: A, answer: 5, tolerance: -0.5 }"
        #expect(
            problems(inLine: negative) == [
                "7:\(column(of: "-0.5", in: negative)): tolerance must not be negative (found -0.5)"
            ])
        let both =
            "  - { id: q1, type: numeric, topic: t, points: 1, stem: A, answer: 5, tolerance: 1, relativeTolerance: 0.1 }"
        #expect(
            problems(inLine: both)
                == ["7:\(column(of: "0.1", in: both)): give either 'tolerance' or 'relativeTolerance', not both"])
    }

    @Test("bad YAML reports the parser's position")
    func badYAML() {
        let result = readBank("id: x\ntitle: [unclosed\nlanguage: de\n")
        #expect(result.problems.count == 1)
        let problem = result.problems[0]
        #expect(problem.file == "bank.yaml")
        #expect(problem.message.hasPrefix("bad YAML: "))
        #expect(problem.line >= 2)
        #expect(problem.description.hasPrefix("bank.yaml:\(problem.line):\(problem.column): error: bad YAML"))
    }

    @Test("duplicate keys in one mapping are bad YAML")
    func duplicateKeys() {
        let result = readBank("id: x\nid: y\n")
        #expect(result.problems.map(\.message) == ["bad YAML: duplicate key 'id' in one mapping"])
    }

    @Test("unknown keys, wrong shapes and typos are named")
    func unknownKeys() {
        let line = "  - { id: q1, type: true-false, topic: t, points: 1, stme: A, answer: true }"
        let found = problems(inLine: line)
        #expect(found.contains { $0.hasPrefix("7:\(column(of: "stme", in: line)): unknown key 'stme' in an item") })
        #expect(found.contains("7:5: item 'q1' has no 'stem'"))
        #expect(readBank("- a\n- b\n").problems.map(\.message) == ["expected a bank as a mapping of keys to values"])
        #expect(readBank("").problems.map(\.message).first?.hasPrefix("file is empty") == true)
    }

    @Test("matching and ordering keys must be complete and consistent")
    func matchingAndOrdering() {
        let matching =
            "  - { id: q1, type: matching, topic: t, points: 1, stem: A, premises: [{id: p1, text: P}, {id: p2, text: Q}], responses: [{id: r1, text: R}], answer: {p1: r1} }"
        #expect(
            problems(inLine: matching) == [
                "7:\(column(of: "{p1: r1}", in: matching)): premise 'p2' has no response in 'answer'"
            ])
        let ordering =
            "  - { id: q1, type: ordering, topic: t, points: 1, stem: A, elements: [{id: e1, text: P}, {id: e2, text: Q}], answer: [e1, e1] }"
        #expect(
            problems(inLine: ordering) == [
                "7:\(column(of: "e1] }", in: ordering)): element 'e1' appears twice in 'answer'"
            ])
        let options =
            "  - { id: q1, type: single-choice, topic: t, points: 1, stem: A, options: [{id: a, text: P}, {id: a, text: Q}], answer: a }"
        #expect(
            problems(inLine: options)
                == [
                    "7:\(column(of: "a, text: Q", in: options)): duplicate id 'a' in 'options' (first defined at line 7)"
                ])
    }

    @Test("short-text needs accepted answers or a valid pattern")
    func shortText() {
        #expect(
            problems(inItem: "  - { id: q1, type: short-text, topic: t, points: 1, stem: A }")
                == ["7:5: item 'q1' has neither 'accepted' answers nor a 'pattern'"])
        let line = "  - { id: q1, type: short-text, topic: t, points: 1, stem: A, pattern: '(unclosed' }"
        #expect(
            problems(inLine: line)
                == ["7:\(column(of: "'(unclosed'", in: line)): pattern '(unclosed' is not a valid regular expression"])
    }

    @Test("every problem in a file is reported, in file order")
    func severalProblems() {
        let result = readBank(
            validHeader + """
                  - { id: q1, type: true-false, topic: t, points: 0, stem: A, answer: true }
                  - { id: q2, type: numeric, topic: t, points: 1, stem: '', answer: 1 }
                  - { id: q3, type: single-choice, topic: t, points: 1, stem: A, options: [{id: a, text: A}, {id: b, text: B}], answer: c }
                """)
        #expect(result.bank == nil)
        #expect(result.itemCount == 3)
        #expect(result.problems.map(\.line) == [7, 8, 9])
    }
}
