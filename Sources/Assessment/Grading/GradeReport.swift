import Foundation

/// A graded gradebook in its stable JSON form (documented in the README): what `campus grade --json`
/// prints. Numbers are rounded to 4 decimals; the tiers were decided on the exact values.
public struct GradeReport: Encodable, Sendable {
    /// The course and the rules it was graded by.
    public struct Course: Encodable, Sendable {
        public let id, title, provider: String
        public let ects: Decimal?
        /// Percent needed per tier, keyed by the tier's raw value.
        public let thresholds: [String: Decimal]
    }
    /// One learner's result.
    public struct Learner: Encodable, Sendable {
        public let id, name: String
        /// The highest tier met (its raw value), or `nil` for none.
        public let tier: String?
        public let tiersMet: [String]
        public let points, maximum, percent, contentViewed: Decimal
        public let ects: Decimal?
        public let reasonsMet, reasonsNotNext: [String]
        /// The attempts still to be graded by people; the tier is not final while any is listed.
        public let awaitingGrading: [String]
    }
    /// A gradebook entry that could not be read: its label and what is wrong with it.
    public struct Invalid: Encodable, Sendable {
        public let learner, problem: String
    }
    public let course: Course
    /// The readable learners, in gradebook order.
    public let learners: [Learner]
    /// The unreadable entries, in gradebook order.
    public let invalid: [Invalid]

    /// Grades every learner of `book` by its course's rules.
    public init(_ book: Gradebook) {
        let rules = book.course.rules
        var learners: [Learner] = []
        var invalid: [Invalid] = []
        for entry in book.entries {
            switch entry {
            case .learner(let learner, _):
                let result = rules.grade(learner)
                learners.append(
                    Learner(
                        id: learner.id, name: learner.name, tier: result.highest?.rawValue,
                        tiersMet: result.tiersMet.map(\.rawValue), points: result.points.jsonNumber,
                        maximum: result.maximum.jsonNumber, percent: result.percent.jsonNumber,
                        contentViewed: learner.contentViewed.jsonNumber, ects: result.ects?.jsonNumber,
                        reasonsMet: result.reasonsMet, reasonsNotNext: result.reasonsNotNext,
                        awaitingGrading: result.awaitingGrading))
            case .invalid(let label, let problem):
                invalid.append(Invalid(learner: label, problem: problem))
            }
        }
        self.course = Course(
            id: book.course.id, title: book.course.title, provider: book.course.provider,
            ects: rules.ects?.jsonNumber,
            thresholds: [
                "attendance": rules.thresholds.attendance.jsonNumber,
                "scored": rules.thresholds.scored.jsonNumber,
                "qualified": rules.thresholds.qualified.jsonNumber,
            ])
        self.learners = learners
        self.invalid = invalid
    }
}

extension Rational {
    /// Rounded to 4 decimals for JSON and display; decisions are made on the exact value.
    fileprivate var jsonNumber: Decimal {
        Decimal(string: formatted(places: 4), locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }
}
