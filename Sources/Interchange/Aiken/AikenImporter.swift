import Assessment
import Foundation

/// Reads Aiken files: single-choice questions as plain text.
///
/// ```
/// Wofür steht die Abkürzung OZG?
/// A) Onlinezugangsgesetz
/// B. Organisationszuständigkeitsgesetz
/// ANSWER: A
/// ```
///
/// Mapping: each question becomes a single-choice item worth 1 point (Aiken has no points) in the topic
/// `imported` (Aiken has no categories); options get the ids `a`, `b`, ... of their letters; texts are kept
/// as written (Aiken is plain text; Markdown characters stay as they are). The item id is made from the first
/// words of the question.
///
/// The reader accepts what Moodle accepts and reports, with its line, what Moodle would silently drop:
///
/// - Lines end in LF, CRLF or CR and are trimmed. An option is a capital letter, `)` or `.`, and its text
///   (Moodle's rule; a space after the mark is optional). `ANSWER:` is read in any letter case, and its letter
///   may be lower-case or followed by `)` or `.`.
/// - Questions may follow each other directly after the `ANSWER` line or after blank lines. Question text may
///   span several lines (kept as lines); a blank line may stand between the text and the options or between
///   options — except right after an `ANSWER` line: text there that a blank line ends is not a question.
/// - A question is **skipped** with `line N: ...` when it is malformed: options without question text, option
///   letters not `A, B, C, ...` in order, an empty option, fewer than 2 or more than 20 options, no `ANSWER`
///   line after the options (at the end of the file or before the next question), an `ANSWER` that is not a
///   single letter or not one of the options, an `ANSWER` line without a question, question text without
///   options and `ANSWER` line — in particular text after an `ANSWER` line that runs up to a blank line
///   without becoming a question, such as an explanation the format cannot hold. A skipped question never
///   affects the next one, because every question ends at its `ANSWER` line.
/// - The **file** is refused (``ImportFailure``) only when it is not UTF-8, too large, or holds no option
///   and no `ANSWER` line at all (then it is not an Aiken file; the failure names its first line of text).
enum AikenImporter: QuestionImporter {
    static let format = BankFormat.aiken

    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion] {
        guard source.data.count <= ImportSource.maximumSize else {
            throw ImportFailure(
                file: source.name, line: 1,
                "the file has \(source.data.count) bytes; at most \(ImportSource.maximumSize) are read")
        }
        let text = try source.text()
        var reader = AikenReader(file: source.name)
        for (number, line) in AikenLines(text: text) { reader.read(line, number: number) }
        reader.finish()
        guard reader.sawOptionOrAnswer else {
            throw ImportFailure(
                file: source.name, line: reader.firstTextLine ?? 1,
                "no Aiken question found (a question is a line of text, options 'A) ...' and a line 'ANSWER: A')")
        }
        return reader.outcomes
    }
}

/// The lines of a text with their 1-based numbers; `\n`, `\r\n` and `\r` end a line.
struct AikenLines: Sequence, IteratorProtocol {
    let text: String
    private var index: String.Index
    private var number = 0

    init(text: String) {
        self.text = text
        index = text.startIndex
    }

    mutating func next() -> (Int, Substring)? {
        guard index < text.endIndex else { return nil }
        let utf8 = text.utf8
        var end = index
        while end < utf8.endIndex, utf8[end] != 0x0A, utf8[end] != 0x0D { end = utf8.index(after: end) }
        let line = text[index..<end]
        if end < utf8.endIndex {
            let terminator = utf8[end]
            end = utf8.index(after: end)
            if terminator == 0x0D, end < utf8.endIndex, utf8[end] == 0x0A { end = utf8.index(after: end) }
        }
        index = end
        number += 1
        return (number, line)
    }
}

/// The state machine that groups lines into questions.
struct AikenReader {
    /// One line, classified.
    enum Line {
        case blank
        case option(letter: Character, text: String)
        case answer(String)
        case text(String)
    }

