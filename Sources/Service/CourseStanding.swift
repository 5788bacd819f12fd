import Assessment
import Foundation
import Storage

/// A learner's standing in a stored course, from what the service holds: the content units viewed and the attempts
/// taken. It is the learner's line of the gradebook `campus grade` reads, and the tiers decided by the same rules.
///
/// Assessments are the course's homework sets and its final exam, by set id (`final-exam` for the exam). An
/// assessment's maximum is that of the learner's own paper (the latest attempt that counts), or of the set's items
/// before any attempt; self-tests never count. Attempts in progress do not count yet; voided ones never do.
struct CourseStanding: Sendable {
    /// The learner's line of the gradebook.
    let record: LearnerRecord
    /// The course's rules with this learner's assessments.
    let rules: CourseRules
    /// The tiers decided, with the reasons (the same words as `campus grade`).
    let result: TierResult

    /// The standing of `learner` (id and enrolled name) in `course`; `bank` reads a pinned bank version.
    ///
    /// Attempts in `hiding` (results not yet released to the learner) are left out of the record: their paper's
    /// maximum counts, their points do not.
    static func of(
        course: StoredCourse, learnerID: String, name: String, viewed: Set<Int>, attempts: [StoredAttempt],
        hiding: Set<String> = [], bank: (CourseDefinition.BankPin) async -> Bank?
    ) async -> CourseStanding {
        let definition = course.definition
        var assessments: [CourseAssessment] = []
        var recorded: [RecordedAttempt] = []
        for part in Self.parts(of: definition) {
            guard let found = await bank(part.pin) else { continue }
            let own = attempts.filter { $0.assessmentID == "\(definition.id).\(part.id)" }
            var maximum = part.reference(found)
            for stored in own {
                guard let attempt = try? Attempt(restoring: stored, bank: found) else { continue }
                let score = attempt.score
                if hiding.contains(stored.id) {
                    maximum = score.maximum
                    continue
                }
                switch stored.state {
                case .inProgress:
                    maximum = score.maximum
                case .submitted:
                    maximum = score.maximum
                    recorded.append(
                        RecordedAttempt(
                            assessmentID: part.id, points: score.points, proctoring: stored.proctoring,
                            awaitingGrading: !score.isFinal))
                case .voided(let voiding):
                    recorded.append(
                        RecordedAttempt(
                            assessmentID: part.id, points: score.points, proctoring: stored.proctoring,
                            voiding: voiding))
                }
            }
            assessments.append(CourseAssessment(id: part.id, kind: part.kind, maxPoints: maximum))
        }
        let record = LearnerRecord(
            id: learnerID, name: name, contentViewed: definition.viewedPercent(viewed: viewed), attempts: recorded)
        let rules = definition.rules(assessments: assessments)
        return CourseStanding(record: record, rules: rules, result: rules.grade(record))
    }

    /// A homework set or the final exam, as an assessment that counts.
    struct Part {
        let id: String
        let kind: AttemptKind
        let pin: CourseDefinition.BankPin
        /// The points of the set before any attempt: its items, or a paper drawn by its blueprint.
        let reference: (Bank) -> Rational
    }

    /// The parts of `definition` that count, in course order, the final exam last.
    static func parts(of definition: CourseDefinition) -> [Part] {
        func drawn(_ blueprint: String) -> (Bank) -> Rational {
            { bank in
                guard let parsed = try? Blueprint.parse(blueprint),
                    let draw = try? ExamDraw(bank: bank, blueprint: parsed, seed: "reference")
                else { return .zero }
                return draw.items.reduce(Rational.zero) { $0 + (bank.item(withID: $1.itemID)?.points ?? .zero) }
            }
        }
        var parts: [Part] = definition.sets.filter { $0.kind == .homework }.map { set in
            if let blueprint = set.blueprint {
                return Part(id: set.id, kind: .homework, pin: set.bank, reference: drawn(blueprint))
            }
            let items = set.items ?? []
            return Part(id: set.id, kind: .homework, pin: set.bank) { bank in
                items.reduce(Rational.zero) { $0 + (bank.item(withID: $1)?.points ?? .zero) }
            }
        }
        if let exam = definition.finalExam {
            parts.append(Part(id: "final-exam", kind: .finalExam, pin: exam.bank, reference: drawn(exam.blueprint)))
        }
        return parts
    }
}

extension Site {
    /// Version `pin` of `organisation`'s bank, parsed once per process; `nil` when it is not stored.
    func bank(_ pin: CourseDefinition.BankPin, of organisation: String) async throws -> Bank? {
        if let known = await storedBanks.known(organisation: organisation, bankID: pin.id, version: pin.version) {
            return known
        }
        guard
            let version = try await database.banks.find(
                organisation: organisation, bankID: pin.id, version: pin.version)
        else { return nil }
        return await storedBanks.bank(version)
    }

    /// The standing of the enrolled learner `learnerID` (named `name`) in `course`, from the stored views and
    /// attempts (or `attempts`, when the caller read them already). For the learner's own pages give `release`:
    /// results it withholds at `now` are left out.
    func standing(
        course: StoredCourse, learnerID: String, name: String, attempts known: [StoredAttempt]? = nil,
        release: ResultRelease? = nil, now: Date = Date()
    ) async throws -> CourseStanding {
        let viewed = try await database.courses.viewedUnits(course: course.definition.id, learner: learnerID)
        let attempts: [StoredAttempt]
        if let known {
            attempts = known
        } else {
            attempts = try await database.attempts.attempts(of: learnerID, inCourse: course.definition.id)
        }
        let hiding = Set(release?.withheld(attempts, now: now).keys.map { $0 } ?? [])
        var banks: [CourseDefinition.BankPin: Bank] = [:]
        for pin in course.definition.pinnedBanks {
            if let found = try await bank(pin, of: course.organisation) { banks[pin] = found }
        }
        let found = banks
        return await CourseStanding.of(
            course: course, learnerID: learnerID, name: name, viewed: viewed, attempts: attempts, hiding: hiding
        ) { found[$0] }
    }
}
