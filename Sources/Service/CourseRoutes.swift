import Assessment
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Courses of a provider's organisations: the pages under `/provider/courses` and the JSON API under
/// `/api/v1/courses`. A course of another organisation is not found (404), never forbidden.
struct CourseRoutes {
    let site: Site

    /// Largest course definition sent as JSON.
    static let definitionLimit = 1024 * 1024

    func register(in registry: inout RouteRegistry) {
        let provider = Access.roles([.provider])
        registry.add(.get, "/provider/courses", provider, .page) { request, context in
            try await listPage(request, context: context, error: nil, status: .ok)
        }
        registry.add(.post, "/provider/courses", provider, .page) { request, context in
            try await createFromForm(request, context: context)
        }
        registry.add(.get, "/provider/courses/:course", provider, .page) { request, context in
            let course = try await course(context)
            return try await coursePage(request, context: context, course: course)
        }
        registry.add(.post, "/provider/courses/:course", provider, .page) { request, context in
            try await changeFromForm(request, context: context) { definition, form, strings in
                try Self.applyBasics(form, to: &definition, strings: strings)
            }
        }
        registry.add(.post, "/provider/courses/:course/units", provider, .page) { request, context in
            try await changeFromForm(request, context: context) { definition, form, strings in
                definition.contentUnits.append(try Self.unit(from: form, strings: strings))
            }
        }
        registry.add(.post, "/provider/courses/:course/units/remove", provider, .page) { request, context in
            try await changeFromForm(request, context: context) { definition, form, strings in
                let index = try Self.index(form, "unit", count: definition.contentUnits.count, strings: strings)
                definition.contentUnits.remove(at: index)
            }
        }
        registry.add(.post, "/provider/courses/:course/sets", provider, .page) { request, context in
            try await changeFromForm(request, context: context) { definition, form, strings in
                definition.sets.append(try Self.set(from: form, in: definition, strings: strings))
            }
        }
        registry.add(.post, "/provider/courses/:course/sets/remove", provider, .page) { request, context in
            try await changeFromForm(request, context: context) { definition, form, strings in
                let index = try Self.index(form, "set", count: definition.sets.count, strings: strings)
                definition.sets.remove(at: index)
            }
        }
        registry.add(.post, "/provider/courses/:course/final-exam", provider, .page) { request, context in
            try await changeFromForm(request, context: context) { definition, form, strings in
                let bank = try Self.pin(form.text("bank"), strings: strings)
                let blueprint = form.fields["blueprint"] ?? ""
                guard !blueprint.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw HTTPFailure(
                        .unprocessableContent, "invalid", strings.text("courses_blueprint_missing"), field: "blueprint")
                }
                definition.finalExam = CourseDefinition.FinalExam(bank: bank, blueprint: blueprint)
            }
        }
        registry.add(.post, "/provider/courses/:course/enrolments", provider, .page) { request, context in
            try await enrolFromForm(request, context: context)
        }
        registry.add(.post, "/provider/courses/:course/enrolments/csv", provider, .page, bodyLimit: Limits.csv) {
            request, context in
            try await enrolCSVFromForm(request, context: context)
        }

