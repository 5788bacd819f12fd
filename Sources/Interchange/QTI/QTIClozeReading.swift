import Assessment
import Foundation

extension QTIItemReader {
    /// A gap of a cloze item as read from its interaction.
    struct GapSpec {
        enum Kind {
            case choice([QTIOption])
            case text
            case numeric
        }

        var interaction: MarkupElement?
        var response: String
        var id: String
        var kind: Kind
        var weightHint: Rational?
        var caseSensitiveHint = false
    }

    /// How one gap is scored: its terms, and the clamp and factor around them (our own exports clamp each gap).
    struct GapScoring {
        var terms: [QTITerm] = []
        var lower: Rational?
        var upper: Rational?
        var factor = Rational.one
        var clamped = false
    }

    var isOurs: Bool { names.attribute(root, "toolName") == QTIExporter.toolName }

    // MARK: Text entry and inline choice

    mutating func readInline(_ interactions: [MarkupElement], body: MarkupElement) throws(QTISkip) -> Draft {
        if interactions.count == 1, let interaction = interactions.first {
            let classes = Self.classes(interaction.attributes["class"])
            if classes.contains("kc-numeric") { return try readTyped(interaction, body: body, numeric: true) }
            if classes.contains("kc-short-text") { return try readTyped(interaction, body: body, numeric: false) }
        }
        if interactions.count > BankRules.maximumGaps, let problem = BankRules.gapCount(interactions.count) {
            throw QTISkip(reason: problem)
        }
        var gapIDs = IdentifierMaker()
        var specs: [GapSpec] = []
        for (index, interaction) in interactions.enumerated() {
            let declaration = try response(of: interaction)
            guard declaration.cardinality == "single" else {
                throw QTISkip(
                    reason: "the gap '\(declaration.identifier)' has cardinality '\(declaration.cardinality)'")
            }
            guard !specs.contains(where: { $0.response == declaration.identifier }) else {
                throw QTISkip(reason: "response '\(declaration.identifier)' is used by two interactions")
            }
            let id = gapIDs.make(from: Self.gapName(declaration.identifier), fallback: "gap-\(index + 1)")
            let kind: GapSpec.Kind
            if names.name(interaction) == "inlineChoiceInteraction" {
                kind = .choice(try plainOptions(names.children(interaction, "inlineChoice"), what: "inlineChoice"))
            } else {
                switch declaration.baseType {
                case .float?, .integer?: kind = .numeric
                case .string?, .identifier?: kind = .text
                default:
                    throw QTISkip(
                        reason:
                            "the text entry '\(declaration.identifier)' has base type '\(declaration.baseType?.rawValue ?? "")'"
                    )
                }
            }
            var hint: Rational? = nil
            for token in Self.classes(interaction.attributes["class"]) where token.hasPrefix("kc-weight-") {
                hint = QTIValueParsing.exact(token.dropFirst("kc-weight-".count))
            }
            specs.append(
                GapSpec(
                    interaction: interaction, response: declaration.identifier, id: id, kind: kind, weightHint: hint,
                    caseSensitiveHint: Self.classes(interaction.attributes["class"]).contains("kc-case-sensitive")))
        }
        let names = self.names
        let stem = markdown(body.children) { element in
            if let spec = specs.first(where: { $0.interaction === element }) { return .replace("{{\(spec.id)}}") }
            return names.name(element) == "rubricBlock" ? .drop : .keep
        }
        return try cloze(specs: specs, stem: stem)
    }

    /// `RESPONSE_x` → `x` (our exports name gap responses so).
    static func gapName(_ response: String) -> String {
        response.hasPrefix("RESPONSE_") && response.count > 9 ? String(response.dropFirst(9)) : response
    }

