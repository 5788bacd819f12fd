import Assessment
/// Moodle question types whose answers are chosen: multichoice, truefalse, matching, ordering, gapselect.
enum MoodleChoiceTypes {
    // MARK: multichoice

    static func multichoice(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        let single = question.flag("single", default: true)
        var options: [Choice] = []
        for (index, answer) in question.element.elements("answer").enumerated() {
            let fraction = try question.fraction(of: answer)
            let raw = MoodleQuestion.rawText(answer)
            let feedback = question.optionalMarkdown(of: answer.element("feedback"))
            guard !raw.isEmpty else {
                // Moodle drops answers without text when it saves the question.
                if fraction != .zero || feedback != nil { question.warn("answer \(index + 1) has no text; dropped") }
                continue
            }
            let text = question.markdown(
                raw: raw, format: MoodleQuestion.format(of: answer, default: question.textFormat))
            guard !text.isEmpty else {
                throw MoodleSkip("answer \(index + 1) has no text once its HTML is reduced")
            }
            options.append(
                Choice(id: MoodleIDs.letter(options.count), text: text, feedback: feedback, credit: fraction))
        }
        if let problem = BankRules.choiceCount("options", found: options.count, minimum: 2) {
            throw MoodleSkip(problem)
        }
        presentationWarnings(&question)
        let credits = options.map { $0.credit ?? .zero }
        if single {
            guard let best = credits.max(), best > .zero, let correct = options.first(where: { $0.credit == best })
            else { throw MoodleSkip("no answer has a positive fraction") }
            if credits.contains(where: { $0 < .zero }) {
                question.warn("negative fractions score 0 here (Moodle gives the question negative marks for them)")
            }
            // One answer worth 100 % and the rest nothing is the default rule; no credits needed.
            if credits.count(where: { $0 == .one }) == 1 && credits.allSatisfy({ $0 == .one || $0 == .zero }) {
                for index in options.indices { options[index].credit = nil }
            }
            return MoodleConversion(
                stem: stem, points: points, kind: .singleChoice(options: options, correct: correct.id))
        }
        // Moodle adds the fractions of the ticked answers and keeps the sum within 0...1, as the bank does.
        let correct = Set(options.filter { ($0.credit ?? .zero) > .zero }.map(\.id))
        guard !correct.isEmpty else { throw MoodleSkip("no answer has a positive fraction") }
        return MoodleConversion(stem: stem, points: points, kind: .multipleResponse(options: options, correct: correct))
    }

    private static func presentationWarnings(_ question: inout MoodleQuestion) {
        if !question.flag("shuffleanswers", default: false) {
            question.warn(
                "Moodle shows the answers in a fixed order (shuffleanswers off); a draw shuffles them unless "
                    + "the blueprint turns shuffleOptions off")
        }
        let numbering = question.value("answernumbering") ?? ""
        if !["", "abc", "ABCD"].contains(numbering) {
            question.warn("answer numbering \(numbering) not kept (answers are labelled A, B, C, ...)")
        }
    }

    // MARK: truefalse

    static func trueFalse(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        let answers = question.element.elements("answer")
        guard !answers.isEmpty else { throw MoodleSkip("the true/false question has no answers") }
        var correct = true
        var feedbackTrue: String? = nil
        var feedbackFalse: String? = nil
        var fractions: [(name: String, value: Rational)] = []
        var unnamed = false
        // As Moodle reads it: the answer "true" with 100 % makes the statement true, the answer "false" with
        // anything but 100 % too (the last answer decides); answers not named true/false count as true, then false.
        for (index, answer) in answers.enumerated() {
            var name = MoodleQuestion.rawText(answer)
            if name != "true" && name != "false" {
                unnamed = true
                name = index == 0 ? "true" : "false"
            }
            let spelled = answer.attributes["fraction"]
            guard let fraction = MoodleGrades.fraction(percent: spelled) else {
                throw MoodleSkip("answer fraction '\(spelled ?? "")' is not a number (line \(answer.line))")
            }
            fractions.append((name, fraction))
            let feedback = question.optionalMarkdown(of: answer.element("feedback"))
            if name == "true" {
                correct = fraction == .one
                feedbackTrue = feedback
            } else {
                correct = fraction != .one
                feedbackFalse = feedback
            }
        }
        if unnamed { question.warn("answers are not named true and false; the first is taken as true, as Moodle does") }
        let names = Set(fractions.map(\.name))
        let values = Set(fractions.map(\.value))
        if fractions.count != 2 || names.count != 2 || values != [.zero, .one] {
            let listed = fractions.map { "\(MoodleNumber.text($0.value)) (\($0.name))" }.joined(separator: ", ")
            question.warn("true/false fractions \(listed) read as Moodle does: the statement is \(correct)")
        }
        return MoodleConversion(
            stem: stem, points: points,
            kind: .trueFalse(correct: correct, feedbackTrue: feedbackTrue, feedbackFalse: feedbackFalse))
    }

    // MARK: matching

