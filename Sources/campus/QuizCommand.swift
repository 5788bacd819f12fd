import ArgumentParser
import Assessment
import Foundation

struct QuizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Take a self-test in the terminal, with feedback after every answer.",
        discussion: """
            Answer choice items with letters (B, or A,C for several), true/false with j/n (or t/f), \
            numbers with a decimal comma or point (the unit may follow: 72 Stunden), matching with pairs \
            like 1A 2C, ordering with the letters in order (C A B). An empty line skips an item; end of \
            input (Ctrl-D) ends the test. Essays are not scored in a self-test and do not count in the \
            total. Text is wrapped to the terminal width (COLUMNS, else the terminal's width, else 80). \
            Self-tests never count toward a certificate.
            """
    )

    @Argument(help: "The question bank file.")
    var bank: String

    @Option(help: "Number of questions (default: all items of the bank).")
    var count: Int?

    @Option(help: "Seed text for the draw; the same seed gives the same questions in the same order.")
    var seed: String?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
    }

    func run() throws {
        let bank = try loadBank(bank)
        let seed = seed ?? String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let questions = min(count ?? bank.items.count, bank.items.count)
        let draw: ExamDraw
        var attempt: Attempt
        do {
            draw = try ExamDraw(bank: bank, blueprint: .random(count: questions), seed: seed)
            attempt = try Attempt(
                id: "quiz-\(seed)", learnerID: "terminal", kind: .selfTest, bank: bank, draw: draw, timeLimit: nil,
                startedAt: Date())
        } catch {
            throw CLIError(error.reason)
        }
        var session = QuizSession(
            bank: bank, words: bank.language.hasPrefix("de") ? .german : .english, width: Terminal.width())
        session.run(draw: draw, attempt: &attempt, seed: seed)
    }
}

/// The interactive loop; reads answers from standard input and prints feedback.
struct QuizSession {
    let bank: Bank
    let words: QuizWords
    /// Columns to wrap text to.
    let width: Int

    mutating func run(draw: ExamDraw, attempt: inout Attempt, seed: String) {
        print("\(bank.title) — \(words.selfTest), \(draw.items.count) \(words.questions) (\(words.seed) \(seed))")
        print(words.instructions)
        var ended = false
        var essays = 0
        for (index, drawn) in draw.items.enumerated() {
            guard let item = attempt.presentation(of: drawn.itemID) else { continue }
            print("")
            let weight: String
            if item.isEssay {
                essays += 1
                weight = words.notScored
            } else {
                weight = "\(words.number(item.points)) \(item.points == .one ? words.point : words.points)"
            }
            print("\(words.question) \(index + 1)/\(draw.items.count) · \(weight)")
            let prompt = AnswerPrompt(item: item, words: words, width: width)
            print(Terminal.format(item.stem, width: width))
            prompt.show()
            var response: Response? = nil
            while true {
                print("\(words.answer): ", terminator: "")
                guard let line = readLine() else {
                    ended = true
                    break
                }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                if let parsed = prompt.parser.parse(line) {
                    response = parsed
                    break
                }
                print(Terminal.format(prompt.complaint(about: line), width: width))
            }
            if ended {
                print("")
                break
            }
            guard let response else {
                print(words.skipped)
                continue
            }
            guard (try? attempt.save(response, for: item.itemID, at: Date())) != nil,
                let feedback = attempt.presentedFeedback(for: item.itemID)
            else { continue }
            report(feedback, item: item, prompt: prompt)
        }
        // Essays are not scored in a self-test: they count neither in the points nor in the maximum.
        let score = attempt.score
        var points = Rational.zero
        var maximum = Rational.zero
        for drawn in draw.items {
            guard let item = bank.item(withID: drawn.itemID), let itemScore = score.items[drawn.itemID] else {
                continue
            }
            if case .essay = item.kind { continue }
            points += itemScore.points
            maximum += itemScore.maximum
        }
        print("")
        print(
            "\(words.result): \(words.number(points)) \(words.of) \(words.number(maximum)) "
                + "\(words.pointsTotal) (\(words.number(points.percent(of: maximum), places: 1)) %)")
        if essays > 0 { print(Terminal.format(words.essaysNotCounted, width: width)) }
        print(words.doesNotCount)
    }

