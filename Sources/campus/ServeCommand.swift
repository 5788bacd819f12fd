import ArgumentParser
import Certificates
import Foundation
import Hummingbird
import Logging
import Service
import Storage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the KommunalCampus web service (pages and JSON API).",
        discussion: """
            Embedded (default): SQLite at DATA/campus.sqlite, created and migrated on first start.
            Scale-out: --database postgres://user:password@host:5432/campus (or DATABASE_URL); any number of \
            nodes may share one PostgreSQL database.

            The first start creates the account admin with a one-time password, printed once (it must be \
            changed at the first sign-in). --demo also loads demo organisations and one account per role \
            (passwords printed), and makes development keys in DATA/demo-keys when --keys is not given.
            Outside --demo, --keys DIR (from `campus keys init`) and --base URL (or CAMPUS_BASE_URL: the public \
            address printed in QR codes) are required. SIGTERM or Ctrl-C stop it gracefully.
            """
    )

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Address to listen on (0.0.0.0 for all interfaces).")
    var host = "127.0.0.1"

    @Option(help: "Folder for the embedded database.")
    var data = "data"

    @Option(help: "Database URL: postgres://… (default: $DATABASE_URL, else SQLite in --data).")
    var database: String?

    @Option(help: "Folder with issuer.key, issuer.pem and root.pem (from `campus keys init`).")
    var keys: String?

    @OptionGroup(title: "Time-stamps")
    var timeStamps: TimeStampOptions

    @Option(help: "Public address of the service, e.g. https://campus.example.de (default: $CAMPUS_BASE_URL).")
    var base: String?

    @Option(help: "Public verifications one address may make in 10 minutes.")
    var verifyLimit = 60

    @Flag(help: "Load demo data and accounts (for trying the service out).")
    var demo = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535.") }
        guard (1...1_000_000).contains(verifyLimit) else {
            throw ValidationError("--verify-limit must be between 1 and 1000000.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "campus.serve")
        let environment = ProcessInfo.processInfo.environment
        let location: DatabaseLocation
        do {
            location = try DatabaseLocation.parse(database ?? environment["DATABASE_URL"], dataDirectory: data)
        } catch {
            throw CLIError("--database: \(error.reason)")
        }
        let chosenBase = base ?? environment[IssueCommand.baseVariable].flatMap { $0.isEmpty ? nil : $0 }
        let publicBase: String
        if let chosenBase {
            do {
                publicBase = try CertificateIssuer.checkedBase(chosenBase, allowInsecure: demo)
            } catch {
                throw CLIError("--base: \(error.reason)")
            }
        } else if demo {
            publicBase = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        } else {
            throw CLIError(
                "no public address: give --base https://campus.example.de or set CAMPUS_BASE_URL (it is printed in "
                    + "QR codes); only --demo runs without one")
        }
        let issuerKeys: IssuerKeys
        if let keys {
            issuerKeys = try IssuerKeys.load(directory: keys, externalTimeStamps: try timeStamps.external(keys: keys))
        } else if demo {
            issuerKeys = try Self.demoKeys(in: data, externalTimeStamps: try timeStamps.external(keys: nil))
        } else {
            throw CLIError("no issuer keys: give --keys DIR (create them with `campus keys init --dir DIR`)")
        }
        var configuration = ServiceConfiguration(
            host: host, port: port, dataDirectory: data, database: location, keysDirectory: keys, base: publicBase,
            demo: demo)
        configuration.verificationsPerWindow = verifyLimit
        let database = try CampusDatabase.open(location, logger: logger)
        let site = try await Site(configuration: configuration, database: database, keys: issuerKeys, logger: logger)
        let address = "http://\(host):\(port)"
        let application = CampusServer.application(site: site) { bootstrap in
            var lines = ["KommunalCampus serves on \(address) (database: \(location); public address: \(publicBase))"]
            if !bootstrap.createdAccounts.isEmpty {
                lines.append("Accounts made at this first start (passwords are shown this once):")
                for account in bootstrap.createdAccounts {
                    lines.append("  \(account.login)  password: \(account.password)  (\(account.roles))")
                }
                lines.append("admin must choose a new password at the first sign-in: \(address)/login")
            }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try await application.runService()
    }

    /// Development keys for the demo, made once in DATA/demo-keys and reused, so demo certificates stay verifiable.
    static func demoKeys(in data: String, externalTimeStamps: ExternalTimeStamps? = nil) throws -> IssuerKeys {
        let folder = (data as NSString).appendingPathComponent("demo-keys")
        let key = (folder as NSString).appendingPathComponent("issuer.key")
        if FileOutput.existing(key) == .nothing {
            try FileOutput.prepareFolder(folder)
            let pki = try DevelopmentPKI.create(
                issuerName: "KommunalCampus Demo-Zertifikatsstelle", organization: "KommunalCampus (Demo)", years: 3)
            try FileOutput.write(
                pki.rootPEM, to: (folder as NSString).appendingPathComponent("root.pem"), replace: false)
            try FileOutput.write(
                pki.issuerPEM, to: (folder as NSString).appendingPathComponent("issuer.pem"), replace: false)
            // The time-stamp authority: every demo signature is time-stamped, as with `campus keys init` keys.
            try FileOutput.write(
                pki.timeStampPEM, to: (folder as NSString).appendingPathComponent("tsa.pem"), replace: false)
            try FileOutput.write(
                pki.timeStampKeyPEM, to: (folder as NSString).appendingPathComponent("tsa.key"), replace: false,
                mode: 0o600)
            // The issuer key last: its presence means the folder is complete.
            try FileOutput.write(pki.issuerKeyPEM, to: key, replace: false, mode: 0o600)
        }
        return try IssuerKeys.load(directory: folder, externalTimeStamps: externalTimeStamps)
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the service's audit log.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute the audit log's hash chain and name the first row that was changed or removed.",
            discussion: """
                Exit status 0 when the chain is intact, 1 when it is broken, 2 when the database cannot be read.
                """
        )

        @Option(help: "Database URL: postgres://… or an SQLite file (default: $DATABASE_URL, else data/campus.sqlite).")
        var database: String?

        @Option(help: "Folder of the embedded database (when --database is not given).")
        var data = "data"

        func run() async throws {
            var logger = Logger(label: "campus.audit")
            logger.logLevel = .critical
            let location: DatabaseLocation
            do {
                location = try DatabaseLocation.parse(
                    database ?? ProcessInfo.processInfo.environment["DATABASE_URL"], dataDirectory: data)
            } catch {
                printError("error: --database: \(error.reason)")
                throw ExitCode(2)
            }
            if case .sqlite(let path) = location, FileOutput.existing(path) == .nothing {
                printError("error: \(path): no database here; give --database URL or --data DIR")
                throw ExitCode(2)
            }
            let outcome: AuditLog.Verification
            do {
                outcome = try await CampusDatabase.withOpened(location, logger: logger) { database in
                    guard try await database.schemaVersion() != nil else {
                        throw CLIError("\(location): not a campus database (no schema)")
                    }
                    return try await database.audit.verify()
                }
            } catch {
                printError("error: \(location): \(error)")
                throw ExitCode(2)
            }
            switch outcome {
            case .intact(let rows):
                print("audit log intact: \(rows) row\(rows == 1 ? "" : "s") checked (\(location))")
            case .broken(let seq, let why):
                print("audit log broken at row \(seq): \(why) (\(location))")
                throw ExitCode(1)
            }
        }
    }
}
