import Assessment
import Foundation

/// Executes `responseProcessing` symbolically, turning every outcome variable into a ``QTIForm``.
///
/// Rules run under a path condition (the conjunction of the branch conditions that lead to them), so
/// `SCORE := SCORE + x` inside a branch adds one guarded term and an assignment guards the older terms
/// with the negated path: the forms grow linearly with the rules.
struct QTIRuleRunner {
    let names: QTINames
    let responses: [String: QTIResponseDeclaration]
    private(set) var outcomes: [String: QTIOutcomeDeclaration]
    private(set) var forms: [String: QTIForm] = [:]
    /// Rules that were ignored because they cannot affect the score, each with its line.
    private(set) var ignored: [String] = []
    /// A problem that makes the whole processing unusable.
    private(set) var fatal: String?
    /// Negated paths of `exitResponse` rules met so far.
    private var alive: [QTILiteral] = []
    private var dead = false
    private var size = 0
    private static let maximumSize = 200_000
    private static let maximumRules = 20_000
    private var ruleCount = 0

    static let operatorArity: [String: ClosedRange<Int>] = [
        "isNull": 1...1, "not": 1...1, "and": 1...1000, "or": 1...1000, "match": 2...2, "member": 2...2,
        "contains": 2...2, "multiple": 0...1000, "ordered": 0...1000, "containerSize": 1...1, "index": 1...1,
        "equal": 2...2, "stringMatch": 2...2, "patternMatch": 1...1, "sum": 1...1000, "product": 1...1000,
        "subtract": 2...2, "divide": 2...2, "min": 1...1000, "max": 1...1000, "gt": 2...2, "lt": 2...2,
        "gte": 2...2, "lte": 2...2, "round": 1...1, "truncate": 1...1,
    ]
    static let operatorAttributes: [String: [String]] = [
        "equal": ["toleranceMode", "tolerance", "includeLowerBound", "includeUpperBound"],
        "stringMatch": ["caseSensitive", "substring"],
        "patternMatch": ["pattern"],
        "index": ["n"],
    ]

    init(names: QTINames, responses: [String: QTIResponseDeclaration], outcomes: [String: QTIOutcomeDeclaration]) {
        self.names = names
        self.responses = responses
        self.outcomes = outcomes
        for (identifier, declaration) in outcomes {
            forms[identifier] = Self.initialForm(declaration)
        }
    }

    static func initialForm(_ declaration: QTIOutcomeDeclaration) -> QTIForm {
        if declaration.isNumeric {
            return .constant(declaration.defaultValue.number ?? .zero)
        }
        if declaration.defaultValue.isNull { return QTIForm() }
        return QTIForm(terms: [QTITerm(literals: [], scale: .one, leaf: .value(.constant(declaration.defaultValue)))])
    }

    /// Replaces an outcome's form (used when a file without rules is scored by its declarations).
    mutating func setForm(_ identifier: String, _ form: QTIForm) {
        forms[identifier] = form
    }

    // MARK: Templates

    /// Runs a standard template; `correctPoints` is what `match_correct` gives for a correct response.
    mutating func runTemplate(_ template: QTITemplate, correctPoints: Rational, line: Int) {
        guard let response = responses["RESPONSE"] else {
            fatal = "the \(template.fileName) template (line \(line)) needs a response declaration 'RESPONSE'"
            return
        }
        if outcomes["SCORE"] == nil {
            outcomes["SCORE"] = QTIOutcomeDeclaration(
                identifier: "SCORE", cardinality: "single", baseType: .float, defaultValue: .number(.zero),
                normalMaximum: nil, line: line)
        }
        let variable = QTISym(.response("RESPONSE"))
        switch template {
        case .matchCorrect:
            let condition = QTISym.call("match", [variable, .constant(response.correct, fromCorrect: true)])
            forms["SCORE"] = QTIForm(terms: [
                QTITerm(literals: [QTILiteral(condition: condition, positive: true)], scale: correctPoints, leaf: .unit)
            ])
        case .mapResponse:
            guard response.mapping != nil else {
                fatal = "the map_response template (line \(line)) needs a mapping for 'RESPONSE'"
                return
            }
            let notNull = QTILiteral(condition: .call("isNull", [variable]), positive: false)
            forms["SCORE"] = mapForm("RESPONSE").guarded(by: [notNull])
        case .mapResponsePoint:
            fatal = "the map_response_point template (areas on an image) is not supported"
        }
    }