    /// The scoring of each gap response in the score form; terms that combine gaps are returned apart.
    private func gapScorings(_ specs: [GapSpec]) throws(QTISkip) -> (
        scorings: [String: GapScoring], combined: [QTITerm]
    ) {
        // Clamps around the whole score that combine several gaps (the file's own bounds) are left to the
        // check by samples; a clamp around one gap is that gap's own.
        var form = scoreForm
        for _ in 0..<20 {
            let significant = form.terms.filter { !Self.isZero($0) }
            guard significant.count == 1, let term = significant.first, term.scale > .zero,
                case .clamp(_, _, let inner) = term.leaf, Self.onlyNotNull(term.literals), inner.responses.count > 1,
                let scaled = inner.scaled(by: term.scale)
            else { break }
            form = scaled.guarded(by: term.literals)
        }
        var scorings: [String: GapScoring] = [:]
        var combined: [QTITerm] = []
        let gapResponses = Set(specs.map(\.response))
        for term in form.terms {
            if term.literals.isEmpty, Self.isZero(term) { continue }
            let referenced = term.responses
            if case .clamp(let lower, let upper, let inner) = term.leaf,
                term.literals.allSatisfy({ $0.condition.callName == "isNull" && !$0.positive }),
                referenced.count == 1, let response = referenced.first, gapResponses.contains(response),
                scorings[response] == nil, term.scale > .zero
            {
                let peeled = Self.peelClamps(inner, lower: lower, upper: upper)
                scorings[response] = GapScoring(
                    terms: peeled.form.terms.map {
                        QTITerm(literals: term.literals + $0.literals, scale: $0.scale, leaf: $0.leaf)
                    }, lower: peeled.lower, upper: peeled.upper, factor: term.scale, clamped: true)
                continue
            }
            if referenced.count == 1, let response = referenced.first, gapResponses.contains(response) {
                guard scorings[response]?.clamped != true else {
                    combined.append(term)
                    continue
                }
                scorings[response, default: GapScoring()].terms.append(term)
            } else if referenced.isEmpty {
                let value = try number(QTIForm(terms: [term]), [:])
                throw QTISkip(
                    reason:
                        "the score includes \(value.exactText) points that do not depend on the answers, which cannot be represented"
                )
            } else {
                combined.append(term)
            }
        }
        return (scorings, combined)
    }

    /// A cloze item from its gaps and stem.
    mutating func cloze(specs: [GapSpec], stem: String) throws(QTISkip) -> Draft {
        let (scorings, combined) = try gapScorings(specs)
        var gaps: [Gap] = []
        var maxima: [Rational] = []
        var candidates: [[(typed: String, value: QTIValue)]] = []
        if !combined.isEmpty {
            guard isAllOrNothing(unclampedScore()) else {
                throw QTISkip(reason: "the score depends on combinations of gaps, which cannot be represented per gap")
            }
            warnings.append(
                "all-or-nothing scoring (points only when every gap is right) was replaced by credit per gap")
            scoringApproximated = true
            for spec in specs {
                let (kind, list) = try correctOnlyGap(spec)
                gaps.append(Gap(id: spec.id, kind: kind))
                maxima.append(.one)
                candidates.append(list)
            }
        } else {
            for spec in specs {
                let scoring = scorings[spec.response] ?? GapScoring()
                let (kind, maximum, list) = try gap(spec, scoring: scoring)
                gaps.append(Gap(id: spec.id, kind: kind))
                maxima.append(maximum)
                candidates.append(list)
            }
        }
        // Weights: ours as written when they agree with the scoring, otherwise the points per gap.
        let total = try Self.exact(QTIArithmetic.sum(maxima))
        let hints = specs.compactMap(\.weightHint)
        if hints.count == specs.count, total > .zero, let hintTotal = QTIArithmetic.sum(hints) {
            if hintTotal > .zero,
                zip(hints, maxima).allSatisfy({ hint, maximum in
                    guard let a = hint.over(hintTotal), let b = maximum.over(total) else { return false }
                    return a == b
                })
            {
                for index in gaps.indices { gaps[index].weight = hints[index] }
            } else {
                assignWeights(&gaps, maxima)
            }
        } else {
            assignWeights(&gaps, maxima)
        }
        let probes = clozeProbes(gaps: gaps, candidates: candidates) { chosen in
            var values: [String: QTIValue] = [:]
            for (index, spec) in specs.indices.map({ ($0, specs[$0]) }) {
                values[spec.response] = chosen[index] ?? .null
            }
            return values
        }
        let points: Rational
        if let declaredPoints {
            points = declaredPoints
        } else {
            points = total > .zero ? total : .one
        }
        try QTIItemLimits.checkPoints(points)
        return Draft(kind: .cloze(gaps: gaps), stem: stem, points: points, probes: probes)
    }

