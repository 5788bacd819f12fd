import CampusCore
import Foundation
import Logging
import NIOSSL
import PostgresKit
import SQLKit
import SQLiteKit

/// The codes of ``StorageError``.
public enum StorageErrorDomain: ErrorDomain {
    /// `storage`.
    public static let name = "storage"
}

/// Why a database step failed: a stable code and a reason a person can act on.
public typealias StorageError = CampusError<StorageErrorDomain>

extension CampusError.Code where Domain == StorageErrorDomain {
    /// The database address could not be read (`--database`, `DATABASE_URL`).
    public static var badLocation: Self { Self("badLocation") }
    /// The database could not be opened or reached.
    public static var unreachable: Self { Self("unreachable") }
    /// The database was made by a newer version of campus (a migration this build does not know).
    public static var newerSchema: Self { Self("newerSchema") }
    /// A row that should exist does not.
    public static var notFound: Self { Self("notFound") }
    /// A row conflicts with one that exists (a name taken, a version already stored).
    public static var conflict: Self { Self("conflict") }
    /// A stored value could not be read back (changed outside campus?).
    public static var corrupt: Self { Self("corrupt") }
    /// A value given to be stored was refused (too long, empty where required).
    public static var invalid: Self { Self("invalid") }
}

/// Where the database is: an SQLite file (the embedded default) or a PostgreSQL server (scale-out).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database file, created when missing.
    case sqlite(path: String)
    /// A PostgreSQL server, as a `postgres://user:password@host:port/database` URL.
    case postgres(url: String)

    /// The file name of the embedded database inside the data folder.
    public static let sqliteFileName = "campus.sqlite"

    /// Reads `--database` / `DATABASE_URL`: `postgres://…` or `postgresql://…` for PostgreSQL, `sqlite:PATH` or a
    /// plain path for SQLite; without one, `DATA/campus.sqlite`.
    public static func parse(_ text: String?, dataDirectory: String) throws(StorageError) -> DatabaseLocation {
        guard let text, !text.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent(sqliteFileName))
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            _ = try PostgresAddress(url: text)
            return .postgres(url: text)
        }
        if text.hasPrefix("sqlite://") {
            return .sqlite(path: String(text.dropFirst("sqlite://".count)))
        }
        if text.hasPrefix("sqlite:") {
            return .sqlite(path: String(text.dropFirst("sqlite:".count)))
        }
        if text.contains("://") {
            throw StorageError(
                .badLocation,
                "\(redacted(text)): not a database address; give postgres://user@host:port/database or a path "
                    + "to an SQLite file")
        }
        return .sqlite(path: text)
    }

    /// The location with any password replaced by `***`: safe for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }
}

/// The parts of a PostgreSQL URL.
struct PostgresAddress {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?
    var tls: TLSMode

    enum TLSMode { case disable, prefer, require }

    init(url: String) throws(StorageError) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw StorageError(
                .badLocation,
                "\(DatabaseLocation.redacted(url)): not a PostgreSQL URL; write postgres://user@host:5432/database")
        }
        self.host = host
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw StorageError(.badLocation, "\(DatabaseLocation.redacted(url)): the port must be 1 to 65535")
        }
        self.user = components.user?.removingPercentEncoding ?? "postgres"
        self.password = components.password?.removingPercentEncoding
        let name = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = name.isEmpty ? nil : name
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other:
            throw StorageError(
                .badLocation,
                "\(DatabaseLocation.redacted(url)): sslmode \(other) is unknown; use disable, prefer or require")
        }
    }
}

/// The two database systems campus runs on.
public enum DatabaseKind: String, Sendable, CaseIterable {
    /// SQLite, embedded.
    case sqlite
    /// PostgreSQL, shared by several nodes.
    case postgresql
}

