import Testing

@testable import Assessment

@Suite("Exam draws")
struct DrawTests {
    let bank: Bank

    init() throws {
        bank = try SampleBanks.load("ozg-onlinedienste.yaml")
    }

    @Test("the same bank version, blueprint and seed give the same items and option orders")
    func deterministic() throws {
        let blueprint = Blueprint.random(count: 12)
        let first = try ExamDraw(bank: bank, blueprint: blueprint, seed: "2026-11-23-A")
        let second = try ExamDraw(bank: bank, blueprint: blueprint, seed: "2026-11-23-A")
        #expect(first == second)
        #expect(first.items.count == 12)
        #expect(Set(first.items.map(\.itemID)).count == 12, "no item is drawn twice")
    }

    @Test("a pinned draw stays the same across machines and Swift versions")
    func pinnedDraw() throws {
        // The generator is our own (xoshiro256** via SplitMix64 from FNV-1a), so these values are stable.
        // A change here breaks every replay a proctor relies on: do not update these values lightly.
        var generator = SeededGenerator(seed: "kommunalcampus")
        #expect(
            (0..<3).map { _ in generator.next() }
                == [17_143_454_425_863_322_852, 10_593_106_803_606_007_871, 4_207_290_031_783_551_739])
        let small = Bank(
            id: "b", title: "B", language: "de", provider: "P", version: "1",
            items: (1...6).map {
                Item(
                    id: "i\($0)", topic: "t", points: .one, stem: "?",
                    kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
            })
        let draw = try ExamDraw(bank: small, blueprint: .random(count: 6), seed: "fixed")
        #expect(draw.items.map(\.itemID) == ["i5", "i2", "i3", "i4", "i1", "i6"])
    }

    @Test("different seeds give different exams")
    func seedSensitive() throws {
        let blueprint = Blueprint.random(count: 10)
        let draws = try (0..<20).map { try ExamDraw(bank: bank, blueprint: blueprint, seed: "seed-\($0)") }
        let distinct = Set(draws.map { $0.items.map(\.itemID) })
        #expect(distinct.count == 20)
    }

    @Test("a new bank version changes the draw")
    func versionSensitive() throws {
        var newer = bank
        newer.version = "1.0.1"
        let blueprint = Blueprint.random(count: 10)
        #expect(
            try ExamDraw(bank: bank, blueprint: blueprint, seed: "s").items
                != ExamDraw(bank: newer, blueprint: blueprint, seed: "s").items)
    }

    @Test("option orders are permutations of the item's choices, shuffled only when asked")
    func optionOrders() throws {
        let shuffled = try ExamDraw(bank: bank, blueprint: .random(count: bank.items.count), seed: "opt")
        var anyMoved = false
        for drawn in shuffled.items {
            let item = try #require(bank.item(withID: drawn.itemID))
            let ids = item.kind.shuffleableChoices.map(\.id)
            #expect(drawn.choiceOrder.sorted() == ids.sorted())
            if drawn.choiceOrder != ids { anyMoved = true }
        }
        #expect(anyMoved)

        let fixed = try ExamDraw(
            bank: bank, blueprint: Blueprint(pools: [.init(count: bank.items.count)], shuffleOptions: false),
            seed: "opt")
        for drawn in fixed.items {
            let item = try #require(bank.item(withID: drawn.itemID))
            if case .ordering = item.kind { continue }
            #expect(drawn.choiceOrder == item.kind.shuffleableChoices.map(\.id))
        }
    }

    @Test("pools draw from their topic and difficulty, without repeating items")
    func pools() throws {
        let blueprint = Blueprint(pools: [
            .init(topic: "rechtsgrundlagen", count: 3), .init(topic: "efa", count: 2), .init(count: 4),
        ])
        let draw = try ExamDraw(bank: bank, blueprint: blueprint, seed: "pools")
        let topics = draw.items.compactMap { bank.item(withID: $0.itemID)?.topic }
        #expect(topics.count { $0 == "rechtsgrundlagen" } >= 3)
        #expect(topics.count { $0 == "efa" } >= 2)
        #expect(Set(draw.items.map(\.itemID)).count == 9)
    }

    @Test("a pool that is too small is an error naming the pool")
    func poolTooSmall() {
        let blueprint = Blueprint(pools: [.init(topic: "efa", difficulty: .hard, count: 40)])
        #expect {
            try ExamDraw(bank: bank, blueprint: blueprint, seed: "x")
        } throws: { error in
            let reason = (error as? AssessmentError)?.reason ?? ""
            return reason.contains("pool topic 'efa', difficulty 'hard'") && reason.contains("draws 40")
        }
        #expect(throws: AssessmentError.self) {
            try ExamDraw(bank: bank, blueprint: Blueprint(pools: [.init(topic: "gibt-es-nicht", count: 1)]), seed: "x")
        }
    }

    @Test("blueprint files are parsed with their limits and defaults")
    func blueprintParsing() throws {
        let blueprint = try Blueprint.parse(
            """
            pools:
              - { topic: rechtsgrundlagen, count: 3 }
              - { difficulty: hard, count: 1 }
            timeLimitMinutes: 30
            attemptLimit: 2
            passThreshold: 60.5
            """)
        #expect(blueprint.pools == [.init(topic: "rechtsgrundlagen", count: 3), .init(difficulty: .hard, count: 1)])
        #expect(blueprint.timeLimit == .seconds(1800))
        #expect(blueprint.attemptLimit == 2)
        #expect(blueprint.passThreshold == Rational(121, 2))
        #expect(blueprint.shuffleItems && blueprint.shuffleOptions)
        for bad in [
            "pools: []", "pools: [{count: 0}]", "pools: [{count: 1}]\nattemptLimit: 0",
            "pools: [{count: 1}]\npassThreshold: 101", "nonsense: [", "pools: [{topic: x}]",
        ] {
            #expect(throws: AssessmentError.self, "\(bad)") { try Blueprint.parse(bad) }
        }
    }
}
