import Foundation

/// A course's gradebook as a JSON file: course rules and what each learner did.
///
/// The format is documented in the README, with an example in
/// `question-banks/examples/gradebook.json`.
public struct Gradebook: Sendable {
    /// Course facts needed on certificates.
    public struct Course: Sendable, Equatable {
        /// Course id.
        public var id: String
        /// Course title.
        public var title: String
        /// Education provider.
        public var provider: String
        /// First day, `YYYY-MM-DD`.
        public var start: String
        /// Last day, `YYYY-MM-DD`.
        public var end: String
        /// Thresholds, ECTS and assessments.
        public var rules: CourseRules

        /// Course facts.
        public init(id: String, title: String, provider: String, start: String, end: String, rules: CourseRules) {
            self.id = id
            self.title = title
            self.provider = provider
            self.start = start
            self.end = end
            self.rules = rules
        }
    }

    /// A learner entry, or the reason it could not be read; one bad learner stops nothing else.
    public enum Entry: Sendable {
        /// A readable learner.
        case learner(LearnerRecord, birthDate: String?)
        /// A learner entry with a problem; `label` names the learner as well as the file allows.
        case invalid(label: String, problem: String)
    }

    /// The course.
    public let course: Course
    /// Learners in file order.
    public let entries: [Entry]

    /// A gradebook made in memory (a service's stored course and attempts), not read from a file.
    public init(course: Course, entries: [Entry]) {
        self.course = course
        self.entries = entries
    }

    /// Largest gradebook accepted, in bytes.
    public static let maximumSize = 50_000_000

    /// Parses a gradebook. Course-level problems throw, all of them at once (one per line of the
    /// reason; a JSON syntax error with its line and column); learner-level problems become
    /// ``Entry/invalid(label:problem:)`` entries naming the learner and the field.
    public static func parse(_ data: Data) throws(AssessmentError) -> Gradebook {
        guard data.count <= maximumSize else {
            throw AssessmentError(.gradebook, "gradebook is larger than \(maximumSize / 1_000_000) MB")
        }
        if let syntax = JSONSyntax.problem(in: Array(data)) {
            let what = syntax.kind == .syntax ? "is not valid JSON" : "has a member twice"
            throw AssessmentError(.gradebook, "gradebook \(what): \(syntax)")
        }
        let file: GradebookFile
        do {
            file = try JSONDecoder().decode(GradebookFile.self, from: data)
        } catch let error as DecodingError {
            throw AssessmentError(.gradebook, "gradebook is malformed: \(DecodingProblem.describe(error))")
        } catch {
            throw AssessmentError(.gradebook, "gradebook is not valid JSON")
        }
        let course = try file.course.validated()
        var seen = Set<String>()
        let entries = file.learners.enumerated().map { index, entry -> Entry in
            guard let learner = entry.learner else {
                let id = entry.identity?.id.map { " '\($0)'" } ?? ""
                let name = entry.identity?.name.map { " (\($0))" } ?? ""
                return .invalid(
                    label: "learner \(index + 1)\(id)\(name)",
                    problem: entry.problem ?? "malformed")
            }
            let label = learner.label(index: index)
            do throws(AssessmentError) {
                let record = try learner.validated(rules: course.rules)
                guard seen.insert(record.id).inserted else {
                    return .invalid(label: label, problem: "learner id '\(record.id)' appears twice")
                }
                return .learner(record, birthDate: learner.birthDate)
            } catch {
                return .invalid(label: label, problem: error.reason)
            }
        }
        return Gradebook(course: course, entries: entries)
    }
}

// MARK: - File format

private func percentage(_ value: Decimal, field: String) throws(AssessmentError) -> Rational {
    guard let rational = Rational(decimal: value.description), rational >= .zero, rational <= Rational(100) else {
        throw AssessmentError(.gradebook, "\(field) must be a percentage from 0 to 100 (found \(value))")
    }
    return rational
}

private func points(_ value: Decimal, field: String) throws(AssessmentError) -> Rational {
    guard let rational = Rational(decimal: value.description), rational >= .zero,
        rational <= Rational(1_000_000), (rational * Rational(10_000)).isInteger
    else {
        throw AssessmentError(
            .gradebook, "\(field) must be a number from 0 to 1000000 with at most 4 decimals (found \(value))")
    }
    return rational
}

private func isDate(_ text: String) -> Bool { CalendarDate.isValid(text) }

private struct GradebookFile: Decodable {
    var course: CourseFile
    var learners: [LenientLearner]
}

/// A learner entry that decodes even when malformed, so that one bad entry stops nothing else.
private struct LenientLearner: Decodable {
    struct Identity: Decodable {
        var id: String?
        var name: String?
    }
    let learner: LearnerFile?
    let identity: Identity?
    let problem: String?