/// The campus database: one SQL code path (SQLKit) over SQLite or PostgreSQL.
///
/// Reads run on any pooled connection; ``write(_:)`` runs its body in one transaction (`BEGIN IMMEDIATE` on SQLite,
/// so writers queue instead of failing; `BEGIN` on PostgreSQL) and rolls back when the body throws. For PostgreSQL,
/// ``run()`` must be running (it drives the connection pool); ``withOpened(_:logger:_:)`` does that for a command.
public final class CampusDatabase: Sendable {
    /// Which system this is.
    public let kind: DatabaseKind
    /// Where it is, without passwords.
    public let location: DatabaseLocation
    private let backend: Backend
    private let logger: Logger
    /// Commits learners' saves that arrive together in one transaction (see ``AnswerBatcher``).
    let answerBatcher: AnswerBatcher
    /// Attempts decoded for saves, by revision.
    let decodedAttempts = DecodedAttempts()

    private enum Backend: Sendable {
        case sqlite(SQLitePool)
        case postgres(PostgresClient)
    }

    private init(kind: DatabaseKind, location: DatabaseLocation, backend: Backend, logger: Logger) {
        self.kind = kind
        self.location = location
        self.backend = backend
        self.logger = logger
        answerBatcher = AnswerBatcher(parallel: 1)
    }

