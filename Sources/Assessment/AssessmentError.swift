/// An error from the assessment engine: a code to branch on and a reason a person can act on.
public struct AssessmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A blueprint is malformed or cannot be satisfied by the bank.
        public static let blueprint = Code(name: "blueprint")
        /// An answer was refused: unknown item, wrong shape, attempt already submitted or voided.
        public static let answerRefused = Code(name: "answerRefused")
        /// The attempt's time limit has passed.
        public static let deadlinePassed = Code(name: "deadlinePassed")
        /// The learner has used all attempts.
        public static let attemptLimitReached = Code(name: "attemptLimitReached")
        /// Proctoring or voiding was refused.
        public static let proctoring = Code(name: "proctoring")
        /// A gradebook is malformed.
        public static let gradebook = Code(name: "gradebook")
        /// A bank cannot be written or does not satisfy the bank format.
        public static let invalidBank = Code(name: "invalidBank")
        /// An essay's points cannot be set (not an essay, not answered, or out of range).
        public static let grading = Code(name: "grading")
        /// A stored attempt does not fit its bank or contradicts itself; it was not restored.
        public static let storedAttempt = Code(name: "storedAttempt")
        /// No attempt with the given id is stored.
        public static let attemptNotFound = Code(name: "attemptNotFound")
    }

    /// The kind of failure.
    public let code: Code
    /// What happened and what to do next.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
