import CampusCrypto
import Foundation
import SQLKit

/// What an account may do. Admins act everywhere; the other roles are held per provider organisation.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Accounts, providers, keys, the audit log.
    case admin
    /// Staff of one provider organisation: its banks, courses and certificates.
    case provider
    /// A member of the quality board.
    case reviewer
    /// Supervises final exams.
    case proctor
    /// Takes self-tests and exams.
    case learner

    /// Roles sort in the order declared.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// A role held by an account, in one organisation (empty for admin).
public struct RoleGrant: Sendable, Hashable, Codable {
    /// The role.
    public var role: Role
    /// The provider organisation it applies to; empty for ``Role/admin``.
    public var organisation: String

    /// A grant.
    public init(_ role: Role, organisation: String = "") {
        self.role = role
        self.organisation = organisation
    }
}

/// A person who signs in.
public struct Account: Sendable, Equatable, Codable {
    /// A stable id (random).
    public var id: String
    /// The sign-in name (an e-mail address or a short name), unique.
    public var login: String
    /// The name shown.
    public var displayName: String
    /// Whether the next sign-in must set a new password (one-time passwords).
    public var mustChangePassword: Bool
    /// Whether the account may sign in.
    public var active: Bool
    /// The interface language: `de` or `en`.
    public var language: String
    /// The roles it holds.
    public var grants: [RoleGrant]

    /// Whether the account holds `role` (in any organisation).
    public func has(_ role: Role) -> Bool { grants.contains { $0.role == role } }

    /// The organisations in which the account holds `role`.
    public func organisations(for role: Role) -> [String] {
        grants.filter { $0.role == role }.map(\.organisation).sorted()
    }
}

/// Accounts, their roles and passwords.
public struct AccountStore: Sendable {
    let database: CampusDatabase
    /// The Argon2id cost for new password hashes.
    package var cost: Passwords.Cost = .standard

    /// The longest login accepted.
    public static let maximumLoginLength = 200

