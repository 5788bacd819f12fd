import Foundation
import Hummingbird
import Storage

/// The administration: accounts and their roles, provider organisations, the issuer key in use, the audit log.
/// Every route needs the admin role; every change is written to the audit log by the store that makes it.
struct AdminRoutes {
    let site: Site

    /// The most audit rows a page shows.
    static let auditPageRows = 200
    /// The most audit rows one API answer holds.
    static let auditMaximumRows = 1_000
    /// The longest audit filter value accepted.
    static let filterMaximumLength = 200
    /// The issuer certificate is flagged this many days before it expires.
    static let keyWarningDays = 30

    func register(in registry: inout RouteRegistry) {
        let admin = Access.roles([.admin])
        registry.add(.get, "/admin", admin, .page) { request, context in
            try await overview(request, context: context)
        }
        AdminAccountRoutes(site: site).register(in: &registry)
        registry.add(.get, "/admin/organisations", admin, .page) { request, context in
            try await organisationsPage(request, context: context)
        }
        registry.add(.post, "/admin/organisations", admin, .page) { request, context in
            try await createOrganisation(request, context: context)
        }
        registry.add(.get, "/admin/keys", admin, .page) { request, context in
            keysPage(request, context: context)
        }
        registry.add(.get, "/admin/audit", admin, .page) { request, context in
            try await auditPage(request, context: context)
        }
        AdminAPI(site: site).register(in: &registry)
    }

    // MARK: - Overview

    private func overview(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        let accounts = try await site.database.accounts.all()
        let organisations = try await site.database.organisations.all()
        let newest = try await site.database.audit.entries(limit: 1).first
        let validity = Self.validity(of: site.keys.identity.notBefore, site.keys.identity.notAfter, now: Date())
        var data: [String: Any] = [
            "accounts": String(accounts.count),
            "active_accounts": String(accounts.filter(\.active).count),
            "organisations": String(organisations.count),
            "audit_rows": String(newest?.seq ?? 0),
            "key_subject": site.keys.identity.subjectName,
        ]
        data.merge(validity.pageData(strings)) { $1 }
        return site.page("admin", title: strings.text("admin_title"), data, request: request, context: context)
    }

    // MARK: - Organisations

    private func organisationsPage(
        _ request: Request, context: CampusContext, error: HTTPFailure? = nil, values: [String: String] = [:],
        created: Organisation? = nil
    ) async throws -> Response {
        let organisations = try await site.database.organisations.all()
        var data: [String: Any] = [
            "organisations": organisations.map { ["id": $0.id, "name": $0.name] },
            "has_organisations": !organisations.isEmpty,
            "values": values,
        ]
        if let error {
            data["error"] = error.message
            data["error_\(error.field ?? "form")"] = true
        }
        if let created { data["created"] = ["id": created.id, "name": created.name] }
        return site.page(
            "admin-organisations", title: site.strings(context).text("admin_organisations_title"), data,
            request: request, context: context, status: error?.status ?? .ok)
    }

