import Assessment
import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import Interchange
import Storage

/// The learner's pages: the dashboard of enrolled courses (content viewed, points, tier and what is missing for the
/// next one, certificates), a course's content units and sets, and the attempt page, where every answer is saved
/// as it is given (`attempt.js` sends it to the API and keeps unsent answers in the browser until they arrive).
struct LearnerPages {
    let site: Site
    var routes: LearnerRoutes { LearnerRoutes(site: site) }

    func register(in registry: inout RouteRegistry) {
        let learner = Access.roles([.learner])
        registry.add(.get, "/learn", learner, .page) { request, context in
            try await dashboard(request, context: context)
        }
        registry.add(.get, "/learn/courses/:course", learner, .page) { request, context in
            let (course, login) = try await routes.enrolledCourse(context)
            return try await coursePage(course, login: login, request: request, context: context)
        }
        registry.add(.post, "/learn/courses/:course/units/:unit", learner, .page) { _, context in
            let (course, login) = try await routes.enrolledCourse(context)
            guard let text = context.parameters.get("unit"), text.count <= 4, let unit = Int(text),
                course.definition.contentUnits.indices.contains(unit)
            else {
                throw HTTPFailure(.notFound, "notFound", site.strings(context).text("learner_unit_not_found"))
            }
            try await site.database.courses.markViewed(course: course.definition.id, learner: login, unit: unit)
            return Site.redirect("/learn/courses/\(Site.queryEscaped(course.definition.id))#unit-\(unit)")
        }
        registry.add(.post, "/learn/courses/:course/sets/:set/start", learner, .page) { _, context in
            let (course, login) = try await routes.enrolledCourse(context)
            let setID = context.parameters.get("set") ?? ""
            // An attempt in progress is continued, never a second one started by a double click.
            let open = try await site.database.attempts.attempts(
                of: login, at: "\(course.definition.id).\(setID)"
            ).last { $0.state == .inProgress && !Self.expired($0, now: site.clock.now()) }
            if let open { return Site.redirect(Self.attemptPath(open.id)) }
            let (attempt, _) = try await routes.begin(
                course: course, login: login, setID: setID, strings: site.strings(context))
            return Site.redirect(Self.attemptPath(attempt.id))
        }
        registry.add(.post, "/learn/courses/:course/sessions/:session/consent", learner, .page) { _, context in
            let (course, login) = try await routes.enrolledCourse(context)
            let strings = site.strings(context)
            let id = context.parameters.get("session") ?? ""
            guard
                let seat = try await site.database.examSessions.seats(learner: login).first(where: {
                    $0.session.id == id && $0.session.course == course.definition.id
                        && $0.session.organisation == course.organisation
                })
            else { throw HTTPFailure(.notFound, "notFound", strings.text("session_not_found")) }
            guard context.form.fields["consent"] == "yes" else {
                throw HTTPFailure(.unprocessableContent, "invalid", strings.text("session_consent_missing"))
            }
            try await site.database.examSessions.consent(
                session: id, learner: login, text: strings.text("session_consent_\(seat.session.mode.rawValue)"),
                at: Int64(site.clock.now().timeIntervalSince1970))
            return Site.redirect("/learn/courses/\(Site.queryEscaped(course.definition.id))#set-\(seat.session.set)")
        }
        registry.add(.get, "/learn/attempts/:attempt", learner, .page) { request, context in
            let (stored, bank) = try await routes.own(context)
            return try await attemptPage(stored, bank: bank, request: request, context: context)
        }
        registry.add(.get, "/learn/attempts/:attempt/feedback/:item", learner, .page) { _, context in
            let (stored, bank) = try await routes.own(context)
            let item = context.parameters.get("item") ?? ""
            guard let feedback = try Attempt(restoring: stored, bank: bank).presentedFeedback(for: item) else {
                throw HTTPFailure(.notFound, "notFound", site.strings(context).text("learner_feedback_none"))
            }
            let html = site.fragment(
                "learn-feedback", Self.feedback(feedback, strings: site.strings(context)), context: context)
            return Site.html(html)
        }
        registry.add(.post, "/learn/attempts/:attempt/submit", learner, .page) { request, context in
            let (stored, bank) = try await routes.own(context)
            guard context.form.fields["confirm"] == "yes" else {
                return try await attemptPage(
                    stored, bank: bank, request: request, context: context,
                    error: site.strings(context).text("learner_submit_confirm_missing"), status: .unprocessableContent)
            }
            if stored.state == .inProgress {
                _ = try await routes.submit(stored.id, bank: bank, context: context)
            }
            return Site.redirect(Self.attemptPath(stored.id) + "?submitted=1")
        }
        registry.add(.get, "/learn/certificates/:id/pdf", learner, .page) { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let login = context.identity?.account.login, id.count <= 100,
                let certificate = try await site.database.registry.find(id: id), certificate.learner == login,
                let pdf = try await site.database.registry.pdf(id: id, organisation: certificate.organisation)
            else {
                throw HTTPFailure(.notFound, "notFound", site.strings(context).text("learner_certificate_not_found"))
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/pdf"
            headers[.contentDisposition] = "attachment; filename=\"\(id).pdf\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(bytes: pdf)))
        }
        // The certificate as an Open Badges 3.0 credential (a JWT signed by the issuer key) for wallets and HR
        // systems: only while it stands (a revoked or superseded one would be refused by its status list anyway).
        registry.add(.get, "/learn/certificates/:id/credential", learner, .page) { _, context in
            let strings = site.strings(context)
            let id = context.parameters.get("id") ?? ""
            guard let login = context.identity?.account.login, id.count <= 100,
                let certificate = try await site.database.registry.find(id: id), certificate.learner == login
            else {
                throw HTTPFailure(.notFound, "notFound", strings.text("learner_certificate_not_found"))
            }
            guard certificate.status == .issued else {
                throw HTTPFailure(.conflict, "conflict", strings.text("learner_credential_not_standing"))
            }
            let jwt: String
            do {
                let record = try CertificateRecord.parse(canonical: Array(certificate.recordJSON.utf8))
                jwt = try OpenBadgeCredential.make(
                    for: record, identity: site.keys.identity, base: site.configuration.base)
            } catch {
                site.logger.error(
                    "a credential could not be made", metadata: ["certificate": "\(id)", "error": "\(error)"])
                throw HTTPFailure(.internalServerError, "internal", strings.text("learner_credential_failed"))
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/vc+jwt"
            headers[.contentDisposition] = "attachment; filename=\"\(id).jwt\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: jwt + "\n")))
        }
    }

    // MARK: - Dashboard and course

    /// The enrolled courses of the signed-in learner, each with its standing and certificates.
    private func dashboard(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        guard let account = context.identity?.account else {
            throw HTTPFailure(.unauthorized, "unauthenticated", strings.text("error_sign_in"))
        }
        var courses: [[String: Any]] = []
        let seats = try await site.database.examSessions.seats(learner: account.login)
        for organisation in account.organisations(for: .learner) {
            for course in try await site.database.courses.list(organisation: organisation) {
                guard
                    let entry = try await site.database.courses.enrolments(
                        course: course.definition.id, organisation: organisation
                    )?.first(where: { $0.learner.learnerID == account.login })
                else { continue }
                let release = ResultRelease(
                    course: course.definition,
                    seats: seats.filter {
                        $0.session.organisation == organisation && $0.session.course == course.definition.id
                    })
                let attempts = try await site.database.attempts.attempts(
                    of: account.login, inCourse: course.definition.id)
                let standing = try await site.standing(
                    course: course, learnerID: account.login, name: entry.learner.name, attempts: attempts,
                    release: release, now: site.clock.now())
                var row = Self.standingData(standing, course: course, strings: strings)
                Self.addPending(&row, release: release, attempts: attempts, now: site.clock.now(), strings: strings)
                let due = Self.dueHomework(course.definition, attempts: attempts, now: site.clock.now()).map {
                    strings.text("learn_due_line", $0.title, ReviewRoutes.time(Int64($0.due.timeIntervalSince1970)))
                }
                row["due"] = due
                row["has_due"] = !due.isEmpty
                let certificates = try await site.database.registry.list(
                    organisation: organisation, course: course.definition.id
                ).filter { $0.learner == account.login }
                row["certificates"] = certificates.map { certificate -> [String: Any] in
                    [
                        "id": certificate.id, "tier": Self.tierName(certificate.tier, strings: strings),
                        "issued": certificate.issued,
                        "status": strings.text("learner_certificate_\(certificate.status.rawValue)"),
                        "standing": certificate.status == .issued,
                        // Why a certificate was superseded or revoked, as the register says.
                        "reason": certificate.status == .issued ? "" : certificate.reason,
                        "has_reason": certificate.status != .issued && !certificate.reason.isEmpty,
                        "pdf": "/learn/certificates/\(Site.queryEscaped(certificate.id))/pdf",
                        "credential": "/learn/certificates/\(Site.queryEscaped(certificate.id))/credential",
                        "verify": "/v/\(Site.queryEscaped(certificate.id))",
                        "verify_url": "\(site.configuration.base)/v/\(Site.queryEscaped(certificate.id))",
                    ]
                }
                row["has_certificates"] = !certificates.isEmpty
                // Supervised sessions still to come or running, with what the learner has to do.
                let now = Int64(site.clock.now().timeIntervalSince1970)
                let sessions = seats.filter {
                    $0.session.organisation == organisation && $0.session.course == course.definition.id
                        && $0.session.endsAt > now
                }.map { session, seat -> [String: Any] in
                    [
                        "window": SessionRoutes.window(session),
                        "set": session.set == "final-exam"
                            ? strings.text("learner_final_exam")
                            : course.definition.sets.first { $0.id == session.set }?.title ?? session.set,
                        "mode": strings.text("session_mode_\(session.mode.rawValue)"),
                        "consented": seat.consentAt != nil, "open": session.isOpen(at: now),
                    ]
                }
                row["sessions"] = sessions
                row["has_sessions"] = !sessions.isEmpty
                courses.append(row)
            }
        }
        return site.page(
            "learn", title: strings.text("learn_title"),
            ["courses": courses, "has_courses": !courses.isEmpty], request: request, context: context)
    }

    /// A course's title, viewed share, points, tier and what is missing for the next tier.
    static func standingData(_ standing: CourseStanding, course: StoredCourse, strings: Strings) -> [String: Any] {
        let result = standing.result
        var row: [String: Any] = [
            "id": course.definition.id, "title": course.definition.title,
            "path": "/learn/courses/\(Site.queryEscaped(course.definition.id))",
            "period": "\(course.definition.period.start) – \(course.definition.period.end)",
            "viewed": number(standing.record.contentViewed, places: 1, strings: strings),
            "points": number(result.points, strings: strings), "maximum": number(result.maximum, strings: strings),
            "percent": number(result.percent, places: 1, strings: strings),
            "missing": result.isFinal ? result.reasonsNotNext : result.awaitingGrading,
            "awaiting": !result.isFinal,
        ]
        if let tier = result.highest { row["tier"] = tierName(tier, strings: strings) }
        row["has_missing"] = !(row["missing"] as? [String] ?? []).isEmpty
        return row
    }

    /// Adds to a standing `row` the results `release` still withholds (set title and when each shows); while any
    /// is withheld the reasons for the next tier are not shown, as they would be judged without it.
    static func addPending(
        _ row: inout [String: Any], release: ResultRelease, attempts: [StoredAttempt], now: Date, strings: Strings
    ) {
        let withheld = release.withheld(attempts, now: now)
        let pending = attempts.filter { withheld[$0.id] != nil }.map { attempt -> String in
            let until = ReviewRoutes.time(Int64((withheld[attempt.id] ?? now).timeIntervalSince1970))
            return strings.text(
                "learn_pending_line", setTitle(attempt, course: release.course, strings: strings), until)
        }
        row["pending"] = pending
        row["has_pending"] = !pending.isEmpty
        if !pending.isEmpty { row["has_missing"] = false }
    }

    /// Homework of `course` due after `now` that the learner has not handed in yet, soonest first.
    static func dueHomework(_ course: CourseDefinition, attempts: [StoredAttempt], now: Date) -> [(
        title: String, due: Date
    )] {
        course.sets.compactMap { set -> (title: String, due: Date)? in
            guard set.kind == .homework, let due = set.dueDate, due > now,
                !attempts.contains(where: { attempt in
                    guard attempt.assessmentID == "\(course.id).\(set.id)", case .submitted = attempt.state else {
                        return false
                    }
                    return true
                })
            else { return nil }
            return (set.title, due)
        }.sorted { $0.due < $1.due }
    }

    /// The title of the set (or final exam) an attempt belongs to.
    static func setTitle(_ attempt: StoredAttempt, course: CourseDefinition, strings: Strings) -> String {
        let setID = attempt.assessmentID.split(separator: ".", maxSplits: 1).last.map(String.init) ?? ""
        if setID == "final-exam" { return strings.text("learner_final_exam") }
        return course.sets.first { $0.id == setID }?.title ?? setID
    }

    /// The course page: content units to mark as worked through, homework, self-tests and the final exam.
    private func coursePage(
        _ course: StoredCourse, login: String, request: Request, context: CampusContext
    ) async throws -> Response {
        let strings = site.strings(context)
        let definition = course.definition
        let viewed = try await site.database.courses.viewedUnits(course: definition.id, learner: login)
        let coursePath = "/learn/courses/\(Site.queryEscaped(definition.id))"
        let units = definition.contentUnits.enumerated().map { index, unit -> [String: Any] in
            [
                "index": index, "title": unit.title, "minutes": unit.estimatedMinutes,
                "kind": strings.text("learner_unit_\(unit.kind.rawValue)"), "viewed": viewed.contains(index),
                "action": "\(coursePath)/units/\(index)",
            ]
        }
        let attempts = try await site.database.attempts.attempts(of: login, inCourse: definition.id)
        var sets: [[String: Any]] = []
        var all = definition.sets.map { ($0.id, $0.title, $0.kind == .homework ? "homework" : "self-test") }
        if definition.finalExam != nil {
            all.append(("final-exam", strings.text("learner_final_exam"), "exam"))
        }
        let seats = try await site.database.examSessions.seats(learner: login).filter {
            $0.session.course == definition.id && $0.session.organisation == course.organisation
        }
        let seconds = Int64(site.clock.now().timeIntervalSince1970)
        for (id, title, kind) in all {
            let sessions = seats.filter { $0.session.set == id && $0.session.endsAt > seconds }.map {
                session, seat -> [String: Any] in
                [
                    "window": SessionRoutes.window(session), "open": session.isOpen(at: seconds),
                    "mode": strings.text("session_mode_\(session.mode.rawValue)"), "room": session.room,
                    "online": session.mode == .online, "consented": seat.consentAt != nil,
                    "released": seat.releasedAt != nil,
                    "consent_text": strings.text("session_consent_\(session.mode.rawValue)"),
                    "consent_action": "\(coursePath)/sessions/\(session.id)/consent",
                    "input": "consent-\(session.id)",
                ]
            }
            let own = attempts.filter { $0.assessmentID == "\(definition.id).\(id)" }
            let open = own.last { $0.state == .inProgress && !Self.expired($0, now: site.clock.now()) }
            let rows = own.enumerated().map { index, attempt -> [String: Any] in
                [
                    "number": index + 1, "path": Self.attemptPath(attempt.id),
                    "state": Self.stateText(attempt, now: site.clock.now(), strings: strings),
                ]
            }
            let due = definition.sets.first { $0.id == id }?.dueDate
            sets.append([
                "due": due.map { ReviewRoutes.time(Int64($0.timeIntervalSince1970)) } ?? "", "has_due": due != nil,
                "closed": due.map { $0 <= site.clock.now() } ?? false,
                "id": id, "title": title, "kind": strings.text("learner_kind_\(kind)"),
                "action": "\(coursePath)/sets/\(Site.queryEscaped(id))/start",
                "button": strings.text(open == nil ? "learner_start" : "learner_continue"),
                "attempts": rows, "has_attempts": !rows.isEmpty, "sessions": sessions,
            ])
        }
        let name =
            try await site.database.courses.enrolments(course: definition.id, organisation: course.organisation)?
            .first { $0.learner.learnerID == login }?.learner.name ?? login
        let release = ResultRelease(course: definition, seats: seats)
        let standing = try await site.standing(
            course: course, learnerID: login, name: name, attempts: attempts, release: release, now: site.clock.now())
        var standingRow = Self.standingData(standing, course: course, strings: strings)
        Self.addPending(&standingRow, release: release, attempts: attempts, now: site.clock.now(), strings: strings)
        return site.page(
            "learn-course", title: definition.title,
            ["units": units, "sets": sets, "standing": standingRow], request: request, context: context)
    }

    // MARK: - Attempt

    /// The attempt page: the paper to answer while in progress, the results once submitted, the reason when voided.
    private func attemptPage(
        _ stored: StoredAttempt, bank: Bank, request: Request, context: CampusContext, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        let now = site.clock.now()
        let attempt = try Attempt(restoring: stored, bank: bank)
        let sequence = try await site.database.attempts.sequence(of: stored.id) ?? 0
        let courseID = String(stored.assessmentID.prefix { $0 != "." })
        let open = stored.state == .inProgress
        // Under the course's setting the result (and the per-item feedback) may show only once the window closes.
        let course = try await course(of: stored, courseID: courseID)
        var withheldUntil: Date?
        if !open, let course {
            withheldUntil = try await site.resultRelease(course: course, learner: stored.learnerID)
                .withheldUntil(stored, now: now)
        }
        var items: [[String: Any]] = []
        for (index, drawn) in stored.draw.items.enumerated() {
            guard let item = bank.item(withID: drawn.itemID) else { continue }
            var data = Self.itemData(
                PresentedItem(item: item, drawn: drawn), answer: stored.answers[item.id], number: index + 1,
                strings: strings)
            data["disabled"] = !open
            if (!open && withheldUntil == nil) || stored.kind == .selfTest,
                let feedback = attempt.presentedFeedback(for: item.id)
            {
                data["feedback"] = Self.feedback(feedback, strings: strings)
            }
            items.append(data)
        }
        var data: [String: Any] = [
            "id": stored.id, "items": items, "open": open, "sequence": sequence,
            "course_path": "/learn/courses/\(Site.queryEscaped(courseID))",
            "api": "/api/v1/attempts/\(Site.queryEscaped(stored.id))",
            "feedback_path": Self.attemptPath(stored.id) + "/feedback/",
            "submit_action": Self.attemptPath(stored.id) + "/submit",
            "kind": strings.text("learner_kind_\(stored.kind.rawValue)"), "self_test": stored.kind == .selfTest,
            "one_per_page": course?.definition.itemsPerPage == .one,
            "state": Self.stateText(stored, now: now, strings: strings),
        ]
        if let error { data["error"] = error }
        if request.uri.queryParameters.get("submitted") != nil, case .submitted = stored.state {
            data["just_submitted"] = true
        }
        if let paused = stored.pausedAt, open {
            data["paused"] = true
            data["paused_at"] = ReviewRoutes.time(Int64(paused.timeIntervalSince1970))
        }
        if let deadline = stored.deadline, open {
            let until = stored.pausedAt ?? now
            data["seconds_left"] = max(0, Int(deadline.timeIntervalSince(until).rounded(.down)))
            data["deadline"] = ReviewRoutes.time(Int64(deadline.timeIntervalSince1970))
        }
        switch stored.state {
        case .inProgress: break
        case .submitted:
            if let withheldUntil {
                data["withheld_until"] = ReviewRoutes.time(Int64(withheldUntil.timeIntervalSince1970))
                break
            }
            let score = attempt.score
            data["result"] = [
                "points": Self.number(score.points, strings: strings),
                "maximum": Self.number(score.maximum, strings: strings),
                "percent": Self.number(score.percent, places: 1, strings: strings),
                "awaiting": !score.isFinal,
            ]
        case .voided(let voiding):
            data["voided"] = ["by": voiding.proctorID, "reason": voiding.reason]
        }
        return site.page(
            "learn-attempt", title: "\(strings.text("learner_kind_\(stored.kind.rawValue)")) – \(stored.id)", data,
            request: request, context: context, status: status)
    }

    /// One item of the paper: its stem as HTML, the inputs of its type filled with the saved answer.
    static func itemData(_ item: PresentedItem, answer: Assessment.Response?, number: Int, strings: Strings) -> [String:
        Any]
    {
        let anchor = ReviewRoutes.anchor(item.itemID)
        var data: [String: Any] = [
            "id": item.itemID, "anchor": anchor, "number": number, "points": Self.number(item.points, strings: strings),
            "stem_html": ItemMarkdown.html(item.stem),
        ]
        func choices(_ options: [PresentedChoice], chosen: Set<String>) -> [[String: Any]] {
            options.map {
                [
                    "id": $0.id, "label": $0.label, "text_html": ItemMarkdown.html($0.text),
                    "input_id": "i-\(anchor)-\(ReviewRoutes.anchor($0.id))", "checked": chosen.contains($0.id),
                ]
            }
        }
        switch item.body {
        case .singleChoice(let options):
            var chosen: Set<String> = []
            if case .choice(let id)? = answer { chosen = [id] }
            data["kind"] = "single"
            data["is_single"] = true
            data["options"] = choices(options, chosen: chosen)
        case .multipleResponse(let options):
            var chosen: Set<String> = []
            if case .choices(let ids)? = answer { chosen = ids }
            data["kind"] = "multiple"
            data["is_multiple"] = true
            data["options"] = choices(options, chosen: chosen)
        case .trueFalse:
            data["kind"] = "truth"
            data["is_truth"] = true
            if case .truth(let value)? = answer {
                data[value ? "true_checked" : "false_checked"] = true
            }
        case .numeric(let unit):
            data["kind"] = "numeric"
            data["is_numeric"] = true
            data["unit"] = unit ?? ""
            if case .number(let value)? = answer {
                data["value"] =
                    strings.text("decimal_separator") == ","
                    ? value.exactText.replacingOccurrences(
                        of: ".", with: ",") : value.exactText
            }
        case .shortText:
            data["kind"] = "text"
            data["is_text"] = true
            if case .text(let value)? = answer { data["value"] = value }
        case .matching(let premises, let responses):
            var matches: [String: String] = [:]
            if case .matches(let saved)? = answer { matches = saved }
            data["kind"] = "matching"
            data["is_matching"] = true
            data["responses"] = choices(responses, chosen: [])
            data["premises"] = premises.map { premise -> [String: Any] in
                [
                    "id": premise.id, "label": premise.label, "text_html": ItemMarkdown.html(premise.text),
                    "select_id": "i-\(anchor)-\(ReviewRoutes.anchor(premise.id))",
                    "choices": responses.map {
                        ["id": $0.id, "label": $0.label, "selected": matches[premise.id] == $0.id] as [String: Any]
                    },
                ]
            }
        case .ordering(let elements):
            var order = elements
            if case .order(let saved)? = answer, Set(saved) == Set(elements.map(\.id)) {
                order = saved.compactMap { id in elements.first { $0.id == id } }
            }
            data["kind"] = "ordering"
            data["is_ordering"] = true
            data["answered"] = answer != nil
            data["elements"] = choices(order, chosen: [])
        case .cloze(let gaps):
            var filled: [String: String] = [:]
            if case .gaps(let saved)? = answer { filled = saved }
            data["kind"] = "cloze"
            data["is_cloze"] = true
            data["gaps"] = gaps.map { gap -> [String: Any] in
                var row: [String: Any] = [
                    "id": gap.id, "number": gap.number, "input_id": "i-\(anchor)-gap-\(gap.number)",
                    "value": filled[gap.id] ?? "",
                ]
                switch gap.input {
                case .choice(let options):
                    row["is_choice"] = true
                    row["choices"] = options.map {
                        ["id": $0.id, "label": $0.label, "text": $0.text, "selected": filled[gap.id] == $0.id]
                            as [String: Any]
                    }
                case .number: row["is_number"] = true
                case .text: row["is_text"] = true
                }
                return row
            }
        case .essay(let template):
            data["kind"] = "essay"
            data["is_essay"] = true
            if case .essay(let text)? = answer {
                data["value"] = text
            } else {
                data["value"] = template ?? ""
            }
        }
        return data
    }

    /// Feedback after an answer: the verdict, points, the feedback texts and the key, spelled with the labels shown.
    static func feedback(_ feedback: PresentedFeedback, strings: Strings) -> [String: Any] {
        let verdict = feedback.score.verdict
        var lines = feedback.optionFeedback.map { "\($0.label): \($0.text)" }
        if lines.isEmpty { lines = feedback.responseFeedback }
        if let general = feedback.generalFeedback { lines.append(general) }
        let solution: String
        switch feedback.solution {
        case .letters(let letters): solution = letters.joined(separator: ", ")
        case .truth(let value): solution = strings.text(value ? "learner_true" : "learner_false")
        case .number(let answer, let unit):
            solution =
                answer.map { number($0.value, places: 6, strings: strings) + (unit.map { " \($0)" } ?? "") } ?? ""
        case .text(let text): solution = text
        case .gaps(let keys):
            solution = keys.enumerated().map { index, key in
                let shown: String
                switch key {
                case .letter(let letter): shown = letter
                case .text(let text): shown = text
                case .number(let value): shown = value.map { number($0, places: 6, strings: strings) } ?? "–"
                }
                return "[\(index + 1)] \(shown)"
            }.joined(separator: "; ")
        case .pairs(let pairs): solution = pairs.joined(separator: " ")
        case .order(let letters): solution = letters.joined(separator: " ")
        case .essay: solution = ""
        }
        return [
            "verdict": strings.text("learner_verdict_\(verdict.rawValue)"), "verdict_kind": verdict.rawValue,
            "points": number(feedback.score.points, strings: strings),
            "maximum": number(feedback.score.maximum, strings: strings),
            "lines": lines.map { ["html": ItemMarkdown.html($0)] }, "solution": solution,
            "has_solution": !solution.isEmpty,
        ]
    }

    // MARK: - Helpers

    /// The course `attempt` belongs to (`courseID` in its organisation).
    private func course(of attempt: StoredAttempt, courseID: String) async throws -> StoredCourse? {
        guard let reference = try await site.database.attempts.bankVersion(of: attempt.id) else { return nil }
        return try await site.database.courses.find(organisation: reference.organisation, id: courseID)
    }

    static func attemptPath(_ id: String) -> String { "/learn/attempts/\(Site.queryEscaped(id))" }

    static func expired(_ attempt: StoredAttempt, now: Date) -> Bool {
        attempt.pausedAt == nil && (attempt.deadline.map { $0 <= now } ?? false)
    }

    /// The attempt's state in words.
    static func stateText(_ attempt: StoredAttempt, now: Date, strings: Strings) -> String {
        switch attempt.state {
        case .inProgress:
            return strings.text(expired(attempt, now: now) ? "learner_state_time_up" : "learner_state_in_progress")
        case .submitted(let at):
            return strings.text("learner_state_submitted", ReviewRoutes.time(Int64(at.timeIntervalSince1970)))
        case .voided(let voiding): return strings.text("learner_state_voided", voiding.reason)
        }
    }

    static func tierName(_ tier: Tier, strings: Strings) -> String {
        strings.text("decimal_separator") == "," ? tier.germanName : tier.englishName
    }

    /// `value` rounded to `places` decimals, with the language's decimal separator.
    static func number(_ value: Rational, places: Int = 2, strings: Strings) -> String {
        let text = value.formatted(places: places)
        return strings.text("decimal_separator") == "," ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}
