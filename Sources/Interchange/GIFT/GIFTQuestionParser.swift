import Assessment
import Foundation

/// Why a GIFT question cannot be imported: the line of the problem and what is wrong.
struct GIFTProblem: Error, Sendable, Equatable {
    var line: Int
    var message: String

    /// The skip reason, `line N: message`.
    var reason: String { "line \(line): \(message)" }
}

/// One `~` or `=` answer of a choice question.
struct GIFTChoiceAnswer: Sendable {
    /// Whether the answer was marked `=` (right) rather than `~` (wrong or weighted).
    var isRight: Bool
    /// Whether it stood before the first marker (Moodle imports it as a wrong answer).
    var isUnmarked: Bool
    /// The `%n%` weight as a fraction (n/100), if given.
    var weight: Rational?
    var text: ArraySlice<GIFTUnit>
    var feedback: ArraySlice<GIFTUnit>?
    var line: Int
}

/// One `=premise -> response` pair of a matching question.
struct GIFTMatchPair: Sendable {
    var premise: ArraySlice<GIFTUnit>
    var response: ArraySlice<GIFTUnit>
    var feedback: ArraySlice<GIFTUnit>?
    var line: Int
}

/// One `=answer` of a short-answer question.
struct GIFTTextAnswer: Sendable {
    var weight: Rational?
    var text: ArraySlice<GIFTUnit>
    var feedback: ArraySlice<GIFTUnit>?
    var line: Int
}

/// One accepted number of a numerical question.
struct GIFTNumberAnswer: Sendable {
    var weight: Rational?
    var value: Rational
    var tolerance: Tolerance
    var feedback: ArraySlice<GIFTUnit>?
    var line: Int
}

/// The answer block of a question, by the question type Moodle derives from it.
enum GIFTAnswers: Sendable {
    /// No answer block: a description.
    case description
    /// `{}`.
    case essay
    /// `{T}`, `{FALSE#wrong#right}`: the feedback for a wrong answer comes first.
    case trueFalse(Bool, wrongFeedback: ArraySlice<GIFTUnit>?, rightFeedback: ArraySlice<GIFTUnit>?)
    /// `{=right ~wrong}` or `{~%50%a ~%50%b ~%-100%c}`.
    case choice([GIFTChoiceAnswer])
    /// `{=a -> 1 =b -> 2}`.
    case matching([GIFTMatchPair])
    /// `{=a =%50%b}`.
    case shortAnswer([GIFTTextAnswer])
    /// `{#3:0.5}`, `{#1..5}`, `{# =%100%3:0 =%50%3:1 ~#feedback}`; the feedback after `~` is for any other number.
    case numerical([GIFTNumberAnswer], otherFeedback: ArraySlice<GIFTUnit>?, otherLine: Int?)
}

/// A question read from its block, before it is mapped to an item.
struct GIFTQuestion: Sendable {
    /// Offset of the question's first byte.
    var start: Int
    /// The title between `::` and `::`, escapes resolved and white space collapsed.
    var title: String?
    /// The question text; for the missing-word form the answer block is replaced by `_____`.
    var stem: [GIFTUnit]
    /// Whether the answer block stood inside the sentence (missing-word form).
    var isMissingWord: Bool
    /// The line of text after the answer block when it starts on a later line than the `}`.
    var textAfterBlockLine: Int?
    /// Text after `####` in the answer block.
    var generalFeedback: ArraySlice<GIFTUnit>?
    var answers: GIFTAnswers
    /// `[id:...]` from the question's comment lines.
    var idNumber: String?
    /// `[tag:...]` entries from the question's comment lines.
    var tags: [String]
}

/// Reads one question block: title, text, answer block and the answers of the question type Moodle would
/// derive (description, essay, numerical, multiple choice, matching, true/false, short answer, in that order).
struct GIFTQuestionParser {
    let lines: GIFTLines

    /// The blank that replaces an answer block inside a sentence.
    static let blank = "_____"

