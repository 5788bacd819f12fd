/// A graded assessment of a course: one homework or the final exam.
public struct CourseAssessment: Sendable, Equatable, Codable {
    /// Assessment id, referenced by attempts.
    public var id: String
    /// Homework or final exam (self-tests never count and are not listed).
    public var kind: AttemptKind
    /// Points available.
    public var maxPoints: Rational

    /// Creates an assessment.
    public init(id: String, kind: AttemptKind, maxPoints: Rational) {
        self.id = id
        self.kind = kind
        self.maxPoints = maxPoints
    }
}

/// A submitted (or voided) attempt as the gradebook records it.
public struct RecordedAttempt: Sendable, Equatable, Codable {
    /// The assessment it belongs to.
    public var assessmentID: String
    /// Points earned.
    public var points: Rational
    /// Proctoring record, if supervised.
    public var proctoring: Proctoring?
    /// Voiding record, if a proctor voided it.
    public var voiding: Voiding?
    /// Whether essays of the attempt still wait for a grader (`points` then holds the automatic part only).
    public var awaitingGrading: Bool

    /// Creates a recorded attempt.
    public init(
        assessmentID: String, points: Rational, proctoring: Proctoring? = nil, voiding: Voiding? = nil,
        awaitingGrading: Bool = false
    ) {
        self.assessmentID = assessmentID
        self.points = points
        self.proctoring = proctoring
        self.voiding = voiding
        self.awaitingGrading = awaitingGrading
    }
}

/// What the course knows about one learner.
public struct LearnerRecord: Sendable, Equatable, Codable {
    /// Learner id.
    public var id: String
    /// Full name as it goes on the certificate.
    public var name: String
    /// Share of the course content viewed, in percent.
    public var contentViewed: Rational
    /// Recorded attempts, any order.
    public var attempts: [RecordedAttempt]

    /// Creates a learner record.
    public init(id: String, name: String, contentViewed: Rational, attempts: [RecordedAttempt]) {
        self.id = id
        self.name = name
        self.contentViewed = contentViewed
        self.attempts = attempts
    }
}

/// A course's grading rules: thresholds, ECTS credits and the assessments that count.
public struct CourseRules: Sendable, Equatable, Codable {
    /// Thresholds in percent.
    public var thresholds: Thresholds
    /// ECTS credits the qualified certificate carries, if any.
    public var ects: Rational?
    /// Months a certificate stays valid (trainings to refresh, such as data protection every two years); `nil`:
    /// certificates never expire.
    public var validForMonths: Int?
    /// Homework and final exam; at most one final exam.
    public var assessments: [CourseAssessment]

    /// The validity periods a course may set, in months.
    public static let validityRange = 1...120

    /// Creates rules.
    public init(
        thresholds: Thresholds = Thresholds(), ects: Rational? = nil, validForMonths: Int? = nil,
        assessments: [CourseAssessment]
    ) {
        self.thresholds = thresholds
        self.ects = ects
        self.validForMonths = validForMonths
        self.assessments = assessments
    }

    /// Total points of all homework and the final exam.
    public var maximumPoints: Rational {
        assessments.reduce(.zero) { $0 + $1.maxPoints }
    }
}

/// The tiers one learner earned, with the reasons behind them.
public struct TierResult: Sendable, Equatable, Codable {
    /// Every tier met, lowest first.
    public let tiersMet: [Tier]
    /// Points counted (best non-voided attempt per assessment).
    public let points: Rational
    /// Points available.
    public let maximum: Rational
    /// ECTS credits awarded (qualified tier only).
    public let ects: Rational?
    /// Why each met tier was met, in tier order.
    public let reasonsMet: [String]
    /// Why the next tier up was not reached; empty for the qualified tier.
    public let reasonsNotNext: [String]
    /// Attempts whose essays still wait for a grader. While this is not empty nothing is decided:
    /// `tiersMet` is empty and no certificate may be issued.
    public let awaitingGrading: [String]

    /// Whether the decision is final (no essay awaits grading).
    public var isFinal: Bool { awaitingGrading.isEmpty }

    /// The highest tier met, or `nil` when none was.
    public var highest: Tier? { tiersMet.last }

    /// Points as a percentage of the maximum.
    public var percent: Rational { points.percent(of: maximum) }
}

