import Assessment

extension CertificateRecord {
    /// The record certifying the highest tier of a final grade result.
    ///
    /// The score is stated for the scored and qualified tiers, the course's ECTS credits only for the
    /// qualified tier; with the course's `validForMonths`, the certificate is valid until the day before the
    /// same date that many months after `issued`. Returns `nil` when the result is still awaiting grading or earns no tier: then there is
    /// nothing to certify.
    ///
    /// - Parameters:
    ///   - gradeResult: what ``CourseRules/grade(_:)`` decided for `learner`.
    ///   - learner: the learner graded; the holder's name is theirs.
    ///   - birthDate: the holder's birth date (`YYYY-MM-DD`), when the gradebook gives one.
    ///   - course: the gradebook's course; its rules give the ECTS credits.
    ///   - id: the certificate id (default: a new random one).
    ///   - issued: the issue date, `YYYY-MM-DD`.
    ///   - language: the language the certificate is written in.
    ///   - issuer: the issuer's name (``CertificateIssuer/issuerName``).
    public init?(
        gradeResult: TierResult, learner: LearnerRecord, birthDate: String? = nil, course: Gradebook.Course,
        id: String = CertificateID.random(), issued: String, language: Language, issuer: String
    ) {
        guard gradeResult.isFinal, let tier = gradeResult.highest else { return nil }
        self.init(
            id: id, holder: .init(name: learner.name, birthDate: birthDate),
            course: .init(
                title: course.title, provider: course.provider,
                ects: tier == .qualified ? course.rules.ects : nil, start: course.start, end: course.end),
            tier: tier,
            score: tier == .attendance ? nil : .init(points: gradeResult.points, maximum: gradeResult.maximum),
            issued: issued, language: language, issuer: issuer,
            validUntil: course.rules.validForMonths.flatMap { CalendarDate.lastDay(from: issued, months: $0) })
    }
}
