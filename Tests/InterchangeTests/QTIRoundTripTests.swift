import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Random banks that exercise every item type and every optional field.
struct QTIBankGenerator {
    var random: SeededGenerator

    init(seed: String) {
        random = SeededGenerator(seed: seed)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + random.uniform(below: range.count)
    }

    mutating func chance(_ percent: Int) -> Bool { random.uniform(below: 100) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[random.uniform(below: values.count)] }

    static let snippets = [
        "Wählen Sie die **richtige** Antwort.", "Größe & Maß <b>nicht fett</b>", "\"Zitat\" und 'einfach'",
        "_kursiv_ und *fett* und `Code`", "Zeile 1\nZeile 2", "  führende Leerzeichen", "Tab\tgetrennt",
        "Ende mit Leerzeichen  ", "Straße", "Ärger über Öl", "{{keine Lücke}}", "a < b > c & d",
        "Windows-Zeile\r\nnächste", "# Überschrift", "- Liste\n- mit Punkten", "]]> und <![CDATA[", "Kosten: 5 € / 3 %",
        "Ünïcödé ✓ 😀", "1. Nummer", "\\ Backslash",
    ]

    mutating func text(pieces: ClosedRange<Int> = 1...3) -> String {
        (0..<int(pieces)).map { _ in pick(Self.snippets) }.joined(separator: pick([" ", "\n", "\n\n", ""]))
    }

    mutating func optionalText() -> String? { chance(50) ? text(pieces: 1...2) : nil }

    static let idCharacters = Array("abcXYZ019-_.")

    mutating func identifier(unique taken: inout Set<String>) -> String {
        while true {
            var id = ""
            for _ in 0..<int(1...6) { id.append(pick(Self.idCharacters)) }
            if chance(10) { id = String(repeating: "ä", count: 0) + "Ab" + id }
            if taken.insert(id).inserted { return id }
        }
    }

    static let creditPool: [Rational?] = [
        nil, Rational(0), Rational(1), Rational(1, 2), Rational(1, 3), Rational(-1, 3), Rational(2, 3), Rational(-1),
        Rational(1, 4), Rational(3_333_333, 10_000_000), Rational(3, 2), Rational(-1, 7),
    ]
    static let pointsPool = [
        Rational(1), Rational(2), Rational(1, 2), Rational(3), Rational(5, 4), Rational(15, 2), Rational(1000),
        Rational(1, 10_000), Rational(7),
    ]

    mutating func credit() -> Rational? { pick(Self.creditPool) }

    mutating func choices(_ count: Int, feedback: Bool, credits: Bool, unchecked: Bool = false) -> [Choice] {
        var taken = Set<String>()
        return (0..<count).map { _ in
            Choice(
                id: identifier(unique: &taken), text: text(pieces: 1...2), feedback: feedback ? optionalText() : nil,
                credit: credits ? credit() : nil, uncheckedCredit: unchecked ? credit() : nil)
        }
    }

    /// Makes sure at least one option earns points (an item where nothing can be earned is not exported).
    mutating func ensurePositive(_ options: inout [Choice]) {
        if !options.contains(where: { ($0.credit ?? .zero) > .zero }) {
            options[int(0...(options.count - 1))].credit = pick([Rational(1), Rational(1, 3), Rational(1, 2)])
        }
    }

    static let values: [Rational] = [
        Rational(42), Rational(-3), Rational(1, 3), Rational(314_159, 100_000), Rational(0), Rational(1, 8),
        Rational(-25, 2), Rational(1_000_000),
    ]

    mutating func tolerance() -> Tolerance {
        switch int(0...4) {
        case 0: .exact
        case 1: .absolute(pick([Rational(1, 2), Rational(0), Rational(1, 100), Rational(2)]))
        case 2: .absolute(Rational(1, 3))
        case 3: .relative(pick([Rational(1, 20), Rational(1, 100), Rational(0)]))
        default: .relative(Rational(1, 8))
        }
    }

