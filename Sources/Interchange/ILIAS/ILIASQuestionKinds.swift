import Assessment
import Foundation

/// The converters per ILIAS question type.
extension ILIASItemReader {
    // MARK: Single and multiple choice

    /// `SINGLE CHOICE QUESTION`: the points of the chosen option count; the maximum is the best option's points.
    mutating func singleChoice(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_lid"])
        let labels = try labels(of: response)
        try checkCount(labels.count, "options", key: "options")
        var options = try choices(labels)
        let ident = response.attributes["ident"] ?? ""
        var points = Array(repeating: Rational.zero, count: labels.count)
        for (index, condition) in conditions.enumerated() where condition.refers(to: ident) {
            guard case .equal(let value, _) = condition.test,
                let option = labels.firstIndex(where: { $0.ident == value })
            else { continue }
            consumed.insert(index)
            if let added = try condition.points() { points[option] += added }
            options[option].feedback = Self.joined(options[option].feedback, try feedback(of: condition))
        }
        let maximum = points.max() ?? .zero
        let total = try itemPoints(maximum)
        let best = points.firstIndex(of: maximum) ?? 0
        let keyedOnly = points.filter { $0 != .zero }.count == 1
        if !keyedOnly {
            for index in options.indices { options[index].credit = try credit(points[index], of: total) }
        }
        return ILIASConverted(
            stem: stem, points: total, kind: .singleChoice(options: options, correct: options[best].id))
    }

    /// `MULTIPLE CHOICE QUESTION`: every option adds its points when ticked and its "unchecked" points when not;
    /// the maximum is the sum over the options of the larger of the two (as ILIAS computes it).
    mutating func multipleChoice(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_lid"])
        let labels = try labels(of: response)
        try checkCount(labels.count, "options", key: "options")
        var options = try choices(labels)
        let ident = response.attributes["ident"] ?? ""
        var checked = Array(repeating: Rational.zero, count: labels.count)
        var unchecked = Array(repeating: Rational.zero, count: labels.count)
        for (index, condition) in conditions.enumerated() where condition.refers(to: ident) {
            switch condition.test {
            case .equal(let value, _):
                guard let option = labels.firstIndex(where: { $0.ident == value }) else { continue }
                consumed.insert(index)
                if let added = try condition.points() { checked[option] += added }
                options[option].feedback = Self.joined(options[option].feedback, try feedback(of: condition))
            case .notEqual(let value):
                guard let option = labels.firstIndex(where: { $0.ident == value }) else { continue }
                consumed.insert(index)
                if let added = try condition.points() { unchecked[option] += added }
            default:
                continue
            }
        }
        var maximum = Rational.zero
        for index in labels.indices { maximum += max(checked[index], unchecked[index]) }
        let total = try itemPoints(maximum)
        for index in options.indices {
            options[index].credit = try credit(checked[index], of: total)
            if unchecked[index] != .zero { options[index].uncheckedCredit = try credit(unchecked[index], of: total) }
        }
        let correct = Set(options.filter { ($0.credit ?? .zero) > .zero }.map(\.id))
        guard !correct.isEmpty else {
            throw ILIASSkip("no option earns points when ticked (only unticked options score), which is not supported")
        }
        if let limit = response.descendants("render_choice").first?.attributes["maxnumber"].flatMap({
            XMLNumber.integer($0)
        }),
            limit > 0, limit < options.count
        {
            warn("at most \(limit) options may be ticked in ILIAS; the limit is not kept")
        }
        return ILIASConverted(stem: stem, points: total, kind: .multipleResponse(options: options, correct: correct))
    }

    // MARK: Numeric

