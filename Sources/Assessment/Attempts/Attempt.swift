import Foundation

/// The source of the current time, injected so that deadlines can be tested and replayed.
public protocol AssessmentClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: AssessmentClock {
    /// Creates the wall clock.
    public init() {}
    public func now() -> Date { Date() }
}

/// What an attempt counts for.
public enum AttemptKind: String, Sendable, Codable, CaseIterable {
    /// Practice: unlimited, feedback after every answer, never counts toward a certificate.
    case selfTest = "self-test"
    /// Weekly homework: counts toward the course score.
    case homework
    /// The final exam: counts; time and attempt limits apply.
    case finalExam = "exam"

    /// Whether the attempt counts toward a certificate.
    public var counts: Bool { self != .selfTest }
}

/// A proctor's record that an attempt was supervised.
public struct Proctoring: Sendable, Equatable, Codable {
    /// The proctor's id.
    public var proctorID: String
    /// Whether the learner consented to online (webcam) proctoring.
    public var learnerConsented: Bool

    /// How the attempt was supervised (`online` with a webcam, or `in-person`), when a session says so.
    public var mode: String?
    /// When the proctor checked the learner's ID (never the ID's number), if they did.
    public var identityCheckedAt: Date?

    /// Creates a proctoring record.
    public init(proctorID: String, learnerConsented: Bool, mode: String? = nil, identityCheckedAt: Date? = nil) {
        self.proctorID = proctorID
        self.learnerConsented = learnerConsented
        self.mode = mode
        self.identityCheckedAt = identityCheckedAt
    }

    enum CodingKeys: String, CodingKey {
        case proctorID = "proctor"
        case learnerConsented = "consent"
        case mode
        case identityCheckedAt = "identityChecked"
    }
}

/// A proctor's decision that an attempt does not count.
public struct Voiding: Sendable, Equatable, Codable {
    /// The proctor's id.
    public var proctorID: String
    /// Why the attempt was voided.
    public var reason: String

    /// Creates a voiding record.
    public init(proctorID: String, reason: String) {
        self.proctorID = proctorID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case proctorID = "by"
        case reason
    }
}

/// Feedback shown right after an answer in a self-test, or for every item after submission.
public struct ItemFeedback: Sendable, Equatable, Codable {
    /// The item answered.
    public let itemID: String
    /// Points earned.
    public let score: ItemScore
    /// Feedback for the chosen option(s) or true/false value.
    public let responseFeedback: [String]
    /// The item's general feedback.
    public let generalFeedback: String?
}

/// One learner's attempt at a drawn set of items.
///
/// Answers can be saved and changed until submission; submission is final. A final exam's time limit
/// is enforced against the injected clock: answers after the deadline are refused.
public struct Attempt: Sendable {
    /// Where the attempt stands.
    public enum State: Sendable, Equatable {
        /// Answers may be saved.
        case inProgress
        /// Submitted; answers are final.
        case submitted(at: Date)
        /// Voided by a proctor; it does not count.
        case voided(Voiding)
    }

    /// Attempt id.
    public let id: String
    /// The assessment (quiz, homework, exam) the attempt belongs to; attempt limits count per assessment.
    public let assessmentID: String
    /// The learner taking it.
    public let learnerID: String
    /// What the attempt counts for.
    public let kind: AttemptKind
    /// The drawn items.
    public let draw: ExamDraw
    /// When it started.
    public let startedAt: Date
    /// When answers stop being accepted, if there is a time limit.
    public internal(set) var deadline: Date?
    /// Current state.
    public internal(set) var state: State = .inProgress
    /// Proctoring record, if the attempt was supervised.
    public internal(set) var proctoring: Proctoring?
    /// Since when a proctor has paused the attempt (its time stands still), if paused.
    public internal(set) var pausedAt: Date?
    /// Saved answers by item id.
    public internal(set) var answers: [String: Response] = [:]
    /// Points a grader set for essay items, by item id.
    public internal(set) var gradedPoints: [String: EssayGrade] = [:]

    let scorers: [String: ItemScorer]

    /// Starts an attempt at `draw` of `bank`.
    ///
    /// Prefer starting attempts through ``AttemptLedger``, which also
    /// enforces the attempt limit.
    public init(
        id: String, learnerID: String, kind: AttemptKind, bank: Bank, draw: ExamDraw, timeLimit: Duration?,
        startedAt: Date, assessmentID: String? = nil
    ) throws(AssessmentError) {
        guard draw.bankID == bank.id, draw.bankVersion == bank.version else {
            throw AssessmentError(
                .answerRefused,
                "the draw is for bank '\(draw.bankID)' \(draw.bankVersion), not '\(bank.id)' \(bank.version)")
        }
        var scorers: [String: ItemScorer] = [:]
        for drawn in draw.items {
            guard let item = bank.item(withID: drawn.itemID) else {
                throw AssessmentError(.answerRefused, "drawn item '\(drawn.itemID)' is not in bank '\(bank.id)'")
            }
            scorers[item.id] = ItemScorer(item: item)
        }
        self.id = id
        self.assessmentID = assessmentID ?? id
        self.learnerID = learnerID
        self.kind = kind
        self.draw = draw
        self.startedAt = startedAt
        self.deadline = timeLimit.map { startedAt.addingTimeInterval(Double($0.components.seconds)) }
        self.scorers = scorers
    }

