import CampusCrypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Storage

/// Builds and runs the campus service.
public enum CampusServer {
    /// What the first start printed: the logins made and their one-time passwords (shown once, never logged).
    public struct Bootstrap: Sendable {
        /// `(login, password, roles)` of every account made at this start.
        public var createdAccounts: [(login: String, password: String, roles: String)] = []
    }

    /// The router with every route of the service, and the declarations (for the authorization matrix).
    public static func routes(site: Site) -> RouteRegistry {
        let router = Router(context: CampusContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        var registry = RouteRegistry(router: router, site: site)
        HealthRoutes(site: site).register(in: &registry)
        StaticRoutes(site: site).register(in: &registry)
        AccountRoutes(site: site).register(in: &registry)
        AdminRoutes(site: site).register(in: &registry)
        BankRoutes(site: site).register(in: &registry)
        CourseRoutes(site: site).register(in: &registry)
        VerifyRoutes(site: site).register(in: &registry)
        CertificateRoutes(site: site).register(in: &registry)
        ReviewRoutes(site: site).register(in: &registry)
        LearnerRoutes(site: site).register(in: &registry)
        LearnerPages(site: site).register(in: &registry)
        SessionRoutes(site: site).register(in: &registry)
        GradingRoutes(site: site).register(in: &registry)
        GradebookRoutes(site: site).register(in: &registry)
        return registry
    }

    /// The application: HTTP on the configured address, the database driven alongside, migrations and the first
    /// accounts made before the server accepts requests. SIGTERM and SIGINT end it gracefully (requests in flight
    /// finish, then the database closes).
    ///
    /// `drivesDatabase: false` when the caller already runs the database (tests, a command holding it open).
    public static func application(
        site: Site, drivesDatabase: Bool = true, onReady: @escaping @Sendable (Bootstrap) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let registry = routes(site: site)
        var application = Application(
            router: registry.router,
            configuration: .init(
                address: .hostname(site.configuration.host, port: site.configuration.port), serverName: nil),
            services: (drivesDatabase ? [DatabaseService(database: site.database)] : []) + [
                DeadlineService(site: site)
            ],
            logger: site.logger)
        application.beforeServerStarts {
            let bootstrap = try await prepare(site: site)
            await onReady(bootstrap)
        }
        return application
    }

    /// Migrates the database and, on the very first start, makes the admin account (and with `--demo` the demo
    /// data). Safe when several nodes start at once: one makes the accounts, the others find them.
    public static func prepare(site: Site) async throws -> Bootstrap {
        let applied = try await site.database.migrate()
        for migration in applied {
            site.logger.info(
                "database migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
        var bootstrap = Bootstrap()
        var accounts = site.database.accounts
        accounts.cost = site.configuration.passwordCost
        let store = accounts
        bootstrap.createdAccounts = try await site.database.write { connection in
            try await site.database.lock("campus.bootstrap", in: connection)
            let existing = try await connection.raw("SELECT id FROM accounts LIMIT 1").first()
            guard existing == nil else { return [] }
            var made: [(login: String, password: String, roles: String)] = []
            let password = try Passwords.randomToken(byteCount: 9)
            _ = try await store.create(
                login: "admin", displayName: "Administrator", password: password, grants: [RoleGrant(.admin)],
                mustChangePassword: true, actor: "system", in: connection)
            made.append(("admin", password, "admin"))
            if site.configuration.demo {
                made += try await DemoData.accounts(store: store, database: site.database, in: connection)
            }
            return made
        }
        if site.configuration.demo { await DemoBanks.load(site: site) }
        if site.configuration.demo { try await DemoCourse.make(in: site.database) }
        return bootstrap
    }
}

/// Drives the database for the lifetime of the service and closes it at shutdown.
struct DatabaseService: Service {
    let database: CampusDatabase

    func run() async throws {
        // The HTTP server shuts down first (services stop in reverse order); then the database run is cancelled.
        await cancelWhenGracefulShutdown {
            await database.run()
        }
        await database.close()
    }
}

/// Submits attempts whose time is up, with the answers saved in time, also when their learner is gone, and decides
/// the certificates that waited for results to be released: every two seconds on every node (each attempt is
/// submitted once, under its lock; each waiting decision is taken by one node).
struct DeadlineService: Service {
    let site: Site

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var migrated = false
            while !Task.isCancelled {
                do {
                    // The schema is migrated as the server starts, alongside this service.
                    if !migrated {
                        migrated = try await site.database.schemaVersion() == CampusDatabase.latestSchemaVersion
                    }
                    guard migrated else {
                        try? await Task.sleep(for: .seconds(1))
                        continue
                    }
                    try await Self.sweep(site)
                } catch {
                    site.logger.error(
                        "submitting attempts whose time is up failed",
                        metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    /// One round: submits what is due at the site's clock, then decides the certificates due.
    static func sweep(_ site: Site) async throws {
        let submitted = try await site.database.attempts.submitExpired(at: site.clock.now())
        for attempt in submitted {
            site.logger.info("time is up: attempt submitted", metadata: ["attempt": "\(attempt.id)"])
            await CertificateAutomation(site: site).decide(
                after: attempt, why: "time of the \(CertificateAutomation.part(attempt)) was up")
        }
        let now = Int64(site.clock.now().timeIntervalSince1970)
        for pending in try await site.database.pendingDecisions.takeDue(at: now) {
            await CertificateAutomation(site: site).decide(
                organisation: pending.organisation, courseID: pending.course, learner: pending.learner,
                why: "results released")
        }
    }
}

/// `GET /healthz` (the process answers) and `GET /readyz` (the database answers and its schema is current).
struct HealthRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        registry.add(.get, "/healthz", .anyone, .api) { _, _ in
            try Site.json(["status": "ok"])
        }
        registry.add(.get, "/readyz", .anyone, .api) { _, _ in
            let version: Int?
            do {
                version = try await site.database.schemaVersion()
            } catch {
                return try Site.json(
                    ["status": "unavailable", "reason": "the database does not answer"], status: .serviceUnavailable)
            }
            guard version == CampusDatabase.latestSchemaVersion else {
                return try Site.json(
                    ["status": "unavailable", "reason": "the database schema is not current"],
                    status: .serviceUnavailable)
            }
            return try Site.json(["status": "ready", "database": site.database.kind.rawValue])
        }
    }
}

/// The style sheet and the few scripts, from the service's own files (no path from the request reaches the disk).
struct StaticRoutes {
    let site: Site
    static let files: [String: String] = [
        "site.css": "text/css; charset=utf-8", "verify.js": "text/javascript; charset=utf-8",
        "attempt.js": "text/javascript; charset=utf-8", "proctor.js": "text/javascript; charset=utf-8",
    ]

    func register(in registry: inout RouteRegistry) {
        var contents: [String: [UInt8]] = [:]
        if let folder = Bundle.module.resourceURL?.appendingPathComponent("Static") {
            for name in Self.files.keys {
                if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                    contents[name] = Array(data)
                }
            }
        }
        let loaded = contents
        registry.add(.get, "/static/:file", .anyone, .page) { _, context in
            guard let name = context.parameters.get("file"), let bytes = loaded[name], let type = Self.files[name]
            else {
                throw HTTPFailure(.notFound, "notFound", "no such file")
            }
            var headers = HTTPFields()
            headers[.contentType] = type
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