    /// `NUMERIC QUESTION`: a range (`vargte`/`varlte`) with its points.
    mutating func numeric(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_num", "response_str"])
        let ident = response.attributes["ident"] ?? ""
        let fib = response.element("render_fib")
        var answers: [(answer: NumericAnswer, points: Rational)] = []
        for (index, condition) in conditions.enumerated() where condition.refers(to: ident) {
            var answer: NumericAnswer
            switch condition.test {
            case .range(let lower, let upper):
                answer = try numericAnswer(lower: lower, upper: upper, value: nil)
            case .equal(let value, _):
                answer = try numericAnswer(
                    lower: fib?.attributes["minnumber"], upper: fib?.attributes["maxnumber"], value: value)
            default:
                continue
            }
            guard let points = try condition.points() else { continue }
            consumed.insert(index)
            answer.feedback = try feedback(of: condition)
            answers.append((answer, points))
        }
        guard !answers.isEmpty else { throw ILIASSkip("the question has no scored answer") }
        try checkCount(answers.count, "answers", key: "answers", minimum: 1)
        let total = try itemPoints(answers.map(\.points).max() ?? .zero)
        var result: [NumericAnswer] = []
        for (answer, points) in answers {
            var answer = answer
            answer.credit = try credit(points, of: total)
            result.append(answer)
        }
        return ILIASConverted(stem: stem, points: total, kind: .numeric(answers: result, unit: nil))
    }

    /// An accepted value from ILIAS bounds: both bounds give a range, one bound and the value the range between
    /// them, the value alone an exact answer.
    func numericAnswer(lower: String?, upper: String?, value: String?) throws(ILIASSkip) -> NumericAnswer {
        let low = try Self.number(lower, "lower bound")
        let high = try Self.number(upper, "upper bound")
        let exact = try Self.number(value, "answer")
        switch (low, high, exact) {
        case (let low?, let high?, _): return try Self.range(low, high)
        case (let low?, nil, let exact?): return try Self.range(low, exact)
        case (nil, let high?, let exact?): return try Self.range(exact, high)
        case (nil, nil, let exact?): return NumericAnswer(exact)
        default: throw ILIASSkip("a numeric answer has only one bound (an open range is not supported)")
        }
    }

