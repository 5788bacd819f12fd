import CampusCrypto
import Foundation
import Hummingbird
import Storage

/// The accounts part of the administration: list, create with a one-time password, roles per organisation,
/// deactivate and activate, reset the password. An admin cannot lock themselves out: their own account cannot be
/// deactivated, lose its admin role or have its password reset here.
struct AdminAccountRoutes {
    let site: Site

    /// The roles held per provider organisation, in the order the forms show them.
    static let organisationRoles: [Role] = [.provider, .reviewer, .proctor, .learner]
    /// The longest login the administration creates.
    static let maximumLoginLength = 100
    /// The most role grants one account may be given at once.
    static let maximumGrants = 200

    func register(in registry: inout RouteRegistry) {
        let admin = Access.roles([.admin])
        registry.add(.get, "/admin/accounts", admin, .page) { request, context in
            try await listPage(request, context: context)
        }
        registry.add(.post, "/admin/accounts", admin, .page) { request, context in
            try await create(request, context: context)
        }
        registry.add(.get, "/admin/accounts/:login", admin, .page) { request, context in
            let account = try await target(context)
            let done = request.uri.queryParameters.get("done")
            let notice = done.flatMap {
                Self.notices.contains($0) ? site.strings(context).text("admin_done_\($0)") : nil
            }
            return try await accountPage(account, request: request, context: context, notice: notice)
        }
        registry.add(.post, "/admin/accounts/:login/roles", admin, .page) { request, context in
            try await editRoles(request, context: context)
        }
        registry.add(.post, "/admin/accounts/:login/deactivate", admin, .page) { request, context in
            try await setActive(false, request: request, context: context)
        }
        registry.add(.post, "/admin/accounts/:login/activate", admin, .page) { request, context in
            try await setActive(true, request: request, context: context)
        }
        registry.add(.post, "/admin/accounts/:login/password", admin, .page) { request, context in
            try await resetPassword(request, context: context)
        }
    }

    /// The `done` values the account page reports after a change.
    static let notices: Set<String> = ["roles", "deactivated", "activated"]

    // MARK: - List and create

    private func listPage(
        _ request: Request, context: CampusContext, error: HTTPFailure? = nil, values: [String: String] = [:],
        grants: [RoleGrant] = []
    ) async throws -> Response {
        let strings = site.strings(context)
        let accounts = try await site.database.accounts.all()
        let organisations = try await site.database.organisations.all()
        var data: [String: Any] = [
            "accounts": accounts.map { account in
                [
                    "login": account.login, "login_path": Self.pathEscaped(account.login),
                    "display_name": account.displayName, "roles": Self.rolesText(account.grants, strings: strings),
                    "active": account.active, "must_change": account.mustChangePassword,
                ] as [String: Any]
            },
            "values": values,
        ]
        data.merge(Self.roleGrid(organisations: organisations, grants: grants, strings: strings)) { $1 }
        if let error {
            data["error"] = error.message
            data["error_\(error.field ?? "form")"] = true
        }
        return site.page(
            "admin-accounts", title: strings.text("admin_accounts_title"), data, request: request, context: context,
            status: error?.status ?? .ok)
    }

    private func create(_ request: Request, context: CampusContext) async throws -> Response {
        let actor = try AdminRoutes.actor(context)
        let organisations = try await site.database.organisations.all()
        let grants = Self.grants(from: context.form, organisations: organisations)
        let values = [
            "login": context.form.text("login") ?? "", "display_name": context.form.text("display_name") ?? "",
        ]
        do {
            let (account, password) = try await createAccount(
                login: values["login"] ?? "", displayName: values["display_name"] ?? "", grants: grants, actor: actor,
                context: context)
            return oneTimePasswordPage(
                for: account, password: password, created: true, request: request, context: context)
        } catch let failure as HTTPFailure where failure.status == .unprocessableContent {
            return try await listPage(request, context: context, error: failure, values: values, grants: grants)
        }
    }

