import Assessment
import Foundation

/// Writes one item file (see ``QTIExporter`` for the conventions).
struct QTIItemWriter {
    let version: QTIVersion
    let item: Item
    let language: String
    var xml: QTIXMLWriter

    private struct Mapping {
        var entries: [(key: String, value: Rational, caseSensitive: Bool?)]
        var lower: Rational?
        var upper: Rational?
    }

    private struct ResponseDeclaration {
        var identifier: String
        var cardinality: String
        var baseType: String
        var correct: [String] = []
        var mapping: Mapping? = nil
        var defaultValue: String? = nil
    }

    private var responses: [ResponseDeclaration] = []
    private var creditOutcomes: [String] = []
    /// Body markup lines (inside itemBody).
    private var body: [String] = []
    /// Scoring rules, each one line of markup.
    private var scoring: [String] = []
    /// Feedback rules.
    private var feedbackRules: [String] = []
    private var feedbacks: [(identifier: String, text: String)] = []
    /// A standard template that says the same as `scoring` (used when there are no feedback rules).
    private var template: QTITemplate?
    private var externallyScored = false

    init(version: QTIVersion, item: Item, language: String) {
        self.version = version
        self.item = item
        self.language = language
        xml = QTIXMLWriter(version: version)
    }

    private var points: Rational { item.points }
    private static let response = "RESPONSE"
    private static let score = "SCORE"

    // MARK: Inline markup

    private func element(_ name: String, _ attributes: [(String, String?)] = [], _ children: [String] = [])
        throws -> String
    {
        if children.isEmpty { return try xml.inlineStart(name, attributes, empty: true) }
        return try xml.inlineStart(name, attributes) + children.joined() + xml.inlineEnd(name)
    }

    private func textElement(_ name: String, _ attributes: [(String, String?)] = [], _ text: String) throws -> String {
        try xml.inlineStart(name, attributes) + QTIXMLWriter.text(text) + xml.inlineEnd(name)
    }

    private func variable(_ identifier: String) throws -> String {
        try element("variable", [("identifier", identifier)])
    }

    private func baseValue(_ type: String, _ text: String) throws -> String {
        try textElement("baseValue", [("baseType", type)], text)
    }

    static func isDecimal(_ value: Rational) -> Bool { !value.exactText.contains("/") }

    static func exact(_ value: Rational?) throws -> Rational {
        guard let value else {
            throw QTIExportError(.qtiExport, "a number of the item is too large or too precise to be written exactly")
        }
        return value
    }

    /// A number exactly: a decimal, or `divide` of two integers.
    private func number(_ value: Rational) throws -> String {
        if Self.isDecimal(value) { return try baseValue("float", value.exactText) }
        return try element(
            "divide", [],
            [try baseValue("float", "\(value.numerator)"), try baseValue("float", "\(value.denominator)")])
    }

    private func set(_ identifier: String, _ expression: String) throws -> String {
        try element("setOutcomeValue", [("identifier", identifier)], [expression])
    }

    private func add(_ identifier: String, _ expression: String) throws -> String {
        try set(identifier, try element("sum", [], [try variable(identifier), expression]))
    }

    private func when(_ condition: String, _ rules: [String]) throws -> String {
        try element("responseCondition", [], [try element("responseIf", [], [condition] + rules)])
    }

    private func and(_ parts: [String]) throws -> String {
        parts.count == 1 ? parts[0] : try element("and", [], parts)
    }

    private func not(_ condition: String) throws -> String { try element("not", [], [condition]) }

    private func clamp(_ identifier: String, lower: Rational, upper: String) throws -> [String] {
        [
            try when(
                try element("lt", [], [try variable(identifier), try number(lower)]),
                [try set(identifier, try number(lower))]),
            try when(try element("gt", [], [try variable(identifier), upper]), [try set(identifier, upper)]),
        ]
    }

    private func scoreClamps() throws -> [String] {
        try clamp(Self.score, lower: .zero, upper: try variable("MAXSCORE"))
    }