    /// Creates an account with `password` (hashed here), the given roles, and writes an audit row.
    public func create(
        login: String, displayName: String, password: String, grants: [RoleGrant], mustChangePassword: Bool,
        language: String = "de", actor: String, in connection: any SQLDatabase
    ) async throws -> Account {
        let login = login.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !login.isEmpty, login.count <= Self.maximumLoginLength,
            !login.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw StorageError(
                .conflict, "a login must be 1 to \(Self.maximumLoginLength) characters, without control characters")
        }
        if try await connection.raw("SELECT id FROM accounts WHERE login = \(bind: login)").first() != nil {
            throw StorageError(.conflict, "the login \(login) is taken; choose another")
        }
        let account = Account(
            id: try Passwords.randomToken(byteCount: 12), login: login, displayName: displayName,
            mustChangePassword: mustChangePassword, active: true, language: language, grants: grants)
        let hash = try Passwords.hash(password, cost: cost)
        try await connection.raw(
            """
            INSERT INTO accounts (id, login, display_name, password_hash, must_change_password, active, language, created_at)
            VALUES (\(bind: account.id), \(bind: login), \(bind: displayName), \(bind: hash),
                    \(bind: mustChangePassword ? 1 : 0), 1, \(bind: language), \(bind: Clock.now()))
            """
        ).run()
        for grant in Set(grants) {
            try await addGrant(grant, to: account.id, in: connection)
        }
        try await database.audit.append(
            actor: actor, action: "account.create", target: login,
            details: "roles: "
                + grants.map { "\($0.role.rawValue)\($0.organisation.isEmpty ? "" : "@\($0.organisation)")" }
                .sorted().joined(separator: ", "), in: connection)
        return account
    }

    /// Adds a role grant (idempotent).
    func addGrant(_ grant: RoleGrant, to accountID: String, in connection: any SQLDatabase) async throws {
        try await connection.raw(
            """
            INSERT INTO account_roles (account_id, role, organisation_id)
            VALUES (\(bind: accountID), \(bind: grant.role.rawValue), \(bind: grant.organisation))
            ON CONFLICT DO NOTHING
            """
        ).run()
    }

    /// Replaces the account's roles with `grants` and audits the change.
    public func setGrants(_ grants: [RoleGrant], of account: Account, actor: String) async throws {
        try await database.write { connection in
            try await connection.raw("DELETE FROM account_roles WHERE account_id = \(bind: account.id)").run()
            for grant in Set(grants) { try await addGrant(grant, to: account.id, in: connection) }
            try await database.audit.append(
                actor: actor, action: "account.roles", target: account.login,
                details: grants.map { "\($0.role.rawValue)\($0.organisation.isEmpty ? "" : "@\($0.organisation)")" }
                    .sorted().joined(separator: ", "), in: connection)
        }
    }

    /// The account with this login, or `nil`.
    public func find(login: String) async throws -> Account? {
        try await database.read { connection in
            guard let row = try await connection.raw("SELECT * FROM accounts WHERE login = \(bind: login)").first()
            else {
                return nil
            }
            return try await Self.account(row, in: connection)
        }
    }

    /// The account with this id, or `nil`.
    public func find(id: String) async throws -> Account? {
        try await database.read { connection in
            try await find(id: id, in: connection)
        }
    }

    func find(id: String, in connection: any SQLDatabase) async throws -> Account? {
        guard let row = try await connection.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first() else {
            return nil
        }
        return try await Self.account(row, in: connection)
    }

    /// Every account, by login.
    public func all() async throws -> [Account] {
        try await database.read { connection in
            var accounts: [Account] = []
            for row in try await connection.raw("SELECT * FROM accounts ORDER BY login").all() {
                accounts.append(try await Self.account(row, in: connection))
            }
            return accounts
        }
    }

    /// The account for `login` when `password` is its password and it is active; `nil` otherwise (which of the
    /// two failed is not told, so that logins cannot be probed).
    public func authenticate(login: String, password: String) async throws -> Account? {
        let stored = try await database.read { connection in
            try await connection.raw("SELECT id, password_hash, active FROM accounts WHERE login = \(bind: login)")
                .first()
        }
        guard let stored else {
            // Spend the same work as a real check, so a missing login does not answer faster.
            _ = try? Passwords.hash(password, cost: cost)
            return nil
        }
        let hash = try stored.decode(column: "password_hash", as: String.self)
        guard Passwords.verify(password, against: hash), try stored.decode(column: "active", as: Int.self) == 1 else {
            return nil
        }
        return try await find(id: try stored.decode(column: "id", as: String.self))
    }

    /// Sets a new password; `oneTime` makes the next sign-in ask for another.
    public func setPassword(_ password: String, of account: Account, oneTime: Bool, actor: String) async throws {
        let hash = try Passwords.hash(password, cost: cost)
        try await database.write { connection in
            try await connection.raw(
                """
                UPDATE accounts SET password_hash = \(bind: hash), must_change_password = \(bind: oneTime ? 1 : 0)
                WHERE id = \(bind: account.id)
                """
            ).run()
            // Other sessions of the account end with a password change.
            try await connection.raw("DELETE FROM sessions WHERE account_id = \(bind: account.id)").run()
            try await database.audit.append(
                actor: actor, action: oneTime ? "account.password.reset" : "account.password.change",
                target: account.login, in: connection)
        }
    }

    /// Activates or deactivates an account (a deactivated account's sessions end).
    public func setActive(_ active: Bool, of account: Account, actor: String) async throws {
        try await database.write { connection in
            try await connection.raw(
                "UPDATE accounts SET active = \(bind: active ? 1 : 0) WHERE id = \(bind: account.id)"
            ).run()
            if !active {
                try await connection.raw("DELETE FROM sessions WHERE account_id = \(bind: account.id)").run()
                try await connection.raw("DELETE FROM api_tokens WHERE account_id = \(bind: account.id)").run()
            }
            try await database.audit.append(
                actor: actor, action: active ? "account.activate" : "account.deactivate", target: account.login,
                in: connection)
        }
    }

    /// Sets the interface language (`de` or `en`).
    public func setLanguage(_ language: String, of account: Account) async throws {
        try await database.write { connection in
            try await connection.raw("UPDATE accounts SET language = \(bind: language) WHERE id = \(bind: account.id)")
                .run()
        }
    }

    /// Whether any account exists.
    public func isEmpty() async throws -> Bool {
        try await database.read { connection in
            try await connection.raw("SELECT id FROM accounts LIMIT 1").first() == nil
        }
    }

    private static func account(_ row: any SQLRow, in connection: any SQLDatabase) async throws -> Account {
        let id = try row.decode(column: "id", as: String.self)
        let grants = try await connection.raw(
            "SELECT role, organisation_id FROM account_roles WHERE account_id = \(bind: id) ORDER BY role, organisation_id"
        ).all().compactMap { grantRow -> RoleGrant? in
            guard let role = Role(rawValue: try grantRow.decode(column: "role", as: String.self)) else { return nil }
            return RoleGrant(role, organisation: try grantRow.decode(column: "organisation_id", as: String.self))
        }
        return try account(row, grants: grants)
    }

    /// The account of an `accounts` row with its `grants`.
    static func account(_ row: any SQLRow, grants: [RoleGrant]) throws -> Account {
        Account(
            id: try row.decode(column: "id", as: String.self), login: try row.decode(column: "login", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            mustChangePassword: try row.decode(column: "must_change_password", as: Int.self) == 1,
            active: try row.decode(column: "active", as: Int.self) == 1,
            language: try row.decode(column: "language", as: String.self), grants: grants)
    }
}

extension CampusDatabase {
    /// The accounts of this database.
    public var accounts: AccountStore { AccountStore(database: self) }
}