    /// Saves (or changes) the answer to `itemID` at time `now`.
    ///
    /// - Returns: immediate feedback for a self-test, `nil` otherwise (feedback waits for submission).
    /// - Throws: ``AssessmentError`` `.deadlinePassed` after the deadline, `.answerRefused` when the
    ///   attempt is no longer open, the item is not in it, or the response does not fit the item.
    @discardableResult
    public mutating func save(_ response: Response, for itemID: String, at now: Date) throws(AssessmentError)
        -> ItemFeedback?
    {
        switch state {
        case .inProgress: break
        case .submitted: throw AssessmentError(.answerRefused, "attempt \(id) was already submitted; answers are final")
        case .voided(let voiding):
            throw AssessmentError(.answerRefused, "attempt \(id) was voided by \(voiding.proctorID): \(voiding.reason)")
        }
        if let pausedAt {
            throw AssessmentError(
                .answerRefused,
                "a proctor paused attempt \(id) at \(pausedAt.formatted(.iso8601)); the time stands still until "
                    + "the proctor resumes it, and then the answer can be given again")
        }
        if let deadline, now > deadline {
            throw AssessmentError(
                .deadlinePassed,
                "the time limit of attempt \(id) ended at \(deadline.formatted(.iso8601)); the answer was not saved")
        }
        guard let scorer = scorers[itemID] else {
            throw AssessmentError(.answerRefused, "item '\(itemID)' is not part of attempt \(id)")
        }
        guard response.fits(scorer.item.kind) else {
            throw AssessmentError(
                .answerRefused, "the answer does not fit item '\(itemID)', a \(scorer.item.kind.typeName) item")
        }
        answers[itemID] = response
        return kind == .selfTest ? feedback(for: itemID) : nil
    }

    /// Submits the attempt; from now on its answers are final.
    ///
    /// Submitting after the deadline is allowed: it finalises the answers saved in time.
    public mutating func submit(at now: Date) throws(AssessmentError) -> AttemptScore {
        guard state == .inProgress else {
            throw AssessmentError(.answerRefused, "attempt \(id) is not in progress; it cannot be submitted again")
        }
        state = .submitted(at: now)
        pausedAt = nil
        return score
    }

    /// Pauses the attempt at `now`: no answer is taken and its time stands still until ``resume(at:)``.
    public mutating func pause(at now: Date) throws(AssessmentError) {
        guard state == .inProgress else {
            throw AssessmentError(.proctoring, "attempt \(id) is not in progress; only a running attempt is paused")
        }
        guard pausedAt == nil else { throw AssessmentError(.proctoring, "attempt \(id) is paused already") }
        if let deadline, now > deadline {
            throw AssessmentError(.proctoring, "the time of attempt \(id) is up; it can no longer be paused")
        }
        pausedAt = now
    }

    /// Resumes a paused attempt at `now`; its deadline moves on by the time it stood still.
    public mutating func resume(at now: Date) throws(AssessmentError) {
        guard let pausedAt else { throw AssessmentError(.proctoring, "attempt \(id) is not paused") }
        if let deadline { self.deadline = deadline.addingTimeInterval(max(0, now.timeIntervalSince(pausedAt))) }
        self.pausedAt = nil
    }

    /// Gives a timed attempt in progress `minutes` more (1 to 600); the reason goes into the session's record.
    public mutating func extend(byMinutes minutes: Int) throws(AssessmentError) {
        guard state == .inProgress, let deadline else {
            throw AssessmentError(.proctoring, "only a timed attempt in progress can be given more time")
        }
        guard (1...600).contains(minutes) else {
            throw AssessmentError(.proctoring, "an extension is 1 to 600 minutes (found \(minutes))")
        }
        self.deadline = deadline.addingTimeInterval(TimeInterval(minutes * 60))
    }

    /// Ends an attempt in progress no later than `end` (homework's due time): its deadline becomes the earlier of
    /// the two. Other attempts (self-tests, final exams, attempts no longer in progress) are left as they are.
    public mutating func endNoLaterThan(_ end: Date) {
        guard state == .inProgress, kind == .homework else { return }
        if let deadline, deadline <= end { return }
        deadline = end
    }

    /// Records that a proctor supervised this attempt (homework or final exam only).
    public mutating func markProctored(_ record: Proctoring) throws(AssessmentError) {
        guard kind.counts else {
            throw AssessmentError(.proctoring, "self-tests are not proctored; they never count toward a certificate")
        }
        guard !record.proctorID.isEmpty else { throw AssessmentError(.proctoring, "a proctor id is required") }
        proctoring = record
    }

