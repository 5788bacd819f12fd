import Foundation
import Testing

@testable import Assessment

@Suite("Restoring stored attempts")
struct StoredAttemptTests {
    let bank: Bank
    let draw: ExamDraw
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        bank = Bank(
            id: "store-bank", title: "T", language: "de", provider: "P", version: "2",
            items: [
                Item(
                    id: "q1", topic: "t", points: Rational(2), stem: "?",
                    kind: .singleChoice(
                        options: [Choice(id: "a", text: "A"), Choice(id: "b", text: "B")], correct: "b")),
                Item(
                    id: "e1", topic: "t", points: Rational(5), stem: "Erläutern Sie.",
                    kind: .essay(responseTemplate: nil, graderInfo: nil)),
            ])
        draw = try ExamDraw(bank: bank, blueprint: .random(count: 2), seed: "s")
    }

    func submittedExam() throws -> StoredAttempt {
        var attempt = try Attempt(
            id: "exam-1", learnerID: "l1", kind: .finalExam, bank: bank, draw: draw, timeLimit: .seconds(600),
            startedAt: start, assessmentID: "exam")
        try attempt.save(.choice("b"), for: "q1", at: start)
        try attempt.save(.essay("Weil."), for: "e1", at: start)
        _ = try attempt.submit(at: start.addingTimeInterval(300))
        try attempt.grade(itemID: "e1", points: Rational(7, 2), by: "g1")
        return attempt.stored
    }

    @Test("a restored attempt keeps its answers, grades, deadline and state, and refuses further answers")
    func restores() throws {
        let stored = try submittedExam()
        var restored = try Attempt(restoring: stored, bank: bank)
        #expect(restored.assessmentID == "exam")
        #expect(restored.deadline == start.addingTimeInterval(600))
        #expect(restored.score.points == Rational(11, 2))
        #expect(restored.score.isFinal)
        #expect(throws: AssessmentError.self) { try restored.save(.choice("a"), for: "q1", at: start) }
    }

    func refusal(_ change: (inout StoredAttempt) -> Void) throws -> AssessmentError? {
        var stored = try submittedExam()
        change(&stored)
        do {
            _ = try Attempt(restoring: stored, bank: bank)
            return nil
        } catch {
            return error
        }
    }

    @Test("an inconsistent stored attempt is refused with a reason naming the problem")
    func refusesInconsistent() throws {
        let cases: [(String, (inout StoredAttempt) -> Void)] = [
            ("not part of the attempt", { $0.answers["q9"] = .choice("a") }),
            ("does not fit", { $0.answers["q1"] = .truth(true) }),
            ("between 0 and 5", { $0.gradedPoints["e1"] = EssayGrade(points: Rational(6), graderID: "g") }),
            ("between 0 and 5", { $0.gradedPoints["e1"] = EssayGrade(points: Rational(-1), graderID: "g") }),
            ("at most 4 decimals", { $0.gradedPoints["e1"] = EssayGrade(points: Rational(1, 3), graderID: "g") }),
            ("not an essay", { $0.gradedPoints["q1"] = EssayGrade(points: Rational(1), graderID: "g") }),
            ("no answer", { $0.answers["e1"] = nil }),
            ("still in progress", { $0.state = .inProgress }),
            ("submitted before it started", { $0.state = .submitted(at: $0.startedAt.addingTimeInterval(-1)) }),
            ("deadline lies before", { $0.deadline = $0.startedAt.addingTimeInterval(-1) }),
            (
                "self-test cannot carry",
                {
                    $0.kind = .selfTest
                    $0.proctoring = Proctoring(proctorID: "p", learnerConsented: true)
                }
            ),
            (
                "not '\("store-bank")' 2",
                {
                    $0.draw = ExamDraw(bankID: "store-bank", bankVersion: "1", seed: "s", items: $0.draw.items)
                }
            ),
            (
                "is not in bank",
                {
                    $0.draw = ExamDraw(
                        bankID: "store-bank", bankVersion: "2", seed: "s",
                        items: [DrawnItem(itemID: "zz", choiceOrder: [])])
                }
            ),
            (
                "choice order",
                {
                    $0.draw = ExamDraw(
                        bankID: "store-bank", bankVersion: "2", seed: "s",
                        items: [
                            DrawnItem(itemID: "q1", choiceOrder: ["a", "c"]), DrawnItem(itemID: "e1", choiceOrder: []),
                        ])
                }
            ),
            (
                "drawn twice",
                {
                    $0.draw = ExamDraw(
                        bankID: "store-bank", bankVersion: "2", seed: "s",
                        items: [DrawnItem(itemID: "e1", choiceOrder: []), DrawnItem(itemID: "e1", choiceOrder: [])])
                }
            ),
            ("proctor's id and a reason", { $0.state = .voided(Voiding(proctorID: "p", reason: " ")) }),
        ]
        for (expected, change) in cases {
            let error = try refusal(change)
            #expect(error?.code == .storedAttempt, "\(expected)")
            #expect(error?.reason.contains(expected) == true, "\(expected): \(error?.reason ?? "restored")")
            #expect(error?.reason.contains("exam-1") == true)
        }
    }

    @Test("decoding a stored attempt with a float for points fails instead of trapping")
    func floatPointsInJSON() throws {
        let json = String(decoding: try JSONEncoder().encode(try submittedExam()), as: UTF8.self)
        #expect(json.contains(#""points":"3.5""#))
        let tampered = json.replacingOccurrences(of: #""points":"3.5""#, with: #""points":3.5"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StoredAttempt.self, from: Data(tampered.utf8)) }
    }
}
