import Assessment
import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// Certificates of a provider's organisations: issuing from a gradebook (page with live progress, and API), the
/// list, a certificate's page and PDF, revoking and superseding. A certificate or course of another organisation is
/// not found (404), never forbidden.
struct CertificateRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let provider = Access.roles([.provider])
        registry.add(.get, "/provider/certificates", provider, .page) { request, context in
            let course = request.uri.queryParameters.get("course").flatMap { $0.isEmpty ? nil : $0 }
            let rows = try await certificates(context, course: course)
            let strings = site.strings(context)
            return site.page(
                "certificates", title: strings.text("certificates_title"),
                [
                    "certificates": rows.map { Self.listRow($0, strings: strings) }, "has_certificates": !rows.isEmpty,
                    "course": course ?? "",
                ], request: request, context: context)
        }
        registry.add(.get, "/provider/courses/:course/issue", provider, .page) { request, context in
            let course = try await CourseRoutes(site: site).course(context)
            return issueForm(request, context: context, course: course, error: nil, status: .ok)
        }
        registry.add(.post, "/provider/courses/:course/issue", provider, .page, bodyLimit: Limits.gradebook) {
            request, context in
            try await issueFromForm(request, context: context)
        }
        registry.add(.get, "/provider/certificates/:id", provider, .page) { request, context in
            let certificate = try await certificate(context)
            return certificatePage(request, context: context, certificate: certificate, error: nil)
        }
        registry.add(.post, "/provider/certificates/:id/revoke", provider, .page) { request, context in
            let certificate = try await certificate(context)
            let strings = site.strings(context)
            let reason: String
            do {
                reason = try Self.checkedReason(context.form.fields["reason"] ?? "", strings: strings)
            } catch let failure as HTTPFailure {
                return certificatePage(
                    request, context: context, certificate: certificate, error: failure.message, status: failure.status)
            }
            try await site.database.registry.revoke(
                id: certificate.id, organisation: certificate.organisation, reason: reason, date: Self.today(),
                actor: try CourseRoutes.actor(context))
            return Site.redirect("/provider/certificates/\(certificate.id)?revoked=1")
        }
        registry.add(.get, "/provider/certificates/:id/pdf", provider, .page) { _, context in
            try await pdfResponse(context)
        }

        registry.add(.post, "/api/v1/courses/:course/certificates", provider, .api, bodyLimit: Limits.gradebook) {
            request, context in
            let course = try await CourseRoutes(site: site).course(context)
            let query = request.uri.queryParameters
            let options = try Self.options(
                reissue: query.get("reissue"), reason: query.get("reason"), language: query.get("language"),
                strings: site.strings(context))
            let book = try Self.gradebook(context.body, course: course, strings: site.strings(context))
            let rows = try await issue(
                book, course: course, options: options, actor: try CourseRoutes.actor(context),
                strings: site.strings(context)
            ) { _, _, _ in }
            return try Site.json(IssueReport(rows: rows))
        }
        registry.add(.get, "/api/v1/certificates", provider, .api) { request, context in
            let course = request.uri.queryParameters.get("course").flatMap { $0.isEmpty ? nil : $0 }
            return try Site.json([
                "certificates": try await certificates(context, course: course).map(CertificateJSON.init)
            ])
        }
        registry.add(.get, "/api/v1/certificates/:id/pdf", provider, .api) { _, context in
            try await pdfResponse(context)
        }
        registry.add(.post, "/api/v1/certificates/:id/revoke", provider, .api) { _, context in
            let certificate = try await certificate(context)
            struct Body: Decodable { let reason: String }
            let body = try Self.decode(Body.self, context.body)
            let reason = try Self.checkedReason(body.reason, strings: site.strings(context))
            let revoked = try await site.database.registry.revoke(
                id: certificate.id, organisation: certificate.organisation, reason: reason, date: Self.today(),
                actor: try CourseRoutes.actor(context))
            return try Site.json(CertificateJSON(revoked))
        }
        registry.add(.post, "/api/v1/certificates/:id/supersede", provider, .api) { _, context in
            let certificate = try await certificate(context)
            struct Body: Decodable {
                let by: String
                let reason: String
            }
            let body = try Self.decode(Body.self, context.body)
            let reason = try Self.checkedReason(body.reason, strings: site.strings(context))
            guard CertificateID.isValid(body.by) else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", site.strings(context).text("certificates_by_invalid"), field: "by"
                )
            }
            let superseded = try await site.database.registry.supersede(
                id: certificate.id, by: body.by, organisation: certificate.organisation, reason: reason,
                date: Self.today(), actor: try CourseRoutes.actor(context))
            return try Site.json(CertificateJSON(superseded))
        }
    }

    // MARK: - Scope

    /// The certificate named in the path, if one of the account's organisations issued it; else 404.
    private func certificate(_ context: CampusContext) async throws -> Storage.IssuedCertificate {
        let id = context.parameters.get("id") ?? ""
        guard CertificateID.isValid(id), let found = try await site.database.registry.find(id: id),
            CourseRoutes.organisations(context).contains(found.organisation)
        else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("certificates_not_found"))
        }
        return found
    }

    private func certificates(_ context: CampusContext, course: String?) async throws -> [Storage.IssuedCertificate] {
        var rows: [Storage.IssuedCertificate] = []
        for organisation in CourseRoutes.organisations(context) {
            rows += try await site.database.registry.list(organisation: organisation, course: course)
        }
        return rows.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    private func pdfResponse(_ context: CampusContext) async throws -> Response {
        let certificate = try await certificate(context)
        guard let pdf = try await site.database.registry.pdf(id: certificate.id, organisation: certificate.organisation)
        else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("certificates_not_found"))
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "attachment; filename=\"\(certificate.id).pdf\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    // MARK: - Issuing

    /// What the issuer asked for besides the gradebook.
    struct Options {
        var reissue: String?
        var reason: String?
        var language: CertificateRecord.Language
        /// Whether a lower tier than the one held replaces it (a voided or regraded attempt lowered the tier).
        var lowering = false
    }

    static func options(reissue: String?, reason: String?, language: String?, strings: Strings) throws -> Options {
        let reissue = reissue?.trimmingCharacters(in: .whitespaces).nilWhenEmpty
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilWhenEmpty
        if let reissue {
            guard CertificateID.isValid(reissue) else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("certificates_by_invalid"), field: "reissue")
            }
            guard let reason, reason.count <= 500 else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("certificates_reason_missing"), field: "reason")
            }
        }
        guard let chosen = CertificateRecord.Language(rawValue: language?.nilWhenEmpty ?? "de") else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("certificates_language_invalid"), field: "language")
        }
        return Options(reissue: reissue, reason: reissue == nil ? nil : reason, language: chosen)
    }

    /// The gradebook, read as hostile input, for this very course.
    static func gradebook(_ bytes: [UInt8], course: StoredCourse, strings: Strings) throws -> Gradebook {
        let book: Gradebook
        do {
            book = try Gradebook.parse(Data(bytes))
        } catch {
            throw HTTPFailure(
                .unprocessableContent, "invalidGradebook",
                strings.text("certificates_gradebook_unreadable", error.reason),
                field: "gradebook")
        }
        guard book.course.id == course.definition.id else {
            throw HTTPFailure(
                .unprocessableContent, "invalidGradebook",
                strings.text("certificates_gradebook_other_course", book.course.id, course.definition.id),
                field: "course.id")
        }
        return book
    }

    /// Issues for every learner of `book`, one registry transaction each, calling `progress` after each learner
    /// (row, position from 1, total). A learner's failure is a row, never the end of the run.
    func issue(
        _ book: Gradebook, course: StoredCourse, options: Options, actor: String, strings: Strings,
        progress: (IssueRow, Int, Int) async throws -> Void
    ) async throws -> [IssueRow] {
        let issuer = try await site.certificateMaker.issuer()
        let date = Self.today()
        let facts = try await courseFacts(book.course, course: course)
        var enrolled: [String: String] = [:]
        for enrolment
            in try await site.database.courses.enrolments(
                course: course.definition.id, organisation: course.organisation) ?? []
        {
            enrolled[enrolment.learner.learnerID] = enrolment.learner.name
        }
        var rows: [IssueRow] = []
        for (index, entry) in book.entries.enumerated() {
            let row: IssueRow
            switch entry {
            case .invalid(let label, let problem):
                row = IssueRow(learner: label, outcome: .failed, message: problem)
            case .learner(let learner, let birthDate):
                if let name = enrolled[learner.id] {
                    if Self.sameName(name, learner.name) {
                        row = await issueOne(
                            learner, birthDate: birthDate, facts: facts, course: course, options: options,
                            actor: actor, issuer: issuer, date: date)
                    } else {
                        row = IssueRow(
                            learner: learner.id, name: learner.name, outcome: .failed,
                            message: strings.text("certificates_name_differs", learner.name, name))
                    }
                } else {
                    row = IssueRow(
                        learner: learner.id, name: learner.name, outcome: .failed,
                        message: strings.text("certificates_not_enrolled"))
                }
            }
            rows.append(row)
            try await progress(row, index + 1, book.entries.count)
        }
        return rows
    }

    /// The gradebook's course with what the service holds as the authority: the stored course's title, period,
    /// thresholds and ECTS, and the organisation's name as provider. The gradebook contributes the assessments and
    /// what each learner did.
    private func courseFacts(_ stated: Gradebook.Course, course: StoredCourse) async throws -> Gradebook.Course {
        var facts = stated
        let definition = course.definition
        facts.title = definition.title
        facts.start = definition.period.start
        facts.end = definition.period.end
        facts.provider =
            try await site.database.organisations.find(id: course.organisation)?.name ?? course.organisation
        facts.rules.ects = definition.ects.flatMap { Rational(decimal: "\($0)") }
        if let attendance = Rational(decimal: "\(definition.thresholds.viewedContent)"),
            let points = Rational(decimal: "\(definition.thresholds.points)")
        {
            facts.rules.thresholds = Thresholds(attendance: attendance, scored: points)
        }
        return facts
    }

    /// Whether two spellings of a name are the same (spaces at the ends and Unicode normalisation aside).
    static func sameName(_ one: String, _ other: String) -> Bool {
        one.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
            == other.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
    }

    private func issueOne(
        _ learner: LearnerRecord, birthDate: String?, facts: Gradebook.Course, course: StoredCourse,
        options: Options, actor: String, issuer: CertificateIssuer, date: String
    ) async -> IssueRow {
        let result = facts.rules.grade(learner)
        guard
            let record = CertificateRecord(
                gradeResult: result, learner: learner, birthDate: birthDate, course: facts, issued: date,
                language: options.language, issuer: issuer.issuerName)
        else {
            if result.isFinal {
                return IssueRow(
                    learner: learner.id, name: learner.name, outcome: .noTier,
                    message: result.reasonsNotNext.joined(separator: "; "))
            }
            return IssueRow(
                learner: learner.id, name: learner.name, outcome: .awaitingGrading,
                message: result.awaitingGrading.joined(separator: "; "))
        }
        do {
            let outcome = try await site.database.registry.issue(
                organisation: course.organisation, course: course.definition.id, learner: learner.id,
                earned: record.tier, reissue: options.reissue, reason: options.reason, lowering: options.lowering,
                actor: actor
            ) { _ in
                let made = try issuer.issue(record)
                return NewCertificate(
                    id: made.record.id, holderName: made.record.holder.name, tier: made.record.tier,
                    recordHash: Digest.hex(made.record.canonicalHash),
                    recordJSON: String(decoding: made.record.canonicalJSON, as: UTF8.self), issued: made.record.issued,
                    pdf: made.pdf)
            }
            switch outcome {
            case .issued(let certificate, let superseded):
                return IssueRow(
                    learner: learner.id, name: learner.name, outcome: .issued, id: certificate.id,
                    tier: certificate.tier.rawValue, superseded: superseded?.id,
                    reissueOf: certificate.reissueOf.isEmpty ? nil : certificate.reissueOf)
            case .kept(let certificate):
                return IssueRow(
                    learner: learner.id, name: learner.name, outcome: .kept, id: certificate.id,
                    tier: certificate.tier.rawValue)
            case .refusedRevoked(let certificate):
                return IssueRow(
                    learner: learner.id, name: learner.name, outcome: .refused, id: certificate.id,
                    tier: certificate.tier.rawValue, message: certificate.reason)
            }
        } catch {
            site.logger.error(
                "issuing failed",
                metadata: ["course": "\(course.definition.id)", "error": "\(String(reflecting: error))"])
            return IssueRow(
                learner: learner.id, name: learner.name, outcome: .failed, message: HTTPFailure.from(error).message)
        }
    }

    // MARK: - Pages

    private func issueForm(
        _ request: Request, context: CampusContext, course: StoredCourse, error: String?,
        status: HTTPResponse.Status
    ) -> Response {
        let strings = site.strings(context)
        var data: [String: Any] = [
            "course": ["id": course.definition.id, "title": course.definition.title],
            "reissue": request.uri.queryParameters.get("reissue") ?? context.form.fields["reissue"] ?? "",
            "limit_mb": Limits.gradebook / 1_048_576,
        ]
        if let error { data["error"] = error }
        return site.page(
            "certificates-issue", title: strings.text("certificates_issue_title", course.definition.title), data,
            request: request, context: context, status: status)
    }

    /// Reads the form, then streams the result page: the head at once, a row per learner as it is issued (so a long
    /// gradebook shows its progress), the totals at the end.
    private func issueFromForm(_ request: Request, context: CampusContext) async throws -> Response {
        let course = try await CourseRoutes(site: site).course(context)
        let strings = site.strings(context)
        let options: Options
        let book: Gradebook
        do {
            options = try Self.options(
                reissue: context.form.fields["reissue"], reason: context.form.fields["reason"],
                language: context.form.fields["language"], strings: strings)
            guard let upload = context.form.files["gradebook"], !upload.bytes.isEmpty else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid", strings.text("certificates_gradebook_missing"), field: "gradebook"
                )
            }
            book = try Self.gradebook(upload.bytes, course: course, strings: strings)
        } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
            return issueForm(request, context: context, course: course, error: failure.message, status: failure.status)
        }
        let actor = try CourseRoutes.actor(context)
        let marker = "<!--issue-rows-->"
        let rendered = site.render(
            "certificates-result",
            title: strings.text("certificates_result_title", course.definition.title),
            [
                "course": ["id": course.definition.id, "title": course.definition.title], "rows_marker": marker,
                "total": book.entries.count,
            ], request: request, context: context)
        guard let html = rendered.html, let split = html.range(of: marker) else {
            throw HTTPFailure(.internalServerError, "internal", "template certificates-result missing")
        }
        let head = String(html[..<split.lowerBound])
        let tail = String(html[split.upperBound...])
        let site = self.site
        let routes = self
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: head))
            var rows: [IssueRow] = []
            do {
                rows = try await routes.issue(
                    book, course: course, options: options, actor: actor, strings: strings
                ) {
                    row, position, total in
                    var data = Self.resultRow(row, strings: strings)
                    data["position"] = "\(position)/\(total)"
                    try await writer.write(
                        ByteBuffer(string: site.fragment("certificates-row", data, context: context)))
                }
            } catch {
                site.logger.error("issuing stopped", metadata: ["error": "\(String(reflecting: error))"])
                let message = HTTPFailure.from(error).message
                try await writer.write(
                    ByteBuffer(
                        string: site.fragment(
                            "certificates-row", ["outcome": "failed", "message": message, "position": "–"],
                            context: context)))
            }
            let summary = site.fragment("certificates-summary", Self.summary(rows, strings: strings), context: context)
            try await writer.write(
                ByteBuffer(string: tail.replacingOccurrences(of: "<!--issue-summary-->", with: summary)))
            try await writer.finish(nil)
        }
        var response = Response(status: .ok, headers: headers, body: body)
        for cookie in rendered.cookies { response.setCookie(cookie) }
        return response
    }

    private func certificatePage(
        _ request: Request, context: CampusContext, certificate: Storage.IssuedCertificate, error: String?,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let strings = site.strings(context)
        var data = VerifyRoutes.recordPresentation(certificate, strings: strings)
        data["certificate"] = Self.listRow(certificate, strings: strings)
        data["revoked_now"] = request.uri.queryParameters.get("revoked") == "1"
        data["is_revoked"] = certificate.status == .revoked
        if !certificate.reissueOf.isEmpty { data["reissue_of"] = certificate.reissueOf }
        if let error { data["error"] = error }
        return site.page(
            "certificates-detail", title: strings.text("certificates_detail_title", certificate.id), data,
            request: request, context: context, status: status)
    }

    // MARK: - Presenting

    static func listRow(_ certificate: Storage.IssuedCertificate, strings: Strings) -> [String: Any] {
        let word = PublicRecord.word(certificate.status)
        return [
            "id": certificate.id, "holder": certificate.holderName, "learner": certificate.learner,
            "course": certificate.course, "tier": VerifyRoutes.tierName(certificate.tier.rawValue, strings: strings),
            "issued": certificate.issued, "status_word": strings.text("verify_status_\(word)"), "status_class": word,
            "reason": certificate.reason, "status_date": certificate.statusDate,
        ]
    }

    static func resultRow(_ row: IssueRow, strings: Strings) -> [String: Any] {
        var data: [String: Any] = [
            "learner": row.learner, "name": row.name ?? "", "outcome": row.outcome.rawValue,
            "outcome_word": strings.text("certificates_outcome_\(row.outcome.rawValue)"),
        ]
        if let id = row.id { data["id"] = id }
        if let tier = row.tier { data["tier"] = VerifyRoutes.tierName(tier, strings: strings) }
        if let superseded = row.superseded { data["superseded"] = superseded }
        if let message = row.message, !message.isEmpty { data["message"] = message }
        return data
    }

    static func summary(_ rows: [IssueRow], strings: Strings) -> [String: Any] {
        var counts: [IssueRow.Outcome: Int] = [:]
        for row in rows { counts[row.outcome, default: 0] += 1 }
        return [
            "text": strings.text(
                "certificates_summary", "\(counts[.issued] ?? 0)", "\(counts[.kept] ?? 0)",
                "\(counts[.refused] ?? 0)", "\((counts[.noTier] ?? 0) + (counts[.awaitingGrading] ?? 0))",
                "\(counts[.failed] ?? 0)"),
            "failed": (counts[.failed] ?? 0) > 0,
        ]
    }

    /// A revocation or supersession reason: 1 to 500 characters once trimmed (it is published on the status list).
    static func checkedReason(_ text: String, strings: Strings) throws -> String {
        let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("certificates_reason_missing"), field: "reason")
        }
        return reason
    }

    static func today(_ now: Date = Date()) -> String { String(Timestamp.text(now).prefix(10)) }

    static func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        if let syntax = JSONSyntax.problem(in: body) {
            throw HTTPFailure(.unprocessableContent, "invalid", "\(syntax)", field: "body")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch let error as DecodingError {
            let text = DecodingProblem.describe(error)
            let field = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "body"
            throw HTTPFailure(.unprocessableContent, "invalid", text, field: field == "file" ? "body" : field)
        }
    }
}

