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
            guard let item = bank.item(withID: drawn.itemID) else { continue }
            print("")
            let weight: String
            if case .essay = item.kind {
                essays += 1
                weight = words.notScored
            } else {
                weight = "\(words.number(item.points)) \(item.points == .one ? words.point : words.points)"
            }
            print("\(words.question) \(index + 1)/\(draw.items.count) · \(weight)")
            let prompt = AnswerPrompt(item: item, order: drawn.choiceOrder, words: words, width: width)
            print(Terminal.format(prompt.displayedStem, width: width))
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
            guard let feedback = try? attempt.save(response, for: item.id, at: Date()) else { continue }
            report(feedback, item: item, response: response, prompt: prompt)
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

    private func report(_ feedback: ItemFeedback, item: Item, response: Response, prompt: AnswerPrompt) {
        if case .essay = item.kind {
            print(Terminal.format(words.essayNotScored, width: width, indent: "… ", hanging: "  "))
            if case .essay(_, let graderInfo) = item.kind, let graderInfo {
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
        let optionFeedback = prompt.optionFeedback(for: response)
        if optionFeedback.isEmpty {
            for text in feedback.responseFeedback { print(Terminal.format(text, width: width, indent: "  ")) }
        } else {
            for (letter, text) in optionFeedback {
                print(Terminal.format(text, width: width, indent: "  \(letter): ", hanging: "     "))
            }
        }
        if feedback.score.verdict != .correct {
            print(Terminal.format(prompt.solution, width: width, indent: "  \(words.solution): ", hanging: "  "))
        }
        if let general = feedback.generalFeedback {
            print(Terminal.format(general, width: width, indent: "  "))
        }
    }
}

/// How one item is shown and how a typed answer is read.
struct AnswerPrompt {
    let item: Item
    let order: [String]
    let words: QuizWords
    /// Columns to wrap text to.
    var width = 80

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

    /// Prints one choice as `  A) text`, wrapped with the text aligned after the label.
    private func line(_ label: String, _ text: String, indent: String = "  ") {
        let first = "\(indent)\(label) "
        print(
            Terminal.format(
                text, width: width, indent: first, hanging: String(repeating: " ", count: first.count)))
    }

    func show() {
        switch item.kind {
        case .cloze:
            for (index, gap) in gapOrder.enumerated() {
                switch gap.kind {
                case .choice(let options, _):
                    let listed = options.enumerated().map { "\(Self.letters[$0.offset])) \($0.element.text)" }
                    let line = "  [\(index + 1)] \(listed.joined(separator: "   "))"
                    if Terminal.visibleWidth(line) <= width && !line.contains("\n") {
                        print(line)
                    } else {
                        // Too wide for one line: one option a line.
                        print("  [\(index + 1)]")
                        for (offset, option) in options.enumerated() {
                            self.line("\(Self.letters[offset]))", option.text, indent: "      ")
                        }
                    }
                case .text: print("  [\(index + 1)] (\(words.gapText))")
                case .numeric: print("  [\(index + 1)] (\(words.gapNumber))")
                }
            }
            print("  (\(words.hintCloze))")
        case .essay(let template, _):
            if let template { print(Terminal.format(template, width: width, indent: "  ")) }
            print(Terminal.format("(\(words.essayHint))", width: width, indent: "  "))
        case .singleChoice(let options, _), .multipleResponse(let options, _):
            for (index, option) in ordered(options).enumerated() { line("\(Self.letters[index]))", option.text) }
            if case .multipleResponse = item.kind { print("  (\(words.severalAnswers))") }
        case .trueFalse:
            print("  (\(words.trueFalseHint))")
        case .shortText:
            break
        case .matching(let premises, let responses, _):
            for (index, premise) in premises.enumerated() { line("\(index + 1).", premise.text) }
            for (index, response) in ordered(responses).enumerated() {
                line("\(Self.letters[index]))", response.text, indent: "     ")
            }
        case .ordering(let elements, _):
            for (index, element) in ordered(elements).enumerated() { line("\(Self.letters[index]))", element.text) }
        case .numeric:
            break
        }
        if let format = inputFormat { print(Terminal.format("(\(format))", width: width, indent: "  ")) }
    }

    /// The expected input, shown before the first answer of items whose answer has a form of its own.
    /// The example is never the solution.
    var inputFormat: String? {
        switch item.kind {
        case .matching(let premises, let responses, let correct):
            let shown = ordered(responses)
            let count = min(premises.count, 3)
            for offset in Array(1..<max(shown.count, 1)) + [0] {
                let pairs = (0..<count).map { ($0, ($0 + offset) % shown.count) }
                guard shown.count == 1 || pairs.contains(where: { correct[premises[$0.0].id] != shown[$0.1].id })
                else { continue }
                return words.formatMatching(pairs.map { "\($0.0 + 1)\(Self.letters[$0.1])" }.joined(separator: " "))
            }
            return nil
        case .ordering(let elements, let correctOrder):
            let shown = ordered(elements).map(\.id)
            let key = correctOrder.compactMap { shown.firstIndex(of: $0) }
            let identity = Array(shown.indices)
            let candidates = [identity.reversed()] + identity.indices.map { Array(identity[$0...] + identity[..<$0]) }
            guard let example = candidates.first(where: { $0 != key }) else { return nil }
            return words.formatOrdering(example.map { String(Self.letters[$0]) }.joined(separator: " "))
        case .numeric(_, let unit):
            return words.formatNumber(unit)
        default:
            return nil
        }
    }

    /// Letters the learner may type for `count` choices: `A`, or `A bis D` / `A to D`.
    private func letterRange(_ count: Int) -> String {
        count <= 1 ? "A" : "A \(words.to) \(Self.letters[min(count, Self.letters.count) - 1])"
    }

    /// What to tell a learner whose answer could not be read: a letter or number that is not on offer
    /// is named with the ones that are; otherwise the expected form.
    func complaint(about line: String) -> String {
        let tokens = line.uppercased().split(whereSeparator: { " ,;".contains($0) })
        func foreignLetter(_ count: Int) -> Character? {
            for token in tokens where token.count <= 3 && token.allSatisfy({ $0.isASCII && $0.isLetter }) {
                if let letter = token.first(where: { (Self.letters.firstIndex(of: $0) ?? Int.max) >= count }) {
                    return letter
                }
            }
            return nil
        }
        var count = 0
        switch item.kind {
        case .singleChoice(let options, _), .multipleResponse(let options, _): count = options.count
        case .ordering(let elements, _): count = elements.count
        case .cloze:
            let parts = line.split(separator: ";", omittingEmptySubsequences: false)
            for (index, (gap, part)) in zip(gapOrder, parts).enumerated() {
                guard case .choice(let options, _) = gap.kind else { continue }
                let typed = part.trimmingCharacters(in: .whitespaces).uppercased()
                if typed.count == 1, let letter = typed.first, letter.isASCII, letter.isLetter,
                    (Self.letters.firstIndex(of: letter) ?? Int.max) >= options.count
                {
                    return "[\(index + 1)] " + words.noSuchLetter(letter, letterRange(options.count))
                }
            }
            return hint
        case .matching(let premises, let responses, _):
            for token in tokens {
                let cleaned = token.replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "-", with: "")
                guard let letter = cleaned.last, letter.isASCII, letter.isLetter, let number = Int(cleaned.dropLast())
                else { continue }
                let format = inputFormat.map { " (\($0))" } ?? ""
                if !(1...premises.count).contains(number) {
                    return words.noSuchNumber(number, "1 \(words.to) \(premises.count)") + format
                }
                if (Self.letters.firstIndex(of: letter) ?? Int.max) >= responses.count {
                    return words.noSuchLetter(letter, letterRange(responses.count)) + format
                }
            }
            return hint
        default:
            return hint
        }
        if let letter = foreignLetter(count) { return words.noSuchLetter(letter, letterRange(count)) }
        return hint
    }

    var hint: String {
        switch item.kind {
        case .singleChoice(let options, _): words.hintSingle(letterRange(options.count))
        case .multipleResponse(let options, _): words.hintMultiple(letterRange(options.count))
        case .trueFalse: words.trueFalseHint
        case .numeric: words.hintNumber + (inputFormat.map { " (\($0))" } ?? "")
        case .shortText: words.hintText
        case .matching: words.hintMatching + (inputFormat.map { " (\($0))" } ?? "")
        case .ordering(let elements, _): words.hintOrdering(letterRange(elements.count))
        case .cloze: words.hintCloze
        case .essay: words.essayHint
        }
    }

    /// Feedback of the chosen options, each with the letter the learner saw.
    func optionFeedback(for response: Response) -> [(String, String)] {
        let options: [Choice]
        let chosen: Set<String>
        switch (item.kind, response) {
        case (.singleChoice(let all, _), .choice(let id)):
            options = all
            chosen = [id]
        case (.multipleResponse(let all, _), .choices(let ids)):
            options = all
            chosen = ids
        default:
            return []
        }
        return ordered(options).enumerated().compactMap { index, option in
            guard chosen.contains(option.id), let feedback = option.feedback else { return nil }
            return (String(Self.letters[index]), feedback)
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
        case .numeric(_, let unit):
            return Self.number(in: text, unit: unit).map { .number($0) }
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

    /// A number typed with a decimal comma or point, optionally followed by the item's unit (`72 Stunden`).
    static func number(in text: String, unit: String?) -> Rational? {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        if let unit = unit?.trimmingCharacters(in: .whitespaces), !unit.isEmpty, text.count > unit.count,
            text.suffix(unit.count).lowercased() == unit.lowercased()
        {
            text = text.dropLast(unit.count)
        }
        return Rational(decimal: text)
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
