import Foundation

/// Scores responses to one item by its type's rule (see `question-banks/README.md`).
///
/// Build one scorer per item and reuse it: it prepares normalised accepted answers and the compiled
/// pattern once.
public struct ItemScorer: Sendable {
    /// Longest short-text answer that is compared; longer answers score 0 (bounds regex work).
    public static let maximumTextLength = 500

    /// The item being scored.
    public let item: Item
    private let normalizedAccepted: Set<String>
    private let pattern: CompiledPattern?

    /// Prepares scoring for `item`.
    public init(item: Item) {
        self.item = item
        if case .shortText(let accepted, let pattern) = item.kind {
            normalizedAccepted = Set(accepted.map(ItemScorer.normalize))
            self.pattern = pattern.flatMap(CompiledPattern.init)
        } else {
            normalizedAccepted = []
            self.pattern = nil
        }
    }

    /// Points earned by `response`; `nil` means unanswered. A response of the wrong shape scores 0.
    public func score(_ response: Response?) -> ItemScore {
        let maximum = item.points
        guard let response else { return ItemScore(unansweredWithMaximum: maximum) }
        return ItemScore(points: earned(by: response), maximum: maximum)
    }

    private func earned(by response: Response) -> Rational {
        let points = item.points
        switch (item.kind, response) {
        case (.singleChoice(_, let correct), .choice(let chosen)):
            return chosen == correct ? points : .zero

        case (.multipleResponse(let options, let correct), .choices(let ticked)):
            let correctCount = correct.count
            let wrongCount = options.count - correctCount
            var right = 0
            var wrong = 0
            for option in options where ticked.contains(option.id) {
                if correct.contains(option.id) { right += 1 } else { wrong += 1 }
            }
            var earned = Rational(right, correctCount)
            if wrong > 0 { earned = earned - Rational(wrong, wrongCount) }
            return earned < .zero ? .zero : earned * points

        case (.trueFalse(let correct, _, _), .truth(let given)):
            return given == correct ? points : .zero

        case (.numeric(let correct, let tolerance, _), .number(let given)):
            let deviation = (given - correct).magnitude
            let allowed: Rational
            switch tolerance {
            case .exact: allowed = .zero
            case .absolute(let value): allowed = value
            case .relative(let fraction): allowed = fraction * correct.magnitude
            }
            return deviation <= allowed ? points : .zero

        case (.shortText, .text(let given)):
            guard given.count <= Self.maximumTextLength else { return .zero }
            if normalizedAccepted.contains(Self.normalize(given)) { return points }
            if let pattern, pattern.matchesWhole(given.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return points
            }
            return .zero

        case (.matching(let premises, _, let correct), .matches(let given)):
            let right = premises.count { premise in
                given[premise.id] != nil && given[premise.id] == correct[premise.id]
            }
            return Rational(right, premises.count) * points

        case (.ordering(_, let correctOrder), .order(let given)):
            let right = zip(correctOrder, given).count { $0 == $1 }
            return Rational(right, correctOrder.count) * points

        default:
            return .zero
        }
    }

    /// Trims, collapses runs of white space to one space and lower-cases.
    static func normalize(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }
}

/// A short-text pattern compiled once, matched case-insensitively against a whole answer.
struct CompiledPattern: @unchecked Sendable {
    // Regex values are never mutated after creation; matching does not change them.
    private let regex: Regex<AnyRegexOutput>

    init?(_ source: String) {
        guard let regex = try? Regex(source) else { return nil }
        self.regex = regex.ignoresCase()
    }

    func matchesWhole(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