    mutating func numericAnswers(positive: Bool) -> [NumericAnswer] {
        var answers = (0..<int(1...3)).map { _ in
            NumericAnswer(
                pick(Self.values), tolerance: tolerance(), credit: credit() ?? .one, feedback: optionalText())
        }
        if positive, !answers.contains(where: { $0.credit > .zero }) { answers[0].credit = .one }
        return answers
    }

    static let answerTexts = [
        "Berlin", "Aktenmäßigkeit", "straße", "ÖL", "a*b", "Ber*", "*lin", "\\*Stern", "x\\y", "Grund satz", " Rand ",
        "42", "#1 (a+b)?", "[Klammer]", "ende\\",
    ]

    mutating func textAnswers(positive: Bool) -> [TextAnswer] {
        var answers = (0..<int(1...4)).map { _ in
            TextAnswer(
                pick(Self.answerTexts), credit: credit() ?? .one, feedback: optionalText(), wildcard: chance(40))
        }
        if positive, !answers.contains(where: { $0.credit > .zero }) { answers[0].credit = .one }
        return answers
    }

    mutating func kind() -> ItemKind {
        switch int(0...8) {
        case 0:
            let credits = chance(50)
            var options = choices(int(2...5), feedback: true, credits: credits)
            if credits { ensurePositive(&options) }
            return .singleChoice(options: options, correct: pick(options).id)
        case 1:
            let credits = int(0...2)
            var options = choices(int(2...6), feedback: true, credits: credits > 0, unchecked: credits == 2)
            if credits > 0 { ensurePositive(&options) }
            var correct = Set(options.filter { _ in chance(50) }.map(\.id))
            if correct.isEmpty { correct.insert(pick(options).id) }
            if credits == 0, correct.count == options.count { correct.remove(options[0].id) }
            return .multipleResponse(options: options, correct: correct)
        case 2:
            return .trueFalse(correct: chance(50), feedbackTrue: optionalText(), feedbackFalse: optionalText())
        case 3:
            return .numeric(
                answers: numericAnswers(positive: false), unit: chance(50) ? pick(["m²", "€", "Stunden"]) : nil)
        case 4:
            let pattern: String? =
                chance(30) ? pick(["(grundsatz der )?aktenm(ä|ae)ßigkeit", "[0-9]+ Euro", "^a.c$"]) : nil
            var answers = textAnswers(positive: false)
            if pattern != nil, chance(30) { answers = [] }
            return .shortText(answers: answers, pattern: pattern, caseSensitive: chance(50))
        case 5:
            let premises = choices(int(1...4), feedback: false, credits: false)
            let responses = choices(int(1...5), feedback: false, credits: false)
            var correct: [String: String] = [:]
            for premise in premises { correct[premise.id] = pick(responses).id }
            return .matching(premises: premises, responses: responses, correct: correct)
        case 6:
            let elements = choices(int(2...6), feedback: false, credits: false)
            var order = elements.map(\.id)
            random.shuffle(&order)
            return .ordering(elements: elements, correctOrder: order)
        case 7:
            var taken = Set<String>()
            var gaps: [Gap] = []
            for _ in 0..<int(1...4) {
                let id = identifier(unique: &taken)
                let weight = pick([Rational(1), Rational(2), Rational(1, 3), Rational(5, 2)])
                switch int(0...2) {
                case 0:
                    let credits = chance(50)
                    var options = choices(int(2...4), feedback: true, credits: credits)
                    if credits { ensurePositive(&options) }
                    gaps.append(Gap(id: id, weight: weight, kind: .choice(options: options, correct: pick(options).id)))
                case 1:
                    gaps.append(
                        Gap(
                            id: id, weight: weight,
                            kind: .text(answers: textAnswers(positive: true), caseSensitive: chance(50))))
                default:
                    gaps.append(Gap(id: id, weight: weight, kind: .numeric(answers: numericAnswers(positive: true))))
                }
            }
            return .cloze(gaps: gaps)
        default:
            return .essay(responseTemplate: optionalText(), graderInfo: optionalText())
        }
    }

