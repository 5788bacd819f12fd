import ArgumentParser
import Certificates
import Foundation
import Verify

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a certificate PDF or QR token offline.",
        discussion: """
            campus verify FILE.pdf --trust ROOTS [--token TEXT] [--status FILE] [--json]
            campus verify --token TEXT --trust ROOTS [--status FILE] [--json]

            ROOTS is a PEM file or a folder of *.pem files with the trusted root certificates; to check \
            a QR token on its own, the list must also hold the issuer certificates (the issuer.pem written \
            by `campus keys init` holds issuer and root). TEXT is the QR code's whole URL (BASE/V/ID#TOKEN): \
            the token is signed with the id in it, so a compact token alone is checked only with its PDF. \
            FILE is a status list written by `campus status`.
            Exit status: 0 valid, 1 invalid, 2 usage error or unreadable input, 3 genuine but expired (its \
            last valid day has passed).
            """
    )

    @Argument(help: "The certificate PDF.")
    var pdf: String?

    @Option(
        help: """
            Trusted roots: a PEM file or a folder of PEM files; or an issuer's signed trust list (trust.json from \
            `campus keys trust-list`), checked against --root.
            """)
    var trust: String?

    @Option(help: "With a signed trust list as --trust: the root (PEM) you already trust that must have signed it.")
    var root: String?

    @Option(help: "The QR code's content: the whole URL (a bare token only with its PDF, or an old JWS token).")
    var token: String?

    @Option(help: "An Open Badges 3.0 credential (JWT from `campus credential export`) to verify instead of a PDF.")
    var credential: String?

    @Option(help: "A signed status list (revoked and superseded certificates).")
    var status: String?

    @Flag(help: "Print the verdict as JSON.")
    var json = false

    @Option(help: "Largest PDF read, in bytes.")
    var maxSize = 10_000_000

    @Option(
        help: """
            Judge as of this time instead of now (for audits): YYYY-MM-DD (midnight UTC) or an ISO 8601 time \
            such as 2031-06-01T12:00:00Z.
            """)
    var at: String?

    /// The time of the check: `--at`, or now.
    func checkTime() -> Date {
        guard let at else { return Date() }
        let text = at.count == 10 ? at + "T00:00:00Z" : at
        guard at.utf8.count <= 40, let time = try? Date(text, strategy: .iso8601) else {
            usage("--at '\(at.prefix(40))' is not a date: give YYYY-MM-DD or 2031-06-01T12:00:00Z")
        }
        return time
    }

    func run() throws {
        guard pdf != nil || token != nil || credential != nil else {
            usage("give a certificate PDF, --token TEXT, or both; or --credential FILE.jwt")
        }
        if credential != nil, pdf != nil || token != nil {
            usage("--credential FILE.jwt is verified on its own, without a PDF or --token")
        }
        guard let trust else { usage("--trust ROOTS is required (a PEM file or a folder of PEM files)") }
        let time = checkTime()
        let trustList: TrustList
        do {
            let bytes = try Self.readTrust(trust)
            if bytes.first(where: { !Character(UnicodeScalar($0)).isWhitespace }) == UInt8(ascii: "{") {
                trustList = try signedTrustList(String(decoding: bytes, as: UTF8.self), path: trust, at: time)
            } else {
                trustList = try TrustList(pem: bytes)
            }
        } catch let failure as VerificationFailure {
            unreadable("\(trust): \(failure.reason)")
        } catch {
            unreadable("\(error)")
        }
        var statusText: String? = nil
        if let status {
            do {
                statusText = String(decoding: try FileInput.read(status, limit: StatusList.maximumSize), as: UTF8.self)
            } catch {
                unreadable("\(error)")
            }
        }
        let verifier = CertificateVerifier(trust: trustList, status: statusText, maximumSize: maxSize)
        let verdict: CertificateVerdict
        if let credential {
            let text: String
            do {
                text = String(
                    decoding: try FileInput.read(credential, limit: OpenBadgeCredential.maximumLength), as: UTF8.self)
            } catch {
                unreadable("\(error)")
            }
            verdict = verifier.verify(credential: text, at: time)
        } else if let pdf {
            // A file over the size limit is a verdict (refused), not a usage error; anything unreadable is.
            let size = (try? FileManager.default.attributesOfItem(atPath: pdf)[.size] as? NSNumber)?.intValue ?? 0
            if size > maxSize {
                verdict = CertificateVerdict.refused(
                    reason: "the file is \(size) bytes; at most \(maxSize) bytes are read (--max-size)")
                try report(verdict)
                throw ExitCode(1)
            }
            let bytes: Data
            do {
                bytes = try FileInput.read(pdf, limit: maxSize)
            } catch {
                unreadable("\(error)")
            }
            verdict = verifier.verify(pdf: Array(bytes), token: token, at: time)
        } else {
            verdict = verifier.verify(token: token ?? "", at: time)
        }
        try report(verdict)
        // 3: genuine but expired; 1: invalid.
        if verdict.isExpired { throw ExitCode(3) }
        if !verdict.isValid { throw ExitCode(1) }
    }

    private func usage(_ message: String) -> Never {
        printError(
            "error: \(message)\nUsage: campus verify FILE.pdf --trust ROOTS [--token TEXT] [--status FILE] [--at DATE] [--json]"
                + "\n       campus verify --credential FILE.jwt --trust ROOTS [--status FILE] [--at DATE] [--json]"
        )
        Foundation.exit(2)
    }

    private func unreadable(_ message: String) -> Never {
        // The message may quote a trust list certificate's name.
        printError("error: \(TerminalSafe.text(message))")
        Foundation.exit(2)
    }

    /// The PEM bytes of a file, or of every `*.pem` file in a folder.
    /// The certificates of a signed trust list, after checking its signature against `--root`.
    private func signedTrustList(_ text: String, path: String, at time: Date) throws -> TrustList {
        guard let root else {
            usage("\(path) is a signed trust list: give --root ROOT.pem, the root you trust that signed it")
        }
        let roots = try TrustList(pem: Self.readTrust(root)).certificatesDER
        switch PublishedTrustList.read(signed: text, trustedRoots: roots, at: time) {
        case .success(let list):
            let entries = list.issuers + list.timeStampAuthorities
            var compromised: [[UInt8]: Date] = [:]
            for entry in entries {
                if let since = entry.compromisedSince.flatMap(Timestamp.date) { compromised[entry.thumbprint] = since }
            }
            return try TrustList(der: roots + list.roots + entries.map(\.certificate), compromised: compromised)
        case .failure(let problem):
            unreadable("\(path): \(problem)")
        }
    }

    static func readTrust(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return Array(try FileInput.read(path, limit: 5_000_000)) }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".pem") }.sorted()
        var bytes: [UInt8] = []
        for name in names.prefix(1000) {
            bytes += Array(try FileInput.read((path as NSString).appendingPathComponent(name), limit: 5_000_000))
            bytes.append(0x0A)
        }
        return bytes
    }

    private func report(_ verdict: CertificateVerdict) throws {
        if json {
            print(try JSONOutput.encode(VerdictOutput(verdict)))
            return
        }
        for line in verdict.humanLines { print(line) }
    }
}