    /// A feedback shown when `condition` holds (always when nil).
    private mutating func feedback(_ text: String?, when condition: String?) throws {
        guard let text else { return }
        let identifier = "FB\(feedbacks.count + 1)"
        feedbacks.append((identifier, text))
        let rule = try set(
            "FEEDBACK",
            try element("multiple", [], [try variable("FEEDBACK"), try baseValue("identifier", identifier)]))
        if let condition {
            feedbackRules.append(try when(condition, [rule]))
        } else {
            feedbackRules.append(rule)
        }
    }

    /// A text as XHTML that LMSs show, with its exact Markdown kept in `data-kc-markdown` for our import.
    private func markdownDiv(_ text: String) throws -> String {
        try xml.inlineStart("div", [("class", "kc-markdown"), ("data-kc-markdown", text)])
            + MarkdownXHTML.render(text, imagePrefix: Self.imagePrefix) + xml.inlineEnd("div")
    }

    /// Items are written to `items/`; images to `media/` next to that folder, as in the bank's folder.
    static let imagePrefix = "../"

    private func matchCorrect(_ response: String, value: String) throws -> String {
        try element(
            "responseCondition", [],
            [
                try element(
                    "responseIf", [],
                    [
                        try element(
                            "match", [], [try variable(response), try element("correct", [("identifier", response)])]),
                        try set(Self.score, value),
                    ]),
                try element("responseElse", [], [try set(Self.score, try number(.zero))]),
            ])
    }

    private func mapResponse(_ response: String) throws -> String {
        try element(
            "responseCondition", [],
            [
                try element(
                    "responseIf", [],
                    [
                        try element("isNull", [], [try variable(response)]),
                        try set(Self.score, try number(.zero)),
                    ]),
                try element(
                    "responseElse", [], [try set(Self.score, try element("mapResponse", [("identifier", response)]))]),
            ])
    }

    // MARK: Writing

    mutating func write() throws {
        body += try markdownDivLine(for: item.kind)
        switch item.kind {
        case .singleChoice(let options, let correct): try singleChoice(options, correct: correct)
        case .multipleResponse(let options, let correct): try multipleResponse(options, correct: correct)
        case .trueFalse(let correct, let feedbackTrue, let feedbackFalse):
            try trueFalse(correct, feedbackTrue: feedbackTrue, feedbackFalse: feedbackFalse)
        case .numeric(let answers, let unit): try numeric(answers, unit: unit)
        case .shortText(let answers, let pattern, let caseSensitive):
            try shortText(answers, pattern: pattern, caseSensitive: caseSensitive)
        case .matching(let premises, let targets, let correct): try matching(premises, targets, correct: correct)
        case .ordering(let elements, let order): try ordering(elements, order: order)
        case .cloze(let gaps): try cloze(gaps)
        case .essay(let template, let graderInfo): try essay(template: template, graderInfo: graderInfo)
        }
        try feedback(item.feedback, when: nil)
        try assemble()
    }

    private func markdownDivLine(for kind: ItemKind) throws -> [String] {
        if case .cloze = kind { return [] }
        return [try markdownDiv(item.stem)]
    }

    private mutating func singleChoice(_ options: [Choice], correct: String) throws {
        responses.append(
            ResponseDeclaration(
                identifier: Self.response, cardinality: "single", baseType: "identifier",
                correct: [QTIExporter.encode(correct)]))
        try choiceInteraction(options, maxChoices: 1, classes: [])
        let credited = options.filter { $0.credit != nil }
        if credited.isEmpty {
            scoring = [try matchCorrect(Self.response, value: try variable("MAXSCORE"))]
            if points == .one { template = .matchCorrect }
        } else if credited.allSatisfy({
            Self.isDecimal((try? Self.exact(($0.credit ?? .zero).times(points))) ?? Rational(1, 3))
        }) {
            responses[0].mapping = Mapping(
                entries: try credited.map {
                    (QTIExporter.encode($0.id), try Self.exact(($0.credit ?? .zero).times(points)), nil)
                }, lower: .zero,
                upper: points)
            scoring = [try mapResponse(Self.response)]
            template = .mapResponse
        } else {
            for option in credited {
                scoring.append(
                    try when(
                        try element(
                            "match", [],
                            [try variable(Self.response), try baseValue("identifier", QTIExporter.encode(option.id))]),
                        [try add(Self.score, try number(try Self.exact((option.credit ?? .zero).times(points))))]))
            }
            scoring += try scoreClamps()
        }
        for option in options {
            try feedback(
                option.feedback,
                when: try element(
                    "match", [],
                    [try variable(Self.response), try baseValue("identifier", QTIExporter.encode(option.id))]))
        }
    }

