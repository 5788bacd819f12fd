import Assessment
import Foundation

/// What an accepted answer of a typed response is, as read from a scoring condition.
enum QTIAnswerKey: Equatable {
    /// A text; `caseSensitive` is nil when the text has no letters (either way compares the same).
    case text(String, caseSensitive: Bool?, wildcard: Bool)
    /// A whole-answer regular expression (Swift syntax).
    case pattern(String)
    /// A number with its tolerance.
    case number(Rational, Tolerance)
    /// A choice identifier.
    case option(String)
}

/// An accepted answer with the points it earns.
struct QTIAnswer {
    var key: QTIAnswerKey
    var points: Rational
    /// The conditions of the scoring rule the answer was read from (nil for mapping entries).
    var literals: [QTILiteral]? = nil
}

/// The option values referenced by scoring conditions and mappings of one response.
struct QTIMentions {
    var scalars: [QTIScalar] = []
    /// A mapping default that applies to every value not listed.
    var all = false

    func contains(_ scalar: QTIScalar) -> Bool {
        all || scalars.contains { $0.matches(scalar) }
    }
}

extension QTIItemReader {
    // MARK: References

    static let comparisons: Set<String> = ["match", "member", "contains", "equal", "stringMatch", "patternMatch"]

    /// The literal values compared with `response` (not those from `correct`) anywhere in `form`.
    func mentions(of response: String, in form: QTIForm) -> QTIMentions {
        var result = QTIMentions()
        var visited = Set<ObjectIdentifier>()
        for term in form.terms { collectMentions(of: response, term: term, into: &result, visited: &visited) }
        return result
    }

    func mentions(of response: String, in term: QTITerm) -> QTIMentions {
        var result = QTIMentions()
        var visited = Set<ObjectIdentifier>()
        collectMentions(of: response, term: term, into: &result, visited: &visited)
        return result
    }

    private func collectMentions(
        of response: String, term: QTITerm, into result: inout QTIMentions, visited: inout Set<ObjectIdentifier>
    ) {
        for literal in term.literals {
            collectMentions(of: response, sym: literal.condition, into: &result, visited: &visited)
        }
        collectMentions(of: response, leaf: term.leaf, into: &result, visited: &visited)
    }

    private func collectMentions(
        of response: String, leaf: QTILeaf, into result: inout QTIMentions, visited: inout Set<ObjectIdentifier>
    ) {
        switch leaf {
        case .unit: break
        case .map(let name):
            if name == response { addMapping(of: response, into: &result) }
        case .clamp(_, _, let form):
            for term in form.terms { collectMentions(of: response, term: term, into: &result, visited: &visited) }
        case .value(let sym):
            collectMentions(of: response, sym: sym, into: &result, visited: &visited)
        }
    }

    private func addMapping(of response: String, into result: inout QTIMentions) {
        guard let mapping = responses[response]?.mapping else { return }
        result.scalars += mapping.entries.map(\.key)
        if mapping.defaultValue != .zero { result.all = true }
    }

    private func collectMentions(
        of response: String, sym: QTISym, into result: inout QTIMentions, visited: inout Set<ObjectIdentifier>
    ) {
        guard visited.insert(ObjectIdentifier(sym)).inserted else { return }
        switch sym.op {
        case .mapResponse(let name) where name == response:
            addMapping(of: response, into: &result)
        case .outcome(let form, _, _):
            for term in form.terms { collectMentions(of: response, term: term, into: &result, visited: &visited) }
        case .call(let name) where Self.comparisons.contains(name):
            if sym.children.contains(where: { Self.reads($0, response) }) {
                for child in sym.children {
                    if let value = child.constantValue, !child.fromCorrect { result.scalars += value.scalars }
                }
            }
        default:
            break
        }
        for child in sym.children { collectMentions(of: response, sym: child, into: &result, visited: &visited) }
    }

    /// Whether `sym` is the response itself or an element of it (`index`).
    static func reads(_ sym: QTISym, _ response: String) -> Bool {
        if sym.responseName == response { return true }
        if sym.callName == "index", let inner = sym.children.first { return inner.responseName == response }
        return false
    }

    /// Whether some condition of `form` compares `response` with its declared correct response.
    func usesCorrect(_ response: String, in term: QTITerm) -> Bool {
        term.literals.contains { literal in
            literal.condition.callName == "match"
                && literal.condition.children.contains { Self.reads($0, response) }
                && literal.condition.children.contains { $0.fromCorrect }
        }
    }

