import Assessment
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// A running campus service on a throwaway database, with the demo accounts signed in on demand.
struct Harness {
    let client: any TestClientProtocol
    let site: Site
    /// Every route declared.
    let declarations: [RouteDeclaration]
    /// Every route the router holds, as `METHOD path`.
    let registeredRoutes: [String]
    /// Login → password of every account made at start (admin's is its one-time password).
    let passwords: [String: String]

    /// Runs `body` against a fresh service with demo data on a database of `kind`.
    static func with(
        _ kind: DatabaseKind, clock: any AssessmentClock = SystemClock(),
        configure: @Sendable (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        try await TestDatabase.with(kind) { database in
            try await serve(
                database: database, keys: try IssuerKeys.development(), clock: clock, configure: configure, body)
        }
    }

    /// Runs `body` against a service node on `database` (demo data made at its first start) signing with `keys`.
    /// Several nodes may share one database: each call is one node.
    static func serve(
        database: CampusDatabase, keys: IssuerKeys, clock: any AssessmentClock = SystemClock(),
        configure: @Sendable (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        var configuration = ServiceConfiguration(database: database.location, base: "https://campus.test", demo: true)
        configuration.passwordCost = .testing
        configure(&configuration)
        let site = try await Site(
            configuration: configuration, database: database, keys: keys, logger: TestDatabase.logger, clock: clock)
        let bootstrap = try await CampusServer.prepare(site: site)
        var passwords: [String: String] = [:]
        for account in bootstrap.createdAccounts { passwords[account.login] = account.password }
        let frozen = passwords
        let application = CampusServer.application(site: site, drivesDatabase: false)
        let registry = CampusServer.routes(site: site)
        let declarations = registry.declarations
        let registered = registry.router.routes.map { "\($0.method) \($0.path)" }
        try await application.test(.router) { client in
            try await body(
                Harness(
                    client: client, site: site, declarations: declarations, registeredRoutes: registered,
                    passwords: frozen))
        }
    }

    /// A signed-in browser-like session: its cookies and CSRF token.
    struct Browser: Sendable {
        var cookies: [String: String] = [:]
        var csrf: String?

        var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

        mutating func absorb(_ response: TestResponse) {
            for field in response.headers where field.name == .setCookie {
                let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                if pair[1].isEmpty {
                    cookies[String(pair[0])] = nil
                } else {
                    cookies[String(pair[0])] = String(pair[1])
                }
            }
            let body = String(buffer: response.body)
            if let range = body.range(of: "name=\"_csrf\" value=\"") {
                csrf = String(body[range.upperBound...].prefix(64))
            }
        }
    }

    /// Sends a request as `browser` and takes its cookies and CSRF token from the answer.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as browser: inout Browser, form: [String: String]? = nil,
        headers extra: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> TestResponse {
        var headers = extra
        if !browser.cookies.isEmpty { headers[.cookie] = browser.cookieHeader }
        var payload = body
        if var form {
            if form["_csrf"] == nil, let csrf = browser.csrf { form["_csrf"] = csrf }
            headers[.contentType] = "application/x-www-form-urlencoded"
            payload = ByteBuffer(string: Self.encode(form))
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: payload)
        browser.absorb(response)
        return response
    }

    /// A browser signed in as `login` (with its start password; admin also replaces its one-time password).
    func signIn(_ login: String) async throws -> Browser {
        var browser = Browser()
        try await send(.get, "/login", as: &browser)
        let password = try #require(passwords[login], "no password for \(login)")
        let response = try await send(.post, "/login", as: &browser, form: ["login": login, "password": password])
        #expect(response.status == .seeOther, "sign-in of \(login) failed: \(response.status)")
        if response.headers[.location] == "/account/password" {
            try await send(.get, "/account/password", as: &browser)
            let changed = try await send(
                .post, "/account/password", as: &browser,
                form: ["current": password, "new": "ein-neues-passwort-1", "repeat": "ein-neues-passwort-1"])
            #expect(changed.status == .seeOther)
        }
        try await send(.get, "/account", as: &browser)
        return browser
    }

    static func encode(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")="
                + ($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.sorted().joined(separator: "&")
    }
}

/// A clock the test moves by hand, so that deadlines pass without waiting.
final class SettableClock: AssessmentClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date()) { current = start }

    func now() -> Date { lock.withLock { current } }

    /// Moves the clock on by `seconds`.
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}