    init(from decoder: any Decoder) throws {
        do {
            learner = try LearnerFile(from: decoder)
            identity = nil
            problem = nil
        } catch let error as DecodingError {
            learner = nil
            identity = try? Identity(from: decoder)
            problem = DecodingProblem.describe(
                error, droppingPrefix: "learners[\(decoder.codingPath.last?.intValue ?? 0)]")
        }
    }
}

/// The course part of a gradebook, read so that every course-level problem is reported at once.
private struct CourseFile: Decodable {
    struct ThresholdsFile: Decodable {
        var attendance: Decimal?
        var scored: Decimal?
        var qualified: Decimal?
    }
    /// One `course.assessments` entry, read so that every problem of every entry is reported at once.
    struct AssessmentFile: Decodable {
        enum CodingKeys: String, CodingKey {
            case id, kind, maxPoints
        }
        var id: String?
        var kind: String?
        var maxPoints: Decimal?
        /// Fields that could not be decoded, as `course.assessments[i].field: what is wrong`.
        var decodingProblems: [String] = []

        init(from decoder: any Decoder) {
            let container: KeyedDecodingContainer<CodingKeys>
            do {
                container = try decoder.container(keyedBy: CodingKeys.self)
            } catch let error as DecodingError {
                decodingProblems = [DecodingProblem.describe(error)]
                return
            } catch {
                decodingProblems = ["course.assessments: cannot be read"]
                return
            }
            var problems: [String] = []
            func field<T: Decodable>(_ type: T.Type, _ key: CodingKeys) -> T? {
                do {
                    return try container.decode(type, forKey: key)
                } catch let error as DecodingError {
                    problems.append(DecodingProblem.describe(error))
                } catch {
                    problems.append("course.assessments: cannot be read")
                }
                return nil
            }
            id = field(String.self, .id)
            kind = field(String.self, .kind)
            maxPoints = field(Decimal.self, .maxPoints)
            decodingProblems = problems
        }
    }
    enum CodingKeys: String, CodingKey {
        case id, title, provider, ects, start, end, thresholds, assessments, validForMonths
    }
    var id: String?
    var title: String?
    var provider: String?
    var ects: Decimal?
    var validForMonths: Int?
    var start: String?
    var end: String?
    var thresholds: ThresholdsFile?
    var assessments: [AssessmentFile]?
    /// Fields that could not be decoded, as `course.field: what is wrong`.
    var decodingProblems: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var problems: [String] = []
        func field<T: Decodable>(_ type: T.Type, _ key: CodingKeys, required: Bool = true) -> T? {
            do {
                return required
                    ? try container.decode(type, forKey: key) : try container.decodeIfPresent(type, forKey: key)
            } catch let error as DecodingError {
                problems.append(DecodingProblem.describe(error))
            } catch {
                problems.append("course.\(key.stringValue): cannot be read")
            }
            return nil
        }
        id = field(String.self, .id)
        title = field(String.self, .title)
        provider = field(String.self, .provider)
        ects = field(Decimal.self, .ects, required: false)
        validForMonths = field(Int.self, .validForMonths, required: false)
        start = field(String.self, .start)
        end = field(String.self, .end)
        thresholds = field(ThresholdsFile.self, .thresholds, required: false)
        assessments = field([AssessmentFile].self, .assessments)
        decodingProblems = problems
    }

    /// The course, or every problem found (one per line).
    func validated() throws(AssessmentError) -> Gradebook.Course {
        var problems = decodingProblems
        for (field, value) in [("course.id", id), ("course.title", title), ("course.provider", provider)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(field) is empty") }
        }
        for (field, value) in [("course.start", start), ("course.end", end)] {
            if let value, !isDate(value) { problems.append("\(field) '\(value)' is not a date YYYY-MM-DD") }
        }
        if let start, let end, isDate(start), isDate(end), start > end {
            problems.append("course.start \(start) is after course.end \(end)")
        }
        func percent(_ value: Decimal?, _ field: String) -> Rational? {
            guard let value else { return nil }
            do {
                return try percentage(value, field: field)
            } catch {
                problems.append(error.reason)
                return nil
            }
        }
        let defaults = Thresholds()
        let attendance = percent(thresholds?.attendance, "course.thresholds.attendance")
        let scored = percent(thresholds?.scored, "course.thresholds.scored")
        let qualified = percent(thresholds?.qualified, "course.thresholds.qualified")
        var ectsCredits: Rational? = nil
        if let ects {
            if let value = Rational(decimal: ects.description), value > .zero, value <= Rational(60) {
                ectsCredits = value
            } else {
                problems.append("course.ects must be greater than 0 and at most 60 (found \(ects))")
            }
        }
        if let validForMonths, !CourseRules.validityRange.contains(validForMonths) {
            problems.append(
                "course.validForMonths must be a whole number of months from 1 to \(CourseRules.validityRange.upperBound) "
                    + "(found \(validForMonths))")
        }
        var seen = Set<String>()
        var assessments: [CourseAssessment] = []
        for (index, file) in (self.assessments ?? []).enumerated() {
            let field = "course.assessments[\(index)]"
            problems += file.decodingProblems
            var usable = file.decodingProblems.isEmpty
            if let id = file.id, id.isEmpty || !seen.insert(id).inserted {
                problems.append("\(field).id '\(id)' is empty or appears twice")
                usable = false
            }
            var kind: AttemptKind? = nil
            if let text = file.kind {
                kind = AttemptKind(rawValue: text).flatMap { $0.counts ? $0 : nil }
                if kind == nil { problems.append("\(field).kind '\(text)' must be 'homework' or 'exam'") }
            }
            var maximum: Rational? = nil
            if let value = file.maxPoints {
                do {
                    maximum = try points(value, field: "\(field).maxPoints")
                    if maximum == .zero {
                        problems.append("\(field).maxPoints must be greater than 0")
                        maximum = nil
                    }
                } catch {
                    problems.append(error.reason)
                }
            }
            if usable, let id = file.id, let kind, let maximum {
                assessments.append(CourseAssessment(id: id, kind: kind, maxPoints: maximum))
            }
        }
        if assessments.count(where: { $0.kind == .finalExam }) > 1 {
            problems.append("course.assessments lists more than one final exam ('exam')")
        }
        guard problems.isEmpty, let id, let title, let provider, let start, let end else {
            throw AssessmentError(.gradebook, problems.joined(separator: "\n"))
        }
        let thresholds = Thresholds(
            attendance: attendance ?? defaults.attendance, scored: scored ?? defaults.scored, qualified: qualified)
        return Gradebook.Course(
            id: id, title: title, provider: provider, start: start, end: end,
            rules: CourseRules(
                thresholds: thresholds, ects: ectsCredits, validForMonths: validForMonths, assessments: assessments))
    }
}