    private mutating func choiceInteraction(_ options: [Choice], maxChoices: Int, classes: [String]) throws {
        body.append(
            try xml.inlineStart(
                "choiceInteraction",
                [
                    ("responseIdentifier", Self.response), ("shuffle", "false"), ("maxChoices", "\(maxChoices)"),
                    ("class", classes.isEmpty ? nil : classes.joined(separator: " ")),
                ]))
        for option in options {
            body.append(
                "  "
                    + (try element(
                        "simpleChoice", [("identifier", QTIExporter.encode(option.id))], [try markdownDiv(option.text)]))
            )
        }
        body.append(xml.inlineEnd("choiceInteraction"))
    }

    private mutating func multipleResponse(_ options: [Choice], correct: Set<String>) throws {
        responses.append(
            ResponseDeclaration(
                identifier: Self.response, cardinality: "multiple", baseType: "identifier",
                correct: options.filter { correct.contains($0.id) }.map { QTIExporter.encode($0.id) }))
        let weighted = options.contains { $0.credit != nil || $0.uncheckedCredit != nil }
        try choiceInteraction(options, maxChoices: 0, classes: weighted ? [] : ["kc-default-scoring"])
        var credits: [Rational?] = options.map(\.credit)
        if !weighted {
            let wrongCount = options.count - correct.count
            credits = options.map {
                correct.contains($0.id) ? Rational(1, correct.count) : Rational(-1, max(wrongCount, 1))
            }
        }
        let unchecked = options.map(\.uncheckedCredit)
        if unchecked.allSatisfy({ $0 == nil }),
            credits.allSatisfy({ Self.isDecimal((try? Self.exact(($0 ?? .zero).times(points))) ?? Rational(1, 3)) })
        {
            responses[0].mapping = Mapping(
                entries: try options.indices.compactMap { index in
                    try credits[index].map {
                        (QTIExporter.encode(options[index].id), try Self.exact($0.times(points)), nil)
                    }
                }, lower: .zero, upper: points)
            scoring = [try mapResponse(Self.response)]
            template = .mapResponse
        } else {
            for (index, option) in options.enumerated() {
                let member = try element(
                    "member", [],
                    [try baseValue("identifier", QTIExporter.encode(option.id)), try variable(Self.response)])
                if let credit = credits[index] {
                    scoring.append(
                        try when(member, [try add(Self.score, try number(try Self.exact(credit.times(points))))]))
                }
                if let credit = unchecked[index] {
                    scoring.append(
                        try when(
                            try not(member), [try add(Self.score, try number(try Self.exact(credit.times(points))))]))
                }
            }
            scoring += try scoreClamps()
        }
        for option in options {
            try feedback(
                option.feedback,
                when: try element(
                    "member", [],
                    [try baseValue("identifier", QTIExporter.encode(option.id)), try variable(Self.response)]))
        }
    }

    private mutating func trueFalse(_ correct: Bool, feedbackTrue: String?, feedbackFalse: String?) throws {
        responses.append(
            ResponseDeclaration(
                identifier: Self.response, cardinality: "single", baseType: "identifier",
                correct: [correct ? "true" : "false"]))
        let german = language.lowercased().hasPrefix("de")
        let options = [
            Choice(id: "true", text: german ? "Wahr" : "True"), Choice(id: "false", text: german ? "Falsch" : "False"),
        ]
        try choiceInteraction(options, maxChoices: 1, classes: ["kc-true-false"])
        scoring = [try matchCorrect(Self.response, value: try variable("MAXSCORE"))]
        if points == .one { template = .matchCorrect }
        for (value, text) in [("true", feedbackTrue), ("false", feedbackFalse)] {
            try feedback(
                text, when: try element("match", [], [try variable(Self.response), try baseValue("identifier", value)]))
        }
    }

    // MARK: Typed answers

