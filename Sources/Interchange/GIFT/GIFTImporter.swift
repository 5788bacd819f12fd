import Assessment
import Foundation

/// Reads Moodle GIFT text files.
///
/// The importer follows Moodle's own GIFT reader (`question/format/gift/format.php`) wherever it is
/// defined and is stricter where Moodle would silently produce a broken question:
///
/// - **Structure.** Questions are separated by blank lines; a blank line inside an answer block `{...}` does
///   not end the question. Lines whose first non-blank characters are `//` are comments wherever they stand
///   (Moodle's `[id:...]` in them becomes the item id, `[tag:...]` is reported as not kept). A `$CATEGORY:`
///   line sets the topic of the questions after it: the last `/` component of the path (`//` is a literal
///   slash, `:` may appear in names), sanitised to an id; `$course$`-style contexts and `top` alone give
///   `imported`. Lines end in LF, CRLF or CR; indentation with tabs or spaces is ignored.
/// - **Escapes.** `\~ \= \# \{ \} \: \\` stand for the character and `\n` for a line break, everywhere
///   (titles, texts, answers, HTML attributes).
/// - **File errors.** A `}` without `{`, or a `{` not closed before the next `{` or the end of the file,
///   makes the whole file unreadable (``ImportFailure`` at the brace), since every later question would be
///   misread. A file with question text but without any answer block is refused as well; a file of only
///   `$CATEGORY:` lines and comments (or nothing) gives no questions.
/// - **Texts.** A leading `[html]` reduces the text to Markdown with ``HTMLText`` (its warnings are kept);
///   `[moodle]` (the default), `[plain]` and `[markdown]` are kept as text. Answers and feedback inherit
///   the question text's format unless they declare their own.
/// - **Types.** Moodle's order decides: no braces → description (skipped: it has no points); `{}` →
///   essay; `{#...}` → numeric (`3:0.5` absolute tolerance, `1..5` a range as midpoint and half width,
///   several `=%w%` answers with credits; the feedback after `~` for other numbers cannot be kept and is
///   reported); any `~` → choice: with an `=` single choice (credits when weights or several `=` occur;
///   `correct` is the best answer), without an `=` multiple response whose credits are the `%w%` weights
///   (Moodle's sum-and-clamp rule, exactly the model's); `=` with `->` → matching (`= -> text` adds a
///   distractor, equal response texts share one response); `T`/`TRUE`/`F`/`FALSE` (case as in Moodle) →
///   true/false, where the first `#` feedback is for a wrong answer and the second for a right one;
///   anything else → short answer (case-insensitive as Moodle imports it; `*` makes a wildcard answer).
/// - **Weights.** `%n%` becomes the exact credit n/100 from its decimal text (`%-33.33333%` →
///   −3333333/10000000), never via floating point.
/// - **Missing word.** When text follows the answer block, the block's place in the stem becomes `_____`
///   and the question keeps its type (a choice stays a single choice with the options below the text) —
///   exactly what Moodle shows. A cloze item is not used: GIFT has one answer block per question, and Moodle
///   scores it as the ordinary question type.
/// - **Points.** GIFT has no points syntax; every item is worth 1 (Moodle's default mark).
/// - **Malformed questions** (a second answer block, an unclosed title, a bad number or weight, fewer than
///   two choices, ...) are skipped with `line N: ...` naming the offending line.
enum GIFTImporter: QuestionImporter {
    static let format = BankFormat.gift

    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion] {
        guard source.data.count <= ImportSource.maximumSize else {
            throw ImportFailure(
                file: source.name, line: 1,
                "the file has \(source.data.count) bytes; at most \(ImportSource.maximumSize) are read")
        }
        let lines = GIFTLines(bytes: Array(try source.text().utf8))
        var scanner = GIFTScanner(lines: lines, file: source.name)
        let blocks = try scanner.scan()
        let hasQuestion = blocks.contains { block in
            if case .question(let question) = block { return !question.braces.isEmpty || question.oversized }
            return false
        }
        // A file of only `$CATEGORY:` lines and comments holds no question, which is not an error.
        let onlyCategories =
            !blocks.contains { if case .question = $0 { true } else { false } }
            && lines.bytes.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        guard hasQuestion || onlyCategories else {
            var line = 1
            for case .question(let question) in blocks {
                line = lines.line(of: question.start)
                break
            }
            throw ImportFailure(
                file: source.name, line: line,
                "no GIFT question found (a question needs an answer block such as {=right ~wrong})")
        }
        let parser = GIFTQuestionParser(lines: lines)
        var mapper = GIFTItemMapper(lines: lines)
        var topic = defaultTopic
        var outcomes: [ImportedQuestion] = []
        for block in blocks {
            switch block {
            case .category(let path, _):
                topic = Self.topic(fromCategory: path)
            case .question(let block):
                let location = lines.location(block.start, file: source.name)
                if block.oversized {
                    outcomes.append(
                        ImportedQuestion(
                            location: location, label: rawLabel(block),
                            status: .skipped(
                                reason: "line \(location.line): the question has \(block.byteCount) bytes, "
                                    + "too long for a bank item")))
                    continue
                }
                do throws(GIFTProblem) {
                    let question = try parser.parse(block)
                    outcomes.append(mapper.outcome(for: question, topic: topic, location: location))
                } catch {
                    outcomes.append(
                        ImportedQuestion(
                            location: location, label: rawLabel(block), status: .skipped(reason: error.reason)))
                }
            }
        }
        return outcomes
    }

    /// The topic of questions before any `$CATEGORY:`.
    static let defaultTopic = "imported"

    /// The topic for a category path: its last component as an id, or `imported`.
    static func topic(fromCategory path: String) -> String {
        MoodleCategoryPath.topic(from: path)
    }

    /// A label from a text: its first 40 characters with white space collapsed.
    static func label(from text: String) -> String {
        let collapsed = GIFTQuestionParser.collapsed(text)
        return String(GIFTText.trimmed(collapsed.prefix(40)))
    }

    /// A label for a question that could not be read: its title or the start of its text.
    private static func rawLabel(_ block: GIFTQuestionBlock) -> String {
        let units = block.units[...]
        if let title = block.title {
            let text = GIFTQuestionParser.collapsed(units[title].text)
            if !text.isEmpty { return text }
        }
        var body = units.trimmed
        if let title = block.title { body = units[min(title.upperBound + 2, units.endIndex)...] }
        if block.titleUnclosed, body.count >= 2 { body = body.dropFirst(2) }
        if let brace = body.firstSyntax(GIFTByte.openBrace), !body[..<brace].isBlank { body = body[..<brace] }
        return label(from: GIFTText(body, defaultFormat: .moodle).markdown)
    }
}
