import ArgumentParser
import Assessment
import Foundation

struct QuizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Take a self-test in the terminal, with feedback after every answer.",
        discussion: """
            Answer choice items with letters (B, or A,C for several), true/false with j/n (or t/f), \
            numbers with a decimal comma or point, matching with pairs like 1A 2C, ordering with the \
            letters in order (C A B). An empty line skips an item; end of input (Ctrl-D) ends the test. \
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
        var session = QuizSession(bank: bank, words: bank.language.hasPrefix("de") ? .german : .english)
        session.run(draw: draw, attempt: &attempt, seed: seed)
    }
}

/// The interactive loop; reads answers from standard input and prints feedback.
struct QuizSession {
    let bank: Bank
    let words: QuizWords

    mutating func run(draw: ExamDraw, attempt: inout Attempt, seed: String) {
        print("\(bank.title) — \(words.selfTest), \(draw.items.count) \(words.questions) (\(words.seed) \(seed))")
        print(words.instructions)
        var ended = false
        for (index, drawn) in draw.items.enumerated() {
            guard let item = bank.item(withID: drawn.itemID) else { continue }
            print("")
            let pointsLabel = item.points == .one ? words.point : words.points
            print("\(words.question) \(index + 1)/\(draw.items.count) · \(words.number(item.points)) \(pointsLabel)")
            let prompt = AnswerPrompt(item: item, order: drawn.choiceOrder, words: words)
            print(Terminal.render(prompt.displayedStem))
            prompt.show()
            var response: Response? = nil
            while true {
                print("\(words.answer): ", terminator: "")
                guard let line = readLine() else {
                    ended = true
                    break
                }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                if let parsed = prompt.parse(line) {
                    response = parsed
                    break
                }
                print(prompt.hint)
            }
            if ended {
                print("")
                break
            }
            guard let response else {
                print(words.skipped)
                continue
            }
            guard let feedback = try? attempt.save(response, for: item.id, at: Date()) else { continue }
            report(feedback, item: item, prompt: prompt)
        }
        let score = attempt.score
        print("")
        print(
            "\(words.result): \(words.number(score.points)) \(words.of) \(words.number(score.maximum)) "
                + "\(words.pointsTotal) (\(words.number(score.percent, places: 1)) %)")
        if !score.awaitingGrading.isEmpty { print(words.awaitingGrading) }
        print(words.doesNotCount)
    }

    private func report(_ feedback: ItemFeedback, item: Item, prompt: AnswerPrompt) {
        let earned = "\(words.number(feedback.score.points))/\(words.number(feedback.score.maximum))"
        switch feedback.score.verdict {
        case .correct: print("✓ \(words.correct) (\(earned))")
        case .partiallyCorrect: print("~ \(words.partlyCorrect) (\(earned))")
        case .incorrect, .unanswered: print("✗ \(words.wrong) (\(earned))")
        case .awaitingGrading:
            print("… \(words.awaitingGrading)")
            return
        }
        for text in feedback.responseFeedback { print("  \(Terminal.render(text))") }
        if feedback.score.verdict != .correct { print("  \(words.solution): \(prompt.solution)") }
        if let general = feedback.generalFeedback {
            print("  \(Terminal.render(general))")
        }
    }
}

/// How one item is shown and how a typed answer is read.
struct AnswerPrompt {
    let item: Item
    let order: [String]
    let words: QuizWords

    static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    private func ordered(_ choices: [Choice]) -> [Choice] {
        let byID = Dictionary(uniqueKeysWithValues: choices.map { ($0.id, $0) })
        let shown = order.compactMap { byID[$0] }
        return shown.count == choices.count ? shown : choices
    }

    /// Gap ids of a cloze item in stem order.
    private var gapOrder: [Gap] {
        guard case .cloze(let gaps) = item.kind else { return [] }
        let byID = Dictionary(gaps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ClozeText.placeholders(in: item.stem).compactMap { byID[$0] }
    }

    /// The stem with cloze gaps shown as `[1]`, `[2]`, ...
    var displayedStem: String {
        var stem = item.stem
        for (index, gap) in gapOrder.enumerated() {
            stem = stem.replacingOccurrences(of: ClozeText.placeholder(gap.id), with: "[\(index + 1)]")
        }
        return stem
    }

    func show() {
        switch item.kind {
        case .cloze:
            for (index, gap) in gapOrder.enumerated() {
                switch gap.kind {
                case .choice(let options, _):
                    let listed = options.enumerated().map { "\(Self.letters[$0.offset])) \($0.element.text)" }
                    print("  [\(index + 1)] \(listed.joined(separator: "   "))")
                case .text: print("  [\(index + 1)] (\(words.gapText))")
                case .numeric: print("  [\(index + 1)] (\(words.gapNumber))")
                }
            }
            print("  (\(words.hintCloze))")
        case .essay(let template, _):
            if let template { print("  \(Terminal.render(template))") }
            print("  (\(words.essayHint))")
        case .singleChoice(let options, _), .multipleResponse(let options, _):
            for (index, option) in ordered(options).enumerated() { print("  \(Self.letters[index])) \(option.text)") }
            if case .multipleResponse = item.kind { print("  (\(words.severalAnswers))") }
        case .trueFalse:
            print("  (\(words.trueFalseHint))")
        case .numeric(_, let unit):
            if let unit { print("  (\(words.unit): \(unit))") }
        case .shortText:
            break
        case .matching(let premises, let responses, _):
            for (index, premise) in premises.enumerated() { print("  \(index + 1). \(premise.text)") }
            for (index, response) in ordered(responses).enumerated() {
                print("     \(Self.letters[index])) \(response.text)")
            }
        case .ordering(let elements, _):
            for (index, element) in ordered(elements).enumerated() {
                print("  \(Self.letters[index])) \(element.text)")
            }
        }
    }

    var hint: String {
        switch item.kind {
        case .singleChoice: words.hintSingle
        case .multipleResponse: words.hintMultiple
        case .trueFalse: words.trueFalseHint
        case .numeric: words.hintNumber
        case .shortText: words.hintText
        case .matching: words.hintMatching
        case .ordering: words.hintOrdering
        case .cloze: words.hintCloze
        case .essay: words.essayHint
        }
    }

    /// Letters typed by the learner, mapped to choice ids in display order.
    private func ids(from line: String, among choices: [Choice]) -> [String]? {
        let shown = ordered(choices)
        var result: [String] = []
        for character in line.uppercased() where !(character == "," || character == " " || character == ";") {
            guard let index = Self.letters.firstIndex(of: character), index < shown.count else { return nil }
            result.append(shown[index].id)
        }
        return result
    }

    func parse(_ line: String) -> Response? {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch item.kind {
        case .singleChoice(let options, _):
            guard let chosen = ids(from: text, among: options), chosen.count == 1 else { return nil }
            return .choice(chosen[0])
        case .multipleResponse(let options, _):
            guard let chosen = ids(from: text, among: options), !chosen.isEmpty else { return nil }
            return .choices(Set(chosen))
        case .trueFalse:
            switch text.lowercased() {
            case "j", "ja", "w", "wahr", "richtig", "t", "true", "y", "yes": return .truth(true)
            case "n", "nein", "f", "falsch", "false", "no": return .truth(false)
            default: return nil
            }
        case .numeric:
            return Rational(decimal: text).map { .number($0) }
        case .shortText:
            return .text(text)
        case .essay:
            return .essay(line)
        case .cloze:
            let parts = line.split(separator: ";", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let gaps = gapOrder
            guard parts.count == gaps.count else { return nil }
            var given: [String: String] = [:]
            for (gap, part) in zip(gaps, parts) {
                if case .choice(let options, _) = gap.kind {
                    guard part.count == 1, let letter = part.uppercased().first,
                        let index = Self.letters.firstIndex(of: letter),
                        index < options.count
                    else { return nil }
                    given[gap.id] = options[index].id
                } else {
                    given[gap.id] = part
                }
            }
            return .gaps(given)
        case .matching(let premises, let responses, _):
            let shown = ordered(responses)
            var pairs: [String: String] = [:]
            let tokens = text.uppercased().split(whereSeparator: { " ,;".contains($0) })
            for token in tokens {
                let cleaned = token.replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "-", with: "")
                guard let letter = cleaned.last, let letterIndex = Self.letters.firstIndex(of: letter),
                    letterIndex < shown.count, let number = Int(cleaned.dropLast()),
                    (1...premises.count).contains(number)
                else { return nil }
                pairs[premises[number - 1].id] = shown[letterIndex].id
            }
            return pairs.isEmpty ? nil : .matches(pairs)
        case .ordering(let elements, _):
            guard let sequence = ids(from: text, among: elements), sequence.count == elements.count,
                Set(sequence).count == elements.count
            else { return nil }
            return .order(sequence)
        }
    }

    /// The key, spelled with the letters the learner saw.
    var solution: String {
        func letter(_ id: String, in choices: [Choice]) -> String {
            guard let index = ordered(choices).firstIndex(where: { $0.id == id }) else { return id }
            return String(Self.letters[index])
        }
        switch item.kind {
        case .singleChoice(let options, let correct):
            return letter(correct, in: options)
        case .multipleResponse(let options, let correct):
            return ordered(options).filter { correct.contains($0.id) }.map { letter($0.id, in: options) }
                .joined(separator: ", ")
        case .trueFalse(let correct, _, _):
            return correct ? words.trueWord : words.falseWord
        case .numeric(let answers, let unit):
            guard let best = answers.max(by: { $0.credit < $1.credit }) else { return "" }
            var text = words.number(best.value, places: 4)
            switch best.tolerance {
            case .exact: break
            case .absolute(let value): if value > .zero { text += " ± \(words.number(value, places: 4))" }
            case .relative(let value): if value > .zero { text += " ± \(words.number(value.percent(of: .one))) %" }
            }
            return unit.map { "\(text) \($0)" } ?? text
        case .shortText(let answers, let pattern, _):
            return answers.max(by: { $0.credit < $1.credit })?.text ?? pattern ?? ""
        case .cloze:
            return gapOrder.enumerated().map { index, gap in
                let key: String
                switch gap.kind {
                case .choice(let options, let correct):
                    key = options.firstIndex { $0.id == correct }.map { String(Self.letters[$0]) } ?? correct
                case .text(let answers, _):
                    key = answers.max(by: { $0.credit < $1.credit })?.text ?? ""
                case .numeric(let answers):
                    key = answers.max(by: { $0.credit < $1.credit }).map { words.number($0.value, places: 4) } ?? ""
                }
                return "[\(index + 1)] \(key)"
            }.joined(separator: "; ")
        case .essay(_, let graderInfo):
            return graderInfo ?? ""
        case .matching(let premises, let responses, let correct):
            return premises.enumerated().map { index, premise in
                "\(index + 1)\(letter(correct[premise.id] ?? "", in: responses))"
            }.joined(separator: " ")
        case .ordering(let elements, let correctOrder):
            return correctOrder.map { letter($0, in: elements) }.joined(separator: " ")
        }
    }
}

/// The quiz's words in the bank's language.
struct QuizWords {
    var selfTest, questions, seed, instructions, question, point, points, answer, skipped, result, of: String
    var doesNotCount, correct, partlyCorrect, wrong, solution, severalAnswers, trueFalseHint, unit: String
    var hintSingle, hintMultiple, hintNumber, hintText, hintMatching, hintOrdering, trueWord, falseWord: String
    var pointsTotal: String
    var decimalSeparator: String
    var hintCloze, gapText, gapNumber, essayHint, awaitingGrading: String

    /// A rounded number in the language's spelling (German: decimal comma).
    func number(_ value: Rational, places: Int = 2) -> String {
        value.formatted(places: places).replacingOccurrences(of: ".", with: decimalSeparator)
    }

    static let german = QuizWords(
        selfTest: "Selbsttest", questions: "Fragen", seed: "Seed",
        instructions: "Leere Eingabe überspringt eine Frage, Strg-D beendet den Test.",
        question: "Frage", point: "Punkt", points: "Punkte", answer: "Antwort", skipped: "– übersprungen",
        result: "Ergebnis", of: "von", doesNotCount: "Selbsttests zählen nicht für ein Zertifikat.",
        correct: "Richtig", partlyCorrect: "Teilweise richtig", wrong: "Falsch", solution: "Lösung",
        severalAnswers: "mehrere Antworten möglich, z. B. A,C", trueFalseHint: "j = wahr, n = falsch", unit: "Einheit",
        hintSingle: "Bitte einen Buchstaben eingeben, z. B. B.",
        hintMultiple: "Bitte Buchstaben eingeben, z. B. A,C.",
        hintNumber: "Bitte eine Zahl eingeben, z. B. 4,5.", hintText: "Bitte eine Antwort eingeben.",
        hintMatching: "Bitte Paare eingeben, z. B. 1A 2C.",
        hintOrdering: "Bitte alle Buchstaben in Reihenfolge eingeben, z. B. C A B.",
        trueWord: "wahr", falseWord: "falsch", pointsTotal: "Punkten", decimalSeparator: ",",
        hintCloze: "Antworten für alle Lücken durch ; getrennt, z. B. B; Akte; 4,5", gapText: "Text",
        gapNumber: "Zahl", essayHint: "Freitext in einer Zeile; er wird von einer Person bewertet",
        awaitingGrading: "Wird von einer Person bewertet; zählt erst danach.")

    static let english = QuizWords(
        selfTest: "self-test", questions: "questions", seed: "seed",
        instructions: "An empty line skips a question, Ctrl-D ends the test.",
        question: "Question", point: "point", points: "points", answer: "Answer", skipped: "– skipped",
        result: "Result", of: "of", doesNotCount: "Self-tests never count toward a certificate.",
        correct: "Correct", partlyCorrect: "Partly correct", wrong: "Wrong", solution: "Solution",
        severalAnswers: "several answers possible, e.g. A,C", trueFalseHint: "t = true, f = false", unit: "unit",
        hintSingle: "Please type one letter, e.g. B.", hintMultiple: "Please type letters, e.g. A,C.",
        hintNumber: "Please type a number, e.g. 4.5.", hintText: "Please type an answer.",
        hintMatching: "Please type pairs, e.g. 1A 2C.", hintOrdering: "Please type all letters in order, e.g. C A B.",
        trueWord: "true", falseWord: "false", pointsTotal: "points", decimalSeparator: ".",
        hintCloze: "Answers for all gaps separated by ;, e.g. B; file; 4.5", gapText: "text", gapNumber: "number",
        essayHint: "free text on one line; a person grades it",
        awaitingGrading: "Awaiting grading by a person; it counts only then.")
}

/// Markdown emphasis for the terminal: `**bold**` and `*italic*` become ANSI styles on a terminal and
/// plain text otherwise.
enum Terminal {
    static let isInteractive = isatty(STDOUT_FILENO) == 1

    static func render(_ markdown: String) -> String {
        var text = markdown.trimmingCharacters(in: .whitespacesAndNewlines)
        let (boldOn, italicOn, off) = isInteractive ? ("\u{1B}[1m", "\u{1B}[3m", "\u{1B}[0m") : ("", "", "")
        text = text.replacing(/\*\*([^*\n]+)\*\*/) { "\(boldOn)\($0.1)\(off)" }
        text = text.replacing(/(^|[\s(])\*([^*\s][^*\n]*)\*/) { "\($0.1)\(italicOn)\($0.2)\(off)" }
        return text
    }
}