    /// A question being read.
    struct Pending {
        var line: Int
        var column: Int
        var textLines: [String] = []
        var options: [(letter: Character, text: String, line: Int)] = []
        /// The first malformation found; the question is skipped with it.
        var problem: String?
        /// The `ANSWER` line this question's text directly follows (no blank line between).
        var afterAnswerLine: Int?
        /// Whether a blank line followed the question text (a further text line starts a new question).
        var blankAfterText = false
        /// The raw first line, for the label of a question without text.
        var firstLine: String
    }

    let file: String
    private(set) var outcomes: [ImportedQuestion] = []
    private(set) var sawOptionOrAnswer = false
    private(set) var firstTextLine: Int?
    private var pending: Pending?
    private var lastAnswerLine: Int?
    private var identifiers = IdentifierMaker()

    init(file: String) {
        self.file = file
    }

    /// `text` without leading and trailing spaces and tabs (what Moodle's `trim` removes from a line).
    static func trimmed(_ text: Substring) -> Substring {
        var result = text.drop { $0 == " " || $0 == "\t" }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }

    static func classify(_ trimmed: Substring) -> Line {
        guard let first = trimmed.first else { return .blank }
        let second = trimmed.dropFirst().first
        if first.isASCII, first.isUppercase, second == ")" || second == "." {
            return .option(letter: first, text: String(Self.trimmed(trimmed.dropFirst(2))))
        }
        if trimmed.prefix(6).uppercased() == "ANSWER" {
            let rest = trimmed.dropFirst(6).drop { $0 == " " || $0 == "\t" }
            if rest.first == ":" { return .answer(String(Self.trimmed(rest.dropFirst()))) }
        }
        return .text(String(trimmed))
    }

    mutating func read(_ raw: Substring, number: Int) {
        let trimmedLine = Self.trimmed(raw)
        let trimmed = String(trimmedLine)
        let line = Self.classify(trimmedLine)
        if case .blank = line {
            if let question = pending, question.options.isEmpty {
                if question.afterAnswerLine != nil {
                    // Text right after an ANSWER line that ends at a blank line is not a question.
                    skip(question, Self.textOnlyProblem(question))
                    pending = nil
                } else {
                    pending?.blankAfterText = true
                }
            }
            lastAnswerLine = nil
            return
        }
        if firstTextLine == nil { firstTextLine = number }
        let column = raw.prefix { $0 == " " || $0 == "\t" }.count + 1
        switch line {
        case .blank:
            break
        case .option(let letter, let text):
            sawOptionOrAnswer = true
            if pending == nil {
                pending = Pending(
                    line: number, column: column,
                    problem: "line \(number): option \(letter) has no question text before it", firstLine: trimmed)
            }
            addOption(letter: letter, text: text, line: number)
        case .answer(let value):
            sawOptionOrAnswer = true
            if let question = pending {
                finish(question, answer: value, answerLine: number)
                pending = nil
            } else {
                outcomes.append(
                    ImportedQuestion(
                        location: SourceLocation(file: file, line: number, column: column), label: label(trimmed),
                        status: .skipped(reason: "line \(number): ANSWER line without a question before it")))
            }
            lastAnswerLine = number
        case .text(let text):
            if var question = pending {
                pending = nil
                if let lastOption = question.options.last {
                    skip(question, question.problem ?? "line \(lastOption.line): no ANSWER line after the options")
                } else if question.blankAfterText {
                    skip(question, Self.textOnlyProblem(question))
                } else {
                    question.textLines.append(text)
                    pending = question
                    return
                }
            }
            pending = Pending(
                line: number, column: column, textLines: [text], afterAnswerLine: lastAnswerLine, firstLine: trimmed)
            lastAnswerLine = nil
        }
    }

    /// Ends the file: a question still open has no `ANSWER` line.
    mutating func finish() {
        guard let question = pending else { return }
        pending = nil
        if let lastOption = question.options.last {
            skip(question, question.problem ?? "line \(lastOption.line): no ANSWER line after the options")
        } else {
            skip(question, Self.textOnlyProblem(question))
        }
    }

