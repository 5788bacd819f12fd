import Assessment
import Foundation

// Response processing is executed symbolically: every outcome variable ends up as a `QTIForm`, a sum of
// guarded terms over the response variables. The importer reads the answer key from those terms and then
// evaluates the forms exactly on sample responses to check that the converted item scores like the file.

/// A symbolic expression over the response variables, built from a response-processing expression.
final class QTISym {
    enum Op {
        /// A value known without any response (constants, `correct`, folded sub-expressions).
        case constant(QTIValue)
        /// The value of a response variable.
        case response(String)
        /// The value an outcome variable had when the expression was read.
        case outcome(QTIForm, numeric: Bool, single: Bool)
        /// `mapResponse` of a response (with the mapping's bounds).
        case mapResponse(String)
        /// An operator applied to `children`.
        case call(String)
        /// Something the importer cannot evaluate; the text says what and where.
        case unsupported(String)
    }

    let op: Op
    let children: [QTISym]
    let attributes: [String: String]
    /// Whether a constant came from `correct` (the declared correct response) rather than a literal value.
    let fromCorrect: Bool

    init(_ op: Op, children: [QTISym] = [], attributes: [String: String] = [:], fromCorrect: Bool = false) {
        self.op = op
        self.children = children
        self.attributes = attributes
        self.fromCorrect = fromCorrect
    }

    static func constant(_ value: QTIValue, fromCorrect: Bool = false) -> QTISym {
        QTISym(.constant(value), fromCorrect: fromCorrect)
    }

    static func call(_ name: String, _ children: [QTISym], _ attributes: [String: String] = [:]) -> QTISym {
        QTISym(.call(name), children: children, attributes: attributes)
    }

    var constantValue: QTIValue? {
        if case .constant(let value) = op { return value }
        return nil
    }

    var callName: String? {
        if case .call(let name) = op { return name }
        return nil
    }

    var responseName: String? {
        if case .response(let name) = op { return name }
        return nil
    }

    /// Structural equality (used to recognise the same condition in scoring and feedback rules).
    func isSame(as other: QTISym) -> Bool {
        if self === other { return true }
        guard attributes == other.attributes, children.count == other.children.count else { return false }
        switch (op, other.op) {
        case (.constant(let a), .constant(let b)): guard a == b else { return false }
        case (.response(let a), .response(let b)): guard a == b else { return false }
        case (.mapResponse(let a), .mapResponse(let b)): guard a == b else { return false }
        case (.call(let a), .call(let b)): guard a == b else { return false }
        default: return false
        }
        return zip(children, other.children).allSatisfy { $0.isSame(as: $1) }
    }

    /// The first unsupported part, if any (looking into outcome snapshots).
    func firstUnsupported(visited: inout Set<ObjectIdentifier>) -> String? {
        guard visited.insert(ObjectIdentifier(self)).inserted else { return nil }
        switch op {
        case .unsupported(let message): return message
        case .outcome(let form, _, _):
            if let message = form.firstUnsupported(visited: &visited) { return message }
        default: break
        }
        for child in children {
            if let message = child.firstUnsupported(visited: &visited) { return message }
        }
        return nil
    }

    /// Response variables this expression reads.
    func responses(into result: inout Set<String>, visited: inout Set<ObjectIdentifier>) {
        guard visited.insert(ObjectIdentifier(self)).inserted else { return }
        switch op {
        case .response(let name), .mapResponse(let name): result.insert(name)
        case .outcome(let form, _, _): form.responses(into: &result, visited: &visited)
        default: break
        }
        for child in children { child.responses(into: &result, visited: &visited) }
    }
}

/// One condition of a term, required to hold (`positive`) or not to hold.
struct QTILiteral {
    var condition: QTISym
    var positive: Bool
}

/// What a term contributes when its conditions hold.
indirect enum QTILeaf {
    /// The number 1 (the term's `scale` is its value).
    case unit
    /// `mapResponse` of a response without bounds.
    case map(String)
    /// A form clamped to `lower...upper`.
    case clamp(lower: Rational?, upper: Rational?, QTIForm)
    /// Any other expression (an identifier for feedback outcomes, or an opaque number).
    case value(QTISym)
}

/// A term: `scale × leaf` when every literal holds.
struct QTITerm {
    var literals: [QTILiteral]
    var scale: Rational
    var leaf: QTILeaf
}

/// An outcome value as a sum (numbers) or union (identifiers) of guarded terms.
struct QTIForm {
    var terms: [QTITerm] = []

