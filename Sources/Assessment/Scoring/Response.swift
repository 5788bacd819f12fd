/// A learner's answer to one item. The case must fit the item's type.
public enum Response: Sendable, Hashable {
    /// The chosen option of a single-choice item.
    case choice(String)
    /// The ticked options of a multiple-response item.
    case choices(Set<String>)
    /// The verdict on a true/false statement.
    case truth(Bool)
    /// A numeric answer.
    case number(Rational)
    /// A short free-text answer.
    case text(String)
    /// Premise id → response id, for a matching item.
    case matches([String: String])
    /// Element ids in the learner's order, for an ordering item.
    case order([String])
    /// Gap id → what was put in the gap (option id, text or number as typed), for a cloze item.
    case gaps([String: String])
    /// The free text of an essay.
    case essay(String)

    /// Whether this response has the shape `kind` expects.
    public func fits(_ kind: ItemKind) -> Bool {
        switch (self, kind) {
        case (.choice, .singleChoice), (.choices, .multipleResponse), (.truth, .trueFalse),
            (.number, .numeric), (.text, .shortText), (.matches, .matching), (.order, .ordering),
            (.gaps, .cloze), (.essay, .essay):
            true
        default:
            false
        }
    }
}

/// How an answer compares to the key.
public enum Verdict: String, Sendable, Codable {
    /// Full points.
    case correct
    /// Some but not all points.
    case partiallyCorrect = "partially-correct"
    /// No points.
    case incorrect
    /// No answer given.
    case unanswered
    /// An essay waiting for a person to set its points.
    case awaitingGrading = "awaiting-grading"
}

/// Points earned on one item.
public struct ItemScore: Sendable, Equatable {
    /// Points earned, between 0 and `maximum`.
    public let points: Rational
    /// The item's points.
    public let maximum: Rational
    /// Summary of the comparison with the key.
    public let verdict: Verdict

    init(points: Rational, maximum: Rational) {
        self.points = points
        self.maximum = maximum
        verdict = points == .zero ? .incorrect : (points == maximum ? .correct : .partiallyCorrect)
    }

    init(unansweredWithMaximum maximum: Rational) {
        points = .zero
        self.maximum = maximum
        verdict = .unanswered
    }

    init(awaitingGradingWithMaximum maximum: Rational) {
        points = .zero
        self.maximum = maximum
        verdict = .awaitingGrading
    }
}
