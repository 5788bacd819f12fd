import ArgumentParser
import Assessment
import Certificates
import Foundation

struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue signed PDF certificates with QR codes.",
        discussion: """
            One record:      campus issue --record RECORD.json --keys DIR --out FILE.pdf
            A gradebook:     campus issue --gradebook GRADEBOOK.json --keys DIR --out-dir DIR

            The verification base (the address in the QR code) has no default: give --base, set \
            CAMPUS_BASE_URL, or save it with `campus keys init --dir DIR --base URL` and issue with --keys DIR. \
            It must be https:// (http:// only with --allow-insecure-base, for test setups).
            Existing files are replaced only with --force; a folder is never replaced. Every file is written \
            to a temporary file in its folder and renamed into place, so a failure leaves no half-written file.

            With a gradebook, every learner who earned a tier gets DIR/<learner id>.pdf at the highest tier \
            earned, and DIR/issued.json lists what was issued. Learners without a tier are listed, not \
            failed; a bad learner entry is reported and stops nothing else (exit status 1 at the end).
            Keys: --keys DIR (issuer.key and issuer.pem from `campus keys init`), or --key FILE --chain FILE \
            (PEM), or --pkcs12 FILE with the passphrase in the environment variable named by --passphrase-env.
            """
    )

    @Option(help: "A certificate record (JSON, see README).")
    var record: String?

    @Option(help: "A gradebook (JSON, see README).")
    var gradebook: String?

    @Option(help: "Folder with issuer.key and issuer.pem.")
    var keys: String?

    @Option(help: "PEM private key of the issuer (with --chain).")
    var key: String?

    @Option(help: "PEM certificate chain: issuer certificate first.")
    var chain: String?

    @Option(help: "PKCS#12 file with the issuer key and chain.")
    var pkcs12: String?

    @Option(help: "Environment variable holding the PKCS#12 passphrase.")
    var passphraseEnv = "CAMPUS_PKCS12_PASSPHRASE"

    @Option(help: "Output PDF (with --record).")
    var out: String?

    @Option(help: "Output folder (with --gradebook; created when missing).")
    var outDir: String?

    @Flag(help: "Replace existing output files (a folder is never replaced).")
    var force = false

    @Option(
        help: ArgumentHelp(
            "Base of the verification URL in the QR code, e.g. https://campus.example.de.",
            discussion: "Default: $CAMPUS_BASE_URL, else the base saved by `campus keys init --base` in --keys DIR."))
    var base: String?

    @Flag(help: "Allow an http:// verification base (test setups only).")
    var allowInsecureBase = false

    @Option(help: "Issue date for gradebook certificates, YYYY-MM-DD (default: today).")
    var issued: String?

    @Option(help: "Language of gradebook certificates: de or en.")
    var language = "de"

    /// Name of the file in a keys folder that holds the verification base (`campus keys init --base`).
    static let baseFileName = "base-url"
    /// Environment variable with the verification base.
    static let baseVariable = "CAMPUS_BASE_URL"

    func validate() throws {
        switch (record, gradebook) {
        case (_?, nil):
            guard out != nil else { throw ValidationError("--record needs --out FILE.pdf.") }
        case (nil, _?):
            guard outDir != nil else { throw ValidationError("--gradebook needs --out-dir DIR.") }
        default:
            throw ValidationError("Give either --record FILE or --gradebook FILE.")
        }
        guard CertificateRecord.Language(rawValue: language) != nil else {
            throw ValidationError("--language must be de or en.")
        }
        if let issued {
            guard CalendarDate.isValid(issued) else { throw ValidationError("--issued must be a date YYYY-MM-DD.") }
            do {
                try Self.refuseFuture(issued, what: "--issued")
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    func run() throws {
        // Everything the user can get wrong about the output is checked before keys are loaded.
        let verificationBase = try resolvedBase()
        if let out {
            try FileOutput.checkWritable(out, replace: force)
        }
        if let outDir, case let existing = FileOutput.existing(outDir), existing != .nothing,
            existing != .folder, existing != .link(toFolder: true)
        {
            throw CLIError("\(outDir): is a file, not a folder; give --out-dir a folder (it is created when missing)")
        }
        if let gradebook {
            _ = try JSONInput.read(gradebook, limit: Gradebook.maximumSize)
        }
        let identity = try KeyFiles.identity(
            keys: keys, key: key, chain: chain, pkcs12: pkcs12, passphraseVariable: passphraseEnv)
        let issuer = try CertificateIssuer(identity: identity, verificationBase: verificationBase)
        if let record, let out {
            let data = try JSONInput.read(record, limit: CertificateRecord.maximumJSONSize)
            let parsed: CertificateRecord
            do {
                parsed = try CertificateRecord.parse(json: Array(data), issuer: issuer.issuerName)
            } catch {
                throw JSONInput.failure(record, error.reason)
            }
            do {
                try Self.refuseFuture(parsed.issued, what: "issued")
            } catch {
                throw JSONInput.failure(record, error.message)
            }
            let certificate = try issuer.issue(parsed)
            try FileOutput.write(certificate.pdf, to: out, replace: force)
            print("\(parsed.id) \(parsed.tier.rawValue) → \(out)")
            print("verify: \(certificate.verificationURL)")
        } else if let gradebook, let outDir {
            try issueGradebook(gradebook, into: outDir, issuer: issuer)
        }
    }

    /// The verification base from --base, $CAMPUS_BASE_URL or the keys folder, checked.
    private func resolvedBase() throws -> String {
        var chosen: (value: String, source: String)?
        if let base {
            chosen = (base, "--base")
        } else if let value = ProcessInfo.processInfo.environment[Self.baseVariable], !value.isEmpty {
            chosen = (value, Self.baseVariable)
        } else if let keys {
            let file = (keys as NSString).appendingPathComponent(Self.baseFileName)
            if FileOutput.existing(file) != .nothing {
                let data = try FileInput.read(file, limit: 4096)
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                chosen = (text, file)
            }
        }
        guard let chosen else {
            throw CLIError(
                "no verification base: give --base https://…, set \(Self.baseVariable), or save one with "
                    + "`campus keys init --dir DIR --base https://…` and issue with --keys DIR")
        }
        do {
            return try CertificateIssuer.checkedBase(chosen.value, allowInsecure: allowInsecureBase)
        } catch {
            throw CLIError("\(chosen.source): \(error.reason)")
        }
    }

    /// A date after today (in the time zone furthest ahead, so no one's today is refused).
    struct FutureDate: Error {
        let message: String
    }

    static func refuseFuture(_ date: String, what: String, now: Date = Date()) throws(FutureDate) {
        let zone = TimeZone(secondsFromGMT: 14 * 3600) ?? TimeZone(identifier: "UTC") ?? .current
        let day = Calendar(identifier: .gregorian).dateComponents(in: zone, from: now)
        let latest = String(format: "%04d-%02d-%02d", day.year ?? 1970, day.month ?? 1, day.day ?? 1)
        if date > latest {
            throw FutureDate(
                message:
                    "\(what) \(date) lies in the future (today is \(latest) at the latest); a certificate is dated the day it is issued"
            )
        }
    }

    private func issueGradebook(_ path: String, into folder: String, issuer: CertificateIssuer) throws {
        let data = try FileInput.read(path, limit: Gradebook.maximumSize)
        let book: Gradebook
        do {
            book = try Gradebook.parse(data)
        } catch {
            throw CLIError("\(path): \(error.reason)")
        }
        try FileOutput.prepareFolder(folder)
        let language = CertificateRecord.Language(rawValue: language) ?? .german
        let issueDate = issued ?? Self.today()
        let rules = book.course.rules
        var manifest: [IssuedEntry] = []
        var counts: [Tier: Int] = [:]
        var withoutTier = 0
        var awaitingGrading = 0
        var failed = 0
        let total = book.entries.count
        for (index, entry) in book.entries.enumerated() {
            let progress = "[\(index + 1)/\(total)]"
            switch entry {
            case .invalid(let label, let problem):
                failed += 1
                printError("\(progress) \(label): error: \(problem)")
            case .learner(let learner, let birthDate):
                let result = rules.grade(learner)
                guard result.isFinal else {
                    awaitingGrading += 1
                    printError(
                        "\(progress) \(learner.id) \(learner.name): not issued, awaiting grading (\(result.awaitingGrading.joined(separator: "; ")))"
                    )
                    continue
                }
                guard let tier = result.highest else {
                    withoutTier += 1
                    printError(
                        "\(progress) \(learner.id) \(learner.name): no tier (\(result.reasonsNotNext.joined(separator: "; ")))"
                    )
                    continue
                }
                let record = CertificateRecord(
                    id: CertificateID.random(), holder: .init(name: learner.name, birthDate: birthDate),
                    course: .init(
                        title: book.course.title, provider: book.course.provider,
                        ects: tier == .qualified ? rules.ects : nil, start: book.course.start, end: book.course.end),
                    tier: tier,
                    score: tier == .attendance ? nil : .init(points: result.points, maximum: result.maximum),
                    issued: issueDate, language: language, issuer: issuer.issuerName)
                do {
                    let certificate = try issuer.issue(record)
                    let file = (folder as NSString).appendingPathComponent("\(Self.fileName(learner.id)).pdf")
                    try FileOutput.write(certificate.pdf, to: file, replace: force)
                    counts[tier, default: 0] += 1
                    manifest.append(
                        IssuedEntry(
                            learner: learner.id, name: learner.name, id: record.id, tier: tier.rawValue, file: file))
                    printError("\(progress) \(learner.id) \(learner.name): \(tier.rawValue) \(record.id) → \(file)")
                } catch let error as CertificateError {
                    failed += 1
                    printError("\(progress) \(learner.id) \(learner.name): error: \(error.reason)")
                }
            }
        }
        let manifestPath = (folder as NSString).appendingPathComponent("issued.json")
        try FileOutput.write(try JSONOutput.encode(manifest), to: manifestPath, replace: force)
        let issuedCount = counts.values.reduce(0, +)
        print(
            "issued \(issuedCount) certificate\(issuedCount == 1 ? "" : "s") (qualified \(counts[.qualified, default: 0]), scored "
                + "\(counts[.scored, default: 0]), attendance \(counts[.attendance, default: 0])), no tier \(withoutTier), "
                + (awaitingGrading > 0 ? "awaiting grading \(awaitingGrading), " : "")
                + "failed \(failed); list: \(manifestPath)")
        if failed > 0 { throw ExitCode(1) }
    }

    struct IssuedEntry: Encodable {
        let learner, name, id, tier, file: String
    }

    static func today() -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }

    /// A learner id made safe as a file name.
    static func fileName(_ id: String) -> String {
        let safe = id.unicodeScalars.map { scalar -> Character in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_.".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        let name = String(safe).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return name.isEmpty ? "learner" : String(name.prefix(80))
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
