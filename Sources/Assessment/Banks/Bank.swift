/// A question bank: a provider's versioned set of items on one subject.
public struct Bank: Sendable, Equatable, Codable {
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
public struct Choice: Sendable, Equatable, Codable {
    /// Id unique within its item.
    public var id: String
    /// Markdown text.
    public var text: String
    /// Feedback shown when this option is chosen (options only).
    public var feedback: String?
    /// Fraction of the item's (or gap's) points earned when this option is chosen; may be negative.
    /// `nil` keeps the type's default rule (see `question-banks/README.md`). Options only.
    public var credit: Rational?
    /// Multiple response only: fraction earned when this option is left unticked (ILIAS pools).
    public var uncheckedCredit: Rational?

    /// Creates a choice.
    public init(
        id: String, text: String, feedback: String? = nil, credit: Rational? = nil, uncheckedCredit: Rational? = nil
    ) {
        self.id = id
        self.text = text
        self.feedback = feedback
        self.credit = credit
        self.uncheckedCredit = uncheckedCredit
    }
}

/// One accepted answer of a short-text item or text gap.
public struct TextAnswer: Sendable, Equatable, Codable {
    /// The answer as the learner would type it.
    public var text: String
    /// Fraction of the points this answer earns (default 1).
    public var credit: Rational
    /// Feedback shown when this answer was given.
    public var feedback: String?
    /// Whether `*` in `text` matches any run of characters (Moodle short-answer semantics).
    public var wildcard: Bool

    /// Creates an accepted answer.
    public init(_ text: String, credit: Rational = Rational(1), feedback: String? = nil, wildcard: Bool = false) {
        self.text = text
        self.credit = credit
        self.feedback = feedback
        self.wildcard = wildcard
    }
}

/// One accepted value of a numeric item or numeric gap.
public struct NumericAnswer: Sendable, Equatable, Codable {
    /// The keyed value.
    public var value: Rational
    /// How far a given number may be from `value`.
    public var tolerance: Tolerance
    /// Fraction of the points this answer earns (default 1).
    public var credit: Rational
    /// Feedback shown when this answer matched.
    public var feedback: String?

    /// Creates an accepted value.
    public init(
        _ value: Rational, tolerance: Tolerance = .exact, credit: Rational = Rational(1), feedback: String? = nil
    ) {
        self.value = value
        self.tolerance = tolerance
        self.credit = credit
        self.feedback = feedback
    }
}

/// One gap of a cloze item; the stem refers to it as `{{id}}`.
public struct Gap: Sendable, Equatable, Codable {
    /// Id unique within the item.
    public var id: String
    /// Share of the item's points: a gap earns `points × weight / (sum of all weights) × credit`.
    public var weight: Rational
    /// What the learner puts in the gap, with its key.
    public var kind: GapKind

    /// Creates a gap.
    public init(id: String, weight: Rational = Rational(1), kind: GapKind) {
        self.id = id
        self.weight = weight
        self.kind = kind
    }
}

/// The kind of a cloze gap together with its key.
public enum GapKind: Sendable, Equatable {
    /// A drop-down: one option is keyed; options may carry `credit`.
    case choice(options: [Choice], correct: String)
    /// Typed text compared with accepted answers.
    case text(answers: [TextAnswer], caseSensitive: Bool)
    /// A typed number compared with accepted values.
    case numeric(answers: [NumericAnswer])
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
    /// A number within a tolerance of one of the accepted values; the best matching credit counts.
    case numeric(answers: [NumericAnswer], unit: String?)
    /// A short free text: accepted answers and/or a whole-answer regular expression.
    case shortText(answers: [TextAnswer], pattern: String?, caseSensitive: Bool)
    /// Premises matched to responses (extra responses are distractors), partial credit per premise.
    case matching(premises: [Choice], responses: [Choice], correct: [String: String])
    /// Elements put in order, partial credit per element in its right position.
    case ordering(elements: [Choice], correctOrder: [String])
    /// A text (the item's stem) with gaps `{{id}}`, scored per gap by weight.
    case cloze(gaps: [Gap])
    /// Free text scored by a person; an attempt with an essay awaits grading until points are set.
    case essay(responseTemplate: String?, graderInfo: String?)

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
        case .cloze: ItemType.cloze.rawValue
        case .essay: ItemType.essay.rawValue
        }
    }

    /// The choices whose display order a draw may shuffle (options, responses or elements).
    public var shuffleableChoices: [Choice] {
        switch self {
        case .singleChoice(let options, _), .multipleResponse(let options, _): options
        case .matching(_, let responses, _): responses
        case .ordering(let elements, _): elements
        case .trueFalse, .numeric, .shortText, .cloze, .essay: []
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
    case cloze
    case essay
}

/// One question with its answer key.
public struct Item: Sendable, Equatable, Codable {
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
