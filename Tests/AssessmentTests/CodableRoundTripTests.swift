import Foundation
import Testing

@testable import Assessment

/// Random answers that fit an item, from a seeded generator.
enum RandomAnswers {
    static func response(for item: Item, using generator: inout SeededGenerator) -> Response {
        func pick(_ ids: [String]) -> String { ids.isEmpty ? "x" : ids[generator.uniform(below: ids.count)] }
        func number() -> Rational {
            Rational(
                generator.uniform(below: 2_000_001) - 1_000_000,
                [1, 2, 3, 4, 7, 8, 10, 1000][generator.uniform(below: 8)])
        }
        switch item.kind {
        case .singleChoice(let options, _): return .choice(pick(options.map(\.id)))
        case .multipleResponse(let options, _):
            return .choices(Set(options.map(\.id).filter { _ in generator.uniform(below: 2) == 0 }))
        case .trueFalse: return .truth(generator.uniform(below: 2) == 0)
        case .numeric: return .number(number())
        case .shortText: return .text("Antwort \(generator.uniform(below: 1000)) „ä“ \u{1F600}")
        case .matching(let premises, let responses, _):
            return .matches(Dictionary(uniqueKeysWithValues: premises.map { ($0.id, pick(responses.map(\.id))) }))
        case .ordering(let elements, _):
            var ids = elements.map(\.id)
            generator.shuffle(&ids)
            return .order(ids)
        case .cloze(let gaps):
            return .gaps(Dictionary(uniqueKeysWithValues: gaps.map { ($0.id, "\(number().exactText)") }))
        case .essay: return .essay("Freitext\nmit Zeilen \(generator.uniform(below: 1000))")
        }
    }
}

@Suite("Codable round trips")
struct CodableRoundTripTests {
    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(T.self, from: data)
    }

    @Test("every sample bank survives encoding and decoding unchanged", arguments: SampleBanks.names)
    func sampleBanks(name: String) throws {
        let bank = try SampleBanks.load(name)
        #expect(try roundTrip(bank) == bank)
        let json = String(decoding: try JSONEncoder().encode(bank), as: UTF8.self)
        #expect(!json.contains("\"points\":1") && !json.contains("\"points\":0."), "points are strings")
    }

    @Test("rationals are written as exact decimal or fraction strings")
    func rationalText() throws {
        let encoder = JSONEncoder()
        #expect(String(decoding: try encoder.encode([Rational(117, 2)]), as: UTF8.self) == #"["58.5"]"#)
        #expect(String(decoding: try encoder.encode([Rational(1, 3)]), as: UTF8.self) == #"["1\/3"]"#)
        #expect(String(decoding: try encoder.encode([Rational(-7)]), as: UTF8.self) == #"["-7"]"#)
        #expect(
            try JSONDecoder().decode([Rational].self, from: Data(#"["58.5","1/3","-2/4"]"#.utf8))
                == [Rational(117, 2), Rational(1, 3), Rational(-1, 2)])
    }

    @Test(
        "decoding refuses floats, bad fractions and out-of-range numbers",
        arguments: [
            "[58.5]", "[1]", #"["1e3"]"#, #"["0,5"]"#, #"[" 1"]"#, #"["1/0"]"#, #"["1/-3"]"#, #"["1/"]"#,
            #"["/3"]"#, #"["NaN"]"#, #"["inf"]"#, #"["1.0000000000001"]"#, #"["10000000000001"]"#,
            #"["9007199254740993/2"]"#, #"[""]"#, #"["+1"]"#, #"["1.5/2"]"#, "[null]", "[true]",
        ])
    func strictRationals(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Rational].self, from: Data(json.utf8)) }
    }

    @Test("random responses, scores and attempts of every sample bank round-trip", arguments: SampleBanks.names)
    func randomAttempts(name: String) throws {
        let bank = try SampleBanks.load(name)
        var generator = SeededGenerator(seed: "round-trip \(name)")
        for round in 0..<20 {
            let draw = try ExamDraw(bank: bank, blueprint: .random(count: bank.items.count), seed: "\(round)")
            var attempt = try Attempt(
                id: "a\(round)", learnerID: "l", kind: round % 2 == 0 ? .homework : .selfTest, bank: bank,
                draw: draw, timeLimit: round % 3 == 0 ? .seconds(3600) : nil,
                startedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(round)), assessmentID: "hw")
            for drawn in draw.items where generator.uniform(below: 4) != 0 {
                let item = try #require(bank.item(withID: drawn.itemID))
                let response = RandomAnswers.response(for: item, using: &generator)
                #expect(try roundTrip(response) == response)
                try attempt.save(response, for: item.id, at: attempt.startedAt)
            }
            if round % 2 == 0 { _ = try attempt.submit(at: attempt.startedAt.addingTimeInterval(60)) }
            let stored = attempt.stored
            let decoded = try roundTrip(stored)
            #expect(decoded == stored)
            let restored = try Attempt(restoring: decoded, bank: bank)
            #expect(restored.stored == stored)
            #expect(restored.score == attempt.score)
            #expect(try roundTrip(attempt.score) == attempt.score)
        }
    }

    @Test("grade results and course rules round-trip")
    func gradeResults() throws {
        let rules = CourseRules(
            thresholds: Thresholds(attendance: Rational(50), scored: Rational(101, 2)), ects: Rational(5, 2),
            assessments: [CourseAssessment(id: "final", kind: .finalExam, maxPoints: Rational(40))])
        #expect(try roundTrip(rules) == rules)
        let learner = LearnerRecord(
            id: "l1", name: "Erika Mustermann", contentViewed: Rational(2, 3),
            attempts: [
                RecordedAttempt(
                    assessmentID: "final", points: Rational(117, 4),
                    proctoring: Proctoring(proctorID: "p", learnerConsented: true))
            ])
        #expect(try roundTrip(learner) == learner)
        let result = rules.grade(learner)
        #expect(try roundTrip(result) == result)
    }

    @Test("an item score whose verdict contradicts its points is refused")
    func inconsistentItemScore() {
        for json in [
            #"{"points":"1","maximum":"2","verdict":"correct"}"#, #"{"points":"3","maximum":"2","verdict":"correct"}"#,
            #"{"points":"-1","maximum":"2","verdict":"incorrect"}"#,
            #"{"points":"1","maximum":"2","verdict":"unanswered"}"#,
        ] {
            #expect(throws: DecodingError.self, "\(json)") {
                try JSONDecoder().decode(ItemScore.self, from: Data(json.utf8))
            }
        }
    }

    @Test("unknown item, gap and response types are refused with their name")
    func unknownTypes() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Response.self, from: Data(#"{"type":"guess","value":"a"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ItemKind.self, from: Data(#"{"type":"hotspot"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Response.self, from: Data(#"{"type":"choices","value":["a","a"]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Tolerance.self, from: Data(#"{"absolute":"-1"}"#.utf8))
        }
    }
}
