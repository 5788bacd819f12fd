import Assessment
/// The bank format's limits (see `NodeReader`), checked before a converted item is handed out, so an import
/// never produces a bank that does not validate.
enum MoodleLimits {
    static let maximumText = BankRules.maximumTextLength
    static let maximumChoices = BankRules.maximumChoices
    static let maximumGaps = BankRules.maximumGaps

    static func check(_ item: Item) throws(MoodleSkip) {
        try text(item.stem, "the question text")
        try optional(item.feedback, "the general feedback")
        switch item.kind {
        case .singleChoice(let options, _), .multipleResponse(let options, _):
            try choices(options, "answers", minimum: 2)
        case .trueFalse(_, let feedbackTrue, let feedbackFalse):
            try optional(feedbackTrue, "the feedback for true")
            try optional(feedbackFalse, "the feedback for false")
        case .numeric(let answers, let unit):
            try numeric(answers)
            try optional(unit, "the unit")
        case .shortText(let answers, _, _):
            try textAnswers(answers)
        case .matching(let premises, let responses, _):
            try choices(premises, "questions to match", minimum: 1)
            try choices(responses, "answers to match", minimum: 1)
        case .ordering(let elements, _):
            try choices(elements, "items to order", minimum: 2)
        case .cloze(let gaps):
            guard (1...maximumGaps).contains(gaps.count) else {
                throw MoodleSkip("the question has \(gaps.count) gaps; a bank item holds 1 to \(maximumGaps)")
            }
            for gap in gaps {
                switch gap.kind {
                case .choice(let options, _): try choices(options, "answers in gap \(gap.id)", minimum: 2)
                case .text(let answers, _): try textAnswers(answers)
                case .numeric(let answers): try numeric(answers)
                }
            }
        case .essay(let template, let graderInfo):
            try optional(template, "the response template")
            try optional(graderInfo, "the information for graders")
        }
    }

    private static func text(_ text: String, _ what: String) throws(MoodleSkip) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw MoodleSkip("\(what) is empty")
        }
        try optional(text, what)
    }

    private static func optional(_ text: String?, _ what: String) throws(MoodleSkip) {
        guard let text, text.count > maximumText else { return }
        throw MoodleSkip("\(what) has \(text.count) characters; a bank holds at most \(maximumText)")
    }

    private static func choices(_ choices: [Choice], _ what: String, minimum: Int) throws(MoodleSkip) {
        guard (minimum...maximumChoices).contains(choices.count) else {
            throw MoodleSkip(
                "the question has \(choices.count) \(what); a bank item needs \(minimum) to \(maximumChoices)")
        }
        for (index, choice) in choices.enumerated() {
            try text(choice.text, "text \(index + 1) of the \(what)")
            try optional(choice.feedback, "the feedback of \(what) \(index + 1)")
        }
    }

    private static func textAnswers(_ answers: [TextAnswer]) throws(MoodleSkip) {
        guard !answers.isEmpty else { throw MoodleSkip("the question has no answers") }
        for (index, answer) in answers.enumerated() {
            try text(answer.text, "answer \(index + 1)")
            try optional(answer.feedback, "the feedback of answer \(index + 1)")
        }
    }

    private static func numeric(_ answers: [NumericAnswer]) throws(MoodleSkip) {
        guard (1...maximumChoices).contains(answers.count) else {
            throw MoodleSkip("the question has \(answers.count) answers; a bank item holds 1 to \(maximumChoices)")
        }
        for (index, answer) in answers.enumerated() {
            try optional(answer.feedback, "the feedback of answer \(index + 1)")
        }
    }
}