    /// Whether answer `j` takes precedence over answer `i` (higher credit; the earlier one on a tie).
    private static func precedes(_ j: Int, _ i: Int, _ credits: [Rational]) -> Bool {
        credits[j] > credits[i] || (credits[j] == credits[i] && j < i)
    }

    /// One rule per answer that adds its value when it matches and no answer taking precedence (nor any of
    /// `also`) matches: exactly one fires for a matching answer, so the best answer scores. Returns the rules
    /// and each answer's full condition (used for its feedback too).
    private func bestOf(
        _ conditions: [String], credits: [Rational], values: [Rational], into target: String, also: [String] = []
    ) throws -> (rules: [String], conditions: [String]) {
        var rules: [String] = []
        var full: [String] = []
        for index in conditions.indices {
            var parts = [conditions[index]]
            for other in conditions.indices where Self.precedes(other, index, credits) {
                parts.append(try not(conditions[other]))
            }
            parts += try also.map { try not($0) }
            full.append(try and(parts))
            rules.append(try when(full[index], [try add(target, try number(values[index]))]))
        }
        return (rules, full)
    }

    private func numericCondition(_ answer: NumericAnswer, response: String) throws -> String {
        let value = answer.value
        func interval(_ allowed: Rational) throws -> String {
            try element(
                "and", [],
                [
                    try element("gte", [], [try variable(response), try number(try Self.exact(value.minus(allowed)))]),
                    try element("lte", [], [try variable(response), try number(try Self.exact(value.plus(allowed)))]),
                ])
        }
        switch answer.tolerance {
        case .exact:
            return try element("equal", [("toleranceMode", "exact")], [try variable(response), try number(value)])
        case .absolute(let allowed):
            guard Self.isDecimal(allowed) else { return try interval(allowed) }
            return try element(
                "equal", [("toleranceMode", "absolute"), ("tolerance", allowed.exactText)],
                [try variable(response), try number(value)])
        case .relative(let fraction):
            let percent = try Self.exact(fraction.times(Rational(100)))
            guard Self.isDecimal(percent) else { return try interval(try Self.exact(fraction.times(value.magnitude))) }
            return try element(
                "equal", [("toleranceMode", "relative"), ("tolerance", percent.exactText)],
                [try variable(response), try number(value)])
        }
    }

    private func textCondition(_ answer: TextAnswer, response: String, caseSensitive: Bool) throws -> String {
        if answer.wildcard {
            return try element(
                "patternMatch", [("pattern", QTIWildcard.pattern(for: answer.text, caseSensitive: caseSensitive))],
                [try variable(response)])
        }
        return try element(
            "stringMatch", [("caseSensitive", caseSensitive ? "true" : "false")],
            [try variable(response), try baseValue("string", answer.text)])
    }

    private func textEntry(_ response: String, classes: [String], length: Int) throws -> String {
        try element(
            "textEntryInteraction",
            [
                ("responseIdentifier", response), ("expectedLength", "\(length)"),
                ("class", classes.joined(separator: " ")),
            ])
    }

    private mutating func numeric(_ answers: [NumericAnswer], unit: String?) throws {
        var declaration = ResponseDeclaration(identifier: Self.response, cardinality: "single", baseType: "float")
        if let best = answers.max(by: { $0.credit < $1.credit }), Self.isDecimal(best.value) {
            declaration.correct = [best.value.exactText]
        }
        responses.append(declaration)
        var line = try xml.inlineStart("p") + (try textEntry(Self.response, classes: ["kc-numeric"], length: 20))
        if let unit { line += " " + (try textElement("span", [("class", "kc-unit")], unit)) }
        body.append(line + xml.inlineEnd("p"))
        let best = try bestOf(
            try answers.map { try numericCondition($0, response: Self.response) }, credits: answers.map(\.credit),
            values: try answers.map { try Self.exact($0.credit.times(points)) }, into: Self.score)
        scoring = best.rules + (try scoreClamps())
        let conditions = best.conditions
        for (index, answer) in answers.enumerated() { try feedback(answer.feedback, when: conditions[index]) }
    }

