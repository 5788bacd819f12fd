import CampusCrypto
import Foundation
import SQLKit

/// A signed-in session: stored by the SHA-256 of its id, so a copy of the database holds no usable session.
public struct Session: Sendable, Equatable {
    /// The account signed in.
    public let accountID: String
    /// The token every form of this session must carry.
    public let csrfToken: String
    /// When the session ends, in seconds since 1970.
    public let expiresAt: Int64
}

/// Sessions, personal API tokens and rate-limit counters: all in the database, so any node serves any request.
public struct SessionStore: Sendable {
    let database: CampusDatabase
    /// How long a session lasts without use.
    public static let lifetime: Int64 = 8 * 3600

    /// Starts a session for `accountID`; returns the secret id for the cookie (never stored as such).
    public func create(for accountID: String) async throws -> (id: String, session: Session) {
        let id = try Passwords.randomToken()
        let session = Session(
            accountID: accountID, csrfToken: try Passwords.randomToken(), expiresAt: Clock.now() + Self.lifetime)
        try await database.write { connection in
            try await connection.raw("DELETE FROM sessions WHERE expires_at < \(bind: Clock.now())").run()
            try await connection.raw(
                """
                INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: Passwords.storedDigest(of: id)), \(bind: accountID), \(bind: session.csrfToken),
                        \(bind: Clock.now()), \(bind: session.expiresAt))
                """
            ).run()
        }
        return (id, session)
    }

    /// The live session with the secret `id` and its account with its role grants, in one query; `nil` when the
    /// session is unknown or expired (the caller checks that the account is active).
    public func signedIn(id: String) async throws -> (session: Session, account: Account)? {
        guard id.utf8.count == 64 else { return nil }
        let rows = try await database.frequentRead(
            SessionAccount.self, [Passwords.storedDigest(of: id), String(Clock.now())])
        guard let first = rows.first else { return nil }
        let session = Session(
            accountID: try first.decode(column: "account_id", as: String.self),
            csrfToken: try first.decode(column: "csrf_token", as: String.self),
            expiresAt: try first.decode(column: "expires_at", as: Int64.self))
        return (session, try AccountStore.account(first, grants: try Self.grants(rows)))
    }

    /// A live session with its account and role grants (a row per grant).
    enum SessionAccount: FrequentRead {
        static let sql = """
            SELECT sessions.account_id, sessions.csrf_token, sessions.expires_at, accounts.id, accounts.login,
                accounts.display_name, accounts.must_change_password, accounts.active, accounts.language,
                account_roles.role AS grant_role, account_roles.organisation_id AS grant_organisation
            FROM sessions JOIN accounts ON accounts.id = sessions.account_id
            LEFT JOIN account_roles ON account_roles.account_id = accounts.id
            WHERE sessions.id_hash = $1 AND sessions.expires_at >= CAST($2 AS BIGINT)
            ORDER BY account_roles.role, account_roles.organisation_id
            """
    }

    /// The role grants of rows with `grant_role` and `grant_organisation` (NULL when the account has none).
    static func grants(_ rows: [any SQLRow]) throws -> [RoleGrant] {
        try rows.compactMap { row -> RoleGrant? in
            guard let text = try row.decode(column: "grant_role", as: String?.self), let role = Role(rawValue: text)
            else { return nil }
            return RoleGrant(role, organisation: try row.decode(column: "grant_organisation", as: String.self))
        }
    }

    /// Ends the session with the secret `id`.
    public func delete(id: String) async throws {
        try await database.write { connection in
            try await connection.raw("DELETE FROM sessions WHERE id_hash = \(bind: Passwords.storedDigest(of: id))")
                .run()
        }
    }

    /// Makes a personal API token named `name` for the account; returns the secret (shown once, stored hashed).
    public func createToken(for account: Account, name: String) async throws -> String {
        let token = "kc_" + (try Passwords.randomToken())
        try await database.write { connection in
            try await connection.raw(
                """
                INSERT INTO api_tokens (token_hash, account_id, name, created_at)
                VALUES (\(bind: Passwords.storedDigest(of: token)), \(bind: account.id), \(bind: name), \(bind: Clock.now()))
                """
            ).run()
            try await database.audit.append(
                actor: account.login, action: "token.create", target: account.login, details: name, in: connection)
        }
        return token
    }

    /// The account id a personal API token belongs to, or `nil`.
    public func accountID(forToken token: String) async throws -> String? {
        guard token.hasPrefix("kc_"), token.utf8.count == 67 else { return nil }
        return try await database.read { connection in
            try await connection.raw(
                "SELECT account_id FROM api_tokens WHERE token_hash = \(bind: Passwords.storedDigest(of: token))"
            ).first()?.decode(column: "account_id", as: String.self)
        }
    }

    /// The account of API token `token` with its role grants, in one query; `nil` when the token is unknown or
    /// withdrawn (the caller checks that the account is active).
    public func account(forToken token: String) async throws -> Account? {
        guard token.hasPrefix("kc_"), token.utf8.count == 67 else { return nil }
        let rows = try await database.frequentRead(TokenAccount.self, [Passwords.storedDigest(of: token)])
        guard let first = rows.first else { return nil }
        return try AccountStore.account(first, grants: try Self.grants(rows))
    }

    /// The account of an API token with its role grants (a row per grant). The columns are named: a prepared
    /// statement must not change its result when a migration adds a column.
    enum TokenAccount: FrequentRead {
        static let sql = """
            SELECT accounts.id, accounts.login, accounts.display_name, accounts.must_change_password, accounts.active,
                accounts.language, account_roles.role AS grant_role, account_roles.organisation_id AS grant_organisation
            FROM api_tokens JOIN accounts ON accounts.id = api_tokens.account_id
            LEFT JOIN account_roles ON account_roles.account_id = accounts.id
            WHERE api_tokens.token_hash = $1
            ORDER BY account_roles.role, account_roles.organisation_id
            """
    }

    /// The names and creation times of the account's tokens.
    public func tokens(of account: Account) async throws -> [(name: String, created: Int64)] {
        try await database.read { connection in
            try await connection.raw(
                "SELECT name, created_at FROM api_tokens WHERE account_id = \(bind: account.id) ORDER BY created_at"
            ).all().map {
                (try $0.decode(column: "name", as: String.self), try $0.decode(column: "created_at", as: Int64.self))
            }
        }
    }

    /// Counts one hit on `bucket` in a fixed window of `window` seconds and says whether the hit stays within
    /// `limit`. The counter lives in the database, so the limit holds across nodes.
    public func hit(_ bucket: String, limit: Int64, window: Int64) async throws -> Bool {
        let now = Clock.now()
        let windowStart = now - now % max(window, 1)
        return try await database.write { connection in
            let row = try await connection.raw(
                """
                INSERT INTO rate_limits (bucket, window_start, hits) VALUES (\(bind: bucket), \(bind: windowStart), 1)
                ON CONFLICT (bucket) DO UPDATE SET
                    hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END,
                    window_start = excluded.window_start
                RETURNING hits
                """
            ).first()
            return try (row?.decode(column: "hits", as: Int64.self) ?? 1) <= limit
        }
    }

    /// Clears a rate-limit bucket (after a successful sign-in).
    public func reset(_ bucket: String) async throws {
        try await database.write { connection in
            try await connection.raw("DELETE FROM rate_limits WHERE bucket = \(bind: bucket)").run()
        }
    }
}

extension CampusDatabase {
    /// Sessions, API tokens and rate limits of this database.
    public var sessions: SessionStore { SessionStore(database: self) }
}
