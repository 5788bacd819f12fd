import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import Testing

@testable import Service

@Suite("Sign-in, sessions and security headers")
struct SignInTests {
    @Test(
        "admin signs in with the one-time password and must change it before anything else",
        arguments: DatabaseKind.allCases)
    func oneTimePassword(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = Harness.Browser()
            try await harness.send(.get, "/login", as: &browser)
            let password = try #require(harness.passwords["admin"])
            let signedIn = try await harness.send(
                .post, "/login", as: &browser, form: ["login": "admin", "password": password])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/account/password")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("kc_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"))
            // Every other page sends the account back to the password change.
            let account = try await harness.send(.get, "/account", as: &browser)
            #expect(account.status == .seeOther)
            #expect(account.headers[.location] == "/account/password")
            try await harness.send(.get, "/account/password", as: &browser)
            let weak = try await harness.send(
                .post, "/account/password", as: &browser, form: ["current": password, "new": "kurz", "repeat": "kurz"])
            #expect(weak.status == .unprocessableContent)
            #expect(String(buffer: weak.body).contains("mindestens 10 Zeichen"))
            let changed = try await harness.send(
                .post, "/account/password", as: &browser,
                form: ["current": password, "new": "ein-neues-passwort-1", "repeat": "ein-neues-passwort-1"])
            #expect(changed.status == .seeOther)
            let page = try await harness.send(.get, "/account", as: &browser)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("admin"))
            // The one-time password no longer works.
            var other = Harness.Browser()
            try await harness.send(.get, "/login", as: &other)
            let old = try await harness.send(
                .post, "/login", as: &other, form: ["login": "admin", "password": password])
            #expect(old.status == .unprocessableContent)
            let entries = try await harness.site.database.audit.entries(.init(actor: "admin"))
            #expect(entries.map(\.action).contains("account.password.change"))
        }
    }

    @Test("a form without its CSRF token is refused", arguments: DatabaseKind.allCases)
    func csrf(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let refused = try await harness.send(
                .post, "/account/tokens", as: &browser, form: ["name": "x", "_csrf": String(repeating: "0", count: 64)])
            #expect(refused.status == .forbidden)
            var anonymous = Harness.Browser()
            let login = try await harness.send(
                .post, "/login", as: &anonymous, form: ["login": "anbieter", "password": "egal"])
            #expect(login.status == .forbidden)
        }
    }

    @Test(
        "sign-in is rate-limited per account, across requests, and failures are audited",
        arguments: DatabaseKind.allCases)
    func rateLimit(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = Harness.Browser()
            try await harness.send(.get, "/login", as: &browser)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                let response = try await harness.send(
                    .post, "/login", as: &browser, form: ["login": "anbieter", "password": "falsch-falsch"])
                statuses.append(response.status)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unprocessableContent })
            #expect(statuses.last == .tooManyRequests)
            // Even the right password waits out the window.
            let right = try await harness.send(
                .post, "/login", as: &browser,
                form: ["login": "anbieter", "password": harness.passwords["anbieter"] ?? ""])
            #expect(right.status == .tooManyRequests)
            let failures = try await harness.site.database.audit.entries(.init(action: "login.failed"))
            #expect(failures.count == 5)
        }
    }

    @Test("API tokens authenticate JSON requests; an unknown token is refused", arguments: DatabaseKind.allCases)
    func apiTokens(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browser = try await harness.signIn("anbieter")
            let page = try await harness.send(.post, "/account/tokens", as: &browser, form: ["name": "Skript"])
            let body = String(buffer: page.body)
            let start = try #require(body.range(of: "<code id=\"new-token\">"))
            let token = String(body[start.upperBound...].prefix(67))
            #expect(token.hasPrefix("kc_"))
            let me = try await harness.client.execute(
                uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            #expect(String(buffer: me.body).contains("\"login\":\"anbieter\""))
            #expect(!String(buffer: me.body).contains("argon2"))
            let wrong = try await harness.client.execute(
                uri: "/api/v1/me", method: .get,
                headers: [.authorization: "Bearer kc_\(String(repeating: "a", count: 64))"])
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("\"code\":\"unauthenticated\""))
        }
    }

    @Test("every answer carries the security headers; health and readiness answer")
    func headers() async throws {
        try await Harness.with(.sqlite) { harness in
            let home = try await harness.client.execute(uri: "/", method: .get)
            #expect(home.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(home.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(home.headers[.xContentTypeOptions] == "nosniff")
            let missing = try await harness.client.execute(uri: "/gibt-es-nicht", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.xContentTypeOptions] == "nosniff")
            let ready = try await harness.client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body).contains("\"status\":\"ready\""))
            let healthy = try await harness.client.execute(uri: "/healthz", method: .get)
            #expect(healthy.status == .ok)
        }
    }
}