    private mutating func shortText(_ answers: [TextAnswer], pattern: String?, caseSensitive: Bool) throws {
        var declaration = ResponseDeclaration(identifier: Self.response, cardinality: "single", baseType: "string")
        if let best = answers.filter({ !$0.wildcard }).max(by: { $0.credit < $1.credit }) {
            declaration.correct = [best.text]
        }
        var classes = ["kc-short-text"]
        if caseSensitive { classes.append("kc-case-sensitive") }
        if pattern != nil { classes.append("kc-pattern") }
        let length = min(max(answers.map(\.text.count).max() ?? 20, 10), 200)
        body.append(
            try xml.inlineStart("p") + (try textEntry(Self.response, classes: classes, length: length))
                + xml.inlineEnd("p"))
        let keys = answers.map { caseSensitive ? $0.text : $0.text.lowercased() }
        var conditions = try answers.map {
            try textCondition($0, response: Self.response, caseSensitive: caseSensitive)
        }
        if pattern == nil,
            answers.allSatisfy({
                !$0.wildcard && Self.isDecimal((try? Self.exact($0.credit.times(points))) ?? Rational(1, 3))
            }),
            Set(keys).count == keys.count
        {
            declaration.mapping = Mapping(
                entries: try answers.map { ($0.text, try Self.exact($0.credit.times(points)), caseSensitive) },
                lower: .zero, upper: points)
            scoring = [try mapResponse(Self.response)]
            template = .mapResponse
        } else {
            var patternCondition: [String] = []
            if let pattern {
                patternCondition = [try element("patternMatch", [("pattern", pattern)], [try variable(Self.response)])]
            }
            let best = try bestOf(
                conditions, credits: answers.map(\.credit),
                values: try answers.map { try Self.exact($0.credit.times(points)) },
                into: Self.score, also: patternCondition)
            scoring = best.rules
            conditions = best.conditions
            if let condition = patternCondition.first {
                scoring.append(try when(condition, [try add(Self.score, try number(points))]))
            }
            scoring += try scoreClamps()
        }
        responses.append(declaration)
        for (index, answer) in answers.enumerated() { try feedback(answer.feedback, when: conditions[index]) }
    }

    // MARK: Matching and ordering

    private mutating func matching(_ premises: [Choice], _ targets: [Choice], correct: [String: String]) throws {
        let pairs = premises.map { "\(QTIExporter.encode($0.id)) \(QTIExporter.encode(correct[$0.id] ?? ""))" }
        var declaration = ResponseDeclaration(
            identifier: Self.response, cardinality: "multiple", baseType: "directedPair", correct: pairs)
        let share = try Self.exact(points.over(Rational(premises.count)))
        if Self.isDecimal(share) {
            declaration.mapping = Mapping(entries: pairs.map { ($0, share, nil) }, lower: .zero, upper: points)
            scoring = [try mapResponse(Self.response)]
            template = .mapResponse
        } else {
            for pair in pairs {
                scoring.append(
                    try when(
                        try element("member", [], [try baseValue("directedPair", pair), try variable(Self.response)]),
                        [try add(Self.score, try number(share))]))
            }
        }
        responses.append(declaration)
        body.append(
            try xml.inlineStart(
                "matchInteraction",
                [("responseIdentifier", Self.response), ("shuffle", "false"), ("maxAssociations", "\(premises.count)")])
        )
        for (set, matchMax) in [(premises, 1), (targets, premises.count)] {
            body.append("  " + (try xml.inlineStart("simpleMatchSet")))
            for choice in set {
                body.append(
                    "    "
                        + (try element(
                            "simpleAssociableChoice",
                            [("identifier", QTIExporter.encode(choice.id)), ("matchMax", "\(matchMax)")],
                            [try markdownDiv(choice.text)])))
            }
            body.append("  " + xml.inlineEnd("simpleMatchSet"))
        }
        body.append(xml.inlineEnd("matchInteraction"))
    }

