/// A question bank: a provider's versioned set of items on one subject.
public struct Bank: Sendable, Equatable {
    /// Stable bank id.
    public var id: String
    /// Title shown to learners.
    public var title: String
    /// Language tag, e.g. `de`.
    public var language: String
    /// Education provider that owns the bank.
    public var provider: String
    /// Version string; a draw is reproducible for the same version.
    public var version: String
    /// Items in file order.
    public var items: [Item]

    /// Creates a bank.
    public init(id: String, title: String, language: String, provider: String, version: String, items: [Item]) {
        self.id = id
        self.title = title
        self.language = language
        self.provider = provider
        self.version = version
        self.items = items
    }

    /// The item with `id`, if any.
    public func item(withID id: String) -> Item? {
        items.first { $0.id == id }
    }
}

/// How hard an item is meant to be; blueprints may draw by difficulty.
public enum Difficulty: String, Sendable, CaseIterable, Codable {
    case easy, medium, hard
}

/// A choice shown to the learner: an option, premise, response or ordering element.
public struct Choice: Sendable, Equatable {
    /// Id unique within its item.
    public var id: String
    /// Markdown text.
    public var text: String
    /// Feedback shown when this option is chosen (options only).
    public var feedback: String?

    /// Creates a choice.
    public init(id: String, text: String, feedback: String? = nil) {
        self.id = id
        self.text = text
        self.feedback = feedback
    }
}

/// How a numeric answer may deviate from the key.
public enum Tolerance: Sendable, Equatable {
    /// Exact value required.
    case exact
    /// `|given − key| <= value`.
    case absolute(Rational)
    /// `|given − key| <= value × |key|`.
    case relative(Rational)
}

/// The type of an item together with its answer key.
public enum ItemKind: Sendable, Equatable {
    /// One correct option.
    case singleChoice(options: [Choice], correct: String)
    /// Several correct options, partial credit.
    case multipleResponse(options: [Choice], correct: Set<String>)
    /// A statement that is true or false.
    case trueFalse(correct: Bool, feedbackTrue: String?, feedbackFalse: String?)
    /// A number within a tolerance.
    case numeric(correct: Rational, tolerance: Tolerance, unit: String?)
    /// A short free text: accepted answers and/or a whole-answer regular expression.
    case shortText(accepted: [String], pattern: String?)
    /// Premises matched to responses (extra responses are distractors), partial credit per premise.
    case matching(premises: [Choice], responses: [Choice], correct: [String: String])
    /// Elements put in order, partial credit per element in its right position.
    case ordering(elements: [Choice], correctOrder: [String])

    /// The type name used in bank files.
    public var typeName: String {
        switch self {
        case .singleChoice: ItemType.singleChoice.rawValue
        case .multipleResponse: ItemType.multipleResponse.rawValue
        case .trueFalse: ItemType.trueFalse.rawValue
        case .numeric: ItemType.numeric.rawValue
        case .shortText: ItemType.shortText.rawValue
        case .matching: ItemType.matching.rawValue
        case .ordering: ItemType.ordering.rawValue
        }
    }

    /// The choices whose display order a draw may shuffle (options, responses or elements).
    public var shuffleableChoices: [Choice] {
        switch self {
        case .singleChoice(let options, _), .multipleResponse(let options, _): options
        case .matching(_, let responses, _): responses
        case .ordering(let elements, _): elements
        case .trueFalse, .numeric, .shortText: []
        }
    }
}

/// The item types a bank file may use, by their file names.
public enum ItemType: String, Sendable, CaseIterable {
    case singleChoice = "single-choice"
    case multipleResponse = "multiple-response"
    case trueFalse = "true-false"
    case numeric
    case shortText = "short-text"
    case matching
    case ordering
}

/// One question with its answer key.
public struct Item: Sendable, Equatable {
    /// Stable id, unique in the bank.
    public var id: String
    /// Topic pool.
    public var topic: String
    /// Optional difficulty.
    public var difficulty: Difficulty?
    /// Points the item is worth (> 0).
    public var points: Rational
    /// The question, Markdown.
    public var stem: String
    /// General feedback shown after answering.
    public var feedback: String?
    /// Type and answer key.
    public var kind: ItemKind

    /// Creates an item.
    public init(
        id: String, topic: String, difficulty: Difficulty? = nil, points: Rational, stem: String,
        feedback: String? = nil, kind: ItemKind
    ) {
        self.id = id
        self.topic = topic
        self.difficulty = difficulty
        self.points = points
        self.stem = stem
        self.feedback = feedback
        self.kind = kind
    }
}
