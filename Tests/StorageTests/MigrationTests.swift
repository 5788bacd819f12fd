import Foundation
import Storage
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test(
        "a new database is migrated to the latest version, and migrating again does nothing",
        arguments: DatabaseKind.allCases)
    func migratesOnce(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            #expect(try await database.schemaVersion() == nil)
            let applied = try await database.migrate()
            #expect(applied.map(\.version) == CampusDatabase.migrations.map(\.version))
            #expect(try await database.schemaVersion() == CampusDatabase.latestSchemaVersion)
            #expect(try await database.migrate().isEmpty)
        }
    }

    @Test("two nodes starting at once: exactly one applies the migrations", arguments: DatabaseKind.allCases)
    func concurrentStarts(kind: DatabaseKind) async throws {
        let location = try await TestDatabase.make(kind)
        defer { TestDatabase.discard(location) }
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { node in
                        try await node.migrate().count
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(applied.sorted() == [0, 0, 0, CampusDatabase.migrations.count])
    }

    @Test("a database from a newer campus is refused with what to do", arguments: DatabaseKind.allCases)
    func newerSchemaRefused(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await database.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)")
            let error = await #expect(throws: StorageError.self) { try await database.migrate() }
            #expect(error?.code == .newerSchema)
            #expect(error?.reason.contains("newer than this campus knows") == true)
        }
    }

    @Test("SQLite runs with WAL, foreign keys and full sync")
    func sqlitePragmas() async throws {
        try await TestDatabase.migrated(.sqlite) { database in
            let values = try await database.read { connection in
                (
                    try await connection.raw("PRAGMA journal_mode").first()?.decode(
                        column: "journal_mode", as: String.self),
                    try await connection.raw("PRAGMA foreign_keys").first()?.decode(
                        column: "foreign_keys", as: Int.self),
                    try await connection.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                )
            }
            #expect(values.0 == "wal")
            #expect(values.1 == 1)
            #expect(values.2 == 2)
        }
    }

    @Test("database addresses are read, and passwords never shown")
    func locations() throws {
        #expect(try DatabaseLocation.parse(nil, dataDirectory: "data") == .sqlite(path: "data/campus.sqlite"))
        #expect(
            try DatabaseLocation.parse("sqlite:/tmp/x.sqlite", dataDirectory: "d") == .sqlite(path: "/tmp/x.sqlite"))
        let postgres = try DatabaseLocation.parse("postgres://campus:geheim@db.example:5433/campus", dataDirectory: "d")
        #expect(postgres == .postgres(url: "postgres://campus:geheim@db.example:5433/campus"))
        #expect(!postgres.description.contains("geheim"))
        #expect(throws: StorageError.self) { try DatabaseLocation.parse("mysql://x/y", dataDirectory: "d") }
        #expect(throws: StorageError.self) {
            try DatabaseLocation.parse("postgres://h/db?sslmode=bogus", dataDirectory: "d")
        }
    }
}