    static func constant(_ value: Rational) -> QTIForm {
        QTIForm(terms: [QTITerm(literals: [], scale: value, leaf: .unit)])
    }

    var size: Int { terms.reduce(0) { $0 + 1 + $1.literals.count } }

    func guarded(by literals: [QTILiteral]) -> QTIForm {
        guard !literals.isEmpty else { return self }
        return QTIForm(terms: terms.map { QTITerm(literals: literals + $0.literals, scale: $0.scale, leaf: $0.leaf) })
    }

    /// The form times `factor`; nil when a scale leaves the checked bounds.
    func scaled(by factor: Rational) -> QTIForm? {
        var result: [QTITerm] = []
        for term in terms {
            guard let scale = term.scale.times(factor) else { return nil }
            result.append(QTITerm(literals: term.literals, scale: scale, leaf: term.leaf))
        }
        return QTIForm(terms: result)
    }

    func firstUnsupported(visited: inout Set<ObjectIdentifier>) -> String? {
        for term in terms {
            for literal in term.literals {
                if let message = literal.condition.firstUnsupported(visited: &visited) { return message }
            }
            if let message = term.leaf.firstUnsupported(visited: &visited) { return message }
        }
        return nil
    }

    func responses(into result: inout Set<String>, visited: inout Set<ObjectIdentifier>) {
        for term in terms { term.responses(into: &result, visited: &visited) }
    }

    /// The response variables the form depends on.
    var responses: Set<String> {
        var result = Set<String>()
        var visited = Set<ObjectIdentifier>()
        responses(into: &result, visited: &visited)
        return result
    }
}

extension QTITerm {
    func responses(into result: inout Set<String>, visited: inout Set<ObjectIdentifier>) {
        for literal in literals { literal.condition.responses(into: &result, visited: &visited) }
        leaf.responses(into: &result, visited: &visited)
    }

    /// The response variables the term depends on.
    var responses: Set<String> {
        var result = Set<String>()
        var visited = Set<ObjectIdentifier>()
        responses(into: &result, visited: &visited)
        return result
    }
}

extension QTILeaf {
    func firstUnsupported(visited: inout Set<ObjectIdentifier>) -> String? {
        switch self {
        case .unit, .map: nil
        case .clamp(_, _, let form): form.firstUnsupported(visited: &visited)
        case .value(let sym): sym.firstUnsupported(visited: &visited)
        }
    }

    func responses(into result: inout Set<String>, visited: inout Set<ObjectIdentifier>) {
        switch self {
        case .unit: break
        case .map(let name): result.insert(name)
        case .clamp(_, _, let form): form.responses(into: &result, visited: &visited)
        case .value(let sym): sym.responses(into: &result, visited: &visited)
        }
    }
}

// MARK: - Evaluation

/// Evaluation failed: a type error or an unsupported construct met while evaluating.
struct QTIEvaluationError: Error {
    var message: String
}

/// Evaluates symbolic expressions and forms for one set of response values, exactly.
struct QTIEvaluator {
    let responses: [String: QTIValue]
    let mappings: [String: QTIMapping]
    /// Patterns to evaluate with our own short-text semantics (Swift regex, case-insensitive, trimmed).
    let nativePatterns: Set<String>
    private var memo: [ObjectIdentifier: QTIValue] = [:]
    private var steps = 0
    private static let maximumSteps = 200_000

    init(responses: [String: QTIValue], mappings: [String: QTIMapping], nativePatterns: Set<String> = []) {
        self.responses = responses
        self.mappings = mappings
        self.nativePatterns = nativePatterns
    }

    /// Whether a condition holds (NULL counts as false).
    mutating func holds(_ sym: QTISym) throws(QTIEvaluationError) -> Bool {
        try evaluate(sym).boolean ?? false
    }

    mutating func holds(_ literals: [QTILiteral]) throws(QTIEvaluationError) -> Bool {
        for literal in literals where try holds(literal.condition) != literal.positive { return false }
        return true
    }

    /// The number a numeric form has (NULL parts count as 0).
    mutating func number(_ form: QTIForm) throws(QTIEvaluationError) -> Rational {
        var total = Rational.zero
        for term in form.terms where try holds(term.literals) {
            total = try Self.exact(total.plus(try Self.exact(term.scale.times(try number(term.leaf)))))
        }
        return total
    }