    mutating func item(id: String) -> Item {
        let kind = kind()
        var stem = text()
        if case .cloze(let gaps) = kind {
            stem = ""
            for gap in gaps { stem += text(pieces: 0...2) + pick([" ", ""]) + "{{\(gap.id)}}" }
            stem += text(pieces: 0...1)
        }
        return Item(
            id: id, topic: pick(["ozg", "dsgvo", "e-akte", "Topic_1.x"]),
            difficulty: pick([nil, .easy, .medium, .hard]), points: pick(Self.pointsPool), stem: stem,
            feedback: optionalText(), kind: kind)
    }

    mutating func bank(items count: Int) -> Bank {
        var taken = Set<String>()
        let items = (0..<count).map { _ in item(id: identifier(unique: &taken)) }
        return Bank(
            id: "bank-\(int(1...99))", title: "Prüfungsbank \"Verwaltung\" & <Recht>", language: pick(["de", "en"]),
            provider: "Musterakademie für Verwaltung\nZweigstelle Köln", version: "1.\(int(0...9)).0", items: items)
    }
}

/// Describes the first difference between two items, for failure messages.
func qtiFirstDifference(_ expected: Item, _ actual: Item) -> String {
    func show<T>(_ value: T) -> String { String(reflecting: value) }
    if expected.id != actual.id { return "id \(expected.id) vs \(actual.id)" }
    if expected.topic != actual.topic { return "topic \(expected.topic) vs \(actual.topic)" }
    if expected.difficulty != actual.difficulty { return "difficulty" }
    if expected.points != actual.points { return "points \(expected.points) vs \(actual.points)" }
    if expected.stem != actual.stem { return "stem \(show(expected.stem)) vs \(show(actual.stem))" }
    if expected.feedback != actual.feedback { return "feedback \(show(expected.feedback)) vs \(show(actual.feedback))" }
    return "kind\n  \(show(expected.kind))\nvs\n  \(show(actual.kind))"
}

/// Which model features a set of banks uses, to show the round trip exercised all of them.
struct QTIFeatureCoverage {
    var seen = Set<String>()

    mutating func note(_ feature: String, _ present: Bool = true) {
        if present { seen.insert(feature) }
    }

    mutating func note(_ choices: [Choice], _ prefix: String) {
        for choice in choices {
            note("\(prefix) feedback", choice.feedback != nil)
            note("\(prefix) no feedback", choice.feedback == nil)
            if let credit = choice.credit {
                note("\(prefix) credit")
                note("negative credit", credit < .zero)
                note("non-decimal credit", credit.exactText.contains("/"))
            }
            note("\(prefix) unchecked credit", choice.uncheckedCredit != nil)
        }
    }

    mutating func note(_ answers: [TextAnswer], _ prefix: String) {
        for answer in answers {
            note("\(prefix) wildcard", answer.wildcard)
            note("\(prefix) answer feedback", answer.feedback != nil)
            note("\(prefix) partial credit", answer.credit != .one)
        }
    }

    mutating func note(_ answers: [NumericAnswer], _ prefix: String) {
        for answer in answers {
            switch answer.tolerance {
            case .exact: note("\(prefix) exact")
            case .absolute: note("\(prefix) absolute tolerance")
            case .relative: note("\(prefix) relative tolerance")
            }
            note("\(prefix) answer feedback", answer.feedback != nil)
        }
    }

    mutating func note(_ item: Item) {
        note(item.kind.typeName)
        note("difficulty", item.difficulty != nil)
        note("no difficulty", item.difficulty == nil)
        note("feedback", item.feedback != nil)
        note("no feedback", item.feedback == nil)
        note("umlauts", item.stem.contains("ä") || item.stem.contains("Ü"))
        note("markdown characters", item.stem.contains { "*_<>&\"'".contains($0) })
        switch item.kind {
        case .singleChoice(let options, _):
            note(options, "single choice")
            note("single choice without credits", options.allSatisfy { $0.credit == nil })
        case .multipleResponse(let options, _):
            note(options, "multiple response")
            note("multiple response default rule", options.allSatisfy { $0.credit == nil && $0.uncheckedCredit == nil })
        case .trueFalse(let correct, let feedbackTrue, let feedbackFalse):
            note("true-false \(correct)")
            note("true-false feedback", feedbackTrue != nil || feedbackFalse != nil)
        case .numeric(let answers, let unit):
            note(answers, "numeric")
            note("unit", unit != nil)
            note("no unit", unit == nil)
        case .shortText(let answers, let pattern, let caseSensitive):
            note(answers, "short text")
            note("pattern", pattern != nil)
            note("case sensitive", caseSensitive)
            note("case insensitive", !caseSensitive)
        case .matching, .ordering:
            break
        case .cloze(let gaps):
            for gap in gaps {
                note("weight", gap.weight != .one)
                switch gap.kind {
                case .choice(let options, _): note(options, "choice gap")
                case .text(let answers, let caseSensitive):
                    note(answers, "text gap")
                    note("text gap case sensitive", caseSensitive)
                case .numeric(let answers): note(answers, "numeric gap")
                }
            }
        case .essay(let template, let graderInfo):
            note("essay template", template != nil)
            note("essay without template", template == nil)
            note("grader info", graderInfo != nil)
            note("no grader info", graderInfo == nil)
        }
    }

