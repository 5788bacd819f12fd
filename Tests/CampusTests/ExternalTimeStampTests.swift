import Foundation
import TestSupport
import Testing

/// `campus issue --tsa URL`: signatures time-stamped by an external RFC 3161 authority (`openssl ts -reply`
/// behind HTTP, `scripts/test-tsa`, under its own root).
@Suite("External time-stamp authority")
struct ExternalTimeStampTests {
    /// `scripts/test-tsa` running in `folder` (its root in `folder/tsa-root.pem`), listening at `address`.
    final class AuthorityServer {
        let process = Process()
        let address: String
        let folder: URL

        init(folder: URL) throws {
            self.folder = folder
            process.executableURL = Campus.repository.appendingPathComponent("scripts/test-tsa")
            process.arguments = [folder.path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var text = ""
            while !text.contains("\n") {
                let data = output.fileHandleForReading.availableData
                guard !data.isEmpty else { break }
                text += String(decoding: data, as: UTF8.self)
            }
            guard let line = text.split(separator: "\n").first, line.hasPrefix("listening: ") else {
                process.terminate()
                throw CLIFailure("scripts/test-tsa did not start (needs python3 and openssl)")
            }
            address = String(line.dropFirst("listening: ".count))
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    @Test("a certificate stamped by the external authority verifies with its root; wrong answers stop issuing")
    func externalAuthority() throws {
        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try AuthorityServer(folder: folder.appendingPathComponent("tsa"))
        defer { server.stop() }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Campus.run(["keys", "init", "--dir", keys]).status == 0)
        let tsaRoot = server.folder.appendingPathComponent("tsa-root.pem").path
        func issue(_ path: String, _ extra: [String]) throws -> Campus.Output {
            try Campus.run(
                [
                    "issue", "--record", "question-banks/examples/record-scored.json", "--keys", keys, "--out",
                    folder.appendingPathComponent(path).path,
                ] + extra)
        }

        let issued = try issue("stamped.pdf", ["--tsa", server.address + "good", "--tsa-root", tsaRoot])
        try #require(issued.status == 0, "\(issued.stderr)")
        let pdf = folder.appendingPathComponent("stamped.pdf").path

        // Verifiers need the authority's root too: a folder of both roots, or the signed trust list.
        let trust = folder.appendingPathComponent("trust").path
        try FileManager.default.createDirectory(atPath: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys + "/root.pem", toPath: trust + "/root.pem")
        try FileManager.default.copyItem(atPath: tsaRoot, toPath: trust + "/tsa-root.pem")
        let verified = try Campus.run(["verify", pdf, "--trust", trust])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("proven by a time-stamp from Test External TSA"), "\(verified.stdout)")
        let rootOnly = try Campus.run(["verify", pdf, "--trust", keys + "/root.pem"])
        #expect(rootOnly.status == 1)
        #expect(rootOnly.stdout.contains("does not chain to a root you trust"), "\(rootOnly.stdout)")

        let external = folder.appendingPathComponent("external-tsa.pem").path
        let chain =
            try String(contentsOfFile: server.folder.appendingPathComponent("tsa.pem").path, encoding: .utf8)
            + String(contentsOfFile: tsaRoot, encoding: .utf8)
        try chain.write(toFile: external, atomically: true, encoding: .utf8)
        let list = folder.appendingPathComponent("trust.json").path
        let written = try Campus.run(["keys", "trust-list", "--dir", keys, "--out", list, "--external-tsa", external])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("2 roots, 1 issuer, 2 time-stamp authorities"), "\(written.stdout)")
        let withList = try Campus.run(["verify", pdf, "--trust", list, "--root", keys + "/root.pem"])
        #expect(withList.status == 0, "\(withList.stdout)\(withList.stderr)")

        // pyHanko judges the signature and the external token, trusting both roots (and not without the second).
        let judged = try ExternalTool.output(
            "pyhanko", ["sign", "validate", "--trust", keys + "/root.pem", "--trust", tsaRoot, "--trust-replace", pdf])
        #expect(judged.contains("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,UNTOUCHED"), "\(judged)")
        let untrusted = try ExternalTool.output(
            "pyhanko", ["sign", "validate", "--trust", keys + "/root.pem", "--trust-replace", pdf])
        #expect(!untrusted.contains("TIMESTAMP_TOKEN<INTACT:TRUSTED>"), "\(untrusted)")

        // Answers that must not end up in a signature: each stops issuing with the reason, and no PDF is written.
        let refusals: [(path: String, extra: [String], reason: String)] = [
            ("replay", ["--tsa-root", tsaRoot], "answered with a token for another request"),
            ("garbage", ["--tsa-root", tsaRoot], "did not answer with an RFC 3161 time-stamp response"),
            ("error", ["--tsa-root", tsaRoot], "answered HTTP 503"),
            ("reject", ["--tsa-root", tsaRoot], "refused the request (rejection)"),
            ("good", [], "does not verify against its roots"),
        ]
        for refusal in refusals {
            // A first good request makes the replayed answer; the others are refused before any answer is used.
            let output = try issue(
                "refused-\(refusal.path).pdf", ["--tsa", server.address + refusal.path] + refusal.extra)
            #expect(output.status != 0, "\(refusal.path)")
            #expect(output.stderr.contains(refusal.reason), "\(refusal.path): \(output.stderr)")
            #expect(
                !FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent("refused-\(refusal.path).pdf").path))
        }
        let unreachable = try issue("unreachable.pdf", ["--tsa", "http://127.0.0.1:9/", "--tsa-root", tsaRoot])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("could not be asked"), "\(unreachable.stderr)")
        let notHTTP = try issue("ftp.pdf", ["--tsa", "ftp://tsa.example.de/", "--tsa-root", tsaRoot])
        #expect(notHTTP.status != 0 && notHTTP.stderr.contains("http://HOST/PATH"), "\(notHTTP.stderr)")
        let lonelyRoot = try issue("lonely.pdf", ["--tsa-root", tsaRoot])
        #expect(lonelyRoot.status != 0 && lonelyRoot.stderr.contains("--tsa-root goes with --tsa"))
    }
}

/// A helper program that did not start.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