    private static func number(_ text: String?, _ what: String) throws(ILIASSkip) -> Rational? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard let value = ILIASNumber.value(text) else {
            throw ILIASSkip("\(what) '\(text.prefix(40))' is not a decimal number")
        }
        return value
    }

    private static func range(_ low: Rational, _ high: Rational) throws(ILIASSkip) -> NumericAnswer {
        guard low <= high else {
            throw ILIASSkip("the range \(ILIASNumber.text(low)) to \(ILIASNumber.text(high)) is empty")
        }
        guard low != high else { return NumericAnswer(low) }
        let half = Rational(1, 2)
        return NumericAnswer((low + high) * half, tolerance: .absolute((high - low) * half))
    }

    // MARK: Free text

    /// `TEXT QUESTION`: graded by a person; the points are the `decvar`'s `maxvalue`.
    mutating func essay(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_str"])
        var maximum: String? = nil
        for processing in item.elements("resprocessing") where maximum == nil {
            for variable in processing.element("outcomes")?.elements("decvar") ?? [] {
                if let value = variable.attributes["maxvalue"], !value.trimmingCharacters(in: .whitespaces).isEmpty {
                    maximum = value
                    break
                }
            }
        }
        guard let maximum else { throw ILIASSkip("the question has no points") }
        guard let points = ILIASNumber.points(maximum) else {
            throw ILIASSkip("points '\(maximum.prefix(40))' cannot be read exactly")
        }
        let total = try itemPoints(points)
        if usesKeywordScoring { warn("keyword scoring not kept; graded by a person") }
        if let limit = response.element("render_fib")?.attributes["maxchars"].flatMap({ XMLNumber.integer($0) }),
            limit > 0
        {
            warn("maximum answer length of \(limit) characters not kept")
        }
        return ILIASConverted(stem: stem, points: total, kind: .essay(responseTemplate: nil, graderInfo: nil))
    }

    /// Whether the ILIAS text question scores automatically by keywords (`termrelation` any/all/one, or keywords
    /// in `termscoring` without a relation).
    private var usesKeywordScoring: Bool {
        let relation = (metadata["termrelation"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if ["any", "all", "one"].contains(relation) { return true }
        guard relation.isEmpty, let scoring = metadata["termscoring"], let decoded = Self.base64Text(scoring) else {
            return false
        }
        let serialized = decoded.trimmingCharacters(in: .whitespacesAndNewlines)
        return !serialized.isEmpty && !serialized.hasPrefix("a:0:") && serialized != "N;"
    }

    /// The UTF-8 text of base64 `text` (at most 1 MB), if it decodes.
    static func base64Text(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= 1_000_000, let data = Data(base64Encoded: trimmed) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Matching

    /// `MATCHING QUESTION` in 1:1 mode with one correct term per definition and equal points per pair: each
    /// definition is a premise, each term a response (extra terms are distractors).
    mutating func matching(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let unsupported = "MATCHING QUESTION is not supported"
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_grp"])
        let mode = (metadata["matching_mode"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard mode != "n:n" else { throw ILIASSkip("\(unsupported) (several terms per definition)") }
        let labels = try labels(of: response)
        let definitions = labels.filter { $0.element.attributes["match_group"] != nil }
        let terms = labels.filter { $0.element.attributes["match_group"] == nil }
        guard !definitions.isEmpty, !terms.isEmpty else {
            throw ILIASSkip("\(unsupported) (terms and definitions cannot be told apart)")
        }
        try checkCount(definitions.count, "definitions", key: "premises", minimum: 1)
        try checkCount(terms.count, "terms", key: "responses", minimum: 1)
        let ident = response.attributes["ident"] ?? ""
        var pairs: [(definition: Int, term: Int, points: Rational)] = []
        for (index, condition) in conditions.enumerated() where condition.refers(to: ident) {
            let value: String
            switch condition.test {
            case .subset(let text), .equal(let text, _): value = text
            default: continue
            }
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let term = terms.firstIndex(where: { $0.ident == parts[0] }),
                let definition = definitions.firstIndex(where: { $0.ident == parts[1] }),
                let points = try condition.points()
            else { continue }
            consumed.insert(index)
            guard points != .zero else { continue }
            guard points > .zero else { throw ILIASSkip("\(unsupported) (pairs with negative points)") }
            pairs.append((definition, term, points))
        }
        var correct: [Int: Int] = [:]
        for (index, definition) in definitions.enumerated() {
            let matches = pairs.filter { $0.definition == index }
            guard matches.count == 1, let match = matches.first else {
                let count = matches.isEmpty ? "no correct term" : "\(matches.count) correct terms"
                throw ILIASSkip("\(unsupported) (definition '\(definition.ident.prefix(40))' has \(count))")
            }
            correct[index] = match.term
        }
        guard let first = pairs.first, pairs.allSatisfy({ $0.points == first.points }) else {
            throw ILIASSkip("\(unsupported) (pairs with different points)")
        }
        var sum = Rational.zero
        for pair in pairs { sum += pair.points }
        let total = try itemPoints(sum)
        let premises = try choices(definitions, what: "definition")
        let responses = try choices(terms, what: "term")
        var key: [String: String] = [:]
        for (definition, term) in correct { key[premises[definition].id] = responses[term].id }
        return ILIASConverted(
            stem: stem, points: total, kind: .matching(premises: premises, responses: responses, correct: key))
    }

    // MARK: Text subset

    /// `TEXTSUBSET QUESTION` with one answer field: a short text whose accepted answers carry their points.
    mutating func textSubset(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let fields = flow(presentation).count { if case .response = $0 { true } else { false } }
        guard fields <= 1 else {
            throw ILIASSkip("TEXTSUBSET QUESTION is not supported (it asks for \(fields) answers)")
        }
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_str"])
        let ident = response.attributes["ident"] ?? ""
        var answers: [(text: String, points: Rational)] = []
        for (index, condition) in conditions.enumerated() where condition.refers(to: ident) {
            let texts: [String]
            switch condition.test {
            case .subset(let value): texts = value.split(separator: ",").map(String.init)
            case .equal(let value, _): texts = [value]
            default: continue
            }
            guard let points = try condition.points() else { continue }
            consumed.insert(index)
            for text in texts {
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { continue }
                if let problem = BankRules.tooLong("an accepted answer", trimmed) { throw ILIASSkip(problem) }
                answers.append((trimmed, points))
            }
        }
        guard !answers.isEmpty else { throw ILIASSkip("the question has no accepted answer") }
        try checkCount(answers.count, "accepted answers", key: "accepted", minimum: 1)
        let total = try itemPoints(answers.map(\.points).max() ?? .zero)
        var accepted: [TextAnswer] = []
        for answer in answers { accepted.append(TextAnswer(answer.text, credit: try credit(answer.points, of: total))) }
        let caseSensitive = caseSensitive(ratingKey: "textrating")
        return ILIASConverted(
            stem: stem, points: total, kind: .shortText(answers: accepted, pattern: nil, caseSensitive: caseSensitive))
    }

    // MARK: Ordering

    /// `ORDERING QUESTION` with terms: the correct position of each element is the `index` of its `varequal`.
    /// ILIAS gives the points only for a completely right order; a bank item gives each element in its place its
    /// share, so the question is imported with a warning saying so.
    mutating func ordering(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        let (stem, response) = try stemAndResponse(presentation, kinds: ["response_lid"])
        let ident = response.attributes["ident"] ?? ""
        if ["OQP", "OQNP"].contains(ident.uppercased()) {
            throw ILIASSkip("ordering of pictures is not supported (images are not embedded)")
        }
        let labels = try labels(of: response)
        try checkCount(labels.count, "elements", key: "elements")
        let elements = try choices(labels, what: "element")
        var positions = [Int?](repeating: nil, count: labels.count)
        var used: [Int] = []
        for (index, condition) in conditions.enumerated() where condition.refers(to: ident) {
            guard case .equal(let value, let position) = condition.test, !condition.setvars.isEmpty,
                let element = labels.firstIndex(where: { $0.ident == value })
                    ?? XMLNumber.integer(value).flatMap({ labels.indices.contains($0) ? $0 : nil })
            else { continue }
            guard let position = position.flatMap({ XMLNumber.integer($0) }) else {
                throw ILIASSkip("the correct order cannot be read (no position at line \(condition.line))")
            }
            guard positions[element] == nil else {
                throw ILIASSkip("the correct order names element '\(labels[element].ident.prefix(40))' twice")
            }
            positions[element] = position
            consumed.insert(index)
            used.append(index)
        }
        var order: [(position: Int, element: Int)] = []
        for (element, position) in positions.enumerated() {
            guard let position else {
                throw ILIASSkip(
                    "the correct order cannot be read (element '\(labels[element].ident.prefix(40))' has no position)")
            }
            order.append((position, element))
        }
        guard Set(order.map(\.position)).count == order.count else {
            throw ILIASSkip("the correct order cannot be read (two elements share a position)")
        }
        let correctOrder = order.sorted { $0.position < $1.position }.map { elements[$0.element].id }
        var points = Rational.zero
        if let text = metadata["points"], !text.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = ILIASNumber.points(text) else {
                throw ILIASSkip("points '\(text.prefix(40))' cannot be read exactly")
            }
            points = value
        }
        if points <= .zero {
            points = .zero
            for index in used { points += try conditions[index].points() ?? .zero }
        }
        let total = try itemPoints(points)
        let nested = labels.contains { label in
            label.element.descendants("mattext").contains {
                $0.attributes["label"] == "answerdepth" && (XMLNumber.integer($0.text) ?? 0) != 0
            }
        }
        if nested { warn("indentation of elements not kept (ILIAS also scored the indentation)") }
        warn("ILIAS scores ordering all or nothing; here each element in its right place earns its share of the points")
        return ILIASConverted(
            stem: stem, points: total, kind: .ordering(elements: elements, correctOrder: correctOrder))
    }

    // MARK: Cloze

    /// `CLOZE QUESTION`: the text chunks of the flow with the gaps (`response_str`/`response_lid`/`response_num`)
    /// between them become one stem with `{{gap}}` placeholders; each gap weighs its maximum points.
    mutating func cloze(_ presentation: MarkupElement) throws(ILIASSkip) -> ILIASConverted {
        // ILIAS 5+ writes the question text as the first material (or in the `question` field), then the cloze
        // text chunks; older exports hold only the cloze text.
        var intro: ILIASText? = nil
        var introPending = false
        if let question = metadata["question"], !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            intro = ILIASText(fragments: [(question, question.contains("<"))])
        } else if let major = iliasMajorVersion, major >= 5 {
            introPending = true
        }
        var body = ILIASText()
        var gaps: [Gap] = []
        var gapIDs = IdentifierMaker()
        var textCase: Bool? = nil
        for entry in flow(presentation) {
            switch entry {
            case .material(let material):
                if introPending {
                    var text = ILIASText()
                    Self.read(material, into: &text)
                    intro = text
                    introPending = false
                } else {
                    Self.read(material, into: &body)
                }
            case .response(let response):
                // Stops at the first gap too many; the count said is a lower bound.
                if let problem = BankRules.gapCount(gaps.count + 1) { throw ILIASSkip(problem) }
                let gap = try gap(response, ids: &gapIDs, caseSensitive: &textCase)
                body.fragments.append((ClozeText.placeholder(gap.id), false))
                gaps.append(gap)
            }
        }
        guard !gaps.isEmpty else { throw ILIASSkip("the cloze question has no gaps") }
        var parts: [String] = []
        if let intro { parts.append(try markdown(intro, what: "the question text")) }
        parts.append(try markdown(body, what: "the cloze text"))
        let stem = parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
        if let problem = BankRules.tooLong("the cloze text", stem) { throw ILIASSkip(problem) }
        guard ClozeText.placeholders(in: stem) == gaps.map(\.id) else {
            throw ILIASSkip("the cloze text contains '{{…}}' itself, which would be read as a gap")
        }
        var sum = Rational.zero
        for gap in gaps { sum += gap.weight }
        let total = try itemPoints(sum)
        if gaps.count > 1, (metadata["identicalScoring"] ?? "").trimmingCharacters(in: .whitespaces) == "0" {
            warn("identical answers in several gaps each earn points here (ILIAS counted them once)")
        }
        if let combinations = metadata["combinations"].flatMap(Self.base64Text),
            !["", "null", "[]", "{}", "false"].contains(combinations.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            warn("gap combinations not kept (each gap is scored on its own)")
        }
        return ILIASConverted(stem: stem, points: total, kind: .cloze(gaps: gaps))
    }

    /// The major ILIAS version of the export (`ILIAS_VERSION` such as `7.15 2022-10-19`).
    private var iliasMajorVersion: Int? {
        guard let version = metadata["ILIAS_VERSION"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        return Int(version.prefix { $0.isASCII && $0.isNumber }.prefix(6))
    }

    /// One gap: a select gap (`render_choice`), a numeric gap (`response_num` or `render_fib` Decimal/Integer)
    /// or a text gap (`render_fib` String). Its answers and points come from the conditions naming it.
    private mutating func gap(
        _ response: MarkupElement, ids: inout IdentifierMaker, caseSensitive textCase: inout Bool?
    ) throws(ILIASSkip) -> Gap {
        let ident = (response.attributes["ident"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !ident.isEmpty else { throw ILIASSkip("a gap at line \(response.line) has no ident") }
        let name = "gap '\(ident.prefix(40))'"
        let id = ids.make(from: ident, fallback: "gap")
        let gapConditions = conditions.indices.filter { conditions[$0].respident == ident }

        if response.descendants("render_choice").first != nil {
            let labels = try labels(of: response)
            if let problem = BankRules.choiceCount("options", found: labels.count, minimum: 2) {
                throw ILIASSkip("\(name): \(problem)")
            }
            var options = try choices(labels)
            var points = Array(repeating: Rational.zero, count: labels.count)
            for index in gapConditions {
                let condition = conditions[index]
                guard case .equal(let value, _) = condition.test,
                    let option = labels.firstIndex(where: {
                        $0.text.raw.trimmingCharacters(in: .whitespacesAndNewlines) == value
                    }) ?? labels.firstIndex(where: { $0.ident == value })
                else { continue }
                consumed.insert(index)
                if let added = try condition.points() { points[option] += added }
                options[option].feedback = Self.joined(options[option].feedback, try feedback(of: condition))
            }
            let maximum = points.max() ?? .zero
            guard maximum > .zero else { throw ILIASSkip("\(name) gives no points") }
            if points.filter({ $0 != .zero }).count != 1 {
                for index in options.indices { options[index].credit = try credit(points[index], of: maximum) }
            }
            let best = points.firstIndex(of: maximum) ?? 0
            return Gap(id: id, weight: maximum, kind: .choice(options: options, correct: options[best].id))
        }

        let fib = response.element("render_fib")
        let fibType = (fib?.attributes["fibtype"] ?? "").lowercased()
        if response.localName == "response_num" || fibType == "decimal" || fibType == "integer" {
            var answers: [(answer: NumericAnswer, points: Rational)] = []
            for index in gapConditions {
                let condition = conditions[index]
                var answer: NumericAnswer
                switch condition.test {
                case .equal(let value, _):
                    answer = try numericAnswer(
                        lower: fib?.attributes["minnumber"], upper: fib?.attributes["maxnumber"], value: value)
                case .range(let lower, let upper):
                    answer = try numericAnswer(lower: lower, upper: upper, value: nil)
                default:
                    continue
                }
                guard let points = try condition.points() else { continue }
                consumed.insert(index)
                answer.feedback = try feedback(of: condition)
                answers.append((answer, points))
            }
            let (result, maximum) = try weighted(answers, name: name) { $0.credit = $1 }
            return Gap(id: id, weight: maximum, kind: .numeric(answers: result))
        }

        guard response.localName == "response_str" else {
            throw ILIASSkip("\(name) is a <\(response.localName)>, which is not supported")
        }
        var answers: [(answer: TextAnswer, points: Rational)] = []
        for index in gapConditions {
            let condition = conditions[index]
            guard case .equal(let value, _) = condition.test, let points = try condition.points() else { continue }
            consumed.insert(index)
            guard !value.isEmpty else { continue }
            if let problem = BankRules.tooLong("an answer of \(name)", value) { throw ILIASSkip(problem) }
            var answer = TextAnswer(value)
            answer.feedback = try feedback(of: condition)
            answers.append((answer, points))
        }
        let (result, maximum) = try weighted(answers, name: name) { $0.credit = $1 }
        let caseSensitive = textCase ?? self.caseSensitive(ratingKey: "textgaprating")
        textCase = caseSensitive
        return Gap(id: id, weight: maximum, kind: .text(answers: result, caseSensitive: caseSensitive))
    }

    // MARK: Helpers

    /// Refuses `count` entries of the bank list `key` outside `minimum...20`, in the bank format's words after the
    /// question's own name for them (`what`).
    func checkCount(_ count: Int, _ what: String, key: String, minimum: Int = 2) throws(ILIASSkip) {
        if let problem = BankRules.choiceCount(key, found: count, minimum: minimum) {
            throw ILIASSkip("\(what): \(problem)")
        }
    }

    static func joined(_ first: String?, _ second: String?) -> String? {
        switch (first, second) {
        case (let first?, let second?): "\(first)\n\n\(second)"
        case (let first?, nil): first
        case (nil, let second): second
        }
    }
}
