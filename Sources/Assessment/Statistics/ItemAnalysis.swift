import Foundation

/// One scored response: what an attempt scored on one item (the `RESPONSES.jsonl` line format).
public struct ScoredResponse: Sendable, Equatable {
    /// The attempt's id.
    public var attempt: String
    /// The item's id in the bank.
    public var item: String
    /// Points scored, exact; between 0 and `max`.
    public var score: Rational
    /// Points the item was worth in this attempt (> 0).
    public var max: Rational
    /// For choice items, the option ids picked; nil when not recorded.
    public var chosen: [String]?

    /// A response as read from one line.
    public init(attempt: String, item: String, score: Rational, max: Rational, chosen: [String]? = nil) {
        self.attempt = attempt
        self.item = item
        self.score = score
        self.max = max
        self.chosen = chosen
    }
}

/// What the analysis needs to know about an item from its bank.
public struct AnalysedItem: Sendable, Equatable {
    /// The item's id.
    public var id: String
    /// For choice items the option ids in bank order and the correct ones; nil for other items.
    public var options: [String]?
    /// The correct option ids (empty for items without options).
    public var correct: Set<String>

    /// An item; `options` only for choice items.
    public init(id: String, options: [String]? = nil, correct: Set<String> = []) {
        self.id = id
        self.options = options
        self.correct = correct
    }

    /// The analysis view of a bank item: options for single-choice and multiple-response items.
    public init(_ item: Item) {
        switch item.kind {
        case .singleChoice(let options, let correct):
            self.init(id: item.id, options: options.map(\.id), correct: [correct])
        case .multipleResponse(let options, let correct):
            self.init(id: item.id, options: options.map(\.id), correct: correct)
        default:
            self.init(id: item.id)
        }
    }
}

/// A finding about an item, with a fixed code for programs and one sentence for people.
public struct ItemFlag: Sendable, Equatable {
    /// How serious the finding is.
    public enum Severity: String, Sendable {
        /// Worth a look.
        case warning
        /// The item probably measures the wrong thing.
        case error
        /// The figures rest on too few responses.
        case unreliable
    }

    /// Stable code, e.g. `too-easy` or `unused-distractor:b`.
    public let code: String
    /// How serious it is.
    public let severity: Severity
    /// What a provider might do, in one sentence.
    public let advice: String
}

/// Figures for one option of a choice item.
public struct OptionStatistics: Sendable, Equatable {
    /// The option id.
    public let id: String
    /// Whether the option is (one of) the correct answer(s).
    public let isCorrect: Bool
    /// Share of all responses to the item that chose it.
    public let share: Double?
    /// Share of the upper 27 % group's responses that chose it.
    public let upperShare: Double?
    /// Share of the lower 27 % group's responses that chose it.
    public let lowerShare: Double?
}

/// Figures for one item; nil where undefined (no responses, zero variance).
public struct ItemStatistics: Sendable, Equatable {
    /// The item id.
    public let id: String
    /// Number of responses.
    public let n: Int
    /// Mean of score ÷ max over the responses.
    public let facility: Double?
    /// Population standard deviation of the item's scores.
    public let sd: Double?
    /// Pearson correlation of item score with rest score (attempt total minus this item).
    public let discrimination: Double?
    /// (Mean score of the upper 27 % − mean score of the lower 27 %) ÷ max.
    public let upperLower: Double?
    /// Distractor analysis for choice items, in bank order; empty for other items.
    public let options: [OptionStatistics]
    /// Findings, most serious first.
    public let flags: [ItemFlag]
}

/// Figures for the whole test; nil where undefined.
public struct TestStatistics: Sendable, Equatable {
    /// Number of attempts.
    public let attempts: Int
    /// Mean total score.
    public let mean: Double?
    /// Population standard deviation of the total scores.
    public let sd: Double?
    /// Median total score.
    public let median: Double?
    /// Cronbach's alpha (KR-20 for items scored 0 or 1).
    public let alpha: Double?
    /// Standard error of measurement, sd·√(1 − alpha).
    public let sem: Double?
}

/// The result of an item analysis.
public struct ItemAnalysisReport: Sendable, Equatable {
    /// Test figures.
    public let test: TestStatistics
    /// Item figures, in the order the items were given.
    public let items: [ItemStatistics]
    /// Total score of every attempt, in attempt order of first appearance.
    public let totals: [Double]
}

extension ScoredResponse {
    /// The response as one `RESPONSES.jsonl` line (without the newline): `attempt`, `item`, `score` and `max` as
    /// exact numbers in text (`"1.5"`, or `"1/3"` when no finite decimal is exact), `chosen` when known.
    public var jsonLine: String {
        struct Line: Encodable {
            let attempt: String
            let item: String
            let score: String
            let max: String
            let chosen: [String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Line(attempt: attempt, item: item, score: score.exactText, max: max.exactText, chosen: chosen)
        return String(decoding: (try? encoder.encode(line)) ?? Data(), as: UTF8.self)
    }
}