    /// Whether the form is "full points only when the responses equal their correct responses".
    func isAllOrNothing(_ form: QTIForm) -> Bool {
        let significant = form.terms.filter { !Self.isZero($0) }
        guard significant.count == 1, let term = significant.first else { return false }
        let keyLiterals = term.literals.filter { !($0.condition.callName == "isNull" && !$0.positive) }
        guard !keyLiterals.isEmpty, case .unit = term.leaf, term.scale > .zero else { return false }
        return keyLiterals.allSatisfy { literal in
            literal.positive && literal.condition.callName == "match"
                && literal.condition.children.contains(where: \.fromCorrect)
        }
    }

    // MARK: Choice credits

    /// Option credits from the points each option earns: none when only the keyed option earns `full`.
    func choiceKey(
        options: [QTIOption], values: [Rational], mentioned: [Bool], correct: Int?, full: Rational, what: String
    ) throws(QTISkip) -> (credits: [Rational?], correct: Int) {
        guard full > .zero else { throw QTISkip(reason: "no option of \(what) earns points") }
        if !mentioned.contains(true) {
            let earning = values.indices.filter { values[$0] != .zero }
            if earning.count == 1, let only = earning.first, values[only] == full {
                return (Array(repeating: nil, count: options.count), only)
            }
        }
        var credits: [Rational?] = []
        for index in options.indices {
            credits.append(mentioned[index] || values[index] != .zero ? try Self.exact(values[index].over(full)) : nil)
        }
        guard credits.contains(where: { ($0 ?? .zero) > .zero }) else {
            throw QTISkip(reason: "no option of \(what) earns points")
        }
        if let correct { return (credits, correct) }
        var best = 0
        for index in credits.indices where (credits[index] ?? .zero) > (credits[best] ?? .zero) { best = index }
        return (credits, best)
    }

    // MARK: Typed answers

    /// The accepted answers of a typed response from its scoring terms (in points).
    mutating func answers(from terms: [QTITerm], response: String, numeric: Bool) throws(QTISkip) -> [QTIAnswer] {
        var result: [QTIAnswer] = []
        for term in terms {
            let keyLiterals = term.literals.filter { literal in
                literal.positive && !(literal.condition.callName == "isNull")
                    && term.responsesOf(literal).contains(response)
            }
            // Nothing earned and no answer named (the "otherwise 0" branch of a condition).
            if keyLiterals.isEmpty, Self.isZero(term) { continue }
            // A mapping lists its answers.
            if case .map(let name) = term.leaf, name == response, keyLiterals.isEmpty {
                guard let mapping = responses[response]?.mapping else { continue }
                for entry in mapping.entries {
                    if numeric {
                        guard let value = entry.key.number else {
                            throw QTISkip(
                                reason: "mapEntry at line \(entry.line) maps '\(entry.key)', which is not a number")
                        }
                        result.append(
                            QTIAnswer(
                                key: .number(value, .exact), points: try Self.exact(term.scale.times(entry.value))))
                    } else {
                        guard let text = entry.key.text ?? entry.key.number.map(\.exactText) else { continue }
                        result.append(
                            QTIAnswer(
                                key: .text(
                                    text, caseSensitive: Self.hasCase(text) ? entry.caseSensitive : nil, wildcard: false
                                ),
                                points: try Self.exact(term.scale.times(entry.value))))
                    }
                }
                if mapping.defaultValue != .zero {
                    guard !numeric else {
                        throw QTISkip(
                            reason:
                                "the mapping of '\(response)' gives points for any other number, which cannot be represented"
                        )
                    }
                    result.append(
                        QTIAnswer(
                            key: .text("*", caseSensitive: nil, wildcard: true),
                            points: try Self.exact(term.scale.times(mapping.defaultValue))))
                }
                continue
            }
            let points: Rational
            switch term.leaf {
            case .unit:
                points = term.scale
            case .value(let sym):
                guard let number = sym.constantValue?.number else {
                    throw QTISkip(
                        reason: "the points for '\(response)' are computed in a way that cannot be represented")
                }
                points = try Self.exact(term.scale.times(number))
            case .map, .clamp:
                throw QTISkip(reason: "the points for '\(response)' are computed in a way that cannot be represented")
            }
            switch keyLiterals.count {
            case 0:
                guard !numeric else {
                    throw QTISkip(reason: "a score for any number in '\(response)' cannot be represented")
                }
                result.append(
                    QTIAnswer(
                        key: .text("*", caseSensitive: nil, wildcard: true), points: points, literals: term.literals))
            case 1:
                result.append(
                    QTIAnswer(
                        key: try key(keyLiterals[0].condition, response: response, numeric: numeric), points: points,
                        literals: term.literals))
            case 2:
                result.append(
                    QTIAnswer(
                        key: try interval(keyLiterals, response: response), points: points, literals: term.literals))
            default:
                throw QTISkip(
                    reason:
                        "a scoring condition for '\(response)' combines several comparisons, which cannot be represented"
                )
            }
        }
        return result
    }