    /// `clamp(lower, upper, form)` with clamps directly inside `form` merged into the bounds.
    static func peelClamps(_ form: QTIForm, lower: Rational?, upper: Rational?) -> (
        form: QTIForm, lower: Rational?, upper: Rational?
    ) {
        var form = form
        var lower = lower
        var upper = upper
        for _ in 0..<20 {
            let significant = form.terms.filter { !isZero($0) }
            guard significant.count == 1, let term = significant.first, term.scale > .zero,
                case .clamp(let innerLower, let innerUpper, let inner) = term.leaf, onlyNotNull(term.literals),
                let scaled = inner.scaled(by: term.scale)
            else { break }
            if let innerLower {
                guard let bound = innerLower.times(term.scale) else { break }
                lower = max(lower ?? bound, bound)
            }
            if let innerUpper {
                guard let bound = innerUpper.times(term.scale) else { break }
                upper = min(upper ?? bound, bound)
            }
            form = scaled.guarded(by: term.literals)
        }
        return (form, lower, upper)
    }

    func assignWeights(_ gaps: inout [Gap], _ maxima: [Rational]) {
        guard let first = maxima.first, !maxima.allSatisfy({ $0 == first }) else { return }
        for index in gaps.indices where maxima[index] > .zero { gaps[index].weight = maxima[index] }
    }

    /// One gap's key, the most points it earns, and sample answers for it.
    private mutating func gap(_ spec: GapSpec, scoring: GapScoring) throws(QTISkip)
        -> (GapKind, Rational, [(typed: String, value: QTIValue)])
    {
        let response = spec.response
        let form = QTIForm(terms: scoring.terms)
        switch spec.kind {
        case .choice(let options):
            var values: [Rational] = []
            for option in options {
                values.append(try number(form, [response: .single(.identifier(option.qti))]))
            }
            let full = scoring.clamped ? (scoring.upper ?? values.max() ?? .zero) : (values.max() ?? .zero)
            let mentions = self.mentions(of: response, in: form)
            let correctIndex = responses[response]?.correct.scalars.first.flatMap { scalar in
                options.firstIndex { $0.qti == scalar.text }
            }
            let key = try choiceKey(
                options: options, values: values, mentioned: options.map { mentions.contains(.identifier($0.qti)) },
                correct: correctIndex, full: full, what: "gap '\(spec.id)'")
            let feedback = answerFeedback(
                response: response, answers: options.map { QTIAnswer(key: .option($0.qti), points: .zero) },
                numeric: false)
            let choices = options.indices.map { index in
                Choice(
                    id: options[index].id, text: options[index].text, feedback: feedback[index],
                    credit: key.credits[index])
            }
            return (
                .choice(options: choices, correct: options[key.correct].id), try Self.exact(scoring.factor.times(full)),
                options.map { ($0.id, QTIValue.single(.identifier($0.qti))) }
            )
        case .text:
            let answers = try self.answers(from: scoring.terms, response: response, numeric: false)
            if answers.contains(where: { if case .pattern = $0.key { true } else { false } }) {
                throw QTISkip(reason: "a regular-expression answer in gap '\(spec.id)' cannot be represented")
            }
            let full = try norm(answers, scoring: scoring, gap: spec.id)
            let feedback = answerFeedback(response: response, answers: answers, numeric: false)
            let (texts, caseSensitive) = try textAnswers(
                answers, full: full, feedback: feedback, caseSensitiveHint: spec.caseSensitiveHint)
            guard !texts.isEmpty else { throw QTISkip(reason: "gap '\(spec.id)' has no accepted answer") }
            return (
                .text(answers: texts, caseSensitive: caseSensitive), try Self.exact(scoring.factor.times(full)),
                textSamples(texts)
            )
        case .numeric:
            let answers = try self.answers(from: scoring.terms, response: response, numeric: true)
            let full = try norm(answers, scoring: scoring, gap: spec.id)
            let feedback = answerFeedback(response: response, answers: answers, numeric: true)
            let values = try numericAnswers(answers, full: full, feedback: feedback)
            guard !values.isEmpty else { throw QTISkip(reason: "gap '\(spec.id)' has no accepted value") }
            let samples = numericSamples(values).compactMap { value -> (typed: String, value: QTIValue)? in
                let text = value.exactText
                return text.contains("/") ? nil : (text, .number(value))
            }
            return (.numeric(answers: values), try Self.exact(scoring.factor.times(full)), samples)
        }
    }

