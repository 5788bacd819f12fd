import Foundation

/// An exact rational number, always in lowest terms with a positive denominator.
///
/// Points, partial credit and percentages are rationals so that thresholds never drift: 50 % of
/// 37 points is reached with 18.5 and not with 18.49. Intermediate products are computed in 128 bits;
/// the validator's limits (points <= 1000 with at most 4 decimals, at most 20 options per item) keep
/// every reduced result far inside 64 bits.
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Numerator, carrying the sign.
    public let numerator: Int64
    /// Denominator, always > 0.
    public let denominator: Int64

    /// Zero.
    public static let zero = Rational(0)
    /// One.
    public static let one = Rational(1)

    /// The integer `value`.
    public init(_ value: Int) {
        numerator = Int64(value)
        denominator = 1
    }

    private init(exactInteger value: Int64) {
        numerator = value
        denominator = 1
    }

    /// `numerator / denominator`, reduced. `denominator` must not be zero.
    public init(_ numerator: Int, _ denominator: Int) {
        self.init(reducing: Int128(numerator), Int128(denominator))
    }

    package init(reducing numerator: Int128, _ denominator: Int128) {
        precondition(denominator != 0, "a rational number cannot have the denominator 0")
        if let n = Int64(exactly: numerator), let d = Int64(exactly: denominator), n != .min, d != .min {
            (self.numerator, self.denominator) = Self.lowestTerms(n, d)
            return
        }
        let (n, d) = Self.lowestTerms(numerator, denominator)
        if let exactNumerator = Int64(exactly: n), let exactDenominator = Int64(exactly: d), exactNumerator != .min {
            self.numerator = exactNumerator
            self.denominator = exactDenominator
        } else {
            (self.numerator, self.denominator) = Self.approximated(n, d)
        }
    }

    /// `n/d` with a positive denominator and no common divisor, in the width given (64 bits on the fast path).
    private static func lowestTerms<T: FixedWidthInteger & SignedInteger>(_ numerator: T, _ denominator: T) -> (T, T)
    where T.Magnitude: UnsignedInteger & FixedWidthInteger {
        var n = numerator
        var d = denominator
        if d < 0 {
            n = -n
            d = -d
        }
        let divisor = gcd(n.magnitude, d.magnitude)
        if divisor > 1 {
            n /= T(divisor)
            d /= T(divisor)
        }
        return (n, d)
    }

    /// The value nearest to `n/d` (d > 0) with the denominator 10¹², or the saturated whole part when even that
    /// does not fit. Only reached by values whose lowest terms need more than 64 bits, which the bank
    /// validator's limits keep real banks away from; it keeps hostile input from crashing the process.
    private static func approximated(_ n: Int128, _ d: Int128) -> (Int64, Int64) {
        let scale: Int128 = 1_000_000_000_000
        let whole = n / d
        let remainder = n % d
        if whole.magnitude < 9_000_000 {
            let fraction = Int128((Double(remainder) / Double(d) * Double(scale)).rounded())
            let scaled = whole * scale + fraction
            let divisor = gcd(scaled.magnitude, scale.magnitude)
            return (Int64(scaled / Int128(divisor)), Int64(scale / Int128(divisor)))
        }
        return (Int64(clamping: whole), 1)
    }

    /// `n/d` reduced, or `nil` when the lowest terms do not fit in 64 bits.
    package static func exactly(_ numerator: Int128, _ denominator: Int128) -> Rational? {
        guard denominator != 0 else { return nil }
        let (n, d) = lowestTerms(numerator, denominator)
        guard let exactNumerator = Int64(exactly: n), let exactDenominator = Int64(exactly: d), exactNumerator != .min
        else { return nil }
        return Rational(reducing: Int128(exactNumerator), Int128(exactDenominator))
    }

    /// Binary GCD (Stein), cheaper than repeated division.
    private static func gcd<T: UnsignedInteger & FixedWidthInteger>(_ a: T, _ b: T) -> T {
        if a == 0 { return b }
        if b == 0 { return a }
        var (a, b) = (a, b)
        let shift = (a | b).trailingZeroBitCount
        a >>= a.trailingZeroBitCount
        repeat {
            b >>= b.trailingZeroBitCount
            if a > b { swap(&a, &b) }
            b -= a
        } while b != 0
        return a << shift
    }

    /// Parses a decimal such as `18.5`, `-3`, `0,25` (decimal comma) or `1e3`.
    ///
    /// Returns `nil` for anything else, including more than 12 fractional digits or values beyond ±10¹².
    public init?(decimal text: some StringProtocol) {
        var characters = Substring(text)
        while characters.first == " " || characters.first == "\t" { characters = characters.dropFirst() }
        while characters.last == " " || characters.last == "\t" { characters = characters.dropLast() }
        guard !characters.isEmpty, characters.count <= 40 else { return nil }
        var negative = false
        if characters.first == "-" || characters.first == "+" {
            negative = characters.first == "-"
            characters = characters.dropFirst()
        }
        var exponent = 0
        if let marker = characters.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(characters[characters.index(after: marker)...]), abs(value) <= 12 else {
                return nil
            }
            exponent = value
            characters = characters[..<marker]
        }
        let parts = characters.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false) }
        guard (1...2).contains(parts.count) else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), fraction.count <= 12,
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let digits = (whole + fraction).drop(while: { $0 == "0" })
        guard digits.count <= 24, let mantissa = Int128(digits.isEmpty ? "0" : String(digits)) else { return nil }
        let scale = exponent - fraction.count
        var numerator = negative ? -mantissa : mantissa
        var denominator: Int128 = 1
        if scale >= 0 {
            for _ in 0..<scale { numerator *= 10 }
        } else {
            for _ in 0..<(-scale) { denominator *= 10 }
        }
        guard (numerator / denominator).magnitude <= 1_000_000_000_000,
            let exact = Rational.exactly(numerator, denominator)
        else { return nil }
        self = exact
    }

    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        if rhs.numerator == 0 { return lhs }
        if lhs.numerator == 0 { return rhs }
        if lhs.denominator == rhs.denominator {
            return Rational(reducing: Int128(lhs.numerator) + Int128(rhs.numerator), Int128(lhs.denominator))
        }
        return Rational(
            reducing: Int128(lhs.numerator) * Int128(rhs.denominator) + Int128(rhs.numerator)
                * Int128(lhs.denominator),
            Int128(lhs.denominator) * Int128(rhs.denominator))
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        lhs + Rational(reducing: -Int128(rhs.numerator), Int128(rhs.denominator))
    }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        if lhs.denominator == 1 && rhs.denominator == 1 {
            let (product, overflow) = lhs.numerator.multipliedReportingOverflow(by: rhs.numerator)
            if !overflow { return Rational(exactInteger: product) }
        }
        return Rational(
            reducing: Int128(lhs.numerator) * Int128(rhs.numerator),
            Int128(lhs.denominator) * Int128(rhs.denominator))
    }

    /// Division; `rhs` must not be zero.
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        Rational(
            reducing: Int128(lhs.numerator) * Int128(rhs.denominator),
            Int128(lhs.denominator) * Int128(rhs.numerator))
    }

    public static func += (lhs: inout Rational, rhs: Rational) { lhs = lhs + rhs }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        if lhs.denominator == rhs.denominator { return lhs.numerator < rhs.numerator }
        return Int128(lhs.numerator) * Int128(rhs.denominator) < Int128(rhs.numerator) * Int128(lhs.denominator)
    }

    /// The absolute value.
    public var magnitude: Rational {
        numerator < 0 ? Rational(reducing: -Int128(numerator), Int128(denominator)) : self
    }

    /// Whether the value is an integer.
    public var isInteger: Bool { denominator == 1 }

    /// Nearest `Double`, for display only; never compare thresholds with it.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// Decimal text rounded half away from zero to at most `places` fractional digits, trailing zeros
    /// dropped: `37/2` → `18.5`, `1/3` → `0.33`. Display only.
    public func formatted(places: Int = 2) -> String {
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int128(numerator.magnitude) * scale
        let denominator = Int128(denominator)
        var rounded = scaled / denominator
        if (scaled % denominator) * 2 >= denominator { rounded += 1 }
        let sign = numerator < 0 && rounded != 0 ? "-" : ""
        let whole = rounded / scale
        var fraction = String(rounded % scale)
        if places > 0 {
            fraction = String(repeating: "0", count: places - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        return fraction.isEmpty || places == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}

extension Rational {
    /// `self` as a percentage of `maximum` (0 when `maximum` is 0).
    public func percent(of maximum: Rational) -> Rational {
        maximum == .zero ? .zero : self * Rational(100) / maximum
    }
}

extension Rational {
    /// The exact decimal text (`37/2` → `18.5`) when the value has a finite decimal expansion, otherwise
    /// the fraction `numerator/denominator` (`1/3`). `Rational(exactText:)` reads either back.
    public var exactText: String {
        var remainingDenominator = denominator
        var twos = 0
        var fives = 0
        while remainingDenominator % 2 == 0 {
            remainingDenominator /= 2
            twos += 1
        }
        while remainingDenominator % 5 == 0 {
            remainingDenominator /= 5
            fives += 1
        }
        guard remainingDenominator == 1, max(twos, fives) <= 12 else { return description }
        let places = max(twos, fives)
        guard places > 0 else { return "\(numerator)" }
        return formatted(places: places)
    }

    /// Reads a decimal (`0.5`, `-12.25`, `1e-3`) or a fraction (`1/3`, `-2/7`); `nil` for anything else.
    public init?(exactText text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let slash = trimmed.firstIndex(of: "/") {
            guard let numerator = Int(trimmed[..<slash]),
                let denominator = Int(trimmed[trimmed.index(after: slash)...]),
                denominator > 0, numerator.magnitude < 1 << 53, denominator < 1 << 53
            else { return nil }
            self.init(numerator, denominator)
        } else {
            guard let value = Rational(decimal: trimmed) else { return nil }
            self = value
        }
    }
}
