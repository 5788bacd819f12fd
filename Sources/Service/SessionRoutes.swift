import Assessment
import CampusCrypto
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Supervised exam sessions: a provider schedules one (window, proctor, learners, online with a video room or in
/// person); the proctor's page shows each learner's state and records the identity check, the start, pauses,
/// extensions, incidents and voidings. The learner consents on the course page before starting.
struct SessionRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let provider = Access.roles([.provider])
        let proctor = Access.roles([.proctor])
        registry.add(.get, "/provider/courses/:course/sessions", provider, .page) { request, context in
            let course = try await CourseRoutes(site: site).course(context)
            return try await schedulePage(course, request: request, context: context)
        }
        registry.add(.post, "/provider/courses/:course/sessions", provider, .page) { request, context in
            let course = try await CourseRoutes(site: site).course(context)
            let form = context.form.fields
            // One checkbox per enrolled learner, named `learner:ID`.
            let learners = form.filter { $0.key.hasPrefix("learner:") && $0.value == "yes" }
                .map { String($0.key.dropFirst("learner:".count)) }.sorted()
            do {
                let session = try await schedule(
                    course, set: form["set"] ?? "", date: form["date"] ?? "", time: form["time"] ?? "",
                    minutes: form["minutes"] ?? "", proctor: form["proctor"] ?? "", mode: form["mode"] ?? "",
                    room: form["room"] ?? "", learners: learners, context: context)
                return Site.redirect(
                    "/provider/courses/\(Site.queryEscaped(course.definition.id))/sessions?created=\(session.id)")
            } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
                return try await schedulePage(
                    course, request: request, context: context, error: failure.message, status: failure.status)
            }
        }
        registry.add(.get, "/proctor", proctor, .page) { request, context in
            let strings = site.strings(context)
            let login = try CourseRoutes.actor(context)
            let now = Int64(site.clock.now().timeIntervalSince1970)
            let rows = try await site.database.examSessions.sessions(proctor: login).map { session -> [String: Any] in
                [
                    "path": "/proctor/sessions/\(session.id)", "course": session.course,
                    "set": setTitle(session.set, strings: strings), "window": Self.window(session),
                    "mode": strings.text("session_mode_\(session.mode.rawValue)"), "open": session.isOpen(at: now),
                ]
            }
            return site.page(
                "proctor", title: strings.text("proctor_title"), ["sessions": rows, "has_sessions": !rows.isEmpty],
                request: request, context: context)
        }
        registry.add(.get, "/proctor/sessions/:session", proctor, .page) { request, context in
            let session = try await ownSession(context)
            return try await sessionPage(session, request: request, context: context)
        }
        registry.add(.post, "/proctor/sessions/:session/learners/:learner/:action", proctor, .page) {
            request, context in
            let session = try await ownSession(context)
            do {
                try await act(session, context: context)
            } catch let failure as HTTPFailure where failure.status != .notFound {
                return try await sessionPage(
                    session, request: request, context: context, error: failure.message, status: failure.status)
            }
            let learner = context.parameters.get("learner") ?? ""
            return Site.redirect("/proctor/sessions/\(session.id)#seat-\(ReviewRoutes.anchor(learner))")
        }
    }

    // MARK: - Scheduling

    private func schedule(
        _ course: StoredCourse, set: String, date: String, time: String, minutes: String, proctor: String,
        mode: String, room: String, learners: [String], context: CampusContext
    ) async throws -> ExamSession {
        let strings = site.strings(context)
        func invalid(_ key: String, _ field: String) -> HTTPFailure {
            HTTPFailure(.unprocessableContent, "invalid", strings.text(key), field: field)
        }
        let definition = course.definition
        guard
            set == "final-exam" && definition.finalExam != nil
                || definition.sets.contains(where: { $0.id == set && $0.kind == .homework })
        else { throw invalid("session_set_invalid", "set") }
        guard let start = Self.utc(date: date, time: time) else { throw invalid("session_time_invalid", "date") }
        guard minutes.count <= 4, let length = Int(minutes), (5...1440).contains(length) else {
            throw invalid("session_minutes_invalid", "minutes")
        }
        guard let chosen = ExamSession.Mode(rawValue: mode) else { throw invalid("session_mode_invalid", "mode") }
        guard let account = try await site.database.accounts.find(login: proctor), account.active,
            account.grants.contains(where: { $0.role == .proctor && $0.organisation == course.organisation })
        else { throw invalid("session_proctor_invalid", "proctor") }
        let enrolled = Set(
            try await site.database.courses.enrolments(course: definition.id, organisation: course.organisation)?
                .map(\.learner.learnerID) ?? [])
        guard !learners.isEmpty, learners.allSatisfy(enrolled.contains) else {
            throw invalid("session_learners_invalid", "learner")
        }
        let session = ExamSession(
            id: "s-" + (try Passwords.randomToken(byteCount: 6)), organisation: course.organisation,
            course: definition.id, set: set, startsAt: start, endsAt: start + Int64(length * 60), proctor: proctor,
            mode: chosen, room: room.trimmingCharacters(in: .whitespaces), createdBy: try CourseRoutes.actor(context))
        do {
            try await site.database.examSessions.create(session, learners: learners)
        } catch let error as StorageError where error.code == .invalid {
            throw HTTPFailure(.unprocessableContent, "invalid", error.reason, field: "room")
        }
        return session
    }

    private func schedulePage(
        _ course: StoredCourse, request: Request, context: CampusContext, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        let definition = course.definition
        let sessions = try await site.database.examSessions.list(
            organisation: course.organisation, course: definition.id)
        var rows: [[String: Any]] = []
        for session in sessions {
            let seats = try await site.database.examSessions.seats(session: session.id)
            rows.append([
                "id": session.id, "set": setTitle(session.set, strings: strings), "window": Self.window(session),
                "proctor": session.proctor, "mode": strings.text("session_mode_\(session.mode.rawValue)"),
                "room": session.room, "learners": seats.map(\.learner).joined(separator: ", "),
            ])
        }
        var sets: [[String: Any]] = []
        if definition.finalExam != nil {
            sets.append(["id": "final-exam", "title": strings.text("learner_final_exam")])
        }
        for set in definition.sets where set.kind == .homework { sets.append(["id": set.id, "title": set.title]) }
        let proctors = try await site.database.accounts.all().filter { account in
            account.active && account.grants.contains { $0.role == .proctor && $0.organisation == course.organisation }
        }.map { ["login": $0.login, "name": $0.displayName] }
        let learners =
            try await site.database.courses.enrolments(course: definition.id, organisation: course.organisation)?
            .map {
                [
                    "id": $0.learner.learnerID, "name": $0.learner.name,
                    "input": "l-\(ReviewRoutes.anchor($0.learner.learnerID))",
                ]
            }
            ?? []
        var data: [String: Any] = [
            "course": ["id": definition.id, "title": definition.title], "sessions": rows,
            "has_sessions": !rows.isEmpty, "sets": sets, "proctors": proctors, "learners": learners,
            "today": CertificateRoutes.today(site.clock.now()),
        ]
        if let error { data["error"] = error }
        if let created = request.uri.queryParameters.get("created") {
            data["created"] = strings.text("session_created", String(created.prefix(40)))
        }
        return site.page(
            "sessions", title: strings.text("session_schedule_title", definition.title), data, request: request,
            context: context, status: status)
    }

    // MARK: - The proctor's page

    /// The session in the path, when the signed-in proctor supervises it; else not found.
    private func ownSession(_ context: CampusContext) async throws -> ExamSession {
        let id = context.parameters.get("session") ?? ""
        guard let login = context.identity?.account.login, id.count <= 40,
            let session = try await site.database.examSessions.find(id: id), session.proctor == login
        else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("session_not_found"))
        }
        return session
    }

    private func sessionPage(
        _ session: ExamSession, request: Request, context: CampusContext, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        let now = site.clock.now()
        let enrolled =
            try await site.database.courses.enrolments(course: session.course, organisation: session.organisation)
            ?? []
        var seats: [[String: Any]] = []
        for seat in try await site.database.examSessions.seats(session: session.id) {
            let name = enrolled.first { $0.learner.learnerID == seat.learner }?.learner.name ?? seat.learner
            var row: [String: Any] = [
                "learner": seat.learner, "name": name, "anchor": ReviewRoutes.anchor(seat.learner),
                "action": "/proctor/sessions/\(session.id)/learners/\(Site.queryEscaped(seat.learner))/",
                "identity": seat.identityCheckedAt.map { ReviewRoutes.time($0) } ?? "",
                "consent": seat.consentAt.map { ReviewRoutes.time($0) } ?? "",
                "has_identity": seat.identityCheckedAt != nil, "has_consent": seat.consentAt != nil,
                "released": seat.releasedAt != nil,
            ]
            var state = strings.text(seat.consentAt == nil ? "session_state_waiting" : "session_state_consented")
            if seat.releasedAt != nil { state = strings.text("session_state_released") }
            if let id = seat.attempt, let attempt = try await site.database.attempts.load(id: id) {
                row["attempt"] = id
                switch attempt.state {
                case .inProgress:
                    if let paused = attempt.pausedAt {
                        state = strings.text(
                            "session_state_paused", ReviewRoutes.time(Int64(paused.timeIntervalSince1970)))
                        row["paused"] = true
                    } else if let deadline = attempt.deadline {
                        let left = max(0, Int(deadline.timeIntervalSince(now)))
                        state = strings.text(
                            "session_state_running", "\(left / 60):\(String(format: "%02d", left % 60))")
                    } else {
                        state = strings.text("learner_state_in_progress")
                    }
                    row["running"] = true
                case .submitted(let at):
                    state = strings.text("learner_state_submitted", ReviewRoutes.time(Int64(at.timeIntervalSince1970)))
                    row["finished"] = true
                case .voided(let voiding):
                    state = strings.text("learner_state_voided", voiding.reason)
                    row["voided"] = true
                }
            }
            row["state"] = state
            seats.append(row)
        }
        let record = try await site.database.examSessions.record(session: session.id).reversed().map {
            entry -> [String: Any] in
            var line: [String: Any] = [
                "at": ReviewRoutes.time(entry.at), "actor": entry.actor, "learner": entry.learner,
                "kind": strings.text("session_log_\(entry.kind)"),
            ]
            if !entry.note.isEmpty { line["note"] = entry.note }
            return line
        }
        var data: [String: Any] = [
            "session": [
                "id": session.id, "course": session.course, "set": setTitle(session.set, strings: strings),
                "window": Self.window(session), "mode": strings.text("session_mode_\(session.mode.rawValue)"),
                "room": session.room, "online": session.mode == .online,
                "open": session.isOpen(at: Int64(now.timeIntervalSince1970)),
            ],
            "seats": seats, "record": record, "has_record": !record.isEmpty,
        ]
        if let error { data["error"] = error }
        return site.page(
            "proctor-session", title: strings.text("proctor_session_title", session.course), data, request: request,
            context: context, status: status)
    }

    /// One of the proctor's actions on a learner's seat.
    private func act(_ session: ExamSession, context: CampusContext) async throws {
        let strings = site.strings(context)
        let proctor = try CourseRoutes.actor(context)
        let learner = context.parameters.get("learner") ?? ""
        let now = site.clock.now()
        let seconds = Int64(now.timeIntervalSince1970)
        guard
            let seat = try await site.database.examSessions.seats(session: session.id).first(where: {
                $0.learner == learner
            })
        else {
            throw HTTPFailure(.notFound, "notFound", strings.text("session_not_found"))
        }
        let note = (context.form.fields["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        func needNote() throws -> String {
            guard !note.isEmpty, note.count <= ExamSessionStore.maximumNote else {
                throw HTTPFailure(.unprocessableContent, "invalid", strings.text("session_note_missing"), field: "note")
            }
            return note
        }
        /// Changes the seat's attempt; the proctor's domain errors become a message on the page.
        func changeAttempt(_ change: @escaping @Sendable (inout Attempt) throws -> Void) async throws -> StoredAttempt {
            guard let id = seat.attempt, let attempt = try await site.database.attempts.load(id: id),
                let bank = try await LearnerRoutes(site: site).bank(of: attempt)
            else {
                throw HTTPFailure(.conflict, "conflict", strings.text("session_no_attempt"))
            }
            do {
                return try await site.database.attempts.modify(id: id) { stored in
                    var restored = try Attempt(restoring: stored, bank: bank)
                    try change(&restored)
                    stored = restored.stored
                }
            } catch let error as AssessmentError {
                throw HTTPFailure(.conflict, "conflict", error.reason)
            }
        }
        switch context.parameters.get("action") ?? "" {
        case "identity":
            try await site.database.examSessions.checkIdentity(
                session: session.id, learner: learner, proctor: proctor, at: seconds)
            // An attempt already running carries the check from now on.
            if seat.attempt != nil {
                _ = try await changeAttempt { attempt in
                    if var record = attempt.proctoring, record.identityCheckedAt == nil {
                        record.identityCheckedAt = now
                        try attempt.markProctored(record)
                    }
                }
            }
        case "release":
            guard session.isOpen(at: seconds) else {
                throw HTTPFailure(.conflict, "conflict", strings.text("session_closed"))
            }
            try await site.database.examSessions.release(
                session: session.id, learner: learner, proctor: proctor, at: seconds)
        case "pause":
            _ = try await changeAttempt { try $0.pause(at: now) }
            try await site.database.examSessions.log(
                session: session.id, learner: learner, actor: proctor, kind: "pause", note: note, at: seconds)
        case "resume":
            _ = try await changeAttempt { try $0.resume(at: now) }
            try await site.database.examSessions.log(
                session: session.id, learner: learner, actor: proctor, kind: "resume", note: note, at: seconds)
        case "extend":
            let reason = try needNote()
            let text = context.form.fields["minutes"] ?? ""
            guard text.count <= 3, let minutes = Int(text), (1...600).contains(minutes) else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("session_minutes_invalid"), field: "minutes")
            }
            _ = try await changeAttempt { try $0.extend(byMinutes: minutes) }
            try await site.database.examSessions.log(
                session: session.id, learner: learner, actor: proctor, kind: "extend",
                note: "+\(minutes) min: \(reason)", at: seconds)
        case "incident":
            try await site.database.examSessions.log(
                session: session.id, learner: learner, actor: proctor, kind: "incident", note: try needNote(),
                at: seconds)
        case "void":
            let reason = try needNote()
            let voided = try await changeAttempt { try $0.void(by: proctor, reason: reason) }
            try await site.database.examSessions.log(
                session: session.id, learner: learner, actor: proctor, kind: "void", note: reason, at: seconds)
            try await site.database.audit.append(
                actor: proctor, action: "attempt.void", target: voided.id, details: reason)
            await CertificateAutomation(site: site).decide(
                after: voided, why: "\(CertificateAutomation.part(voided)) voided by the supervision")
        default:
            throw HTTPFailure(.notFound, "notFound", strings.text("session_not_found"))
        }
    }

    // MARK: - Helpers

    func setTitle(_ set: String, strings: Strings) -> String {
        set == "final-exam" ? strings.text("learner_final_exam") : set
    }

    static func window(_ session: ExamSession) -> String {
        "\(ReviewRoutes.time(session.startsAt)) – \(String(ReviewRoutes.time(session.endsAt).suffix(9)))"
    }

    /// `YYYY-MM-DD` and `HH:MM` (UTC) as seconds since 1970.
    static func utc(date: String, time: String) -> Int64? {
        guard date.count == 10, time.count == 5 || time.count == 8 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = date.split(separator: "-").compactMap { Int($0) }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard day.count == 3, clock.count >= 2, (2000...2200).contains(day[0]), (0...23).contains(clock[0]),
            (0...59).contains(clock[1]),
            let moment = calendar.date(
                from: DateComponents(year: day[0], month: day[1], day: day[2], hour: clock[0], minute: clock[1])),
            calendar.component(.day, from: moment) == day[2]
        else { return nil }
        return Int64(moment.timeIntervalSince1970)
    }
}
