import Foundation
internal import Yams

/// Walks a composed YAML tree, building the bank and collecting every problem with its position.
///
/// Reading checks only what YAML itself decides (shapes, keys, values the model cannot hold, ids repeated across
/// the bank); each item's limits are ``Item/problems()``, reported at the node its path names.
package struct NodeReader {
    let file: String
    private(set) var problems: [BankProblem] = []
    private(set) var itemCount = 0
    /// Where the allowed keys of each kind of mapping were first listed, so later reports can point there.
    private var allowedKeysListedAt: [String: Int] = [:]
    /// The nodes of the item being read, by the paths ``Item/problems()`` uses.
    private var nodes: [String: Node] = [:]
    /// The nodes a problem was reported at while reading the current item; ``Item/problems()`` stays quiet there.
    private var reported: Set<NodeKey> = []

    /// A node told apart by position and kind (a block mapping starts where its first key does).
    struct NodeKey: Hashable {
        let line: Int
        let column: Int
        let kind: Int

        init(_ node: Node) {
            line = node.mark?.line ?? 0
            column = node.mark?.column ?? 0
            switch node {
            case .scalar: kind = 0
            case .mapping: kind = 1
            case .sequence: kind = 2
            case .alias: kind = 3
            }
        }
    }

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
        if let node { reported.insert(NodeKey(node)) }
        problems.append(
            BankProblem(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message))
    }

    /// Remembers `node` as the one `path` names.
    private mutating func register(_ path: String, _ node: Node?) {
        if let node, nodes[path] == nil { nodes[path] = node }
    }

    /// Reports each of `found` at the node its path names, or at the nearest enclosing node that has one; a
    /// problem at a node that reading already reported (a broken or missing value read as a stand-in) is left out.
    private mutating func report(_ found: [ItemProblem], within root: Node) {
        let alreadyReported = reported
        for problem in found {
            var path = Substring(problem.path)
            var node: Node? = nil
            var quiet = false
            while !path.isEmpty {
                if let registered = nodes[String(path)] {
                    node = node ?? registered
                    if alreadyReported.contains(NodeKey(registered)) { quiet = true }
                }
                guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
                path = path[..<cut]
            }
            if node == nil && alreadyReported.contains(NodeKey(root)) { quiet = true }
            if !quiet { report(node ?? root, problem.message) }
        }
    }

    // MARK: Bank

    mutating func readBank(_ root: Node) -> Bank? {
        guard let fields = mapping(root, what: "a bank", allowed: Self.bankKeys) else { return nil }
        nodes = [:]
        reported = []
        let id = text(fields, "id", in: root, what: "bank", path: "id")
        let title = text(fields, "title", in: root, what: "bank", path: "title")
        let language = text(fields, "language", in: root, what: "bank", path: "language")
        let provider = text(fields, "provider", in: root, what: "bank", path: "provider")
        let version = text(fields, "version", in: root, what: "bank", path: "version")
        let header = Bank(
            id: id ?? "", title: title ?? "", language: language ?? "", provider: provider ?? "",
            version: version ?? "", items: [])
        report(BankRules.headerProblems(of: header), within: root)
        let headerValid = problems.isEmpty
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
        guard headerValid else { return nil }
        var bank = header
        bank.items = items
        return bank
    }

    // MARK: Items

    /// Reads one item and reports what ``Item/problems()`` finds in it; `nil` when it has no known type.
    ///
    /// A value too broken to read is reported where it stands and replaced by a stand-in, so the rest of the item
    /// is still checked; ``Item/problems()`` stays quiet at the stand-ins.
    private mutating func readItem(_ node: Node) -> Item? {
        nodes = [:]
        reported = []
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
        let id = text(fields, "id", in: node, what: "item", path: "id")
        let label = id.flatMap { Self.isIdentifier($0) ? "item '\($0)'" : nil } ?? "item"
        if typeNode == nil {
            report(node, "\(label) has no 'type' (one of \(ItemType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let topic = text(fields, "topic", in: node, what: label, path: "topic")
        var difficulty: Difficulty? = nil
        if let difficultyNode = fields["difficulty"], let name = scalar(difficultyNode, what: "'difficulty'") {
            difficulty = Difficulty(rawValue: name)
            if difficulty == nil { report(difficultyNode, "difficulty '\(name)' is not one of easy, medium, hard") }
        }
        let points = readPoints(fields, in: node, label: label)
        let stem = text(fields, "stem", in: node, what: label, path: "stem")
        let feedback = optionalText(fields, "feedback", path: "feedback")
        // An item of unknown type is still checked for its common keys, with an answer key that has none.
        let kind =
            type.map { readKind($0, fields, in: node, label: label) } ?? .essay(responseTemplate: nil, graderInfo: nil)
        let item = Item(
            id: id ?? "", topic: topic ?? "", difficulty: difficulty, points: points ?? .one, stem: stem ?? "",
            feedback: feedback, kind: kind)
        report(item.problems(), within: node)
        return type == nil ? nil : item
    }

    private mutating func readPoints(_ fields: Fields, in node: Node, label: String) -> Rational? {
        guard let pointsNode = require(fields, "points", in: node, what: label),
            let spelled = scalar(pointsNode, what: "'points'")
        else { return nil }
        register("points", pointsNode)
        guard let points = Rational(decimal: spelled), !spelled.contains(",") else {
            report(pointsNode, NumberText.rejection(of: spelled, what: "points"))
            return nil
        }
        return points
    }

    private mutating func readKind(_ type: ItemType, _ fields: Fields, in node: Node, label: String) -> ItemKind {
        switch type {
        case .singleChoice:
            let (options, answer) = keyedOptions(fields, in: node, label: label, prefix: "")
            return .singleChoice(options: options, correct: answer)

        case .multipleResponse:
            let options = choices(fields, "options", in: node, label: label, minimum: 2, feedback: true, prefix: "")
            let answerNode = require(fields, "answer", in: node, what: label, hint: "a list of the correct option ids")
            register("answer", answerNode)
            guard let answerNode, let answers = scalarList(answerNode, what: "'answer'") else {
                return .multipleResponse(options: options, correct: [])
            }
            // A set cannot hold an answer twice, so that is reported here.
            var correct = Set<String>()
            for (answer, answerNode) in answers where !correct.insert(answer).inserted {
                report(answerNode, BankRules.answerTwice(answer))
            }
            // Item.problems() names the answers in sorted order.
            for (index, answer) in correct.sorted().enumerated() {
                register("answer[\(index)]", answers.first { $0.0 == answer }?.1)
            }
            return .multipleResponse(options: options, correct: correct)

        case .trueFalse:
            let feedbackTrue = optionalText(fields, "feedbackTrue", path: "feedbackTrue")
            let feedbackFalse = optionalText(fields, "feedbackFalse", path: "feedbackFalse")
            var value = true
            if let answerNode = require(fields, "answer", in: node, what: label, hint: "true or false"),
                let answer = scalar(answerNode, what: "'answer'")
            {
                switch answer.lowercased() {
                case "true": value = true
                case "false": value = false
                default: report(answerNode, "answer of a true-false item must be true or false (found '\(answer)')")
                }
            }
            return .trueFalse(correct: value, feedbackTrue: feedbackTrue, feedbackFalse: feedbackFalse)

        case .numeric:
            let unit = optionalText(fields, "unit", path: "unit")
            return .numeric(answers: numericAnswers(fields, in: node, label: label, prefix: ""), unit: unit)

        case .shortText:
            var answers: [TextAnswer] = []
            if let acceptedNode = fields["accepted"] { answers = textAnswers(acceptedNode, path: "accepted") }
            var pattern: String? = nil
            if let patternNode = fields["pattern"] {
                register("pattern", patternNode)
                pattern = scalar(patternNode, what: "'pattern'") ?? ".*"
            }
            let caseSensitive = flag(fields, "caseSensitive")
            // A required key (one of the two); problems() would say the same at the item, and stays quiet.
            if fields["accepted"] == nil && fields["pattern"] == nil {
                report(node, BankRules.neitherAcceptedNorPattern(label))
            }
            return .shortText(answers: answers, pattern: pattern, caseSensitive: caseSensitive)

        case .matching:
            let premises = choices(fields, "premises", in: node, label: label, minimum: 1, feedback: false, prefix: "")
            let responses = choices(
                fields, "responses", in: node, label: label, minimum: 1, feedback: false, prefix: "")
            var correct: [String: String] = [:]
            let answerNode = require(fields, "answer", in: node, what: label, hint: "a map premise id → response id")
            register("answer", answerNode)
            guard let answerNode else { return .matching(premises: premises, responses: responses, correct: [:]) }
            guard let answerMap = answerNode.mapping else {
                report(answerNode, "'answer' of a matching item must be a map from premise id to response id")
                return .matching(premises: premises, responses: responses, correct: [:])
            }
            for (keyNode, valueNode) in answerMap {
                let premise = scalar(keyNode, what: "a premise id")
                let response = scalar(valueNode, what: "a response id")
                guard let premise, let response else {
                    // The premises without a response are not named while another entry is broken.
                    reported.insert(NodeKey(answerNode))
                    continue
                }
                register("answer.\(premise)", valueNode)
                correct[premise] = response
            }
            return .matching(premises: premises, responses: responses, correct: correct)

        case .ordering:
            let elements = choices(fields, "elements", in: node, label: label, minimum: 2, feedback: false, prefix: "")
            let answerNode = require(
                fields, "answer", in: node, what: label, hint: "the element ids in the correct order")
            register("answer", answerNode)
            guard let answerNode, let answers = scalarList(answerNode, what: "'answer'") else {
                return .ordering(elements: elements, correctOrder: elements.map(\.id))
            }
            for (index, (_, entry)) in answers.enumerated() { register("answer[\(index)]", entry) }
            return .ordering(elements: elements, correctOrder: answers.map(\.0))

        case .cloze:
            let gapsNode = require(fields, "gaps", in: node, what: label, hint: "the gaps {{id}} of the stem")
            register("gaps", gapsNode)
            guard let gapsNode, let entries = sequence(gapsNode, what: "'gaps'") else {
                return .cloze(gaps: [])
            }
            var gaps: [Gap] = []
            for (index, entry) in entries.enumerated() {
                gaps.append(readGap(entry, index: index, earlier: gaps.map(\.id)))
            }
            return .cloze(gaps: gaps)

        case .essay:
            return .essay(
                responseTemplate: optionalText(fields, "responseTemplate", path: "responseTemplate"),
                graderInfo: optionalText(fields, "graderInfo", path: "graderInfo"))
        }
    }

    // MARK: Gaps and weighted answers

    /// `options` and an `answer` naming one of them (single choice and choice gaps); `prefix` ends in `.` or is
    /// empty.
    private mutating func keyedOptions(
        _ fields: Fields, in node: Node, label: String, prefix: String
    ) -> ([Choice], String) {
        let options = choices(fields, "options", in: node, label: label, minimum: 2, feedback: true, prefix: prefix)
        let answerNode = require(fields, "answer", in: node, what: label, hint: "the id of the correct option")
        register(prefix + "answer", answerNode)
        guard let answerNode, let answer = scalar(answerNode, what: "'answer'") else {
            return (options, options.first?.id ?? "")
        }
        return (options, answer)
    }

    /// One gap; `earlier` holds the ids of the gaps before it, since a repeated id is named by index.
    private mutating func readGap(_ node: Node, index: Int, earlier: [String]) -> Gap {
        // A gap that cannot be read stands in with an empty id, which problems() names `gaps.`.
        let standIn = Gap(id: "", kind: .text(answers: [TextAnswer("-")], caseSensitive: false))
        guard let fields = mapping(node, what: "a gap", allowed: Self.gapKeys) else {
            register(earlier.contains("") ? "gaps[\(index)]" : "gaps.", node)
            return standIn
        }
        let readID = text(fields, "id", in: node, what: "gap", path: nil)
        // Without a readable id, nothing in the gap can be named: problems() stays quiet about all of it.
        if readID == nil { reported.insert(NodeKey(node)) }
        let id = readID ?? ""
        let base = earlier.contains(id) ? "gaps[\(index)]" : "gaps.\(id)"
        let prefix = base + "."
        register(base, node)
        register(prefix + "id", fields["id"])
        let label = Self.isIdentifier(id) ? "gap '\(id)'" : "gap"
        var weight = Rational.one
        if let weightNode = fields["weight"], let spelled = scalar(weightNode, what: "'weight'") {
            register(prefix + "weight", weightNode)
            if let value = Rational(exactText: spelled) {
                weight = value
            } else {
                report(weightNode, NumberText.rejection(of: spelled, what: "weight", otherwise: BankRules.weightRange))
            }
        }
        guard let typeNode = require(fields, "type", in: node, what: label, hint: "choice, text or numeric"),
            let type = scalar(typeNode, what: "'type'")
        else { return Gap(id: id, weight: weight, kind: standIn.kind) }
        let kind: GapKind
        switch type {
        case "choice":
            let (options, answer) = keyedOptions(fields, in: node, label: label, prefix: prefix)
            kind = .choice(options: options, correct: answer)
        case "text":
            let caseSensitive = flag(fields, "caseSensitive")
            let acceptedNode = require(fields, "accepted", in: node, what: label, hint: "accepted answers")
            register(prefix + "accepted", acceptedNode)
            let answers = acceptedNode.map { textAnswers($0, path: prefix + "accepted") } ?? []
            kind = .text(answers: answers, caseSensitive: caseSensitive)
        case "numeric":
            kind = .numeric(answers: numericAnswers(fields, in: node, label: label, prefix: prefix))
        default:
            report(typeNode, "unknown gap type '\(type)' (expected choice, text or numeric)")
            kind = standIn.kind
        }
        return Gap(id: id, weight: weight, kind: kind)
    }

    /// `answer` with an optional tolerance, or `answers`: a list of `value`, tolerance, `credit`, `feedback`;
    /// `prefix` ends in `.` or is empty.
    private mutating func numericAnswers(
        _ fields: Fields, in node: Node, label: String, prefix: String
    ) -> [NumericAnswer] {
        if let listNode = fields["answers"] {
            register(prefix + "answers", listNode)
            if let answerNode = fields["answer"] {
                report(answerNode, "give either 'answer' or 'answers', not both")
                reported.insert(NodeKey(listNode))
                return []
            }
            guard let entries = sequence(listNode, what: "'answers'") else { return [] }
            var answers: [NumericAnswer] = []
            for (index, entry) in entries.enumerated() {
                let path = "\(prefix)answers[\(index)]"
                register(path, entry)
                guard
                    let entryFields = mapping(
                        entry, what: "an entry of 'answers'",
                        allowed: ["value", "tolerance", "relativeTolerance", "credit", "feedback"])
                else {
                    answers.append(NumericAnswer(.zero))
                    continue
                }
                var value = Rational.zero
                if let valueNode = require(entryFields, "value", in: entry, what: "an entry of 'answers'") {
                    register(path + ".value", valueNode)
                    value = number(valueNode, what: "value") ?? .zero
                }
                let tolerance = tolerance(entryFields, path: path + ".")
                let credit = credit(entryFields, "credit", path: path + ".credit")
                let feedback = optionalText(entryFields, "feedback", path: path + ".feedback")
                answers.append(NumericAnswer(value, tolerance: tolerance, credit: credit ?? .one, feedback: feedback))
            }
            return answers
        }
        let path = "\(prefix)answers[0]"
        let tolerance = tolerance(fields, path: path + ".")
        let answerNode = require(fields, "answer", in: node, what: label, hint: "a number")
        register(path + ".value", answerNode)
        let answer = answerNode.flatMap { number($0, what: "answer") } ?? .zero
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

    /// `tolerance` or `relativeTolerance` (exact when neither); `path` ends in `.`.
    private mutating func tolerance(_ fields: Fields, path: String) -> Tolerance {
        if fields["tolerance"] != nil && fields["relativeTolerance"] != nil {
            report(fields["relativeTolerance"], "give either 'tolerance' or 'relativeTolerance', not both")
            return .exact
        }
        for key in ["tolerance", "relativeTolerance"] {
            guard let toleranceNode = fields[key] else { continue }
            register(path + key, toleranceNode)
            guard let spelled = scalar(toleranceNode, what: "'\(key)'") else { return .exact }
            guard let value = Rational(exactText: spelled) else {
                report(toleranceNode, NumberText.rejection(of: spelled, what: key))
                return .exact
            }
            return key == "tolerance" ? .absolute(value) : .relative(value)
        }
        return .exact
    }

    /// Accepted answers: each a text, or a mapping with `text`, `credit`, `feedback`, `wildcard`.
    private mutating func textAnswers(_ node: Node, path: String) -> [TextAnswer] {
        register(path, node)
        guard let entries = sequence(node, what: "'accepted'") else { return [TextAnswer("-")] }
        var answers: [TextAnswer] = []
        for (index, entry) in entries.enumerated() {
            let entryPath = "\(path)[\(index)]"
            register(entryPath, entry)
            if case .scalar(let value) = entry {
                register(entryPath + ".text", entry)
                answers.append(TextAnswer(value.string))
                continue
            }
            guard
                let entryFields = mapping(
                    entry, what: "an accepted answer", allowed: ["text", "credit", "feedback", "wildcard"])
            else {
                answers.append(TextAnswer("-"))
                continue
            }
            let text = text(entryFields, "text", in: entry, what: "an accepted answer", path: entryPath + ".text")
            let credit = credit(entryFields, "credit", path: entryPath + ".credit")
            let wildcard = flag(entryFields, "wildcard")
            let feedback = optionalText(entryFields, "feedback", path: entryPath + ".feedback")
            answers.append(TextAnswer(text ?? "-", credit: credit ?? .one, feedback: feedback, wildcard: wildcard))
        }
        return answers
    }

    /// An optional credit: `nil` when absent or after reporting a value that is not a number.
    private mutating func credit(_ fields: Fields, _ key: String, path: String) -> Rational? {
        guard let creditNode = fields[key] else { return nil }
        register(path, creditNode)
        guard let spelled = scalar(creditNode, what: "'\(key)'") else { return nil }
        guard let value = Rational(exactText: spelled) else {
            report(creditNode, NumberText.rejection(of: spelled, what: key, otherwise: BankRules.creditRange))
            return nil
        }
        return value
    }

    /// An optional `true`/`false` (default false, also after reporting a bad value).
    private mutating func flag(_ fields: Fields, _ key: String) -> Bool {
        guard let flagNode = fields[key], let spelled = scalar(flagNode, what: "'\(key)'") else { return false }
        switch spelled.lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(flagNode, "\(key) must be true or false (found '\(spelled)')")
            return false
        }
    }

    // MARK: Choices

    /// A list of choices; a broken entry stands in with an empty id, so the entries keep their indexes.
    private mutating func choices(
        _ fields: Fields, _ key: String, in node: Node, label: String, minimum: Int, feedback: Bool, prefix: String
    ) -> [Choice] {
        let path = prefix + key
        let listNode = require(fields, key, in: node, what: label)
        register(path, listNode)
        guard let listNode, let entries = sequence(listNode, what: "'\(key)'") else { return [] }
        var result: [Choice] = []
        var firstLine: [String: Int] = [:]
        let allowed = feedback ? ["id", "text", "feedback", "credit", "uncheckedCredit"] : ["id", "text"]
        for (index, entry) in entries.enumerated() {
            let entryPath = "\(path)[\(index)]"
            register(entryPath, entry)
            guard let entryFields = mapping(entry, what: "an entry of '\(key)'", allowed: allowed) else {
                result.append(Choice(id: "", text: ""))
                continue
            }
            let id = text(entryFields, "id", in: entry, what: "entry of '\(key)'", path: entryPath + ".id")
            let name = id.flatMap { Self.isIdentifier($0) ? "'\($0)'" : nil } ?? "entry of '\(key)'"
            let text = text(entryFields, "text", in: entry, what: name, path: entryPath + ".text")
            let optionFeedback = optionalText(entryFields, "feedback", path: entryPath + ".feedback")
            let optionCredit = credit(entryFields, "credit", path: entryPath + ".credit")
            let uncheckedCredit = credit(entryFields, "uncheckedCredit", path: entryPath + ".uncheckedCredit")
            // Reported here rather than by Item.problems(), to name the line of the first entry with the id.
            if let id, let line = firstLine[id] {
                report(entryFields["id"], "duplicate id '\(id)' in '\(key)' (first defined at line \(line))")
            } else if let id {
                firstLine[id] = entry.mark?.line ?? 0
            }
            result.append(
                Choice(
                    id: id ?? "", text: text ?? "", feedback: optionFeedback, credit: optionCredit,
                    uncheckedCredit: uncheckedCredit))
        }
        return result
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

    /// A required single value, registered as `path`; blank and overlong texts are left to ``Item/problems()``.
    private mutating func text(
        _ fields: Fields, _ key: String, in node: Node, what: String, path: String?
    ) -> String? {
        guard let valueNode = require(fields, key, in: node, what: what) else { return nil }
        if let path { register(path, valueNode) }
        return scalar(valueNode, what: "'\(key)'")
    }

    /// An optional text, registered as `path`; a blank one reads as absent.
    private mutating func optionalText(_ fields: Fields, _ key: String, path: String) -> String? {
        guard let valueNode = fields[key] else { return nil }
        register(path, valueNode)
        guard let value = scalar(valueNode, what: "'\(key)'") else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : value
    }

    package static func isIdentifier(_ value: String) -> Bool { BankRules.isIdentifier(value) }
}
