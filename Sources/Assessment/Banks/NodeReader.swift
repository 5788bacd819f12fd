import Foundation
internal import Yams

/// Walks a composed YAML tree, building the bank and collecting every problem with its position.
package struct NodeReader {
    let file: String
    private(set) var problems: [BankProblem] = []
    private(set) var itemCount = 0
    /// Where the allowed keys of each kind of mapping were first listed, so later reports can point there.
    private var allowedKeysListedAt: [String: Int] = [:]

    init(file: String) {
        self.file = file
    }

    static let bankKeys = ["id", "title", "language", "provider", "version", "items"]
    static let commonItemKeys = ["id", "type", "topic", "difficulty", "points", "stem", "feedback"]
    static let typeKeys: [ItemType: [String]] = [
        .singleChoice: ["options", "answer"],
        .multipleResponse: ["options", "answer"],
        .trueFalse: ["answer", "feedbackTrue", "feedbackFalse"],
        .numeric: ["answer", "tolerance", "relativeTolerance", "answers", "unit"],
        .shortText: ["accepted", "pattern", "caseSensitive"],
        .matching: ["premises", "responses", "answer"],
        .ordering: ["elements", "answer"],
        .cloze: ["gaps"],
        .essay: ["responseTemplate", "graderInfo"],
    ]
    static let gapKeys = [
        "id", "type", "weight", "options", "answer", "accepted", "caseSensitive", "tolerance", "relativeTolerance",
        "answers",
    ]

    // MARK: Reporting

    private mutating func report(_ node: Node?, _ message: String) {
        problems.append(
            BankProblem(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message))
    }

    // MARK: Bank

    mutating func readBank(_ root: Node) -> Bank? {
        guard let fields = mapping(root, what: "a bank", allowed: Self.bankKeys) else { return nil }
        let id = identifier(fields, "id", in: root, what: "bank")
        let title = text(fields, "title", in: root, what: "bank")
        let language = text(fields, "language", in: root, what: "bank")
        let provider = text(fields, "provider", in: root, what: "bank")
        let version = text(fields, "version", in: root, what: "bank")
        if let language, let node = fields["language"], let problem = BankRules.language(language) {
            report(node, problem)
        }
        var items: [Item] = []
        if let itemsNode = require(fields, "items", in: root, what: "bank") {
            if let list = sequence(itemsNode, what: "'items'") {
                itemCount = list.count
                if list.isEmpty { report(itemsNode, "'items' is empty; a bank needs at least one item") }
                if list.count > BankReader.maximumItems {
                    report(itemsNode, "bank has \(list.count) items; at most \(BankReader.maximumItems) are allowed")
                } else {
                    var firstLine: [String: Int] = [:]
                    for node in list {
                        // The id is checked before the rest of the item, so a duplicate is reported even when
                        // either item has other problems.
                        var duplicate = false
                        if let idNode = node.mapping?["id"], case .scalar(let idValue) = idNode,
                            Self.isIdentifier(idValue.string)
                        {
                            if let line = firstLine[idValue.string] {
                                report(idNode, "duplicate item id '\(idValue.string)' (first defined at line \(line))")
                                duplicate = true
                            } else {
                                firstLine[idValue.string] = node.mark?.line ?? 0
                            }
                        }
                        if let item = readItem(node), !duplicate { items.append(item) }
                    }
                }
            }
        }
        guard let id, let title, let language, let provider, let version else { return nil }
        return Bank(id: id, title: title, language: language, provider: provider, version: version, items: items)
    }

    // MARK: Items

    private mutating func readItem(_ node: Node) -> Item? {
        guard let map = node.mapping else {
            report(node, "an item must be a mapping with id, type, topic, points, stem and its answer key")
            return nil
        }
        var typeNode: Node? = nil
        var type: ItemType? = nil
        if let node = map["type"] {
            typeNode = node
            if let name = scalar(node, what: "'type'") {
                type = ItemType(rawValue: name)
                if type == nil {
                    report(
                        node,
                        "unknown item type '\(name)' (expected one of \(ItemType.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
            }
        }
        let allowed = Self.commonItemKeys + (type.flatMap { Self.typeKeys[$0] } ?? Self.typeKeys.values.flatMap { $0 })
        let what = type.map { "an item of type '\($0.rawValue)'" } ?? "an item"
        guard let fields = mapping(node, what: what, allowed: allowed) else { return nil }
        let id = identifier(fields, "id", in: node, what: "item")
        let label = id.map { "item '\($0)'" } ?? "item"
        if typeNode == nil {
            report(node, "\(label) has no 'type' (one of \(ItemType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let topic = identifier(fields, "topic", in: node, what: label)
        var difficulty: Difficulty? = nil
        if let difficultyNode = fields["difficulty"], let name = scalar(difficultyNode, what: "'difficulty'") {
            difficulty = Difficulty(rawValue: name)
            if difficulty == nil { report(difficultyNode, "difficulty '\(name)' is not one of easy, medium, hard") }
        }
        let points = readPoints(fields, in: node, label: label)
        let stem = text(fields, "stem", in: node, what: label)
        let feedback = optionalText(fields, "feedback")
        guard let type, let kind = readKind(type, fields, in: node, label: label) else { return nil }
        guard let id, let topic, let points, let stem else { return nil }
        return Item(
            id: id, topic: topic, difficulty: difficulty, points: points, stem: stem, feedback: feedback, kind: kind)
    }

    private mutating func readPoints(_ fields: Fields, in node: Node, label: String) -> Rational? {
        guard let pointsNode = require(fields, "points", in: node, what: label),
            let spelled = scalar(pointsNode, what: "'points'")
        else { return nil }
        guard let points = Rational(decimal: spelled), !spelled.contains(",") else {
            report(pointsNode, NumberText.rejection(of: spelled, what: "points"))
            return nil
        }
        if let problem = BankRules.points(points, spelled: spelled) {
            report(pointsNode, problem)
            return nil
        }
        return points
    }

    private mutating func readKind(_ type: ItemType, _ fields: Fields, in node: Node, label: String) -> ItemKind? {
        switch type {
        case .singleChoice:
            guard let (options, answer) = keyedOptions(fields, in: node, label: label) else { return nil }
            return .singleChoice(options: options, correct: answer)

        case .multipleResponse:
            let options = choices(fields, "options", in: node, label: label, minimum: 2, feedback: true)
            var answers: [(String, Node)]? = nil
            let answerNode = require(fields, "answer", in: node, what: label, hint: "a list of the correct option ids")
            if let answerNode { answers = scalarList(answerNode, what: "'answer'") }
            guard let answerNode, let answers else { return nil }
            var correct = Set<String>()
            var valid = options != nil
            for (answer, answerNode) in answers {
                if let options, !options.contains(where: { $0.id == answer }) {
                    report(answerNode, BankRules.answerNotOption(answer, options))
                    valid = false
                } else if !correct.insert(answer).inserted {
                    report(answerNode, BankRules.answerTwice(answer))
                    valid = false
                }
            }
            if answers.isEmpty {
                report(answerNode, BankRules.noCorrectOption)
                valid = false
            }
            guard valid, let options else { return nil }
            return .multipleResponse(options: options, correct: correct)

        case .trueFalse:
            let feedbackTrue = optionalText(fields, "feedbackTrue")
            let feedbackFalse = optionalText(fields, "feedbackFalse")
            guard let answerNode = require(fields, "answer", in: node, what: label, hint: "true or false"),
                let answer = scalar(answerNode, what: "'answer'")
            else { return nil }
            let value: Bool
            switch answer.lowercased() {
            case "true": value = true
            case "false": value = false
            default:
                report(answerNode, "answer of a true-false item must be true or false (found '\(answer)')")
                return nil
            }
            return .trueFalse(correct: value, feedbackTrue: feedbackTrue, feedbackFalse: feedbackFalse)

        case .numeric:
            let unit = optionalText(fields, "unit")
            guard let answers = numericAnswers(fields, in: node, label: label) else { return nil }
            return .numeric(answers: answers, unit: unit)

        case .shortText:
            var answers: [TextAnswer]? = []
            if let acceptedNode = fields["accepted"] { answers = textAnswers(acceptedNode) }
            var pattern: String? = nil
            var valid = answers != nil
            if let patternNode = fields["pattern"], let source = scalar(patternNode, what: "'pattern'") {
                if let problem = BankRules.pattern(source) {
                    report(patternNode, problem)
                    valid = false
                }
                pattern = source
            }
            let caseSensitive = flag(fields, "caseSensitive")
            if fields["accepted"] == nil && fields["pattern"] == nil {
                report(node, BankRules.neitherAcceptedNorPattern(label))
                return nil
            }
            guard valid, let answers, let caseSensitive, !answers.isEmpty || pattern != nil else { return nil }
            return .shortText(answers: answers, pattern: pattern, caseSensitive: caseSensitive)

        case .matching:
            let premises = choices(fields, "premises", in: node, label: label, minimum: 1, feedback: false)
            let responses = choices(fields, "responses", in: node, label: label, minimum: 1, feedback: false)
            guard
                let answerNode = require(
                    fields, "answer", in: node, what: label, hint: "a map premise id → response id")
            else { return nil }
            guard let answerMap = answerNode.mapping else {
                report(answerNode, "'answer' of a matching item must be a map from premise id to response id")
                return nil
            }
            var correct: [String: String] = [:]
            var valid = premises != nil && responses != nil
            for (keyNode, valueNode) in answerMap {
                let premise = scalar(keyNode, what: "a premise id")
                let response = scalar(valueNode, what: "a response id")
                guard let premise, let response else {
                    valid = false
                    continue
                }
                var known = true
                if let premises, !premises.contains(where: { $0.id == premise }) {
                    report(keyNode, BankRules.unknownPremise(premise, premises))
                    known = false
                }
                if let responses, !responses.contains(where: { $0.id == response }) {
                    report(valueNode, BankRules.unknownResponse(response, responses))
                    known = false
                }
                if known { correct[premise] = response } else { valid = false }
            }
            for premise in premises ?? [] where correct[premise.id] == nil && valid {
                report(answerNode, BankRules.premiseWithoutResponse(premise.id))
                valid = false
            }
            guard valid, let premises, let responses else { return nil }
            return .matching(premises: premises, responses: responses, correct: correct)

        case .ordering:
            let elements = choices(fields, "elements", in: node, label: label, minimum: 2, feedback: false)
            guard
                let answerNode = require(
                    fields, "answer", in: node, what: label, hint: "the element ids in the correct order"),
                let answers = scalarList(answerNode, what: "'answer'")
            else { return nil }
            var seen = Set<String>()
            var valid = elements != nil
            for (answer, answerNode) in answers {
                if let elements, !elements.contains(where: { $0.id == answer }) {
                    report(answerNode, BankRules.answerNotElement(answer, elements))
                    valid = false
                } else if !seen.insert(answer).inserted {
                    report(answerNode, BankRules.elementTwice(answer))
                    valid = false
                }
            }
            let missing = (elements ?? []).filter { !seen.contains($0.id) }.map(\.id)
            if valid && !missing.isEmpty {
                report(answerNode, BankRules.elementsMissing(missing))
                valid = false
            }
            guard valid, let elements else { return nil }
            return .ordering(elements: elements, correctOrder: answers.map(\.0))

        case .cloze:
            guard let gapsNode = require(fields, "gaps", in: node, what: label, hint: "the gaps {{id}} of the stem"),
                let entries = sequence(gapsNode, what: "'gaps'")
            else { return nil }
            if let problem = BankRules.gapCount(entries.count) {
                report(gapsNode, problem)
                return nil
            }
            var gaps: [Gap] = []
            // Every gap id the file names, valid gap or not, so the stem is checked against all of them at once.
            var gapNodes: [(id: String, node: Node)] = []
            var valid = true
            for entry in entries {
                let id = entry.mapping?["id"]?.scalar?.string
                if let id, gapNodes.contains(where: { $0.id == id }) {
                    report(entry, BankRules.duplicateGap(id))
                    valid = false
                } else if let id {
                    gapNodes.append((id, entry))
                }
                guard let gap = readGap(entry) else {
                    valid = false
                    continue
                }
                gaps.append(gap)
            }
            if let stemNode = fields["stem"], let stem = stemNode.scalar?.string {
                var seen: [String: Int] = [:]
                for name in ClozeText.placeholders(in: stem) { seen[name, default: 0] += 1 }
                for (name, count) in seen.sorted(by: { $0.key < $1.key }) {
                    if !gapNodes.contains(where: { $0.id == name }) {
                        report(stemNode, BankRules.unknownPlaceholder(name))
                        valid = false
                    } else if count > 1 {
                        report(stemNode, BankRules.repeatedPlaceholder(name, count: count))
                        valid = false
                    }
                }
                for (id, gapNode) in gapNodes where seen[id] == nil {
                    report(gapNode, BankRules.missingPlaceholder(id))
                    valid = false
                }
            }
            return valid ? .cloze(gaps: gaps) : nil

        case .essay:
            return .essay(
                responseTemplate: optionalText(fields, "responseTemplate"),
                graderInfo: optionalText(fields, "graderInfo"))
        }
    }

    // MARK: Gaps and weighted answers

    /// `options` and an `answer` naming one of them (single choice and choice gaps).
    private mutating func keyedOptions(_ fields: Fields, in node: Node, label: String) -> ([Choice], String)? {
        let options = choices(fields, "options", in: node, label: label, minimum: 2, feedback: true)
        guard
            let answerNode = require(fields, "answer", in: node, what: label, hint: "the id of the correct option"),
            let answer = scalar(answerNode, what: "'answer'"), let options
        else { return nil }
        guard options.contains(where: { $0.id == answer }) else {
            report(answerNode, BankRules.answerNotOption(answer, options))
            return nil
        }
        return (options, answer)
    }

    private mutating func readGap(_ node: Node) -> Gap? {
        guard let fields = mapping(node, what: "a gap", allowed: Self.gapKeys) else { return nil }
        let id = identifier(fields, "id", in: node, what: "gap")
        let label = id.map { "gap '\($0)'" } ?? "gap"
        var weight: Rational? = .one
        if let weightNode = fields["weight"], let spelled = scalar(weightNode, what: "'weight'") {
            if let value = Rational(exactText: spelled) {
                if let problem = BankRules.weight(value, spelled: spelled) {
                    report(weightNode, problem)
                    weight = nil
                } else {
                    weight = value
                }
            } else {
                report(
                    weightNode,
                    NumberText.rejection(
                        of: spelled, what: "weight", otherwise: BankRules.weightRange))
                weight = nil
            }
        }
        guard let typeNode = require(fields, "type", in: node, what: label, hint: "choice, text or numeric"),
            let type = scalar(typeNode, what: "'type'")
        else { return nil }
        let kind: GapKind
        switch type {
        case "choice":
            guard let (options, answer) = keyedOptions(fields, in: node, label: label) else { return nil }
            kind = .choice(options: options, correct: answer)
        case "text":
            let caseSensitive = flag(fields, "caseSensitive")
            guard let acceptedNode = require(fields, "accepted", in: node, what: label, hint: "accepted answers"),
                let answers = textAnswers(acceptedNode), let caseSensitive
            else { return nil }
            guard !answers.isEmpty else {
                report(acceptedNode, BankRules.noAccepted)
                return nil
            }
            kind = .text(answers: answers, caseSensitive: caseSensitive)
        case "numeric":
            guard let answers = numericAnswers(fields, in: node, label: label) else { return nil }
            kind = .numeric(answers: answers)
        default:
            report(typeNode, "unknown gap type '\(type)' (expected choice, text or numeric)")
            return nil
        }
        guard let id, let weight else { return nil }
        return Gap(id: id, weight: weight, kind: kind)
    }

    /// `answer` with an optional tolerance, or `answers`: a list of `value`, tolerance, `credit`, `feedback`.
    private mutating func numericAnswers(_ fields: Fields, in node: Node, label: String) -> [NumericAnswer]? {
        if let listNode = fields["answers"] {
            if fields["answer"] != nil {
                report(fields["answer"], "give either 'answer' or 'answers', not both")
                return nil
            }
            guard let entries = sequence(listNode, what: "'answers'") else { return nil }
            if let problem = BankRules.numericAnswerCount(entries.count) {
                report(listNode, problem)
                return nil
            }
            var answers: [NumericAnswer] = []
            var valid = true
            for entry in entries {
                guard
                    let entryFields = mapping(
                        entry, what: "an entry of 'answers'",
                        allowed: ["value", "tolerance", "relativeTolerance", "credit", "feedback"])
                else {
                    valid = false
                    continue
                }
                var value: Rational? = nil
                if let valueNode = require(entryFields, "value", in: entry, what: "an entry of 'answers'") {
                    value = number(valueNode, what: "value")
                }
                let tolerance = tolerance(entryFields)
                let credit = credit(entryFields, "credit")
                let feedback = optionalText(entryFields, "feedback")
                guard let value, let tolerance, let credit else {
                    valid = false
                    continue
                }
                answers.append(NumericAnswer(value, tolerance: tolerance, credit: credit ?? .one, feedback: feedback))
            }
            return valid ? answers : nil
        }
        let tolerance = tolerance(fields)
        guard let answerNode = require(fields, "answer", in: node, what: label, hint: "a number"),
            let answer = number(answerNode, what: "answer"), let tolerance
        else { return nil }
        return [NumericAnswer(answer, tolerance: tolerance)]
    }

    /// A number within ±10¹² with at most 12 decimal places, or a fraction such as `1/3`.
    private mutating func number(_ node: Node, what: String) -> Rational? {
        guard let spelled = scalar(node, what: "'\(what)'") else { return nil }
        guard let value = Rational(exactText: spelled) else {
            report(node, NumberText.rejection(of: spelled, what: what))
            return nil
        }
        return value
    }

    private mutating func tolerance(_ fields: Fields) -> Tolerance? {
        var tolerance = Tolerance.exact
        if fields["tolerance"] != nil && fields["relativeTolerance"] != nil {
            report(fields["relativeTolerance"], "give either 'tolerance' or 'relativeTolerance', not both")
            return nil
        }
        for key in ["tolerance", "relativeTolerance"] {
            guard let toleranceNode = fields[key], let spelled = scalar(toleranceNode, what: "'\(key)'") else {
                continue
            }
            guard let value = Rational(exactText: spelled) else {
                report(toleranceNode, NumberText.rejection(of: spelled, what: key))
                return nil
            }
            if let problem = BankRules.tolerance(key, value, spelled: spelled) {
                report(toleranceNode, problem)
                return nil
            }
            tolerance = key == "tolerance" ? .absolute(value) : .relative(value)
        }
        return tolerance
    }

    /// Accepted answers: each a text, or a mapping with `text`, `credit`, `feedback`, `wildcard`.
    private mutating func textAnswers(_ node: Node) -> [TextAnswer]? {
        guard let entries = sequence(node, what: "'accepted'") else { return nil }
        var answers: [TextAnswer] = []
        var valid = true
        for entry in entries {
            if case .scalar(let value) = entry {
                if value.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    report(entry, BankRules.emptyAnswer)
                    valid = false
                } else {
                    answers.append(TextAnswer(value.string))
                }
                continue
            }
            guard
                let entryFields = mapping(
                    entry, what: "an accepted answer", allowed: ["text", "credit", "feedback", "wildcard"])
            else {
                valid = false
                continue
            }
            let text = text(entryFields, "text", in: entry, what: "an accepted answer")
            let credit = credit(entryFields, "credit")
            let wildcard = flag(entryFields, "wildcard")
            let feedback = optionalText(entryFields, "feedback")
            guard let text, let credit, let wildcard else {
                valid = false
                continue
            }
            answers.append(TextAnswer(text, credit: credit ?? .one, feedback: feedback, wildcard: wildcard))
        }
        return valid ? answers : nil
    }

    /// An optional credit: `.some(nil)` when absent, `nil` after reporting a bad value.
    private mutating func credit(_ fields: Fields, _ key: String) -> Rational?? {
        guard let creditNode = fields[key] else { return .some(nil) }
        guard let spelled = scalar(creditNode, what: "'\(key)'") else { return nil }
        guard let value = Rational(exactText: spelled) else {
            report(creditNode, NumberText.rejection(of: spelled, what: key, otherwise: BankRules.creditRange))
            return nil
        }
        if let problem = BankRules.credit(key, value, spelled: spelled) {
            report(creditNode, problem)
            return nil
        }
        return .some(value)
    }

    private func optionalCredit(_ value: Rational??) -> Rational? { value ?? nil }

    /// An optional `true`/`false` (default false); `nil` after reporting a bad value.
    private mutating func flag(_ fields: Fields, _ key: String) -> Bool? {
        guard let flagNode = fields[key] else { return false }
        guard let spelled = scalar(flagNode, what: "'\(key)'") else { return nil }
        switch spelled.lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(flagNode, "\(key) must be true or false (found '\(spelled)')")
            return nil
        }
    }

    // MARK: Choices

    private mutating func choices(
        _ fields: Fields, _ key: String, in node: Node, label: String, minimum: Int, feedback: Bool
    ) -> [Choice]? {
        guard let listNode = require(fields, key, in: node, what: label),
            let entries = sequence(listNode, what: "'\(key)'")
        else { return nil }
        var valid = true
        if entries.count < minimum {
            report(listNode, BankRules.tooFew(key, minimum: minimum, found: entries.count))
            valid = false
        }
        if let problem = BankRules.tooMany(key, found: entries.count) {
            report(listNode, problem)
            return nil
        }
        var result: [Choice] = []
        var firstLine: [String: Int] = [:]
        let allowed = feedback ? ["id", "text", "feedback", "credit", "uncheckedCredit"] : ["id", "text"]
        for entry in entries {
            guard let entryFields = mapping(entry, what: "an entry of '\(key)'", allowed: allowed) else {
                valid = false
                continue
            }
            let id = identifier(entryFields, "id", in: entry, what: "entry of '\(key)'")
            let text = text(entryFields, "text", in: entry, what: id.map { "'\($0)'" } ?? "entry of '\(key)'")
            let optionFeedback = optionalText(entryFields, "feedback")
            let optionCredit = credit(entryFields, "credit")
            let uncheckedCredit = credit(entryFields, "uncheckedCredit")
            if let id, let line = firstLine[id] {
                report(entryFields["id"], "duplicate id '\(id)' in '\(key)' (first defined at line \(line))")
                valid = false
                continue
            }
            if let id { firstLine[id] = entry.mark?.line ?? 0 }
            guard let id, let text, let optionCredit, let uncheckedCredit else {
                valid = false
                continue
            }
            result.append(
                Choice(
                    id: id, text: text, feedback: optionFeedback, credit: optionalCredit(optionCredit),
                    uncheckedCredit: optionalCredit(uncheckedCredit)))
        }
        return valid ? result : nil
    }

    // MARK: Node helpers

    typealias Fields = [String: Node]

    /// The mapping's entries by key; reports a non-mapping and keys not in `allowed`.
    private mutating func mapping(_ node: Node, what: String, allowed: [String]) -> Fields? {
        guard let map = node.mapping else {
            report(node, "expected \(what) as a mapping of keys to values")
            return nil
        }
        var fields: Fields = [:]
        for (keyNode, valueNode) in map {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, "keys must be plain names")
                continue
            }
            if case .alias = valueNode {
                report(valueNode, "YAML aliases are not supported in bank files; write the value out")
                continue
            }
            guard allowed.contains(key) else {
                // The allowed keys are listed once per kind of mapping; later reports point back to that line.
                let kind = "\(what)\u{0}\(allowed.joined(separator: ","))"
                if let line = allowedKeysListedAt[kind] {
                    report(keyNode, "unknown key '\(key)' in \(what) (allowed keys as listed at line \(line))")
                } else {
                    allowedKeysListedAt[kind] = keyNode.mark?.line ?? 1
                    report(keyNode, "unknown key '\(key)' in \(what) (allowed: \(allowed.joined(separator: ", ")))")
                }
                continue
            }
            fields[key] = valueNode
        }
        return fields
    }

    private mutating func sequence(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let entries) = node else {
            report(node, "\(what) must be a list")
            return nil
        }
        return Array(entries)
    }

    private mutating func scalar(_ node: Node, what: String) -> String? {
        guard case .scalar(let value) = node else {
            report(node, "\(what) must be a single value, not a list or mapping")
            return nil
        }
        return value.string
    }

    private mutating func scalarList(_ node: Node, what: String) -> [(String, Node)]? {
        guard let entries = sequence(node, what: what) else { return nil }
        var values: [(String, Node)] = []
        for entry in entries {
            guard let value = scalar(entry, what: "an entry of \(what)") else { return nil }
            values.append((value, entry))
        }
        return values
    }

    private mutating func require(
        _ fields: Fields, _ key: String, in node: Node, what: String, hint: String? = nil
    ) -> Node? {
        if let value = fields[key] { return value }
        report(node, "\(what) has no '\(key)'\(hint.map { " (\($0))" } ?? "")")
        return nil
    }

    /// A required, non-empty text of bounded length.
    private mutating func text(_ fields: Fields, _ key: String, in node: Node, what: String) -> String? {
        guard let valueNode = require(fields, key, in: node, what: what),
            let value = scalar(valueNode, what: "'\(key)'")
        else { return nil }
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            report(valueNode, BankRules.empty(key))
            return nil
        }
        if let problem = BankRules.tooLong(key, value) {
            report(valueNode, problem)
            return nil
        }
        return value
    }

    private mutating func optionalText(_ fields: Fields, _ key: String) -> String? {
        guard let valueNode = fields[key], let value = scalar(valueNode, what: "'\(key)'") else { return nil }
        if let problem = BankRules.tooLong(key, value) {
            report(valueNode, problem)
            return nil
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : value
    }

    /// A required id: letters, digits, `-`, `_`, `.`, at most 64 characters.
    private mutating func identifier(_ fields: Fields, _ key: String, in node: Node, what: String) -> String? {
        guard let valueNode = require(fields, key, in: node, what: what),
            let value = scalar(valueNode, what: "'\(key)'")
        else { return nil }
        if let problem = BankRules.identifier(key, value) {
            report(valueNode, problem)
            return nil
        }
        return value
    }

    package static func isIdentifier(_ value: String) -> Bool { BankRules.isIdentifier(value) }
}
