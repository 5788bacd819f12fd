import Assessment
import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import Interchange
import Storage

/// The grading queue: essays of submitted homework and final exams of the provider's organisations, shown without
/// the learner's name, with the item's notes for graders; the points (0 to the item's points) complete the attempt
/// and decide the learner's tier again (a regrade as well).
struct GradingRoutes {
    let site: Site

    /// One essay answer in the queue (or graded already).
    struct Essay {
        let attempt: StoredAttempt
        let bank: Bank
        let item: Item
        let organisation: String
        /// The essay's address in the queue: a digest of attempt and item, so that the learner is not named.
        let token: String
        let grade: EssayGrade?
    }

    func register(in registry: inout RouteRegistry) {
        let provider = Access.roles([.provider])
        registry.add(.get, "/provider/grading", provider, .page) { request, context in
            let strings = site.strings(context)
            let essays = try await essays(context)
            func rows(_ list: [Essay]) -> [[String: Any]] {
                list.map { essay in
                    var row: [String: Any] = [
                        "path": "/provider/grading/\(essay.token)",
                        "course": String(essay.attempt.assessmentID.prefix { $0 != "." }),
                        "set": String(essay.attempt.assessmentID.drop { $0 != "." }.dropFirst()),
                        "item": essay.item.id, "label": String(essay.token.prefix(8)),
                        "points": LearnerPages.number(essay.item.points, strings: strings),
                    ]
                    if let grade = essay.grade {
                        row["graded"] = LearnerPages.number(grade.points, strings: strings)
                        row["grader"] = grade.graderID
                    }
                    return row
                }
            }
            let waiting = rows(essays.filter { $0.grade == nil })
            let done = rows(essays.filter { $0.grade != nil })
            var data: [String: Any] = [
                "waiting": waiting, "has_waiting": !waiting.isEmpty, "done": done, "has_done": !done.isEmpty,
            ]
            if request.uri.queryParameters.get("graded") != nil { data["graded"] = true }
            return site.page(
                "grading", title: strings.text("grading_title"), data, request: request, context: context)
        }
        registry.add(.get, "/provider/grading/:token", provider, .page) { request, context in
            try await essayPage(try await essay(context), request: request, context: context)
        }
        registry.add(.post, "/provider/grading/:token", provider, .page) { request, context in
            let strings = site.strings(context)
            let essay = try await essay(context)
            let text = (context.form.fields["points"] ?? "").trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: ",", with: ".")
            guard text.count <= 20, let points = Rational(storedText: text) else {
                return try await essayPage(
                    essay, request: request, context: context, error: strings.text("grading_points_invalid"),
                    status: .unprocessableContent)
            }
            let grader = try CourseRoutes.actor(context)
            let bank = essay.bank
            let itemID = essay.item.id
            do {
                let graded = try await site.database.attempts.modify(id: essay.attempt.id) { stored in
                    var attempt = try Attempt(restoring: stored, bank: bank)
                    try attempt.grade(itemID: itemID, points: points, by: grader)
                    stored = attempt.stored
                }
                try await site.database.audit.append(
                    actor: grader, action: "attempt.grade", target: essay.token,
                    details: "essay \(itemID): \(points.exactText) of \(essay.item.points.exactText) points")
                await CertificateAutomation(site: site).decide(
                    after: graded, why: essay.grade == nil ? "essays graded" : "an essay was regraded")
            } catch let error as AssessmentError {
                return try await essayPage(
                    essay, request: request, context: context, error: error.reason, status: .unprocessableContent)
            }
            return Site.redirect("/provider/grading?graded=1")
        }
    }

    /// Every answered essay of a submitted counted attempt in the provider's organisations, oldest first.
    private func essays(_ context: CampusContext) async throws -> [Essay] {
        var essays: [Essay] = []
        for organisation in CourseRoutes.organisations(context) {
            for attempt in try await site.database.attempts.countedAttempts(organisation: organisation) {
                guard case .submitted = attempt.state,
                    let bank = try await LearnerRoutes(site: site).bank(of: attempt)
                else { continue }
                for drawn in attempt.draw.items {
                    guard let item = bank.item(withID: drawn.itemID), case .essay = item.kind,
                        case .essay(let text)? = attempt.answers[item.id],
                        !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                    else { continue }
                    essays.append(
                        Essay(
                            attempt: attempt, bank: bank, item: item, organisation: organisation,
                            token: Self.token(attempt: attempt.id, item: item.id),
                            grade: attempt.gradedPoints[item.id]))
                }
            }
        }
        return essays
    }

    /// The essay named by the token in the path, if it is in the provider's queue; else not found.
    private func essay(_ context: CampusContext) async throws -> Essay {
        let token = context.parameters.get("token") ?? ""
        guard token.count == 32, let found = try await essays(context).first(where: { $0.token == token }) else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("grading_not_found"))
        }
        return found
    }

    private func essayPage(
        _ essay: Essay, request: Request, context: CampusContext, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        var notes = ""
        if case .essay(_, let graderInfo) = essay.item.kind { notes = graderInfo ?? "" }
        var answer = ""
        if case .essay(let text)? = essay.attempt.answers[essay.item.id] { answer = text }
        var data: [String: Any] = [
            "action": "/provider/grading/\(essay.token)", "label": String(essay.token.prefix(8)),
            "stem_html": ItemMarkdown.html(essay.item.stem), "answer": answer,
            "characters": answer.count, "maximum": LearnerPages.number(essay.item.points, strings: strings),
            "maximum_value": essay.item.points.exactText,
        ]
        if !notes.isEmpty { data["notes_html"] = ItemMarkdown.html(notes) }
        if let grade = essay.grade {
            data["current"] = LearnerPages.number(grade.points, strings: strings)
            data["grader"] = grade.graderID
        }
        if let error { data["error"] = error }
        return site.page(
            "grading-essay", title: strings.text("grading_essay_title", String(essay.token.prefix(8))), data,
            request: request, context: context, status: status)
    }

    /// A stable name for one essay answer that does not name the learner.
    static func token(attempt: String, item: String) -> String {
        String(Digest.hex(Digest.sha256(Array("\(attempt)\n\(item)".utf8))).prefix(32))
    }
}
