import Testing

@testable import Assessment

@Suite("Exact arithmetic")
struct RationalTests {
    @Test("decimals parse exactly, with a point or a decimal comma")
    func parsesDecimals() {
        #expect(Rational(decimal: "18.5") == Rational(37, 2))
        #expect(Rational(decimal: "18,49") == Rational(1849, 100))
        #expect(Rational(decimal: "-0.25") == Rational(-1, 4))
        #expect(Rational(decimal: " 7 ") == Rational(7))
        #expect(Rational(decimal: "1e3") == Rational(1000))
        #expect(Rational(decimal: ".5") == Rational(1, 2))
        for bad in ["", "abc", "1.2.3", "1,2,3", "--1", "0x10", "1e99", "١٢", "1 000"] {
            #expect(Rational(decimal: bad) == nil, "\(bad) is not a decimal")
        }
    }

    @Test("50 % of 37 points is reached with 18.5 and not with 18.49")
    func thresholdsDoNotDrift() {
        let maximum = Rational(37)
        let half = Rational(50)
        #expect(Rational(decimal: "18.5")!.percent(of: maximum) >= half)
        #expect(Rational(decimal: "18.49")!.percent(of: maximum) < half)
    }

    @Test("sums of thirds are exact")
    func thirdsAddUp() {
        let third = Rational(1, 3)
        #expect(third + third + third == .one)
        #expect(Rational(2, 4) == Rational(1, 2))
        #expect(Rational(1, -2) == Rational(-1, 2))
        #expect(Rational(1, 3) - Rational(1, 2) == Rational(-1, 6))
        #expect(Rational(3, 4) * Rational(2, 3) == Rational(1, 2))
        #expect(Rational(3, 4) / Rational(3, 8) == Rational(2))
    }

    @Test("display rounds half away from zero, decisions use the exact value")
    func formatting() {
        #expect(Rational(37, 2).formatted() == "18.5")
        #expect(Rational(1, 3).formatted() == "0.33")
        #expect(Rational(2, 3).formatted() == "0.67")
        #expect(Rational(-1, 8).formatted() == "-0.13")
        #expect(Rational(5).formatted() == "5")
        #expect(Rational(1, 1000).formatted() == "0")
    }
}
