import Foundation

/// One way an item breaks the bank format, with the path of the offending value inside the item.
public struct ItemProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where in the item, spelled with the bank file's keys: `points`, `options[2].text`,
    /// `gaps.g1.accepted[0].credit` (list entries by 0-based index, gaps by id; a gap repeating an earlier
    /// gap's id by its 0-based index, `gaps[3]`).
    public let path: String
    /// What is wrong, in the same words `campus bank validate` uses.
    public let message: String

    /// Creates a problem report.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `message (at path)`.
    public var description: String { "\(message) (at \(path))" }
}

/// The bank format's rules for one item: every limit and its sentence, written once.
///
/// Importers and the YAML reader check a finished ``Item`` with ``Item/problems()``; the reader maps each
/// problem's path back to the line and column of the value it names.
public enum BankRules {
    /// Longest stem, option text or feedback, in characters.
    public static let maximumTextLength = 10_000
    /// Most options, premises, responses, elements or numeric answers in one item (or gap).
    public static let maximumChoices = 20
    /// Most gaps in one cloze item.
    public static let maximumGaps = maximumChoices * 5
    /// Largest number of points an item may be worth.
    package static let maximumPoints = Rational(1000)
    /// Largest magnitude of a credit, and largest gap weight.
    package static let maximumCredit = Rational(1000)
    /// Longest short-text pattern, in characters.
    package static let maximumPatternLength = 1000
    /// What a credit must be, appended to the key and its spelling.
    package static let creditRange = "must be a number or fraction between -1000 and 1000 (1 = full points)"
    /// What a gap weight must be, appended to the key and its spelling.
    package static let weightRange = "must be a number greater than 0 and at most 1000"

    // MARK: Sentences

    /// A required text that is blank.
    package static func empty(_ key: String) -> String { "\(key) is empty" }

    /// A text longer than ``maximumTextLength``, or `nil` when it fits.
    package static func tooLong(_ key: String, _ value: String) -> String? {
        tooLong(key, count: value.count)
    }

    /// A text of `count` characters when that is more than ``maximumTextLength``, or `nil` when it fits.
    package static func tooLong(_ key: String, count: Int) -> String? {
        guard count > maximumTextLength else { return nil }
        return "\(key) has \(count) characters; at most \(maximumTextLength) are allowed"
    }

    /// An id that is not 1 to 64 letters, digits, `-`, `_` or `.`, or `nil` when it is one.
    package static func identifier(_ key: String, _ value: String) -> String? {
        guard !isIdentifier(value) else { return nil }
        return "\(key) '\(value)' must be 1 to 64 letters, digits, '-', '_' or '.'"
    }

