import Assessment
import Foundation
import HTTPTypes
import Hummingbird
import Interchange
import NIOCore
import Storage

/// The provider's start page and question banks: upload (any format `campus bank import` reads, or our YAML),
/// list, versions with their reports, download as YAML or QTI; as pages and as JSON under `/api/v1/banks`.
/// A provider sees only the banks of their own organisations; another organisation's bank answers 404.
struct BankRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let provider = Access.roles([.provider])
        registry.add(.get, "/provider", provider, .page) { request, context in
            site.page(
                "provider", title: site.strings(context).text("provider_title"), request: request, context: context)
        }
        registry.add(.get, "/provider/banks", provider, .page) { request, context in
            try await listPage(request, context: context)
        }
        registry.add(.post, "/provider/banks", provider, .page, bodyLimit: Limits.bank) { request, context in
            try await uploadPage(request, context: context)
        }
        registry.add(.get, "/provider/banks/:bank", provider, .page) { request, context in
            try await bankPage(request, context: context)
        }
        registry.add(.get, "/provider/banks/:bank/versions/:version", provider, .page) { request, context in
            try await versionPage(request, context: context)
        }
        registry.add(.get, "/api/v1/banks/:bank/versions/:version/responses", provider, .api) { request, context in
            let version = try await locateVersion(request, context: context)
            guard let bank = await site.storedBanks.bank(version) else {
                throw HTTPFailure(.internalServerError, "internal", "a stored bank version cannot be read")
            }
            let attempts = try await site.database.attempts.attempts(
                organisation: version.organisation, bankID: version.bankID, version: version.version)
            let responses = ItemAnalysis.responses(
                from: attempts, bank: bank, includeSelfTests: request.uri.queryParameters.get("selftests") == "1")
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson; charset=utf-8"
            headers[.contentDisposition] =
                "attachment; filename=\"\(version.bankID)-v\(version.version)-responses.jsonl\""
            let text = responses.map { $0.jsonLine + "\n" }.joined()
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        registry.add(.get, "/api/v1/banks", provider, .api) { _, context in
            let account = try Self.account(context)
            var banks: [BankVersionJSON] = []
            for organisation in account.organisations(for: .provider) {
                banks += try await site.database.banks.latestVersions(organisation: organisation).map {
                    BankVersionJSON($0, account: account)
                }
            }
            return try Site.json(["banks": banks])
        }
        registry.add(.post, "/api/v1/banks", provider, .api, bodyLimit: Limits.bank) { request, context in
            try await uploadAPI(request, context: context)
        }
        registry.add(.get, "/api/v1/banks/:bank/versions", provider, .api) { request, context in
            let account = try Self.account(context)
            let versions = try await locate(request, context: context)
            return try Site.json(["versions": versions.map { BankVersionJSON($0, account: account) }])
        }
        registry.add(.get, "/api/v1/banks/:bank/versions/:version", provider, .api) { request, context in
            let account = try Self.account(context)
            let version = try await locateVersion(request, context: context)
            return try Site.json(
                BankAnswer(
                    version: BankVersionJSON(version, account: account), report: BankReport.parse(version.report)))
        }
        registry.add(.get, "/api/v1/banks/:bank/versions/:version/download", provider, .api) { request, context in
            try await download(request, context: context)
        }
    }

    // MARK: - Finding the caller's banks

    static func account(_ context: CampusContext) throws -> Account {
        guard let account = context.identity?.account else {
            throw HTTPFailure(.unauthorized, "unauthenticated", "please sign in")
        }
        return account
    }

    func notFound(_ context: CampusContext) -> HTTPFailure {
        HTTPFailure(.notFound, "notFound", site.strings(context).text("banks_not_found"))
    }

    /// Every version of the bank in the path, newest first, in the caller's organisation that holds it (the one
    /// named by `organisation=` when given); 404 when none of the caller's organisations holds it.
    func locate(_ request: Request, context: CampusContext) async throws -> [BankVersion] {
        let account = try Self.account(context)
        guard let bankID = context.parameters.get("bank"), Self.isBankID(bankID) else { throw notFound(context) }
        var organisations = account.organisations(for: .provider)
        if let chosen = request.uri.queryParameters.get("organisation") {
            guard organisations.contains(chosen) else { throw notFound(context) }
            organisations = [chosen]
        }
        for organisation in organisations {
            let versions = try await site.database.banks.versions(organisation: organisation, bankID: bankID)
            if !versions.isEmpty { return versions }
        }
        throw notFound(context)
    }

    /// The version in the path of the bank in the path.
    func locateVersion(_ request: Request, context: CampusContext) async throws -> BankVersion {
        guard let text = context.parameters.get("version"), text.count <= 9, let number = Int(text), number >= 1
        else { throw notFound(context) }
        let versions = try await locate(request, context: context)
        guard let version = versions.first(where: { $0.version == number }) else { throw notFound(context) }
        return version
    }

    /// Whether `text` can be a bank id (what the bank format allows), so nothing else reaches the database.
    static func isBankID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil))
                    || "-_.".unicodeScalars.contains($0)
            }
    }

    // MARK: - Upload

    /// What an upload did: the report, and the version when one was stored or found unchanged.
    struct Stored {
        var report: BankReport
        var version: BankVersion?
        var isNew: Bool
    }

    /// Checks and stores an upload for `account`; the organisation must be one of the account's (or the only one).
    func upload(
        _ bytes: [UInt8], name: String, format formatText: String?, organisation chosen: String?, bankID: String?,
        account: Account, context: CampusContext
    ) async throws -> Stored {
        let strings = site.strings(context)
        guard bytes.count <= Limits.bank else {
            throw HTTPFailure(
                .contentTooLarge, "tooLarge", strings.text("error_too_large", Site.megabytes(Limits.bank)),
                field: "file")
        }
        guard !bytes.isEmpty else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("banks_no_file"), field: "file")
        }
        let format: BankUploadFormat
        if let formatText, !formatText.isEmpty {
            guard let parsed = BankUploadFormat(rawValue: formatText) else {
                throw HTTPFailure(.unprocessableContent, "invalid", strings.text("banks_bad_format"), field: "format")
            }
            format = parsed
        } else {
            format = .auto
        }
        let organisations = account.organisations(for: .provider)
        let organisation: String
        if let chosen, !chosen.isEmpty {
            guard organisations.contains(chosen) else { throw notFound(context) }
            organisation = chosen
        } else if organisations.count == 1 {
            organisation = organisations[0]
        } else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("banks_choose_organisation"), field: "organisation")
        }
        let providerName = try await site.database.organisations.find(id: organisation)?.name ?? organisation
        let outcome = BankUpload.check(
            bytes, name: name, format: format, bankID: bankID.flatMap { $0.isEmpty ? nil : $0 }, provider: providerName)
        switch outcome {
        case .refused(let report):
            return Stored(report: report, version: nil, isNew: false)
        case .accepted(let accepted):
            let (version, isNew) = try await site.database.banks.add(
                organisation: organisation, bankID: accepted.bank.id, title: accepted.bank.title,
                sourceFormat: accepted.format, sourceName: name, yaml: accepted.yaml,
                itemCount: accepted.bank.items.count, report: accepted.report.stored, actor: account.login)
            return Stored(report: accepted.report, version: version, isNew: isNew)
        }
    }

    func uploadAPI(_ request: Request, context: CampusContext) async throws -> Response {
        let account = try Self.account(context)
        let query = request.uri.queryParameters
        var bytes = context.body
        var name = BankUpload.displayName(query.get("name"), fallback: "upload")
        if let file = context.form.files["file"] {
            bytes = file.bytes
            name = BankUpload.displayName(file.filename, fallback: name)
        } else if bytes.isEmpty && !context.form.fields.isEmpty {
            throw HTTPFailure(
                .unsupportedMediaType, "unsupportedMediaType",
                "send the bank file as the body (Content-Type: application/octet-stream) or as the multipart field file"
            )
        }
        let stored = try await upload(
            bytes, name: name, format: query.get("format") ?? context.form.text("format"),
            organisation: query.get("organisation") ?? context.form.text("organisation"),
            bankID: query.get("id") ?? context.form.text("id"), account: account, context: context)
        guard let version = stored.version else {
            return try Site.json(
                BankRefusal(
                    error: .init(
                        code: "invalidBank", message: Self.refusalMessage(stored.report, site.strings(context)),
                        field: "file"),
                    report: stored.report),
                status: .unprocessableContent)
        }
        return try Site.json(
            BankAnswer(
                version: BankVersionJSON(version, account: account), report: stored.report, created: stored.isNew),
            status: stored.isNew ? .created : .ok)
    }

    static func refusalMessage(_ report: BankReport, _ strings: Strings) -> String {
        strings.text("banks_refused", String(max(report.errors, 1)))
    }

    // MARK: - Download

    func download(_ request: Request, context: CampusContext) async throws -> Response {
        let version = try await locateVersion(request, context: context)
        let format = request.uri.queryParameters.get("format") ?? "yaml"
        var headers = HTTPFields()
        let base = "\(version.bankID)-v\(version.version)"
        let bytes: [UInt8]
        switch format {
        case "yaml":
            bytes = Array(version.yaml.utf8)
            headers[.contentType] = "application/yaml; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(base).yaml\""
        case "qti30", "qti21":
            let qti: QTIVersion = format == "qti30" ? .qti30 : .qti21
            guard let bank = BankReader.read(Array(version.yaml.utf8), file: base).bank else {
                throw HTTPFailure(.internalServerError, "internal", "the stored bank no longer reads")
            }
            bytes = Array(try QTIExporter.package(bank, version: qti))
            headers[.contentType] = "application/zip"
            headers[.contentDisposition] = "attachment; filename=\"\(base)-\(format).zip\""
        default:
            throw HTTPFailure(
                .unprocessableContent, "invalid", site.strings(context).text("banks_bad_download"), field: "format")
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: - Pages

    func listPage(
        _ request: Request, context: CampusContext, error: HTTPFailure? = nil
    ) async throws -> Response {
        let account = try Self.account(context)
        let strings = site.strings(context)
        var rows: [[String: Any]] = []
        for organisation in account.organisations(for: .provider) {
            for version in try await site.database.banks.latestVersions(organisation: organisation) {
                rows.append(versionData(version, account: account))
            }
        }
        var data = formData(account, strings)
        data["banks"] = rows
        data["has_banks"] = !rows.isEmpty
        if let error {
            data["error"] = error.message
            data["error_\(error.field ?? "file")"] = true
        }
        return site.page(
            "banks", title: strings.text("banks_title"), data, request: request, context: context,
            status: error?.status ?? .ok)
    }

    func uploadPage(_ request: Request, context: CampusContext) async throws -> Response {
        let account = try Self.account(context)
        let strings = site.strings(context)
        let file = context.form.files["file"]
        let name = BankUpload.displayName(file?.filename, fallback: "upload")
        let stored: Stored
        do {
            stored = try await upload(
                file?.bytes ?? [], name: name, format: context.form.text("format"),
                organisation: context.form.text("organisation"), bankID: context.form.text("id"), account: account,
                context: context)
        } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
            return try await listPage(request, context: context, error: failure)
        }
        var data: [String: Any] = ["source_name": name, "report": reportData(stored.report, strings)]
        let title: String
        let status: HTTPResponse.Status
        if let version = stored.version {
            data["version"] = versionData(version, account: account)
            data[stored.isNew ? "created" : "unchanged"] = true
            title = strings.text(stored.isNew ? "banks_result_created" : "banks_result_unchanged")
            status = stored.isNew ? .created : .ok
        } else {
            data["refused"] = Self.refusalMessage(stored.report, strings)
            title = strings.text("banks_result_refused")
            status = .unprocessableContent
        }
        return site.page("banks_result", title: title, data, request: request, context: context, status: status)
    }

    func bankPage(_ request: Request, context: CampusContext) async throws -> Response {
        let account = try Self.account(context)
        let strings = site.strings(context)
        let versions = try await locate(request, context: context)
        let latest = versions[0]
        let states = try await site.database.reviews.states(organisation: latest.organisation, bankID: latest.bankID)
        var rows: [[String: Any]] = []
        for version in versions {
            var row = versionData(version, account: account)
            row["report"] = reportData(BankReport.parse(version.report), strings)
            let state = states[version.version] ?? .draft
            row["review"] = ReviewRoutes.stateData(state, strings: strings)
            let comments = try await site.database.reviews.comments(
                organisation: version.organisation, bankID: version.bankID, version: version.version)
            row["comments"] = comments.map { ReviewRoutes.commentData($0) }
            row["has_comments"] = !comments.isEmpty
            rows.append(row)
        }
        return site.page(
            "banks_bank", title: strings.text("banks_bank_title", latest.title),
            ["bank": latest.bankID, "organisation": latest.organisation, "versions": rows], request: request,
            context: context)
    }

    /// One version: its review state, its item analysis from the stored attempts, and every item with the board's
    /// comments (flagged items in the analysis link to their text here).
    func versionPage(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        let version = try await locateVersion(request, context: context)
        guard let bank = await site.storedBanks.bank(version) else {
            throw HTTPFailure(.internalServerError, "internal", "a stored bank version cannot be read")
        }
        let state = try await site.database.reviews.state(
            organisation: version.organisation, bankID: version.bankID, version: version.version)
        let comments = try await site.database.reviews.comments(
            organisation: version.organisation, bankID: version.bankID, version: version.version)
        let items = bank.items.map { item -> [String: Any] in
            let mine = comments.filter { $0.itemID == item.id }.map(ReviewRoutes.commentData)
            return [
                "id": item.id, "anchor": ReviewRoutes.anchor(item.id), "type": item.kind.typeName,
                "yaml": (try? BankWriter.yaml(item)) ?? item.stem, "comments": mine, "has_comments": !mine.isEmpty,
            ]
        }
        let selfTests = request.uri.queryParameters.get("selftests") == "1"
        var stats = try await ItemAnalysisView.data(
            version: version, bank: bank, includeSelfTests: selfTests, site: site, strings: strings)
        stats["responses"] =
            "/api/v1/banks/\(version.bankID)/versions/\(version.version)/responses?organisation="
            + Site.queryEscaped(version.organisation) + (selfTests ? "&selftests=1" : "")
        return site.page(
            "banks_version", title: strings.text("banks_version_title", version.bankID, "\(version.version)"),
            [
                "bank": version.bankID, "bank_title": version.title, "version": version.version, "items": items,
                "review": ReviewRoutes.stateData(state, strings: strings), "stats": stats,
            ], request: request, context: context)
    }

    /// The upload form's choices: formats, and the organisations when the account has several.
    func formData(_ account: Account, _ strings: Strings) -> [String: Any] {
        let organisations = account.organisations(for: .provider)
        var data: [String: Any] = [
            "formats": BankUploadFormat.allCases.map {
                ["value": $0.rawValue, "label": strings.text("banks_format_\($0.rawValue)"), "selected": $0 == .auto]
            }
        ]
        if organisations.count > 1 {
            data["organisations"] = organisations.map { ["id": $0] }
            data["has_organisations"] = true
        }
        return data
    }

    func versionData(_ version: BankVersion, account: Account) -> [String: Any] {
        let json = BankVersionJSON(version, account: account)
        return [
            "bank": version.bankID, "organisation": version.organisation, "version": version.version,
            "title": version.title, "items": version.itemCount, "format": version.sourceFormat,
            "source_name": version.sourceName, "uploaded_by": version.uploadedBy,
            "uploaded_at": AccountRoutes.dateText(version.uploadedAt), "sha256": version.sha256,
            "page": "/provider/banks/\(version.bankID)\(json.organisationQuery)",
            "yaml": json.downloads["yaml"] ?? "", "qti30": json.downloads["qti30"] ?? "",
            "qti21": json.downloads["qti21"] ?? "",
        ]
    }

    func reportData(_ report: BankReport, _ strings: Strings) -> [String: Any] {
        let entries = report.entries.map { entry -> [String: Any] in
            var location = entry.file
            if let line = entry.line { location += ":\(line)" }
            if let column = entry.column, entry.line != nil { location += ":\(column)" }
            var row: [String: Any] = [
                "location": location, "outcome": entry.outcome,
                "outcome_text": strings.text("banks_outcome_\(entry.outcome)"), "messages": entry.messages,
            ]
            if let label = entry.label { row["label"] = label }
            if let item = entry.item { row["item"] = item }
            return row
        }
        return [
            "format": report.format, "entries": entries, "has_entries": !entries.isEmpty,
            "summary": strings.text(
                "banks_report_summary", String(report.items), String(report.warnings), String(report.skipped),
                String(report.errors)),
        ]
    }
}

