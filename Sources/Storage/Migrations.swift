import Foundation
import SQLKit

/// One step of the schema, applied once, in order, never changed after release (forward-only).
public struct Migration: Sendable {
    /// The schema version this step produces (1, 2, 3, …).
    public let version: Int
    /// What it does, for the log and `schema_migrations`.
    public let name: String
    /// The statements, with `{bytes}` standing for the bytes column type of the dialect.
    let statements: [String]
}

extension CampusDatabase {
    /// Every migration this build knows, oldest first.
    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "accounts, sessions, audit log, banks, courses, certificate registry",
            statements: [
                """
                CREATE TABLE organisations (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL, must_change_password INTEGER NOT NULL, active INTEGER NOT NULL,
                    language TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE account_roles (
                    account_id TEXT NOT NULL REFERENCES accounts(id), role TEXT NOT NULL,
                    organisation_id TEXT NOT NULL, PRIMARY KEY (account_id, role, organisation_id))
                """,
                """
                CREATE TABLE sessions (
                    id_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id),
                    csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE api_tokens (
                    token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id),
                    name TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE rate_limits (
                    bucket TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits BIGINT NOT NULL)
                """,
                """
                CREATE TABLE audit_log (
                    seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                    target TEXT NOT NULL, details TEXT NOT NULL, previous_hash TEXT NOT NULL, row_hash TEXT NOT NULL)
                """,
                """
                CREATE TABLE bank_versions (
                    organisation_id TEXT NOT NULL REFERENCES organisations(id), bank_id TEXT NOT NULL,
                    version INTEGER NOT NULL, title TEXT NOT NULL, source_format TEXT NOT NULL,
                    source_name TEXT NOT NULL, yaml TEXT NOT NULL, sha256 TEXT NOT NULL, item_count INTEGER NOT NULL,
                    report TEXT NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at BIGINT NOT NULL,
                    PRIMARY KEY (organisation_id, bank_id, version))
                """,
                """
                CREATE TABLE courses (
                    id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    title TEXT NOT NULL, definition TEXT NOT NULL, created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE enrolments (
                    course_id TEXT NOT NULL REFERENCES courses(id), learner_id TEXT NOT NULL, name TEXT NOT NULL,
                    email TEXT NOT NULL, birth_date TEXT NOT NULL, enrolled_at BIGINT NOT NULL,
                    PRIMARY KEY (course_id, learner_id))
                """,
                """
                CREATE TABLE certificates (
                    id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    course_id TEXT NOT NULL, learner_id TEXT NOT NULL, holder_name TEXT NOT NULL, tier TEXT NOT NULL,
                    record_hash TEXT NOT NULL, record_json TEXT NOT NULL, issued TEXT NOT NULL, status TEXT NOT NULL,
                    status_date TEXT NOT NULL, reason TEXT NOT NULL, replaced_by TEXT NOT NULL,
                    reissue_of TEXT NOT NULL, pdf {bytes} NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX certificates_by_learner ON certificates (course_id, learner_id)",
                """
                CREATE TABLE status_list (
                    id INTEGER PRIMARY KEY, revision BIGINT NOT NULL, signed TEXT NOT NULL,
                    signed_revision BIGINT NOT NULL, signed_at BIGINT NOT NULL, next_update BIGINT NOT NULL)
                """,
                "INSERT INTO status_list VALUES (1, 1, '', 0, 0, 0)",
                "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]),
        Migration(
            version: 2, name: "quality board: bank version decisions and item comments",
            statements: [
                """
                CREATE TABLE bank_reviews (
                    organisation_id TEXT NOT NULL, bank_id TEXT NOT NULL, version INTEGER NOT NULL,
                    decision TEXT NOT NULL, reviewer TEXT NOT NULL, comment TEXT NOT NULL, decided_at BIGINT NOT NULL,
                    PRIMARY KEY (organisation_id, bank_id, version),
                    FOREIGN KEY (organisation_id, bank_id, version)
                        REFERENCES bank_versions (organisation_id, bank_id, version))
                """,
                """
                CREATE TABLE bank_item_comments (
                    id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, bank_id TEXT NOT NULL,
                    version INTEGER NOT NULL, item_id TEXT NOT NULL, reviewer TEXT NOT NULL, comment TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    FOREIGN KEY (organisation_id, bank_id, version)
                        REFERENCES bank_versions (organisation_id, bank_id, version))
                """,
                "CREATE INDEX bank_item_comments_by_version ON bank_item_comments (organisation_id, bank_id, version)",
            ]),
        Migration(
            version: 3, name: "attempts with acknowledged answers",
            statements: [
                """
                CREATE TABLE attempts (
                    id TEXT PRIMARY KEY, assessment_id TEXT NOT NULL, learner_id TEXT NOT NULL, kind TEXT NOT NULL,
                    organisation_id TEXT NOT NULL, bank_id TEXT NOT NULL, bank_version INTEGER NOT NULL,
                    stored TEXT NOT NULL, sequence BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX attempts_by_learner ON attempts (learner_id, assessment_id)",
                "CREATE INDEX attempts_by_bank ON attempts (organisation_id, bank_id, bank_version)",
            ]),
        Migration(
            version: 4, name: "content units viewed by learners",
            statements: [
                """
                CREATE TABLE content_views (
                    course_id TEXT NOT NULL REFERENCES courses(id), learner_id TEXT NOT NULL,
                    unit_index INTEGER NOT NULL, viewed_at BIGINT NOT NULL,
                    PRIMARY KEY (course_id, learner_id, unit_index))
                """
            ]),
        Migration(
            version: 5, name: "attempt deadlines the server enforces",
            statements: [
                // Seconds since 1970 (rounded up) when an attempt in progress runs out of time; NULL once it is
                // submitted or voided, or when it has no time limit. The server submits what is past it.
                "ALTER TABLE attempts ADD COLUMN open_until BIGINT",
                "CREATE INDEX attempts_by_deadline ON attempts (open_until)",
            ]),
        Migration(
            version: 6, name: "supervised exam sessions",
            statements: [
                """
                CREATE TABLE exam_sessions (
                    id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, course_id TEXT NOT NULL, set_id TEXT NOT NULL,
                    starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, proctor TEXT NOT NULL, mode TEXT NOT NULL,
                    room TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX exam_sessions_by_course ON exam_sessions (organisation_id, course_id)",
                "CREATE INDEX exam_sessions_by_proctor ON exam_sessions (proctor)",
                """
                CREATE TABLE exam_seats (
                    session_id TEXT NOT NULL REFERENCES exam_sessions(id), learner_id TEXT NOT NULL,
                    consent_text TEXT, consent_at BIGINT, identity_checked_at BIGINT, identity_checked_by TEXT,
                    released_at BIGINT, attempt_id TEXT,
                    PRIMARY KEY (session_id, learner_id))
                """,
                "CREATE INDEX exam_seats_by_learner ON exam_seats (learner_id)",
                """
                CREATE TABLE exam_session_log (
                    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES exam_sessions(id),
                    learner_id TEXT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,
                    note TEXT NOT NULL)
                """,
                "CREATE INDEX exam_session_log_by_session ON exam_session_log (session_id, at)",
            ]),
        Migration(
            version: 7, name: "courses closed by their provider",
            statements: ["ALTER TABLE courses ADD COLUMN closed_at BIGINT"]),
        Migration(
            version: 8, name: "certificate decisions waiting for results to be released",
            statements: [
                """
                CREATE TABLE pending_decisions (
                    organisation_id TEXT NOT NULL, course_id TEXT NOT NULL, learner_id TEXT NOT NULL,
                    due_at BIGINT NOT NULL, PRIMARY KEY (organisation_id, course_id, learner_id))
                """,
                "CREATE INDEX pending_decisions_by_time ON pending_decisions (due_at)",
            ]),
        Migration(
            version: 9, name: "attempt revisions: a save prepared outside its transaction writes only if unchanged",
            statements: ["ALTER TABLE attempts ADD COLUMN revision BIGINT NOT NULL DEFAULT 0"]),
    ]

    /// The version of the newest migration this build knows.
    public static var latestSchemaVersion: Int { migrations.last?.version ?? 0 }

    /// Brings the schema up to date, under a lock, so that two nodes starting at once never both migrate: one
    /// applies the missing steps, the other then finds nothing to do. Returns the versions applied here.
    ///
    /// Refuses a database whose schema is newer than this build (it was migrated by a newer campus).
    @discardableResult
    public func migrate() async throws -> [Migration] {
        try await write { database in
            try await lock("campus.migrations", in: database)
            try await database.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """
            ).run()
            let current = try await Self.currentVersion(in: database)
            guard current <= Self.latestSchemaVersion else {
                throw StorageError(
                    .newerSchema,
                    "\(location): the database has schema version \(current), newer than this campus knows "
                        + "(\(Self.latestSchemaVersion)); run the newer campus or restore a backup")
            }
            var applied: [Migration] = []
            for migration in Self.migrations where migration.version > current {
                for statement in migration.statements {
                    let sql = statement.replacingOccurrences(of: "{bytes}", with: bytesType)
                    try await database.raw(SQLQueryString(sql)).run()
                }
                try await database.raw(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Clock.now()))
                    """
                ).run()
                applied.append(migration)
            }
            return applied
        }
    }

    /// The schema version stored, or `nil` when the database was never migrated.
    public func schemaVersion() async throws -> Int? {
        try await read { database in
            let exists =
                switch kind {
                case .sqlite:
                    try await database.raw(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                    ).first() != nil
                case .postgresql:
                    try await database.raw("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first()?
                        .decode(column: "present", as: Bool.self) ?? false
                }
            guard exists else { return nil }
            return try await Self.currentVersion(in: database)
        }
    }

    private static func currentVersion(in database: any SQLDatabase) async throws -> Int {
        let row = try await database.raw("SELECT MAX(version) AS version FROM schema_migrations").first()
        return try row?.decode(column: "version", as: Int?.self) ?? 0
    }
}

/// Time as the database stores it: whole seconds since 1970 (UTC).
public enum Clock {
    /// Now, in seconds since 1970.
    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
