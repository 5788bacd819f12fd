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
    /// Multiple response: option id → whether it is correct.
    private let optionIsCorrect: [String: Bool]
    /// Matching: premise ids and their keyed responses, in premise order.
    private let premiseKey: [(premise: String, response: String)]

    /// Prepares scoring for `item`.
    public init(item: Item) {
        self.item = item
        var normalizedAccepted = Set<String>()
        var pattern: CompiledPattern? = nil
        var optionIsCorrect: [String: Bool] = [:]
        var premiseKey: [(String, String)] = []
        switch item.kind {
        case .shortText(let accepted, let source):
            normalizedAccepted = Set(accepted.map(ItemScorer.normalize))
            pattern = source.flatMap(CompiledPattern.init)
        case .multipleResponse(let options, let correct):
            for option in options { optionIsCorrect[option.id] = correct.contains(option.id) }
        case .matching(let premises, _, let correct):
            premiseKey = premises.map { ($0.id, correct[$0.id] ?? "") }
        default:
            break
        }
        self.normalizedAccepted = normalizedAccepted
        self.pattern = pattern
        self.optionIsCorrect = optionIsCorrect
        self.premiseKey = premiseKey
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

        case (.matching, .matches(let given)):
            let right = premiseKey.count { key in given[key.premise] == key.response }
            return Rational(right, premiseKey.count) * points

        case (.ordering(_, let correctOrder), .order(let given)):
            let right = zip(correctOrder, given).count { $0 == $1 }
            return Rational(right, correctOrder.count) * points

        default:
            return .zero
        }
    }

    /// Trims, collapses runs of white space to one space and lower-cases.
    static func normalize(_ text: String) -> String {
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
            if scalar.isASCII {
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