        registry.add(.get, "/api/v1/courses", provider, .api) { _, context in
            var courses: [CourseJSON] = []
            for organisation in Self.organisations(context) {
                courses += try await site.database.courses.list(organisation: organisation).map(CourseJSON.init)
            }
            return try Site.json(["courses": courses])
        }
        registry.add(.post, "/api/v1/courses", provider, .api, bodyLimit: Self.definitionLimit) { request, context in
            let organisation = try Self.organisation(
                for: context, requested: request.uri.queryParameters.get("organisation"),
                strings: site.strings(context))
            let definition = try Self.decodeDefinition(context.body)
            let stored = try await Self.translated {
                try await site.database.courses.create(
                    definition, organisation: organisation, actor: try Self.actor(context))
            }
            return try Site.json(CourseJSON(stored), status: .created)
        }
        registry.add(.get, "/api/v1/courses/:course", provider, .api) { _, context in
            try Site.json(CourseJSON(try await course(context)))
        }
        registry.add(.put, "/api/v1/courses/:course", provider, .api, bodyLimit: Self.definitionLimit) { _, context in
            let existing = try await course(context)
            let definition = try Self.decodeDefinition(context.body)
            guard definition.id == existing.definition.id else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", site.strings(context).text("courses_id_fixed"), field: "id")
            }
            let stored = try await Self.translated {
                try await site.database.courses.update(
                    definition, organisation: existing.organisation, actor: try Self.actor(context))
            }
            return try Site.json(CourseJSON(stored))
        }
        registry.add(.get, "/api/v1/courses/:course/enrolments", provider, .api) { _, context in
            let course = try await course(context)
            let enrolments =
                try await site.database.courses.enrolments(
                    course: course.definition.id, organisation: course.organisation) ?? []
            return try Site.json(["enrolments": enrolments.map(EnrolmentJSON.init)])
        }
        registry.add(.post, "/api/v1/courses/:course/enrolments", provider, .api, bodyLimit: Limits.csv) {
            request, context in
            try await enrolFromAPI(request, context: context)
        }
    }

    // MARK: - Scope

    /// The organisations the signed-in account is a provider of.
    static func organisations(_ context: CampusContext) -> [String] {
        context.identity?.account.organisations(for: .provider) ?? []
    }

    static func actor(_ context: CampusContext) throws -> String {
        guard let login = context.identity?.account.login else {
            throw HTTPFailure(.unauthorized, "unauthenticated", "")
        }
        return login
    }

    /// The course named in the path, if one of the account's organisations owns it; else 404.
    func course(_ context: CampusContext) async throws -> StoredCourse {
        let id = context.parameters.get("course") ?? ""
        for organisation in Self.organisations(context) {
            if let course = try await site.database.courses.find(organisation: organisation, id: id) {
                return course
            }
        }
        throw HTTPFailure(.notFound, "notFound", site.strings(context).text("courses_not_found"))
    }

    /// The organisation a new course goes to: the account's only one, or the one it names.
    static func organisation(for context: CampusContext, requested: String?, strings: Strings) throws -> String {
        let mine = organisations(context)
        if let requested, !requested.isEmpty {
            guard mine.contains(requested) else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("courses_organisation_unknown"),
                    field: "organisation")
            }
            return requested
        }
        guard mine.count == 1, let only = mine.first else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("courses_organisation_choose"), field: "organisation")
        }
        return only
    }

    // MARK: - Errors

    /// Runs `body`, turning a refused definition into a 422 naming the first field (every problem in the message).
    @discardableResult
    static func translated<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CourseDefinitionError {
            throw failure(error)
        }
    }

    static func failure(_ error: CourseDefinitionError) -> HTTPFailure {
        HTTPFailure(
            .unprocessableContent, "invalidCourse", error.reason, field: error.problems.first?.field ?? "body")
    }

    static func decodeDefinition(_ body: [UInt8]) throws -> CourseDefinition {
        do {
            return try CourseDefinition.decode(json: body)
        } catch {
            throw failure(error)
        }
    }

    // MARK: - API enrolment

    private func enrolFromAPI(_ request: Request, context: CampusContext) async throws -> Response {
        let course = try await course(context)
        let strings = site.strings(context)
        let actor = try Self.actor(context)
        let type = (request.headers[.contentType] ?? "").lowercased()
        if type.hasPrefix("text/csv") {
            let rows = try LearnerCSV.read(context.body, strings: strings)
            let report = try await EnrolmentReport.enrol(
                rows, course: course, actor: actor, site: site, strings: strings)
            return try Site.json(report)
        }
        guard context.body.count <= Limits.form else {
            throw HTTPFailure(.contentTooLarge, "tooLarge", strings.text("error_too_large", "64 KB"))
        }
        if let syntax = JSONSyntax.problem(in: context.body) {
            throw HTTPFailure(.unprocessableContent, "invalid", "\(syntax)", field: "body")
        }
        let learner: LearnerEntry
        do {
            learner = try JSONDecoder().decode(LearnerEntry.self, from: Data(context.body))
        } catch let error as DecodingError {
            let text = DecodingProblem.describe(error)
            let field = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "body"
            throw HTTPFailure(.unprocessableContent, "invalid", text, field: field == "file" ? "body" : field)
        }
        if let problem = learner.problem {
            let names = ["learner_id": "learnerId", "birth_date": "birthDate"]
            throw HTTPFailure(
                .unprocessableContent, "invalid", problem.message, field: names[problem.field] ?? problem.field)
        }
        let outcome = try await site.database.courses.enrol(
            learner, course: course.definition.id, organisation: course.organisation, actor: actor)
        return try Site.json(
            ["status": outcome == .enrolled ? "enrolled" : "alreadyEnrolled", "learnerId": learner.learnerID],
            status: outcome == .enrolled ? .created : .ok)
    }
}

/// A course as the API shows it: the definition's fields, plus the organisation and times.
struct CourseJSON: Encodable {
    let course: StoredCourse

    init(_ course: StoredCourse) { self.course = course }

    enum CodingKeys: String, CodingKey { case organisation, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        try course.definition.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(course.organisation, forKey: .organisation)
        try container.encode(Self.timestamp(course.createdAt), forKey: .createdAt)
        try container.encode(Self.timestamp(course.updatedAt), forKey: .updatedAt)
    }

    /// `2026-12-02T18:40:00Z`.
    static func timestamp(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).ISO8601Format()
    }
}

/// An enrolment as the API shows it.
struct EnrolmentJSON: Encodable {
    let learnerId: String
    let name: String
    let email: String
    let birthDate: String
    let enrolledAt: String

    init(_ enrolment: Enrolment) {
        learnerId = enrolment.learner.learnerID
        name = enrolment.learner.name
        email = enrolment.learner.email
        birthDate = enrolment.learner.birthDate
        enrolledAt = CourseJSON.timestamp(enrolment.enrolledAt)
    }
}