    /// Whether `value` is 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
    package static func isIdentifier(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 64
            && value.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "-_.".unicodeScalars.contains(scalar))
            }
    }

    /// A list of choices shorter than its type needs.
    package static func tooFew(_ key: String, minimum: Int, found: Int) -> String {
        "'\(key)' needs at least \(minimum) entries (found \(found))"
    }

    /// A list of `found` choices that is shorter than `minimum` or longer than ``maximumChoices``, or `nil`.
    package static func choiceCount(_ key: String, found: Int, minimum: Int) -> String? {
        found < minimum ? tooFew(key, minimum: minimum, found: found) : tooMany(key, found: found)
    }

    /// A list of choices longer than ``maximumChoices``, or `nil` when it fits.
    package static func tooMany(_ key: String, found: Int) -> String? {
        guard found > maximumChoices else { return nil }
        return "'\(key)' has \(found) entries; at most \(maximumChoices) are allowed"
    }

    /// A cloze item without gaps or with more than ``maximumGaps``, or `nil` when the count fits.
    package static func gapCount(_ found: Int) -> String? {
        guard found < 1 || found > maximumGaps else { return nil }
        return "'gaps' needs 1 to \(maximumGaps) entries (found \(found))"
    }

    /// A numeric answer list that is empty or longer than ``maximumChoices``, or `nil` when it fits.
    package static func numericAnswerCount(_ found: Int) -> String? {
        guard found < 1 || found > maximumChoices else { return nil }
        return "'answers' needs 1 to \(maximumChoices) entries (found \(found))"
    }

    /// Points outside (0, 1000] or with more than 4 decimal places, or `nil` when they fit.
    package static func points(_ points: Rational, spelled: String) -> String? {
        guard points > .zero else { return "points must be greater than 0 (found \(spelled))" }
        guard points <= maximumPoints, (points * Rational(10_000)).isInteger else {
            return "points must be at most 1000 with at most 4 decimal places (found \(spelled))"
        }
        return nil
    }

    /// A credit outside ±1000, or `nil` when it fits.
    package static func credit(_ key: String, _ value: Rational, spelled: String) -> String? {
        guard value.magnitude > maximumCredit else { return nil }
        return "\(key) '\(spelled)' \(creditRange)"
    }

    /// A gap weight outside (0, 1000], or `nil` when it fits.
    package static func weight(_ value: Rational, spelled: String) -> String? {
        guard value <= .zero || value > maximumCredit else { return nil }
        return "weight '\(spelled)' \(weightRange)"
    }

    /// A negative tolerance, or `nil` when it is 0 or more.
    package static func tolerance(_ key: String, _ value: Rational, spelled: String) -> String? {
        guard value < .zero else { return nil }
        return "\(key) must not be negative (found \(spelled))"
    }

    /// A short-text pattern that is empty, too long or not a regular expression, or `nil` when it compiles.
    package static func pattern(_ source: String) -> String? {
        guard source.isEmpty || source.count > maximumPatternLength || CompiledPattern(source) == nil else {
            return nil
        }
        return "pattern '\(source)' is not a valid regular expression"
    }

    /// A bank language that is not a language tag, or `nil` when it is one.
    package static func language(_ value: String) -> String? {
        guard value.range(of: #"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"#, options: .regularExpression) == nil else {
            return nil
        }
        return "language '\(value)' is not a language tag such as 'de' or 'en'"
    }

    /// Every problem of the bank's own fields (id, title, language, provider, version), with the key as path.
    public static func headerProblems(of bank: Bank) -> [ItemProblem] {
        var problems: [ItemProblem] = []
        func add(_ key: String, _ message: String?) {
            if let message { problems.append(ItemProblem(path: key, message: message)) }
        }
        func text(_ key: String, _ value: String) {
            add(key, value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? empty(key) : tooLong(key, value))
        }
        add("id", identifier("id", bank.id))
        text("title", bank.title)
        text("language", bank.language)
        if problems.last?.path != "language" { add("language", language(bank.language)) }
        text("provider", bank.provider)
        text("version", bank.version)
        return problems
    }

    /// The ids of `choices`, as the sentences list them.
    package static func list(_ choices: [Choice]) -> String {
        choices.map(\.id).joined(separator: ", ")
    }

    package static func answerNotOption(_ answer: String, _ options: [Choice]) -> String {
        "answer '\(answer)' is not one of the options \(list(options))"
    }

    package static func answerTwice(_ answer: String) -> String { "answer '\(answer)' is listed twice" }

    package static let noCorrectOption = "'answer' is empty; at least one option must be correct"

    package static func unknownPremise(_ premise: String, _ premises: [Choice]) -> String {
        "premise '\(premise)' is not one of the premises \(list(premises))"
    }

    package static func unknownResponse(_ response: String, _ responses: [Choice]) -> String {
        "response '\(response)' is not one of the responses \(list(responses))"
    }

    package static func premiseWithoutResponse(_ premise: String) -> String {
        "premise '\(premise)' has no response in 'answer'"
    }

    package static func answerNotElement(_ answer: String, _ elements: [Choice]) -> String {
        "answer '\(answer)' is not one of the elements \(list(elements))"
    }

    package static func elementTwice(_ element: String) -> String { "element '\(element)' appears twice in 'answer'" }

    package static func elementsMissing(_ missing: [String]) -> String {
        "'answer' must list every element; missing \(missing.joined(separator: ", "))"
    }

    package static func duplicateGap(_ id: String) -> String { "duplicate gap id '\(id)'" }

    package static func unknownPlaceholder(_ name: String) -> String {
        "the stem refers to gap '{{\(name)}}', which is not in 'gaps'"
    }

    package static func repeatedPlaceholder(_ name: String, count: Int) -> String {
        "gap '{{\(name)}}' appears \(count) times in the stem; each gap appears once"
    }

    package static func missingPlaceholder(_ id: String) -> String {
        "gap '\(id)' does not appear in the stem as {{\(id)}}"
    }

    package static let emptyAnswer = "an accepted answer is empty"

    package static let noAccepted = "'accepted' is empty"

    package static func neitherAcceptedNorPattern(_ label: String) -> String {
        "\(label) has neither 'accepted' answers nor a 'pattern'"
    }

    /// A number a bank file cannot spell exactly, or `nil` when its written form reads back equal.
    package static func writable(_ key: String, _ value: Rational) -> String? {
        let spelled = value.exactText
        guard Rational(exactText: spelled) != value else { return nil }
        return NumberText.rejection(of: spelled, what: key)
    }
}

