import CampusCrypto
import Foundation
import SQLKit
import Storage

/// What `campus serve --demo` adds on its first start: two provider organisations and one account per role.
enum DemoData {
    /// The demo's provider organisation.
    static let organisation = Organisation(id: "demo-akademie", name: "Demo-Akademie Verwaltungsdigitalisierung")
    /// The demo's reviewer of the quality board (who approved the sample banks).
    static let reviewer = "gutachter"
    /// A second organisation, to show that providers see only their own.
    static let otherOrganisation = Organisation(id: "ihk-beispiel", name: "IHK Beispielstadt")

    /// Makes the demo organisations and accounts; returns their logins and passwords (printed once at start).
    static func accounts(
        store: AccountStore, database: CampusDatabase, in connection: any SQLDatabase
    ) async throws -> [(login: String, password: String, roles: String)] {
        try await database.organisations.create(organisation, actor: "system", in: connection)
        try await database.organisations.create(otherOrganisation, actor: "system", in: connection)
        let people: [(String, String, [RoleGrant])] = [
            ("anbieter", "Petra Anbieter", [RoleGrant(.provider, organisation: organisation.id)]),
            ("ihk-anbieter", "Ingo Kammer", [RoleGrant(.provider, organisation: otherOrganisation.id)]),
            ("gutachter", "Gabi Gutachter", [RoleGrant(.reviewer, organisation: organisation.id)]),
            ("aufsicht", "Otto Aufsicht", [RoleGrant(.proctor, organisation: organisation.id)]),
            ("lernende", "Lena Lernende", [RoleGrant(.learner, organisation: organisation.id)]),
        ]
        var made: [(login: String, password: String, roles: String)] = []
        for (login, name, grants) in people {
            let password = try Passwords.randomToken(byteCount: 6)
            _ = try await store.create(
                login: login, displayName: name, password: password, grants: grants, mustChangePassword: false,
                actor: "system", in: connection)
            made.append(
                (login, password, grants.map { "\($0.role.rawValue)@\($0.organisation)" }.joined(separator: ", ")))
        }
        return made
    }
}