    /// Opens the database at `location` (an SQLite file and its folder are created when missing). Nothing is
    /// migrated here: call ``migrate()``.
    public static func open(_ location: DatabaseLocation, logger: Logger) throws(StorageError) -> CampusDatabase {
        switch location {
        case .sqlite(let path):
            let folder = FilePath.folder(of: path)
            if !folder.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw StorageError(
                        .unreachable, "\(folder): the data folder cannot be created (\(error.localizedDescription))")
                }
            }
            return CampusDatabase(
                kind: .sqlite, location: location, backend: .sqlite(SQLitePool(path: path, logger: logger)),
                logger: logger)
        case .postgres(let url):
            let address = try PostgresAddress(url: url)
            let tls: PostgresClient.Configuration.TLS =
                switch address.tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            var configuration = PostgresClient.Configuration(
                host: address.host, port: address.port, username: address.user, password: address.password,
                database: address.database, tls: tls)
            configuration.options.maximumConnections = 20
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return CampusDatabase(kind: .postgresql, location: location, backend: .postgres(client), logger: logger)
        }
    }

    /// Opens the database, runs it for the duration of `body`, then closes it.
    public static func withOpened<Result: Sendable>(
        _ location: DatabaseLocation, logger: Logger, _ body: (CampusDatabase) async throws -> Result
    ) async throws -> Result {
        let database = try open(location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(database)
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        }
    }

    /// Drives the database until the task is cancelled (the PostgreSQL pool needs it; for SQLite it only waits).
    public func run() async {
        switch backend {
        case .postgres(let client):
            await client.run()
        case .sqlite(let pool):
            // The write-ahead log is copied into the database here, twice a second, beside the writers (a passive
            // checkpoint waits for no one), instead of by the commit that happens to fill it (which then takes as
            // long as copying and flushing the pages: a save's worst latency). Commits still do it when this is not
            // running and the log has grown past its limit.
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                guard !Task.isCancelled else { break }
                // Not cancelled half-way (a connection must be given back and closed, not dropped).
                await Task { await pool.checkpoint() }.value
            }
        }
    }

    /// Closes idle SQLite connections (PostgreSQL closes when ``run()`` is cancelled).
    public func close() async {
        if case .sqlite(let pool) = backend {
            await pool.closeAll()
        }
    }

    /// Runs `body` with a connection, outside any transaction: for reads.
    public func read<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        switch backend {
        case .sqlite(let pool):
            let connection = try await pool.acquire()
            do {
                let result = try await body(connection.sql())
                await pool.release(connection)
                return result
            } catch {
                await pool.release(connection)
                throw error
            }
        case .postgres(let client):
            do {
                return try await client.withConnection { connection in
                    try await body(connection.sql(queryLogLevel: nil))
                }
            } catch let error as PSQLError {
                throw Self.describe(error)
            }
        }
    }

    /// Runs `Statement` — a read made for nearly every request — with `values` for its `$1`, `$2`, … (each once, in
    /// order). On PostgreSQL it is a named prepared statement, parsed and planned once per connection instead of for
    /// every request; on SQLite an ordinary query.
    func frequentRead<Statement: FrequentRead>(_ statement: Statement.Type, _ values: [String]) async throws
        -> [any SQLRow]
    {
        switch backend {
        case .sqlite:
            var query = SQLQueryString("")
            var rest = Substring(Statement.sql)
            for (index, value) in values.enumerated() {
                guard let marker = rest.range(of: "$\(index + 1)") else { break }
                query.appendLiteral(String(rest[..<marker.lowerBound]))
                query.appendInterpolation(bind: value)
                rest = rest[marker.upperBound...]
            }
            query.appendLiteral(String(rest))
            return try await read { connection in try await connection.raw(query).all() }
        case .postgres(let client):
            do {
                var rows: [any SQLRow] = []
                for try await row in try await client.execute(PostgresFrequentRead<Statement>(values: values)) {
                    rows.append(row.sql())
                }
                return rows
            } catch let error as PSQLError {
                throw Self.describe(error)
            }
        }
    }

    /// Runs `body` in one write transaction: all of it is stored, or (when it throws) none of it.
    ///
    /// On SQLite, this process's writers take turns before `BEGIN IMMEDIATE`, so none of them blocks a database
    /// thread waiting for another's lock.
    public func write<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        guard case .sqlite(let pool) = backend else { return try await transaction(begin: "BEGIN", body) }
        await pool.writers.enter()
        do {
            let result = try await transaction(begin: "BEGIN IMMEDIATE", body)
            await pool.writers.leave()
            return result
        } catch {
            await pool.writers.leave()
            throw error
        }
    }

    private func transaction<Result>(
        begin: String, _ body: (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await read { database in
            try await database.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Within a ``write(_:)``: waits until no other transaction (on any node) holds `key`, and holds it until this
    /// transaction ends. SQLite needs none (its writers already queue), PostgreSQL takes a transaction-level advisory
    /// lock.
    public func lock(_ key: String, in database: any SQLDatabase) async throws {
        guard kind == .postgresql else { return }
        try await database.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))").run()
    }

    /// Within a ``write(_:)``: ``lock(_:in:)`` for each of `keys`, in their order, in one statement (one round trip
    /// for a batch of saves).
    public func lock(_ keys: [String], in database: any SQLDatabase) async throws {
        guard let locks = lockingTables(keys) else { return }
        try await database.raw("WITH \(locks) SELECT taken FROM locks_taken").run()
    }

    /// For a statement that must hold ``lock(_:in:)`` for each of `keys` before it reads a row: its first common
    /// table expressions (after `WITH`), ending with `locks_taken`, whose one-time condition
    /// `(SELECT taken FROM locks_taken) >= 0` takes the locks in the keys' order; `nil` on SQLite or without keys.
    /// A row changed meanwhile by a transaction that held a lock is judged again on its committed version (READ
    /// COMMITTED).
    func lockingTables(_ keys: [String]) -> SQLQueryString? {
        guard kind == .postgresql, !keys.isEmpty else { return nil }
        let rows = keys.enumerated().map { "(\(literal: $0.offset), \(bind: $0.element))" as SQLQueryString }
        // The ordered subquery (not flattened: OFFSET 0) feeds the aggregate in the keys' order.
        return """
            lock_order (position, lock_key) AS (VALUES \(rows.joined(separator: ", "))),
            locks_taken AS (
                SELECT count(pg_advisory_xact_lock(hashtextextended(lock_key, 0))::text) AS taken
                FROM (SELECT lock_key FROM lock_order ORDER BY position OFFSET 0) AS ordered)
            """
    }

    /// The column type for bytes: `BLOB` or `BYTEA`.
    var bytesType: String { kind == .sqlite ? "BLOB" : "BYTEA" }

    private static func describe(_ error: PSQLError) -> StorageError {
        if let message = error.serverInfo?[.message] {
            return StorageError(.unreachable, "PostgreSQL: \(message)")
        }
        return StorageError(.unreachable, "PostgreSQL cannot be reached (\(error.code.description))")
    }
}

