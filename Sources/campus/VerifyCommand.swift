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
            by `campus keys init` holds issuer and root). TEXT is the QR code's URL or the bare token. \
            FILE is a status list written by `campus status`.
            Exit status: 0 valid, 1 invalid, 2 usage error or unreadable input.
            """
    )

    @Argument(help: "The certificate PDF.")
    var pdf: String?

    @Option(help: "Trusted roots: a PEM file or a folder of PEM files.")
    var trust: String?

    @Option(help: "The QR code's content (URL or bare token).")
    var token: String?

    @Option(help: "A signed status list (revoked and superseded certificates).")
    var status: String?

    @Flag(help: "Print the verdict as JSON.")
    var json = false

    @Option(help: "Largest PDF read, in bytes.")
    var maxSize = 10_000_000

    func run() throws {
        guard pdf != nil || token != nil else { usage("give a certificate PDF, --token TEXT, or both") }
        guard let trust else { usage("--trust ROOTS is required (a PEM file or a folder of PEM files)") }
        let trustList: TrustList
        do {
            trustList = try TrustList(pem: try Self.readTrust(trust))
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
        if let pdf {
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
            verdict = verifier.verify(pdf: Array(bytes), token: token)
        } else {
            verdict = verifier.verify(token: token ?? "")
        }
        try report(verdict)
        if !verdict.isValid { throw ExitCode(1) }
    }

    private func usage(_ message: String) -> Never {
        printError(
            "error: \(message)\nUsage: campus verify FILE.pdf --trust ROOTS [--token TEXT] [--status FILE] [--json]")
        Foundation.exit(2)
    }

    private func unreadable(_ message: String) -> Never {
        // The message may quote a trust list certificate's name.
        printError("error: \(TerminalSafe.text(message))")
        Foundation.exit(2)
    }

    /// The PEM bytes of a file, or of every `*.pem` file in a folder.
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
        for line in Self.humanLines(verdict) { print(line) }
    }

    /// The human form of a verdict: facts only from verified sources, what a document states without
    /// proof under its own heading, and every line terminal-safe.
    static func humanLines(_ verdict: CertificateVerdict) -> [String] {
        var lines: [String] = []
        if verdict.isValid {
            lines.append("verdict: valid")
        } else {
            lines.append("verdict: invalid — \(verdict.failures.first?.detail ?? "no check could be made")")
        }
        if let record = verdict.record {
            lines += facts(record)
        } else if let claims = verdict.claims {
            lines += facts(claims, signer: verdict.signer)
        }
        if !verdict.failures.isEmpty {
            lines.append("failed checks:")
            for failure in verdict.failures { lines.append("  - \(failure.name): \(failure.detail)") }
        }
        if let stated = verdict.unverifiedRecord {
            lines.append("stated by the document, not verified:")
            lines += facts(stated).map { "  " + $0 }
        }
        let passed = verdict.checks.filter { $0.passed && $0.checked }.map(\.name.rawValue)
        if !passed.isEmpty { lines.append("passed:   \(passed.joined(separator: ", "))") }
        for check in verdict.checks where !check.checked { lines.append("\(check.name): \(check.detail)") }
        if let asOf = verdict.statusAsOf { lines.append("status as of \(asOf)") }
        // Holder names, course titles, issuer names and reasons come from documents: escape what a terminal
        // would act on.
        return lines.map(TerminalSafe.text)
    }

    /// The lines stating a certificate record.
    private static func facts(_ record: CertificateRecord) -> [String] {
        let certificate = VerdictOutput.Certificate(record)
        var lines: [String] = []
        let born = certificate.birthDate.map { " (born \($0))" } ?? ""
        lines.append("holder:   \(certificate.holder)\(born)")
        lines.append(
            "course:   \(certificate.course) — \(certificate.provider) (\(certificate.start) – \(certificate.end))")
        lines.append("tier:     \(certificate.tier)")
        if let score = certificate.score {
            lines.append("score:    \(score.points) of \(score.max) points (\(score.percent) %)")
        }
        if let ects = certificate.ects { lines.append("ECTS:     \(ects)") }
        lines.append("issued:   \(certificate.issued)")
        lines.append("issuer:   \(certificate.issuer)")
        lines.append("id:       \(certificate.id)")
        return lines
    }

    /// The lines stating a verified token's claims, naming the trust list entry that verified it.
    private static func facts(_ claims: CertificateToken.Claims, signer: VerifiedSigner?) -> [String] {
        var lines = ["holder:   \(claims.name)", "course:   \(claims.course)", "tier:     \(claims.tier)"]
        if let score = claims.score { lines.append("score:    \(score)") }
        if let ects = claims.ects { lines.append("ECTS:     \(ects)") }
        lines.append("issued:   \(claims.issued)")
        if let signer { lines.append("issuer:   \(trustEntry(signer))") }
        lines.append("id:       \(claims.id)")
        return lines
    }

    /// The trust list entry a token was verified with: its name and the SHA-256 thumbprint (hex) of its
    /// certificate — the issuer certificate's own entry when it is on the trust list, otherwise its root's.
    static func trustEntry(_ signer: VerifiedSigner) -> String {
        "\(signer.trustListEntry.name) (trust list entry SHA-256 \(signer.trustListEntry.thumbprintHex))"
    }
}

/// The stable JSON form of a verdict (documented in the README).
struct VerdictOutput: Encodable {
    struct Certificate: Encodable {
        struct Score: Encodable {
            let points, max, percent: String
        }
        let id, holder: String
        let birthDate: String?
        let course, provider, start, end, tier, tierName: String
        let score: Score?
        let ects: String?
        let issued, issuer, language: String

        init(_ record: CertificateRecord) {
            id = record.id
            holder = record.holder.name
            birthDate = record.holder.birthDate
            course = record.course.title
            provider = record.course.provider
            start = record.course.start
            end = record.course.end
            tier = record.tier.rawValue
            tierName = record.language == .german ? record.tier.germanName : record.tier.englishName
            score = record.score.map {
                Score(
                    points: $0.points.formatted(places: 4), max: $0.maximum.formatted(places: 4),
                    percent: $0.percent.formatted(places: 2))
            }
            ects = record.course.ects?.formatted(places: 4)
            issued = record.issued
            issuer = record.issuer
            language = record.language.rawValue
        }
    }
    struct Signer: Encodable {
        let name, root, thumbprint: String
    }
    struct Status: Encodable {
        let status, date, reason: String
        let replacedBy: String?
    }
    let valid: Bool
    let certificate: Certificate?
    /// The token's claims, only when its signature verified with a trusted issuer key.
    let token: CertificateToken.Claims?
    let signer: Signer?
    let status: Status?
    /// When the status list that was checked was signed; absent when no current list was checked.
    let statusAsOf: String?
    let checks: [VerificationCheck]
    let reasons: [String]

    init(_ verdict: CertificateVerdict) {
        valid = verdict.isValid
        certificate = verdict.record.map(Certificate.init)
        token = verdict.claims
        signer = verdict.signer.map {
            Signer(name: $0.subjectName, root: $0.rootSubjectName, thumbprint: Digest.hex($0.thumbprint))
        }
        status = verdict.status.map {
            Status(status: $0.status.rawValue, date: $0.date, reason: $0.reason, replacedBy: $0.replacedBy)
        }
        statusAsOf = verdict.statusAsOf
        checks = verdict.checks
        reasons = verdict.failures.map(\.detail)
    }
}