    func parse(_ block: GIFTQuestionBlock) throws(GIFTProblem) -> GIFTQuestion {
        let units = block.units[...]
        var title: String?
        var body = units
        if block.titleUnclosed {
            throw GIFTProblem(line: lines.line(of: block.start), message: "the title is not closed with '::'")
        }
        if let range = block.title {
            let text = units[range].text
            title = Self.collapsed(text)
            body = units[min(range.upperBound + 2, units.endIndex)...]
        }
        let (idNumber, tags) = Self.idNumberAndTags(in: block.comments)
        var question = GIFTQuestion(
            start: block.start, title: title, stem: Array(body.trimmed), isMissingWord: false,
            textAfterBlockLine: nil, generalFeedback: nil,
            answers: .description, idNumber: idNumber, tags: tags)
        let braces = block.braces.filter { $0.open >= body.startIndex }
        guard let braces0 = braces.first else { return question }
        if braces.count > 1 {
            throw GIFTProblem(
                line: lineOf(units[braces[1].open]),
                message: "a second answer block; a question has one answer block (separate questions with a blank line)"
            )
        }
        let before = units[body.startIndex..<braces0.open]
        let after = units[(braces0.close + 1)..<body.endIndex]
        if after.isBlank {
            question.stem = Array(before.trimmed)
        } else {
            question.isMissingWord = true
            if let text = after.firstIndex(where: { !$0.isWhitespace }),
                after[..<text].contains(where: { $0.isSyntax(GIFTByte.lineFeed) })
            {
                question.textAfterBlockLine = lineOf(after[text])
            }
            let blankUnits = Self.blank.utf8.map {
                GIFTUnit(byte: $0, isEscaped: true, offset: units[braces0.open].offset)
            }
            question.stem = Array((Array(before) + blankUnits + Array(after))[...].trimmed)
        }
        var inside = units[(braces0.open + 1)..<braces0.close].trimmed
        if let separator = lastGeneralFeedbackSeparator(in: inside) {
            question.generalFeedback = inside[(separator + 4)...]
            inside = inside[..<separator].trimmed
        }
        question.answers = try answers(inside, blockLine: lineOf(units[braces0.open]))
        return question
    }

    // MARK: Question types

    private func answers(_ text: ArraySlice<GIFTUnit>, blockLine: Int) throws(GIFTProblem) -> GIFTAnswers {
        guard let first = text.first else { return .essay }
        if first.isSyntax(GIFTByte.hash) { return try numerical(text.dropFirst(), blockLine: blockLine) }
        if text.containsSyntax(GIFTByte.tilde) { return try choice(text) }
        if text.containsSyntax(GIFTByte.equals), text.firstPair(GIFTByte.minus, GIFTByte.greater) != nil {
            return try matching(text)
        }
        var check = text
        if let hash = text.firstSyntax(GIFTByte.hash), hash > text.startIndex { check = text[..<hash].trimmed }
        switch check.text {
        case "T", "TRUE", "F", "FALSE":
            let parts = Self.split(text, at: GIFTByte.hash, maximumParts: 3)
            let value = check.text.hasPrefix("T")
            return .trueFalse(
                value, wrongFeedback: parts.count > 1 ? parts[1] : nil, rightFeedback: parts.count > 2 ? parts[2] : nil)
        default:
            return try shortAnswer(text)
        }
    }

    private func choice(_ text: ArraySlice<GIFTUnit>) throws(GIFTProblem) -> GIFTAnswers {
        let (leading, parts) = text.split(atMarkers: [GIFTByte.tilde, GIFTByte.equals])
        var answers: [GIFTChoiceAnswer] = []
        let unmarked = leading.trimmed
        if !unmarked.isEmpty {
            let (text, feedback) = Self.splitFeedback(unmarked)
            answers.append(
                GIFTChoiceAnswer(
                    isRight: false, isUnmarked: true, weight: nil, text: text, feedback: feedback,
                    line: lineOf(unmarked)))
        }
        for (marker, part) in parts {
            let line = lineOf(marker)
            let (weight, rest) = try weighted(part.trimmed, line: line)
            let (text, feedback) = Self.splitFeedback(rest)
            answers.append(
                GIFTChoiceAnswer(
                    isRight: marker.byte == GIFTByte.equals, isUnmarked: false, weight: weight, text: text,
                    feedback: feedback, line: line))
        }
        return .choice(answers)
    }