extension Item {
    /// Every way this item breaks the bank format, in the order of the keys in a bank file; empty when a bank
    /// may hold it.
    public func problems() -> [ItemProblem] {
        var check = ItemCheck()
        check.item(self)
        return check.problems
    }
}

/// Walks a finished item and collects every broken rule with its path.
private struct ItemCheck {
    var problems: [ItemProblem] = []

    mutating func add(_ path: String, _ message: String?) {
        if let message { problems.append(ItemProblem(path: path, message: message)) }
    }

    mutating func item(_ item: Item) {
        add("id", BankRules.identifier("id", item.id))
        add("topic", BankRules.identifier("topic", item.topic))
        add(
            "points",
            BankRules.writable("points", item.points) ?? BankRules.points(item.points, spelled: item.points.exactText))
        required("stem", item.stem, key: "stem")
        optional("feedback", item.feedback, key: "feedback")
        switch item.kind {
        case .singleChoice(let options, let correct):
            keyed("", options, correct)
        case .multipleResponse(let options, let correct):
            let valid = choices("options", options, minimum: 2, feedback: true)
            if correct.isEmpty { add("answer", BankRules.noCorrectOption) }
            for (index, answer) in correct.sorted().enumerated()
            where valid && !options.contains(where: { $0.id == answer }) {
                add("answer[\(index)]", BankRules.answerNotOption(answer, options))
            }
        case .trueFalse(_, let feedbackTrue, let feedbackFalse):
            optional("feedbackTrue", feedbackTrue, key: "feedbackTrue")
            optional("feedbackFalse", feedbackFalse, key: "feedbackFalse")
        case .numeric(let answers, let unit):
            numeric("", answers)
            optional("unit", unit, key: "unit")
        case .shortText(let answers, let pattern, _):
            textAnswers("accepted", answers)
            if let pattern { add("pattern", BankRules.pattern(pattern)) }
            if answers.isEmpty && pattern == nil {
                add("accepted", BankRules.neitherAcceptedNorPattern("item '\(item.id)'"))
            }
        case .matching(let premises, let responses, let correct):
            let premisesValid = choices("premises", premises, minimum: 1, feedback: false)
            let responsesValid = choices("responses", responses, minimum: 1, feedback: false)
            var known = premisesValid && responsesValid
            for (premise, response) in correct.sorted(by: { $0.key < $1.key }) {
                if premisesValid && !premises.contains(where: { $0.id == premise }) {
                    add("answer.\(premise)", BankRules.unknownPremise(premise, premises))
                    known = false
                }
                if responsesValid && !responses.contains(where: { $0.id == response }) {
                    add("answer.\(premise)", BankRules.unknownResponse(response, responses))
                    known = false
                }
            }
            for premise in premises where known && correct[premise.id] == nil {
                add("answer", BankRules.premiseWithoutResponse(premise.id))
                known = false
            }
        case .ordering(let elements, let order):
            guard choices("elements", elements, minimum: 2, feedback: false) else { break }
            var seen = Set<String>()
            var valid = true
            for (index, answer) in order.enumerated() {
                if !elements.contains(where: { $0.id == answer }) {
                    add("answer[\(index)]", BankRules.answerNotElement(answer, elements))
                    valid = false
                } else if !seen.insert(answer).inserted {
                    add("answer[\(index)]", BankRules.elementTwice(answer))
                    valid = false
                }
            }
            let missing = elements.filter { !seen.contains($0.id) }.map(\.id)
            if valid && !missing.isEmpty { add("answer", BankRules.elementsMissing(missing)) }
        case .cloze(let gaps):
            cloze(gaps, stem: item.stem)
        case .essay(let template, let graderInfo):
            optional("responseTemplate", template, key: "responseTemplate")
            optional("graderInfo", graderInfo, key: "graderInfo")
        }
    }

