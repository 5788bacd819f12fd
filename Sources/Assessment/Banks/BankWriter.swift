import Foundation
internal import Yams

/// Writes a bank in the native YAML format that ``BankReader`` reads back to the same bank.
public enum BankWriter {
    /// The bank as YAML text (UTF-8, keys in the documented order, texts quoted as YAML needs).
    public static func yaml(_ bank: Bank) throws(AssessmentError) -> String {
        var pairs: [(Node, Node)] = [
            ("id", scalar(bank.id)), ("title", scalar(bank.title)), ("language", scalar(bank.language)),
            ("provider", scalar(bank.provider)), ("version", scalar(bank.version)),
        ]
        pairs.append(("items", .sequence(Node.Sequence(bank.items.map(itemNode)))))
        do {
            return try Yams.serialize(node: .mapping(Node.Mapping(pairs)), width: -1, allowUnicode: true)
        } catch {
            throw AssessmentError(.invalidBank, "the bank could not be written as YAML: \(error)")
        }
    }

    /// One item as YAML, exactly as it stands in its bank (key and feedback included): for reviewers.
    public static func yaml(_ item: Item) throws(AssessmentError) -> String {
        do {
            return try Yams.serialize(node: itemNode(item), width: -1, allowUnicode: true)
        } catch {
            throw AssessmentError(.invalidBank, "the item \(item.id) could not be written as YAML: \(error)")
        }
    }

    private static func scalar(_ text: String) -> Node {
        .scalar(Node.Scalar(text))
    }

    private static func number(_ value: Rational) -> Node {
        .scalar(Node.Scalar(value.exactText))
    }

    private static func list(_ nodes: [Node]) -> Node {
        .sequence(Node.Sequence(nodes))
    }

    private static func map(_ pairs: [(String, Node?)]) -> Node {
        .mapping(Node.Mapping(pairs.compactMap { key, value in value.map { (Node(key), $0) } }))
    }

    private static func itemNode(_ item: Item) -> Node {
        var pairs: [(String, Node?)] = [
            ("id", scalar(item.id)), ("type", scalar(item.kind.typeName)), ("topic", scalar(item.topic)),
            ("difficulty", item.difficulty.map { scalar($0.rawValue) }), ("points", number(item.points)),
            ("stem", scalar(item.stem)), ("feedback", item.feedback.map(scalar)),
        ]
        switch item.kind {
        case .singleChoice(let options, let correct):
            pairs += [("options", list(options.map(choiceNode))), ("answer", scalar(correct))]
        case .multipleResponse(let options, let correct):
            let keyed = options.map(\.id).filter(correct.contains)
            pairs += [("options", list(options.map(choiceNode))), ("answer", list(keyed.map(scalar)))]
        case .trueFalse(let correct, let feedbackTrue, let feedbackFalse):
            pairs += [
                ("answer", scalar(correct ? "true" : "false")), ("feedbackTrue", feedbackTrue.map(scalar)),
                ("feedbackFalse", feedbackFalse.map(scalar)),
            ]
        case .numeric(let answers, let unit):
            pairs += numericPairs(answers)
            pairs.append(("unit", unit.map(scalar)))
        case .shortText(let answers, let pattern, let caseSensitive):
            pairs += [
                ("accepted", answers.isEmpty ? nil : list(answers.map(textAnswerNode))),
                ("pattern", pattern.map(scalar)), ("caseSensitive", caseSensitive ? scalar("true") : nil),
            ]
        case .matching(let premises, let responses, let correct):
            pairs += [
                ("premises", list(premises.map(choiceNode))), ("responses", list(responses.map(choiceNode))),
                ("answer", map(premises.map { ($0.id, correct[$0.id].map(scalar)) })),
            ]
        case .ordering(let elements, let correctOrder):
            pairs += [("elements", list(elements.map(choiceNode))), ("answer", list(correctOrder.map(scalar)))]
        case .cloze(let gaps):
            pairs.append(("gaps", list(gaps.map(gapNode))))
        case .essay(let responseTemplate, let graderInfo):
            pairs += [("responseTemplate", responseTemplate.map(scalar)), ("graderInfo", graderInfo.map(scalar))]
        }
        return map(pairs)
    }

    private static func choiceNode(_ choice: Choice) -> Node {
        map([
            ("id", scalar(choice.id)), ("text", scalar(choice.text)), ("feedback", choice.feedback.map(scalar)),
            ("credit", choice.credit.map(number)), ("uncheckedCredit", choice.uncheckedCredit.map(number)),
        ])
    }

    private static func textAnswerNode(_ answer: TextAnswer) -> Node {
        if answer.credit == .one && answer.feedback == nil && !answer.wildcard { return scalar(answer.text) }
        return map([
            ("text", scalar(answer.text)), ("credit", answer.credit == .one ? nil : number(answer.credit)),
            ("feedback", answer.feedback.map(scalar)), ("wildcard", answer.wildcard ? scalar("true") : nil),
        ])
    }

    private static func tolerancePairs(_ tolerance: Tolerance) -> [(String, Node?)] {
        switch tolerance {
        case .exact: []
        case .absolute(let value): [("tolerance", number(value))]
        case .relative(let value): [("relativeTolerance", number(value))]
        }
    }

    private static func numericPairs(_ answers: [NumericAnswer]) -> [(String, Node?)] {
        if answers.count == 1, let only = answers.first, only.credit == .one, only.feedback == nil {
            return [("answer", number(only.value))] + tolerancePairs(only.tolerance)
        }
        let entries = answers.map { answer in
            map(
                [("value", number(answer.value))] + tolerancePairs(answer.tolerance) + [
                    ("credit", answer.credit == .one ? nil : number(answer.credit)),
                    ("feedback", answer.feedback.map(scalar)),
                ])
        }
        return [("answers", list(entries))]
    }

    private static func gapNode(_ gap: Gap) -> Node {
        var pairs: [(String, Node?)] = [("id", scalar(gap.id))]
        switch gap.kind {
        case .choice(let options, let correct):
            pairs += [
                ("type", scalar("choice")), ("weight", gap.weight == .one ? nil : number(gap.weight)),
                ("options", list(options.map(choiceNode))), ("answer", scalar(correct)),
            ]
        case .text(let answers, let caseSensitive):
            pairs += [
                ("type", scalar("text")), ("weight", gap.weight == .one ? nil : number(gap.weight)),
                ("accepted", list(answers.map(textAnswerNode))),
                ("caseSensitive", caseSensitive ? scalar("true") : nil),
            ]
        case .numeric(let answers):
            pairs += [("type", scalar("numeric")), ("weight", gap.weight == .one ? nil : number(gap.weight))]
            pairs += numericPairs(answers)
        }
        return map(pairs)
    }
}
