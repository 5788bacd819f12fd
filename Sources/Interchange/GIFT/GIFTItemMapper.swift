import Assessment
import Foundation

/// The text formats a GIFT text may declare with a leading `[html]`, `[moodle]`, `[plain]` or `[markdown]`.
enum GIFTTextFormat: String, Sendable {
    case moodle, html, plain, markdown
}

/// A GIFT text converted to Markdown, with the format it declared and what the conversion lost.
struct GIFTText: Sendable {
    var markdown: String
    var format: GIFTTextFormat
    var warnings: [String]

    /// Converts `units`: a leading format marker is removed and sets the format (else `defaultFormat`);
    /// HTML is reduced to Markdown, the other formats are kept as text with each line's indentation removed
    /// (Markdown would read indented lines as code). Markdown keeps its lines as written.
    /// `<img>` tags in `[moodle]` and `[markdown]` texts (which Moodle shows as images) become Markdown
    /// images through `media`, with its warnings.
    init(_ units: some Collection<GIFTUnit>, defaultFormat: GIFTTextFormat, media: MediaCollector = MediaCollector()) {
        var text = Array(units)[...].trimmed.text
        var format = defaultFormat
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"),
            let named = GIFTTextFormat(rawValue: String(text[text.index(after: text.startIndex)..<close]))
        {
            format = named
            text = String(text[text.index(after: close)...])
        }
        self.format = format
        switch format {
        case .html:
            (markdown, warnings) = HTMLText.markdown(from: Self.withoutUnclosedTags(text), media: media)
        case .markdown:
            (markdown, warnings) = Self.imagesConverted(String(Self.trimmed(text[...])), media: media)
        case .moodle:
            (markdown, warnings) = Self.imagesConverted(
                String(
                    Self.trimmed(
                        text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.trimmed($0) }
                            .joined(separator: "\n")[...])), media: media)
        case .plain:
            markdown = String(
                Self.trimmed(
                    text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.trimmed($0) }
                        .joined(separator: "\n")[...]))
            warnings = []
        }
    }

    /// `text` with each `<img ...>` tag replaced by a Markdown image (Moodle shows such tags in `[moodle]`
    /// and `[markdown]` texts as images; kept raw, the bank would show the tag as text).
    static func imagesConverted(_ text: String, media: MediaCollector) -> (String, [String]) {
        guard text.range(of: "<img", options: .caseInsensitive) != nil else { return (text, []) }
        var result = ""
        var warnings: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<img", options: .caseInsensitive) {
            let after = rest[open.upperBound...]
            guard let first = after.first, first.isWhitespace || first == "/" || first == ">",
                let close = after.firstIndex(of: ">")
            else {
                result += rest[..<open.upperBound]
                rest = after
                continue
            }
            result += rest[..<open.lowerBound]
            let tag = String(rest[rest.index(after: open.lowerBound)..<close])
            let source = HTMLReducer.attribute("src", in: tag).map(HTMLText.decodeEntities) ?? ""
            let alt = (HTMLReducer.attribute("alt", in: tag).map(HTMLText.decodeEntities) ?? "")
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let (image, warning) = media.image(source: source, alt: alt)
            result += image
            if let warning, !warnings.contains(warning) { warnings.append(warning) }
            rest = after[after.index(after: close)...]
        }
        result += rest
        return (result, warnings)
    }

    /// `text` without leading and trailing white space (a fast path for ASCII; Foundation's trimming is slow).
    static func trimmed(_ text: Substring) -> Substring {
        func isSpace(_ character: Character) -> Bool {
            character.isASCII
                ? character == " " || character == "\t" || character == "\n" || character == "\r\n"
                    || character == "\r" : character.isWhitespace
        }
        var result = text
        while let first = result.first, isSpace(first) { result = result.dropFirst() }
        while let last = result.last, isSpace(last) { result = result.dropLast() }
        return result
    }

    /// `html` with every `<` after the last `>` written as `&lt;`: such a `<` cannot start a tag, and the
    /// reducer would otherwise search the rest of the text for a `>` once per `<` (quadratic time).
    static func withoutUnclosedTags(_ html: String) -> String {
        guard let lastClose = html.lastIndex(of: ">") ?? (html.contains("<") ? html.startIndex : nil) else {
            return html
        }
        let tail = html[lastClose...]
        guard tail.contains("<") else { return html }
        return String(html[..<lastClose]) + tail.replacingOccurrences(of: "<", with: "&lt;")
    }

    /// The text with a leading format marker removed and nothing else changed (for answers compared
    /// literally: short answers and matching responses).
    static func literal(_ units: some Collection<GIFTUnit>) -> String {
        let text = Array(units)[...].trimmed.text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"),
            GIFTTextFormat(rawValue: String(text[text.index(after: text.startIndex)..<close])) != nil
        {
            return String(Self.trimmed(text[text.index(after: close)...]))
        }
        return text
    }
}

