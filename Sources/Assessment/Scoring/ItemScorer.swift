import Foundation
import Synchronization

/// Scores responses to one item by its type's rule (see `question-banks/README.md`).
///
/// Build one scorer per item and reuse it: it prepares normalised accepted answers and the compiled
/// pattern once.
public struct ItemScorer: Sendable {
    /// Longest short-text answer that is compared; longer answers score 0 (bounds regex work).
    public static let maximumTextLength = 500

    /// The item being scored.
    public let item: Item
    private let textKey: TextKey?
    private let pattern: CompiledPattern?
    /// Multiple response: option id → whether it is correct.
    private let optionIsCorrect: [String: Bool]
    /// Matching: premise ids and their keyed responses, in premise order.
    private let premiseKey: [(premise: String, response: String)]
    /// Cloze: each gap with its prepared key.
    private let gapKeys: [(gap: Gap, text: TextKey?)]

    /// Prepares scoring for `item`.
    public init(item: Item) {
        self.item = item
        var textKey: TextKey? = nil
        var pattern: CompiledPattern? = nil
        var optionIsCorrect: [String: Bool] = [:]
        var premiseKey: [(String, String)] = []
        var gapKeys: [(Gap, TextKey?)] = []
        switch item.kind {
        case .shortText(let answers, let source, let caseSensitive):
            textKey = TextKey(answers: answers, caseSensitive: caseSensitive)
            pattern = source.flatMap(CompiledPattern.init)
        case .multipleResponse(let options, let correct):
            for option in options { optionIsCorrect[option.id] = correct.contains(option.id) }
        case .matching(let premises, _, let correct):
            premiseKey = premises.map { ($0.id, correct[$0.id] ?? "") }
        case .cloze(let gaps):
            gapKeys = gaps.map { gap in
                if case .text(let answers, let caseSensitive) = gap.kind {
                    return (gap, TextKey(answers: answers, caseSensitive: caseSensitive))
                }
                return (gap, nil)
            }
        default:
            break
        }
        self.textKey = textKey
        self.pattern = pattern
        self.optionIsCorrect = optionIsCorrect
        self.premiseKey = premiseKey
        self.gapKeys = gapKeys
    }

    /// Points earned by `response`; `nil` means unanswered. A response of the wrong shape scores 0.
    /// An essay's score is ``Verdict/awaitingGrading`` until ``score(_:gradedPoints:)`` is given points.
    public func score(_ response: Response?) -> ItemScore {
        score(response, gradedPoints: nil)
    }

    /// Like ``score(_:)``, with the points a grader set for an essay (clamped to 0...maximum).
    public func score(_ response: Response?, gradedPoints: Rational?) -> ItemScore {
        let maximum = item.points
        if case .essay = item.kind {
            guard let response, case .essay(let text) = response,
                !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { return ItemScore(unansweredWithMaximum: maximum) }
            guard let gradedPoints else { return ItemScore(awaitingGradingWithMaximum: maximum) }
            return ItemScore(points: min(max(gradedPoints, .zero), maximum), maximum: maximum)
        }
        guard let response else { return ItemScore(unansweredWithMaximum: maximum) }
        return ItemScore(points: earned(by: response), maximum: maximum)
    }

    private func earned(by response: Response) -> Rational {
        let points = item.points
        switch (item.kind, response) {
        case (.singleChoice(let options, let correct), .choice(let chosen)):
            return Self.choiceCredit(options: options, correct: correct, chosen: chosen) * points

        case (.multipleResponse(let options, let correct), .choices(let ticked)):
            if options.contains(where: { $0.credit != nil || $0.uncheckedCredit != nil }) {
                var credit = Rational.zero
                for option in options {
                    credit += (ticked.contains(option.id) ? option.credit : option.uncheckedCredit) ?? .zero
                }
                return Self.clamped(credit) * points
            }
            let correctCount = correct.count
            let wrongCount = options.count - correctCount
            var right = 0
            var wrong = 0
            for id in ticked {
                switch optionIsCorrect[id] {
                case true?: right += 1
                case false?: wrong += 1
                case nil: break
                }
            }
            var earned = Rational(right, correctCount)
            if wrong > 0 { earned = earned - Rational(wrong, wrongCount) }
            return earned < .zero ? .zero : earned * points

        case (.trueFalse(let correct, _, _), .truth(let given)):
            return given == correct ? points : .zero

        case (.numeric(let answers, _), .number(let given)):
            return Self.numericCredit(answers: answers, given: given) * points

        case (.shortText, .text(let given)):
            guard given.count <= Self.maximumTextLength else { return .zero }
            var credit = textKey?.credit(for: given) ?? .zero
            if credit < .one, let pattern, pattern.matchesWhole(given.trimmingCharacters(in: .whitespacesAndNewlines)) {
                credit = .one
            }
            return credit * points

        case (.matching, .matches(let given)):
            let right = premiseKey.count { key in given[key.premise] == key.response }
            return Rational(right, premiseKey.count) * points

        case (.ordering(_, let correctOrder), .order(let given)):
            let right = zip(correctOrder, given).count { $0 == $1 }
            return Rational(right, correctOrder.count) * points

        case (.cloze, .gaps(let given)):
            var totalWeight = Rational.zero
            var earnedWeight = Rational.zero
            for (gap, textKey) in gapKeys {
                totalWeight += gap.weight
                guard let answer = given[gap.id], answer.count <= Self.maximumTextLength else { continue }
                let credit: Rational
                switch gap.kind {
                case .choice(let options, let correct):
                    credit = Self.choiceCredit(options: options, correct: correct, chosen: answer)
                case .text:
                    credit = textKey?.credit(for: answer) ?? .zero
                case .numeric(let answers):
                    credit = Rational(decimal: answer).map { Self.numericCredit(answers: answers, given: $0) } ?? .zero
                }
                earnedWeight += gap.weight * credit
            }
            return totalWeight == .zero ? .zero : earnedWeight / totalWeight * points

        default:
            return .zero
        }
    }

