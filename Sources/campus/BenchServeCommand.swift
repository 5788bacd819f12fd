import ArgumentParser
import Foundation
import Logging
import Service
import Storage

extension BenchCommand {
    /// `campus bench serve`: learners with open exam attempts saving answers against a real server.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Learners with open final-exam attempts save answers as fast as a real `campus serve` takes them.",
            discussion: """
                Runs the service in this process on a fresh database (a temporary SQLite file, or --database \
                postgres://… of an empty PostgreSQL database), makes the learners, starts their final exams through \
                the API and lets each learner save one answer after the other on its own connection: as fast as the \
                server takes them, or with --rate at that many saves per second in all, spread evenly over the \
                learners (latency then counts from when each save was due, so waiting behind a slow one counts). \
                Run it in the project folder (it loads the demo banks from question-banks/), with a release build. \
                Ends with `saves: X per second, p50 Y ms, p99 Z ms, errors N`.
                """)

        @Option(help: "Learners saving at once (one connection each).")
        var learners = 1_000

        @Option(help: "Seconds measured, after a warm-up of a tenth of it (at least 2 s).")
        var seconds = 20

        @Option(help: "Database URL (postgres://… of an empty database); default: a temporary SQLite file.")
        var database: String?

        @Option(help: "Port to serve on (loopback).")
        var port = 8188

        @Option(help: "Saves per second offered by all learners together (default: as fast as the server takes them).")
        var rate: Int?

        func validate() throws {
            guard (1...20_000).contains(learners) else { throw ValidationError("--learners must be 1 to 20000.") }
            guard (3...3_600).contains(seconds) else { throw ValidationError("--seconds must be 3 to 3600.") }
            guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535.") }
            if let rate, !(1...1_000_000).contains(rate) {
                throw ValidationError("--rate must be 1 to 1000000 saves per second.")
            }
        }

        func run() async throws {
            var logger = Logger(label: "campus.bench")
            logger.logLevel = .error
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "campus-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let location: DatabaseLocation
            do {
                location = try DatabaseLocation.parse(
                    database ?? "sqlite:\(folder.appendingPathComponent("bench.sqlite").path)",
                    dataDirectory: folder.path)
            } catch {
                throw CLIError("--database: \(error.reason)")
            }
            let offered = rate.map { ", \($0) saves per second offered" } ?? ", as fast as the server takes them"
            print("bench serve: \(learners) learners\(offered), \(location), port \(port)")
            let benchmark = ServeBenchmark(
                learners: learners, seconds: Double(seconds), port: port, rate: rate.map(Double.init))
            let result = try await CampusDatabase.withOpened(location, logger: logger) { opened in
                try await benchmark.run(database: opened, keys: try IssuerKeys.development(), logger: logger) {
                    print($0)
                }
            }
            for sample in result.errorSamples { print("  error: \(sample)") }
            print(
                "saves: \(Int(result.savesPerSecond)) per second, p50 \(String(format: "%.1f", result.p50)) ms, "
                    + "p99 \(String(format: "%.1f", result.p99)) ms, max \(String(format: "%.1f", result.maximum)) ms, "
                    + "errors \(result.errors) (\(result.saves) saves in \(seconds) s)")
            if result.errors > 0 { throw ExitCode(1) }
        }
    }
}
