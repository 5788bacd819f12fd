import Foundation
import Testing

@testable import Assessment

/// Every number a bank file can hold, fed with values that break naive arithmetic.
@Suite("Hostile numbers in bank files")
struct HostileNumberTests {
    /// Values YAML or a careless editor may put where a number belongs.
    static let hostile = [
        "99999999999999999999999999999", "-99999999999999999999", "18446744073709551616", "9223372036854775807",
        "-9223372036854775808", "1e308", "-1e308", "1e-308", "4.9e-324", "1.7976931348623157e308", ".nan", ".NaN",
        ".inf", "-.inf", "+.inf", "-0", "0", "-0.0", "0.0000000000001", "1.00000000000000000001", "1.00001",
        "0x7FFFFFFFFFFFFFFF", "0o777", "1/0", "-1/0", "9223372036854775807/1", "1/9223372036854775807",
        "9007199254740991/9007199254740990", "1e12", "1e13", "-1e12", "1000000000000.5", "4.5e-5", "1_000",
        "0e99999999999999999999", "1e-99999999999999999999", "١٢", "𝟙", "12 345", "'1e308'", "\"0.1\"",
    ]

    /// Bank lines with `V` where the number goes; each line is line 7 of its file.
    static let templates = [
        "  - { id: q, type: true-false, topic: t, points: V, stem: S, answer: true }",
        "  - { id: q, type: numeric, topic: t, points: 1, stem: S, answer: V }",
        "  - { id: q, type: numeric, topic: t, points: 1, stem: S, answer: 5, tolerance: V }",
        "  - { id: q, type: numeric, topic: t, points: 1, stem: S, answer: 5, relativeTolerance: V }",
        "  - { id: q, type: numeric, topic: t, points: 1, stem: S, answers: [{ value: V, credit: 1/2 }] }",
        "  - { id: q, type: numeric, topic: t, points: 1, stem: S, answers: [{ value: 3, credit: V }] }",
        "  - { id: q, type: numeric, topic: t, points: 1, stem: S, answers: [{ value: 3, tolerance: V }] }",
        "  - { id: q, type: single-choice, topic: t, points: 2, stem: S, options: [{ id: a, text: A, credit: V }, { id: b, text: B }], answer: a }",
        "  - { id: q, type: multiple-response, topic: t, points: 3, stem: S, options: [{ id: a, text: A, uncheckedCredit: V }, { id: b, text: B }], answer: [a] }",
        "  - { id: q, type: short-text, topic: t, points: 1, stem: S, accepted: [{ text: x, credit: V }] }",
        "  - { id: q, type: cloze, topic: t, points: 1, stem: '{{g}} {{h}}', gaps: [{ id: g, type: numeric, weight: V, answer: 1 }, { id: h, type: text, accepted: [y] }] }",
        "  - { id: q, type: cloze, topic: t, points: 1, stem: '{{g}}', gaps: [{ id: g, type: numeric, answer: V, tolerance: 1/3 }] }",
    ]

    /// Numbers a learner's answer may carry into scoring.
    static let responses: [Rational] =
        [Rational(Int.max), Rational(Int.min), Rational(Int.min + 1), Rational(1, Int.max), Rational(-1, Int.max)]
        + hostile.compactMap { Rational(exactText: $0) }

