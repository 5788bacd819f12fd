import Foundation
import Storage
import TestSupport
import Testing

@Suite("campus audit verify")
struct AuditCommandTests {
    /// The `--database` argument for `location`: the SQLite file's path, or the PostgreSQL URL.
    static func argument(_ location: DatabaseLocation) -> String {
        switch location {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    @Test(
        "an intact log exits 0; a row changed in the database exits 1 naming that row",
        arguments: DatabaseKind.allCases)
    func intactThenBroken(kind: DatabaseKind) async throws {
        let location = try await TestDatabase.make(kind)
        defer { TestDatabase.discard(location) }
        try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { database in
            try await database.migrate()
            try await database.audit.append(actor: "system", action: "organisation.create", target: "demo-akademie")
            try await database.audit.append(actor: "admin", action: "account.create", target: "nora")
            try await database.audit.append(actor: "admin", action: "account.deactivate", target: "nora")
        }
        let intact = try Campus.run(["audit", "verify", "--database", Self.argument(location)])
        #expect(intact.status == 0, "\(intact.stdout)\(intact.stderr)")
        #expect(intact.lines.count == 1)
        #expect(intact.stdout.hasPrefix("audit log intact: 3 rows checked ("), "\(intact.stdout)")

        try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { database in
            try await database.execute("UPDATE audit_log SET details = 'roles: admin' WHERE seq = 2")
        }
        let broken = try Campus.run(["audit", "verify", "--database", Self.argument(location)])
        #expect(broken.status == 1, "\(broken.stdout)\(broken.stderr)")
        #expect(broken.stdout.hasPrefix("audit log broken at row 2: "), "\(broken.stdout)")
        #expect(broken.stdout.contains("changed"))
    }

    @Test("a missing database file exits 2 and says so")
    func missingFile() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nicht-da.sqlite").path
        let output = try Campus.run(["audit", "verify", "--database", path])
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(path))
        #expect(!FileManager.default.fileExists(atPath: path), "verify must not create a database")
    }
}
