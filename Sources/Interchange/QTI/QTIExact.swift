import Assessment
/// Overflow-checked arithmetic for numbers read from (or written to) QTI files.
///
/// `Rational`'s operators trap when a reduced result does not fit 64 bits; a hostile file can make that
/// happen. These return `nil` instead whenever a numerator or denominator would exceed 10^15, which keeps
/// every intermediate product of two such numbers inside 128 bits.
extension Rational {
    static let qtiBound: UInt128 = 1_000_000_000_000_000

    private static func checked(_ numerator: Int128, _ denominator: Int128) -> Rational? {
        guard let value = Rational.exactly(numerator, denominator), value.isQTISized else { return nil }
        return value
    }

    /// Whether the number is within the bounds the checked operations keep.
    var isQTISized: Bool {
        numerator.magnitude <= UInt64(Self.qtiBound) && denominator.magnitude <= UInt64(Self.qtiBound)
    }

    func plus(_ other: Rational) -> Rational? {
        guard isQTISized, other.isQTISized else { return nil }
        return Self.checked(
            Int128(numerator) * Int128(other.denominator) + Int128(other.numerator) * Int128(denominator),
            Int128(denominator) * Int128(other.denominator))
    }

    func minus(_ other: Rational) -> Rational? {
        guard isQTISized, other.isQTISized else { return nil }
        return Self.checked(
            Int128(numerator) * Int128(other.denominator) - Int128(other.numerator) * Int128(denominator),
            Int128(denominator) * Int128(other.denominator))
    }

    func times(_ other: Rational) -> Rational? {
        guard isQTISized, other.isQTISized else { return nil }
        return Self.checked(
            Int128(numerator) * Int128(other.numerator), Int128(denominator) * Int128(other.denominator))
    }

    /// `nil` also for division by zero.
    func over(_ other: Rational) -> Rational? {
        guard isQTISized, other.isQTISized, other.numerator != 0 else { return nil }
        return Self.checked(
            Int128(numerator) * Int128(other.denominator), Int128(denominator) * Int128(other.numerator))
    }
}

/// Arithmetic that left the checked bounds.
enum QTIArithmetic {
    static let tooLarge = "a number in the scoring is too large or too precise to be kept exactly"

    /// The sum of `values`, or nil on overflow.
    static func sum(_ values: [Rational]) -> Rational? {
        var total = Rational.zero
        for value in values {
            guard let next = total.plus(value) else { return nil }
            total = next
        }
        return total
    }
}
