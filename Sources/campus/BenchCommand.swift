import ArgumentParser
import Assessment
import Certificates
import Foundation
import Verify

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput on one thread (build with -c release for real figures).",
        subcommands: [Score.self, Issue.self, Verification.self, Hostile.self, Serve.self]
    )

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score item responses of every type on one thread; ends with `score: X per second`.")

        @Option(help: "Number of responses to score.")
        var count = 5_000_000

        func validate() throws {
            guard count >= 1_000 else { throw ValidationError("--count must be at least 1000.") }
        }

        func run() {
            let benchmark = ScoringBenchmark()
            print(
                "scoring \(count) responses over \(benchmark.itemCount) items, one per automatically scored type (essays are graded by people) …"
            )
            _ = benchmark.run(count: min(count, 100_000))  // warm-up
            for (type, perSecond) in benchmark.runPerType(count: max(count / 10, 1_000)) {
                print("  \(type): \(Int(perSecond)) per second")
            }
            let result = benchmark.run(count: count)
            let perSecond = Double(count) / result.seconds
            print(
                "scored \(count) responses in \(String(format: "%.3f", result.seconds)) s (checksum \(result.checksum))"
            )
            print("score: \(Int(perSecond)) per second")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Issue signed certificate PDFs end to end (one thread unless --jobs); ends with `issue: X per second`.")

        @Option(help: "Number of certificates to issue.")
        var count = 5_000

        @Option(help: "Threads issuing at once, as `campus issue --gradebook --jobs N` does.")
        var jobs = 1

        @Flag(help: "Sign without time-stamps (PAdES B-B), to see what the time-stamp costs.")
        var withoutTimeStamps = false

        func validate() throws {
            guard count >= 10 else { throw ValidationError("--count must be at least 10.") }
            guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1 to 256.") }
        }

        func run() throws {
            let benchmark = try IssueBenchmark(
                fonts: IssueCommand.certificateFonts(), timeStamped: !withoutTimeStamps)
            let signature = withoutTimeStamps ? "PAdES signature" : "PAdES signature with its time-stamp"
            let threads = jobs == 1 ? "one thread" : "\(jobs) threads"
            print("issuing \(count) signed certificates (layout, font subset, QR, token, \(signature)) on \(threads) …")
            _ = try benchmark.run(count: min(count, 50), jobs: jobs)  // warm-up: caches fill
            let result = try benchmark.run(count: count, jobs: jobs)
            print(
                "issued \(count) certificates in \(String(format: "%.3f", result.seconds)) s, "
                    + "\(result.bytes / count) bytes each on average")
            _ = try benchmark.runSignature(count: 10)  // warm-up
            let signing = try benchmark.runSignature(count: count)
            print(
                "  detached CMS signature (ECDSA P-256) over \(IssueBenchmark.signedContentSize) bytes: "
                    + "\(String(format: "%.1f", signing / Double(count) * 1e6)) µs per signature")
            let qr = try benchmark.runQRCode(count: min(count, 2000))
            print(
                "  QR code (version \(qr.version), level M, libqrencode choosing the mask): "
                    + "\(String(format: "%.1f", qr.seconds / Double(min(count, 2000)) * 1e6)) µs per symbol")
            print("issue: \(Int(Double(count) / result.seconds)) per second")
        }
    }

    struct Verification: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract:
                "Verify a genuine certificate PDF and its QR token on one thread; ends with `verify: X per second`.")

        @Option(help: "Number of verifications.")
        var count = 5_000

        func validate() throws {
            guard count >= 10 else { throw ValidationError("--count must be at least 10.") }
        }

        func run() throws {
            let benchmark = try VerifyBenchmark(fonts: IssueCommand.certificateFonts())
            print("verifying a \(benchmark.documentSize)-byte certificate PDF with its QR token \(count) times …")
            _ = benchmark.run(count: min(count, 50))
            let result = benchmark.run(count: count)
            guard result.valid == count else {
                throw CLIError("only \(result.valid) of \(count) verifications were valid")
            }
            print("verified \(count) certificates in \(String(format: "%.3f", result.seconds)) s")
            _ = benchmark.runSignatureCheck(count: min(count, 50))
            let check = benchmark.runSignatureCheck(count: count)
            guard check.valid == count else {
                throw CLIError("only \(check.valid) of \(count) signature checks were valid")
            }
            print(
                "  detached CMS signature check over \(benchmark.signedContentSize) bytes: "
                    + "\(String(format: "%.1f", check.seconds / Double(count) * 1e6)) µs per call")
            let firstRounds = min(count, 200)
            let first = try benchmark.runFirstSignatureCheck(count: firstRounds)
            guard first.valid == firstRounds else {
                throw CLIError("only \(first.valid) of \(firstRounds) first signature checks were valid")
            }
            print(
                "  first signature of an issuer on a new trust list: "
                    + "\(String(format: "%.1f", first.seconds / Double(firstRounds) * 1e6)) µs per call")
            print("verify: \(Int(Double(count) / result.seconds)) per second")
        }
    }

    struct Hostile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Verify adversarial PDFs (overlapping objects, deep nesting, huge arrays and numbers); prints time and peak memory per input and ends with `hostile: worst X ms, peak Y MB`."
        )

        @Option(help: "Size of each adversarial PDF in MB (1 to 10; the verifier reads at most 10 MB).")
        var size = 10

        func validate() throws {
            guard (1...10).contains(size) else { throw ValidationError("--size must lie in 1…10.") }
        }

        func run() throws {
            let benchmark = try HostileBenchmark()
            let inputs = HostileInputs.all(size: size * 1_000_000)
            print("verifying \(inputs.count) adversarial PDFs of up to \(size) MB …")
            var worst = 0.0
            for input in inputs {
                let bytes = input.make()
                let result = benchmark.verify(bytes)
                worst = max(worst, result.seconds)
                print(
                    "  \(input.name) (\(bytes.count) bytes): \(Self.milliseconds(result.seconds)) ms, "
                        + "peak \(Self.peakMegabytes()) MB — \(result.detail)")
            }
            print("hostile: worst \(Self.milliseconds(worst)) ms, peak \(Self.peakMegabytes()) MB")
        }

        static func milliseconds(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }

        /// The process's peak resident set size so far, in MB.
        ///
        /// On Linux this is `VmHWM` from /proc/self/status, the high-water mark of this program's own memory:
        /// `ru_maxrss` would also count the memory of the process that started us, which the kernel carries
        /// over at exec when we are spawned with vfork (as Foundation's `Process` does). Elsewhere `ru_maxrss`
        /// (bytes on macOS).
        static func peakMegabytes() -> Int {
            #if os(Linux)
                if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                    let kilobytes = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber))
                {
                    return kilobytes / 1024
                }
                var usage = rusage()
                guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return -1 }
                return usage.ru_maxrss / 1024
            #else
                var usage = rusage()
                guard getrusage(RUSAGE_SELF, &usage) == 0 else { return -1 }
                return usage.ru_maxrss / (1024 * 1024)
            #endif
        }
    }
}
