import Assessment
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The pages of ``CourseRoutes``: the course list with its create form, and one course with its forms.
extension CourseRoutes {
    // MARK: - List and create

    func listPage(
        _ request: Request, context: CampusContext, error: HTTPFailure?, status: HTTPResponse.Status,
        entered: [String: String] = [:]
    ) async throws -> Response {
        let strings = site.strings(context)
        let organisations = Self.organisations(context)
        var courses: [[String: Any]] = []
        for organisation in organisations {
            for course in try await site.database.courses.list(organisation: organisation) {
                let definition = course.definition
                courses.append([
                    "id": definition.id, "title": definition.title, "organisation": organisation,
                    "start": definition.period.start, "end": definition.period.end,
                    "units": definition.contentUnits.count, "sets": definition.sets.count,
                ])
            }
        }
        var data: [String: Any] = [
            "courses": courses, "has_courses": !courses.isEmpty,
            "organisations": organisations.map {
                ["id": $0, "selected": $0 == entered["organisation"]] as [String: Any]
            },
            "several_organisations": organisations.count > 1, "entered": entered,
        ]
        if let error { data["error"] = Self.errorData(error) }
        return site.page(
            "courses", title: strings.text("courses_title"), data, request: request, context: context, status: status)
    }

    func createFromForm(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        let form = context.form
        var entered: [String: String] = [:]
        for name in ["id", "title", "start", "end", "organisation"] { entered[name] = form.text(name) ?? "" }
        do {
            let organisation = try Self.organisation(
                for: context, requested: form.text("organisation"), strings: strings)
            let definition = CourseDefinition(
                id: form.text("id") ?? "", title: form.text("title") ?? "",
                period: .init(start: form.text("start") ?? "", end: form.text("end") ?? ""))
            try await Self.translated {
                try await site.database.courses.create(
                    definition, organisation: organisation, actor: try Self.actor(context))
            }
            return Site.redirect("/provider/courses/\(definition.id)")
        } catch let failure as HTTPFailure where failure.status != .notFound {
            return try await listPage(
                request, context: context, error: failure, status: failure.status, entered: entered)
        } catch let error as StorageError where error.code == .conflict {
            let failure = HTTPFailure(.conflict, "conflict", error.reason, field: "id")
            return try await listPage(request, context: context, error: failure, status: .conflict, entered: entered)
        }
    }

    // MARK: - One course

    func coursePage(
        _ request: Request, context: CampusContext, course: StoredCourse, error: HTTPFailure? = nil,
        report: EnrolmentReport? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        let definition = course.definition
        let pins = try await bankOptions(organisation: course.organisation)
        func options(selected: CourseDefinition.BankPin?) -> [[String: Any]] {
            pins.map { ["value": "\($0.pin)", "label": $0.label, "selected": $0.pin == selected] as [String: Any] }
        }
        let units: [[String: Any]] = definition.contentUnits.enumerated().map { index, unit in
            [
                "index": index, "number": index + 1, "title": unit.title,
                "kind": strings.text("courses_kind_\(unit.kind.rawValue)"), "minutes": unit.estimatedMinutes,
            ]
        }
        let sets: [[String: Any]] = definition.sets.enumerated().map { index, set in
            [
                "index": index, "id": set.id, "title": set.title, "bank": "\(set.bank)",
                "kind": strings.text("courses_set_\(set.kind.rawValue)"),
                "content": set.items.map { strings.text("courses_set_items", String($0.count)) }
                    ?? strings.text("courses_set_blueprint"),
                "due": set.dueDate.map { ReviewRoutes.time(Int64($0.timeIntervalSince1970)) } ?? "",
                "has_due": set.dueDate != nil,
            ]
        }
        let enrolments =
            try await site.database.courses.enrolments(
                course: definition.id, organisation: course.organisation) ?? []
        var data: [String: Any] = [
            "course": [
                "id": definition.id, "title": definition.title, "organisation": course.organisation,
                "start": definition.period.start, "end": definition.period.end,
                "viewed": "\(definition.thresholds.viewedContent)", "points": "\(definition.thresholds.points)",
                "ects": definition.ects.map { "\($0)" } ?? "",
                "valid_months": definition.validForMonths.map { "\($0)" } ?? "",
                "total_minutes": definition.totalMinutes, "one_per_page": definition.itemsPerPage == .one,
                "results_after_window": definition.results == .afterWindow,
            ],
            "units": units, "has_units": !units.isEmpty,
            "sets": sets, "has_sets": !sets.isEmpty,
            "kinds": CourseDefinition.ContentKind.allCases.map {
                ["value": $0.rawValue, "label": strings.text("courses_kind_\($0.rawValue)")]
            },
            "set_kinds": CourseDefinition.SetKind.allCases.map {
                ["value": $0.rawValue, "label": strings.text("courses_set_\($0.rawValue)")]
            },
            "bank_options": options(selected: nil), "has_banks": !pins.isEmpty,
            "exam_bank_options": options(selected: definition.finalExam?.bank),
            "exam_blueprint": definition.finalExam?.blueprint ?? "",
            "has_exam": definition.finalExam != nil, "exam_bank": definition.finalExam.map { "\($0.bank)" } ?? "",
            "enrolments": enrolments.map {
                [
                    "learner_id": $0.learner.learnerID, "name": $0.learner.name, "email": $0.learner.email,
                    "birth_date": $0.learner.birthDate,
                ]
            },
            "has_enrolments": !enrolments.isEmpty, "enrolment_count": enrolments.count,
        ]
        if let error { data["error"] = Self.errorData(error) }
        if let report {
            data["report"] = [
                "lines": report.lines(strings: strings),
                "summary": strings.text("courses_report_summary", String(report.enrolled), String(report.skipped)),
            ]
        }
        return site.page(
            "courses-detail", title: definition.title, data, request: request, context: context, status: status)
    }

