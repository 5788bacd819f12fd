/// A fixed workload for measuring scoring throughput: items of every type, each with correct,
/// partly correct and wrong responses.
package struct ScoringBenchmark: Sendable {
    private let cases: [(scorer: ItemScorer, response: Response)]
    private let typeNames: [String]

    /// Number of distinct items in the workload.
    package let itemCount: Int

    /// Builds the workload.
    package init() {
        func choices(_ count: Int, _ prefix: String = "o") -> [Choice] {
            (1...count).map { Choice(id: "\(prefix)\($0)", text: "Option \($0)") }
        }
        let items: [(Item, [Response])] = [
            (
                Item(
                    id: "sc", topic: "t", points: Rational(1), stem: "?",
                    kind: .singleChoice(options: choices(4), correct: "o2")),
                [.choice("o2"), .choice("o1"), .choice("o4")]
            ),
            (
                Item(
                    id: "mr", topic: "t", points: Rational(3), stem: "?",
                    kind: .multipleResponse(options: choices(6), correct: ["o1", "o3", "o5"])),
                [
                    .choices(["o1", "o3", "o5"]), .choices(["o1", "o2"]),
                    .choices(["o1", "o2", "o3", "o4", "o5", "o6"]),
                ]
            ),
            (
                Item(
                    id: "tf", topic: "t", points: Rational(1), stem: "?",
                    kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil)),
                [.truth(true), .truth(false)]
            ),
            (
                Item(
                    id: "nu", topic: "t", points: Rational(2), stem: "?",
                    kind: .numeric(
                        answers: [NumericAnswer(Rational(45, 10), tolerance: .relative(Rational(1, 20)))], unit: nil)),
                [.number(Rational(44, 10)), .number(Rational(5)), .number(Rational(45, 10))]
            ),
            (
                Item(
                    id: "st", topic: "t", points: Rational(1), stem: "?",
                    kind: .shortText(
                        answers: [TextAnswer("Aktenmäßigkeit"), TextAnswer("Grundsatz der Aktenmäßigkeit")],
                        pattern: nil,
                        caseSensitive: false)),
                [.text("aktenmäßigkeit"), .text("  Grundsatz  der Aktenmäßigkeit "), .text("Schriftlichkeit")]
            ),
            (
                Item(
                    id: "ma", topic: "t", points: Rational(4), stem: "?",
                    kind: .matching(
                        premises: choices(4, "p"), responses: choices(5, "r"),
                        correct: ["p1": "r1", "p2": "r2", "p3": "r3", "p4": "r4"])),
                [
                    .matches(["p1": "r1", "p2": "r2", "p3": "r3", "p4": "r4"]),
                    .matches(["p1": "r2", "p2": "r1", "p3": "r3", "p4": "r5"]),
                ]
            ),
            (
                Item(
                    id: "or", topic: "t", points: Rational(5), stem: "?",
                    kind: .ordering(elements: choices(5, "e"), correctOrder: ["e1", "e2", "e3", "e4", "e5"])),
                [.order(["e1", "e2", "e3", "e4", "e5"]), .order(["e2", "e1", "e3", "e5", "e4"])]
            ),
            (
                Item(
                    id: "cl", topic: "t", points: Rational(3), stem: "Die {{a}} wird nach {{b}} Jahren {{c}}.",
                    kind: .cloze(gaps: [
                        Gap(id: "a", weight: Rational(2), kind: .choice(options: choices(3, "o"), correct: "o1")),
                        Gap(
                            id: "b", kind: .numeric(answers: [NumericAnswer(Rational(10), tolerance: .absolute(.one))])),
                        Gap(id: "c", kind: .text(answers: [TextAnswer("ausgesondert")], caseSensitive: false)),
                    ])),
                [
                    .gaps(["a": "o1", "b": "10", "c": "ausgesondert"]),
                    .gaps(["a": "o2", "b": "9,5", "c": "vernichtet"]),
                ]
            ),
        ]
        var cases: [(ItemScorer, Response)] = []
        for (item, responses) in items {
            let scorer = ItemScorer(item: item)
            for response in responses { cases.append((scorer, response)) }
        }
        self.cases = cases
        self.itemCount = items.count
        self.typeNames = items.map { $0.0.kind.typeName }
    }

    /// Scores `count` responses of each item type separately.
    ///
    /// - Returns: the type name and its responses per second, in the order of ``ItemType``.
    package func runPerType(count: Int) -> [(type: String, perSecond: Double)] {
        typeNames.map { name in
            let subset = ScoringBenchmark(
                cases: cases.filter { $0.scorer.item.kind.typeName == name }, typeNames: [name])
            let result = subset.run(count: count)
            return (name, Double(count) / result.seconds)
        }
    }

    private init(cases: [(scorer: ItemScorer, response: Response)], typeNames: [String]) {
        self.cases = cases
        self.typeNames = typeNames
        self.itemCount = typeNames.count
    }

    /// Scores `count` responses on the calling thread.
    ///
    /// - Returns: elapsed seconds and a checksum of the points (so the work cannot be optimised away).
    package func run(count: Int) -> (seconds: Double, checksum: Int64) {
        var checksum: Int64 = 0
        let clock = ContinuousClock()
        let start = clock.now
        var index = 0
        for _ in 0..<count {
            let entry = cases[index]
            let score = entry.scorer.score(entry.response)
            checksum &+= score.points.numerator &* 31 &+ score.points.denominator
            index += 1
            if index == cases.count { index = 0 }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, checksum)
    }
}
