import Assessment
import Foundation
import Testing

@testable import Storage

/// A save encodes only the answers and splices them before the attempt's unchanged rest: the result must be the
/// very JSON a full encoding writes, whatever the answers hold.
@Suite("Attempt JSON for saves")
struct AttemptJSONTests {
    static let answers: [[String: Response]] = [
        [:],
        ["q1": .choice("a")],
        ["q1": .choice("b"), "q2": .choice("a")],
        ["q2": .text("Grüße \"zitiert\" / mit \\ Schrägstrich\n und Zeilenumbruch")],
        ["q1": .choices(["c", "a", "b"]), "q2": .number(Rational(7, 3))],
        ["q1": .matches(["x": "1", "y": "2"]), "q2": .order(["c", "a"]), "q3": .gaps(["1": "OZG", "2": "€"])],
        ["q1": .essay(String(repeating: "Verwaltung ", count: 200)), "q2": .truth(false)],
    ]

    @Test("the spliced JSON equals the full encoding, and reads back to the same attempt")
    func spliced() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let bank = AttemptRecordsTests.bank
        var stored = try Attempt(
            id: "kurs/abschluss-l1-1", learnerID: "l1", kind: .finalExam, bank: bank,
            draw: try ExamDraw(bank: bank, blueprint: .random(count: 2), seed: "s"), timeLimit: .seconds(1800),
            startedAt: start, assessmentID: "kurs/abschluss"
        ).stored
        stored.proctoring = Proctoring(proctorID: "p", learnerConsented: true, mode: "online", identityCheckedAt: start)
        let (_, rest) = try AttemptJSON.encode(stored)
        let tail = try #require(rest, "the stored JSON does not start with its answers")
        for answers in Self.answers {
            var changed = stored
            changed.answers = answers
            let full = try AttemptRecords.encode(changed)
            let spliced = try AttemptJSON.encode(answers: answers, rest: tail, id: stored.id)
            #expect(spliced == full)
            #expect(try AttemptRecords.decode(spliced) == changed)
            #expect(try AttemptJSON.encode(changed).json == full)
        }
    }
}
