/// The key of an item, spelled with the labels the learner saw. Numbers stay exact; a front end spells them.
public enum PresentedSolution: Sendable, Equatable, Codable {
    /// The correct options' letters in display order (one for a single-choice item).
    case letters([String])
    /// The truth value of the statement.
    case truth(Bool)
    /// The best accepted value with its tolerance, or `nil` when the item has none.
    case number(NumericAnswer?, unit: String?)
    /// The best accepted text, else the pattern, else empty.
    case text(String)
    /// Each gap's key in stem order.
    case gaps([GapKey])
    /// Premise number and response letter, e.g. `1A`, for every premise.
    case pairs([String])
    /// The elements' letters in the correct order.
    case order([String])
    /// An essay has no key; the grader's information, if any.
    case essay(graderInfo: String?)

    /// The key of one cloze gap.
    public enum GapKey: Sendable, Equatable, Codable {
        /// The correct option's letter (its id when the letter is unknown).
        case letter(String)
        /// The best accepted text.
        case text(String)
        /// The best accepted number, or `nil` when the gap has none.
        case number(Rational?)
    }
}

/// One piece of feedback tied to the option the learner chose, with the label the learner saw.
public struct LabeledFeedback: Sendable, Equatable, Codable {
    /// The option's label (`A`, `B`, …).
    public let label: String
    /// The feedback text, Markdown.
    public let text: String
}

/// What a learner may see after answering: the score, feedback and the key.
///
/// Available only from an answered item of a self-test (right after the answer) or of a submitted attempt,
/// through ``Attempt/presentedFeedback(for:)``.
public struct PresentedFeedback: Sendable, Equatable, Codable {
    /// The item's id.
    public let itemID: String
    /// Points earned.
    public let score: ItemScore
    /// Feedback of the chosen options in display order, each with its letter (choice items).
    public let optionFeedback: [LabeledFeedback]
    /// Feedback for the chosen option(s) or true/false value, without labels.
    public let responseFeedback: [String]
    /// The item's general feedback.
    public let generalFeedback: String?
    /// The key, spelled with the labels shown.
    public let solution: PresentedSolution
}

extension Attempt {
    /// Feedback for `itemID`, or `nil` before it may be shown: the item is not part of the attempt, has no saved
    /// answer, or the attempt is not a self-test and not yet submitted.
    public func presentedFeedback(for itemID: String) -> PresentedFeedback? {
        guard let response = answers[itemID], let scorer = scorers[itemID],
            let drawn = draw.items.first(where: { $0.itemID == itemID }), let feedback = feedback(for: itemID)
        else { return nil }
        switch state {
        case .inProgress: guard kind == .selfTest else { return nil }
        case .submitted: break
        case .voided: return nil
        }
        let layout = ItemLayout(item: scorer.item, order: drawn.choiceOrder)
        return PresentedFeedback(
            itemID: itemID, score: feedback.score, optionFeedback: layout.optionFeedback(for: response),
            responseFeedback: feedback.responseFeedback, generalFeedback: feedback.generalFeedback,
            solution: layout.solution)
    }
}

extension ItemLayout {
    /// Feedback of the chosen options, each with the letter the learner saw.
    func optionFeedback(for response: Response) -> [LabeledFeedback] {
        let options: [Choice]
        let chosen: Set<String>
        switch (item.kind, response) {
        case (.singleChoice(let all, _), .choice(let id)):
            options = all
            chosen = [id]
        case (.multipleResponse(let all, _), .choices(let ids)):
            options = all
            chosen = ids
        default:
            return []
        }
        return ordered(options).enumerated().compactMap { index, option in
            guard chosen.contains(option.id), let feedback = option.feedback else { return nil }
            return LabeledFeedback(label: Self.letter(index), text: feedback)
        }
    }

    /// The key, spelled with the letters the learner saw.
    var solution: PresentedSolution {
        func letter(_ id: String, in choices: [Choice]) -> String {
            guard let index = ordered(choices).firstIndex(where: { $0.id == id }) else { return id }
            return Self.letter(index)
        }
        func best<T>(_ answers: [T], _ credit: (T) -> Rational) -> T? {
            answers.max(by: { credit($0) < credit($1) })
        }
        switch item.kind {
        case .singleChoice(let options, let correct):
            return .letters([letter(correct, in: options)])
        case .multipleResponse(let options, let correct):
            return .letters(ordered(options).filter { correct.contains($0.id) }.map { letter($0.id, in: options) })
        case .trueFalse(let correct, _, _):
            return .truth(correct)
        case .numeric(let answers, let unit):
            return .number(best(answers, \.credit), unit: unit)
        case .shortText(let answers, let pattern, _):
            return .text(best(answers, \.credit)?.text ?? pattern ?? "")
        case .cloze:
            return .gaps(
                gapOrder.map { gap in
                    switch gap.kind {
                    case .choice(let options, let correct):
                        .letter(options.firstIndex { $0.id == correct }.map { Self.letter($0) } ?? correct)
                    case .text(let answers, _):
                        .text(best(answers, \.credit)?.text ?? "")
                    case .numeric(let answers):
                        .number(best(answers, \.credit)?.value)
                    }
                })
        case .essay(_, let graderInfo):
            return .essay(graderInfo: graderInfo)
        case .matching(let premises, let responses, let correct):
            return .pairs(
                premises.enumerated().map { index, premise in
                    "\(index + 1)\(letter(correct[premise.id] ?? "", in: responses))"
                })
        case .ordering(let elements, let correctOrder):
            return .order(correctOrder.map { letter($0, in: elements) })
        }
    }
}
