import Foundation
import Testing

@testable import Assessment

@Suite("Attempt policy over a store")
struct AttemptPolicyTests {
    let bank: Bank
    let draw: ExamDraw

    init() throws {
        bank = Bank(
            id: "policy-bank", title: "T", language: "de", provider: "P", version: "1",
            items: [
                Item(
                    id: "q1", topic: "t", points: Rational(2), stem: "?", feedback: "Weil B.",
                    kind: .singleChoice(
                        options: [Choice(id: "a", text: "A"), Choice(id: "b", text: "B")], correct: "b"))
            ])
        draw = try ExamDraw(bank: bank, blueprint: .random(count: 1), seed: "s")
    }

    @Test("the attempt limit counts stored attempts per learner, voided ones included")
    func attemptLimit() async throws {
        let store = AttemptLedger()
        let clock = ManualClock()
        let policy = AttemptPolicy(timeLimit: .seconds(600), attemptLimit: 2)
        let first = try await policy.start(
            kind: .finalExam, learnerID: "l1", assessmentID: "exam", bank: bank, draw: draw, in: store, clock: clock)
        try await policy.void(attemptID: first.id, by: "p1", reason: "Täuschungsversuch", bank: bank, in: store)
        let second = try await policy.start(
            kind: .finalExam, learnerID: "l1", assessmentID: "exam", bank: bank, draw: draw, in: store, clock: clock)
        #expect(second.id == "exam-l1-2")
        await #expect(throws: AssessmentError.self) {
            try await policy.start(
                kind: .finalExam, learnerID: "l1", assessmentID: "exam", bank: bank, draw: draw, in: store, clock: clock
            )
        }
        _ = try await policy.start(
            kind: .finalExam, learnerID: "l2", assessmentID: "exam", bank: bank, draw: draw, in: store, clock: clock)
        #expect(try await store.attempts(of: "l1", at: "exam").count == 2)
        #expect(store.attemptsStarted(by: "l2", at: "exam") == 1)
        let voided = try #require(try await store.load(id: first.id))
        #expect(voided.state == .voided(Voiding(proctorID: "p1", reason: "Täuschungsversuch")))
    }

    @Test("answers are saved to the store until the deadline and refused after it")
    func deadline() async throws {
        let store = AttemptLedger()
        let clock = ManualClock()
        let policy = AttemptPolicy(timeLimit: .seconds(600), attemptLimit: nil)
        let attempt = try await policy.start(
            kind: .homework, learnerID: "l1", assessmentID: "hw1", bank: bank, draw: draw, in: store, clock: clock)
        let feedback = try await policy.save(
            .choice("a"), for: "q1", inAttempt: attempt.id, bank: bank, in: store, clock: clock)
        #expect(feedback == nil, "homework feedback waits for submission")
        #expect(try await store.load(id: attempt.id)?.answers["q1"] == .choice("a"))
        clock.advance(minutes: 11)
        do {
            try await policy.save(.choice("b"), for: "q1", inAttempt: attempt.id, bank: bank, in: store, clock: clock)
            Issue.record("an answer after the deadline was saved")
        } catch let error as AssessmentError {
            #expect(error.code == .deadlinePassed)
        }
        #expect(try await store.load(id: attempt.id)?.answers["q1"] == .choice("a"))
        let score = try await policy.submit(attemptID: attempt.id, bank: bank, in: store, clock: clock)
        #expect(score.points == .zero)
    }

    @Test("submission is final across loads, and self-tests are unlimited with immediate feedback")
    func finalSubmission() async throws {
        let store = AttemptLedger()
        let clock = ManualClock()
        let policy = AttemptPolicy(timeLimit: .seconds(60), attemptLimit: 1)
        for _ in 0..<3 {
            let quiz = try await policy.start(
                kind: .selfTest, learnerID: "l1", assessmentID: "quiz", bank: bank, draw: draw, in: store, clock: clock)
            #expect(quiz.deadline == nil)
            let feedback = try await policy.save(
                .choice("b"), for: "q1", inAttempt: quiz.id, bank: bank, in: store, clock: clock)
            #expect(feedback?.score.verdict == .correct)
            _ = try await policy.submit(attemptID: quiz.id, bank: bank, in: store, clock: clock)
            do {
                try await policy.save(.choice("a"), for: "q1", inAttempt: quiz.id, bank: bank, in: store, clock: clock)
                Issue.record("an answer after submission was saved")
            } catch let error as AssessmentError {
                #expect(error.code == .answerRefused)
            }
        }
        #expect(try await store.attempts(of: "l1", at: "quiz").count == 3)
    }

    @Test("an unknown attempt id is reported, not invented")
    func unknownAttempt() async throws {
        do {
            _ = try await AttemptPolicy().submit(
                attemptID: "nope", bank: bank, in: AttemptLedger(), clock: ManualClock())
            Issue.record("submitted an attempt that does not exist")
        } catch let error as AssessmentError {
            #expect(error.code == .attemptNotFound)
        }
    }

    @Test("a stored attempt that does not restore is refused through the policy")
    func corruptedStore() async throws {
        let store = AttemptLedger()
        let attempt = try await AttemptPolicy().start(
            kind: .homework, learnerID: "l1", assessmentID: "hw", bank: bank, draw: draw, in: store,
            clock: ManualClock())
        var stored = attempt.stored
        stored.answers["q2"] = .choice("a")
        try await store.save(stored)
        do {
            _ = try await AttemptPolicy().attempt(attempt.id, bank: bank, in: store)
            Issue.record("restored an inconsistent attempt")
        } catch let error as AssessmentError {
            #expect(error.code == .storedAttempt)
        }
    }
}

