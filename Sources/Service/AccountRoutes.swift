import Foundation
import Hummingbird
import Storage

/// Home, sign-in and sign-out, the password change, the account page with language and API tokens.
struct AccountRoutes {
    let site: Site

    /// Sign-in attempts allowed per account and per address in ``window`` seconds.
    static let attemptsPerAccount: Int64 = 5
    static let attemptsPerAddress: Int64 = 30
    static let window: Int64 = 15 * 60
    /// The shortest new password.
    static let minimumPasswordLength = 10

    func register(in registry: inout RouteRegistry) {
        registry.add(.get, "/", .anyone, .page, beforePasswordChange: true) { request, context in
            let strings = site.strings(context)
            return site.page("home", title: strings.text("home_title"), request: request, context: context)
        }
        registry.add(.get, "/login", .anyone, .page) { request, context in
            if context.identity != nil { return Site.redirect("/") }
            let next = Self.safeNext(request.uri.queryParameters.get("next"))
            return site.page(
                "login", title: site.strings(context).text("login_title"), ["next": next], request: request,
                context: context)
        }
        registry.add(.post, "/login", .anyone, .page) { request, context in
            try await signIn(request, context: context)
        }
        registry.add(.post, "/logout", .signedIn, .page, beforePasswordChange: true) { _, context in
            if case .session(let id, _) = context.identity?.proof {
                try await site.database.sessions.delete(id: id)
            }
            var response = Site.redirect("/")
            response.setCookie(site.cookie(Site.sessionCookie, "", maxAge: 0))
            return response
        }
        registry.add(.get, "/account/password", .signedIn, .page, beforePasswordChange: true) { request, context in
            site.page(
                "password", title: site.strings(context).text("password_title"),
                ["must_change": context.identity?.account.mustChangePassword ?? false], request: request,
                context: context)
        }
        registry.add(.post, "/account/password", .signedIn, .page, beforePasswordChange: true) { request, context in
            try await changePassword(request, context: context)
        }
        registry.add(.get, "/account", .signedIn, .page) { request, context in
            try await accountPage(request, context: context, newToken: nil)
        }
        registry.add(.post, "/account/language", .signedIn, .page, beforePasswordChange: true) { _, context in
            guard let account = context.identity?.account else {
                throw HTTPFailure(.unauthorized, "unauthenticated", "")
            }
            let language = context.form.text("language") == "en" ? "en" : "de"
            try await site.database.accounts.setLanguage(language, of: account)
            return Site.redirect(Self.safeNext(context.form.text("next")))
        }
        registry.add(.post, "/language", .anyone, .page) { _, context in
            let language = context.form.text("language") == "en" ? "en" : "de"
            var response = Site.redirect(Self.safeNext(context.form.text("next")))
            response.setCookie(site.cookie(Site.languageCookie, language, maxAge: 365 * 24 * 3600))
            return response
        }
        registry.add(.post, "/account/tokens", .signedIn, .page) { request, context in
            guard let account = context.identity?.account else {
                throw HTTPFailure(.unauthorized, "unauthenticated", "")
            }
            let name = String((context.form.text("name") ?? "API").prefix(80))
            let token = try await site.database.sessions.createToken(for: account, name: name)
            return try await accountPage(request, context: context, newToken: token)
        }
        registry.add(.get, "/api/v1/me", .signedIn, .api) { _, context in
            guard let account = context.identity?.account else {
                throw HTTPFailure(.unauthorized, "unauthenticated", "")
            }
            return try Site.json(AccountJSON(account))
        }
    }