    private static func textOnlyProblem(_ question: Pending) -> String {
        if let answerLine = question.afterAnswerLine {
            return "line \(question.line): text after the ANSWER line in line \(answerLine) is not a question "
                + "(it has no options and no ANSWER line)"
        }
        return "line \(question.line): question text without options and ANSWER line"
    }

    private mutating func addOption(letter: Character, text: String, line: Int) {
        // Moved out of `pending` first: a second reference would copy the option list on every append.
        guard var question = pending else { return }
        pending = nil
        defer { pending = question }
        let index = question.options.count
        question.options.append((letter, text, line))
        guard question.problem == nil else { return }
        let expected = Self.letter(index)
        if letter != expected {
            question.problem =
                index == 0
                ? "line \(line): the first option is \(letter); options are lettered A, B, C, ... in order"
                : "line \(line): option \(letter) follows \(Self.letter(index - 1)); "
                    + "options are lettered A, B, C, ... in order"
        } else if text.isEmpty {
            question.problem = "line \(line): option \(letter) is empty"
        }
    }

    private static func letter(_ index: Int) -> Character {
        Character(UnicodeScalar(UInt8(ascii: "A") + UInt8(clamping: min(index, 25))))
    }

    private mutating func finish(_ question: Pending, answer: String, answerLine: Int) {
        if let problem = question.problem {
            skip(question, problem)
            return
        }
        let options = question.options
        guard options.count >= 2 else {
            skip(question, "line \(answerLine): a question needs at least 2 options 'A) ...' (found \(options.count))")
            return
        }
        if let problem = BankRules.tooMany("options", found: options.count) {
            skip(question, "line \(answerLine): \(problem)")
            return
        }
        var spelled = answer
        if spelled.count == 2, spelled.hasSuffix(")") || spelled.hasSuffix(".") { spelled.removeLast() }
        guard !answer.isEmpty else {
            skip(question, "line \(answerLine): ANSWER gives no option letter")
            return
        }
        guard spelled.count == 1, let given = spelled.first, given.isASCII, given.isLetter else {
            skip(
                question,
                "line \(answerLine): ANSWER '\(answer)' is not a single option letter (Aiken has one right answer)")
            return
        }
        let letter = Character(given.uppercased())
        guard let correct = options.firstIndex(where: { $0.letter == letter }) else {
            let last = options.last.map { String($0.letter) } ?? "A"
            skip(question, "line \(answerLine): ANSWER '\(answer)' is not one of the options A–\(last)")
            return
        }
        let stem = question.textLines.joined(separator: "\n")
        if let problem = BankRules.tooLong("the question text", stem) {
            skip(question, "line \(question.line): \(problem)")
            return
        }
        for option in options {
            if let problem = BankRules.tooLong("option \(option.letter)", option.text) {
                skip(question, "line \(option.line): \(problem)")
                return
            }
        }
        let choices = options.map { Choice(id: $0.letter.lowercased(), text: $0.text) }
        let label = label(stem)
        let item = Item(
            id: identifiers.make(from: label, fallback: "question-\(question.line)"), topic: "imported",
            points: Rational(1),
            stem: stem, kind: .singleChoice(options: choices, correct: choices[correct].id))
        outcomes.append(
            ImportedQuestion(
                location: SourceLocation(file: file, line: question.line, column: question.column), label: label,
                status: .imported(item)))
    }

    private mutating func skip(_ question: Pending, _ reason: String) {
        let label = label(question.textLines.isEmpty ? question.firstLine : question.textLines.joined(separator: " "))
        outcomes.append(
            ImportedQuestion(
                location: SourceLocation(file: file, line: question.line, column: question.column), label: label,
                status: .skipped(reason: reason)))
    }

    /// The first 40 characters of `text` with white space collapsed.
    private func label(_ text: String) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return String(collapsed.prefix(40)).trimmingCharacters(in: .whitespaces)
    }

}