    private func matching(_ text: ArraySlice<GIFTUnit>) throws(GIFTProblem) -> GIFTAnswers {
        var pairs: [GIFTMatchPair] = []
        for (part, line) in entries(text, marker: GIFTByte.equals) {
            guard let arrow = part.firstPair(GIFTByte.minus, GIFTByte.greater) else {
                throw GIFTProblem(
                    line: line, message: "matching pair '\(Self.collapsed(part.text))' has no '->' before its answer")
            }
            let (response, feedback) = Self.splitFeedback(part[(arrow + 2)...].trimmed)
            pairs.append(
                GIFTMatchPair(premise: part[..<arrow].trimmed, response: response, feedback: feedback, line: line))
        }
        return .matching(pairs)
    }

    private func shortAnswer(_ text: ArraySlice<GIFTUnit>) throws(GIFTProblem) -> GIFTAnswers {
        var answers: [GIFTTextAnswer] = []
        for (part, line) in entries(text, marker: GIFTByte.equals) {
            let (weight, rest) = try weighted(part, line: line)
            let (answer, feedback) = Self.splitFeedback(rest)
            answers.append(GIFTTextAnswer(weight: weight, text: answer, feedback: feedback, line: line))
        }
        return .shortAnswer(answers)
    }

    private func numerical(_ text: ArraySlice<GIFTUnit>, blockLine: Int) throws(GIFTProblem) -> GIFTAnswers {
        var body = text
        var otherFeedback: ArraySlice<GIFTUnit>?
        var otherLine: Int?
        if let tilde = text.firstSyntax(GIFTByte.tilde) {
            body = text[..<tilde]
            otherLine = lineOf(text[tilde])
            let other = text[(tilde + 1)...]
            if let hash = other.firstSyntax(GIFTByte.hash) {
                otherFeedback = other[(hash + 1)...]
            } else if !other.isBlank {
                otherFeedback = other
            }
        }
        var answers: [GIFTNumberAnswer] = []
        for (part, line) in entries(body, marker: GIFTByte.equals) {
            let (weight, rest) = try weighted(part, line: line)
            let (spelled, feedback) = Self.splitFeedback(rest)
            let (value, tolerance) = try number(spelled, line: line)
            answers.append(
                GIFTNumberAnswer(weight: weight, value: value, tolerance: tolerance, feedback: feedback, line: line))
        }
        guard !answers.isEmpty else {
            throw GIFTProblem(line: blockLine, message: "the numerical answer block has no number")
        }
        return .numerical(answers, otherFeedback: otherFeedback, otherLine: otherLine)
    }

    /// `3`, `3:0.5` (value and absolute tolerance) or `1..5` (range, as its midpoint and half width).
    private func number(_ spelled: ArraySlice<GIFTUnit>, line: Int) throws(GIFTProblem) -> (Rational, Tolerance) {
        let text = spelled.text
        let hint = "write 3, 3:0.5 or 1..5"
        func parse(_ part: ArraySlice<GIFTUnit>) throws(GIFTProblem) -> Rational {
            let spelledPart = part.trimmed.text
            guard let value = GIFTNumber.decimal(spelledPart) else {
                throw GIFTProblem(line: line, message: "'\(spelledPart)' is not a number (\(hint))")
            }
            return value
        }
        if let dots = spelled.firstPair(GIFTByte.period, GIFTByte.period), dots > spelled.startIndex {
            let minimum = try parse(spelled[..<dots])
            let maximum = try parse(spelled[(dots + 2)...])
            guard minimum <= maximum else {
                throw GIFTProblem(line: line, message: "the range '\(text)' ends below its start")
            }
            guard let (middle, halfWidth) = GIFTNumber.midpoint(minimum, maximum) else {
                throw GIFTProblem(line: line, message: "the range '\(text)' is too large or too precise")
            }
            return (middle, halfWidth == .zero ? .exact : .absolute(halfWidth))
        }
        if let colon = spelled.firstSyntax(GIFTByte.colon), colon > spelled.startIndex {
            let value = try parse(spelled[..<colon])
            let tolerance = try parse(spelled[(colon + 1)...])
            guard tolerance >= .zero else {
                throw GIFTProblem(line: line, message: "the tolerance in '\(text)' is negative")
            }
            return (value, tolerance == .zero ? .exact : .absolute(tolerance))
        }
        return (try parse(spelled), .exact)
    }

