import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

@Suite("Administration: accounts, organisations, keys, audit log")
struct AdminRoutesTests {
    @Test(
        "an admin creates an account whose one-time password signs in once and must be changed",
        arguments: DatabaseKind.allCases)
    func createAccount(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            let list = try await harness.send(.get, "/admin/accounts", as: &admin)
            #expect(list.status == .ok)
            #expect(String(buffer: list.body).contains("name=\"grant:learner:demo-akademie\""))
            let created = try await harness.send(
                .post, "/admin/accounts", as: &admin,
                form: ["login": "nora@example.de", "display_name": "Nora Neu", "grant:learner:demo-akademie": "on"])
            #expect(created.status == .ok)
            let password = try Self.oneTimePassword(in: created)

            var nora = Harness.Browser()
            try await harness.send(.get, "/login", as: &nora)
            let signIn = try await harness.send(
                .post, "/login", as: &nora, form: ["login": "nora@example.de", "password": password])
            #expect(signIn.headers[.location] == "/account/password")
            let elsewhere = try await harness.send(.get, "/account", as: &nora)
            #expect(elsewhere.headers[.location] == "/account/password")
            try await harness.send(.get, "/account/password", as: &nora)
            let changed = try await harness.send(
                .post, "/account/password", as: &nora,
                form: ["current": password, "new": "noras-passwort-1", "repeat": "noras-passwort-1"])
            #expect(changed.status == .seeOther)
            let me = try Self.object(try await harness.send(.get, "/api/v1/me", as: &nora))
            #expect(me["mustChangePassword"] as? Bool == false)
            #expect(Self.roles(me) == ["learner@demo-akademie"])

            // A taken login and an account without roles are refused on the form, which keeps what was typed.
            let taken = try await harness.send(
                .post, "/admin/accounts", as: &admin,
                form: ["login": "lernende", "display_name": "Doppelt", "admin": "on"])
            #expect(taken.status == .unprocessableContent)
            #expect(String(buffer: taken.body).contains("role=\"alert\""))
            #expect(String(buffer: taken.body).contains("value=\"Doppelt\""))
            let roleless = try await harness.send(
                .post, "/admin/accounts", as: &admin, form: ["login": "ohne-rolle", "display_name": "Ohne Rolle"])
            #expect(roleless.status == .unprocessableContent)
            #expect(try await harness.site.database.accounts.find(login: "ohne-rolle") == nil)

            let audit = try await harness.site.database.audit.entries(.init(actor: "admin", action: "account.create"))
            #expect(audit.map(\.target) == ["nora@example.de"])
            #expect(audit.first?.details == "roles: learner@demo-akademie")
        }
    }

    @Test(
        "a learner made provider of demo-akademie has that role on the next request", arguments: DatabaseKind.allCases)
    func editRoles(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            var learner = try await harness.signIn("lernende")
            #expect(
                Self.roles(try Self.object(try await harness.send(.get, "/api/v1/me", as: &learner))) == [
                    "learner@demo-akademie"
                ])
            let page = try await harness.send(.get, "/admin/accounts/lernende", as: &admin)
            #expect(page.status == .ok)
            #expect(
                String(buffer: page.body).contains(
                    "id=\"grant-learner-demo-akademie\" name=\"grant:learner:demo-akademie\" value=\"on\" checked"))
            let saved = try await harness.send(
                .post, "/admin/accounts/lernende/roles", as: &admin,
                form: ["grant:provider:demo-akademie": "on", "grant:learner:demo-akademie": "on"])
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/admin/accounts/lernende?done=roles")
            let me = try Self.object(try await harness.send(.get, "/api/v1/me", as: &learner))
            #expect(Self.roles(me) == ["learner@demo-akademie", "provider@demo-akademie"])
            let audit = try await harness.site.database.audit.entries(
                .init(action: "account.roles", target: "lernende"))
            #expect(audit.count == 1)
            #expect(audit.first?.actor == "admin")
        }
    }

    @Test(
        "a deactivated account cannot sign in and its API tokens stop working; activated it signs in again",
        arguments: DatabaseKind.allCases)
    func deactivate(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            var learner = try await harness.signIn("lernende")
            let token = try await Self.apiToken(harness, &learner)
            let before = try await harness.client.execute(
                uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(before.status == .ok)

            try await harness.send(.get, "/admin/accounts/lernende", as: &admin)
            let deactivated = try await harness.send(
                .post, "/admin/accounts/lernende/deactivate", as: &admin, form: [:])
            #expect(deactivated.headers[.location] == "/admin/accounts/lernende?done=deactivated")
            let after = try await harness.client.execute(
                uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(after.status == .unauthorized)
            let session = try await harness.send(.get, "/account", as: &learner)
            #expect(session.headers[.location]?.hasPrefix("/login") == true)
            var again = Harness.Browser()
            try await harness.send(.get, "/login", as: &again)
            let password = try #require(harness.passwords["lernende"])
            let refused = try await harness.send(
                .post, "/login", as: &again, form: ["login": "lernende", "password": password])
            #expect(refused.status == .unprocessableContent)
            let list = String(buffer: try await harness.send(.get, "/admin/accounts", as: &admin).body)
            #expect(list.contains("<span class=\"status-revoked\">gesperrt</span>"))

            let activated = try await harness.send(.post, "/admin/accounts/lernende/activate", as: &admin, form: [:])
            #expect(activated.headers[.location] == "/admin/accounts/lernende?done=activated")
            let allowed = try await harness.send(
                .post, "/login", as: &again, form: ["login": "lernende", "password": password])
            #expect(allowed.status == .seeOther)
            let actions = try await harness.site.database.audit.entries(.init(actor: "admin", target: "lernende"))
            #expect(actions.map(\.action) == ["account.activate", "account.deactivate"])
        }
    }

    @Test(
        "an admin cannot deactivate their own account, drop its admin role or reset its password here",
        arguments: DatabaseKind.allCases)
    func ownAccount(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            let page = String(buffer: try await harness.send(.get, "/admin/accounts/admin", as: &admin).body)
            #expect(page.contains("id=\"own-account\""))
            #expect(!page.contains("/admin/accounts/admin/deactivate"))
            let deactivate = try await harness.send(.post, "/admin/accounts/admin/deactivate", as: &admin, form: [:])
            #expect(deactivate.status == .unprocessableContent)
            #expect(String(buffer: deactivate.body).contains("Sie können Ihr eigenes Konto nicht sperren"))
            let roles = try await harness.send(
                .post, "/admin/accounts/admin/roles", as: &admin, form: ["grant:provider:demo-akademie": "on"])
            #expect(roles.status == .unprocessableContent)
            #expect(String(buffer: roles.body).contains("die Administration nicht entziehen"))
            let reset = try await harness.send(.post, "/admin/accounts/admin/password", as: &admin, form: [:])
            #expect(reset.status == .unprocessableContent)
            let account = try #require(try await harness.site.database.accounts.find(login: "admin"))
            #expect(account.active && account.has(.admin) && !account.has(.provider))
            #expect(try await Self.object(harness.send(.get, "/api/v1/me", as: &admin))["login"] as? String == "admin")
            let changes = try await harness.site.database.audit.entries(.init(actor: "admin", target: "admin"))
            #expect(!changes.contains { $0.action.hasPrefix("account.") && $0.action != "account.password.change" })
        }
    }

    @Test(
        "a password reset shows a new one-time password once, ends the old one and is audited",
        arguments: DatabaseKind.allCases)
    func resetPassword(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            var provider = try await harness.signIn("anbieter")
            try await harness.send(.get, "/admin/accounts/anbieter", as: &admin)
            let reset = try await harness.send(.post, "/admin/accounts/anbieter/password", as: &admin, form: [:])
            #expect(reset.status == .ok)
            let password = try Self.oneTimePassword(in: reset)
            let ended = try await harness.send(.get, "/account", as: &provider)
            #expect(ended.headers[.location]?.hasPrefix("/login") == true)
            var browser = Harness.Browser()
            try await harness.send(.get, "/login", as: &browser)
            let old = try await harness.send(
                .post, "/login", as: &browser,
                form: ["login": "anbieter", "password": harness.passwords["anbieter"] ?? ""])
            #expect(old.status == .unprocessableContent)
            let new = try await harness.send(
                .post, "/login", as: &browser, form: ["login": "anbieter", "password": password])
            #expect(new.headers[.location] == "/account/password")
            let audit = try await harness.site.database.audit.entries(.init(action: "account.password.reset"))
            #expect(audit.map(\.target) == ["anbieter"])
            #expect(audit.allSatisfy { !$0.details.contains(password) })
        }
    }

    @Test("organisations are created on the page and by the API, and listed", arguments: DatabaseKind.allCases)
    func organisations(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            try await harness.send(.get, "/admin/organisations", as: &admin)
            let created = try await harness.send(
                .post, "/admin/organisations", as: &admin, form: ["id": "hs-harz", "name": "Hochschule Harz"])
            #expect(created.status == .ok)
            #expect(String(buffer: created.body).contains("<code>hs-harz</code>"))
            let twice = try await harness.send(
                .post, "/admin/organisations", as: &admin, form: ["id": "hs-harz", "name": "Noch einmal"])
            #expect(twice.status == .unprocessableContent)
            let bad = try await harness.send(
                .post, "/admin/organisations", as: &admin, form: ["id": "Groß Buchstaben", "name": "X"])
            #expect(bad.status == .unprocessableContent)

            let token = try await Self.apiToken(harness, &admin)
            let posted = try await harness.client.execute(
                uri: "/api/v1/organisations", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"id": "ihk-nord", "name": "IHK Nord"}"#))
            #expect(posted.status == .created)
            let listed = try await harness.client.execute(
                uri: "/api/v1/organisations", method: .get, headers: [.authorization: "Bearer \(token)"])
            let ids = (try Self.object(listed)["organisations"] as? [[String: Any]] ?? []).compactMap {
                $0["id"] as? String
            }
            #expect(Set(ids) == ["demo-akademie", "ihk-beispiel", "hs-harz", "ihk-nord"])
            let audit = try await harness.site.database.audit.entries(
                .init(actor: "admin", action: "organisation.create"))
            #expect(audit.map(\.target) == ["ihk-nord", "hs-harz"])
            // The new organisation is offered for roles.
            let accounts = String(buffer: try await harness.send(.get, "/admin/accounts", as: &admin).body)
            #expect(accounts.contains("name=\"grant:provider:hs-harz\""))
        }
    }

    @Test(
        "the accounts API lists without password hashes and creates with a one-time password; others are refused",
        arguments: DatabaseKind.allCases)
    func accountsAPI(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            let token = try await Self.apiToken(harness, &admin)
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let created = try await harness.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: headers,
                body: ByteBuffer(
                    string: #"{"login": "pia", "displayName": "Pia Prüfer", "roles": "#
                        + #"[{"role": "reviewer", "organisation": "ihk-beispiel"}]}"#))
            #expect(created.status == .created)
            let answer = try Self.object(created)
            let password = try #require(answer["oneTimePassword"] as? String)
            #expect(password.count >= 12)
            let account = try #require(answer["account"] as? [String: Any])
            #expect(account["login"] as? String == "pia")
            #expect(account["mustChangePassword"] as? Bool == true)
            #expect(Self.roles(account) == ["reviewer@ihk-beispiel"])
            var pia = Harness.Browser()
            try await harness.send(.get, "/login", as: &pia)
            let signIn = try await harness.send(
                .post, "/login", as: &pia, form: ["login": "pia", "password": password])
            #expect(signIn.headers[.location] == "/account/password")

            let unknownRole = try await harness.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"login": "x1", "displayName": "X", "roles": [{"role": "kaiser"}]}"#))
            #expect(unknownRole.status == .unprocessableContent)
            #expect(String(buffer: unknownRole.body).contains("\"field\":\"roles\""))
            let unknownOrganisation = try await harness.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: headers,
                body: ByteBuffer(
                    string: #"{"login": "x2", "displayName": "X", "roles": "#
                        + #"[{"role": "learner", "organisation": "nirgends"}]}"#))
            #expect(unknownOrganisation.status == .unprocessableContent)
            let garbage = try await harness.client.execute(
                uri: "/api/v1/accounts", method: .post, headers: headers, body: ByteBuffer(string: "{"))
            #expect(garbage.status == .unprocessableContent)

            let list = try await harness.client.execute(uri: "/api/v1/accounts", method: .get, headers: headers)
            #expect(list.status == .ok)
            let text = String(buffer: list.body)
            #expect(!text.contains("argon2") && !text.contains("password_hash") && !text.contains(password))
            let logins = (try Self.object(list)["accounts"] as? [[String: Any]] ?? []).compactMap {
                $0["login"] as? String
            }
            #expect(logins.contains("pia") && logins.contains("admin") && !logins.contains("x1"))

            var learner = try await harness.signIn("lernende")
            let learnerToken = try await Self.apiToken(harness, &learner)
            let refused = try await harness.client.execute(
                uri: "/api/v1/accounts", method: .get, headers: [.authorization: "Bearer \(learnerToken)"])
            #expect(refused.status == .forbidden)
        }
    }

    @Test("the audit log filters by actor, action and target, newest first", arguments: DatabaseKind.allCases)
    func auditFilter(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            let token = try await Self.apiToken(harness, &admin)
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            func entries(_ query: String) async throws -> [[String: Any]] {
                let response = try await harness.client.execute(
                    uri: "/api/v1/audit?\(query)", method: .get, headers: headers)
                #expect(response.status == .ok)
                return try Self.object(response)["entries"] as? [[String: Any]] ?? []
            }
            let organisations = try await entries("actor=system&action=organisation.create")
            #expect(organisations.compactMap { $0["target"] as? String } == ["ihk-beispiel", "demo-akademie"])
            let aboutProvider = try await entries("target=anbieter")
            #expect(aboutProvider.compactMap { $0["action"] as? String }.contains("account.create"))
            #expect(aboutProvider.allSatisfy { $0["target"] as? String == "anbieter" })
            let byAdmin = try await entries("actor=admin")
            #expect(!byAdmin.isEmpty && byAdmin.allSatisfy { $0["actor"] as? String == "admin" })
            let sequence = byAdmin.compactMap { $0["seq"] as? Int }
            #expect(sequence == sequence.sorted(by: >))
            #expect(try await entries("limit=1").count == 1)
            let all = try await harness.client.execute(uri: "/api/v1/audit", method: .get, headers: headers)
            let chain = try #require(try Self.object(all)["chain"] as? [String: Any])
            #expect(chain["state"] as? String == "intact")
            #expect((chain["rows"] as? Int ?? 0) >= 8)
            for bad in ["limit=0", "limit=1001", "limit=viele"] {
                let refused = try await harness.client.execute(
                    uri: "/api/v1/audit?\(bad)", method: .get, headers: headers)
                #expect(refused.status == .unprocessableContent, "\(bad)")
            }

            let page = String(
                buffer: try await harness.send(.get, "/admin/audit?action=organisation.create", as: &admin).body)
            #expect(page.contains("<td>demo-akademie</td>") && page.contains("<td>ihk-beispiel</td>"))
            #expect(!page.contains("<code>account.create</code>"))
            #expect(page.contains("data-state=\"intact\""))
            #expect(page.contains("value=\"organisation.create\""))
        }
    }

    @Test(
        "the audit page and API show the chain broken after a row is changed in the database",
        arguments: DatabaseKind.allCases)
    func auditBroken(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var admin = try await harness.signIn("admin")
            try await harness.site.database.execute("UPDATE audit_log SET details = 'verändert' WHERE seq = 2")
            let page = try await harness.send(.get, "/admin/audit", as: &admin)
            let body = String(buffer: page.body)
            #expect(body.contains("data-state=\"broken\""))
            #expect(body.contains("Protokoll beschädigt ab Zeile 2:"))
            let api = try await harness.send(.get, "/api/v1/audit", as: &admin)
            let chain = try #require(try Self.object(api)["chain"] as? [String: Any])
            #expect(chain["state"] as? String == "broken")
            #expect(chain["row"] as? Int == 2)
        }
    }

    @Test("the keys page shows the issuer certificate in use and how long it remains valid")
    func keys() async throws {
        try await Harness.with(.sqlite) { harness in
            var admin = try await harness.signIn("admin")
            let identity = harness.site.keys.identity
            let page = try await harness.send(.get, "/admin/keys", as: &admin)
            #expect(page.status == .ok)
            let body = String(buffer: page.body)
            #expect(body.contains("<dd id=\"key-subject\">\(identity.subjectName)</dd>"))
            #expect(identity.subjectName == "KommunalCampus Demo-Zertifikatsstelle")
            let notAfter = try #require(identity.notAfter)
            let date = AccountRoutes.dateText(Int64(notAfter.timeIntervalSince1970))
            #expect(body.contains("<dd id=\"key-not-after\">\(date)</dd>"))
            #expect(body.contains(identity.keyID))
            #expect(!identity.serialNumber.isEmpty && body.contains(identity.serialNumber))
            #expect(body.contains("data-state=\"valid\""))
            #expect(!body.contains("id=\"key-warning\""))
            let overview = String(buffer: try await harness.send(.get, "/admin", as: &admin).body)
            #expect(overview.contains("id=\"count-accounts\">6<"))
            #expect(overview.contains("id=\"count-organisations\">2<"))
        }
    }

    @Test("the issuer certificate is flagged under 30 days, expired, or not yet valid")
    func keyValidity() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day: TimeInterval = 86_400
        let start = now.addingTimeInterval(-100 * day)
        #expect(AdminRoutes.validity(of: start, now.addingTimeInterval(200 * day), now: now).state == .valid)
        #expect(AdminRoutes.validity(of: start, now.addingTimeInterval(30 * day + 60), now: now).state == .valid)
        let soon = AdminRoutes.validity(of: start, now.addingTimeInterval(29 * day + 60), now: now)
        #expect(soon == .init(daysLeft: 29, state: .expiresSoon))
        #expect(AdminRoutes.validity(of: start, now.addingTimeInterval(-1), now: now).state == .expired)
        let future = now.addingTimeInterval(day)
        #expect(AdminRoutes.validity(of: future, now.addingTimeInterval(400 * day), now: now).state == .notYetValid)
        #expect(AdminRoutes.validity(of: nil, nil, now: now).state == .unknown)
    }

    // MARK: - Helpers

    static func oneTimePassword(in response: TestResponse) throws -> String {
        let body = String(buffer: response.body)
        let start = try #require(body.range(of: "<code id=\"one-time-password\">"), "no one-time password shown")
        let rest = body[start.upperBound...]
        let end = try #require(rest.firstIndex(of: "<"))
        return String(rest[..<end])
    }

    static func apiToken(_ harness: Harness, _ browser: inout Harness.Browser) async throws -> String {
        let page = try await harness.send(.post, "/account/tokens", as: &browser, form: ["name": "Test"])
        let body = String(buffer: page.body)
        let start = try #require(body.range(of: "<code id=\"new-token\">"))
        return String(body[start.upperBound...].prefix(67))
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        let data = Data(String(buffer: response.body).utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object")
    }

    /// `role@organisation` of an account's `roles`, sorted.
    static func roles(_ account: [String: Any]) -> [String] {
        (account["roles"] as? [[String: Any]] ?? []).map { grant in
            let organisation = grant["organisation"] as? String ?? ""
            return organisation.isEmpty ? "\(grant["role"] ?? "")" : "\(grant["role"] ?? "")@\(organisation)"
        }.sorted()
    }
}
