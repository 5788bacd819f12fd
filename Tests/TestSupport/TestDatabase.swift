import Foundation
import Logging
import Storage

/// Throwaway databases for tests: a fresh SQLite file, or a fresh database on the PostgreSQL server named by
/// `CAMPUS_TEST_POSTGRES` (`make test` starts one; see `scripts/with-postgres`).
///
/// The same tests run on both systems (`@Test(arguments: DatabaseKind.allCases)`). PostgreSQL missing is a
/// failure, not a skip, like every outside judge.
public enum TestDatabase {
    /// The environment variable with the URL of a PostgreSQL server tests may create databases on.
    public static let serverVariable = "CAMPUS_TEST_POSTGRES"

    /// Why a test database could not be made.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// A logger that stays quiet in tests.
    public static var logger: Logger {
        var logger = Logger(label: "campus.test")
        logger.logLevel = .critical
        return logger
    }

    /// A new, empty database of `kind` (not migrated), gone after `body`.
    public static func with<Result: Sendable>(
        _ kind: DatabaseKind, _ body: (CampusDatabase) async throws -> Result
    ) async throws -> Result {
        let location = try await make(kind)
        defer { discard(location) }
        return try await CampusDatabase.withOpened(location, logger: logger, body)
    }

    /// A new migrated database of `kind`, gone after `body`.
    public static func migrated<Result: Sendable>(
        _ kind: DatabaseKind, _ body: (CampusDatabase) async throws -> Result
    ) async throws -> Result {
        try await with(kind) { database in
            try await database.migrate()
            return try await body(database)
        }
    }

    /// The location of a new, empty database of `kind`.
    public static func make(_ kind: DatabaseKind) async throws -> DatabaseLocation {
        switch kind {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("campus-db-\(UUID().uuidString)")
            return .sqlite(path: folder.appendingPathComponent("campus.sqlite").path)
        case .postgresql:
            guard let server = ProcessInfo.processInfo.environment[serverVariable], !server.isEmpty else {
                throw Unavailable(
                    description: "PostgreSQL tests need \(serverVariable)=postgres://user@host:port/postgres; "
                        + "`make test` starts a throwaway server and sets it")
            }
            let name =
                "campus_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
            try await CampusDatabase.withOpened(.postgres(url: server), logger: logger) { admin in
                try await admin.execute("CREATE DATABASE \(name)")
            }
            guard var components = URLComponents(string: server) else {
                throw Unavailable(description: "\(serverVariable) is not a URL")
            }
            components.path = "/\(name)"
            return .postgres(url: components.string ?? server)
        }
    }

    /// Removes a test database's files (PostgreSQL test databases are left for the throwaway server).
    public static func discard(_ location: DatabaseLocation) {
        if case .sqlite(let path) = location {
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
    }
}
