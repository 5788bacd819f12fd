import Assessment
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Storage

/// `campus bench serve`: a real `campus serve` in this process on a fresh database, and learners with open final
/// exam attempts saving answers, each learner one connection and one save at a time (the next after the answer, as
/// the attempt page does): as fast as the server takes them, or at a given total rate spread evenly over the
/// learners (open loop). Latencies are measured by the client to the last byte of the answer, from sending the
/// request — or, at a given rate, from the moment the save was due, so that waiting behind a slow save counts.
public struct ServeBenchmark: Sendable {
    /// What a run measured.
    public struct Result: Sendable {
        /// Saves acknowledged (HTTP 2xx) within the measured time.
        public var saves: Int
        /// Answers other than 2xx, and requests that failed.
        public var errors: Int
        /// The measured time, in seconds.
        public var seconds: Double
        /// Latency percentiles in milliseconds: 50th, 99th, and the largest.
        public var p50: Double
        /// The 99th percentile, in milliseconds.
        public var p99: Double
        /// The largest latency, in milliseconds.
        public var maximum: Double
        /// The first few errors, for the report.
        public var errorSamples: [String]

        /// Acknowledged saves per second.
        public var savesPerSecond: Double { seconds > 0 ? Double(saves) / seconds : 0 }
    }

    /// How many learners save at once.
    public var learners: Int
    /// How long the measured part lasts, in seconds (after a warm-up of a tenth of it, at least 2 s).
    public var seconds: Double
    /// The port to serve on (loopback).
    public var port: Int
    /// Saves per second offered by all learners together, or `nil` for as fast as the server takes them.
    public var rate: Double?

    /// A benchmark of `learners` learners for `seconds` on `port`, at `rate` saves per second in all (`nil`: as
    /// fast as the server takes them).
    public init(learners: Int, seconds: Double, port: Int, rate: Double? = nil) {
        self.learners = learners
        self.seconds = seconds
        self.port = port
        self.rate = rate
    }

