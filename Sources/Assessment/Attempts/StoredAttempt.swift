import Foundation

/// An attempt as a store keeps it: everything needed to restore it against its bank.
///
/// Get one from ``Attempt/stored``; turn it back into an ``Attempt`` with ``Attempt/init(restoring:bank:)``,
/// which checks it. Rationals are stored as exact text, never as floating-point numbers.
public struct StoredAttempt: Sendable, Equatable, Codable {
    /// Attempt id.
    public var id: String
    /// The assessment it belongs to.
    public var assessmentID: String
    /// The learner taking it.
    public var learnerID: String
    /// What the attempt counts for.
    public var kind: AttemptKind
    /// The drawn items.
    public var draw: ExamDraw
    /// When it started.
    public var startedAt: Date
    /// When answers stop being accepted, if there is a time limit.
    public var deadline: Date?
    /// Where the attempt stands.
    public var state: Attempt.State
    /// Proctoring record, if supervised.
    public var proctoring: Proctoring?
    /// Saved answers by item id.
    public var answers: [String: Response]
    /// Points a grader set for essay items, by item id.
    public var gradedPoints: [String: EssayGrade]
    /// Since when a proctor has paused it (its time stands still), if paused.
    public var pausedAt: Date?

    /// Creates a stored attempt.
    public init(
        id: String, assessmentID: String, learnerID: String, kind: AttemptKind, draw: ExamDraw, startedAt: Date,
        deadline: Date?, state: Attempt.State, proctoring: Proctoring? = nil, answers: [String: Response] = [:],
        gradedPoints: [String: EssayGrade] = [:], pausedAt: Date? = nil
    ) {
        self.id = id
        self.assessmentID = assessmentID
        self.learnerID = learnerID
        self.kind = kind
        self.draw = draw
        self.startedAt = startedAt
        self.deadline = deadline
        self.state = state
        self.proctoring = proctoring
        self.answers = answers
        self.gradedPoints = gradedPoints
        self.pausedAt = pausedAt
    }
}

/// Stored as `{"status": "in-progress"}`, `{"status": "submitted", "at": …}` or
/// `{"status": "voided", "voiding": {"by": …, "reason": …}}`.
extension Attempt.State: Codable {
    enum CodingKeys: String, CodingKey {
        case status, at, voiding
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .status) {
        case "in-progress": self = .inProgress
        case "submitted": self = .submitted(at: try container.decode(Date.self, forKey: .at))
        case "voided": self = .voided(try container.decode(Voiding.self, forKey: .voiding))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: container,
                debugDescription: "unknown attempt status '\(other)'; expected in-progress, submitted or voided")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .inProgress:
            try container.encode("in-progress", forKey: .status)
        case .submitted(let at):
            try container.encode("submitted", forKey: .status)
            try container.encode(at, forKey: .at)
        case .voided(let voiding):
            try container.encode("voided", forKey: .status)
            try container.encode(voiding, forKey: .voiding)
        }
    }
}

extension Attempt {
    /// The attempt as a store keeps it.
    public var stored: StoredAttempt {
        StoredAttempt(
            id: id, assessmentID: assessmentID, learnerID: learnerID, kind: kind, draw: draw, startedAt: startedAt,
            deadline: deadline, state: state, proctoring: proctoring, answers: answers, gradedPoints: gradedPoints,
            pausedAt: pausedAt)
    }