    // MARK: Rules

    mutating func run(_ rules: [MarkupElement]) {
        run(rules, path: [])
    }

    private mutating func run(_ rules: [MarkupElement], path: [QTILiteral]) {
        for rule in rules {
            guard fatal == nil, !dead else { return }
            ruleCount += 1
            guard ruleCount <= Self.maximumRules else {
                fatal = "the response processing has more than \(Self.maximumRules) rules"
                return
            }
            let name = names.name(rule)
            switch name {
            case "setOutcomeValue":
                setOutcome(rule, path: alive + path)
            case "responseCondition":
                condition(rule, path: path)
            case "exitResponse":
                if path.isEmpty {
                    dead = true
                } else {
                    alive.append(Self.negation(of: path))
                }
            case "responseProcessingFragment":
                run(rule.elements, path: path)
            case "lookupOutcomeValue":
                if let identifier = names.attribute(rule, "identifier"), outcomes[identifier] != nil {
                    let sym = QTISym(.unsupported("lookupOutcomeValue at line \(rule.line) is not supported"))
                    assign(
                        identifier, QTIForm(terms: [QTITerm(literals: [], scale: .one, leaf: .value(sym))]),
                        path: alive + path)
                } else {
                    ignored.append("lookupOutcomeValue at line \(rule.line) sets an undeclared variable; it is ignored")
                }
            default:
                fatal = "the rule <\(rule.name)> at line \(rule.line) is not supported"
            }
            if size > Self.maximumSize {
                fatal = "the response processing is too complex to convert"
            }
        }
    }

    private mutating func condition(_ rule: MarkupElement, path: [QTILiteral]) {
        if let clamp = clampRule(rule) {
            applyClamp(clamp, path: alive + path)
            return
        }
        var branches: [(literals: [QTILiteral]?, rules: [MarkupElement])] = []
        var elseRules: [MarkupElement]? = nil
        for (index, branch) in rule.elements.enumerated() {
            switch names.name(branch) {
            case "responseIf", "responseElseIf":
                let isFirst = index == 0
                guard isFirst == (names.name(branch) == "responseIf") else {
                    fatal = "<\(branch.name)> at line \(branch.line) is out of place in responseCondition"
                    return
                }
                guard let conditionElement = branch.elements.first else {
                    fatal = "<\(branch.name)> at line \(branch.line) has no condition"
                    return
                }
                let condition = expression(conditionElement)
                branches.append((Self.literals(of: condition, positive: true), Array(branch.elements.dropFirst())))
            case "responseElse":
                guard index == rule.elements.count - 1, index > 0 else {
                    fatal = "<\(branch.name)> at line \(branch.line) is out of place in responseCondition"
                    return
                }
                elseRules = branch.elements
            default:
                fatal = "<\(branch.name)> at line \(branch.line) is not allowed in responseCondition"
                return
            }
        }
        guard !branches.isEmpty else {
            fatal = "responseCondition at line \(rule.line) has no responseIf"
            return
        }
        var prior: [QTILiteral] = []
        for branch in branches {
            guard let literals = branch.literals else { continue }  // never true
            run(branch.rules, path: path + prior + literals)
            if literals.isEmpty { return }  // always true: later branches never run
            prior.append(Self.negation(of: literals))
        }
        if let elseRules { run(elseRules, path: path + prior) }
    }

    private struct Clamp {
        var variable: String
        var lower: Rational?
        var upper: Rational?
    }