    private func createOrganisation(_ request: Request, context: CampusContext) async throws -> Response {
        let actor = try Self.actor(context)
        let values = ["id": context.form.text("id") ?? "", "name": context.form.text("name") ?? ""]
        do {
            let organisation = try await createOrganisation(
                id: values["id"] ?? "", name: values["name"] ?? "", actor: actor, context: context)
            return try await organisationsPage(request, context: context, created: organisation)
        } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
            return try await organisationsPage(request, context: context, error: failure, values: values)
        }
    }

    /// Checks and stores a new organisation (pages and the API).
    func createOrganisation(id: String, name: String, actor: Account, context: CampusContext) async throws
        -> Organisation
    {
        let strings = site.strings(context)
        let id = id.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Organisation.isValidID(id) else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("admin_organisation_bad_id"), field: "id")
        }
        guard AdminAccountRoutes.isPlainText(name, maximum: 200) else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("admin_organisation_bad_name"), field: "name")
        }
        if try await site.database.organisations.find(id: id) != nil {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("admin_organisation_exists", id), field: "id")
        }
        let organisation = Organisation(id: id, name: name)
        try await site.database.write { connection in
            try await site.database.organisations.create(organisation, actor: actor.login, in: connection)
        }
        return organisation
    }

    // MARK: - Keys

    private func keysPage(_ request: Request, context: CampusContext) -> Response {
        let strings = site.strings(context)
        let identity = site.keys.identity
        let validity = Self.validity(of: identity.notBefore, identity.notAfter, now: Date())
        var data: [String: Any] = [
            "subject": identity.subjectName, "issuer": identity.issuerName, "serial": identity.serialNumber,
            "key_id": identity.keyID,
            "not_before": identity.notBefore.map { AccountRoutes.dateText(Int64($0.timeIntervalSince1970)) } ?? "–",
            "not_after": identity.notAfter.map { AccountRoutes.dateText(Int64($0.timeIntervalSince1970)) } ?? "–",
            "chain_length": String(identity.chainDER.count),
        ]
        data.merge(validity.pageData(strings)) { $1 }
        return site.page(
            "admin-keys", title: strings.text("admin_keys_title"), data, request: request, context: context)
    }

    /// How long the issuer certificate remains valid.
    struct Validity: Equatable {
        /// Where it stands.
        enum State: String { case valid, expiresSoon = "expires-soon", expired, notYetValid = "not-yet-valid", unknown }
        /// Whole days until the end of validity (negative once it passed).
        var daysLeft: Int
        var state: State

        func pageData(_ strings: Strings) -> [String: Any] {
            var data: [String: Any] = ["key_days_left": String(daysLeft), "key_state": state.rawValue]
            switch state {
            case .valid: data["key_state_text"] = strings.text("admin_key_valid", String(daysLeft))
            case .expiresSoon:
                data["key_warning"] = strings.text("admin_key_expires_soon", String(daysLeft))
            case .expired: data["key_warning"] = strings.text("admin_key_expired")
            case .notYetValid: data["key_warning"] = strings.text("admin_key_not_yet_valid")
            case .unknown: data["key_warning"] = strings.text("admin_key_unknown")
            }
            return data
        }
    }

    /// The validity of a certificate valid from `notBefore` to `notAfter`, seen at `now`.
    static func validity(of notBefore: Date?, _ notAfter: Date?, now: Date) -> Validity {
        guard let notBefore, let notAfter else { return Validity(daysLeft: 0, state: .unknown) }
        let seconds = notAfter.timeIntervalSince(now)
        let days = Int((seconds / 86_400).rounded(.down))
        if seconds <= 0 { return Validity(daysLeft: days, state: .expired) }
        if notBefore > now { return Validity(daysLeft: days, state: .notYetValid) }
        return Validity(daysLeft: days, state: days < keyWarningDays ? .expiresSoon : .valid)
    }

    // MARK: - Audit log

    private func auditPage(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        let filter = try Self.auditFilter(request, strings: strings)
        let entries = try await site.database.audit.entries(filter, limit: Self.auditPageRows)
        let chain = try await site.database.audit.verify()
        var data: [String: Any] = [
            "actor": filter.actor ?? "", "action": filter.action ?? "", "target": filter.target ?? "",
            "filtered": filter != AuditLog.Filter(),
            "entries": entries.map { entry in
                [
                    "seq": String(entry.seq), "at": AccountRoutes.dateText(entry.at), "actor": entry.actor,
                    "action": entry.action, "target": entry.target, "details": entry.details,
                ]
            },
            "has_entries": !entries.isEmpty,
            "shown": strings.text("admin_audit_shown", String(entries.count), String(Self.auditPageRows)),
        ]
        switch chain {
        case .intact(let rows):
            data["chain_intact"] = strings.text("admin_audit_intact", String(rows))
        case .broken(let seq, let why):
            data["chain_broken"] = strings.text("admin_audit_broken", String(seq), why)
        }
        return site.page(
            "admin-audit", title: strings.text("admin_audit_title"), data, request: request, context: context)
    }

    /// The audit filter from the query (`actor`, `action`, `target`; empty means any).
    static func auditFilter(_ request: Request, strings: Strings) throws -> AuditLog.Filter {
        var values: [String: String] = [:]
        for name in ["actor", "action", "target"] {
            guard let value = request.uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespaces),
                !value.isEmpty
            else { continue }
            guard value.count <= filterMaximumLength else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid",
                    strings.text("admin_audit_filter_long", String(filterMaximumLength)),
                    field: name)
            }
            values[name] = value
        }
        return AuditLog.Filter(actor: values["actor"], action: values["action"], target: values["target"])
    }

    /// The signed-in account (the access check let only admins in).
    static func actor(_ context: CampusContext) throws -> Account {
        guard let account = context.identity?.account else {
            throw HTTPFailure(.unauthorized, "unauthenticated", "")
        }
        return account
    }
}