    private func report(_ feedback: PresentedFeedback, item: PresentedItem, prompt: AnswerPrompt) {
        if item.isEssay {
            print(Terminal.format(words.essayNotScored, width: width, indent: "… ", hanging: "  "))
            if case .essay(let graderInfo) = feedback.solution, let graderInfo {
                print(Terminal.format(graderInfo, width: width, indent: "  \(words.solution): ", hanging: "  "))
            }
            if let general = feedback.generalFeedback { print(Terminal.format(general, width: width, indent: "  ")) }
            return
        }
        let earned = "\(words.number(feedback.score.points))/\(words.number(feedback.score.maximum))"
        switch feedback.score.verdict {
        case .correct: print("✓ \(words.correct) (\(earned))")
        case .partiallyCorrect: print("~ \(words.partlyCorrect) (\(earned))")
        case .incorrect, .unanswered, .awaitingGrading: print("✗ \(words.wrong) (\(earned))")
        }
        if feedback.optionFeedback.isEmpty {
            for text in feedback.responseFeedback { print(Terminal.format(text, width: width, indent: "  ")) }
        } else {
            for option in feedback.optionFeedback {
                print(Terminal.format(option.text, width: width, indent: "  \(option.label): ", hanging: "     "))
            }
        }
        if feedback.score.verdict != .correct {
            print(
                Terminal.format(
                    prompt.solution(feedback.solution), width: width, indent: "  \(words.solution): ", hanging: "  "))
        }
        if let general = feedback.generalFeedback {
            print(Terminal.format(general, width: width, indent: "  "))
        }
    }
}

/// How one presented item is shown in the terminal and how a complaint about a typed answer is worded;
/// reading the answer is ``AnswerParser``'s job.
struct AnswerPrompt {
    let item: PresentedItem
    let words: QuizWords
    /// Columns to wrap text to.
    var width = 80

    static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    var parser: AnswerParser { AnswerParser(item: item) }

    /// Prints one choice as `  A) text`, wrapped with the text aligned after the label.
    private func line(_ label: String, _ text: String, indent: String = "  ") {
        let first = "\(indent)\(label) "
        print(
            Terminal.format(
                text, width: width, indent: first, hanging: String(repeating: " ", count: first.count)))
    }

    func show() {
        switch item.body {
        case .cloze(let gaps):
            for gap in gaps {
                switch gap.input {
                case .choice(let options):
                    let listed = options.map { "\($0.label)) \($0.text)" }
                    let line = "  [\(gap.number)] \(listed.joined(separator: "   "))"
                    if Terminal.visibleWidth(line) <= width && !line.contains("\n") {
                        print(line)
                    } else {
                        // Too wide for one line: one option a line.
                        print("  [\(gap.number)]")
                        for option in options { self.line("\(option.label))", option.text, indent: "      ") }
                    }
                case .text: print("  [\(gap.number)] (\(words.gapText))")
                case .number: print("  [\(gap.number)] (\(words.gapNumber))")
                }
            }
            print("  (\(words.hintCloze))")
        case .essay(let template):
            if let template { print(Terminal.format(template, width: width, indent: "  ")) }
            print(Terminal.format("(\(words.essayHint))", width: width, indent: "  "))
        case .singleChoice(let options), .multipleResponse(let options):
            for option in options { line("\(option.label))", option.text) }
            if case .multipleResponse = item.body { print("  (\(words.severalAnswers))") }
        case .trueFalse:
            print("  (\(words.trueFalseHint))")
        case .shortText, .numeric:
            break
        case .matching(let premises, let responses):
            for premise in premises { line("\(premise.label).", premise.text) }
            for response in responses { line("\(response.label))", response.text, indent: "     ") }
        case .ordering(let elements):
            for element in elements { line("\(element.label))", element.text) }
        }
        if let format = inputFormat { print(Terminal.format("(\(format))", width: width, indent: "  ")) }
    }