    // MARK: Pieces

    /// The entries of a short-answer, matching or numerical block: text before the first marker counts as an
    /// entry (as in Moodle), then one entry per marker.
    private func entries(_ text: ArraySlice<GIFTUnit>, marker: UInt8) -> [(ArraySlice<GIFTUnit>, Int)] {
        let (leading, parts) = text.split(atMarkers: [marker])
        var result: [(ArraySlice<GIFTUnit>, Int)] = []
        let unmarked = leading.trimmed
        if !unmarked.isEmpty { result.append((unmarked, lineOf(unmarked))) }
        for (marker, part) in parts { result.append((part.trimmed, lineOf(marker))) }
        return result
    }

    /// A leading `%n%` weight as the fraction n/100, and the rest.
    private func weighted(
        _ text: ArraySlice<GIFTUnit>, line: Int
    ) throws(GIFTProblem) -> (Rational?, ArraySlice<GIFTUnit>) {
        guard let first = text.first, first.byte == GIFTByte.percent,
            let close = text.dropFirst().firstIndex(where: { $0.byte == GIFTByte.percent })
        else { return (nil, text) }
        let spelled = text[(text.startIndex + 1)..<close].text
        guard let percent = GIFTNumber.decimal(spelled) else {
            throw GIFTProblem(line: line, message: "the weight '%\(spelled)%' is not a number")
        }
        let credit = percent / Rational(100)
        if let problem = BankRules.credit("credit", credit, spelled: credit.exactText) {
            throw GIFTProblem(line: line, message: "the weight '%\(spelled)%' cannot be kept: \(problem)")
        }
        return (credit, text[(close + 1)...].trimmed)
    }

    /// The text before the first unescaped `#` and the feedback after it.
    static func splitFeedback(_ text: ArraySlice<GIFTUnit>) -> (ArraySlice<GIFTUnit>, ArraySlice<GIFTUnit>?) {
        guard let hash = text.firstSyntax(GIFTByte.hash) else { return (text.trimmed, nil) }
        return (text[..<hash].trimmed, text[(hash + 1)...])
    }

    /// `text` split at unescaped `separator` into at most `maximumParts` parts (the last keeps the rest).
    static func split(
        _ text: ArraySlice<GIFTUnit>, at separator: UInt8, maximumParts: Int
    ) -> [ArraySlice<GIFTUnit>] {
        var parts: [ArraySlice<GIFTUnit>] = []
        var start = text.startIndex
        for index in text.indices where text[index].isSyntax(separator) && parts.count < maximumParts - 1 {
            parts.append(text[start..<index])
            start = index + 1
        }
        parts.append(text[start...])
        return parts
    }

    /// Index of the last unescaped `####`.
    private func lastGeneralFeedbackSeparator(in text: ArraySlice<GIFTUnit>) -> Int? {
        var run = 0
        var index = text.endIndex - 1
        while index >= text.startIndex {
            if text[index].isSyntax(GIFTByte.hash) {
                run += 1
                if run == 4 { return index }
            } else {
                run = 0
            }
            index -= 1
        }
        return nil
    }

    private func lineOf(_ unit: GIFTUnit) -> Int {
        lines.line(of: unit.offset)
    }

