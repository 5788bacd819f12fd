import Assessment
import Certificates
import Foundation
import Storage

/// Issues certificates the moment a learner has earned them, from the stored course and attempts.
///
/// A learner's tier is decided once their final exam is submitted and graded (every essay scored). Then the
/// registry issues the certificate at the highest tier met, once; a later higher tier supersedes it. When a voided
/// or regraded attempt lowers the tier, the certificate held is superseded by one at the lower tier, or revoked
/// when no tier is left, with the reason. Every step is in the audit log (actor `system`). A course that shows
/// results only after their window closes has the decision wait for that time (``PendingDecisionStore``).
struct CertificateAutomation {
    let site: Site

    /// Re-decides `learner` in `organisation`'s course `courseID` after `why` (submission, grading, voiding).
    /// Failures are logged, never thrown: the learner's submission stands either way.
    func decide(organisation: String, courseID: String, learner: String, why: String) async {
        do {
            try await decideThrowing(organisation: organisation, courseID: courseID, learner: learner, why: why)
        } catch {
            site.logger.error(
                "deciding a certificate failed",
                metadata: [
                    "course": "\(courseID)", "learner": "\(learner)", "error": "\(String(reflecting: error))",
                ])
        }
    }

    /// What an attempt was, for the register's public reason: no attempt ids, logins or proctors' notes (the audit
    /// log and the session's record keep those).
    static func part(_ attempt: StoredAttempt) -> String {
        switch attempt.kind {
        case .finalExam: "final exam"
        case .homework: "homework"
        case .selfTest: "self-test"
        }
    }

    /// Re-decides the learner of a submitted, graded or voided attempt (self-tests never count). `why` becomes the
    /// register's reason when a certificate is superseded or revoked: anyone verifying sees it.
    func decide(after attempt: StoredAttempt, why: String) async {
        guard attempt.kind.counts,
            let reference = try? await site.database.attempts.bankVersion(of: attempt.id)
        else { return }
        let courseID = String(attempt.assessmentID.prefix { $0 != "." })
        await decide(organisation: reference.organisation, courseID: courseID, learner: attempt.learnerID, why: why)
    }

    private func decideThrowing(organisation: String, courseID: String, learner: String, why: String) async throws {
        guard let course = try await site.database.courses.find(organisation: organisation, id: courseID),
            let enrolment = try await site.database.courses.enrolments(course: courseID, organisation: organisation)?
                .first(where: { $0.learner.learnerID == learner })
        else { return }
        // Results the course shows only once their window closes: the decision waits for that time (a closed
        // course decides now).
        let attempts = try await site.database.attempts.attempts(of: learner, inCourse: courseID)
        if course.closedAt == nil {
            let release = try await site.resultRelease(course: course, learner: learner)
            if let latest = release.withheld(attempts, now: site.clock.now()).values.max() {
                try await site.database.pendingDecisions.schedule(
                    PendingDecision(
                        organisation: organisation, course: courseID, learner: learner,
                        dueAt: Int64(latest.timeIntervalSince1970.rounded(.up))))
                return
            }
        }
        let standing = try await site.standing(
            course: course, learnerID: learner, name: enrolment.learner.name, attempts: attempts)
        let held = try await site.database.registry.list(organisation: organisation, course: courseID)
            .filter { $0.learner == learner && $0.status == .issued }
        let examDone = standing.record.attempts.contains {
            $0.assessmentID == "final-exam" && $0.voiding == nil
        }
        // Nothing is decided before the final exam or the course's close (unless a certificate is held), nor while
        // essays wait.
        guard examDone || course.closedAt != nil || !held.isEmpty, standing.result.isFinal else { return }
        let language: CertificateRecord.Language =
            (try? await site.database.accounts.find(login: learner))?.language == "en" ? .english : .german
        guard standing.result.highest != nil else {
            for certificate in held {
                try await site.database.registry.revoke(
                    id: certificate.id, organisation: organisation,
                    reason: "no tier is met any more (\(why))", date: CertificateRoutes.today(site.clock.now()),
                    actor: "system")
            }
            return
        }
        let book = Gradebook(
            course: Gradebook.Course(
                id: courseID, title: course.definition.title, provider: organisation,
                start: course.definition.period.start,
                end: course.definition.period.end, rules: standing.rules),
            entries: [.learner(standing.record, birthDate: enrolment.learner.birthDate)])
        let rows = try await CertificateRoutes(site: site).issue(
            book, course: course,
            options: .init(reissue: nil, reason: why, language: language, lowering: true), actor: "system",
            strings: site.texts["en"] ?? Strings(table: [:])
        ) { _, _, _ in }
        for row in rows where row.outcome == .failed {
            site.logger.error(
                "automatic issuing failed",
                metadata: ["course": "\(courseID)", "learner": "\(learner)", "why": "\(row.message ?? "")"])
        }
    }
}