    /// `if SCORE > X then SCORE = X` (or `<`, `>=`, `<=`, operands either way) with a constant X.
    private mutating func clampRule(_ rule: MarkupElement) -> Clamp? {
        guard rule.elements.count == 1, let branch = rule.elements.first, names.name(branch) == "responseIf",
            branch.elements.count == 2
        else { return nil }
        let test = branch.elements[0]
        let action = branch.elements[1]
        let comparison = names.name(test)
        guard ["gt", "gte", "lt", "lte"].contains(comparison), test.elements.count == 2,
            names.name(action) == "setOutcomeValue", let target = names.attribute(action, "identifier"),
            let declaration = outcomes[target], declaration.isNumeric, action.elements.count == 1
        else { return nil }
        let operands = test.elements
        let variableFirst = isVariable(operands[0], target)
        guard variableFirst || isVariable(operands[1], target) else { return nil }
        guard let bound = expression(operands[variableFirst ? 1 : 0]).constantValue?.number,
            let assigned = expression(action.elements[0]).constantValue?.number, bound == assigned
        else { return nil }
        let isUpper = (comparison == "gt" || comparison == "gte") == variableFirst
        return Clamp(variable: target, lower: isUpper ? nil : bound, upper: isUpper ? bound : nil)
    }

    private func isVariable(_ element: MarkupElement, _ identifier: String) -> Bool {
        names.name(element) == "variable" && names.attribute(element, "identifier") == identifier
    }

    private mutating func applyClamp(_ clamp: Clamp, path: [QTILiteral]) {
        let old = forms[clamp.variable] ?? QTIForm()
        let clamped = QTIForm(terms: [
            QTITerm(literals: [], scale: .one, leaf: .clamp(lower: clamp.lower, upper: clamp.upper, old))
        ])
        assign(clamp.variable, clamped, path: path)
    }

    private mutating func setOutcome(_ rule: MarkupElement, path: [QTILiteral]) {
        guard let target = names.attribute(rule, "identifier") else {
            fatal = "setOutcomeValue at line \(rule.line) has no identifier"
            return
        }
        guard let declaration = outcomes[target] else {
            if target == "SCORE" {
                fatal = "setOutcomeValue at line \(rule.line) sets 'SCORE', which is not declared"
            } else {
                ignored.append(
                    "setOutcomeValue at line \(rule.line) sets '\(target)', which is not declared; the rule is ignored")
            }
            return
        }
        guard rule.elements.count == 1, let valueElement = rule.elements.first else {
            fatal = "setOutcomeValue at line \(rule.line) needs exactly one expression"
            return
        }
        // Accumulation: SCORE := SCORE + x, FEEDBACK := multiple(FEEDBACK, x).
        let accumulator = declaration.isNumeric ? "sum" : (declaration.cardinality == "single" ? nil : "multiple")
        if let accumulator, names.name(valueElement) == accumulator,
            let selfIndex = valueElement.elements.firstIndex(where: { isVariable($0, target) }),
            valueElement.elements.count >= 2
        {
            var others = valueElement.elements
            others.remove(at: selfIndex)
            var delta = QTIForm()
            for other in others { delta.terms += form(of: expression(other), numeric: declaration.isNumeric).terms }
            forms[target, default: QTIForm()].terms += delta.guarded(by: path).terms
            size += delta.size + path.count * delta.terms.count
            return
        }
        assign(target, form(of: expression(valueElement), numeric: declaration.isNumeric), path: path)
    }

    private mutating func assign(_ target: String, _ new: QTIForm, path: [QTILiteral]) {
        if path.isEmpty {
            forms[target] = new
            size += new.size
            return
        }
        let old = forms[target] ?? QTIForm()
        let negated = Self.negation(of: path)
        let result = QTIForm(terms: old.guarded(by: [negated]).terms + new.guarded(by: path).terms)
        size += result.size
        forms[target] = result
    }

    // MARK: Literals

    /// The literals of a condition; `nil` when it can never hold.
    static func literals(of condition: QTISym, positive: Bool) -> [QTILiteral]? {
        if let value = condition.constantValue {
            let holds = value.boolean ?? false
            return holds == positive ? [] : nil
        }
        if condition.callName == "not", let inner = condition.children.first {
            return literals(of: inner, positive: !positive)
        }
        if positive, condition.callName == "and" {
            var result: [QTILiteral] = []
            for child in condition.children {
                guard let literals = literals(of: child, positive: true) else { return nil }
                result += literals
            }
            return result
        }
        return [QTILiteral(condition: condition, positive: positive)]
    }

