import Assessment
/// Moodle question types whose answers are typed: shortanswer, numerical, essay.
enum MoodleTextTypes {
    // MARK: shortanswer

    static func shortAnswer(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        let caseSensitive = question.flag("usecase", default: false)
        var answers: [TextAnswer] = []
        for (index, answer) in question.element.elements("answer").enumerated() {
            let fraction = try question.fraction(of: answer)
            let text = MoodleQuestion.rawText(answer)
            let feedback = question.optionalMarkdown(of: answer.element("feedback"))
            guard !text.isEmpty else {
                if fraction != .zero || feedback != nil { question.warn("answer \(index + 1) has no text; dropped") }
                continue
            }
            // Moodle short answers always read `*` as a wildcard (`\*` is a star).
            answers.append(TextAnswer(text, credit: fraction, feedback: feedback, wildcard: text.contains("*")))
        }
        guard answers.contains(where: { $0.credit > .zero }) else {
            throw MoodleSkip("no answer has a positive fraction")
        }
        if let warning = MoodleAnswerOrder.textWarning(answers, caseSensitive: caseSensitive) {
            question.warn(warning)
        }
        return MoodleConversion(
            stem: stem, points: points, kind: .shortText(answers: answers, pattern: nil, caseSensitive: caseSensitive))
    }

    // MARK: numerical

    static func numerical(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        var answers: [NumericAnswer] = []
        for (index, answer) in question.element.elements("answer").enumerated() {
            var fraction = try question.fraction(of: answer)
            // Old files give the fraction (not a percentage) as an element.
            if let spelled = answer.element("fraction").map({ MoodleQuestion.rawText($0) }), !spelled.isEmpty {
                guard let value = MoodleNumber.decimal(spelled) else {
                    throw MoodleSkip("answer fraction '\(spelled)' is not a number (line \(answer.line))")
                }
                if let problem = BankRules.credit("credit", value, spelled: spelled) {
                    throw MoodleSkip("answer fraction '\(spelled)' (line \(answer.line)) cannot be kept: \(problem)")
                }
                fraction = value
            }
            let text = MoodleQuestion.rawText(answer)
            let feedback = question.optionalMarkdown(of: answer.element("feedback"))
            guard !text.isEmpty else {
                if fraction != .zero || feedback != nil { question.warn("answer \(index + 1) has no text; dropped") }
                continue
            }
            let toleranceText = answer.element("tolerance").map { MoodleQuestion.rawText($0) } ?? ""
            if text == "*" {
                answers.append(anyNumber(credit: fraction, feedback: feedback, warnIn: &question, place: nil))
                continue
            }
            guard let value = MoodleNumber.decimal(text) else {
                throw MoodleSkip("answer '\(text)' is not a number (line \(answer.line))")
            }
            let tolerance = try Self.tolerance(toleranceText, line: answer.line)
            answers.append(NumericAnswer(value, tolerance: tolerance, credit: fraction, feedback: feedback))
        }
        guard answers.contains(where: { $0.credit > .zero }) else {
            throw MoodleSkip("no answer has a positive fraction")
        }
        if let warning = MoodleAnswerOrder.numericWarning(answers) { question.warn(warning) }
        let unit = units(&question)
        return MoodleConversion(stem: stem, points: points, kind: .numeric(answers: answers, unit: unit))
    }

    /// An absolute tolerance (Moodle's numerical questions only have those); empty means exact.
    static func tolerance(_ spelled: String, line: Int) throws(MoodleSkip) -> Tolerance {
        guard !spelled.isEmpty else { return .exact }
        guard let value = MoodleNumber.decimal(spelled) else {
            throw MoodleSkip("tolerance '\(spelled)' is not a number (line \(line))")
        }
        guard value >= .zero else { throw MoodleSkip("tolerance \(spelled) is negative (line \(line))") }
        return value == .zero ? .exact : .absolute(value)
    }

    /// Largest number a learner's answer can be read as (see `Rational(decimal:)`).
    static let largestNumber = Rational(1_000_000_000_000)

    /// Moodle's `*` answer (any number), as 0 with a tolerance that covers every number a learner can enter.
    static func anyNumber(
        credit: Rational, feedback: String?, warnIn question: inout MoodleQuestion, place: String?
    ) -> NumericAnswer {
        question.warn(
            "answer * (any number)\(place.map { " in \($0)" } ?? "") kept as 0 ± 1000000000000, which covers "
                + "every number a learner can enter")
        return NumericAnswer(.zero, tolerance: .absolute(largestNumber), credit: credit, feedback: feedback)
    }

    /// The unit with multiplier 1; other units and unit grading are reported.
    private static func units(_ question: inout MoodleQuestion) -> String? {
        var unit: String? = nil
        let units = question.element.element("units")?.elements("unit") ?? []
        for entry in units {
            let name = MoodleQuestion.rawText(entry.element("unit_name"))
            let spelled = MoodleQuestion.rawText(entry.element("multiplier"))
            let multiplier = spelled.isEmpty ? .one : MoodleNumber.decimal(spelled)
            if unit == nil, multiplier == .one, !name.isEmpty {
                unit = name
            } else if !name.isEmpty {
                question.warn("unit \(name) (multiplier \(spelled.isEmpty ? "1" : spelled)) not kept")
            }
        }
        if !units.isEmpty {
            let grading = question.value("unitgradingtype") ?? "0"
            let penalty = question.value("unitpenalty") ?? "0.1"
            if grading == "1" || grading == "2", MoodleNumber.decimal(penalty) != .zero {
                question.warn("penalty \(penalty) for a wrong or missing unit not kept (units are not graded)")
            }
            if question.value("unitsleft") == "1" {
                question.warn("the unit stands left of the number in Moodle; here it follows the number")
            }
        }
        if let instructions = question.element.element("instructions") {
            let text = question.markdown(of: instructions)
            if !text.isEmpty { question.warn("unit instructions dropped") }
        }
        return unit
    }