    static let required: Set<String> = [
        "single-choice", "multiple-response", "true-false", "numeric", "short-text", "matching", "ordering", "cloze",
        "essay", "difficulty", "no difficulty", "feedback", "no feedback", "umlauts", "markdown characters",
        "single choice feedback", "single choice no feedback", "single choice credit", "negative credit",
        "non-decimal credit", "single choice without credits", "multiple response credit",
        "multiple response unchecked credit", "multiple response default rule", "true-false true", "true-false false",
        "true-false feedback", "numeric exact", "numeric absolute tolerance", "numeric relative tolerance",
        "numeric answer feedback", "unit", "no unit", "short text wildcard", "short text answer feedback",
        "short text partial credit", "pattern", "case sensitive", "case insensitive", "weight", "choice gap credit",
        "choice gap feedback", "text gap wildcard", "text gap case sensitive", "numeric gap exact",
        "numeric gap absolute tolerance", "numeric gap relative tolerance", "essay template", "essay without template",
        "grader info", "no grader info",
    ]
}

@Suite("QTI round trip: export, package, import")
struct QTIRoundTripTests {
    static let bankCount = 40

    @Test("random banks survive export and import exactly", arguments: QTIVersion.allCases)
    func roundTrip(version: QTIVersion) throws {
        var coverage = QTIFeatureCoverage()
        for seed in 0..<Self.bankCount {
            var generator = QTIBankGenerator(seed: "qti-round-trip-\(seed)")
            let bank = generator.bank(items: 12)
            for item in bank.items { coverage.note(item) }
            let data = try QTIExporter.package(bank, version: version)
            let archive = try ZipPackage(name: "bank.zip", data: data)
            let (metadata, questions) = try QTIPackage.questions(in: archive)
            #expect(
                metadata
                    == BankMetadata(
                        id: bank.id, title: bank.title, language: bank.language, provider: bank.provider,
                        version: bank.version))
            #expect(questions.count == bank.items.count)
            for (index, question) in questions.enumerated() {
                guard case .imported(let item) = question.status else {
                    let reason: String
                    switch question.status {
                    case .skipped(let why): reason = "skipped: \(why)"
                    case .importedWithWarnings(let item, let warnings):
                        reason = "warnings \(warnings); " + qtiFirstDifference(bank.items[index], item)
                    case .imported: reason = ""
                    }
                    Issue.record("seed \(seed) item \(index) (\(bank.items[index].kind.typeName)): \(reason)")
                    continue
                }
                if index < bank.items.count, item != bank.items[index] {
                    Issue.record("seed \(seed) item \(index): \(qtiFirstDifference(bank.items[index], item))")
                }
            }
            let rebuilt = Bank(
                id: metadata?.id ?? "", title: metadata?.title ?? "", language: metadata?.language ?? "",
                provider: metadata?.provider ?? "", version: metadata?.version ?? "",
                items: questions.compactMap(\.item))
            let equal = rebuilt == bank
            #expect(equal, "seed \(seed): the rebuilt bank differs")
        }
        let missing = QTIFeatureCoverage.required.subtracting(coverage.seen)
        #expect(missing.isEmpty, "not exercised: \(missing.sorted())")
    }
}