    /// A `next` target that stays on this site: a path, never `//host` or a URL.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500,
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return "/" }
        return next
    }

    private func signIn(_ request: Request, context: CampusContext) async throws -> Response {
        let strings = site.strings(context)
        let login = context.form.text("login") ?? ""
        let password = context.form.fields["password"] ?? ""
        let next = Self.safeNext(context.form.text("next"))
        func refuse(_ message: String, status: HTTPResponse.Status) -> Response {
            site.page(
                "login", title: strings.text("login_title"), ["next": next, "error": message, "login": login],
                request: request, context: context, status: status)
        }
        let sessions = site.database.sessions
        let accountBucket = "login:account:\(login.lowercased().prefix(200))"
        let addressBucket = "login:address:\(context.clientAddress)"
        let accountAllowed = try await sessions.hit(accountBucket, limit: Self.attemptsPerAccount, window: Self.window)
        let addressAllowed = try await sessions.hit(addressBucket, limit: Self.attemptsPerAddress, window: Self.window)
        guard accountAllowed, addressAllowed else {
            try await site.database.audit.append(
                actor: "anonymous", action: "login.throttled", target: String(login.prefix(200)))
            return refuse(strings.text("login_throttled"), status: .tooManyRequests)
        }
        var accounts = site.database.accounts
        accounts.cost = site.configuration.passwordCost
        guard let account = try await accounts.authenticate(login: login, password: password) else {
            try await site.database.audit.append(
                actor: "anonymous", action: "login.failed", target: String(login.prefix(200)))
            return refuse(strings.text("login_failed"), status: .unprocessableContent)
        }
        try await sessions.reset(accountBucket)
        let (id, _) = try await sessions.create(for: account.id)
        try await site.database.audit.append(actor: account.login, action: "login", target: account.login)
        var response = Site.redirect(account.mustChangePassword ? "/account/password" : next)
        response.setCookie(site.cookie(Site.sessionCookie, id, maxAge: Int(SessionStore.lifetime)))
        return response
    }

    private func changePassword(_ request: Request, context: CampusContext) async throws -> Response {
        guard let account = context.identity?.account else { throw HTTPFailure(.unauthorized, "unauthenticated", "") }
        let strings = site.strings(context)
        let current = context.form.fields["current"] ?? ""
        let new = context.form.fields["new"] ?? ""
        let repeated = context.form.fields["repeat"] ?? ""
        func refuse(_ message: String, field: String) -> Response {
            site.page(
                "password", title: strings.text("password_title"),
                ["must_change": account.mustChangePassword, "error": message, "error_field": field], request: request,
                context: context, status: .unprocessableContent)
        }
        var accounts = site.database.accounts
        accounts.cost = site.configuration.passwordCost
        guard try await accounts.authenticate(login: account.login, password: current) != nil else {
            return refuse(strings.text("password_wrong_current"), field: "current")
        }
        guard new.count >= Self.minimumPasswordLength, new.utf8.count <= 1_024 else {
            return refuse(strings.text("password_too_short", String(Self.minimumPasswordLength)), field: "new")
        }
        guard new == repeated else { return refuse(strings.text("password_mismatch"), field: "repeat") }
        guard new != current else { return refuse(strings.text("password_unchanged"), field: "new") }
        try await accounts.setPassword(new, of: account, oneTime: false, actor: account.login)
        // The change ended every session; this one starts anew.
        let (id, _) = try await site.database.sessions.create(for: account.id)
        var response = Site.redirect("/?changed=1")
        response.setCookie(site.cookie(Site.sessionCookie, id, maxAge: Int(SessionStore.lifetime)))
        return response
    }

    private func accountPage(_ request: Request, context: CampusContext, newToken: String?) async throws -> Response {
        guard let account = context.identity?.account else { throw HTTPFailure(.unauthorized, "unauthenticated", "") }
        let tokens = try await site.database.sessions.tokens(of: account)
        var data: [String: Any] = [
            "login": account.login, "display_name": account.displayName,
            "grants": account.grants.map { ["role": $0.role.rawValue, "organisation": $0.organisation] },
            "tokens": tokens.map { ["name": $0.name, "created": Self.dateText($0.created)] },
            "language_de": account.language != "en", "language_en": account.language == "en",
        ]
        if let newToken { data["new_token"] = newToken }
        return site.page(
            "account", title: site.strings(context).text("account_title"), data, request: request, context: context)
    }

    /// A date-time in UTC for pages, `YYYY-MM-DD HH:MM UTC`.
    static func dateText(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

/// An account as the API shows it (no password hash, ever).
struct AccountJSON: Encodable {
    let login: String
    let displayName: String
    let language: String
    let mustChangePassword: Bool
    let roles: [RoleGrant]

    init(_ account: Account) {
        login = account.login
        displayName = account.displayName
        language = account.language
        mustChangePassword = account.mustChangePassword
        roles = account.grants
    }
}