    /// Credit of the chosen option: its `credit` when the item gives credits, else 1 for the keyed option.
    static func choiceCredit(options: [Choice], correct: String, chosen: String) -> Rational {
        guard let option = options.first(where: { $0.id == chosen }) else { return .zero }
        if options.contains(where: { $0.credit != nil }) { return clamped(option.credit ?? .zero) }
        return chosen == correct ? .one : .zero
    }

    /// The best credit among the accepted values `given` lies within tolerance of, clamped to 0...1.
    static func numericCredit(answers: [NumericAnswer], given: Rational) -> Rational {
        var best = Rational.zero
        for answer in answers where answer.credit > best {
            let deviation = (given - answer.value).magnitude
            let allowed: Rational
            switch answer.tolerance {
            case .exact: allowed = .zero
            case .absolute(let value): allowed = value
            case .relative(let fraction): allowed = fraction * answer.value.magnitude
            }
            if deviation <= allowed { best = answer.credit }
        }
        return clamped(best)
    }

    static func clamped(_ credit: Rational) -> Rational {
        credit < .zero ? .zero : (credit > .one ? .one : credit)
    }

    /// Trims, collapses runs of white space to one space and (unless `caseSensitive`) lower-cases.
    static func normalize(_ text: String, caseSensitive: Bool = false) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let isSpace =
                scalar.isASCII
                ? (scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.value == 0x0B
                    || scalar.value == 0x0C)
                : scalar.properties.isWhitespace
            if isSpace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            if caseSensitive {
                scalars.append(scalar)
            } else if scalar.isASCII {
                let value = scalar.value
                scalars.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 0x20)! : scalar)
            } else if scalar.properties.changesWhenLowercased {
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

/// A short-text pattern compiled once, matched case-insensitively against a whole answer.
package struct CompiledPattern: @unchecked Sendable {
    // Regex values are never mutated after creation; matching does not change them.
    private let regex: Regex<AnyRegexOutput>

    package init?(_ source: String) {
        guard let regex = Self.compiled(source, ignoresCase: true) else { return nil }
        self.regex = regex
    }

    /// Patterns compiled so far, by source and case rule: restoring an attempt prepares its items' scorers, and
    /// compiling the same pattern again for every save cost a sixth of a save's time. Bounded; cleared when full.
    private static let known = Mutex<[String: CompiledPattern]>([:])
    private static let knownCapacity = 10_000

    private init(regex: Regex<AnyRegexOutput>) { self.regex = regex }

    /// `source` compiled (case-insensitive when `ignoresCase`), from the cache when it was compiled before.
    private static func compiled(_ source: String, ignoresCase: Bool) -> Regex<AnyRegexOutput>? {
        let key = (ignoresCase ? "i:" : "c:") + source
        if let found = known.withLock({ $0[key] }) { return found.regex }
        guard let regex = try? Regex(source) else { return nil }
        let prepared = ignoresCase ? regex.ignoresCase() : regex
        known.withLock { table in
            if table.count >= knownCapacity { table.removeAll(keepingCapacity: true) }
            table[key] = CompiledPattern(regex: prepared)
        }
        return prepared
    }

    /// A Moodle-style wildcard answer: `*` matches any run of characters, `\\*` a literal star; the rest
    /// is literal. Compared after white space is collapsed.
    init?(wildcard: String, caseSensitive: Bool) {
        var source = ""
        var escaped = false
        for character in ItemScorer.normalize(wildcard, caseSensitive: true) {
            if escaped {
                // `\*` is a literal star; a backslash before anything else stays a backslash (as in Moodle).
                let literal = character == "*" ? "*" : "\\\(character)"
                source += NSRegularExpression.escapedPattern(for: literal)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" {
                source += ".*"
            } else {
                source += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        if escaped { source += "\\\\" }
        guard let regex = Self.compiled(source, ignoresCase: !caseSensitive) else { return nil }
        self.regex = regex
    }

    package func matchesWhole(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}

/// Accepted text answers prepared for comparison: normalised exact answers and wildcard patterns.
struct TextKey: Sendable {
    private let exact: [String: Rational]
    private let wildcards: [(pattern: CompiledPattern, credit: Rational)]
    private let caseSensitive: Bool

    init(answers: [TextAnswer], caseSensitive: Bool) {
        self.caseSensitive = caseSensitive
        var exact: [String: Rational] = [:]
        var wildcards: [(CompiledPattern, Rational)] = []
        for answer in answers {
            if answer.wildcard {
                if let pattern = CompiledPattern(wildcard: answer.text, caseSensitive: caseSensitive) {
                    wildcards.append((pattern, answer.credit))
                }
            } else {
                let key = ItemScorer.normalize(answer.text, caseSensitive: caseSensitive)
                exact[key] = max(exact[key] ?? answer.credit, answer.credit)
            }
        }
        self.exact = exact
        self.wildcards = wildcards
    }

    /// The best credit among the answers `given` matches, clamped to 0...1.
    func credit(for given: String) -> Rational {
        var best = exact[ItemScorer.normalize(given, caseSensitive: caseSensitive)] ?? .zero
        if !wildcards.isEmpty {
            let collapsed = ItemScorer.normalize(given, caseSensitive: true)
            for (pattern, credit) in wildcards where credit > best && pattern.matchesWhole(collapsed) {
                best = credit
            }
        }
        return ItemScorer.clamped(best)
    }
}