    /// The points that stand for full credit in a gap.
    private func norm(_ answers: [QTIAnswer], scoring: GapScoring, gap: String) throws(QTISkip) -> Rational {
        let best = answers.map(\.points).max() ?? .zero
        let full = scoring.clamped ? (scoring.upper ?? best) : best
        guard full > .zero else { throw QTISkip(reason: "gap '\(gap)' never earns points") }
        return full
    }

    /// A gap keyed only by its correct response (all-or-nothing files).
    private mutating func correctOnlyGap(_ spec: GapSpec) throws(QTISkip) -> (
        GapKind, [(typed: String, value: QTIValue)]
    ) {
        guard let correct = responses[spec.response]?.correct.scalars.first else {
            throw QTISkip(reason: "gap '\(spec.id)' has no correct response")
        }
        switch spec.kind {
        case .choice(let options):
            guard let index = options.firstIndex(where: { $0.qti == correct.text }) else {
                throw QTISkip(reason: "the correct response of gap '\(spec.id)' is not one of its options")
            }
            return (
                .choice(options: options.map { Choice(id: $0.id, text: $0.text) }, correct: options[index].id),
                options.map { ($0.id, QTIValue.single(.identifier($0.qti))) }
            )
        case .text:
            guard let text = correct.text else { throw QTISkip(reason: "gap '\(spec.id)' has no text answer") }
            let answers = [TextAnswer(text)]
            return (.text(answers: answers, caseSensitive: true), textSamples(answers))
        case .numeric:
            guard let value = correct.number else { throw QTISkip(reason: "gap '\(spec.id)' has no numeric answer") }
            return (.numeric(answers: [NumericAnswer(value)]), [(value.exactText, .number(value))])
        }
    }

    // MARK: Typed items (our numeric and short-text exports)