    /// The single literal "not all of `literals`".
    static func negation(of literals: [QTILiteral]) -> QTILiteral {
        if literals.count == 1 { return QTILiteral(condition: literals[0].condition, positive: !literals[0].positive) }
        let parts = literals.map { $0.positive ? $0.condition : QTISym.call("not", [$0.condition]) }
        return QTILiteral(condition: .call("and", parts), positive: false)
    }

    // MARK: Forms

    func mapForm(_ response: String) -> QTIForm {
        let raw = QTIForm(terms: [QTITerm(literals: [], scale: .one, leaf: .map(response))])
        guard let mapping = responses[response]?.mapping, mapping.lowerBound != nil || mapping.upperBound != nil else {
            return raw
        }
        return QTIForm(terms: [
            QTITerm(literals: [], scale: .one, leaf: .clamp(lower: mapping.lowerBound, upper: mapping.upperBound, raw))
        ])
    }

    /// The form of an expression's value.
    func form(of sym: QTISym, numeric: Bool) -> QTIForm {
        switch sym.op {
        case .constant(let value):
            if numeric {
                if value.isNull { return QTIForm() }
                if let number = value.number { return .constant(number) }
            } else if value.isNull {
                return QTIForm()
            }
        case .outcome(let form, let isNumeric, _) where isNumeric == numeric:
            return form
        case .mapResponse(let name) where numeric:
            return mapForm(name)
        case .call(let name):
            if numeric {
                switch name {
                case "sum":
                    return QTIForm(terms: sym.children.flatMap { form(of: $0, numeric: true).terms })
                case "subtract":
                    if let negated = form(of: sym.children[1], numeric: true).scaled(by: Rational(-1)) {
                        return QTIForm(terms: form(of: sym.children[0], numeric: true).terms + negated.terms)
                    }
                case "product":
                    var factor: Rational? = .one
                    var variable: QTISym? = nil
                    var opaque = false
                    for child in sym.children {
                        if let number = child.constantValue?.number {
                            factor = factor?.times(number)
                        } else if variable == nil {
                            variable = child
                        } else {
                            opaque = true
                        }
                    }
                    if !opaque, let variable, let factor,
                        let scaled = form(of: variable, numeric: true).scaled(by: factor)
                    {
                        return scaled
                    }
                case "divide":
                    if let divisor = sym.children[1].constantValue?.number, let inverse = Rational.one.over(divisor),
                        let scaled = form(of: sym.children[0], numeric: true).scaled(by: inverse)
                    {
                        return scaled
                    }
                default:
                    break
                }
            } else if name == "multiple" {
                return QTIForm(terms: sym.children.flatMap { form(of: $0, numeric: false).terms })
            }
        default:
            break
        }
        return QTIForm(terms: [QTITerm(literals: [], scale: .one, leaf: .value(sym))])
    }

    // MARK: Expressions

