public import CampusCore

/// An error from the assessment engine: a code to branch on and a reason a person can act on.
public typealias AssessmentError = CampusError<AssessmentErrorDomain>

/// The codes of ``AssessmentError``.
public enum AssessmentErrorDomain: ErrorDomain {
    /// `assessment`.
    public static let name = "assessment"
}

extension CampusError.Code where Domain == AssessmentErrorDomain {
    /// A blueprint is malformed or cannot be satisfied by the bank.
    public static var blueprint: Self { Self("blueprint") }
    /// An answer was refused: unknown item, wrong shape, attempt already submitted or voided.
    public static var answerRefused: Self { Self("answerRefused") }
    /// The attempt's time limit has passed.
    public static var deadlinePassed: Self { Self("deadlinePassed") }
    /// The learner has used all attempts.
    public static var attemptLimitReached: Self { Self("attemptLimitReached") }
    /// Proctoring or voiding was refused.
    public static var proctoring: Self { Self("proctoring") }
    /// A gradebook is malformed.
    public static var gradebook: Self { Self("gradebook") }
    /// A bank cannot be written or does not satisfy the bank format.
    public static var invalidBank: Self { Self("invalidBank") }
    /// An essay's points cannot be set (not an essay, not answered, or out of range).
    public static var grading: Self { Self("grading") }
    /// A stored attempt does not fit its bank or contradicts itself; it was not restored.
    public static var storedAttempt: Self { Self("storedAttempt") }
    /// No attempt with the given id is stored.
    public static var attemptNotFound: Self { Self("attemptNotFound") }
}