extension CourseRules {
    /// Decides the tiers `learner` earned, exactly by the platform's rules:
    ///
    /// 1. attendance: content viewed >= attendance threshold;
    /// 2. scored: points of all homework + final exam >= scored threshold of their maximum (implies 1);
    /// 3. qualified: points >= qualified threshold, and every counted homework attempt and the final
    ///    exam were proctored with the learner's consent.
    ///
    /// Per assessment the best non-voided attempt counts; a missing attempt counts 0 points. While any
    /// non-voided attempt awaits the grading of essays, no tier is decided (``TierResult/awaitingGrading``).
    public func grade(_ learner: LearnerRecord) -> TierResult {
        let pending = assessments.flatMap { assessment in
            learner.attempts.filter { $0.assessmentID == assessment.id && $0.voiding == nil && $0.awaitingGrading }
                .map { _ in
                    assessment.kind == .finalExam
                        ? "final exam awaits the grading of essays"
                        : "homework \(assessment.id) awaits the grading of essays"
                }
        }
        var points = Rational.zero
        var proctoringGaps: [String] = []
        let exam = assessments.first { $0.kind == .finalExam }
        for assessment in assessments {
            let attempts = learner.attempts.filter { $0.assessmentID == assessment.id }
            let valid = attempts.filter { $0.voiding == nil }
            let counted = valid.max { $0.points < $1.points }
            let label = assessment.kind == .finalExam ? "final exam" : "homework \(assessment.id)"
            if let counted {
                points += counted.points
                switch counted.proctoring {
                case nil: proctoringGaps.append("\(label) not proctored")
                case let record? where !record.learnerConsented:
                    proctoringGaps.append("\(label) proctored without the learner's consent")
                default: break
                }
            } else if assessment.kind == .finalExam {
                if let voided = attempts.last?.voiding {
                    proctoringGaps.append("final exam voided by \(voided.proctorID): \(voided.reason)")
                } else {
                    proctoringGaps.append("no final exam taken")
                }
            }
        }
        if exam == nil { proctoringGaps.append("the course has no final exam") }

        let maximum = maximumPoints
        let percent = points.percent(of: maximum)
        func reaches(_ threshold: Rational) -> Bool {
            maximum > .zero && points * Rational(100) >= threshold * maximum
        }
        func show(_ value: Rational) -> String { "\(value.formatted()) %" }

        let viewedEnough = learner.contentViewed >= thresholds.attendance
        let scored = reaches(thresholds.scored)
        let qualified = reaches(thresholds.qualified) && scored && proctoringGaps.isEmpty

        var tiers: [Tier] = []
        var reasonsMet: [String] = []
        var reasonsNotNext: [String] = []
        let viewed = "content viewed \(show(learner.contentViewed))"
        if viewedEnough {
            reasonsMet.append("\(viewed) >= \(show(thresholds.attendance))")
        } else if scored {
            reasonsMet.append("attendance implied by the scored record (\(viewed))")
        }
        if viewedEnough || scored { tiers.append(.attendance) }
        if scored {
            tiers.append(.scored)
            reasonsMet.append("score \(show(percent)) >= \(show(thresholds.scored))")
        }
        if qualified {
            tiers.append(.qualified)
            if thresholds.qualified != thresholds.scored {
                reasonsMet.append("score \(show(percent)) >= \(show(thresholds.qualified))")
            }
            reasonsMet.append("every counted homework and the final exam proctored with consent")
        }

        switch tiers.last {
        case nil:
            reasonsNotNext.append("\(viewed) < \(show(thresholds.attendance))")
            reasonsNotNext.append("score \(show(percent)) < \(show(thresholds.scored))")
        case .attendance:
            reasonsNotNext.append(
                maximum == .zero
                    ? "the course has no scored assessments" : "score \(show(percent)) < \(show(thresholds.scored))")
        case .scored:
            if !reaches(thresholds.qualified) {
                reasonsNotNext.append("score \(show(percent)) < \(show(thresholds.qualified))")
            }
            reasonsNotNext += proctoringGaps
        case .qualified:
            break
        }
        if !pending.isEmpty {
            return TierResult(
                tiersMet: [], points: points, maximum: maximum, ects: nil, reasonsMet: [],
                reasonsNotNext: pending, awaitingGrading: pending)
        }
        return TierResult(
            tiersMet: tiers, points: points, maximum: maximum, ects: qualified ? ects : nil, reasonsMet: reasonsMet,
            reasonsNotNext: reasonsNotNext, awaitingGrading: [])
    }
}