    /// The symbolic value of an expression element.
    func expression(_ element: MarkupElement, depth: Int = 0) -> QTISym {
        let name = names.name(element)
        let line = element.line
        func unsupported(_ message: String) -> QTISym { QTISym(.unsupported(message)) }
        guard depth < 100 else { return unsupported("expressions at line \(line) are nested too deeply") }
        switch name {
        case "baseValue":
            guard let typeName = names.attribute(element, "baseType"), let type = QTIBaseType(rawValue: typeName)
            else { return unsupported("baseValue at line \(line) has no valid baseType") }
            guard let scalar = type.parse(element.text) else {
                return unsupported("baseValue at line \(line): '\(element.text)' is not a valid \(typeName)")
            }
            return .constant(.single(scalar))
        case "variable":
            guard let identifier = names.attribute(element, "identifier") else {
                return unsupported("variable at line \(line) has no identifier")
            }
            if responses[identifier] != nil { return QTISym(.response(identifier)) }
            if let declaration = outcomes[identifier], let form = forms[identifier] {
                if declaration.isNumeric, let constant = Self.constantNumber(form) {
                    return .constant(.number(constant))
                }
                return QTISym(
                    .outcome(form, numeric: declaration.isNumeric, single: declaration.cardinality == "single"))
            }
            return unsupported("variable '\(identifier)' at line \(line) is not declared")
        case "correct":
            guard let identifier = names.attribute(element, "identifier"), let response = responses[identifier] else {
                return unsupported(
                    "correct at line \(line) refers to '\(names.attribute(element, "identifier") ?? "")', which is not a declared response"
                )
            }
            guard !response.correct.isNull else {
                return unsupported("correct at line \(line): response '\(identifier)' has no correctResponse")
            }
            return .constant(response.correct, fromCorrect: true)
        case "default":
            guard let identifier = names.attribute(element, "identifier") else {
                return unsupported("default at line \(line) has no identifier")
            }
            if let response = responses[identifier] { return .constant(response.defaultValue) }
            if let outcome = outcomes[identifier] { return .constant(outcome.defaultValue) }
            return unsupported("default at line \(line) refers to '\(identifier)', which is not declared")
        case "mapResponse":
            guard let identifier = names.attribute(element, "identifier"), let response = responses[identifier] else {
                return unsupported(
                    "mapResponse at line \(line) refers to '\(names.attribute(element, "identifier") ?? "")', which is not a declared response"
                )
            }
            guard response.mapping != nil else {
                return unsupported("mapResponse at line \(line): response '\(identifier)' has no mapping")
            }
            return QTISym(.mapResponse(identifier))
        case "mapResponsePoint":
            return unsupported("mapResponsePoint at line \(line) (areas on an image) is not supported")
        case "null":
            return .constant(.null)
        default:
            break
        }
        guard let arity = Self.operatorArity[name] else {
            return unsupported("the operator <\(element.name)> at line \(line) is not supported")
        }
        let children = element.elements.map { expression($0, depth: depth + 1) }
        guard arity.contains(children.count) else {
            return unsupported("<\(element.name)> at line \(line) has \(children.count) expressions")
        }
        var attributes: [String: String] = [:]
        for attribute in Self.operatorAttributes[name] ?? [] {
            if let value = names.attribute(element, attribute) { attributes[attribute] = value }
        }
        if name == "patternMatch", attributes["pattern"] == nil {
            return unsupported("patternMatch at line \(line) has no pattern")
        }
        if name == "equal", (attributes["toleranceMode"] ?? "exact") != "exact",
            QTIEvaluator.tolerances(attributes["tolerance"]) == nil
        {
            return unsupported("equal at line \(line) has no valid tolerance")
        }
        let sym = QTISym.call(name, children, attributes)
        // Fold constant sub-expressions (divide(1, 3), MAXSCORE × 0.5, ...).
        if children.allSatisfy({ $0.constantValue != nil }) {
            var evaluator = QTIEvaluator(responses: [:], mappings: [:])
            do {
                let value = try evaluator.evaluate(sym)
                return .constant(value, fromCorrect: children.contains { $0.fromCorrect })
            } catch {
                return unsupported("<\(element.name)> at line \(line): \(error.message)")
            }
        }
        return sym
    }

    /// The value of a numeric form that does not depend on any response.
    static func constantNumber(_ form: QTIForm) -> Rational? {
        var total = Rational.zero
        for term in form.terms {
            guard term.literals.isEmpty else { return nil }
            let value: Rational
            switch term.leaf {
            case .unit: value = .one
            case .value(let sym):
                guard let number = sym.constantValue?.number else { return nil }
                value = number
            case .clamp(let lower, let upper, let inner):
                guard var clamped = constantNumber(inner) else { return nil }
                if let lower, clamped < lower { clamped = lower }
                if let upper, upper < clamped { clamped = upper }
                value = clamped
            case .map:
                return nil
            }
            guard let product = term.scale.times(value), let sum = total.plus(product) else { return nil }
            total = sum
        }
        return total
    }
}