/// One bank version as the API shows it (the YAML itself is a download).
struct BankVersionJSON: Encodable {
    let organisation: String
    let bank: String
    let version: Int
    let title: String
    let itemCount: Int
    let sourceFormat: String
    let sourceName: String
    let sha256: String
    let uploadedBy: String
    let uploadedAt: String
    let downloads: [String: String]
    /// `?organisation=…` when the account has several organisations, else empty.
    let organisationQuery: String

    enum CodingKeys: String, CodingKey {
        case organisation, bank, version, title, itemCount, sourceFormat, sourceName, sha256, uploadedBy, uploadedAt
        case downloads
    }

    init(_ stored: BankVersion, account: Account) {
        organisation = stored.organisation
        bank = stored.bankID
        version = stored.version
        title = stored.title
        itemCount = stored.itemCount
        sourceFormat = stored.sourceFormat
        sourceName = stored.sourceName
        sha256 = stored.sha256
        uploadedBy = stored.uploadedBy
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        uploadedAt = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(stored.uploadedAt)))
        let several = account.organisations(for: .provider).count > 1
        organisationQuery = several ? "?organisation=\(stored.organisation)" : ""
        let path = "/api/v1/banks/\(stored.bankID)/versions/\(stored.version)/download?format="
        let suffix = several ? "&organisation=\(stored.organisation)" : ""
        downloads = Dictionary(uniqueKeysWithValues: ["yaml", "qti30", "qti21"].map { ($0, path + $0 + suffix) })
    }
}

/// A version with its report, as the upload and the version route answer.
struct BankAnswer: Encodable {
    let version: BankVersionJSON
    let report: BankReport
    var created: Bool?
}

/// A refused upload: the one error shape, with the report beside it.
struct BankRefusal: Encodable {
    struct Inner: Encodable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Inner
    let report: BankReport
}
