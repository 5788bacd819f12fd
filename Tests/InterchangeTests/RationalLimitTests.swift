import Testing

@testable import Assessment

@Suite("Exact rationals under hostile input")
struct RationalLimitTests {
    @Test("decimals whose lowest terms do not fit 64 bits are refused, not a crash")
    func hugeDecimal() {
        #expect(Rational(decimal: "999999999999.999999999999") == nil)
        #expect(Rational(exactText: "-9223372036854775808/3") == nil)
    }

    @Test("arithmetic beyond 64 bits rounds to 12 decimals instead of trapping")
    func overflowingArithmetic() {
        var sum = Rational.zero
        for prime in [999_983, 999_979, 999_961, 999_959, 999_953, 999_931] { sum += Rational(1, prime) }
        #expect(sum > .zero)
        #expect(sum < Rational(1, 100_000))
    }
}
