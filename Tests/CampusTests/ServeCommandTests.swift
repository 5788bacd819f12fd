import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `campus serve` as an operator runs it: first start, readiness, SIGTERM, restart, refusals.
@Suite("campus serve")
struct ServeCommandTests {
    /// A `campus serve` process and what it printed so far.
    final class Server: Sendable {
        let process: Process
        let log: URL

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).out")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process = Process()
            process.executableURL = Campus.executable
            process.arguments = ["serve"] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.currentDirectoryURL = Campus.repository
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// What the server printed once a line contains `text`, or once it ended, or after a generous guard
        /// against a hang (a bound on waiting, not a speed assertion).
        func waitFor(_ text: String) async throws -> String {
            for _ in 0..<1_200 {
                let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if printed.contains(text) || !process.isRunning { return printed }
                try await Task.sleep(for: .milliseconds(100))
            }
            return (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }

        func terminate() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: log)
            return process.terminationStatus
        }
    }

    static func freePort() -> Int { Int.random(in: 20_000...40_000) }

    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test(
        "the first start prints the address and the one-time passwords; SIGTERM stops it cleanly; a restart makes no accounts"
    )
    func firstStartAndShutdown() async throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = Self.freePort()
        let server = try Server(["--demo", "--data", folder.path, "--port", "\(port)"])
        let printed = try await server.waitFor("must choose a new password")
        #expect(printed.contains("KommunalCampus serves on http://127.0.0.1:\(port)"), "\(printed)")
        #expect(printed.contains("database: sqlite:\(folder.path)/campus.sqlite"))
        #expect(printed.firstMatch(of: /\n  admin  password: [0-9a-f]{18}  \(admin\)/) != nil, "\(printed)")
        #expect(printed.contains("  anbieter  password: "))
        let (status, body) = try await Self.get("http://127.0.0.1:\(port)/readyz")
        #expect(status == 200)
        #expect(body.contains("\"status\":\"ready\""))
        #expect(server.terminate() == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("demo-keys/issuer.key").path))
        let audit = try Campus.run(["audit", "verify", "--data", folder.path])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.hasPrefix("audit log intact: "))

        let again = try Server(["--demo", "--data", folder.path, "--port", "\(port)"])
        let second = try await again.waitFor("serves on")
        #expect(second.contains("serves on"))
        #expect(!second.contains("password:"), "a restart made accounts again: \(second)")
        #expect(again.terminate() == 0)
    }

    @Test("an issuer key readable by others, a missing key folder and a missing public address are refused")
    func refusals() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        let made = try Campus.run(["keys", "init", "--dir", keys])
        #expect(made.status == 0)
        let key = keys + "/issuer.key"
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
        let data = folder.appendingPathComponent("data").path
        let open = try Campus.run(["serve", "--keys", keys, "--base", "https://campus.example.de", "--data", data])
        #expect(open.status != 0)
        #expect(open.stderr.contains("chmod 600 \(key)"), "\(open.stderr)")
        let noKeys = try Campus.run(["serve", "--base", "https://campus.example.de", "--data", data])
        #expect(noKeys.status != 0)
        #expect(noKeys.stderr.contains("campus keys init"), "\(noKeys.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let noBase = try Campus.run(["serve", "--keys", keys, "--data", data], environment: ["CAMPUS_BASE_URL": ""])
        #expect(noBase.status != 0)
        #expect(noBase.stderr.contains("CAMPUS_BASE_URL"), "\(noBase.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data + "/campus.sqlite"), "a refused start left a database")
    }
}