    static func matching(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        var premises: [Choice] = []
        var responses: [Choice] = []
        var correct: [String: String] = [:]
        for (index, subquestion) in question.element.elements("subquestion").enumerated() {
            let answer = MoodleQuestion.rawText(subquestion.element("answer"))
            let raw = MoodleQuestion.rawText(subquestion)
            guard !answer.isEmpty else {
                if raw.isEmpty { continue }  // Moodle ignores empty pairs.
                throw MoodleSkip("subquestion \(index + 1) has no matching answer")
            }
            // Moodle shows answers with the same text once.
            let responseID: String
            if let existing = responses.first(where: { $0.text == answer }) {
                responseID = existing.id
            } else {
                responseID = "r\(responses.count + 1)"
                responses.append(Choice(id: responseID, text: answer))
            }
            // A subquestion without text only adds its answer as a distractor.
            guard !raw.isEmpty else { continue }
            let text = question.markdown(
                raw: raw, format: MoodleQuestion.format(of: subquestion, default: question.textFormat))
            let premiseID = "p\(premises.count + 1)"
            premises.append(Choice(id: premiseID, text: text))
            correct[premiseID] = responseID
        }
        guard !premises.isEmpty else { throw MoodleSkip("the matching question has no subquestions") }
        return MoodleConversion(
            stem: stem, points: points, kind: .matching(premises: premises, responses: responses, correct: correct))
    }

    // MARK: ordering

    static func ordering(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let stem = try question.stem()
        let points = try question.points()
        var elements: [Choice] = []
        // The file lists the items in the correct order (Moodle numbers them when it imports).
        for answer in question.element.elements("answer") {
            let raw = MoodleQuestion.rawText(answer)
            guard !raw.isEmpty else { continue }
            let text = question.markdown(
                raw: raw, format: MoodleQuestion.format(of: answer, default: question.textFormat))
            elements.append(Choice(id: "e\(elements.count + 1)", text: text))
        }
        guard elements.count >= 2 else {
            throw MoodleSkip("an ordering question needs at least 2 items (found \(elements.count))")
        }
        let grading = (question.value("gradingtype") ?? "RELATIVE").uppercased()
        if !["ABS", "ABSOLUTE", "ABSOLUTE_POSITION"].contains(grading) {
            let known = [
                "ALL_OR_NOTHING", "RELATIVE_NEXT_INCLUDE_LAST", "RELATIVE_ONE_PREVIOUS_AND_NEXT",
                "RELATIVE_ALL_PREVIOUS_AND_NEXT", "LONGEST_ORDERED_SUBSET", "LONGEST_CONTIGUOUS_SUBSET",
                "RELATIVE_TO_CORRECT",
            ]
            let name = known.contains(grading) ? grading : "RELATIVE_NEXT_EXCLUDE_LAST"
            question.warn(
                "ordering grading \(name) not kept; scored here by absolute position (a share of the points for "
                    + "each item in its right place)")
        }
        let select = (question.value("selecttype") ?? question.value("logical") ?? "RANDOM").uppercased()
        if !["ALL", "EXACT"].contains(select) {
            let spelled = question.value("selectcount") ?? question.value("studentsee")
            var count = spelled.map { XMLNumber.integer($0) ?? 3 } ?? 6
            count = min(max(2, count), elements.count)
            if count < elements.count {
                question.warn(
                    "Moodle shows only \(count) of the \(elements.count) items (select type "
                        + "\(select.isEmpty ? "RANDOM" : select)); here all items are ordered")
            }
        }
        return MoodleConversion(
            stem: stem, points: points, kind: .ordering(elements: elements, correctOrder: elements.map(\.id)))
    }

    // MARK: gapselect

    /// "Select missing words": `[[n]]` in the text is a drop-down offering the choices of choice n's group.
    static func gapSelect(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let points = try question.points()
        let choices = question.element.elements("selectoption").map { option in
            (text: MoodleQuestion.rawText(option), group: XMLNumber.integer(question.valueOf(option, "group")) ?? 1)
        }
        let questionText = question.element.element("questiontext")
        let raw = Array(MoodleQuestion.rawText(questionText).unicodeScalars)
        var text = String.UnicodeScalarView()
        var gaps: [Gap] = []
        var index = 0
        while index < raw.count {
            if raw[index] == "[", index + 1 < raw.count, raw[index + 1] == "[" {
                var end = index + 2
                while end < raw.count, end - index < 8, ("0"..."9").contains(raw[end]) { end += 1 }
                if end > index + 2, end + 1 < raw.count, raw[end] == "]", raw[end + 1] == "]",
                    let number = Int(String(String.UnicodeScalarView(raw[(index + 2)..<end])))
                {
                    guard number >= 1, number <= choices.count else {
                        throw MoodleSkip("gap [[\(number)]] refers to a choice that does not exist")
                    }
                    let choice = choices[number - 1]
                    var options: [Choice] = []
                    var correct = ""
                    for (position, candidate) in choices.enumerated() where candidate.group == choice.group {
                        let id = MoodleIDs.letter(options.count)
                        if position == number - 1 { correct = id }
                        options.append(Choice(id: id, text: candidate.text))
                    }
                    let id = "g\(gaps.count + 1)"
                    gaps.append(Gap(id: id, kind: .choice(options: options, correct: correct)))
                    text.append(contentsOf: ClozeText.placeholder(id).unicodeScalars)
                    index = end + 2
                    continue
                }
            }
            text.append(raw[index])
            index += 1
        }
        guard !gaps.isEmpty else { throw MoodleSkip("the text has no gaps [[1]]") }
        let stem = question.markdown(
            raw: String(text), format: MoodleQuestion.format(of: questionText, default: "html"))
        try MoodleCloze.checkPlaceholders(stem, gaps: gaps)
        if question.flag("shuffleanswers", default: false) {
            question.warn("choices are shown in a fixed order here (Moodle shuffles them)")
        }
        return MoodleConversion(stem: stem, points: points, kind: .cloze(gaps: gaps))
    }
}

extension MoodleQuestion {
    /// The trimmed text of `element`'s child `name`, empty when absent.
    func valueOf(_ element: MarkupElement, _ name: String) -> String {
        MoodleQuestion.rawText(element.element(name))
    }
}