@Suite("Homework due times")
struct HomeworkDueTests {
    @Test("homework ends at its due time at the latest; none starts after it; self-tests are not due")
    func dueTime() throws {
        let bank = Bank(
            id: "due-bank", title: "T", language: "de", provider: "P", version: "1",
            items: [
                Item(
                    id: "q1", topic: "t", points: Rational(1), stem: "?",
                    kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
            ])
        let draw = try ExamDraw(bank: bank, blueprint: .random(count: 1), seed: "s")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let due = start.addingTimeInterval(1_200)
        let policy = AttemptPolicy(timeLimit: .seconds(3_600), due: due)
        let homework = try policy.start(
            kind: .homework, learnerID: "l1", assessmentID: "kurs.hw", bank: bank, draw: draw, existing: [], at: start)
        #expect(homework.deadline == due, "the due time comes before the time limit")
        let short = AttemptPolicy(timeLimit: .seconds(600), due: due)
        let early = try short.start(
            kind: .homework, learnerID: "l1", assessmentID: "kurs.hw", bank: bank, draw: draw, existing: [], at: start)
        #expect(early.deadline == start.addingTimeInterval(600), "the time limit comes first")
        let practice = try policy.start(
            kind: .selfTest, learnerID: "l1", assessmentID: "kurs.st", bank: bank, draw: draw, existing: [], at: due)
        #expect(practice.deadline == nil)
        #expect(throws: AssessmentError.self) {
            try policy.start(
                kind: .homework, learnerID: "l1", assessmentID: "kurs.hw", bank: bank, draw: draw, existing: [], at: due
            )
        }
    }

    @Test("a course checks due times: ISO 8601 with an offset, homework only; results default to immediately")
    func courseChecks() throws {
        let pin = CourseDefinition.BankPin(id: "b", version: 1)
        var course = CourseDefinition(
            id: "kurs", title: "Kurs", period: .init(start: "2026-01-01", end: "2026-06-30"),
            sets: [
                .init(
                    id: "hw", kind: .homework, title: "HA", bank: pin, items: ["q1"], due: "2026-05-15T23:59:00+02:00"),
                .init(id: "st", kind: .selfTest, title: "ST", bank: pin, items: ["q1"], due: "2026-05-15T23:59:00Z"),
                .init(id: "hw2", kind: .homework, title: "HA2", bank: pin, items: ["q1"], due: "15.05.2026"),
            ])
        let fields = course.problems { _ in nil }.map(\.field)
        #expect(!fields.contains("sets[0].due"))
        #expect(fields.contains("sets[1].due"))
        #expect(fields.contains("sets[2].due"))
        #expect(course.sets[0].dueDate == Date(timeIntervalSince1970: 1_778_882_340))
        #expect(course.endsAt == Date(timeIntervalSince1970: 1_782_864_000))
        #expect(course.results == .immediately)
        let json =
            #"{"id":"kurs","title":"K","period":{"start":"2026-01-01","end":"2026-06-30"},"results":"afterWindow"}"#
        course = try JSONDecoder().decode(CourseDefinition.self, from: Data(json.utf8))
        #expect(course.results == .afterWindow)
        let wrong = json.replacingOccurrences(of: "afterWindow", with: "later")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CourseDefinition.self, from: Data(wrong.utf8)) }
    }
}
