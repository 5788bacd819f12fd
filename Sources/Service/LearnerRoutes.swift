import Assessment
import CampusCrypto
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// A learner's attempts through the API: start one at a homework, a self-test or the final exam of a course they
/// are enrolled in, read it back (the same items, order and answers, the time left by the server's clock), save
/// each answer with a per-attempt sequence number, submit. A learner's account is enrolled under its login as the
/// learner id. The answer key never leaves the server before submission: items are the learner-safe view.
struct LearnerRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let learner = Access.roles([.learner])
        registry.add(.post, "/api/v1/courses/:course/sets/:set/attempts", learner, .api) { _, context in
            try await start(context)
        }
        registry.add(.post, "/api/v1/courses/:course/units/:unit/viewed", learner, .api) { _, context in
            let (course, login) = try await enrolledCourse(context)
            guard let text = context.parameters.get("unit"), text.count <= 4, let unit = Int(text),
                course.definition.contentUnits.indices.contains(unit)
            else {
                throw HTTPFailure(.notFound, "notFound", site.strings(context).text("learner_unit_not_found"))
            }
            try await site.database.courses.markViewed(course: course.definition.id, learner: login, unit: unit)
            return try await progress(course, login: login)
        }
        registry.add(.get, "/api/v1/courses/:course/progress", learner, .api) { _, context in
            let (course, login) = try await enrolledCourse(context)
            return try await progress(course, login: login)
        }
        registry.add(.get, "/api/v1/attempts/:attempt", learner, .api) { _, context in
            let (stored, bank) = try await own(context)
            let sequence = try await site.database.attempts.sequence(of: stored.id) ?? 0
            return try Site.json(AttemptView(stored, bank: bank, sequence: sequence, now: site.clock.now()))
        }
        registry.add(.put, "/api/v1/attempts/:attempt/answers/:item", learner, .api) { _, context in
            // The hot path: whose attempt and which bank come from fixed facts (cached); the state, deadline and
            // sequence are checked in the save's transaction.
            let (id, bank) = try await ownForSaving(context)
            struct Body: Decodable {
                let sequence: Int64
                let answer: Assessment.Response
            }
            let body = try CertificateRoutes.decode(Body.self, context.body)
            let item = context.parameters.get("item") ?? ""
            do {
                let outcome = try await site.database.attempts.saveAnswer(
                    body.answer, for: item, inAttempt: id, sequence: body.sequence, bank: bank, at: site.clock.now())
                // A self-test shows its feedback right after each answer (its save returns feedback; a re-sent save
                // is looked at again); other attempts after submission.
                var feedback: PresentedFeedback?
                let selfTestSaved: Bool
                switch outcome {
                case .saved(_, let itemFeedback): selfTestSaved = itemFeedback != nil
                case .alreadySaved: selfTestSaved = true
                }
                if selfTestSaved, let saved = try await site.database.attempts.load(id: id), saved.kind == .selfTest {
                    feedback = try Attempt(restoring: saved, bank: bank).presentedFeedback(for: item)
                }
                switch outcome {
                case .saved(let sequence, _):
                    return try Site.json(SaveAnswer(sequence: sequence, saved: "saved", feedback: feedback))
                case .alreadySaved(let sequence):
                    return try Site.json(SaveAnswer(sequence: sequence, saved: "alreadySaved", feedback: feedback))
                }
            } catch let error as AssessmentError {
                throw HTTPFailure(.unprocessableContent, error.code.description, error.reason, field: "answer")
            } catch let error as StorageError where error.code == .invalid {
                throw HTTPFailure(.unprocessableContent, "invalid", error.reason, field: "sequence")
            }
        }
        registry.add(.post, "/api/v1/attempts/:attempt/submit", learner, .api) { _, context in
            let (stored, bank) = try await own(context)
            let submitted = try await submit(stored.id, bank: bank, context: context)
            let sequence = try await site.database.attempts.sequence(of: stored.id) ?? 0
            return try Site.json(AttemptView(submitted, bank: bank, sequence: sequence, now: site.clock.now()))
        }
    }

    /// Submits attempt `id` (final; under the attempt's lock, so an answer saved at the same moment is kept).
    func submit(_ id: String, bank: Bank, context: CampusContext) async throws -> StoredAttempt {
        let now = site.clock.now()
        do {
            let submitted = try await site.database.attempts.modify(id: id) { stored in
                var attempt = try Attempt(restoring: stored, bank: bank)
                _ = try attempt.submit(at: now)
                stored = attempt.stored
            }
            await CertificateAutomation(site: site).decide(
                after: submitted, why: "\(CertificateAutomation.part(submitted)) submitted")
            return submitted
        } catch let error as AssessmentError {
            throw HTTPFailure(
                .conflict, "conflict", site.strings(context).text("learner_attempt_not_open", error.reason))
        }
    }

    /// The course in the path, when the signed-in learner is enrolled in it (under their login), and that login.
    func enrolledCourse(_ context: CampusContext) async throws -> (StoredCourse, String) {
        let strings = site.strings(context)
        guard let account = context.identity?.account else {
            throw HTTPFailure(.unauthorized, "unauthenticated", strings.text("error_sign_in"))
        }
        let courseID = context.parameters.get("course") ?? ""
        for organisation in account.organisations(for: .learner) {
            if let course = try await site.database.courses.find(organisation: organisation, id: courseID),
                try await site.database.courses.enrolments(course: courseID, organisation: organisation)?.contains(
                    where: { $0.learner.learnerID == account.login }) == true
            {
                return (course, account.login)
            }
        }
        throw HTTPFailure(.notFound, "notFound", strings.text("learner_course_not_found"))
    }

    /// The learner's viewed-content share of `course`, exact (`"40"`, `"33.3333"` rounded for display only).
    private func progress(_ course: StoredCourse, login: String) async throws -> Response {
        let viewed = try await site.database.courses.viewedUnits(course: course.definition.id, learner: login)
        let percent = course.definition.viewedPercent(viewed: viewed)
        return try Site.json(
            CourseProgress(
                viewedUnits: viewed.sorted(), viewedPercent: percent.exactText,
                units: course.definition.contentUnits.count))
    }

    /// Starts an attempt at the set (or `final-exam`) of a course the learner is enrolled in.
    private func start(_ context: CampusContext) async throws -> Response {
        let (course, login) = try await enrolledCourse(context)
        let (attempt, bank) = try await begin(
            course: course, login: login, setID: context.parameters.get("set") ?? "", strings: site.strings(context))
        return try Site.json(AttemptView(attempt, bank: bank, sequence: 0, now: site.clock.now()), status: .created)
    }

    /// Starts an attempt of `login` at set `setID` (or `final-exam`) of `course`: drawn with a fresh seed, under the
    /// set's attempt and time limits.
    func begin(course: StoredCourse, login: String, setID: String, strings: Strings) async throws -> (
        StoredAttempt, Bank
    ) {
        let courseID = course.definition.id
        // In an open supervised session the learner starts after consenting and after the proctor's start; the
        // attempt carries the proctor's attestation.
        let now = site.clock.now()
        let seat = try await site.database.examSessions.seats(learner: login).first {
            $0.session.organisation == course.organisation && $0.session.course == courseID
                && $0.session.set == setID && $0.session.isOpen(at: Int64(now.timeIntervalSince1970))
        }
        if let seat {
            guard seat.seat.consentAt != nil else {
                throw HTTPFailure(.conflict, "consentMissing", strings.text("session_consent_first"))
            }
            guard seat.seat.releasedAt != nil else {
                throw HTTPFailure(.conflict, "notReleased", strings.text("session_wait_release"))
            }
            if let id = seat.seat.attempt, let running = try await site.database.attempts.load(id: id),
                running.state == .inProgress, let bank = try await bank(of: running)
            {
                return (running, bank)
            }
        }
        let kind: AttemptKind
        let pin: CourseDefinition.BankPin
        let draw: (Bank, String) throws -> ExamDraw
        var policy = AttemptPolicy()
        if setID == "final-exam", let exam = course.definition.finalExam {
            kind = .finalExam
            pin = exam.bank
            let blueprint = try Blueprint.parse(exam.blueprint)
            policy = AttemptPolicy(blueprint: blueprint)
            draw = { bank, seed in try ExamDraw(bank: bank, blueprint: blueprint, seed: seed) }
        } else if let set = course.definition.sets.first(where: { $0.id == setID }) {
            kind = set.kind == .homework ? .homework : .selfTest
            pin = set.bank
            if let blueprint = try set.blueprint.map({ try Blueprint.parse($0) }) {
                policy = AttemptPolicy(blueprint: blueprint)
                draw = { bank, seed in try ExamDraw(bank: bank, blueprint: blueprint, seed: seed) }
            } else {
                let items = set.items ?? []
                draw = { bank, seed in try ExamDraw(bank: bank, itemIDs: items, seed: seed) }
            }
            if set.kind == .homework { policy.due = set.dueDate }
        } else {
            throw HTTPFailure(.notFound, "notFound", strings.text("learner_set_not_found"))
        }
        guard let bank = try await site.bank(pin, of: course.organisation) else {
            throw HTTPFailure(.internalServerError, "internal", "the course's bank version cannot be read")
        }
        let seed = try Passwords.randomToken(byteCount: 8)
        let attempt: Attempt
        do {
            attempt = try await site.database.attempts.start(
                policy: policy, kind: kind, learnerID: login,
                assessmentID: "\(courseID).\(setID)", bank: bank, draw: try draw(bank, seed),
                organisation: course.organisation, bankVersion: pin.version, at: site.clock.now())
        } catch let error as AssessmentError where error.code == .attemptLimitReached {
            throw HTTPFailure(.conflict, "attemptLimitReached", error.reason)
        } catch let error as AssessmentError where error.code == .deadlinePassed {
            let due = policy.due.map { ReviewRoutes.time(Int64($0.timeIntervalSince1970)) } ?? ""
            throw HTTPFailure(.conflict, "deadlinePassed", strings.text("learner_homework_closed", due))
        }
        guard let seat else { return (attempt.stored, bank) }
        let record = Proctoring(
            proctorID: seat.session.proctor, learnerConsented: true, mode: seat.session.mode.rawValue,
            identityCheckedAt: seat.seat.identityCheckedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        let proctored = try await site.database.attempts.modify(id: attempt.id) { stored in
            var restored = try Attempt(restoring: stored, bank: bank)
            try restored.markProctored(record)
            stored = restored.stored
        }
        try await site.database.examSessions.attach(session: seat.session.id, learner: login, attempt: attempt.id)
        return (proctored, bank)
    }

    /// The bank version `attempt` was drawn from.
    func bank(of attempt: StoredAttempt) async throws -> Bank? {
        guard let reference = try await site.database.attempts.bankVersion(of: attempt.id) else { return nil }
        return try await site.bank(
            .init(id: attempt.draw.bankID, version: reference.version), of: reference.organisation)
    }

    /// The id of the attempt in the path and its bank version, when it is the signed-in learner's (from the
    /// attempt's fixed facts, without reading its answers). Anyone else's is not found.
    func ownForSaving(_ context: CampusContext) async throws -> (String, Bank) {
        let id = context.parameters.get("attempt") ?? ""
        guard let login = context.identity?.account.login, id.count <= 400,
            let facts = try await site.attemptFacts.facts(of: id, in: site.database), facts.learnerID == login,
            let bank = try await site.bank(.init(id: facts.bankID, version: facts.bankVersion), of: facts.organisation)
        else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("learner_attempt_not_found"))
        }
        return (id, bank)
    }

    /// The attempt in the path, when it is the signed-in learner's; its bank version. Anyone else's is not found.
    ///
    /// An attempt whose time is up is submitted on the way (with the answers saved in time), unless
    /// `submittingExpired` is false: a late save then hears that the deadline passed.
    func own(_ context: CampusContext, submittingExpired: Bool = true) async throws -> (StoredAttempt, Bank) {
        let strings = site.strings(context)
        let id = context.parameters.get("attempt") ?? ""
        guard let login = context.identity?.account.login, id.count <= 400,
            let found = try await site.database.attempts.loadWithBank(id: id), found.attempt.learnerID == login,
            let bank = try await site.bank(
                .init(id: found.attempt.draw.bankID, version: found.version), of: found.organisation)
        else {
            throw HTTPFailure(.notFound, "notFound", strings.text("learner_attempt_not_found"))
        }
        var stored = found.attempt
        // Time is up: the attempt is submitted with the answers saved in time, whoever looks first.
        // (Another node may have submitted it a moment ago: then it is read again.)
        if submittingExpired, stored.state == .inProgress, stored.pausedAt == nil, let deadline = stored.deadline,
            deadline <= site.clock.now()
        {
            if let submitted = try await site.database.attempts.submitIfExpired(id: id, at: site.clock.now()) {
                stored = submitted
                await CertificateAutomation(site: site).decide(
                    after: submitted, why: "time of the \(CertificateAutomation.part(submitted)) was up")
            } else if let current = try await site.database.attempts.load(id: id) {
                stored = current
            }
        }
        return (stored, bank)
    }
}

