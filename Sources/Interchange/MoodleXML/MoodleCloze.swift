import Assessment
/// Moodle's cloze questions (`type="cloze"`, also read as `multianswer`): the question text embeds its gaps as
/// `{weight:TYPE:alternative~alternative...}` (see `qtype_multianswer_extract_question`).
///
/// An alternative is an optional grade (`=` for 100 %, `%50%`), the answer, and optional feedback after `#`;
/// `\}`, `\~`, `\#`, `\/`, `\"` and `\\` stand for the character. Moodle scores a cloze question by the gaps'
/// weights (the leading numbers, 1 when empty) and ignores any `<defaultgrade>`; so does the import.
enum MoodleCloze {
    /// What kind of sub-question a type name in `{1:TYPE:...}` is.
    enum GapType: Equatable {
        case choice(shuffled: Bool)
        case text(caseSensitive: Bool)
        case numeric
        case multipleResponse
    }

    static let types: [String: GapType] = {
        var types: [String: GapType] = [:]
        for name in ["NUMERICAL", "NM"] { types[name] = .numeric }
        for name in ["MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH"] {
            types[name] = .choice(shuffled: false)
        }
        for name in ["MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"] {
            types[name] = .choice(shuffled: true)
        }
        for name in ["SHORTANSWER", "SA", "MW"] { types[name] = .text(caseSensitive: false) }
        for name in ["SHORTANSWER_C", "SAC", "MWC"] { types[name] = .text(caseSensitive: true) }
        for name in [
            "MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS", "MRHS",
        ] {
            types[name] = .multipleResponse
        }
        return types
    }()

    /// One alternative of a gap, texts as written (not yet unescaped).
    struct Alternative: Equatable {
        var fraction: Rational
        var answer: String
        var feedback: String?
    }

    /// One embedded gap and where it stands in the text (Unicode scalar offsets).
    struct ParsedGap: Equatable {
        var range: Range<Int>
        var weight: Int
        var typeName: String
        var type: GapType
        var alternatives: [Alternative]
    }

    // MARK: Parsing the embedded syntax

    /// Every gap in `text`, left to right; braces that do not form a gap stay text.
    static func gaps(in text: [Unicode.Scalar]) -> [ParsedGap] {
        var gaps: [ParsedGap] = []
        var index = 0
        while index < text.count {
            guard text[index] == "{" else {
                index += 1
                continue
            }
            switch attempt(in: text, at: index) {
            case .gap(let gap):
                gaps.append(gap)
                index = gap.range.upperBound
            case .none:
                index += 1
            case .unterminated:
                // No `}` closes it; none closes a gap starting later either (this keeps the scan linear).
                return gaps
            }
        }
        return gaps
    }

    private enum Attempt {
        case gap(ParsedGap)
        /// Not the start of a gap (found within a few characters).
        case none
        /// Looked like a gap but ran to the end of the text (or the length limit) without its `}`.
        case unterminated
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// Longest gap looked for, in characters.
    static let maximumGapLength = 20_000
    /// Longest question text (with its HTML) parsed for gaps; its Markdown must fit 10,000 characters.
    static let maximumRawText = 200_000

    private static func attempt(in fullText: [Unicode.Scalar], at start: Int) -> Attempt {
        let text = fullText[..<min(fullText.count, start + maximumGapLength)]
        var index = start + 1
        while index < text.count, isDigit(text[index]), index - start <= 9 { index += 1 }
        let weightText = String(String.UnicodeScalarView(text[(start + 1)..<index]))
        guard index < text.count, text[index] == ":" else { return .none }
        index += 1
        let typeStart = index
        while index < text.count, index - typeStart <= 20,
            ("A"..."Z").contains(text[index]) || text[index] == "_"
        {
            index += 1
        }
        let typeName = String(String.UnicodeScalarView(text[typeStart..<index]))
        guard index < text.count, text[index] == ":", let type = types[typeName] else { return .none }
        index += 1
        var alternatives: [Alternative] = []
        while true {
            guard let (alternative, next) = Self.alternative(in: text, from: index) else { return .unterminated }
            alternatives.append(alternative)
            guard next < text.count else { return .unterminated }
            if text[next] == "}" {
                let weight = weightText.isEmpty ? 1 : (Int(weightText) ?? 0)
                return .gap(
                    ParsedGap(
                        range: start..<(next + 1), weight: weight, typeName: typeName, type: type,
                        alternatives: alternatives))
            }
            // The answer and feedback scans stop only at `~` or `}` (and `#`, which starts feedback).
            index = next + 1
        }
    }