/// A small pool of SQLite connections to one file, each set up for the service: WAL journal, foreign keys on,
/// `synchronous=FULL` (a committed transaction survives a power cut) and a busy timeout so writers wait their turn.
actor SQLitePool {
    private let path: String
    private let logger: Logger
    private let maximum = 8
    /// The threads that run SQLite calls: one per connection, so a connection waiting for a lock never holds up
    /// another.
    private let threads: NIOThreadPool
    /// The turn order of this process's writers.
    let writers = TurnGate()
    private var idle: [SQLiteConnection] = []
    private var openCount = 0
    /// Set by ``closeAll()``: connections given back afterwards are closed.
    private var closed = false
    private var waiters: [CheckedContinuation<SQLiteConnection, any Error>] = []

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: maximum)
        threads.start()
    }

    func acquire() async throws -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        if openCount < maximum {
            openCount += 1
            do {
                return try await makeConnection()
            } catch {
                openCount -= 1
                throw error
            }
        }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    func release(_ connection: SQLiteConnection) async {
        if closed {
            // Given back after ``closeAll()`` (the background checkpoint held it): closed now.
            try? await connection.close()
            openCount -= 1
            if openCount == 0 { try? await threads.shutdownGracefully() }
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Copies the write-ahead log into the database without waiting for readers or writers (nothing once closed).
    func checkpoint() async {
        guard !closed, let connection = try? await acquire() else { return }
        _ = try? await connection.sql().raw("PRAGMA wal_checkpoint(PASSIVE)").all()
        await release(connection)
    }

    func closeAll() async {
        closed = true
        let connections = idle
        idle.removeAll()
        // Each is counted off once closed, so that the threads stop only after the last close (a connection given
        // back meanwhile is closed by ``release(_:)``, which may be the last).
        for connection in connections {
            try? await connection.close()
            openCount -= 1
        }
        if openCount == 0 {
            try? await threads.shutdownGracefully()
        }
    }

    private func makeConnection() async throws -> SQLiteConnection {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threads, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            throw StorageError(.unreachable, "\(path): the SQLite database cannot be opened (\(error))")
        }
        do {
            let database = connection.sql()
            try await database.raw("PRAGMA busy_timeout = 10000").run()
            // Switching to WAL needs the file to itself for a moment: another node opening at the same instant makes
            // it answer "busy" without waiting, so it is tried again.
            var attempts = 0
            while true {
                do {
                    try await database.raw("PRAGMA journal_mode = WAL").run()
                    break
                } catch {
                    attempts += 1
                    if attempts >= 100 { throw error }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await database.raw("PRAGMA foreign_keys = ON").run()
            try await database.raw("PRAGMA synchronous = FULL").run()
            // 40 MB of log before a commit copies it into the database itself (``CampusDatabase/run()`` does it
            // sooner, in the background).
            try await database.raw("PRAGMA wal_autocheckpoint = 10000").run()
        } catch {
            try? await connection.close()
            throw StorageError(.unreachable, "\(path): the SQLite database cannot be set up (\(error))")
        }
        return connection
    }
}

extension CampusDatabase {
    /// Runs one SQL statement outside a transaction (administration: `CREATE DATABASE`, `VACUUM`).
    public func execute(_ statement: String) async throws {
        try await read { database in
            try await database.raw(SQLQueryString(statement)).run()
        }
    }
}

/// A first-come, first-served turn: one holder at a time, the others wait without blocking a thread.
actor TurnGate {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Waits for the turn.
    func enter() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the next in line.
    func leave() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A read made for nearly every request, run with ``CampusDatabase/frequentRead(_:_:)``.
protocol FrequentRead: Sendable {
    /// The statement, with `$1`, `$2`, … for its values (text), each once and in order.
    static var sql: String { get }
}

/// `Statement` as a PostgreSQL prepared statement (PostgresNIO prepares it once per connection, by name).
private struct PostgresFrequentRead<Statement: FrequentRead>: PostgresPreparedStatement {
    static var name: String { "campus.\(Statement.self)" }
    static var sql: String { Statement.sql }
    let values: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