    // MARK: essay

    static func essay(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        if question.value("responseformat") == "noinline" {
            question.warn("Moodle takes attachments only, no text; here the learner answers in text")
        }
        let attachments = XMLNumber.integer(question.value("attachments")) ?? 0
        let required = XMLNumber.integer(question.value("attachmentsrequired")) ?? 0
        if required > 0 {
            question.warn(
                "Moodle requires \(required == 1 ? "1 attachment" : "\(required) attachments"); file uploads "
                    + "are not supported (the learner answers in text)")
        } else if attachments != 0 {
            question.warn("optional attachments not supported (the learner answers in text)")
        }
        for (name, what) in [("minwordlimit", "minimum"), ("maxwordlimit", "maximum")] {
            if let limit = question.value(name), !limit.isEmpty, limit != "0" {
                question.warn("\(what) of \(limit) words not kept")
            }
        }
        let template = question.optionalMarkdown(of: question.element.element("responsetemplate"))
        let graderInfo = question.optionalMarkdown(of: question.element.element("graderinfo"))
        return MoodleConversion(
            stem: stem, points: points, kind: .essay(responseTemplate: template, graderInfo: graderInfo))
    }
}

/// Moodle grades a typed answer by the first answer it matches, in file order; the bank by the best match.
/// The two differ only when an earlier answer worth less also matches a later one; that is reported.
enum MoodleAnswerOrder {
    /// Most character comparisons spent on the check; beyond it the difference is reported as possible.
    static let budget = 20_000_000

    static func textWarning(_ answers: [TextAnswer], caseSensitive: Bool, place: String? = nil) -> String? {
        var budget = Self.budget
        for (later, answer) in answers.enumerated() {
            let instance = example(of: answer)
            for earlier in 0..<later where answers[earlier].credit < answer.credit {
                guard let found = matches(answers[earlier], instance, caseSensitive: caseSensitive, budget: &budget)
                else {
                    return "answers are checked in order in Moodle (the first match counts); here the best match "
                        + "counts\(place.map { " (\($0))" } ?? "")"
                }
                if found { return message(earlier, answers[earlier].credit, later, answer.credit, place) }
            }
        }
        return nil
    }

    static func numericWarning(_ answers: [NumericAnswer], place: String? = nil) -> String? {
        func interval(_ answer: NumericAnswer) -> (Rational, Rational) {
            let width: Rational
            switch answer.tolerance {
            case .exact: width = .zero
            case .absolute(let value): width = value
            case .relative(let value): width = value * answer.value.magnitude
            }
            return (answer.value - width, answer.value + width)
        }
        // More answers than an item holds: the item is skipped anyway.
        guard answers.count <= BankRules.maximumChoices else { return nil }
        for (later, answer) in answers.enumerated() {
            let (low, high) = interval(answer)
            for earlier in 0..<later where answers[earlier].credit < answer.credit {
                let (otherLow, otherHigh) = interval(answers[earlier])
                if max(low, otherLow) <= min(high, otherHigh) {
                    return message(earlier, answers[earlier].credit, later, answer.credit, place)
                }
            }
        }
        return nil
    }

    private static func message(
        _ earlier: Int, _ earlierCredit: Rational, _ later: Int, _ laterCredit: Rational, _ place: String?
    ) -> String {
        "answer \(earlier + 1) (fraction \(MoodleNumber.text(earlierCredit))) also matches answer \(later + 1) "
            + "(fraction \(MoodleNumber.text(laterCredit)))\(place.map { " in \($0)" } ?? ""): Moodle gives the "
            + "first match, here the best match counts"
    }

    /// A text the answer accepts: wildcards left out, `\*` as a star.
    private static func example(of answer: TextAnswer) -> String {
        guard answer.wildcard else { return answer.text }
        var result = ""
        var escaped = false
        for character in answer.text {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character != "*" {
                result.append(character)
            }
        }
        return result
    }

    /// Whether `answer` accepts `text` (wildcards as Moodle reads them); `nil` when that would cost more than the
    /// remaining `budget`.
    private static func matches(_ answer: TextAnswer, _ text: String, caseSensitive: Bool, budget: inout Int) -> Bool? {
        let fold: (String) -> [Character] = { value in
            let collapsed = value.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            return Array(caseSensitive ? collapsed : collapsed.lowercased())
        }
        let subject = fold(text)
        budget -= subject.count + answer.text.count
        guard budget >= 0 else { return nil }
        guard answer.wildcard else { return fold(answer.text) == subject }
        // Pattern tokens: a character, or nil for a run of `*`.
        var tokens: [Character?] = []
        var escaped = false
        for character in fold(answer.text) {
            if escaped {
                tokens.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" {
                if tokens.last != .some(nil) { tokens.append(nil) }
            } else {
                tokens.append(character)
            }
        }
        if escaped { tokens.append("\\") }
        budget -= tokens.count * (subject.count + 1)
        guard budget >= 0 else { return nil }
        // reachable[j]: the tokens so far can match the first j characters.
        var reachable = [Bool](repeating: false, count: subject.count + 1)
        reachable[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: subject.count + 1)
            if let character = token {
                for index in 0..<subject.count where reachable[index] && subject[index] == character {
                    next[index + 1] = true
                }
            } else {
                var seen = false
                for index in 0...subject.count {
                    seen = seen || reachable[index]
                    next[index] = seen
                }
            }
            reachable = next
        }
        return reachable[subject.count]
    }
}