    /// Runs the benchmark against a service on `database` (migrated here; it must not hold bench learners yet),
    /// calling `progress` with a line for each step.
    public func run(
        database: CampusDatabase, keys: IssuerKeys, logger: Logger, progress: @Sendable (String) -> Void
    ) async throws -> Result {
        var configuration = ServiceConfiguration(
            database: database.location, base: "http://127.0.0.1:\(port)", demo: true)
        configuration.port = port
        configuration.host = "127.0.0.1"
        configuration.passwordCost = .testing
        let site = try await Site(configuration: configuration, database: database, keys: keys, logger: logger)
        _ = try await CampusServer.prepare(site: site)
        guard try await database.courses.find(organisation: DemoData.organisation.id, id: DemoCourse.id) != nil else {
            throw ServiceError(
                .configuration,
                "the demo course was not made: run the benchmark in the project folder (question-banks/)")
        }
        progress("making \(learners) learners, enrolling them and signing them in …")
        let tokens = try await makeLearners(site: site)

        let application = CampusServer.application(site: site, drivesDatabase: false)
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: learners)
        httpConfiguration.timeout = .init(connect: .seconds(30), read: .seconds(60))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let base = "http://127.0.0.1:\(port)"
        do {
            let result = try await withThrowingTaskGroup(of: Result?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                try await waitUntilHealthy(client, base: base)
                progress("starting \(learners) final-exam attempts …")
                let attempts = try await startAttempts(client, base: base, tokens: tokens, site: site)
                let warmUp = max(2, seconds / 10)
                progress(
                    "\(learners) learners save answers for \(Int(warmUp)) s of warm-up, then \(Int(seconds)) s measured …"
                )
                let result = try await load(attempts, warmUp: warmUp)
                await group.triggerGracefulShutdown()
                return result
            }
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func makeLearners(site: Site) async throws -> [String] {
        var accounts = site.database.accounts
        accounts.cost = .testing
        let store = accounts
        let organisation = DemoData.organisation.id
        if try await store.find(login: Self.login(0)) != nil {
            throw ServiceError(.configuration, "the database holds bench learners already: give a fresh database")
        }
        var entries: [LearnerEntry] = []
        var tokens: [String] = []
        for index in 0..<learners {
            let login = Self.login(index)
            let account = try await site.database.write { connection in
                try await store.create(
                    login: login, displayName: "Bench \(index)", password: "bench-password-\(index)",
                    grants: [RoleGrant(.learner, organisation: organisation)], mustChangePassword: false,
                    actor: "bench", in: connection)
            }
            tokens.append(try await site.database.sessions.createToken(for: account, name: "bench"))
            entries.append(
                LearnerEntry(
                    learnerID: login, name: "Bench \(index)", email: "\(login)@bench.example", birthDate: "1990-01-01"))
        }
        try await site.database.courses.enrol(
            entries, course: DemoCourse.id, organisation: organisation, actor: "bench")
        return tokens
    }

    static func login(_ index: Int) -> String { String(format: "bench-%05d", index) }

    private func waitUntilHealthy(_ client: HTTPClient, base: String) async throws {
        for _ in 0..<600 {
            if let response = try? await client.execute(HTTPClientRequest(url: "\(base)/readyz"), timeout: .seconds(5)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServiceError(.configuration, "the service did not become ready on port \(port)")
    }

    /// Starts every learner's final exam through the API, 50 at a time, and picks an item each keeps answering.
    private func startAttempts(_ client: HTTPClient, base: String, tokens: [String], site: Site) async throws
        -> [SaveLoad.Learner]
    {
        var attempts: [SaveLoad.Learner] = []
        for batch in stride(from: 0, to: tokens.count, by: 50) {
            try await withThrowingTaskGroup(of: SaveLoad.Learner.self) { group in
                for token in tokens[batch..<min(batch + 50, tokens.count)] {
                    group.addTask {
                        var request = HTTPClientRequest(
                            url: "\(base)/api/v1/courses/\(DemoCourse.id)/sets/final-exam/attempts")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        let response = try await client.execute(request, timeout: .seconds(60))
                        let body = try await response.body.collect(upTo: 4 << 20)
                        guard response.status == .created,
                            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                            let id = object["id"] as? String, let items = object["items"] as? [[String: Any]]
                        else {
                            throw ServiceError(
                                .configuration, "starting an attempt failed: \(response.status) \(String(buffer: body))"
                            )
                        }
                        return SaveLoad.Learner(
                            path: "/api/v1/attempts/\(id)/answers/", token: token,
                            answers: Self.answerable(items))
                    }
                }
                for try await attempt in group { attempts.append(attempt) }
            }
        }
        return attempts
    }

    /// An item of the paper and two different answers to it, as `ITEM\tJSON` lines the saves alternate between.
    static func answerable(_ items: [[String: Any]]) -> [String] {
        for item in items {
            guard let id = item["itemID"] as? String, let body = item["body"] as? [String: Any] else { continue }
            if body["trueFalse"] != nil {
                return [#"\#(id)\#t{"type":"truth","value":true}"#, #"\#(id)\#t{"type":"truth","value":false}"#]
            }
            if body["shortText"] != nil || body["essay"] != nil {
                let type = body["essay"] != nil ? "essay" : "text"
                return [
                    #"\#(id)\#t{"type":"\#(type)","value":"Antwort A"}"#,
                    #"\#(id)\#t{"type":"\#(type)","value":"Antwort B"}"#,
                ]
            }
            if let options = (body["singleChoice"] as? [String: Any])?["options"] as? [[String: Any]],
                options.count >= 2, let first = options[0]["id"] as? String, let second = options[1]["id"] as? String
            {
                return [
                    #"\#(id)\#t{"type":"choice","value":"\#(first)"}"#,
                    #"\#(id)\#t{"type":"choice","value":"\#(second)"}"#,
                ]
            }
        }
        return []
    }

    /// Every learner saves, one save at a time, until the time is up (``SaveLoad``); only saves finished in the
    /// measured window count.
    private func load(_ attempts: [SaveLoad.Learner], warmUp: Double) async throws -> Result {
        let savers = attempts.filter { !$0.answers.isEmpty }
        // At a given rate each learner saves every `interval`.
        let interval = rate.map { TimeAmount.nanoseconds(Int64(Double(savers.count) / $0 * 1e9)) }
        let load = SaveLoad(
            host: "127.0.0.1", port: port, warmUp: .milliseconds(Int64(warmUp * 1000)),
            measured: .milliseconds(Int64(seconds * 1000)), interval: interval)
        let partials = try await load.run(savers, group: MultiThreadedEventLoopGroup.singleton)
        var latencies = partials.flatMap(\.latencies)
        latencies.sort()
        func percentile(_ share: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int((Double(latencies.count) * share).rounded(.up)) - 1)]
        }
        return Result(
            saves: latencies.count, errors: partials.reduce(0) { $0 + $1.errors }, seconds: seconds,
            p50: percentile(0.50), p99: percentile(0.99), maximum: latencies.last ?? 0,
            errorSamples: Array(partials.flatMap(\.samples).prefix(5)))
    }
}