    @Test("every numeric field refuses an unusable number with its position, or loads and scores within 0...maximum")
    func everyFieldEveryValue() throws {
        var refused = 0
        for template in Self.templates {
            let column = try #require(template.range(of: "V")).lowerBound.utf16Offset(in: template) + 1
            for value in Self.hostile {
                let line = template.replacingOccurrences(of: "V", with: value)
                let result = readBank(validHeader + line + "\n")
                if let bank = result.bank {
                    let item = try #require(bank.items.first)
                    let scorer = ItemScorer(item: item)
                    for response in Self.scoringResponses {
                        let score = scorer.score(response)
                        #expect(score.points >= .zero && score.points <= score.maximum, "\(line) \(response)")
                    }
                    continue
                }
                refused += 1
                #expect(!result.problems.isEmpty)
                for problem in result.problems {
                    #expect(
                        problem.description.hasPrefix("bank.yaml:7:\(column): error: "),
                        "\(line)\n→ \(problem.description)")
                }
            }
        }
        #expect(refused > Self.templates.count * 10, "most hostile values are refused")
    }

    static var scoringResponses: [Response] {
        var result: [Response] = [.choice("a"), .choices(["a"]), .choices(["a", "b"]), .choices([]), .truth(true)]
        result += [.text("x"), .text("y")]
        for number in responses {
            result.append(.number(number))
            result.append(.gaps(["g": number.exactText, "h": "y"]))
        }
        for text in hostile { result.append(.gaps(["g": text, "h": "y"])) }
        return result
    }

    @Test("a float without an exact value says why it is refused")
    func messages() {
        func message(_ value: String) -> String? {
            readBank(validHeader + Self.templates[1].replacingOccurrences(of: "V", with: value) + "\n")
                .problems.first?.message
        }
        #expect(message(".nan") == "answer '.nan' is not a finite number; write a decimal such as 2 or 0.5")
        #expect(message("-.inf") == "answer '-.inf' is not a finite number; write a decimal such as 2 or 0.5")
        #expect(
            message("1e308")
                == "answer '1e308' is out of range; numbers must lie between -1000000000000 and 1000000000000 "
                + "and have at most 12 decimal places")
        #expect(message("0.0000000000001")?.contains("is out of range") == true)
        #expect(message("1/0")?.contains("a fraction needs a denominator greater than 0") == true)
        #expect(message("0x10") == "answer '0x10' is not a decimal number; write it in decimal digits")
        #expect(message("viel") == "answer 'viel' is not a number")
        #expect(message(String(repeating: "9", count: 5000))?.count ?? 0 < 200, "long values are shortened")
        let points = validHeader + Self.templates[0].replacingOccurrences(of: "V", with: "1.00001") + "\n"
        #expect(
            readBank(points).problems.map(\.message) == [
                "points must be at most 1000 with at most 4 decimal places (found 1.00001)"
            ])
        let comma = validHeader + Self.templates[0].replacingOccurrences(of: "V", with: "'1,5'") + "\n"
        #expect(
            readBank(comma).problems.map(\.message) == [
                "points '1,5' uses a decimal comma; write a decimal point, e.g. 0.5"
            ])
        #expect(readBank(validHeader + Self.templates[0].replacingOccurrences(of: "V", with: "-0") + "\n").bank == nil)
    }

    @Test("blueprint counts, limits and thresholds out of range are refused, never trapped on")
    func blueprintNumbers() {
        for bad in [
            "pools: [{count: 99999999999999999999}]", "pools: [{count: 1e308}]", "pools: [{count: .nan}]",
            "pools: [{count: -9223372036854775808}]", "pools: [{count: 5001}]",
            "pools: [{count: 1}]\ntimeLimitMinutes: 9223372036854775807",
            "pools: [{count: 1}]\ntimeLimitMinutes: 153722867280912931",
            "pools: [{count: 1}]\ntimeLimitMinutes: 10081", "pools: [{count: 1}]\ntimeLimitMinutes: -1",
            "pools: [{count: 1}]\nattemptLimit: 9223372036854775807", "pools: [{count: 1}]\npassThreshold: .nan",
            "pools: [{count: 1}]\npassThreshold: 1e308", "pools: [{count: 1}]\npassThreshold: -0.0001",
            "pools: [{count: 1}]\npassThreshold: .inf", "pools: [{count: 1, colour: red}]",
            "pools: [{count: 1}]\nshuffleItems: 2", "pools: [{count: 1}]\npassThreshold: [50]", "pools: 3", "[1, 2]",
        ] {
            #expect("\(bad)") {
                try Blueprint.parse(bad, file: "exam.blueprint.yaml")
            } throws: { error in
                let reason = (error as? AssessmentError)?.reason ?? ""
                return reason.wholeMatch(of: /exam\.blueprint\.yaml:[0-9]+:[0-9]+: error: .+/) != nil
            }
        }
        #expect {
            try Blueprint.parse("pools:\n  - { topic: t, count: 1e308 }\n", file: "b.yaml")
        } throws: { error in
            (error as? AssessmentError)?.reason
                == "b.yaml:2:24: error: pool 1 must draw a whole number from 1 to 5000 items (found 1e308)"
        }
        #expect {
            try Blueprint.parse("pools: [{count: 1}]\ntimeLimitMinutes: 153722867280912931\n", file: "b.yaml")
        } throws: { error in
            (error as? AssessmentError)?.reason
                == "b.yaml:2:19: error: timeLimitMinutes must be a whole number from 1 to 10080 (one week at most) "
                + "(found 153722867280912931)"
        }
        let week = try? Blueprint.parse("pools: [{count: 1}]\ntimeLimitMinutes: 10080\npassThreshold: -0")
        #expect(week?.timeLimit == .seconds(10_080 * 60))
        #expect(week?.passThreshold == .zero)
    }

    @Test("a seed of any length or content draws without trapping and replays")
    func seeds() throws {
        let bank = try #require(
            readBank(validHeader + Self.templates[1].replacingOccurrences(of: "V", with: "1") + "\n").bank)
        for seed in ["", "\u{0}", String(repeating: "9", count: 100_000), "-0", ".nan", "𝟙"] {
            let first = try ExamDraw(bank: bank, blueprint: .random(count: 1), seed: seed)
            let again = try ExamDraw(bank: bank, blueprint: .random(count: 1), seed: seed)
            #expect(first == again)
        }
    }
}