    private func lineOf(_ text: ArraySlice<GIFTUnit>) -> Int {
        text.first.map { lines.line(of: $0.offset) } ?? 1
    }

    /// Runs of white space collapsed to one space, trimmed.
    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Moodle's `[id:...]` and `[tag:...]` in comment lines (`\]` stands for `]`).
    static func idNumberAndTags(in comments: [String]) -> (String?, [String]) {
        var idNumber: String?
        var tags: [String] = []
        for comment in comments {
            var rest = comment[...]
            while let open = rest.range(of: "[") {
                let afterOpen = rest[open.upperBound...]
                let isID = afterOpen.hasPrefix("id:")
                let isTag = afterOpen.hasPrefix("tag:")
                guard isID || isTag else {
                    rest = afterOpen
                    continue
                }
                var value = ""
                var index = afterOpen.index(afterOpen.startIndex, offsetBy: isID ? 3 : 4)
                var closed = false
                while index < afterOpen.endIndex {
                    let character = afterOpen[index]
                    if character == "\\", afterOpen.index(after: index) < afterOpen.endIndex,
                        afterOpen[afterOpen.index(after: index)] == "]"
                    {
                        value.append("]")
                        index = afterOpen.index(index, offsetBy: 2)
                        continue
                    }
                    if character == "]" {
                        closed = true
                        break
                    }
                    value.append(character)
                    index = afterOpen.index(after: index)
                }
                rest = closed ? afterOpen[afterOpen.index(after: index)...] : afterOpen[afterOpen.endIndex...]
                let trimmed = String(GIFTText.trimmed(Substring(value)))
                guard closed, !trimmed.isEmpty else { continue }
                if isID {
                    if idNumber == nil { idNumber = trimmed }
                } else if !tags.contains(trimmed) {
                    tags.append(trimmed)
                }
            }
        }
        return (idNumber, tags)
    }
}

/// Decimal numbers from GIFT text, kept in the range where exact arithmetic on them cannot overflow.
enum GIFTNumber {
    /// `text` as an exact decimal (`3`, `-0.5`, `33.33333`, `1e3`, `2,5`), or `nil` when it is not a number or
    /// has more than 18 significant digits or 12 decimal places.
    static func decimal(_ text: String) -> Rational? {
        let trimmed = GIFTText.trimmed(Substring(text))
        var rest = trimmed
        guard !rest.isEmpty, rest.count <= 40 else { return nil }
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        var exponent = 0
        if let marker = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(rest[rest.index(after: marker)...]), abs(value) <= 12 else { return nil }
            exponent = value
            rest = rest[..<marker]
        }
        let parts = rest.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," })
        guard (1...2).contains(parts.count) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = (parts[0] + fraction).drop { $0 == "0" }
        let scale = exponent - fraction.count
        guard digits.count + max(scale, 0) <= 18, scale >= -12 else { return nil }
        return Rational(decimal: trimmed)
    }

    /// The midpoint of `minimum...maximum` and half its width, or `nil` if they do not fit exactly.
    static func midpoint(_ minimum: Rational, _ maximum: Rational) -> (Rational, Rational)? {
        let (a, b) = (Int128(minimum.numerator), Int128(minimum.denominator))
        let (c, d) = (Int128(maximum.numerator), Int128(maximum.denominator))
        guard let middle = exact(a * d + c * b, 2 * b * d), let half = exact(c * b - a * d, 2 * b * d) else {
            return nil
        }
        return (middle, half)
    }

    /// `numerator / denominator` (denominator > 0) when the reduced parts fit in 64 bits.
    private static func exact(_ numerator: Int128, _ denominator: Int128) -> Rational? {
        var (x, y) = (numerator.magnitude, denominator.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        let divisor = Int128(max(x, 1))
        guard let reducedNumerator = Int(exactly: numerator / divisor),
            let reducedDenominator = Int(exactly: denominator / divisor),
            reducedNumerator != .min, reducedDenominator > 0
        else { return nil }
        return Rational(reducedNumerator, reducedDenominator)
    }
}