    /// Checks and stores a new account with a one-time password (pages and the API); returns it and the password.
    func createAccount(
        login: String, displayName: String, grants: [RoleGrant], actor: Account, context: CampusContext
    ) async throws -> (Account, String) {
        let strings = site.strings(context)
        let login = login.trimmingCharacters(in: .whitespacesAndNewlines)
        let displayName = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.isUsableLogin(login) else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("admin_login_bad", String(Self.maximumLoginLength)),
                field: "login")
        }
        guard Self.isPlainText(displayName, maximum: 200) else {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("admin_display_name_bad"), field: "display_name")
        }
        if try await site.database.accounts.find(login: login) != nil {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("admin_login_taken", login), field: "login")
        }
        try await checkGrants(grants, strings: strings)
        let password = try Passwords.randomToken(byteCount: 9)
        var store = site.database.accounts
        store.cost = site.configuration.passwordCost
        let accounts = store
        let account = try await site.database.write { connection in
            try await accounts.create(
                login: login, displayName: displayName, password: password, grants: grants, mustChangePassword: true,
                actor: actor.login, in: connection)
        }
        return (account, password)
    }

    /// Refuses an empty set of roles, a role that is not held per organisation given one, and an unknown
    /// organisation.
    func checkGrants(_ grants: [RoleGrant], strings: Strings) async throws {
        guard !grants.isEmpty else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("admin_roles_none"), field: "roles")
        }
        guard grants.count <= Self.maximumGrants else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("admin_roles_bad"), field: "roles")
        }
        let known = Set(try await site.database.organisations.all().map(\.id))
        for grant in grants {
            let fits = grant.role == .admin ? grant.organisation.isEmpty : known.contains(grant.organisation)
            guard fits else {
                throw HTTPFailure(.unprocessableContent, "invalid", strings.text("admin_roles_bad"), field: "roles")
            }
        }
    }

    private func oneTimePasswordPage(
        for account: Account, password: String, created: Bool, request: Request, context: CampusContext
    ) -> Response {
        let strings = site.strings(context)
        return site.page(
            "admin-password",
            title: strings.text(created ? "admin_created_title" : "admin_reset_title"),
            [
                "login": account.login, "login_path": Self.pathEscaped(account.login),
                "display_name": account.displayName,
                "password": password, "created": created,
            ], request: request, context: context)
    }

    // MARK: - One account

    /// The account named in the path, or 404.
    private func target(_ context: CampusContext) async throws -> Account {
        let raw = context.parameters.get("login") ?? ""
        guard let login = raw.removingPercentEncoding, login.count <= AccountStore.maximumLoginLength,
            let account = try await site.database.accounts.find(login: login)
        else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("admin_account_unknown"))
        }
        return account
    }

    private func accountPage(
        _ account: Account, request: Request, context: CampusContext, notice: String? = nil,
        error: HTTPFailure? = nil, grants: [RoleGrant]? = nil
    ) async throws -> Response {
        let strings = site.strings(context)
        let organisations = try await site.database.organisations.all()
        let own = account.id == context.identity?.account.id
        var data: [String: Any] = [
            "login": account.login, "login_path": Self.pathEscaped(account.login), "display_name": account.displayName,
            "active": account.active, "must_change": account.mustChangePassword, "own": own,
            "roles": Self.rolesText(account.grants, strings: strings),
            "audit_link": "/admin/audit?target=\(Self.queryEscaped(account.login))",
        ]
        data.merge(Self.roleGrid(organisations: organisations, grants: grants ?? account.grants, strings: strings)) {
            $1
        }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error.message }
        return site.page(
            "admin-account", title: strings.text("admin_account_title", account.login), data, request: request,
            context: context, status: error?.status ?? .ok)
    }

    private func editRoles(_ request: Request, context: CampusContext) async throws -> Response {
        let actor = try AdminRoutes.actor(context)
        let account = try await target(context)
        let strings = site.strings(context)
        let organisations = try await site.database.organisations.all()
        let grants = Self.grants(from: context.form, organisations: organisations)
        do {
            if account.id == actor.id && !grants.contains(RoleGrant(.admin)) {
                throw HTTPFailure(.unprocessableContent, "ownAccount", strings.text("admin_own_admin_role"))
            }
            try await checkGrants(grants, strings: strings)
        } catch let failure as HTTPFailure {
            return try await accountPage(account, request: request, context: context, error: failure, grants: grants)
        }
        try await site.database.accounts.setGrants(grants, of: account, actor: actor.login)
        return Site.redirect("/admin/accounts/\(Self.pathEscaped(account.login))?done=roles")
    }

    private func setActive(_ active: Bool, request: Request, context: CampusContext) async throws -> Response {
        let actor = try AdminRoutes.actor(context)
        let account = try await target(context)
        if account.id == actor.id && !active {
            let failure = HTTPFailure(
                .unprocessableContent, "ownAccount", site.strings(context).text("admin_own_deactivate"))
            return try await accountPage(account, request: request, context: context, error: failure)
        }
        if account.active != active {
            try await site.database.accounts.setActive(active, of: account, actor: actor.login)
        }
        return Site.redirect(
            "/admin/accounts/\(Self.pathEscaped(account.login))?done=\(active ? "activated" : "deactivated")")
    }

    private func resetPassword(_ request: Request, context: CampusContext) async throws -> Response {
        let actor = try AdminRoutes.actor(context)
        let account = try await target(context)
        if account.id == actor.id {
            let failure = HTTPFailure(
                .unprocessableContent, "ownAccount", site.strings(context).text("admin_own_password"))
            return try await accountPage(account, request: request, context: context, error: failure)
        }
        let password = try Passwords.randomToken(byteCount: 9)
        var accounts = site.database.accounts
        accounts.cost = site.configuration.passwordCost
        try await accounts.setPassword(password, of: account, oneTime: true, actor: actor.login)
        return oneTimePasswordPage(for: account, password: password, created: false, request: request, context: context)
    }

    // MARK: - Forms and texts

    /// The grants a roles form asks for: the `admin` checkbox and one `grant:ROLE:ORGANISATION` checkbox per role
    /// and known organisation (anything else the form carries is ignored).
    static func grants(from form: Form, organisations: [Organisation]) -> [RoleGrant] {
        var grants: [RoleGrant] = []
        if form.text("admin") != nil { grants.append(RoleGrant(.admin)) }
        for organisation in organisations {
            for role in organisationRoles where form.text(fieldName(role, organisation.id)) != nil {
                grants.append(RoleGrant(role, organisation: organisation.id))
            }
        }
        return grants
    }

    static func fieldName(_ role: Role, _ organisation: String) -> String { "grant:\(role.rawValue):\(organisation)" }

    /// The role checkboxes: admin, then a row per organisation with a column per role.
    static func roleGrid(organisations: [Organisation], grants: [RoleGrant], strings: Strings) -> [String: Any] {
        let held = Set(grants)
        return [
            "admin_checked": held.contains(RoleGrant(.admin)),
            "role_columns": organisationRoles.map { ["label": strings.text("admin_role_\($0.rawValue)")] },
            "role_rows": organisations.map { organisation in
                [
                    "id": organisation.id, "name": organisation.name,
                    "cells": organisationRoles.map { role in
                        [
                            "field": fieldName(role, organisation.id),
                            "id": "grant-\(role.rawValue)-\(organisation.id)",
                            "checked": held.contains(RoleGrant(role, organisation: organisation.id)),
                            "label": "\(strings.text("admin_role_\(role.rawValue)")): \(organisation.name)",
                        ] as [String: Any]
                    },
                ] as [String: Any]
            },
            "has_organisations": !organisations.isEmpty,
        ]
    }

    /// Roles as one line: `Administration, Anbieter (demo-akademie)`.
    static func rolesText(_ grants: [RoleGrant], strings: Strings) -> String {
        guard !grants.isEmpty else { return strings.text("admin_roles_empty") }
        return grants.sorted { ($0.role, $0.organisation) < ($1.role, $1.organisation) }.map { grant in
            let name = strings.text("admin_role_\(grant.role.rawValue)")
            return grant.organisation.isEmpty ? name : "\(name) (\(grant.organisation))"
        }.joined(separator: ", ")
    }

    /// A login the administration gives out: 1 to 100 of ASCII letters, digits and `.`, `_`, `-`, `@`, `+`
    /// (an e-mail address or a short name, safe in a path).
    static func isUsableLogin(_ login: String) -> Bool {
        (1...maximumLoginLength).contains(login.count)
            && login.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || ".-_@+".unicodeScalars.contains(scalar))
            }
    }

    /// Text of 1 to `maximum` characters without control characters.
    static func isPlainText(_ text: String, maximum: Int) -> Bool {
        (1...maximum).contains(text.count)
            && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// `text` escaped for one path segment.
    static func pathEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `text` escaped for a query value.
    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~@")
}
