import Assessment
import Testing

@Suite("Item analysis gives the hand-computed figures and nil where a figure is undefined")
struct ItemAnalysisTests {
    static func response(
        _ attempt: String, _ item: String, _ score: String, _ max: String = "1", _ chosen: [String]? = nil
    )
        -> ScoredResponse
    {
        ScoredResponse(
            attempt: attempt, item: item, score: Rational(decimal: score)!, max: Rational(decimal: max)!, chosen: chosen
        )
    }

    static func close(_ value: Double?, _ expected: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) < 1e-12
    }

    @Test("three attempts on two items give r 0.5, alpha 2/3 and SEM √2/3")
    func handComputed() {
        let responses = [
            Self.response("A1", "q1", "1"), Self.response("A1", "q2", "1"),
            Self.response("A2", "q1", "1"), Self.response("A2", "q2", "0"),
            Self.response("A3", "q1", "0"), Self.response("A3", "q2", "0"),
        ]
        let report = ItemAnalysis.analyse(
            items: [AnalysedItem(id: "q1"), AnalysedItem(id: "q2")], responses: responses)
        #expect(report.test.attempts == 3)
        #expect(Self.close(report.test.mean, 1))
        #expect(Self.close(report.test.sd, (2.0 / 3).squareRoot()))
        #expect(Self.close(report.test.median, 1))
        #expect(Self.close(report.test.alpha, 2.0 / 3))
        #expect(Self.close(report.test.sem, 2.0.squareRoot() / 3))
        let q1 = report.items[0]
        #expect(q1.n == 3)
        #expect(Self.close(q1.facility, 2.0 / 3))
        #expect(Self.close(q1.sd, (2.0 / 9).squareRoot()))
        #expect(Self.close(q1.discrimination, 0.5))
        #expect(Self.close(q1.upperLower, 1))
        #expect(Self.close(report.items[1].facility, 1.0 / 3))
        #expect(q1.flags.map(\.code) == ["few-responses"])
    }

    @Test("an item nobody answered leaves alpha unchanged and has no figures")
    func unansweredItem() {
        let responses = [
            Self.response("A1", "q1", "1"), Self.response("A1", "q2", "1"),
            Self.response("A2", "q1", "1"), Self.response("A2", "q2", "0"),
            Self.response("A3", "q1", "0"), Self.response("A3", "q2", "0"),
        ]
        let report = ItemAnalysis.analyse(
            items: [AnalysedItem(id: "q1"), AnalysedItem(id: "q2"), AnalysedItem(id: "q3")], responses: responses)
        #expect(Self.close(report.test.alpha, 2.0 / 3))
        #expect(report.items[2].n == 0)
        #expect(report.items[2].facility == nil && report.items[2].sd == nil && report.items[2].discrimination == nil)
    }

    @Test("when every response is equal, discrimination, alpha and SEM are nil, never NaN")
    func allEqual() {
        let responses = (1...4).flatMap { [Self.response("A\($0)", "q1", "1"), Self.response("A\($0)", "q2", "1")] }
        let report = ItemAnalysis.analyse(
            items: [AnalysedItem(id: "q1"), AnalysedItem(id: "q2")], responses: responses)
        #expect(report.items[0].discrimination == nil)
        #expect(report.items[0].sd == 0)
        #expect(report.items[0].upperLower == 0)
        #expect(report.test.sd == 0)
        #expect(report.test.alpha == nil)
        #expect(report.test.sem == nil)
        #expect(report.items[0].flags.map(\.code) == ["too-easy", "few-responses"])
    }

    @Test("one item: alpha and discrimination are undefined, facility is not")
    func oneItem() {
        let responses = [Self.response("A1", "q1", "1"), Self.response("A2", "q1", "0")]
        let report = ItemAnalysis.analyse(items: [AnalysedItem(id: "q1")], responses: responses)
        #expect(report.test.alpha == nil)
        #expect(report.items[0].discrimination == nil)
        #expect(report.items[0].facility == 0.5)
        #expect(report.items[0].upperLower == 1)
    }

    @Test("one attempt: spreads are 0, correlations and groups undefined")
    func oneAttempt() {
        let responses = [Self.response("A1", "q1", "1"), Self.response("A1", "q2", "0")]
        let report = ItemAnalysis.analyse(
            items: [AnalysedItem(id: "q1"), AnalysedItem(id: "q2")], responses: responses)
        #expect(report.test.attempts == 1)
        #expect(report.test.median == 1)
        #expect(report.test.sd == 0)
        #expect(report.test.alpha == nil)
        #expect(report.items[0].discrimination == nil)
        #expect(report.items[0].upperLower == nil)
    }

    @Test("an essay with partial points has facility mean score ÷ max")
    func essayPartialPoints() {
        let responses = [
            Self.response("A1", "essay", "1.5", "2"), Self.response("A2", "essay", "0.5", "2"),
            Self.response("A1", "q1", "1"), Self.response("A2", "q1", "0"),
        ]
        let report = ItemAnalysis.analyse(
            items: [AnalysedItem(id: "essay"), AnalysedItem(id: "q1")], responses: responses)
        #expect(report.items[0].facility == 0.5)
        #expect(report.items[0].sd == 0.5)
        #expect(report.items[0].upperLower == 0.5)
        #expect(Self.close(report.items[0].discrimination, 1))
        // Item variances 0.25 and 0.25, totals 2.5 and 0.5 (variance 1): alpha = 2·(1 − 0.5) = 1.
        #expect(Self.close(report.test.alpha, 1))
        #expect(Self.close(report.test.sem, 0))
    }

    @Test("a distractor nobody chooses and one the upper group prefers are flagged; a negative r is an error")
    func distractors() {
        let item = AnalysedItem(id: "q1", options: ["a", "b", "c"], correct: ["a"])
        // Strong candidates (high q2) pick b, weak ones pick the key a: negative discrimination.
        let responses = [
            Self.response("A1", "q1", "0", "1", ["b"]), Self.response("A1", "q2", "3", "3"),
            Self.response("A2", "q1", "0", "1", ["b"]), Self.response("A2", "q2", "2", "3"),
            Self.response("A3", "q1", "1", "1", ["a"]), Self.response("A3", "q2", "1", "3"),
            Self.response("A4", "q1", "1", "1", ["a"]), Self.response("A4", "q2", "0", "3"),
        ]
        let report = ItemAnalysis.analyse(items: [item, AnalysedItem(id: "q2")], responses: responses)
        let q1 = report.items[0]
        #expect(q1.options.map(\.share) == [0.5, 0.5, 0])
        #expect(q1.options.map(\.upperShare) == [0, 1, 0])
        #expect(q1.options.map(\.lowerShare) == [1, 0, 0])
        #expect(
            q1.flags.map(\.code) == [
                "negative-discrimination", "upper-distractor:b", "unused-distractor:c", "few-responses",
            ])
        #expect(q1.flags[0].severity == .error)
        #expect(q1.flags.allSatisfy { $0.advice.hasSuffix(".") && !$0.advice.dropLast().contains(". ") })
    }

    @Test("a second response of an attempt to an item and responses to unknown items are ignored")
    func duplicatesIgnored() {
        let responses = [
            Self.response("A1", "q1", "1"), Self.response("A1", "q1", "0"), Self.response("A1", "zz", "1"),
        ]
        let report = ItemAnalysis.analyse(items: [AnalysedItem(id: "q1")], responses: responses)
        #expect(report.items[0].n == 1)
        #expect(report.totals == [1])
    }

    @Test("no responses at all give nil figures and zero counts")
    func empty() {
        let report = ItemAnalysis.analyse(items: [AnalysedItem(id: "q1")], responses: [])
        #expect(report.test.attempts == 0)
        #expect(report.test.mean == nil && report.test.median == nil && report.test.sd == nil)
        #expect(report.items[0].n == 0 && report.items[0].facility == nil)
    }
}