    private mutating func required(_ path: String, _ value: String, key: String) {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(path, BankRules.empty(key))
        } else {
            add(path, BankRules.tooLong(key, value))
        }
    }

    /// An optional text: absent, or non-blank and within the length limit (a blank one would read back absent).
    private mutating func optional(_ path: String, _ value: String?, key: String) {
        if let value { required(path, value, key: key) }
    }

    /// Options with the id of the correct one (single choice and choice gaps); `prefix` ends in `.` or is empty.
    private mutating func keyed(_ prefix: String, _ options: [Choice], _ correct: String) {
        guard choices(prefix + "options", options, minimum: 2, feedback: true) else { return }
        if !options.contains(where: { $0.id == correct }) {
            add(prefix + "answer", BankRules.answerNotOption(correct, options))
        }
    }

    /// Checks a list of choices; `false` when it breaks a rule.
    private mutating func choices(_ path: String, _ list: [Choice], minimum: Int, feedback: Bool) -> Bool {
        let key = String(path.split(separator: ".").last ?? "")
        let before = problems.count
        if list.count < minimum { add(path, BankRules.tooFew(key, minimum: minimum, found: list.count)) }
        if let tooMany = BankRules.tooMany(key, found: list.count) {
            add(path, tooMany)
            return false
        }
        var seen = Set<String>()
        for (index, choice) in list.enumerated() {
            let entry = "\(path)[\(index)]"
            add(entry + ".id", BankRules.identifier("id", choice.id))
            if !seen.insert(choice.id).inserted { add(entry + ".id", "duplicate id '\(choice.id)' in '\(key)'") }
            required(entry + ".text", choice.text, key: "text")
            if feedback {
                optional(entry + ".feedback", choice.feedback, key: "feedback")
                credit(entry + ".credit", choice.credit, key: "credit")
                credit(entry + ".uncheckedCredit", choice.uncheckedCredit, key: "uncheckedCredit")
            }
        }
        return problems.count == before
    }

    private mutating func credit(_ path: String, _ value: Rational?, key: String) {
        guard let value else { return }
        add(path, BankRules.writable(key, value) ?? BankRules.credit(key, value, spelled: value.exactText))
    }

    /// Numeric answers; `prefix` ends in `.` or is empty.
    private mutating func numeric(_ prefix: String, _ answers: [NumericAnswer]) {
        if let count = BankRules.numericAnswerCount(answers.count) {
            add(prefix + "answers", count)
            return
        }
        for (index, answer) in answers.enumerated() {
            let entry = "\(prefix)answers[\(index)]"
            add(entry + ".value", BankRules.writable("value", answer.value))
            switch answer.tolerance {
            case .exact: break
            case .absolute(let value):
                add(
                    entry + ".tolerance",
                    BankRules.writable("tolerance", value)
                        ?? BankRules.tolerance("tolerance", value, spelled: value.exactText))
            case .relative(let value):
                add(
                    entry + ".relativeTolerance",
                    BankRules.writable("relativeTolerance", value)
                        ?? BankRules.tolerance("relativeTolerance", value, spelled: value.exactText))
            }
            credit(entry + ".credit", answer.credit, key: "credit")
            optional(entry + ".feedback", answer.feedback, key: "feedback")
        }
    }

    private mutating func textAnswers(_ path: String, _ answers: [TextAnswer]) {
        for (index, answer) in answers.enumerated() {
            let entry = "\(path)[\(index)]"
            if answer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                add(entry + ".text", BankRules.emptyAnswer)
            } else {
                add(entry + ".text", BankRules.tooLong("text", answer.text))
            }
            credit(entry + ".credit", answer.credit, key: "credit")
            optional(entry + ".feedback", answer.feedback, key: "feedback")
        }
    }

    private mutating func cloze(_ gaps: [Gap], stem: String) {
        if let count = BankRules.gapCount(gaps.count) {
            add("gaps", count)
            return
        }
        var ids: [String] = []
        for (index, gap) in gaps.enumerated() {
            let repeated = ids.contains(gap.id)
            let base = repeated ? "gaps[\(index)]" : "gaps.\(gap.id)"
            let prefix = base + "."
            if repeated {
                add(base, BankRules.duplicateGap(gap.id))
            } else {
                ids.append(gap.id)
            }
            add(prefix + "id", BankRules.identifier("id", gap.id))
            add(
                prefix + "weight",
                BankRules.writable("weight", gap.weight) ?? BankRules.weight(gap.weight, spelled: gap.weight.exactText))
            switch gap.kind {
            case .choice(let options, let correct):
                keyed(prefix, options, correct)
            case .text(let answers, _):
                if answers.isEmpty { add(prefix + "accepted", BankRules.noAccepted) }
                textAnswers(prefix + "accepted", answers)
            case .numeric(let answers):
                numeric(prefix, answers)
            }
        }
        var seen: [String: Int] = [:]
        for name in ClozeText.placeholders(in: stem) { seen[name, default: 0] += 1 }
        for (name, count) in seen.sorted(by: { $0.key < $1.key }) {
            if !ids.contains(name) {
                add("stem", BankRules.unknownPlaceholder(name))
            } else if count > 1 {
                add("stem", BankRules.repeatedPlaceholder(name, count: count))
            }
        }
        for id in ids where seen[id] == nil { add("gaps.\(id)", BankRules.missingPlaceholder(id)) }
    }
}