    static func hasCase(_ text: String) -> Bool {
        text.contains { QTIWildcard.casePair($0) != nil }
    }

    /// The accepted answer a comparison of `response` with a constant describes.
    mutating func key(_ condition: QTISym, response: String, numeric: Bool) throws(QTISkip) -> QTIAnswerKey {
        let name = condition.callName ?? ""
        let children = condition.children
        let responseIndex = children.firstIndex { $0.responseName == response }
        let constant = children.first { $0.constantValue != nil }?.constantValue?.scalars.first
        func unsupported() -> QTISkip {
            QTISkip(reason: "the scoring condition '\(name)' on '\(response)' cannot be represented")
        }
        switch name {
        case "match":
            guard responseIndex != nil, let constant else { throw unsupported() }
            if let number = constant.number { return .number(number, .exact) }
            guard !numeric else { throw unsupported() }
            if case .identifier(let identifier) = constant { return .option(identifier) }
            guard case .string(let text) = constant else { throw unsupported() }
            return .text(text, caseSensitive: Self.hasCase(text) ? true : nil, wildcard: false)
        case "equal":
            guard let responseIndex, let value = constant?.number else { throw unsupported() }
            let mode = condition.attributes["toleranceMode"] ?? "exact"
            if (condition.attributes["includeLowerBound"] ?? "true").lowercased() == "false"
                || (condition.attributes["includeUpperBound"] ?? "true").lowercased() == "false"
            {
                warnings.append("an open tolerance bound for '\(response)' is treated as closed")
            }
            if mode == "exact" { return .number(value, .exact) }
            guard var (t0, t1) = QTIEvaluator.tolerances(condition.attributes["tolerance"]) else { throw unsupported() }
            if responseIndex == 1 { swap(&t0, &t1) }
            if mode == "absolute" {
                if t0 == t1 { return .number(value, .absolute(t0)) }
                return try Self.range(Self.exact(value.minus(t0)), Self.exact(value.plus(t1)))
            }
            if t0 == t1 { return .number(value, .relative(try Self.exact(t0.over(Rational(100))))) }
            let lower = try Self.exact(Rational.one.minus(try Self.exact(t0.over(Rational(100))))?.times(value))
            let upper = try Self.exact(Rational.one.plus(try Self.exact(t1.over(Rational(100))))?.times(value))
            return try Self.range(min(lower, upper), max(lower, upper))
        case "stringMatch":
            guard responseIndex == 0, case .some(let constant) = constant, let text = constant.text, !numeric else {
                throw unsupported()
            }
            let caseSensitive = (condition.attributes["caseSensitive"] ?? "true").lowercased() != "false"
            let flag: Bool? = Self.hasCase(text) ? caseSensitive : nil
            if (condition.attributes["substring"] ?? "false").lowercased() == "true" {
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "*", with: "\\*")
                return .text("*" + escaped + "*", caseSensitive: flag, wildcard: true)
            }
            return .text(text, caseSensitive: flag, wildcard: false)
        case "patternMatch":
            guard responseIndex == 0, !numeric, let pattern = condition.attributes["pattern"] else {
                throw unsupported()
            }
            if nativePatterns.contains(pattern) { return .pattern(pattern) }
            if let wildcard = QTIWildcard.wildcard(from: pattern) {
                return .text(wildcard.text, caseSensitive: wildcard.caseSensitive, wildcard: true)
            }
            guard let source = QTIPatterns.swiftSource(pattern), CompiledPattern(source) != nil else {
                throw QTISkip(
                    reason: "the pattern '\(pattern)' for '\(response)' is not a supported regular expression")
            }
            if Self.hasCase(pattern) {
                warnings.append("the pattern '\(pattern)' is compared ignoring case (QTI compares it case-sensitively)")
            }
            return .pattern(source)
        default:
            throw unsupported()
        }
    }

    /// `lower <= response <= upper` written as two comparisons.
    mutating func interval(_ literals: [QTILiteral], response: String) throws(QTISkip) -> QTIAnswerKey {
        var lower: Rational? = nil
        var upper: Rational? = nil
        for literal in literals {
            let condition = literal.condition
            guard let name = condition.callName, ["gt", "gte", "lt", "lte"].contains(name),
                condition.children.count == 2
            else {
                throw QTISkip(
                    reason: "a scoring condition for '\(response)' combines comparisons that cannot be represented")
            }
            let responseFirst = condition.children[0].responseName == response
            guard responseFirst || condition.children[1].responseName == response,
                let bound = condition.children[responseFirst ? 1 : 0].constantValue?.number
            else {
                throw QTISkip(
                    reason: "a scoring condition for '\(response)' combines comparisons that cannot be represented")
            }
            if name == "gt" || name == "lt" {
                warnings.append("an open range bound for '\(response)' is treated as closed")
            }
            let isLowerBound = (name == "gt" || name == "gte") == responseFirst
            if isLowerBound { lower = bound } else { upper = bound }
        }
        guard let lower, let upper, !(upper < lower) else {
            throw QTISkip(reason: "the range accepted for '\(response)' is not a closed interval")
        }
        return try Self.range(lower, upper)
    }

    /// `lower...upper` as its midpoint with an absolute tolerance.
    static func range(_ lower: Rational, _ upper: Rational) throws(QTISkip) -> QTIAnswerKey {
        let middle = try exact(lower.plus(upper)?.over(Rational(2)))
        return .number(middle, .absolute(try exact(upper.minus(lower)?.over(Rational(2)))))
    }

    // MARK: Answer feedback

    /// Feedback for typed answers and gap options: a feedback shown under exactly the conditions of an
    /// answer's scoring rule goes to that answer; otherwise one shown when a comparison of `response` holds
    /// goes to the first answer with that key (in order, each answer at most once).
    mutating func answerFeedback(response: String, answers: [QTIAnswer], numeric: Bool) -> [String?] {
        var result: [String?] = Array(repeating: nil, count: answers.count)
        for index in feedbacks.indices where !feedbacks[index].used && !feedbacks[index].text.isEmpty {
            let feedback = feedbacks[index]
            guard feedback.show, let form = forms[feedback.outcome] else { continue }
            let showing = form.terms.filter { term in
                if case .value(let sym) = term.leaf, let value = sym.constantValue {
                    return value.scalars.contains { $0.text == feedback.identifier }
                }
                return false
            }
            guard showing.count == 1, let term = showing.first, term.responses == [response] else { continue }
            let conditions = term.literals.filter { !($0.condition.callName == "isNull" && !$0.positive) }
            if let target = answers.indices.first(where: { candidate in
                guard result[candidate] == nil,
                    let literals = answers[candidate].literals?.filter({
                        !($0.condition.callName == "isNull" && !$0.positive)
                    }), literals.count == conditions.count
                else { return false }
                return zip(literals, conditions).allSatisfy {
                    $0.positive == $1.positive && $0.condition.isSame(as: $1.condition)
                }
            }) {
                result[target] = feedback.text
                feedbacks[index].used = true
                continue
            }
            guard conditions.allSatisfy(\.positive), conditions.count == 1 || conditions.count == 2 else { continue }
            var saved = warnings
            let key: QTIAnswerKey?
            if conditions.count == 1 {
                key = try? self.key(conditions[0].condition, response: response, numeric: numeric)
            } else {
                key = try? interval(conditions, response: response)
            }
            swap(&saved, &warnings)
            guard let key, let target = answers.indices.first(where: { answers[$0].key == key && result[$0] == nil })
            else { continue }
            result[target] = feedback.text
            feedbacks[index].used = true
        }
        return result
    }
}

extension QTITerm {
    /// The responses one literal of the term reads.
    func responsesOf(_ literal: QTILiteral) -> Set<String> {
        var result = Set<String>()
        var visited = Set<ObjectIdentifier>()
        literal.condition.responses(into: &result, visited: &visited)
        return result
    }
}