    /// Loads the course, applies `change` to its definition and stores it; a refused change shows the page again
    /// with the problem (422) and nothing stored.
    func changeFromForm(
        _ request: Request, context: CampusContext,
        _ change: (inout CourseDefinition, Form, Strings) throws -> Void
    ) async throws -> Response {
        let course = try await course(context)
        var definition = course.definition
        do {
            try change(&definition, context.form, site.strings(context))
            let changed = definition
            try await Self.translated {
                try await site.database.courses.update(
                    changed, organisation: course.organisation, actor: try Self.actor(context))
            }
            return Site.redirect("/provider/courses/\(definition.id)")
        } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
            return try await coursePage(
                request, context: context, course: course, error: failure, status: failure.status)
        }
    }

    func enrolFromForm(_ request: Request, context: CampusContext) async throws -> Response {
        let course = try await course(context)
        let form = context.form
        let learner = LearnerEntry(
            learnerID: form.text("learner_id") ?? "", name: form.text("name") ?? "", email: form.text("email") ?? "",
            birthDate: form.text("birth_date") ?? "")
        if let problem = learner.problem {
            let failure = HTTPFailure(.unprocessableContent, "invalid", problem.message, field: problem.field)
            return try await coursePage(
                request, context: context, course: course, error: failure, status: failure.status)
        }
        let outcome = try await site.database.courses.enrol(
            learner, course: course.definition.id, organisation: course.organisation, actor: try Self.actor(context))
        let report = EnrolmentReport(
            rows: [
                .init(
                    row: 1, status: outcome == .enrolled ? "enrolled" : "skipped", learnerId: learner.learnerID,
                    reason: outcome == .enrolled
                        ? nil : site.strings(context).text("courses_already_enrolled", learner.learnerID))
            ], enrolled: outcome == .enrolled ? 1 : 0, skipped: outcome == .enrolled ? 0 : 1)
        return try await coursePage(request, context: context, course: course, report: report)
    }

    func enrolCSVFromForm(_ request: Request, context: CampusContext) async throws -> Response {
        let course = try await course(context)
        let strings = site.strings(context)
        do {
            guard let upload = context.form.files["csv"] else {
                throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_csv_missing"), field: "csv")
            }
            let rows = try LearnerCSV.read(upload.bytes, strings: strings)
            let report = try await EnrolmentReport.enrol(
                rows, course: course, actor: try Self.actor(context), site: site, strings: strings)
            return try await coursePage(request, context: context, course: course, report: report)
        } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
            return try await coursePage(
                request, context: context, course: course, error: failure, status: failure.status)
        }
    }

    // MARK: - Form reading

    static func errorData(_ failure: HTTPFailure) -> [String: Any] {
        ["message": failure.message, "field": failure.field ?? ""]
    }

    static func applyBasics(_ form: Form, to definition: inout CourseDefinition, strings: Strings) throws {
        definition.title = form.text("title") ?? ""
        definition.period = .init(start: form.text("start") ?? "", end: form.text("end") ?? "")
        definition.thresholds.viewedContent = try number(form, "viewed", strings: strings) ?? 50
        definition.thresholds.points = try number(form, "points", strings: strings) ?? 50
        definition.ects = try number(form, "ects", strings: strings)
        if let months = form.text("validForMonths") {
            guard let value = Int(months), CourseRules.validityRange.contains(value) else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid",
                    strings.text("courses_valid_months_invalid", String(CourseRules.validityRange.upperBound)),
                    field: "validForMonths")
            }
            definition.validForMonths = value
        } else {
            definition.validForMonths = nil
        }
        definition.itemsPerPage = form.fields["itemsPerPage"] == "one" ? .one : .all
        definition.results = form.fields["results"] == "afterWindow" ? .afterWindow : .immediately
    }

    /// A decimal number from a form field (decimal comma allowed), `nil` when empty.
    static func number(_ form: Form, _ name: String, strings: Strings) throws -> Decimal? {
        guard let text = form.text(name) else { return nil }
        let normalised = text.replacingOccurrences(of: ",", with: ".")
        guard Rational(decimal: normalised) != nil, let value = Decimal(string: normalised, locale: nil) else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("courses_not_a_number", String(text.prefix(40))),
                field: name)
        }
        return value
    }

    static func unit(from form: Form, strings: Strings) throws -> CourseDefinition.ContentUnit {
        guard let kind = form.text("kind").flatMap(CourseDefinition.ContentKind.init(rawValue:)) else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_kind_missing"), field: "kind")
        }
        let minutesText = form.text("minutes") ?? ""
        guard let minutes = Int(minutesText), minutes > 0, minutes <= CourseDefinition.maximumMinutes else {
            throw HTTPFailure(
                .unprocessableContent, "invalid",
                strings.text("courses_minutes_invalid", String(CourseDefinition.maximumMinutes)), field: "minutes")
        }
        return CourseDefinition.ContentUnit(title: form.text("title") ?? "", kind: kind, estimatedMinutes: minutes)
    }

    static func index(_ form: Form, _ name: String, count: Int, strings: Strings) throws -> Int {
        guard let index = form.text(name).flatMap({ Int($0) }), (0..<count).contains(index) else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_entry_gone"), field: name)
        }
        return index
    }

    static func pin(_ text: String?, strings: Strings) throws -> CourseDefinition.BankPin {
        guard let text, let at = text.lastIndex(of: "@"), let version = Int(text[text.index(after: at)...]),
            version >= 1, at != text.startIndex
        else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_bank_missing"), field: "bank")
        }
        return CourseDefinition.BankPin(id: String(text[..<at]), version: version)
    }

    static func set(from form: Form, in definition: CourseDefinition, strings: Strings) throws
        -> CourseDefinition.ItemSet
    {
        guard let kind = form.text("kind").flatMap(CourseDefinition.SetKind.init(rawValue:)) else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_kind_missing"), field: "kind")
        }
        let bank = try pin(form.text("bank"), strings: strings)
        let items = (form.fields["items"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace })
            .map(String.init)
        let blueprint = form.fields["blueprint"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard items.isEmpty != blueprint.isEmpty else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("courses_items_or_blueprint"), field: "items")
        }
        var id = form.text("id") ?? ""
        if id.isEmpty {
            let prefix = kind == .homework ? "homework" : "selftest"
            let taken = Set(definition.sets.map(\.id))
            var number = 1
            while taken.contains("\(prefix)-\(number)") { number += 1 }
            id = "\(prefix)-\(number)"
        }
        // Homework may be due at a day and time (UTC, as sessions are scheduled).
        var due: String?
        if let day = form.text("dueDate") {
            guard kind == .homework else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("courses_due_selftest"), field: "dueDate")
            }
            guard let moment = SessionRoutes.utc(date: day, time: form.text("dueTime") ?? "23:59") else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("courses_due_invalid"), field: "dueDate")
            }
            due = Date(timeIntervalSince1970: TimeInterval(moment)).ISO8601Format()
        }
        return CourseDefinition.ItemSet(
            id: id, kind: kind, title: form.text("title") ?? "", bank: bank, items: items.isEmpty ? nil : items,
            blueprint: blueprint.isEmpty ? nil : blueprint, due: due)
    }

    /// Every stored bank version of `organisation`, newest version first within a bank.
    func bankOptions(organisation: String) async throws -> [(pin: CourseDefinition.BankPin, label: String)] {
        var options: [(pin: CourseDefinition.BankPin, label: String)] = []
        for latest in try await site.database.banks.latestVersions(organisation: organisation) {
            for version in try await site.database.banks.versions(organisation: organisation, bankID: latest.bankID) {
                let pin = CourseDefinition.BankPin(id: version.bankID, version: version.version)
                options.append((pin, "\(version.title) (\(pin), \(version.itemCount))"))
            }
        }
        return options
    }
}
