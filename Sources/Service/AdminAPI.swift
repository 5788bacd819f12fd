import Foundation
import Hummingbird
import Storage

/// The administration's JSON interface under `/api/v1` (session or API token, admin role): the audit log with
/// its chain state, accounts and organisations. No answer ever carries a password hash; a new account's one-time
/// password is in the creating answer only.
struct AdminAPI {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let admin = Access.roles([.admin])
        registry.add(.get, "/api/v1/audit", admin, .api) { request, context in
            try await audit(request, context: context)
        }
        registry.add(.get, "/api/v1/accounts", admin, .api) { _, _ in
            try Site.json(AccountList(accounts: try await site.database.accounts.all().map(AdminAccountJSON.init)))
        }
        registry.add(.post, "/api/v1/accounts", admin, .api) { _, context in
            try await createAccount(context: context)
        }
        registry.add(.get, "/api/v1/organisations", admin, .api) { _, _ in
            try Site.json(OrganisationList(organisations: try await site.database.organisations.all()))
        }
        registry.add(.post, "/api/v1/organisations", admin, .api) { _, context in
            let actor = try AdminRoutes.actor(context)
            let body = try decode(NewOrganisation.self, context: context)
            let organisation = try await AdminRoutes(site: site).createOrganisation(
                id: body.id, name: body.name, actor: actor, context: context)
            return try Site.json(organisation, status: .created)
        }
    }

    private func audit(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        let filter = try AdminRoutes.auditFilter(request, strings: strings)
        var limit = AdminRoutes.auditPageRows
        if let text = request.uri.queryParameters.get("limit"), !text.isEmpty {
            guard text.count <= 10, let number = Int(text), (1...AdminRoutes.auditMaximumRows).contains(number) else {
                throw HTTPFailure(
                    .unprocessableContent, "invalid",
                    strings.text("admin_audit_bad_limit", String(AdminRoutes.auditMaximumRows)), field: "limit")
            }
            limit = number
        }
        let entries = try await site.database.audit.entries(filter, limit: limit)
        let chain: ChainJSON
        switch try await site.database.audit.verify() {
        case .intact(let rows): chain = ChainJSON(state: "intact", rows: rows, row: nil, why: nil)
        case .broken(let seq, let why): chain = ChainJSON(state: "broken", rows: nil, row: seq, why: why)
        }
        return try Site.json(AuditAnswer(entries: entries, chain: chain))
    }

    private func createAccount(context: CampusContext) async throws -> Response {
        let actor = try AdminRoutes.actor(context)
        let strings = site.strings(context)
        let body = try decode(NewAccount.self, context: context)
        guard body.roles.count <= AdminAccountRoutes.maximumGrants else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("admin_roles_bad"), field: "roles")
        }
        var grants: [RoleGrant] = []
        for role in body.roles {
            guard let known = Role(rawValue: role.role) else {
                throw HTTPFailure(.unprocessableContent, "invalid", strings.text("admin_roles_bad"), field: "roles")
            }
            grants.append(RoleGrant(known, organisation: role.organisation ?? ""))
        }
        let account: Account
        let password: String
        do {
            (account, password) = try await AdminAccountRoutes(site: site).createAccount(
                login: body.login, displayName: body.displayName, grants: grants, actor: actor, context: context)
        } catch var failure as HTTPFailure {
            // The page's form field is display_name; the JSON key is displayName.
            if failure.field == "display_name" { failure.field = "displayName" }
            throw failure
        }
        return try Site.json(
            CreatedAccount(account: AdminAccountJSON(account), oneTimePassword: password), status: .created)
    }

    /// The JSON body as `T`, or 422 naming what is wrong.
    private func decode<T: Decodable>(_ type: T.Type, context: CampusContext) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(context.body))
        } catch {
            throw HTTPFailure(.unprocessableContent, "invalid", site.strings(context).text("admin_json_bad"))
        }
    }
}

/// An account as the administration's API shows it (never the password hash).
struct AdminAccountJSON: Encodable {
    let login: String
    let displayName: String
    let language: String
    let active: Bool
    let mustChangePassword: Bool
    let roles: [RoleGrant]

    init(_ account: Account) {
        login = account.login
        displayName = account.displayName
        language = account.language
        active = account.active
        mustChangePassword = account.mustChangePassword
        roles = account.grants
    }
}

/// `GET /api/v1/accounts`.
struct AccountList: Encodable {
    let accounts: [AdminAccountJSON]
}

/// `POST /api/v1/accounts`: `{"login", "displayName", "roles": [{"role", "organisation"?}]}`.
struct NewAccount: Decodable {
    struct Grant: Decodable {
        let role: String
        let organisation: String?
    }
    let login: String
    let displayName: String
    let roles: [Grant]
}

/// The answer to `POST /api/v1/accounts`: the account and its one-time password, shown this once.
struct CreatedAccount: Encodable {
    let account: AdminAccountJSON
    let oneTimePassword: String
}

/// `GET /api/v1/organisations`.
struct OrganisationList: Encodable {
    let organisations: [Organisation]
}

/// `POST /api/v1/organisations`: `{"id", "name"}`.
struct NewOrganisation: Decodable {
    let id: String
    let name: String
}

/// The audit log's chain state: `intact` with `rows`, or `broken` at `row` with `why`.
struct ChainJSON: Encodable {
    let state: String
    let rows: Int64?
    let row: Int64?
    let why: String?
}

/// `GET /api/v1/audit`: the rows asked for, newest first, and the chain state of the whole log.
struct AuditAnswer: Encodable {
    let entries: [AuditEntry]
    let chain: ChainJSON
}