    /// The expected input in words, shown before the first answer of items whose answer has a form of its own.
    var inputFormat: String? {
        switch item.inputFormat {
        case .pairs(let example): words.formatMatching(example)
        case .order(let example): words.formatOrdering(example)
        case .number(let unit): words.formatNumber(unit)
        case nil: nil
        }
    }

    /// Letters the learner may type for `count` choices: `A`, or `A bis D` / `A to D`.
    private func letterRange(_ count: Int) -> String {
        count <= 1 ? "A" : "A \(words.to) \(Self.letters[min(count, Self.letters.count) - 1])"
    }

    /// What to tell a learner whose answer could not be read: a letter or number that is not on offer
    /// is named with the ones that are; otherwise the expected form.
    func complaint(about line: String) -> String {
        let format: String
        if case .matching = item.body { format = inputFormat.map { " (\($0))" } ?? "" } else { format = "" }
        switch parser.problem(with: line) {
        case .unreadable:
            return hint
        case .noSuchLetter(let letter, let available, let gap):
            return (gap.map { "[\($0)] " } ?? "") + words.noSuchLetter(letter, letterRange(available)) + format
        case .noSuchNumber(let number, let available):
            return words.noSuchNumber(number, "1 \(words.to) \(available)") + format
        }
    }

    var hint: String {
        switch item.body {
        case .singleChoice(let options): words.hintSingle(letterRange(options.count))
        case .multipleResponse(let options): words.hintMultiple(letterRange(options.count))
        case .trueFalse: words.trueFalseHint
        case .numeric: words.hintNumber + (inputFormat.map { " (\($0))" } ?? "")
        case .shortText: words.hintText
        case .matching: words.hintMatching + (inputFormat.map { " (\($0))" } ?? "")
        case .ordering(let elements): words.hintOrdering(letterRange(elements.count))
        case .cloze: words.hintCloze
        case .essay: words.essayHint
        }
    }

    /// The key in words, spelled with the letters the learner saw.
    func solution(_ solution: PresentedSolution) -> String {
        switch solution {
        case .letters(let letters):
            return letters.joined(separator: ", ")
        case .truth(let correct):
            return correct ? words.trueWord : words.falseWord
        case .number(let best, let unit):
            guard let best else { return "" }
            var text = words.number(best.value, places: 4)
            switch best.tolerance {
            case .exact: break
            case .absolute(let value): if value > .zero { text += " ± \(words.number(value, places: 4))" }
            case .relative(let value): if value > .zero { text += " ± \(words.number(value.percent(of: .one))) %" }
            }
            return unit.map { "\(text) \($0)" } ?? text
        case .text(let text):
            return text
        case .gaps(let keys):
            return keys.enumerated().map { index, key in
                let spelled: String
                switch key {
                case .letter(let letter): spelled = letter
                case .text(let text): spelled = text
                case .number(let value): spelled = value.map { words.number($0, places: 4) } ?? ""
                }
                return "[\(index + 1)] \(spelled)"
            }.joined(separator: "; ")
        case .essay(let graderInfo):
            return graderInfo ?? ""
        case .pairs(let pairs):
            return pairs.joined(separator: " ")
        case .order(let letters):
            return letters.joined(separator: " ")
        }
    }
}