    private mutating func ordering(_ elements: [Choice], order: [String]) throws {
        responses.append(
            ResponseDeclaration(
                identifier: Self.response, cardinality: "ordered", baseType: "identifier",
                correct: order.map(QTIExporter.encode)))
        let share = try Self.exact(points.over(Rational(order.count)))
        for (position, id) in order.enumerated() {
            scoring.append(
                try when(
                    try element(
                        "match", [],
                        [
                            try element("index", [("n", "\(position + 1)")], [try variable(Self.response)]),
                            try baseValue("identifier", QTIExporter.encode(id)),
                        ]),
                    [try add(Self.score, try number(share))]))
        }
        body.append(
            try xml.inlineStart("orderInteraction", [("responseIdentifier", Self.response), ("shuffle", "false")]))
        for element in elements {
            body.append(
                "  "
                    + (try self.element(
                        "simpleChoice", [("identifier", QTIExporter.encode(element.id))],
                        [try markdownDiv(element.text)])))
        }
        body.append(xml.inlineEnd("orderInteraction"))
    }

    // MARK: Cloze

    /// The stem split at the gaps' placeholders (as `ClozeText` finds them).
    static func segments(_ stem: String, gaps: Set<String>) -> [(text: String, gap: String?)] {
        var result: [(String, String?)] = []
        var text = ""
        var rest = stem[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = String(rest[open.upperBound..<close.lowerBound])
            if NodeReader.isIdentifier(name) {
                text += rest[..<open.lowerBound]
                if gaps.contains(name) {
                    result.append((text, name))
                    text = ""
                } else {
                    text += "{{\(name)}}"
                }
                rest = rest[close.upperBound...]
            } else {
                text += rest[..<open.upperBound]
                rest = rest[open.upperBound...]
            }
        }
        text += rest
        result.append((text, nil))
        return result
    }

    private mutating func cloze(_ gaps: [Gap]) throws {
        let totalWeight = try Self.exact(QTIArithmetic.sum(gaps.map(\.weight)))
        let segments = Self.segments(item.stem, gaps: Set(gaps.map(\.id)))
        var gapMarkup: [String: String] = [:]
        var sum: [String] = []
        for gap in gaps {
            let response = "RESPONSE_" + gap.id
            let credit = "CREDIT_" + gap.id
            creditOutcomes.append(credit)
            let weightClass = "kc-weight-" + gap.weight.exactText
            var rules: [String] = []
            switch gap.kind {
            case .choice(let options, let correct):
                responses.append(
                    ResponseDeclaration(
                        identifier: response, cardinality: "single", baseType: "identifier",
                        correct: [QTIExporter.encode(correct)]))
                var inline = try xml.inlineStart(
                    "inlineChoiceInteraction",
                    [("responseIdentifier", response), ("shuffle", "false"), ("class", weightClass)])
                for option in options {
                    inline += try textElement(
                        "inlineChoice", [("identifier", QTIExporter.encode(option.id))], option.text)
                }
                gapMarkup[gap.id] = inline + xml.inlineEnd("inlineChoiceInteraction")
                if options.contains(where: { $0.credit != nil }) {
                    for option in options {
                        guard let value = option.credit else { continue }
                        rules.append(
                            try when(
                                try element(
                                    "match", [],
                                    [
                                        try variable(response),
                                        try baseValue("identifier", QTIExporter.encode(option.id)),
                                    ]),
                                [try add(credit, try number(value))]))
                    }
                } else {
                    rules.append(
                        try when(
                            try element(
                                "match", [],
                                [try variable(response), try element("correct", [("identifier", response)])]),
                            [try add(credit, try number(.one))]))
                }
                for option in options {
                    try feedback(
                        option.feedback,
                        when: try element(
                            "match", [],
                            [try variable(response), try baseValue("identifier", QTIExporter.encode(option.id))]))
                }
            case .text(let answers, let caseSensitive):
                var declaration = ResponseDeclaration(identifier: response, cardinality: "single", baseType: "string")
                if let best = answers.filter({ !$0.wildcard }).max(by: { $0.credit < $1.credit }) {
                    declaration.correct = [best.text]
                }
                responses.append(declaration)
                var classes = [weightClass]
                if caseSensitive { classes.append("kc-case-sensitive") }
                gapMarkup[gap.id] = try textEntry(
                    response, classes: classes, length: min(max(answers.map(\.text.count).max() ?? 10, 5), 200))
                let best = try bestOf(
                    try answers.map { try textCondition($0, response: response, caseSensitive: caseSensitive) },
                    credits: answers.map(\.credit), values: answers.map(\.credit), into: credit)
                rules += best.rules
                let conditions = best.conditions
                for (index, answer) in answers.enumerated() { try feedback(answer.feedback, when: conditions[index]) }
            case .numeric(let answers):
                var declaration = ResponseDeclaration(identifier: response, cardinality: "single", baseType: "float")
                if let best = answers.max(by: { $0.credit < $1.credit }), Self.isDecimal(best.value) {
                    declaration.correct = [best.value.exactText]
                }
                responses.append(declaration)
                gapMarkup[gap.id] = try textEntry(response, classes: [weightClass], length: 10)
                let best = try bestOf(
                    try answers.map { try numericCondition($0, response: response) }, credits: answers.map(\.credit),
                    values: answers.map(\.credit), into: credit)
                rules += best.rules
                let conditions = best.conditions
                for (index, answer) in answers.enumerated() { try feedback(answer.feedback, when: conditions[index]) }
            }
            rules += try clamp(credit, lower: .zero, upper: try number(.one))
            scoring += rules
            sum.append(
                try element(
                    "product", [],
                    [try variable(credit), try number(try Self.exact(points.times(gap.weight)?.over(totalWeight)))]))
        }
        if let rendered = Self.renderedCloze(segments, gapMarkup: gapMarkup) {
            body.append(
                try xml.inlineStart("div", [("class", "kc-markdown"), ("data-kc-markdown", item.stem)]) + rendered
                    + xml.inlineEnd("div"))
        } else {
            var markup = try xml.inlineStart("div", [("class", "kc-markdown")])
            for segment in segments {
                markup += try QTIXMLWriter.text(segment.text)
                if let gap = segment.gap { markup += gapMarkup[gap] ?? "" }
            }
            body.append(markup + xml.inlineEnd("div"))
        }
        scoring.append(try set(Self.score, try element("sum", [], sum)))
    }