    /// `=`/`%n%`, the answer, and `#feedback`; returns the alternative and the index of the `~` or `}` after it.
    private static func alternative(in text: ArraySlice<Unicode.Scalar>, from start: Int) -> (Alternative, Int)? {
        var index = start
        var fraction = Rational.zero
        if index < text.count, text[index] == "=" {
            fraction = .one
            index += 1
        } else if index < text.count, text[index] == "%", let (value, next) = percent(in: text, from: index) {
            fraction = value
            index = next
        }
        // The answer has at least one character and ends before `~`, `#` or `}` that does not follow `\`, `&` or
        // `&amp;` (so `&#123;` stays an entity).
        let answerStart = index
        guard answerStart < text.count else { return nil }
        index += 1
        while index < text.count {
            let scalar = text[index]
            if scalar == "~" || scalar == "#" || scalar == "}", !escapedStop(in: text, at: index) { break }
            index += 1
        }
        guard index < text.count else { return nil }
        let answer = String(String.UnicodeScalarView(text[answerStart..<index]))
        var feedback: String? = nil
        if text[index] == "#" {
            let feedbackStart = index + 1
            index = feedbackStart
            while index < text.count {
                if text[index] == "~" || text[index] == "}", text[index - 1] != "\\" { break }
                index += 1
            }
            guard index < text.count else { return nil }
            feedback = String(String.UnicodeScalarView(text[feedbackStart..<index]))
        }
        return (Alternative(fraction: fraction, answer: answer, feedback: feedback), index)
    }

    private static func escapedStop(in text: ArraySlice<Unicode.Scalar>, at index: Int) -> Bool {
        let previous = text[index - 1]
        if previous == "\\" || previous == "&" { return true }
        guard index - 5 >= text.startIndex else { return false }
        return String(String.UnicodeScalarView(text[(index - 5)..<index])) == "&amp;"
    }

    /// `%-?digits([.,]digits)?%` as a fraction (the percentage over 100).
    private static func percent(in text: ArraySlice<Unicode.Scalar>, from start: Int) -> (Rational, Int)? {
        var index = start + 1
        if index < text.count, text[index] == "-" { index += 1 }
        let digitsStart = index
        while index < text.count, isDigit(text[index]), index - start < 20 { index += 1 }
        guard index > digitsStart else { return nil }
        if index < text.count, text[index] == "." || text[index] == "," {
            index += 1
            while index < text.count, isDigit(text[index]), index - start < 30 { index += 1 }
        }
        guard index < text.count, text[index] == "%",
            let value = MoodleNumber.decimal(String(String.UnicodeScalarView(text[(start + 1)..<index])))
        else { return nil }
        return (value / Rational(100), index + 1)
    }

