import Assessment
import Foundation

/// One value of a QTI base type. Numbers are exact (`float` and `integer` alike).
enum QTIScalar: Hashable, CustomStringConvertible {
    case identifier(String)
    case string(String)
    case number(Rational)
    case boolean(Bool)
    /// An unordered pair, stored with the smaller identifier first.
    case pair(String, String)
    case directedPair(String, String)

    static func unorderedPair(_ a: String, _ b: String) -> QTIScalar {
        a <= b ? .pair(a, b) : .pair(b, a)
    }

    /// The text of an identifier or string.
    var text: String? {
        switch self {
        case .identifier(let text), .string(let text): text
        default: nil
        }
    }

    var number: Rational? {
        if case .number(let value) = self { return value }
        return nil
    }

    var description: String {
        switch self {
        case .identifier(let text): text
        case .string(let text): "\"\(text)\""
        case .number(let value): value.exactText
        case .boolean(let value): value ? "true" : "false"
        case .pair(let a, let b), .directedPair(let a, let b): "\(a) \(b)"
        }
    }

    /// Equality as QTI's `match` sees it: identifiers and strings compare by text.
    func matches(_ other: QTIScalar) -> Bool {
        if let a = text, let b = other.text { return a == b }
        return self == other
    }
}

/// A QTI variable value: NULL, a single value or a container.
enum QTIValue: Equatable, CustomStringConvertible {
    case null
    case single(QTIScalar)
    /// A multiple (bag) container; never empty (an empty container is NULL).
    case multiple([QTIScalar])
    /// An ordered container; never empty.
    case ordered([QTIScalar])

    static func container(_ values: [QTIScalar], ordered: Bool) -> QTIValue {
        if values.isEmpty { return .null }
        return ordered ? .ordered(values) : .multiple(values)
    }

    static func number(_ value: Rational) -> QTIValue { .single(.number(value)) }
    static func boolean(_ value: Bool) -> QTIValue { .single(.boolean(value)) }

    var isNull: Bool { self == .null }

    /// The values of the variable (one for a single value, none for NULL).
    var scalars: [QTIScalar] {
        switch self {
        case .null: []
        case .single(let scalar): [scalar]
        case .multiple(let values), .ordered(let values): values
        }
    }

    var number: Rational? {
        if case .single(.number(let value)) = self { return value }
        return nil
    }

    var boolean: Bool? {
        if case .single(.boolean(let value)) = self { return value }
        return nil
    }

    var description: String {
        switch self {
        case .null: "no answer"
        case .single(let scalar): scalar.description
        case .multiple(let values): "{" + values.map(\.description).joined(separator: ", ") + "}"
        case .ordered(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// The declared base type of a variable.
enum QTIBaseType: String {
    case identifier, string, float, integer, boolean, pair, directedPair, point, duration, file, uri, intOrIdentifier

    /// Parses one `<value>` text of this type.
    func parse(_ raw: String) -> QTIScalar? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch self {
        case .identifier: return trimmed.isEmpty ? nil : .identifier(trimmed)
        case .string, .uri: return .string(raw)
        case .float, .integer: return QTIValueParsing.number(trimmed).map(QTIScalar.number)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "1": return .boolean(true)
            case "false", "0": return .boolean(false)
            default: return nil
            }
        case .pair, .directedPair:
            let parts = trimmed.split(whereSeparator: \.isWhitespace)
            guard parts.count == 2 else { return nil }
            return self == .pair
                ? .unorderedPair(String(parts[0]), String(parts[1])) : .directedPair(String(parts[0]), String(parts[1]))
        case .intOrIdentifier:
            return QTIValueParsing.number(trimmed).map(QTIScalar.number)
                ?? (trimmed.isEmpty ? nil : .identifier(trimmed))
        case .point, .duration, .file: return nil
        }
    }

    var isNumeric: Bool { self == .float || self == .integer }
}

enum QTIValueParsing {
    /// An exact number from QTI float/integer text (`0.5`, `-3`, `1.5E2`); no decimal comma.
    ///
    /// At most 15 significant digits and 15 decimal places are read, so that the exact value always fits
    /// (`Rational(decimal:)` would trap on some longer inputs).
    static func number(_ text: String) -> Rational? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.contains(","), trimmed.count <= 40 else { return nil }
        var body = Substring(trimmed)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        var exponent = 0
        if let marker = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(body[body.index(after: marker)...]), abs(value) <= 12 else { return nil }
            exponent = value
            body = body[..<marker]
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = (parts[0] + fraction).drop { $0 == "0" }
        guard digits.count <= 15, fraction.count - exponent <= 15 else { return nil }
        return Rational(decimal: trimmed)
    }

    /// A decimal or a fraction `n/d` (our weight hints), read safely.
    static func exact(_ text: some StringProtocol) -> Rational? {
        text.contains("/") ? Rational(exactText: text) : number(String(text))
    }
}

/// A `mapping` of a response declaration: keys to points, with a default and optional bounds.
struct QTIMapping {
    struct Entry {
        var key: QTIScalar
        var value: Rational
        var caseSensitive: Bool
        var line: Int
    }

    var entries: [Entry]
    var defaultValue: Rational
    var lowerBound: Rational?
    var upperBound: Rational?

    /// The mapped value of one scalar: its entry's value or the default.
    func value(of scalar: QTIScalar) -> Rational {
        for entry in entries where Self.key(entry, matches: scalar) { return entry.value }
        return defaultValue
    }

    static func key(_ entry: Entry, matches scalar: QTIScalar) -> Bool {
        if let key = entry.key.text, let given = scalar.text {
            return entry.caseSensitive ? key == given : key.lowercased() == given.lowercased()
        }
        if let key = entry.key.number, let given = scalar.number { return key == given }
        return entry.key == scalar
    }

    /// `mapResponse` without the bounds: the sum over the distinct values of the response (0 for NULL);
    /// nil when the sum leaves the checked bounds.
    func rawSum(_ value: QTIValue) -> Rational? {
        var seen: [QTIScalar] = []
        var total = Rational.zero
        for scalar in value.scalars where !seen.contains(scalar) {
            seen.append(scalar)
            guard let next = total.plus(self.value(of: scalar)) else { return nil }
            total = next
        }
        return total
    }
}

/// A declared response variable.
struct QTIResponseDeclaration {
    var identifier: String
    var cardinality: String
    var baseType: QTIBaseType?
    var correct: QTIValue
    var mapping: QTIMapping?
    var defaultValue: QTIValue
    var line: Int

    var isMultiple: Bool { cardinality == "multiple" }
    var isOrdered: Bool { cardinality == "ordered" }
}

/// A declared outcome variable.
struct QTIOutcomeDeclaration {
    var identifier: String
    var cardinality: String
    var baseType: QTIBaseType?
    var defaultValue: QTIValue
    var normalMaximum: Rational?
    var line: Int

    var isNumeric: Bool { baseType?.isNumeric ?? false }
}