/// The quiz's words in the bank's language.
struct QuizWords {
    var selfTest, questions, seed, instructions, question, point, points, answer, skipped, result, of: String
    var doesNotCount, correct, partlyCorrect, wrong, solution, severalAnswers, trueFalseHint: String
    var hintText, hintMatching, hintNumber, trueWord, falseWord: String
    var pointsTotal: String
    var decimalSeparator: String
    var hintCloze, gapText, gapNumber, essayHint: String
    /// Templates; `{}` stands for the values given to ``fill(_:_:)``.
    var hintSingleTemplate, hintMultipleTemplate, hintOrderingTemplate, formatMatchingTemplate: String
    var formatOrderingTemplate, formatNumberPlain, formatNumberTemplate, noSuchLetterTemplate: String
    var noSuchNumberTemplate, to, notScored, essayNotScored, essaysNotCounted: String

    /// A rounded number in the language's spelling (German: decimal comma).
    func number(_ value: Rational, places: Int = 2) -> String {
        value.formatted(places: places).replacingOccurrences(of: ".", with: decimalSeparator)
    }

    /// `template` with each `{}` replaced by the next of `values`.
    func fill(_ template: String, _ values: String...) -> String {
        var result = ""
        var rest = Substring(template)
        var values = values[...]
        while let range = rest.range(of: "{}"), let value = values.popFirst() {
            result += rest[..<range.lowerBound] + value
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    func hintSingle(_ range: String) -> String { fill(hintSingleTemplate, range) }
    func hintMultiple(_ range: String) -> String { fill(hintMultipleTemplate, range) }
    func hintOrdering(_ range: String) -> String { fill(hintOrderingTemplate, range) }
    func formatMatching(_ example: String) -> String { fill(formatMatchingTemplate, example) }
    func formatOrdering(_ example: String) -> String { fill(formatOrderingTemplate, example) }
    func formatNumber(_ unit: String?) -> String {
        guard let unit else { return fill(formatNumberPlain, number(Rational(9, 2))) }
        let example = number(Rational(9, 2))
        return fill(formatNumberTemplate, unit, example, "\(example) \(unit)")
    }
    func noSuchLetter(_ letter: Character, _ range: String) -> String {
        fill(noSuchLetterTemplate, String(letter), range)
    }
    func noSuchNumber(_ number: Int, _ range: String) -> String { fill(noSuchNumberTemplate, "\(number)", range) }

    static let german = QuizWords(
        selfTest: "Selbsttest", questions: "Fragen", seed: "Seed",
        instructions: "Leere Eingabe überspringt eine Frage, Strg-D beendet den Test.",
        question: "Frage", point: "Punkt", points: "Punkte", answer: "Antwort", skipped: "– übersprungen",
        result: "Ergebnis", of: "von", doesNotCount: "Selbsttests zählen nicht für ein Zertifikat.",
        correct: "Richtig", partlyCorrect: "Teilweise richtig", wrong: "Falsch", solution: "Lösung",
        severalAnswers: "mehrere Antworten möglich, z. B. A,C", trueFalseHint: "j = wahr, n = falsch",
        hintText: "Bitte eine Antwort eingeben.", hintMatching: "Bitte Paare aus Nummer und Buchstabe eingeben.",
        hintNumber: "Bitte eine Zahl eingeben.", trueWord: "wahr", falseWord: "falsch", pointsTotal: "Punkten",
        decimalSeparator: ",",
        hintCloze: "Antworten für alle Lücken durch ; getrennt, z. B. B; Akte; 4,5", gapText: "Text",
        gapNumber: "Zahl", essayHint: "Freitext in einer Zeile; im Selbsttest nicht bewertet",
        hintSingleTemplate: "Bitte einen Buchstaben von {} eingeben, z. B. B.",
        hintMultipleTemplate: "Bitte Buchstaben von {} eingeben, z. B. A,C.",
        hintOrderingTemplate: "Bitte alle Buchstaben von {} in Reihenfolge eingeben, z. B. C A B.",
        formatMatchingTemplate: "Antwort als Paare, z. B. {}",
        formatOrderingTemplate: "Antwort: die Buchstaben in der richtigen Reihenfolge, z. B. {}",
        formatNumberPlain: "Antwort als Zahl, z. B. {}",
        formatNumberTemplate: "Antwort als Zahl in {}, z. B. {} oder {}",
        noSuchLetterTemplate: "Den Buchstaben {} gibt es hier nicht; erlaubt sind {}.",
        noSuchNumberTemplate: "Die Nummer {} gibt es hier nicht; erlaubt sind {}.", to: "bis",
        notScored: "Freitext, im Selbsttest nicht bewertet",
        essayNotScored: "Nicht bewertet: Freitext zählt im Selbsttest nicht zur Summe.",
        essaysNotCounted: "Freitextfragen werden im Selbsttest nicht bewertet und zählen nicht zur Summe.")

    static let english = QuizWords(
        selfTest: "self-test", questions: "questions", seed: "seed",
        instructions: "An empty line skips a question, Ctrl-D ends the test.",
        question: "Question", point: "point", points: "points", answer: "Answer", skipped: "– skipped",
        result: "Result", of: "of", doesNotCount: "Self-tests never count toward a certificate.",
        correct: "Correct", partlyCorrect: "Partly correct", wrong: "Wrong", solution: "Solution",
        severalAnswers: "several answers possible, e.g. A,C", trueFalseHint: "t = true, f = false",
        hintText: "Please type an answer.", hintMatching: "Please type pairs of number and letter.",
        hintNumber: "Please type a number.", trueWord: "true", falseWord: "false", pointsTotal: "points",
        decimalSeparator: ".",
        hintCloze: "Answers for all gaps separated by ;, e.g. B; file; 4.5", gapText: "text", gapNumber: "number",
        essayHint: "free text on one line; not scored in a self-test",
        hintSingleTemplate: "Please type one letter from {}, e.g. B.",
        hintMultipleTemplate: "Please type letters from {}, e.g. A,C.",
        hintOrderingTemplate: "Please type all letters from {} in order, e.g. C A B.",
        formatMatchingTemplate: "answer as pairs, e.g. {}",
        formatOrderingTemplate: "answer with the letters in the right order, e.g. {}",
        formatNumberPlain: "answer as a number, e.g. {}",
        formatNumberTemplate: "answer as a number in {}, e.g. {} or {}",
        noSuchLetterTemplate: "There is no letter {} here; allowed are {}.",
        noSuchNumberTemplate: "There is no number {} here; allowed are {}.", to: "to",
        notScored: "free text, not scored in a self-test",
        essayNotScored: "Not scored: free text does not count in a self-test's total.",
        essaysNotCounted: "Essay questions are not scored in a self-test and do not count in the total.")
}

/// Markdown text for the terminal: soft line breaks reflowed to the width, `**bold**` and `*italic*`
/// as ANSI styles on a terminal and as plain text otherwise.
enum Terminal {
    static let isInteractive = isatty(STDOUT_FILENO) == 1

    /// Columns to wrap to: `COLUMNS` when it holds a number from 20 to 1000, else the terminal's width
    /// when standard output is a terminal, else 80.
    static func width(
        environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = isInteractive
    ) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)),
            (20...1000).contains(columns)
        {
            return columns
        }
        if isTerminal {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 {
                return min(Int(size.ws_col), 1000)
            }
        }
        return 80
    }

    /// `markdown` reflowed to `width` columns. The first line starts with `indent`, every further line
    /// with `hanging` (default: as many spaces as `indent` is long). Paragraphs (separated by an empty
    /// line) stay apart, list items (`- `, `* `, `1. `) and hard breaks (two trailing spaces or `\`)
    /// start a new line; every other line break is a soft one and becomes a space.
    static func format(
        _ markdown: String, width: Int, indent: String = "", hanging: String? = nil, styled: Bool = isInteractive
    ) -> String {
        let hanging = hanging ?? String(repeating: " ", count: indent.count)
        var output: [String] = []
        var first = true
        for (index, paragraph) in paragraphs(markdown).enumerated() {
            if index > 0 && paragraph.startsParagraph { output.append("") }
            let (marker, text) = (paragraph.marker, emphasis(paragraph.text, styled: styled))
            let lead = first ? indent : hanging
            let markerIndent = String(repeating: " ", count: marker.count)
            output += wrap(text, width: width, first: lead + marker, rest: hanging + markerIndent)
            first = false
        }
        if output.isEmpty { output.append(indent.trimmingCharacters(in: .whitespaces).isEmpty ? "" : indent) }
        return output.joined(separator: "\n")
    }

    struct Block {
        /// List marker with its trailing space (`- `, `2. `), or empty.
        var marker: String
        /// The block's text, soft breaks joined with spaces.
        var text: String
        /// Whether an empty line came before it.
        var startsParagraph: Bool
    }

    /// The blocks of `markdown`: paragraphs, list items and lines ended by a hard break.
    static func paragraphs(_ markdown: String) -> [Block] {
        var blocks: [Block] = []
        var current: Block? = nil
        var afterEmpty = false
        func finish() {
            if let block = current, !block.text.isEmpty { blocks.append(block) }
            current = nil
        }
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                finish()
                afterEmpty = true
                continue
            }
            let hardBreak = line.hasSuffix("  ") || trimmed.hasSuffix("\\")
            let content = trimmed.hasSuffix("\\") ? String(trimmed.dropLast()) : trimmed
            if let match = content.prefixMatch(of: /([-*+]|[0-9]{1,3}[.)]) +/) {
                finish()
                let marker = String(match.1) + " "
                current = Block(
                    marker: marker, text: String(content[match.range.upperBound...]), startsParagraph: afterEmpty)
            } else if var block = current {
                block.text += block.text.isEmpty ? content : " " + content
                current = block
            } else {
                current = Block(marker: "", text: content, startsParagraph: afterEmpty)
            }
            afterEmpty = false
            if hardBreak { finish() }
        }
        finish()
        return blocks
    }

    /// `**bold**` and `*italic*` as ANSI styles when `styled`, else the text without the markers.
    static func emphasis(_ text: String, styled: Bool) -> String {
        let (boldOn, italicOn, off) = styled ? ("\u{1B}[1m", "\u{1B}[3m", "\u{1B}[0m") : ("", "", "")
        var text = text.replacing(/\*\*([^*]+?)\*\*/) { "\(boldOn)\($0.1)\(off)" }
        text = text.replacing(/__([^_]+?)__/) { "\(boldOn)\($0.1)\(off)" }
        text = text.replacing(/(^|[\s(])\*([^*\s][^*]*?)\*/) { "\($0.1)\(italicOn)\($0.2)\(off)" }
        return text
    }

    /// Columns `text` takes on screen: characters, without ANSI escape sequences.
    static func visibleWidth(_ text: some StringProtocol) -> Int {
        var count = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character.isLetter { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }

    /// Words of `text` filled into lines of at most `width` columns (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int, first: String, rest: String) -> [String] {
        var lines: [String] = []
        var line = first
        var lineWidth = visibleWidth(first)
        var empty = true
        var words: [Substring] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            // "z. B." is one unit: a line never ends after "z.".
            if let last = words.last, last == "z." {
                words[words.count - 1] = text[last.startIndex..<word.endIndex]
            } else {
                words.append(word)
            }
        }
        for word in words {
            let wordWidth = visibleWidth(word)
            if !empty && lineWidth + 1 + wordWidth > width {
                lines.append(line)
                line = rest
                lineWidth = visibleWidth(rest)
                empty = true
            }
            if !empty {
                line += " "
                lineWidth += 1
            }
            line += word
            lineWidth += wordWidth
            empty = false
        }
        lines.append(line)
        return lines
    }
}