/// Builds a bank item from a parsed GIFT question, collecting a warning for everything approximated.
struct GIFTItemMapper {
    let lines: GIFTLines
    private var identifiers = IdentifierMaker()
    /// How often each sanitised name was used, so that repeated titles get `-2`, `-3`, ... directly
    /// (``IdentifierMaker`` alone tries every suffix from `-2` on, quadratic for thousands of equal titles).

    init(lines: GIFTLines) {
        self.lines = lines
    }

    /// The outcome for `question`, filed under `topic`.
    mutating func outcome(for question: GIFTQuestion, topic: String, location: SourceLocation) -> ImportedQuestion {
        let media = MediaCollector()
        let stem = GIFTText(question.stem, defaultFormat: .moodle, media: media)
        let label = question.title.flatMap { $0.isEmpty ? nil : $0 } ?? GIFTImporter.label(from: stem.markdown)
        if case .description = question.answers {
            return ImportedQuestion(
                location: location, label: label,
                status: .skipped(reason: "description is not a question (it has no points)"))
        }
        var builder = GIFTItemBuilder(format: stem.format, warnings: stem.warnings, media: media)
        do throws(GIFTProblem) {
            let line = location.line
            try GIFTItemBuilder.checkNotEmpty(stem, question.stem[...], "the question text", line: line)
            try GIFTItemBuilder.checkLength(stem.markdown, "the question text", line: line)
            let kind = try builder.kind(question.answers, line: line)
            let feedback = try builder.optionalText(question.generalFeedback, "the general feedback", line: line)
            if let textLine = question.textAfterBlockLine {
                builder.warn(
                    "the text in line \(textLine) after the answer block became the end of the question text "
                        + "(missing-word form); separate questions with a blank line")
            }
            if !question.tags.isEmpty {
                builder.warn("Moodle tags \(question.tags.joined(separator: ", ")) not kept (bank items have no tags)")
            }
            let name =
                question.idNumber ?? question.title
                ?? label.replacingOccurrences(of: GIFTQuestionParser.blank, with: " ")
            let id = identifiers.make(from: name, fallback: "question-\(location.line)")
            let item = Item(
                id: id, topic: topic, points: Rational(1), stem: stem.markdown, feedback: feedback, kind: kind)
            let status: ImportStatus =
                builder.warnings.isEmpty ? .imported(item) : .importedWithWarnings(item, builder.warnings)
            return ImportedQuestion(location: location, label: label, status: status, media: media.media)
        } catch {
            return ImportedQuestion(location: location, label: label, status: .skipped(reason: error.reason))
        }
    }
}

/// Converts the answers of one question; texts inherit the question text's format.
struct GIFTItemBuilder {
    let format: GIFTTextFormat
    private(set) var warnings: [String]
    /// The question's images.
    let media: MediaCollector

    init(format: GIFTTextFormat, warnings: [String], media: MediaCollector) {
        self.format = format
        self.media = media
        self.warnings = []
        for warning in warnings { warn(warning) }
    }

    mutating func warn(_ warning: String) {
        if !warnings.contains(warning) { warnings.append(warning) }
    }

    static func checkLength(_ text: String, _ what: String, line: Int) throws(GIFTProblem) {
        if let problem = BankRules.tooLong(what, text) { throw GIFTProblem(line: line, message: problem) }
    }

    /// A required text in the question's format.
    mutating func text(_ units: ArraySlice<GIFTUnit>, _ what: String, line: Int) throws(GIFTProblem) -> String {
        let converted = GIFTText(units, defaultFormat: format, media: media)
        for warning in converted.warnings { warn(warning) }
        try Self.checkNotEmpty(converted, units, what, line: line)
        try Self.checkLength(converted.markdown, what, line: line)
        return converted.markdown
    }

    /// Fails when `converted` is empty: plainly, or because HTML reduction left no text (an image only).
    static func checkNotEmpty(
        _ converted: GIFTText, _ units: ArraySlice<GIFTUnit>, _ what: String, line: Int
    ) throws(GIFTProblem) {
        guard converted.markdown.isEmpty else { return }
        if !units.isBlank, !converted.warnings.isEmpty {
            throw GIFTProblem(
                line: line,
                message:
                    "\(what) has no text left after reducing its HTML (\(converted.warnings.joined(separator: "; ")))")
        }
        throw GIFTProblem(line: line, message: "\(what) is empty")
    }

