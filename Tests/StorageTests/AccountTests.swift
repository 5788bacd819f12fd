import Foundation
import Storage
import TestSupport
import Testing

@Suite("Accounts and sessions")
struct AccountTests {
    @Test("accounts sign in with their password only; a deactivated one not at all", arguments: DatabaseKind.allCases)
    func signIn(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            var store = database.accounts
            store.cost = .testing
            let account = try await database.write { connection in
                try await database.organisations.create(
                    .init(id: "hs-harz", name: "Hochschule Harz"), actor: "system", in: connection)
                return try await store.create(
                    login: "anna@example.de", displayName: "Anna", password: "richtig-lang-1",
                    grants: [.init(.provider, organisation: "hs-harz")],
                    mustChangePassword: true, actor: "system", in: connection)
            }
            #expect(try await store.authenticate(login: "anna@example.de", password: "falsch") == nil)
            let signedIn = try #require(
                try await store.authenticate(login: "anna@example.de", password: "richtig-lang-1"))
            #expect(signedIn.id == account.id)
            #expect(signedIn.mustChangePassword)
            #expect(signedIn.organisations(for: .provider) == ["hs-harz"])
            try await store.setActive(false, of: account, actor: "admin")
            #expect(try await store.authenticate(login: "anna@example.de", password: "richtig-lang-1") == nil)
            let duplicate = await #expect(throws: StorageError.self) {
                try await database.write { connection in
                    try await store.create(
                        login: "anna@example.de", displayName: "B", password: "x-y-z-1234", grants: [],
                        mustChangePassword: false,
                        actor: "system", in: connection)
                }
            }
            #expect(duplicate?.code == .conflict)
            #expect(try await database.audit.verify() == .intact(rows: 3))
        }
    }

    @Test("a session is found by its secret id only, and stored hashed", arguments: DatabaseKind.allCases)
    func sessions(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            var store = database.accounts
            store.cost = .testing
            let account = try await database.write { connection in
                try await store.create(
                    login: "admin", displayName: "Admin", password: "pw-pw-pw-pw", grants: [.init(.admin)],
                    mustChangePassword: false,
                    actor: "system", in: connection)
            }
            let (id, session) = try await database.sessions.create(for: account.id)
            // Session and account in one (prepared, on PostgreSQL) query: twice, so a prepared statement is reused.
            for _ in 0..<2 {
                let signedIn = try #require(try await database.sessions.signedIn(id: id))
                #expect(signedIn.session == session)
                #expect(signedIn.account == account)
            }
            #expect(try await database.sessions.signedIn(id: String(repeating: "0", count: 64)) == nil)
            let token = try await database.sessions.createToken(for: account, name: "t")
            #expect(try await database.sessions.account(forToken: token) == account)
            try await database.read { connection in
                try await connection.raw("UPDATE sessions SET expires_at = \(bind: Clock.now() - 1)").run()
            }
            #expect(try await database.sessions.signedIn(id: id) == nil, "an expired session still signs in")
            let stored = try await database.read { connection in
                try await connection.raw("SELECT id_hash FROM sessions").all().map {
                    try $0.decode(column: "id_hash", as: String.self)
                }
            }
            #expect(stored.count == 1 && stored[0] != id)
            try await database.sessions.delete(id: id)
            #expect(try await database.sessions.signedIn(id: id) == nil)
        }
    }

    @Test("rate limits count across connections and stop at the limit", arguments: DatabaseKind.allCases)
    func rateLimits(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            var allowed = 0
            for _ in 0..<8 where try await database.sessions.hit("login:anna", limit: 5, window: 3600) {
                allowed += 1
            }
            #expect(allowed == 5)
            try await database.sessions.reset("login:anna")
            #expect(try await database.sessions.hit("login:anna", limit: 5, window: 3600))
        }
    }
}