    mutating func readTyped(_ interaction: MarkupElement, body: MarkupElement, numeric: Bool) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        let response = declaration.identifier
        let stem = stem(body: body, interaction: interaction, extraDrops: ["kc-unit"])
        if Self.classes(interaction.attributes["class"]).contains("kc-pattern") {
            let last = unclampedScore().terms.last { term in
                term.literals.contains { $0.positive && $0.condition.callName == "patternMatch" }
            }
            if let pattern = last?.literals.first(where: { $0.positive && $0.condition.callName == "patternMatch" })?
                .condition.attributes["pattern"]
            {
                nativePatterns.insert(pattern)
            }
        }
        let answers = try self.answers(from: unclampedScore().terms, response: response, numeric: numeric)
        let best = answers.map(\.points).max() ?? .zero
        let points = declaredPoints ?? (best > .zero ? best : .one)
        try QTIItemLimits.checkPoints(points)
        let feedback = answerFeedback(response: response, answers: answers, numeric: numeric)
        if numeric {
            let values = try numericAnswers(answers, full: points, feedback: feedback)
            guard !values.isEmpty else { throw QTISkip(reason: "the item has no accepted value") }
            var unit: String? = nil
            for span in names.descendants(body, ["span"])
            where Self.classes(span.attributes["class"]).contains("kc-unit") {
                unit = Self.nonEmpty(span.text)
            }
            let probes = numericSamples(values).map { value in
                QTIProbe(
                    response: .number(value), values: [response: .number(value)], label: "the answer \(value.exactText)"
                )
            }
            return Draft(kind: .numeric(answers: values, unit: unit), stem: stem, points: points, probes: probes)
        }
        var pattern: String? = nil
        for answer in answers {
            guard case .pattern(let source) = answer.key else { continue }
            guard pattern == nil else { throw QTISkip(reason: "the item has several regular-expression answers") }
            guard answer.points == points else {
                throw QTISkip(
                    reason:
                        "a regular-expression answer earning \(answer.points.exactText) of \(points.exactText) points cannot be represented"
                )
            }
            pattern = source
        }
        let (texts, caseSensitive) = try textAnswers(
            answers, full: points, feedback: feedback,
            caseSensitiveHint: Self.classes(interaction.attributes["class"]).contains("kc-case-sensitive"))
        guard !texts.isEmpty || pattern != nil else { throw QTISkip(reason: "the item has no accepted answer") }
        let probes = textSamples(texts).compactMap { sample -> QTIProbe? in
            guard case .single(.string(let text)) = sample.value else { return nil }
            return QTIProbe(response: .text(text), values: [response: sample.value], label: "the answer '\(text)'")
        }
        return Draft(
            kind: .shortText(answers: texts, pattern: pattern, caseSensitive: caseSensitive), stem: stem,
            points: points,
            probes: probes)
    }

    // MARK: Answers

    private mutating func textAnswers(
        _ answers: [QTIAnswer], full: Rational, feedback: [String?], caseSensitiveHint: Bool
    ) throws(QTISkip) -> ([TextAnswer], Bool) {
        var result: [TextAnswer] = []
        var flags: [Bool] = []
        for (index, answer) in answers.enumerated() {
            switch answer.key {
            case .text(let text, let caseSensitive, let wildcard):
                result.append(
                    TextAnswer(
                        text, credit: try Self.exact(answer.points.over(full)), feedback: feedback[index],
                        wildcard: wildcard))
                if let caseSensitive { flags.append(caseSensitive) }
            case .option(let text):
                result.append(
                    TextAnswer(text, credit: try Self.exact(answer.points.over(full)), feedback: feedback[index]))
                if Self.hasCase(text) { flags.append(true) }
            case .pattern, .number:
                continue
            }
        }
        if flags.contains(true), flags.contains(false) {
            warnings.append("the accepted answers differ in case sensitivity; all are compared ignoring case")
            return (result, false)
        }
        return (result, flags.first ?? caseSensitiveHint)
    }

    private func numericAnswers(_ answers: [QTIAnswer], full: Rational, feedback: [String?]) throws(QTISkip)
        -> [NumericAnswer]
    {
        var result: [NumericAnswer] = []
        for (index, answer) in answers.enumerated() {
            guard case .number(let value, let tolerance) = answer.key else { continue }
            result.append(
                NumericAnswer(
                    value, tolerance: tolerance, credit: try Self.exact(answer.points.over(full)),
                    feedback: feedback[index]))
        }
        return result
    }

    /// Typed answers that exercise the accepted answers: each as written, lower- and upper-cased, wildcards
    /// filled, and a wrong answer.
    func textSamples(_ answers: [TextAnswer]) -> [(typed: String, value: QTIValue)] {
        var texts: [String] = []
        for answer in answers {
            var variants: [String]
            if answer.wildcard {
                variants = [Self.fillWildcard(answer.text, with: ""), Self.fillWildcard(answer.text, with: "xQ")]
            } else {
                variants = [answer.text]
            }
            variants += variants.flatMap { [$0.lowercased(), $0.uppercased()] }
            for variant in variants where !variant.isEmpty && !texts.contains(variant) { texts.append(variant) }
        }
        texts.append("keine passende Antwort")
        return texts.map { ($0, QTIValue.single(.string($0))) }
    }

    static func fillWildcard(_ text: String, with filler: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" {
                result += filler
            } else {
                result.append(character)
            }
        }
        if escaped { result += "\\" }
        return result
    }

    /// Numbers around each accepted value: the value, its tolerance edges and just outside them.
    func numericSamples(_ answers: [NumericAnswer]) -> [Rational] {
        var values: [Rational] = []
        var largest = Rational.zero
        for answer in answers {
            let allowed: Rational?
            switch answer.tolerance {
            case .exact: allowed = .zero
            case .absolute(let value): allowed = value
            case .relative(let fraction): allowed = fraction.times(answer.value.magnitude)
            }
            guard let allowed else { continue }
            let step = allowed > .zero ? allowed.over(Rational(1000)) : Rational(1, 1000)
            let below = answer.value.minus(allowed)
            let above = answer.value.plus(allowed)
            let candidates = [
                answer.value, below, above, step.flatMap { below?.minus($0) }, step.flatMap { above?.plus($0) },
            ]
            for value in candidates.compactMap({ $0 }) where !values.contains(value) {
                values.append(value)
            }
            if let above { largest = max(largest, above.magnitude, below?.magnitude ?? .zero) }
        }
        if let far = largest.times(Rational(2))?.plus(Rational(17)) { values.append(far) }
        return values
    }

    /// Sample answers for gaps: every gap at its best sample, each gap varied with the others right, each
    /// gap alone, and seeded mixtures. `values` turns the chosen sample values into response variables.
    func clozeProbes(
        gaps: [Gap], candidates: [[(typed: String, value: QTIValue)]], values: ([QTIValue?]) -> [String: QTIValue]
    ) -> [QTIProbe] {
        // The best sample per gap is the one our model credits most.
        var best: [Int] = []
        for (index, gap) in gaps.enumerated() {
            let probeItem = Item(
                id: "probe", topic: "probe", points: .one, stem: "{{\(gap.id)}}", kind: .cloze(gaps: [gap]))
            let scorer = ItemScorer(item: probeItem)
            var bestIndex = 0
            var bestPoints = Rational(-1)
            for (sample, candidate) in candidates[index].enumerated() {
                let points = scorer.score(.gaps([gap.id: candidate.typed])).points
                if points > bestPoints {
                    bestPoints = points
                    bestIndex = sample
                }
            }
            best.append(bestIndex)
        }
        func probe(_ choice: [Int?], _ label: String) -> QTIProbe {
            var typed: [String: String] = [:]
            var chosen: [QTIValue?] = []
            for index in gaps.indices {
                guard let sample = choice[index], sample < candidates[index].count else {
                    chosen.append(nil)
                    continue
                }
                typed[gaps[index].id] = candidates[index][sample].typed
                chosen.append(candidates[index][sample].value)
            }
            return QTIProbe(response: .gaps(typed), values: values(chosen), label: label)
        }
        var probes = [probe(best, "every gap right")]
        var generator = SeededGenerator(seed: "qti-cloze-\(names.attribute(root, "identifier") ?? "")")
        for index in gaps.indices {
            for sample in candidates[index].indices where sample != best[index] {
                var choice: [Int?] = best
                choice[index] = sample
                probes.append(probe(choice, "gap '\(gaps[index].id)' = '\(candidates[index][sample].typed)'"))
            }
            var alone: [Int?] = Array(repeating: nil, count: gaps.count)
            alone[index] = best[index]
            if gaps.count > 1 { probes.append(probe(alone, "only gap '\(gaps[index].id)' filled")) }
            if probes.count > 400 { break }
        }
        for _ in 0..<30 {
            let choice: [Int?] = candidates.map { list in list.isEmpty ? nil : generator.uniform(below: list.count) }
            probes.append(probe(choice, "a mixed answer"))
        }
        return probes
    }

    // MARK: Gap match

    mutating func readGapMatch(_ interaction: MarkupElement, body: MarkupElement) throws(QTISkip) -> Draft {
        let declaration = try response(of: interaction)
        let response = declaration.identifier
        guard declaration.baseType == .directedPair else {
            throw QTISkip(reason: "the gap match response '\(response)' is not a list of directed pairs")
        }
        if let image = names.descendants(interaction, ["gapImg"]).first {
            throw QTISkip(reason: "gap images (line \(image.line)) are not supported")
        }
        let texts = try plainOptions(names.children(interaction, "gapText"), what: "gapText")
        if let problem = BankRules.choiceCount("options", found: texts.count, minimum: 2) {
            throw QTISkip(reason: "the gap texts of the gap match interaction: \(problem)")
        }
        let gapElements = names.descendants(interaction, ["gap"])
        if let problem = BankRules.gapCount(gapElements.count) {
            throw QTISkip(reason: "the gap match interaction: \(problem)")
        }
        var gapIDs = IdentifierMaker()
        var gapList: [(qti: String, id: String, element: MarkupElement)] = []
        for (index, element) in gapElements.enumerated() {
            guard let identifier = names.attribute(element, "identifier"), !identifier.isEmpty,
                !gapList.contains(where: { $0.qti == identifier })
            else {
                throw QTISkip(reason: "the gap at line \(element.line) has no identifier of its own")
            }
            gapList.append(
                (identifier, gapIDs.make(from: Self.decoded(identifier), fallback: "gap-\(index + 1)"), element))
        }
        let names = self.names
        let stem = markdown(body.children) { element in
            if element === interaction { return .unwrap }
            if let gap = gapList.first(where: { $0.element === element }) { return .replace("{{\(gap.id)}}") }
            switch names.name(element) {
            case "gapText", "rubricBlock": return .drop
            case "prompt": return .unwrap
            default: return .keep
            }
        }
        let form = unclampedScore()
        func pair(_ text: QTIOption, _ gap: String) -> QTIScalar { .directedPair(text.qti, gap) }
        var gaps: [Gap] = []
        var maxima: [Rational] = []
        var candidates: [[(typed: String, value: QTIValue)]] = []
        let allOrNothing = isAllOrNothing(form)
        if allOrNothing {
            warnings.append(
                "all-or-nothing scoring (points only when every gap is right) was replaced by credit per gap")
            scoringApproximated = true
        }
        let mentions = self.mentions(of: response, in: form)
        for gap in gapList {
            let correctText = declaration.correct.scalars.compactMap { scalar -> String? in
                guard case .directedPair(let a, let b) = scalar else { return nil }
                if b == gap.qti { return a }
                return a == gap.qti ? b : nil
            }.first
            let correctIndex = correctText.flatMap { text in texts.firstIndex { $0.qti == text } }
            candidates.append(texts.map { ($0.id, QTIValue.single(pair($0, gap.qti))) })
            if allOrNothing {
                guard let correctIndex else { throw QTISkip(reason: "gap '\(gap.id)' has no correct gap text") }
                gaps.append(
                    Gap(
                        id: gap.id,
                        kind: .choice(
                            options: texts.map { Choice(id: $0.id, text: $0.text) }, correct: texts[correctIndex].id)))
                maxima.append(.one)
                continue
            }
            var values: [Rational] = []
            for text in texts {
                values.append(try number(form, [response: .multiple([pair(text, gap.qti)])]))
            }
            let full = values.max() ?? .zero
            let key = try choiceKey(
                options: texts, values: values, mentioned: texts.map { mentions.contains(pair($0, gap.qti)) },
                correct: correctIndex, full: full, what: "gap '\(gap.id)'")
            let choices = texts.indices.map { Choice(id: texts[$0].id, text: texts[$0].text, credit: key.credits[$0]) }
            gaps.append(Gap(id: gap.id, kind: .choice(options: choices, correct: texts[key.correct].id)))
            maxima.append(full)
        }
        assignWeights(&gaps, maxima)
        let limited = names.children(interaction, "gapText").compactMap {
            XMLNumber.integer(names.attribute($0, "matchMax"))
        }
        if limited.contains(where: { $0 > 0 && $0 < gapList.count }) {
            warnings.append("gap texts that could be used only a limited number of times are offered in every gap")
        }
        let total = try Self.exact(QTIArithmetic.sum(maxima))
        let points = declaredPoints ?? (total > .zero ? total : .one)
        try QTIItemLimits.checkPoints(points)
        let probes = clozeProbes(gaps: gaps, candidates: candidates) { chosen in
            [response: .container(chosen.compactMap { $0?.scalars.first }, ordered: false)]
        }
        return Draft(kind: .cloze(gaps: gaps), stem: stem, points: points, probes: probes)
    }
}