/// What issuing did for one learner (`POST /api/v1/courses/{course}/certificates` lists one per gradebook entry).
struct IssueRow: Encodable, Sendable {
    /// The outcome's stable word.
    enum Outcome: String, Encodable, Sendable {
        case issued, kept, refused, noTier, awaitingGrading, failed
    }

    var learner: String
    var name: String?
    var outcome: Outcome
    var id: String?
    var tier: String?
    var superseded: String?
    var reissueOf: String?
    var message: String?
}

/// The API's answer to an issuing run.
struct IssueReport: Encodable {
    let issued: Int
    let results: [IssueRow]

    init(rows: [IssueRow]) {
        issued = rows.filter { $0.outcome == .issued }.count
        results = rows
    }
}

/// A certificate as the provider's API shows it.
struct CertificateJSON: Encodable {
    let id: String
    let course: String
    let learner: String
    let holderName: String
    let tier: String
    let issued: String
    let status: String
    let statusDate: String?
    let reason: String?
    let replacedBy: String?
    let reissueOf: String?
    let recordHash: String

    init(_ row: Storage.IssuedCertificate) {
        id = row.id
        course = row.course
        learner = row.learner
        holderName = row.holderName
        tier = row.tier.rawValue
        issued = row.issued
        status = PublicRecord.word(row.status)
        statusDate = row.statusDate.isEmpty ? nil : row.statusDate
        reason = row.reason.isEmpty ? nil : row.reason
        replacedBy = row.replacedBy.isEmpty ? nil : row.replacedBy
        reissueOf = row.reissueOf.isEmpty ? nil : row.reissueOf
        recordHash = row.recordHash
    }
}

extension String {
    /// `nil` for the empty string.
    var nilWhenEmpty: String? { isEmpty ? nil : self }
}