/// An attempt as its learner sees it: learner-safe items, saved answers, the time left by the server's clock.
struct AttemptView: Encodable {
    let id: String
    let kind: String
    let state: String
    let startedAt: String
    let deadline: String?
    let serverTime: String
    let secondsLeft: Int?
    /// Whether a proctor has paused it (no answers are taken, the time stands still).
    let paused: Bool
    let sequence: Int64
    let items: [PresentedItem]
    let answers: [String: Assessment.Response]

    init(_ stored: StoredAttempt, bank: Bank, sequence: Int64, now: Date) {
        id = stored.id
        kind = stored.kind.rawValue
        switch stored.state {
        case .inProgress: state = "inProgress"
        case .submitted: state = "submitted"
        case .voided: state = "voided"
        }
        startedAt = stored.startedAt.ISO8601Format()
        deadline = stored.deadline?.ISO8601Format()
        serverTime = now.ISO8601Format()
        // While a proctor has paused it, the time left stands still.
        secondsLeft = stored.deadline.map { max(0, Int($0.timeIntervalSince(stored.pausedAt ?? now).rounded(.down))) }
        paused = stored.pausedAt != nil
        self.sequence = sequence
        items = stored.draw.items.compactMap { drawn in
            bank.item(withID: drawn.itemID).map { PresentedItem(item: $0, drawn: drawn) }
        }
        answers = stored.answers
    }
}

/// A learner's progress through a course's content.
struct CourseProgress: Encodable {
    /// The indexes of the content units viewed.
    let viewedUnits: [Int]
    /// The viewed-content share in percent, exact (`"40"`, or a fraction such as `"100/3"`).
    let viewedPercent: String
    /// How many content units the course has.
    let units: Int
}

/// The answer to a save.
struct SaveAnswer: Encodable {
    let sequence: Int64
    /// `saved`, or `alreadySaved` when the same save arrived again.
    let saved: String
    let feedback: PresentedFeedback?
}