    static func exact(_ value: Rational?) throws(QTIEvaluationError) -> Rational {
        guard let value else { throw QTIEvaluationError(message: QTIArithmetic.tooLarge) }
        return value
    }

    mutating func number(_ leaf: QTILeaf) throws(QTIEvaluationError) -> Rational {
        switch leaf {
        case .unit: return .one
        case .map(let name):
            guard let mapping = mappings[name] else { throw QTIEvaluationError(message: "no mapping for \(name)") }
            return try Self.exact(mapping.rawSum(responses[name] ?? .null))
        case .clamp(let lower, let upper, let form):
            var value = try number(form)
            if let lower, value < lower { value = lower }
            if let upper, upper < value { value = upper }
            return value
        case .value(let sym):
            let value = try evaluate(sym)
            if value.isNull { return .zero }
            guard let number = value.number else {
                throw QTIEvaluationError(message: "a score expression gives \(value), not a number")
            }
            return number
        }
    }

    /// The values a non-numeric form holds (the union of its active terms).
    mutating func values(_ form: QTIForm) throws(QTIEvaluationError) -> [QTIScalar] {
        var result: [QTIScalar] = []
        for term in form.terms where try holds(term.literals) {
            switch term.leaf {
            case .value(let sym): result += try evaluate(sym).scalars
            default: result.append(.number(try Self.exact(term.scale.times(try number(term.leaf)))))
            }
        }
        return result
    }

    mutating func evaluate(_ sym: QTISym) throws(QTIEvaluationError) -> QTIValue {
        if let cached = memo[ObjectIdentifier(sym)] { return cached }
        steps += 1
        guard steps <= Self.maximumSteps else { throw QTIEvaluationError(message: "evaluation takes too long") }
        let value = try compute(sym)
        memo[ObjectIdentifier(sym)] = value
        return value
    }

    private mutating func compute(_ sym: QTISym) throws(QTIEvaluationError) -> QTIValue {
        switch sym.op {
        case .constant(let value): return value
        case .response(let name): return responses[name] ?? .null
        case .unsupported(let message): throw QTIEvaluationError(message: message)
        case .outcome(let form, let numeric, let single):
            if numeric { return .number(try number(form)) }
            let values = try values(form)
            if single { return values.last.map(QTIValue.single) ?? .null }
            return .container(values, ordered: false)
        case .mapResponse(let name):
            guard let mapping = mappings[name] else { throw QTIEvaluationError(message: "no mapping for \(name)") }
            var value = try Self.exact(mapping.rawSum(responses[name] ?? .null))
            if let lower = mapping.lowerBound, value < lower { value = lower }
            if let upper = mapping.upperBound, upper < value { value = upper }
            return .number(value)
        case .call(let name):
            return try call(name, sym)
        }
    }

    private mutating func arguments(_ sym: QTISym) throws(QTIEvaluationError) -> [QTIValue] {
        var result: [QTIValue] = []
        for child in sym.children { result.append(try evaluate(child)) }
        return result
    }

    private mutating func numbers(_ sym: QTISym) throws(QTIEvaluationError) -> [Rational]? {
        var result: [Rational] = []
        for value in try arguments(sym) {
            if value.isNull { return nil }
            for scalar in value.scalars {
                guard let number = scalar.number else {
                    throw QTIEvaluationError(message: "\(sym.callName ?? "operator") needs numbers, found \(value)")
                }
                result.append(number)
            }
        }
        return result
    }