    /// An optional text (feedback): `nil` when absent or blank.
    mutating func optionalText(
        _ units: ArraySlice<GIFTUnit>?, _ what: String, line: Int
    ) throws(GIFTProblem) -> String? {
        guard let units else { return nil }
        let converted = GIFTText(units, defaultFormat: format, media: media)
        guard !converted.markdown.isEmpty else { return nil }
        for warning in converted.warnings { warn(warning) }
        try Self.checkLength(converted.markdown, what, line: line)
        return converted.markdown
    }

    mutating func kind(_ answers: GIFTAnswers, line: Int) throws(GIFTProblem) -> ItemKind {
        switch answers {
        case .description, .essay:
            return .essay(responseTemplate: nil, graderInfo: nil)
        case .trueFalse(let value, let wrongUnits, let rightUnits):
            let wrong = try optionalText(wrongUnits, "the feedback for a wrong answer", line: line)
            let right = try optionalText(rightUnits, "the feedback for a right answer", line: line)
            return .trueFalse(
                correct: value, feedbackTrue: value ? right : wrong, feedbackFalse: value ? wrong : right)
        case .choice(let answers):
            return try choice(answers, line: line)
        case .matching(let pairs):
            return try matching(pairs, line: line)
        case .shortAnswer(let answers):
            return try shortAnswer(answers, line: line)
        case .numerical(let answers, let otherFeedback, let otherLine):
            return try numerical(answers, otherFeedback: otherFeedback, otherLine: otherLine ?? line, line: line)
        }
    }

    /// Option ids `a`, `b`, ... (at most 20 options).
    static func optionID(_ index: Int) -> String {
        String(UnicodeScalar(UInt8(ascii: "a") + UInt8(clamping: index)))
    }

    static func percent(_ credit: Rational) -> String {
        "\((credit * Rational(100)).exactText)%"
    }

    private mutating func choice(_ answers: [GIFTChoiceAnswer], line: Int) throws(GIFTProblem) -> ItemKind {
        guard answers.count >= 2 else {
            throw GIFTProblem(
                line: answers.first?.line ?? line,
                message: "a choice question needs at least 2 answers (found \(answers.count))")
        }
        if let problem = BankRules.tooMany("options", found: answers.count) {
            throw GIFTProblem(line: line, message: problem)
        }
        var options: [Choice] = []
        var credits: [Rational] = []
        for (index, answer) in answers.enumerated() {
            let text = try text(answer.text, "answer \(index + 1)", line: answer.line)
            let feedback = try optionalText(answer.feedback, "the feedback of answer \(index + 1)", line: answer.line)
            if answer.isUnmarked {
                warn(
                    "'\(GIFTImporter.label(from: text))' before the first '~' or '=' became a wrong answer (as in Moodle)"
                )
            }
            options.append(Choice(id: Self.optionID(index), text: text, feedback: feedback))
            credits.append(answer.weight ?? (answer.isRight ? .one : .zero))
        }
        let rightCount = answers.count { $0.isRight }
        let weighted = answers.contains { $0.weight != nil }
        if rightCount > 0 {
            // Single choice (Moodle: an `=` anywhere). Credits are needed for weights or several right answers.
            let best = credits.max() ?? .zero
            guard best > .zero, let correct = credits.firstIndex(of: best) else {
                throw GIFTProblem(line: line, message: "no answer earns points")
            }
            if weighted || rightCount > 1 {
                for index in options.indices { options[index].credit = credits[index] }
                if best < .one { warn("no answer earns full points (the best earns \(Self.percent(best)))") }
            }
            return .singleChoice(options: options, correct: options[correct].id)
        }
        // Multiple response (Moodle: only `~`): the chosen answers' weights add up, limited to 0...100%.
        var correct = Set<String>()
        var positiveSum = Rational.zero
        for index in options.indices {
            options[index].credit = credits[index]
            if credits[index] > .zero {
                correct.insert(options[index].id)
                positiveSum += credits[index]
            }
        }
        guard !correct.isEmpty else {
            throw GIFTProblem(
                line: line,
                message: "no answer is right (mark the right answer with '=' or give right answers a positive %weight%)"
            )
        }
        if positiveSum != .one {
            warn("the positive weights add up to \(Self.percent(positiveSum)), not 100%")
        }
        return .multipleResponse(options: options, correct: correct)
    }

