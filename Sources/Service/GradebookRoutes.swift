import Assessment
import CSV
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// A course's gradebook as the service holds it: every enrolled learner's viewed share, points, tier and what is
/// missing; exported as the JSON `campus grade` reads and as CSV. Closing the course decides every learner's tier
/// (learners with attendance only are issued then).
struct GradebookRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let provider = Access.roles([.provider])
        registry.add(.get, "/provider/courses/:course/gradebook", provider, .page) { request, context in
            let course = try await CourseRoutes(site: site).course(context)
            return try await gradebookPage(course, request: request, context: context)
        }
        registry.add(.get, "/provider/courses/:course/gradebook/json", provider, .page) { _, context in
            let course = try await CourseRoutes(site: site).course(context)
            return try await download(json(course), type: "application/json", name: "\(course.definition.id).json")
        }
        registry.add(.get, "/api/v1/courses/:course/gradebook", provider, .api) { _, context in
            let course = try await CourseRoutes(site: site).course(context)
            return try await download(json(course), type: "application/json", name: nil)
        }
        registry.add(.get, "/provider/courses/:course/gradebook/csv", provider, .page) { _, context in
            let course = try await CourseRoutes(site: site).course(context)
            return try await download(csv(course), type: "text/csv; charset=utf-8", name: "\(course.definition.id).csv")
        }
        registry.add(.post, "/provider/courses/:course/close", provider, .page) { request, context in
            let course = try await CourseRoutes(site: site).course(context)
            guard context.form.fields["confirm"] == "yes" else {
                return try await gradebookPage(
                    course, request: request, context: context,
                    error: site.strings(context).text("gradebook_close_confirm_missing"), status: .unprocessableContent)
            }
            try await close(course, context: context)
            return Site.redirect("/provider/courses/\(Site.queryEscaped(course.definition.id))/gradebook?closed=1")
        }
        registry.add(.post, "/api/v1/courses/:course/close", provider, .api) { _, context in
            let course = try await CourseRoutes(site: site).course(context)
            let closed = try await close(course, context: context)
            return try Site.json(["course": course.definition.id, "closed": closed ? "now" : "before"])
        }
    }

    /// Closes the course and decides every enrolled learner; whether it was open until now.
    @discardableResult
    private func close(_ course: StoredCourse, context: CampusContext) async throws -> Bool {
        let closed = try await site.database.courses.close(
            organisation: course.organisation, id: course.definition.id, actor: try CourseRoutes.actor(context),
            at: Int64(site.clock.now().timeIntervalSince1970))
        let automation = CertificateAutomation(site: site)
        for enrolment in try await enrolments(course) {
            await automation.decide(
                organisation: course.organisation, courseID: course.definition.id,
                learner: enrolment.learner.learnerID, why: "course closed")
        }
        return closed
    }

    private func enrolments(_ course: StoredCourse) async throws -> [Enrolment] {
        try await site.database.courses.enrolments(course: course.definition.id, organisation: course.organisation)
            ?? []
    }

    /// Every enrolled learner's standing, in enrolment order.
    private func standings(_ course: StoredCourse) async throws -> [(Enrolment, CourseStanding)] {
        var rows: [(Enrolment, CourseStanding)] = []
        for enrolment in try await enrolments(course) {
            rows.append(
                (
                    enrolment,
                    try await site.standing(
                        course: course, learnerID: enrolment.learner.learnerID, name: enrolment.learner.name)
                ))
        }
        return rows
    }

    private func gradebookPage(
        _ course: StoredCourse, request: Request, context: CampusContext, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        let rows = try await standings(course).map { enrolment, standing -> [String: Any] in
            var row = LearnerPages.standingData(standing, course: course, strings: strings)
            row["learner"] = enrolment.learner.learnerID
            row["name"] = enrolment.learner.name
            return row
        }
        var data: [String: Any] = [
            "course": ["id": course.definition.id, "title": course.definition.title], "rows": rows,
            "closed": course.closedAt.map { ReviewRoutes.time($0) } ?? "", "is_closed": course.closedAt != nil,
        ]
        if let error { data["error"] = error }
        if request.uri.queryParameters.get("closed") != nil { data["just_closed"] = true }
        return site.page(
            "gradebook", title: strings.text("gradebook_title", course.definition.title), data, request: request,
            context: context, status: status)
    }

    // MARK: - Export

    /// The gradebook in the format `campus grade` and `campus issue` read. Exact values are written with at most 4
    /// decimals, rounded down (a threshold met stays met only when it truly is); an assessment's maximum is the
    /// largest any learner's paper had.
    func json(_ course: StoredCourse) async throws -> [UInt8] {
        let definition = course.definition
        let rows = try await standings(course)
        var maxima: [String: Rational] = [:]
        var kinds: [String: AttemptKind] = [:]
        var order: [String] = []
        for (_, standing) in rows {
            for assessment in standing.rules.assessments {
                if kinds[assessment.id] == nil { order.append(assessment.id) }
                kinds[assessment.id] = assessment.kind
                maxima[assessment.id] = max(maxima[assessment.id] ?? .zero, assessment.maxPoints)
            }
        }
        let organisation = try await site.database.organisations.find(id: course.organisation)?.name
        var courseObject: [String: Any] = [
            "id": definition.id, "title": definition.title, "provider": organisation ?? course.organisation,
            "start": definition.period.start, "end": definition.period.end,
            "thresholds": [
                "attendance": Self.number(
                    CourseDefinition.percentage(definition.thresholds.viewedContent) ?? Rational(50)),
                "scored": Self.number(CourseDefinition.percentage(definition.thresholds.points) ?? Rational(50)),
            ],
            "assessments": order.map { id -> [String: Any] in
                [
                    "id": id, "kind": kinds[id] == .finalExam ? "exam" : "homework",
                    "maxPoints": Self.number(maxima[id] ?? .zero),
                ]
            },
        ]
        if let ects = definition.ects.flatMap(CourseDefinition.credits) { courseObject["ects"] = Self.number(ects) }
        if let months = definition.validForMonths { courseObject["validForMonths"] = months }
        let learners = rows.map { enrolment, standing -> [String: Any] in
            [
                "id": enrolment.learner.learnerID, "name": enrolment.learner.name,
                "birthDate": enrolment.learner.birthDate,
                "contentViewed": Self.number(standing.record.contentViewed),
                "attempts": standing.record.attempts.map { attempt -> [String: Any] in
                    var object: [String: Any] = [
                        "assessment": attempt.assessmentID, "points": Self.number(attempt.points),
                    ]
                    if let proctoring = attempt.proctoring {
                        object["proctoring"] = [
                            "proctor": proctoring.proctorID, "consent": proctoring.learnerConsented,
                        ]
                    }
                    if let voiding = attempt.voiding {
                        object["voided"] = ["by": voiding.proctorID, "reason": voiding.reason]
                    }
                    if attempt.awaitingGrading { object["awaitingGrading"] = true }
                    return object
                },
            ]
        }
        let data = try JSONSerialization.data(
            withJSONObject: ["course": courseObject, "learners": learners], options: [.prettyPrinted, .sortedKeys])
        return Array(data)
    }

    /// One line per learner: id, name, viewed %, points, maximum, %, tier, what is missing.
    func csv(_ course: StoredCourse) async throws -> [UInt8] {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: [
            "learner", "name", "birthDate", "contentViewed", "points", "maximum", "percent", "tier", "missing",
        ])
        for (enrolment, standing) in try await standings(course) {
            let result = standing.result
            try writer.write(row: [
                enrolment.learner.learnerID, enrolment.learner.name, enrolment.learner.birthDate,
                standing.record.contentViewed.formatted(places: 4), result.points.formatted(places: 4),
                result.maximum.formatted(places: 4), result.percent.formatted(places: 4),
                result.highest?.rawValue ?? "",
                (result.isFinal ? result.reasonsNotNext : result.awaitingGrading).joined(separator: "; "),
            ])
        }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return Array(data)
    }

    /// `value` as a JSON number with at most 4 decimals, rounded towards zero.
    static func number(_ value: Rational) -> NSDecimalNumber {
        let scaled = Int128(value.numerator) * 10_000 / Int128(value.denominator)
        let magnitude = scaled.magnitude
        var fraction = String(magnitude % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let text = (scaled < 0 ? "-" : "") + String(magnitude / 10_000) + (fraction.isEmpty ? "" : ".\(fraction)")
        return NSDecimalNumber(string: text)
    }

    private func download(_ bytes: [UInt8], type: String, name: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