    /// The cloze stem rendered as XHTML with each gap's interaction in its place, or `nil` when a gap would
    /// land where an interaction cannot stand (inside a tag's attribute or preformatted text); then the stem
    /// is written as Markdown text around the interactions.
    static func renderedCloze(_ segments: [(text: String, gap: String?)], gapMarkup: [String: String]) -> String? {
        // Private-use characters as placeholders: the renderer writes them as text.
        func token(_ index: Int) -> String { "\u{E000}\(index)\u{E001}" }
        var source = ""
        var gaps: [String] = []
        for segment in segments {
            if segment.text.contains("\u{E000}") || segment.text.contains("\u{E001}") { return nil }
            source += segment.text
            if let gap = segment.gap {
                source += token(gaps.count)
                gaps.append(gap)
            }
        }
        var rendered = MarkdownXHTML.render(source, imagePrefix: imagePrefix)
        if rendered.contains("<pre>") { return nil }
        for (index, gap) in gaps.enumerated() {
            let placeholder = token(index)
            guard let range = rendered.range(of: placeholder), let markup = gapMarkup[gap],
                rendered[range.upperBound...].range(of: placeholder) == nil
            else { return nil }
            let before = rendered[..<range.lowerBound]
            if let open = before.lastIndex(of: "<"), before.lastIndex(of: ">").map({ $0 < open }) ?? true {
                return nil
            }
            rendered.replaceSubrange(range, with: markup)
        }
        return rendered
    }

    // MARK: Essay

    private mutating func essay(template: String?, graderInfo: String?) throws {
        var declaration = ResponseDeclaration(identifier: Self.response, cardinality: "single", baseType: "string")
        declaration.defaultValue = template
        responses.append(declaration)
        externallyScored = true
        body.append(
            try element("extendedTextInteraction", [("responseIdentifier", Self.response), ("expectedLines", "10")]))
        if let graderInfo {
            var content = try markdownDiv(graderInfo)
            if version == .qti30 { content = try element("contentBody", [], [content]) }
            body.append(
                try element(
                    "rubricBlock", [("view", "scorer"), ("use", version == .qti30 ? "scoring" : nil)], [content]))
        }
    }

    // MARK: Assembly