    private mutating func matching(_ pairs: [GIFTMatchPair], line: Int) throws(GIFTProblem) -> ItemKind {
        guard pairs.count >= 2 else {
            throw GIFTProblem(
                line: pairs.first?.line ?? line,
                message: "a matching question needs at least 2 pairs (found \(pairs.count))")
        }
        var premises: [Choice] = []
        var responses: [Choice] = []
        var correct: [String: String] = [:]
        for (index, pair) in pairs.enumerated() {
            let responseText = GIFTText.literal(pair.response)
            guard !responseText.isEmpty else {
                throw GIFTProblem(line: pair.line, message: "matching pair \(index + 1) has no answer after '->'")
            }
            try Self.checkLength(responseText, "the answer of matching pair \(index + 1)", line: pair.line)
            let responseID: String
            if let existing = responses.first(where: { $0.text == responseText }) {
                responseID = existing.id
            } else {
                responseID = "r\(responses.count + 1)"
                responses.append(Choice(id: responseID, text: responseText))
            }
            let premise = GIFTText(pair.premise, defaultFormat: format, media: media)
            for warning in premise.warnings { warn(warning) }
            try Self.checkLength(premise.markdown, "the question of matching pair \(index + 1)", line: pair.line)
            if let feedback = pair.feedback, !feedback.isBlank {
                warn("feedback on matching pair \(index + 1) dropped (matching items have no feedback per pair)")
            }
            if pair.premise.isBlank { continue }  // `= -> distractor`: an extra response
            try Self.checkNotEmpty(premise, pair.premise, "the question of matching pair \(index + 1)", line: pair.line)
            let premiseID = "p\(premises.count + 1)"
            premises.append(Choice(id: premiseID, text: premise.markdown))
            correct[premiseID] = responseID
        }
        guard !premises.isEmpty else {
            throw GIFTProblem(line: line, message: "a matching question needs a pair with text before '->'")
        }
        if let problem = BankRules.tooMany("premises", found: premises.count)
            ?? BankRules.tooMany("responses", found: responses.count)
        {
            throw GIFTProblem(line: line, message: problem)
        }
        return .matching(premises: premises, responses: responses, correct: correct)
    }

    private mutating func shortAnswer(_ answers: [GIFTTextAnswer], line: Int) throws(GIFTProblem) -> ItemKind {
        var accepted: [TextAnswer] = []
        for (index, answer) in answers.enumerated() {
            let text = GIFTText.literal(answer.text)
            guard !text.isEmpty else {
                throw GIFTProblem(line: answer.line, message: "accepted answer \(index + 1) is empty")
            }
            try Self.checkLength(text, "accepted answer \(index + 1)", line: answer.line)
            let feedback = try optionalText(
                answer.feedback, "the feedback of accepted answer \(index + 1)", line: answer.line)
            accepted.append(
                TextAnswer(text, credit: answer.weight ?? .one, feedback: feedback, wildcard: text.contains("*")))
        }
        let best = accepted.map(\.credit).max() ?? .zero
        guard best > .zero else { throw GIFTProblem(line: line, message: "no accepted answer earns points") }
        if best < .one { warn("no answer earns full points (the best earns \(Self.percent(best)))") }
        return .shortText(answers: accepted, pattern: nil, caseSensitive: false)
    }

    private mutating func numerical(
        _ answers: [GIFTNumberAnswer], otherFeedback: ArraySlice<GIFTUnit>?, otherLine: Int, line: Int
    ) throws(GIFTProblem) -> ItemKind {
        if let problem = BankRules.numericAnswerCount(answers.count), !answers.isEmpty {
            throw GIFTProblem(line: line, message: problem)
        }
        var accepted: [NumericAnswer] = []
        for (index, answer) in answers.enumerated() {
            let feedback = try optionalText(
                answer.feedback, "the feedback of numeric answer \(index + 1)", line: answer.line)
            accepted.append(
                NumericAnswer(
                    answer.value, tolerance: answer.tolerance, credit: answer.weight ?? .one, feedback: feedback))
        }
        let best = accepted.map(\.credit).max() ?? .zero
        guard best > .zero else { throw GIFTProblem(line: line, message: "no numeric answer earns points") }
        if best < .one { warn("no answer earns full points (the best earns \(Self.percent(best)))") }
        if let otherFeedback, !GIFTText(otherFeedback, defaultFormat: format).markdown.isEmpty {
            warn(
                "feedback for any other number (after '~' in line \(otherLine)) dropped (items keep feedback for accepted values only)"
            )
        }
        return .numeric(answers: accepted, unit: nil)
    }
}