    private mutating func call(_ name: String, _ sym: QTISym) throws(QTIEvaluationError) -> QTIValue {
        switch name {
        case "isNull":
            return .boolean(try evaluate(sym.children[0]).isNull)
        case "not":
            guard let value = try evaluate(sym.children[0]).boolean else { return .null }
            return .boolean(!value)
        case "and":
            var sawNull = false
            for child in sym.children {
                switch try evaluate(child).boolean {
                case false?: return .boolean(false)
                case nil: sawNull = true
                case true?: break
                }
            }
            return sawNull ? .null : .boolean(true)
        case "or":
            var sawNull = false
            for child in sym.children {
                switch try evaluate(child).boolean {
                case true?: return .boolean(true)
                case nil: sawNull = true
                case false?: break
                }
            }
            return sawNull ? .null : .boolean(false)
        case "match":
            let arguments = try arguments(sym)
            guard !arguments[0].isNull, !arguments[1].isNull else { return .null }
            return .boolean(Self.match(arguments[0], arguments[1]))
        case "member":
            let arguments = try arguments(sym)
            guard let needle = arguments[0].scalars.first, !arguments[1].isNull else { return .null }
            return .boolean(arguments[1].scalars.contains { $0.matches(needle) })
        case "contains":
            let arguments = try arguments(sym)
            guard !arguments[0].isNull, !arguments[1].isNull else { return .null }
            return .boolean(Self.contains(arguments[0], arguments[1]))
        case "multiple", "ordered":
            var values: [QTIScalar] = []
            for value in try arguments(sym) { values += value.scalars }
            return .container(values, ordered: name == "ordered")
        case "containerSize":
            return .number(Rational(try evaluate(sym.children[0]).scalars.count))
        case "index":
            let value = try evaluate(sym.children[0])
            guard let n = XMLNumber.integer(sym.attributes["n"]), n >= 1, n <= value.scalars.count else { return .null }
            return .single(value.scalars[n - 1])
        case "equal":
            guard let values = try numbers(sym), values.count == 2 else { return .null }
            return .boolean(try Self.equal(values[0], values[1], sym.attributes))
        case "stringMatch":
            let arguments = try arguments(sym)
            guard let a = arguments[0].scalars.first?.text, let b = arguments[1].scalars.first?.text else {
                return .null
            }
            let caseSensitive = (sym.attributes["caseSensitive"] ?? "true").lowercased() != "false"
            let substring = (sym.attributes["substring"] ?? "false").lowercased() == "true"
            let left = caseSensitive ? a : a.lowercased()
            let right = caseSensitive ? b : b.lowercased()
            return .boolean(substring ? left.contains(right) : left == right)
        case "patternMatch":
            guard let text = try evaluate(sym.children[0]).scalars.first?.text else { return .null }
            let pattern = sym.attributes["pattern"] ?? ""
            if nativePatterns.contains(pattern) {
                guard let compiled = CompiledPattern(pattern) else { return .boolean(false) }
                return .boolean(compiled.matchesWhole(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            return .boolean(try QTIPatterns.matches(text, pattern: pattern))
        case "sum":
            guard let values = try numbers(sym) else { return .null }
            return .number(try Self.exact(QTIArithmetic.sum(values)))
        case "product":
            guard let values = try numbers(sym) else { return .null }
            var product = Rational.one
            for value in values { product = try Self.exact(product.times(value)) }
            return .number(product)
        case "subtract":
            guard let values = try numbers(sym), values.count == 2 else { return .null }
            return .number(try Self.exact(values[0].minus(values[1])))
        case "divide":
            guard let values = try numbers(sym), values.count == 2, values[1] != .zero else { return .null }
            return .number(try Self.exact(values[0].over(values[1])))
        case "min", "max":
            guard let values = try numbers(sym), let first = values.first else { return .null }
            return .number(values.dropFirst().reduce(first) { name == "min" ? min($0, $1) : max($0, $1) })
        case "gt", "lt", "gte", "lte":
            guard let values = try numbers(sym), values.count == 2 else { return .null }
            let (a, b) = (values[0], values[1])
            switch name {
            case "gt": return .boolean(b < a)
            case "lt": return .boolean(a < b)
            case "gte": return .boolean(!(a < b))
            default: return .boolean(!(b < a))
            }
        case "round", "truncate":
            guard let values = try numbers(sym), let value = values.first else { return .null }
            return .number(Self.integer(value, rounding: name == "round"))
        default:
            throw QTIEvaluationError(message: "operator \(name) is not supported")
        }
    }

    static func integer(_ value: Rational, rounding: Bool) -> Rational {
        let numerator = Int128(value.numerator)
        let denominator = Int128(value.denominator)
        if rounding {
            // floor(x + 1/2)
            let shifted = 2 * numerator + denominator
            let twice = 2 * denominator
            var quotient = shifted / twice
            if shifted % twice != 0, shifted < 0 { quotient -= 1 }
            return Rational(reducing: quotient, 1)
        }
        return Rational(reducing: numerator / denominator, 1)
    }

    static func match(_ a: QTIValue, _ b: QTIValue) -> Bool {
        switch (a, b) {
        case (.single(let x), .single(let y)):
            return x.matches(y)
        case (.ordered(let x), .ordered(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.matches($1) }
        default:
            let x = a.scalars
            var remaining = b.scalars
            guard x.count == remaining.count else { return false }
            for value in x {
                guard let index = remaining.firstIndex(where: { $0.matches(value) }) else { return false }
                remaining.remove(at: index)
            }
            return true
        }
    }

    static func contains(_ a: QTIValue, _ b: QTIValue) -> Bool {
        if case .ordered(let x) = a, case .ordered(let y) = b {
            guard y.count <= x.count else { return false }
            for start in 0...(x.count - y.count) where zip(x[start...], y).allSatisfy({ $0.matches($1) }) {
                return true
            }
            return false
        }
        var remaining = a.scalars
        for value in b.scalars {
            guard let index = remaining.firstIndex(where: { $0.matches(value) }) else { return false }
            remaining.remove(at: index)
        }
        return true
    }

    /// QTI `equal`: `x` within the tolerance of `y` (relative tolerances are percentages).
    static func equal(_ x: Rational, _ y: Rational, _ attributes: [String: String]) throws(QTIEvaluationError) -> Bool {
        let mode = attributes["toleranceMode"] ?? "exact"
        if mode == "exact" { return x == y }
        guard let (t0, t1) = tolerances(attributes["tolerance"]) else {
            throw QTIEvaluationError(message: "equal has no valid tolerance")
        }
        var lower: Rational
        var upper: Rational
        switch mode {
        case "absolute":
            lower = try exact(y.minus(t0))
            upper = try exact(y.plus(t1))
        case "relative":
            lower = try exact(try exact(Rational.one.minus(try exact(t0.over(Rational(100))))).times(y))
            upper = try exact(try exact(Rational.one.plus(try exact(t1.over(Rational(100))))).times(y))
            if upper < lower { swap(&lower, &upper) }
        default:
            throw QTIEvaluationError(message: "equal has the unknown toleranceMode '\(mode)'")
        }
        let includeLower = (attributes["includeLowerBound"] ?? "true").lowercased() != "false"
        let includeUpper = (attributes["includeUpperBound"] ?? "true").lowercased() != "false"
        let aboveLower = includeLower ? !(x < lower) : lower < x
        let belowUpper = includeUpper ? !(upper < x) : x < upper
        return aboveLower && belowUpper
    }

    /// The two tolerances of `tolerance="t0 t1"` (one value is used for both).
    static func tolerances(_ text: String?) -> (Rational, Rational)? {
        guard let text else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard (1...2).contains(parts.count), let t0 = QTIValueParsing.number(parts[0]), !(t0 < .zero) else {
            return nil
        }
        guard parts.count == 2 else { return (t0, t0) }
        guard let t1 = QTIValueParsing.number(parts[1]), !(t1 < .zero) else { return nil }
        return (t0, t1)
    }
}

/// XML Schema regular expressions as `patternMatch` uses them (implicitly anchored, no flags).
enum QTIPatterns {
    nonisolated(unsafe) private static var cache: [String: Regex<AnyRegexOutput>] = [:]
    private static let lock = NSLock()

    static func matches(_ text: String, pattern: String) throws(QTIEvaluationError) -> Bool {
        let regex = try compiled(pattern)
        return (try? regex.wholeMatch(in: text)) != nil
    }

    static func compiled(_ pattern: String) throws(QTIEvaluationError) -> Regex<AnyRegexOutput> {
        lock.lock()
        defer { lock.unlock() }
        if let regex = cache[pattern] { return regex }
        guard let source = swiftSource(pattern), let regex = try? Regex(source) else {
            throw QTIEvaluationError(message: "the pattern '\(pattern)' is not a supported regular expression")
        }
        if cache.count > 500 { cache.removeAll() }
        cache[pattern] = regex
        return regex
    }

    /// The Swift regex source for an XML Schema pattern, or nil for constructs Swift reads differently.
    static func swiftSource(_ pattern: String) -> String? {
        guard pattern.count <= 2_000 else { return nil }
        var result = ""
        var inClass = false
        var iterator = Array(pattern).makeIterator()
        var previous: Character = " "
        while let character = iterator.next() {
            switch character {
            case "\\":
                guard let next = iterator.next() else { return nil }
                if "iIcC".contains(next) { return nil }
                result += "\\" + String(next)
                previous = next
                continue
            case "[":
                if inClass {
                    if previous == "-" { return nil }  // class subtraction
                    result += "\\["
                } else {
                    inClass = true
                    result += "["
                }
            case "]":
                inClass = false
                result += "]"
            case "^" where !inClass, "$" where !inClass:
                result += "\\" + String(character)
            case "$" where inClass:
                result += "\\$"
            default:
                result.append(character)
            }
            previous = character
        }
        return result
    }
}