    private mutating func assemble() throws {
        xml.output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        // The title is plain text in LMS lists: the first line without Markdown marks.
        let title = item.stem.split(whereSeparator: \.isNewline).first.map {
            String(MarkdownXHTML.plainText(String($0)).trimmingCharacters(in: .whitespaces).prefix(60))
        }
        try xml.open(
            "assessmentItem",
            [
                ("xmlns", version.itemNamespace), ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                ("xsi:schemaLocation", "\(version.itemNamespace) \(version.itemSchemaLocation)"),
                ("identifier", QTIExporter.encode(item.id)),
                ("title", (title?.isEmpty ?? true) ? item.id : title), ("adaptive", "false"),
                ("timeDependent", "false"),
                ("toolName", QTIExporter.toolName), ("toolVersion", QTIExporter.toolVersion), ("xml:lang", language),
            ])
        for declaration in responses { try write(declaration) }
        try xml.open(
            "outcomeDeclaration",
            [
                ("identifier", Self.score), ("cardinality", "single"), ("baseType", "float"),
                ("normalMaximum", points.exactText),
                ("externalScored", externallyScored && version == .qti30 ? "human" : nil),
            ])
        try defaultValue(Rational.zero.exactText)
        xml.close("outcomeDeclaration")
        try xml.open(
            "outcomeDeclaration", [("identifier", "MAXSCORE"), ("cardinality", "single"), ("baseType", "float")])
        try defaultValue(points.exactText)
        xml.close("outcomeDeclaration")
        if !feedbacks.isEmpty {
            try xml.leaf(
                "outcomeDeclaration",
                [("identifier", "FEEDBACK"), ("cardinality", "multiple"), ("baseType", "identifier")])
        }
        for credit in creditOutcomes {
            try xml.open(
                "outcomeDeclaration", [("identifier", credit), ("cardinality", "single"), ("baseType", "float")])
            try defaultValue("0")
            xml.close("outcomeDeclaration")
        }
        try xml.open("itemBody")
        for line in body { xml.line(line) }
        xml.close("itemBody")
        if let template, feedbackRules.isEmpty {
            let url = version.templateBase + template.fileName + (version == .qti30 ? ".xml" : "")
            try xml.leaf("responseProcessing", [("template", url)])
        } else if !scoring.isEmpty || !feedbackRules.isEmpty {
            try xml.open("responseProcessing")
            for rule in scoring + feedbackRules { xml.line(rule) }
            xml.close("responseProcessing")
        }
        for feedback in feedbacks {
            var content = try markdownDiv(feedback.text)
            if version == .qti30 { content = try element("contentBody", [], [content]) }
            xml.line(
                try element(
                    "modalFeedback",
                    [("outcomeIdentifier", "FEEDBACK"), ("identifier", feedback.identifier), ("showHide", "show")],
                    [content]))
        }
        xml.close("assessmentItem")
    }

    private mutating func defaultValue(_ text: String) throws {
        try xml.open("defaultValue")
        try xml.leaf("value", text: text)
        xml.close("defaultValue")
    }

    private mutating func write(_ declaration: ResponseDeclaration) throws {
        try xml.open(
            "responseDeclaration",
            [
                ("identifier", declaration.identifier), ("cardinality", declaration.cardinality),
                ("baseType", declaration.baseType),
            ])
        if let value = declaration.defaultValue { try defaultValue(value) }
        if !declaration.correct.isEmpty {
            try xml.open("correctResponse")
            for value in declaration.correct { try xml.leaf("value", text: value) }
            xml.close("correctResponse")
        }
        if let mapping = declaration.mapping {
            try xml.open(
                "mapping",
                [
                    ("lowerBound", mapping.lower?.exactText), ("upperBound", mapping.upper?.exactText),
                    ("defaultValue", "0"),
                ])
            for entry in mapping.entries {
                try xml.leaf(
                    "mapEntry",
                    [
                        ("mapKey", entry.key), ("mappedValue", entry.value.exactText),
                        ("caseSensitive", (entry.caseSensitive ?? true) ? "true" : "false"),
                    ])
            }
            xml.close("mapping")
        }
        xml.close("responseDeclaration")
    }
}