    /// Restores a stored attempt against the bank version it was drawn from.
    ///
    /// - Throws: ``AssessmentError`` `.storedAttempt` naming the first inconsistency: the draw is for another
    ///   bank or version, names an unknown item or reorders choices the item does not have; an answer is for an
    ///   item outside the attempt or does not fit it; graded points are not for an answered essay, lie outside
    ///   0...the item's points or have more than 4 decimals; essays are graded before submission; a deadline or
    ///   submission lies before the start; a self-test carries a proctoring record.
    public init(restoring stored: StoredAttempt, bank: Bank) throws(AssessmentError) {
        func refuse(_ reason: String, file: String = #fileID, line: UInt = #line) -> AssessmentError {
            AssessmentError(
                .storedAttempt, "stored attempt '\(stored.id)' cannot be restored: \(reason)", file: file, line: line)
        }
        guard !stored.id.isEmpty, !stored.learnerID.isEmpty, !stored.assessmentID.isEmpty else {
            throw refuse("its id, learner and assessment must not be empty")
        }
        guard stored.draw.bankID == bank.id, stored.draw.bankVersion == bank.version else {
            throw refuse(
                "it was drawn from bank '\(stored.draw.bankID)' \(stored.draw.bankVersion), "
                    + "not '\(bank.id)' \(bank.version); load that bank version")
        }
        var seen = Set<String>()
        for drawn in stored.draw.items {
            guard seen.insert(drawn.itemID).inserted else { throw refuse("item '\(drawn.itemID)' is drawn twice") }
            guard let item = bank.item(withID: drawn.itemID) else {
                throw refuse("drawn item '\(drawn.itemID)' is not in bank '\(bank.id)' \(bank.version)")
            }
            let choices = item.kind.shuffleableChoices.map(\.id)
            guard drawn.choiceOrder.count == choices.count, Set(drawn.choiceOrder) == Set(choices) else {
                throw refuse("the choice order of item '\(drawn.itemID)' does not list exactly the item's choices")
            }
        }
        let attempt: Attempt
        do {
            attempt = try Attempt(
                id: stored.id, learnerID: stored.learnerID, kind: stored.kind, bank: bank, draw: stored.draw,
                timeLimit: nil, startedAt: stored.startedAt, assessmentID: stored.assessmentID)
        } catch {
            throw refuse(error.reason)
        }
        self = attempt
        if let deadline = stored.deadline, deadline < stored.startedAt {
            throw refuse("its deadline lies before its start")
        }
        self.deadline = stored.deadline
        if let pausedAt = stored.pausedAt {
            guard stored.state == .inProgress, pausedAt >= stored.startedAt else {
                throw refuse("only an attempt in progress can be paused, and not before it started")
            }
            self.pausedAt = pausedAt
        }
        if case .submitted(let at) = stored.state, at < stored.startedAt {
            throw refuse("it was submitted before it started")
        }
        if case .voided(let voiding) = stored.state,
            voiding.proctorID.isEmpty || voiding.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            throw refuse("its voiding needs the proctor's id and a reason")
        }
        if let proctoring = stored.proctoring {
            guard stored.kind.counts else { throw refuse("a self-test cannot carry a proctoring record") }
            guard !proctoring.proctorID.isEmpty else { throw refuse("its proctoring record has no proctor id") }
        }
        for itemID in stored.answers.keys.sorted() {
            guard let scorer = scorers[itemID], let response = stored.answers[itemID] else {
                throw refuse("it has an answer for item '\(itemID)', which is not part of the attempt")
            }
            guard response.fits(scorer.item.kind) else {
                throw refuse("the answer to item '\(itemID)' does not fit a \(scorer.item.kind.typeName) item")
            }
        }
        if !stored.gradedPoints.isEmpty, stored.state == .inProgress {
            throw refuse("essays are graded only after submission, but it is still in progress")
        }
        for itemID in stored.gradedPoints.keys.sorted() {
            guard let grade = stored.gradedPoints[itemID], let scorer = scorers[itemID],
                case .essay = scorer.item.kind
            else { throw refuse("graded points are stored for '\(itemID)', which is not an essay of the attempt") }
            guard scorer.score(stored.answers[itemID]).verdict != .unanswered else {
                throw refuse("essay '\(itemID)' has graded points but no answer")
            }
            guard grade.points >= .zero, grade.points <= scorer.item.points,
                (grade.points * Rational(10_000)).isInteger
            else {
                throw refuse(
                    "the points of essay '\(itemID)' must lie between 0 and "
                        + "\(scorer.item.points.formatted(places: 4)) with at most 4 decimals")
            }
            guard !grade.graderID.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw refuse("the grade of essay '\(itemID)' has no grader id")
            }
        }
        self.state = stored.state
        self.proctoring = stored.proctoring
        self.answers = stored.answers
        self.gradedPoints = stored.gradedPoints
    }
}