    /// Voids the attempt; it no longer counts. A reason is required.
    public mutating func void(by proctorID: String, reason: String) throws(AssessmentError) {
        guard !proctorID.isEmpty, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AssessmentError(.proctoring, "voiding an attempt needs the proctor's id and a reason")
        }
        if case .voided = state { throw AssessmentError(.proctoring, "attempt \(id) is already voided") }
        state = .voided(Voiding(proctorID: proctorID, reason: reason))
        pausedAt = nil
    }

    /// Sets the points of an answered essay after submission; a grader may correct them later.
    ///
    /// - Throws: ``AssessmentError`` `.grading` when the attempt is not submitted, the item is not an
    ///   answered essay of it, or the points are outside 0...the item's points or have more than 4 decimals.
    public mutating func grade(itemID: String, points: Rational, by graderID: String) throws(AssessmentError) {
        guard case .submitted = state else {
            throw AssessmentError(.grading, "attempt \(id) must be submitted (and not voided) before essays are graded")
        }
        guard let scorer = scorers[itemID], case .essay = scorer.item.kind else {
            throw AssessmentError(.grading, "item '\(itemID)' is not an essay of attempt \(id)")
        }
        guard scorer.score(answers[itemID]).verdict != .unanswered else {
            throw AssessmentError(.grading, "essay '\(itemID)' was not answered; it scores 0 without grading")
        }
        guard points >= .zero, points <= scorer.item.points, (points * Rational(10_000)).isInteger else {
            throw AssessmentError(
                .grading,
                "points for essay '\(itemID)' must be between 0 and \(scorer.item.points.formatted(places: 4)) with at most 4 decimals"
            )
        }
        guard !graderID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AssessmentError(.grading, "grading needs the grader's id")
        }
        gradedPoints[itemID] = EssayGrade(points: points, graderID: graderID)
    }

    /// Points so far (all saved answers and graded essays), maximum and per-item scores.
    public var score: AttemptScore {
        var items: [String: ItemScore] = [:]
        var points = Rational.zero
        var maximum = Rational.zero
        var awaiting: [String] = []
        for drawn in draw.items {
            guard let scorer = scorers[drawn.itemID] else { continue }
            let itemScore = scorer.score(answers[drawn.itemID], gradedPoints: gradedPoints[drawn.itemID]?.points)
            items[drawn.itemID] = itemScore
            points += itemScore.points
            maximum += itemScore.maximum
            if itemScore.verdict == .awaitingGrading { awaiting.append(drawn.itemID) }
        }
        return AttemptScore(points: points, maximum: maximum, items: items, awaitingGrading: awaiting)
    }

    /// Feedback for one item given its saved answer.
    public func feedback(for itemID: String) -> ItemFeedback? {
        guard let scorer = scorers[itemID] else { return nil }
        let response = answers[itemID]
        var responseFeedback: [String] = []
        switch (scorer.item.kind, response) {
        case (.singleChoice(let options, _), .choice(let chosen)?):
            responseFeedback = options.filter { $0.id == chosen }.compactMap(\.feedback)
        case (.multipleResponse(let options, _), .choices(let ticked)?):
            responseFeedback = options.filter { ticked.contains($0.id) }.compactMap(\.feedback)
        case (.trueFalse(_, let ifTrue, let ifFalse), .truth(let given)?):
            responseFeedback = [given ? ifTrue : ifFalse].compactMap { $0 }
        default:
            break
        }
        return ItemFeedback(
            itemID: itemID, score: scorer.score(response, gradedPoints: gradedPoints[itemID]?.points),
            responseFeedback: responseFeedback,
            generalFeedback: scorer.item.feedback)
    }
}

/// An attempt's total.
public struct AttemptScore: Sendable, Equatable, Codable {
    /// Points earned.
    public let points: Rational
    /// Points available.
    public let maximum: Rational
    /// Per-item scores by item id.
    public let items: [String: ItemScore]
    /// Answered essays still waiting for a grader, in draw order. While any wait, `points` is not final.
    public let awaitingGrading: [String]

    /// Creates a total.
    public init(points: Rational, maximum: Rational, items: [String: ItemScore], awaitingGrading: [String] = []) {
        self.points = points
        self.maximum = maximum
        self.items = items
        self.awaitingGrading = awaitingGrading
    }

    /// Whether every item is scored (no essay awaits grading).
    public var isFinal: Bool { awaitingGrading.isEmpty }

    /// Points as a percentage of the maximum.
    public var percent: Rational { points.percent(of: maximum) }

    /// Whether the attempt reaches `threshold` percent (exact comparison); `nil` while essays await grading.
    public func passes(threshold: Rational) -> Bool? {
        guard isFinal else { return nil }
        return points * Rational(100) >= threshold * maximum
    }
}

/// Points a grader set for one essay.
public struct EssayGrade: Sendable, Equatable, Codable {
    /// Points given.
    public var points: Rational
    /// Who graded it.
    public var graderID: String

    /// Creates a grade.
    public init(points: Rational, graderID: String) {
        self.points = points
        self.graderID = graderID
    }
}