    /// `\}`, `\~`, `\#`, `\/`, `\"` and `\\` as the character; other backslashes (such as `\*`) stay.
    static func unescaped(_ text: String) -> String {
        var result = ""
        var characters = text.unicodeScalars[...]
        while let scalar = characters.first {
            characters = characters.dropFirst()
            if scalar == "\\", let next = characters.first, "}~#/\"\\".unicodeScalars.contains(next) {
                result.unicodeScalars.append(next)
                characters = characters.dropFirst()
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    // MARK: Converting

    static func convert(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        let questionText = question.element.element("questiontext")
        let format = MoodleQuestion.format(of: questionText, default: "html")
        let raw = Array(MoodleQuestion.rawText(questionText).unicodeScalars)
        if raw.count > maximumRawText, let problem = BankRules.tooLong("stem", count: raw.count) {
            throw MoodleSkip(problem)
        }
        let parsed = gaps(in: raw)
        guard !parsed.isEmpty else {
            throw MoodleSkip("the cloze text has no gaps such as {1:SHORTANSWER:=answer}")
        }
        if let problem = BankRules.gapCount(parsed.count) { throw MoodleSkip(problem) }
        var gaps: [Gap] = []
        var text = String.UnicodeScalarView()
        var position = 0
        var total = 0
        for (index, entry) in parsed.enumerated() {
            let id = "g\(index + 1)"
            text.append(contentsOf: raw[position..<entry.range.lowerBound])
            text.append(contentsOf: ClozeText.placeholder(id).unicodeScalars)
            position = entry.range.upperBound
            guard entry.weight > 0 else { throw MoodleSkip("gap \(index + 1) has weight \(entry.weight)") }
            total += entry.weight
            guard total <= 1000 else { throw MoodleSkip("the gap weights add up to more than 1000 points") }
            gaps.append(try gap(entry, id: id, number: index + 1, html: format == "html", question: &question))
        }
        text.append(contentsOf: raw[position...])
        let stem = question.markdown(raw: String(text), format: format)
        try checkPlaceholders(stem, gaps: gaps)
        let points = Rational(total)
        if let spelled = question.value("defaultgrade"), !spelled.isEmpty, MoodleNumber.decimal(spelled) != points {
            question.warn(
                "default grade \(spelled) ignored: Moodle scores a cloze question by its gap weights (\(total) points)")
        }
        return MoodleConversion(stem: stem, points: points, kind: .cloze(gaps: gaps))
    }

    /// Each gap appears exactly once as `{{id}}` in the converted text, and nothing else looks like a gap.
    static func checkPlaceholders(_ stem: String, gaps: [Gap]) throws(MoodleSkip) {
        guard ClozeText.placeholders(in: stem) == gaps.map(\.id) else {
            throw MoodleSkip(
                "the gaps could not be placed in the text (it contains {{ or }} of its own, or a gap lies in an HTML "
                    + "comment, script or style)")
        }
    }

    private static func gap(
        _ entry: ParsedGap, id: String, number: Int, html: Bool, question: inout MoodleQuestion
    ) throws(MoodleSkip) -> Gap {
        let place = "gap \(number)"
        let alternatives = entry.alternatives.filter {
            !$0.answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        // Moodle refuses a cloze question whose gap has no answer worth 100 %.
        guard alternatives.contains(where: { $0.fraction == .one }) || entry.type == .multipleResponse else {
            throw MoodleSkip("\(place) has no answer worth 100 % (Moodle refuses such a cloze question)")
        }
        if alternatives.contains(where: { $0.fraction < .zero }) {
            question.warn(
                "negative fractions in \(place) count as 0 for the gap here (Moodle subtracts them from the "
                    + "other gaps)")
        }
        let kind: GapKind
        switch entry.type {
        case .multipleResponse:
            throw MoodleSkip(
                "\(place) is a \(entry.typeName) gap (several answers can be ticked), which cloze items do not support")
        case .choice(let shuffled):
            guard alternatives.count >= 2 else {
                throw MoodleSkip("\(place) is a drop-down with fewer than 2 answers")
            }
            var options: [Choice] = []
            for alternative in alternatives {
                let text = markdown(alternative.answer, html: html, question: &question)
                options.append(
                    Choice(
                        id: MoodleIDs.letter(options.count), text: text,
                        feedback: feedback(alternative.feedback, question: &question), credit: alternative.fraction))
            }
            let credits = options.map { $0.credit ?? .zero }
            guard let best = credits.max(), let correct = options.first(where: { $0.credit == best }) else {
                throw MoodleSkip("\(place) has no answers")
            }
            if credits.count(where: { $0 == .one }) == 1 && credits.allSatisfy({ $0 == .one || $0 == .zero }) {
                for index in options.indices { options[index].credit = nil }
            }
            if shuffled {
                question.warn("answers of \(place) are shown in a fixed order here (Moodle shuffles them)")
            }
            kind = .choice(options: options, correct: correct.id)
        case .text(let caseSensitive):
            var answers: [TextAnswer] = []
            for alternative in alternatives {
                let text = unescaped(HTMLText.decodeEntities(alternative.answer))
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                answers.append(
                    TextAnswer(
                        text, credit: alternative.fraction,
                        feedback: feedback(alternative.feedback, question: &question),
                        wildcard: text.contains("*")))
            }
            if let warning = MoodleAnswerOrder.textWarning(answers, caseSensitive: caseSensitive, place: place) {
                question.warn(warning)
            }
            kind = .text(answers: answers, caseSensitive: caseSensitive)
        case .numeric:
            var answers: [NumericAnswer] = []
            for alternative in alternatives {
                let spelled = unescaped(HTMLText.decodeEntities(alternative.answer))
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let feedback = feedback(alternative.feedback, question: &question)
                if spelled == "*" {
                    answers.append(
                        MoodleTextTypes.anyNumber(
                            credit: alternative.fraction, feedback: feedback, warnIn: &question, place: place))
                    continue
                }
                let parts = spelled.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard let value = parts.first.flatMap({ MoodleNumber.decimal($0) }) else {
                    throw MoodleSkip("answer '\(spelled)' in \(place) is not a number")
                }
                let tolerance = try MoodleTextTypes.tolerance(
                    parts.count == 2 ? String(parts[1]) : "",
                    line: question.element.element("questiontext")?.line ?? question.element.line)
                answers.append(
                    NumericAnswer(value, tolerance: tolerance, credit: alternative.fraction, feedback: feedback))
            }
            if let warning = MoodleAnswerOrder.numericWarning(answers, place: place) { question.warn(warning) }
            kind = .numeric(answers: answers)
        }
        return Gap(id: id, weight: Rational(entry.weight), kind: kind)
    }

    private static func markdown(_ raw: String, html: Bool, question: inout MoodleQuestion) -> String {
        let text = unescaped(raw)
        return html ? question.markdown(raw: text, format: "html") : HTMLText.decodeEntities(text)
    }

    private static func feedback(_ raw: String?, question: inout MoodleQuestion) -> String? {
        guard let raw else { return nil }
        let text = question.markdown(raw: unescaped(raw), format: "html")
        return text.isEmpty ? nil : text
    }
}