private struct LearnerFile: Decodable {
    struct AttemptFile: Decodable {
        var assessment: String
        var points: Decimal
        var proctoring: Proctoring?
        var voided: Voiding?
        var awaitingGrading: Bool?
    }
    var id: String
    var name: String
    var birthDate: String?
    var contentViewed: Decimal
    var attempts: [AttemptFile]?

    func label(index: Int) -> String {
        let trimmedName = name.trimmingCharacters(in: .whitespaces)
        return "learner \(index + 1) '\(id)'" + (trimmedName.isEmpty ? "" : " (\(trimmedName))")
    }

    func validated(rules: CourseRules) throws(AssessmentError) -> LearnerRecord {
        guard !id.isEmpty else { throw AssessmentError(.gradebook, "id is empty") }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw AssessmentError(.gradebook, "name is empty or longer than 200 characters")
        }
        if let birthDate, !isDate(birthDate) {
            throw AssessmentError(.gradebook, "birthDate '\(birthDate)' is not a date YYYY-MM-DD")
        }
        let viewed = try percentage(contentViewed, field: "contentViewed")
        var attempts: [RecordedAttempt] = []
        for (index, file) in (self.attempts ?? []).enumerated() {
            let field = "attempts[\(index)]"
            guard let assessment = rules.assessments.first(where: { $0.id == file.assessment }) else {
                throw AssessmentError(
                    .gradebook, "\(field).assessment '\(file.assessment)' is not an assessment of the course")
            }
            let earned = try points(file.points, field: "\(field).points")
            guard earned <= assessment.maxPoints else {
                throw AssessmentError(
                    .gradebook,
                    "\(field).points \(file.points) exceed the maximum \(assessment.maxPoints.formatted()) of '\(assessment.id)'"
                )
            }
            if let proctoring = file.proctoring, proctoring.proctorID.isEmpty {
                throw AssessmentError(.gradebook, "\(field).proctoring.proctor is empty")
            }
            if let voided = file.voided, voided.proctorID.isEmpty || voided.reason.isEmpty {
                throw AssessmentError(.gradebook, "\(field).voided needs 'by' (proctor id) and 'reason'")
            }
            attempts.append(
                RecordedAttempt(
                    assessmentID: assessment.id, points: earned, proctoring: file.proctoring, voiding: file.voided,
                    awaitingGrading: file.awaitingGrading ?? false))
        }
        return LearnerRecord(id: id, name: name, contentViewed: viewed, attempts: attempts)
    }
}
