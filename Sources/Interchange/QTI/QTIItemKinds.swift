import Assessment
import Foundation

extension QTIItemReader {
    // MARK: Choice

    mutating func readChoice(_ interaction: MarkupElement, body: MarkupElement) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        let response = declaration.identifier
        var choiceElements: [MarkupElement] = []
        for child in interaction.elements {
            switch names.name(child) {
            case "simpleChoice": choiceElements.append(child)
            case "simpleChoiceGroup": choiceElements += names.children(child, "simpleChoice")
            default: break
            }
        }
        if let problem = BankRules.choiceCount("options", found: choiceElements.count, minimum: 2) {
            throw QTISkip(reason: "the choice interaction: \(problem)")
        }
        let options = try self.options(choiceElements, what: "simpleChoice")
        let stem = stem(body: body, interaction: interaction)
        let classes = Self.classes(interaction.attributes["class"])
        switch declaration.cardinality {
        case "single":
            return try readSingleChoice(
                options: options, declaration: declaration, stem: stem, trueFalse: classes.contains("kc-true-false"))
        case "multiple":
            return try readMultipleResponse(
                options: options, declaration: declaration, stem: stem,
                defaultScoring: classes.contains("kc-default-scoring"))
        default:
            throw QTISkip(
                reason: "the choice interaction's response '\(response)' has cardinality '\(declaration.cardinality)'")
        }
    }

    private mutating func readSingleChoice(
        options: [QTIOption], declaration: QTIResponseDeclaration, stem: String, trueFalse: Bool
    ) throws(QTISkip) -> Draft {
        let response = declaration.identifier
        let probes = options.map { option in
            QTIProbe(
                response: .choice(option.id), values: [response: .single(.identifier(option.qti))],
                label: "option '\(option.id)'")
        }
        let points = try points(probes: probes)
        let form = unclampedScore()
        var values: [Rational] = []
        for probe in probes { values.append(try number(form, probe.values)) }
        let mentions = self.mentions(of: response, in: form)
        let mentioned = options.map { mentions.contains(.identifier($0.qti)) }
        let correctIndex = declaration.correct.scalars.first.flatMap { scalar in
            options.firstIndex { $0.qti == scalar.text }
        }
        let key = try choiceKey(
            options: options, values: values, mentioned: mentioned, correct: correctIndex, full: points,
            what: "the item")

        // Feedback shown for some options goes to each of them.
        var optionFeedback: [[String]] = Array(repeating: [], count: options.count)
        for index in feedbacks.indices where !feedbacks[index].used && !feedbacks[index].text.isEmpty {
            let shown = probes.map { isShown(feedbacks[index], $0.values) }
            guard !shown.contains(where: { $0 == nil }), shown.contains(true), !shown.allSatisfy({ $0 == true })
            else { continue }
            for option in options.indices where shown[option] == true {
                optionFeedback[option].append(feedbacks[index].text)
            }
            feedbacks[index].used = true
        }
        let joined = optionFeedback.map { $0.isEmpty ? nil : $0.joined(separator: "\n\n") }

        if trueFalse, Set(options.map(\.qti)) == ["true", "false"], key.credits.allSatisfy({ $0 == nil }) {
            let feedbackFor = { (value: String) in options.firstIndex { $0.qti == value }.flatMap { joined[$0] } }
            let truthProbes = options.map { option in
                QTIProbe(
                    response: .truth(option.qti == "true"), values: [response: .single(.identifier(option.qti))],
                    label: "'\(option.qti)'")
            }
            return Draft(
                kind: .trueFalse(
                    correct: options[key.correct].qti == "true", feedbackTrue: feedbackFor("true"),
                    feedbackFalse: feedbackFor("false")),
                stem: stem, points: points, probes: truthProbes)
        }
        let choices = options.indices.map { index in
            Choice(
                id: options[index].id, text: options[index].text, feedback: joined[index], credit: key.credits[index])
        }
        return Draft(
            kind: .singleChoice(options: choices, correct: options[key.correct].id), stem: stem, points: points,
            probes: probes)
    }

    private mutating func readMultipleResponse(
        options: [QTIOption], declaration: QTIResponseDeclaration, stem: String, defaultScoring: Bool
    ) throws(QTISkip) -> Draft {
        let response = declaration.identifier
        func probe(_ indices: [Int]) -> QTIProbe {
            let sorted = indices.sorted()
            return QTIProbe(
                response: .choices(Set(sorted.map { options[$0].id })),
                values: [response: .container(sorted.map { .identifier(options[$0].qti) }, ordered: false)],
                label: "ticking " + sorted.map { "'\(options[$0].id)'" }.joined(separator: ", "))
        }
        var subsets: [[Int]] = options.indices.map { [$0] }
        for first in options.indices {
            for second in options.indices where second > first { subsets.append([first, second]) }
        }
        subsets.append(Array(options.indices))
        let correctIndices = declaration.correct.scalars.compactMap { scalar in
            options.firstIndex { $0.qti == scalar.text }
        }
        if !correctIndices.isEmpty {
            subsets.append(correctIndices)
            let others = options.indices.filter { !correctIndices.contains($0) }
            if !others.isEmpty { subsets.append(others) }
        }
        var generator = SeededGenerator(seed: "qti-mr-\(names.attribute(root, "identifier") ?? "")")
        for _ in 0..<40 {
            let subset = options.indices.filter { _ in generator.uniform(below: 2) == 1 }
            if !subset.isEmpty { subsets.append(subset) }
        }
        let probes = subsets.map(probe)
        let points = try points(probes: probes)
        let form = unclampedScore()

        var credit = Array(repeating: Rational.zero, count: options.count)
        var unchecked = Array(repeating: Rational.zero, count: options.count)
        var hasCredit = Array(repeating: false, count: options.count)
        var hasUnchecked = Array(repeating: false, count: options.count)
        var combined: [QTITerm] = []
        for term in form.terms {
            if term.literals.isEmpty, Self.isZero(term) { continue }
            if case .map(let name) = term.leaf, name == response,
                term.literals.allSatisfy({ $0.condition.callName == "isNull" && !$0.positive }),
                let mapping = declaration.mapping
            {
                for (index, option) in options.enumerated() {
                    credit[index] = try Self.exact(
                        term.scale.times(mapping.value(of: .identifier(option.qti))).flatMap(credit[index].plus))
                    if mapping.defaultValue != .zero
                        || mapping.entries.contains(where: {
                            QTIMapping.key($0, matches: .identifier(option.qti))
                        })
                    {
                        hasCredit[index] = true
                    }
                }
                continue
            }
            let referenced = mentions(of: response, in: term)
            let indices = options.indices.filter { referenced.contains(.identifier(options[$0].qti)) }
            let readsOthers = !term.responses.subtracting([response]).isEmpty
            if readsOthers || usesCorrect(response, in: term) || referenced.all || indices.count > 1 {
                combined.append(term)
                continue
            }
            let index = indices.first ?? 0
            let otherIndices = options.indices.filter { $0 != index }
            let inside = try value(of: term, probe([index]).values)
            var outside: Rational? = nil
            var consistent = true
            for (position, other) in otherIndices.prefix(2).enumerated() {
                let value = try value(of: term, probe([other]).values)
                if position == 0 { outside = value } else if value != outside { consistent = false }
            }
            guard consistent else {
                combined.append(term)
                continue
            }
            if let inside {
                credit[index] = try Self.exact(credit[index].plus(inside))
                hasCredit[index] = true
            }
            if let outside {
                unchecked[index] = try Self.exact(unchecked[index].plus(outside))
                hasUnchecked[index] = true
            }
        }

        var credits: [Rational?] = []
        var uncheckedCredits: [Rational?] = []
        for index in options.indices {
            credits.append(hasCredit[index] ? try Self.exact(credit[index].over(points)) : nil)
            uncheckedCredits.append(hasUnchecked[index] ? try Self.exact(unchecked[index].over(points)) : nil)
        }
        if !combined.isEmpty {
            guard isAllOrNothing(form), !correctIndices.isEmpty else {
                throw QTISkip(
                    reason:
                        "the score depends on which options are ticked together, which cannot be represented as credit per option"
                )
            }
            warnings.append(
                "all-or-nothing scoring (points only for exactly the correct options) was replaced by partial credit per option"
            )
            scoringApproximated = true
            credits = Array(repeating: nil, count: options.count)
            uncheckedCredits = credits
        }
        var correct = correctIndices
        if correct.isEmpty || correct.count != declaration.correct.scalars.count {
            correct = options.indices.filter { (credits[$0] ?? .zero) > .zero }
        }
        guard !correct.isEmpty else { throw QTISkip(reason: "no option of the item earns points") }
        if defaultScoring, uncheckedCredits.allSatisfy({ $0 == nil }) {
            let wrongCount = options.count - correct.count
            let isDefault = options.indices.allSatisfy { index in
                correct.contains(index)
                    ? credits[index] == Rational(1, correct.count)
                    : (wrongCount > 0 && credits[index] == Rational(-1, wrongCount))
            }
            if isDefault { credits = Array(repeating: nil, count: options.count) }
        }
        if credits.allSatisfy({ $0 == nil }), uncheckedCredits.allSatisfy({ $0 == nil }), combined.isEmpty,
            !defaultScoring
        {
            // Scored without any per-option points: only possible when nothing earns points.
            throw QTISkip(reason: "no option of the item earns points")
        }

        // Feedback shown exactly when one option is ticked.
        var optionFeedback: [String?] = Array(repeating: nil, count: options.count)
        for index in options.indices {
            let id = options[index].id
            optionFeedback[index] = feedback(
                where: { probe in
                    if case .choices(let ticked) = probe.response { return ticked.contains(id) }
                    return false
                }, probes: probes)
        }
        let choices = options.indices.map { index in
            Choice(
                id: options[index].id, text: options[index].text, feedback: optionFeedback[index],
                credit: credits[index], uncheckedCredit: uncheckedCredits[index])
        }
        return Draft(
            kind: .multipleResponse(options: choices, correct: Set(correct.map { options[$0].id })), stem: stem,
            points: points, probes: probes)
    }

    // MARK: Order

    mutating func readOrder(_ interaction: MarkupElement, body: MarkupElement) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        let response = declaration.identifier
        let elements = names.children(interaction, "simpleChoice")
        if let problem = BankRules.choiceCount("elements", found: elements.count, minimum: 2) {
            throw QTISkip(reason: "the order interaction: \(problem)")
        }
        let options = try self.options(elements, what: "simpleChoice")
        let stem = stem(body: body, interaction: interaction)
        let correctQTI = declaration.correct.scalars.compactMap(\.text)
        let order = correctQTI.compactMap { identifier in options.firstIndex { $0.qti == identifier } }
        guard order.count == options.count, Set(order).count == options.count else {
            throw QTISkip(reason: "the correct order of '\(response)' does not list every choice exactly once")
        }
        func probe(_ sequence: [Int], _ label: String) -> QTIProbe {
            QTIProbe(
                response: .order(sequence.map { options[$0].id }),
                values: [response: .container(sequence.map { .identifier(options[$0].qti) }, ordered: true)],
                label: label)
        }
        var probes = [probe(order, "the correct order"), probe(order.reversed(), "the reversed order")]
        for shift in 1..<order.count {
            probes.append(probe(Array(order[shift...] + order[..<shift]), "the order rotated by \(shift)"))
        }
        for position in 0..<(order.count - 1) {
            var swapped = order
            swapped.swapAt(position, position + 1)
            probes.append(probe(swapped, "positions \(position + 1) and \(position + 2) swapped"))
        }
        let points = try points(probes: probes)
        return Draft(
            kind: .ordering(
                elements: options.map { Choice(id: $0.id, text: $0.text) }, correctOrder: order.map { options[$0].id }),
            stem: stem, points: points, probes: probes, allOrNothing: ("the entire order", "element in place"))
    }

    // MARK: Match

    mutating func readMatch(_ interaction: MarkupElement, body: MarkupElement) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        let sets = names.children(interaction, "simpleMatchSet")
        guard sets.count == 2 else {
            throw QTISkip(reason: "the match interaction at line \(interaction.line) needs two simpleMatchSets")
        }
        let premises = try options(names.children(sets[0], "simpleAssociableChoice"), what: "simpleAssociableChoice")
        let responseOptions = try options(
            names.children(sets[1], "simpleAssociableChoice"), what: "simpleAssociableChoice")
        if let problem = BankRules.choiceCount("premises", found: premises.count, minimum: 1)
            ?? BankRules.choiceCount("responses", found: responseOptions.count, minimum: 1)
        {
            throw QTISkip(reason: "the match interaction: \(problem)")
        }
        var correct: [Int: Int] = [:]
        for scalar in declaration.correct.scalars {
            var pair: (String, String)
            switch scalar {
            case .directedPair(let a, let b), .pair(let a, let b): pair = (a, b)
            default: throw QTISkip(reason: "the correct response of the match interaction is not a list of pairs")
            }
            if premises.contains(where: { $0.qti == pair.1 }) { pair = (pair.1, pair.0) }
            guard let premise = premises.firstIndex(where: { $0.qti == pair.0 }),
                let target = responseOptions.firstIndex(where: { $0.qti == pair.1 })
            else {
                throw QTISkip(reason: "the correct pair '\(scalar)' does not join a premise and a response")
            }
            guard correct[premise] == nil else {
                throw QTISkip(
                    reason:
                        "premise '\(premises[premise].qti)' has several correct partners; a matching item needs exactly one"
                )
            }
            correct[premise] = target
        }
        if let missing = premises.indices.first(where: { correct[$0] == nil }) {
            throw QTISkip(
                reason:
                    "premise '\(premises[missing].qti)' has no correct partner; a matching item needs one per premise")
        }
        let stem = stem(body: body, interaction: interaction)
        let probes = matchProbes(
            premises: premises, responses: responseOptions, correct: correct, response: declaration.identifier,
            pair: { .directedPair($0, $1) })
        let points = try points(probes: probes)
        return Draft(
            kind: .matching(
                premises: premises.map { Choice(id: $0.id, text: $0.text) },
                responses: responseOptions.map { Choice(id: $0.id, text: $0.text) },
                correct: Dictionary(uniqueKeysWithValues: correct.map { (premises[$0].id, responseOptions[$1].id) })),
            stem: stem, points: points, probes: probes, allOrNothing: ("all pairs right", "premise"))
    }

    private func matchProbes(
        premises: [QTIOption], responses: [QTIOption], correct: [Int: Int], response: String,
        pair: (String, String) -> QTIScalar
    ) -> [QTIProbe] {
        func probe(_ map: [Int: Int], _ label: String) -> QTIProbe {
            let sorted = map.sorted { $0.key < $1.key }
            return QTIProbe(
                response: .matches(
                    Dictionary(uniqueKeysWithValues: sorted.map { (premises[$0].id, responses[$1].id) })),
                values: [
                    response: .container(sorted.map { pair(premises[$0].qti, responses[$1].qti) }, ordered: false)
                ],
                label: label)
        }
        var probes = [probe(correct, "all pairs right")]
        for premise in premises.indices {
            for target in responses.indices where target != correct[premise] {
                var map = correct
                map[premise] = target
                probes.append(probe(map, "'\(premises[premise].id)' paired with '\(responses[target].id)'"))
            }
            if premises.count > 1 {
                var map = correct
                map[premise] = nil
                probes.append(probe(map, "'\(premises[premise].id)' left unpaired"))
            }
        }
        return probes
    }

    // MARK: Associate

    mutating func readAssociate(_ interaction: MarkupElement, body: MarkupElement) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        let choices = try options(names.children(interaction, "simpleAssociableChoice"), what: "simpleAssociableChoice")
        // The pairs as written (a pair value is unordered; its first identifier is read as the premise).
        var written: [(String, String)] = []
        if let correctElement = names.child(declarationElement(declaration.identifier), "correctResponse") {
            for value in names.children(correctElement, "value") {
                let parts = value.text.split(whereSeparator: \.isWhitespace).map(String.init)
                guard parts.count == 2 else {
                    throw QTISkip(reason: "the correct pair '\(value.text)' at line \(value.line) is not a pair")
                }
                written.append((parts[0], parts[1]))
            }
        }
        guard !written.isEmpty else {
            throw QTISkip(reason: "the associate interaction has no correct pairs")
        }
        var premises: [QTIOption] = []
        var targets: [QTIOption] = []
        var correct: [Int: Int] = [:]
        for (first, second) in written {
            guard let premise = choices.first(where: { $0.qti == first }),
                let target = choices.first(where: { $0.qti == second })
            else {
                throw QTISkip(reason: "the correct pair '\(first) \(second)' names a choice that does not exist")
            }
            guard !premises.contains(where: { $0.qti == premise.qti || $0.qti == target.qti }),
                !targets.contains(where: { $0.qti == premise.qti })
            else {
                throw QTISkip(
                    reason:
                        "the associate interaction's pairs cannot be read as premise → response (choice '\(premise.qti)' or '\(target.qti)' appears in several roles or pairs)"
                )
            }
            premises.append(premise)
            if !targets.contains(where: { $0.qti == target.qti }) { targets.append(target) }
            correct[premises.count - 1] = targets.firstIndex { $0.qti == target.qti }
        }
        for choice in choices
        where !premises.contains(where: { $0.qti == choice.qti }) && !targets.contains(where: { $0.qti == choice.qti })
        {
            targets.append(choice)
        }
        if let problem = BankRules.tooMany("responses", found: targets.count) {
            throw QTISkip(reason: "the associate interaction: \(problem)")
        }
        let stem = stem(body: body, interaction: interaction)
        let probes = matchProbes(
            premises: premises, responses: targets, correct: correct, response: declaration.identifier,
            pair: { QTIScalar.unorderedPair($0, $1) })
        let points = try points(probes: probes)
        warnings.append(
            "the associate interaction was imported as matching (premises: \(premises.map { "'\($0.id)'" }.joined(separator: ", ")))"
        )
        return Draft(
            kind: .matching(
                premises: premises.map { Choice(id: $0.id, text: $0.text) },
                responses: targets.map { Choice(id: $0.id, text: $0.text) },
                correct: Dictionary(uniqueKeysWithValues: correct.map { (premises[$0].id, targets[$1].id) })),
            stem: stem, points: points, probes: probes, allOrNothing: ("all pairs right", "premise"))
    }

    func declarationElement(_ identifier: String) -> MarkupElement {
        root.elements.first {
            names.name($0) == "responseDeclaration" && names.attribute($0, "identifier") == identifier
        } ?? root
    }

    // MARK: Essay

    mutating func readEssay(_ interaction: MarkupElement, body: MarkupElement) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        var stem = stem(body: body, interaction: interaction)
        let rubric = rubric(body: body)
        if let candidate = rubric.candidate { stem = stem.isEmpty ? candidate : stem + "\n\n" + candidate }
        var template: String? = nil
        if case .single(let value) = declaration.defaultValue, let text = value.text { template = Self.nonEmpty(text) }
        if template == nil, let placeholder = Self.nonEmpty(names.attribute(interaction, "placeholderText")) {
            template = placeholder
            warnings.append("the placeholder text was imported as the response template")
        }
        var referenced = Set<String>()
        var visited = Set<ObjectIdentifier>()
        scoreForm.responses(into: &referenced, visited: &visited)
        if !referenced.isEmpty {
            warnings.append("the automatic scoring of the essay was dropped; it is graded by a person")
        }
        let points = declaredPoints ?? .one
        try QTIItemLimits.checkPoints(points)
        return Draft(
            kind: .essay(responseTemplate: template, graderInfo: rubric.grader), stem: stem, points: points, probes: [])
    }
}
