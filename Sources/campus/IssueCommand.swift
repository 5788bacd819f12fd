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

    @OptionGroup(title: "Time-stamps")
    var timeStamps: TimeStampOptions

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

    @Option(help: "The issuer's registry of issued ids (default: registry.json in the --keys folder).")
    var registry: String?

    @Option(help: "The issuer's status list (with --gradebook): revoked learners are refused, lower tiers superseded.")
    var statusList: String?

    @Option(help: "Certificates signed at once with --gradebook, one per core (default: all cores).")
    var jobs: Int?

    @Option(help: "Id of a revoked certificate to issue again (with --gradebook and --reason).")
    var reissue: String?

    @Option(help: "Why the revoked certificate is issued again (with --reissue).")
    var reason: String?

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
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be 1 to 256.") }
        guard (reissue == nil) == (reason == nil), reissue == nil || gradebook != nil else {
            throw ValidationError("--reissue ID and --reason TEXT go together, with --gradebook.")
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
            keys: keys, key: key, chain: chain, pkcs12: pkcs12, passphraseVariable: passphraseEnv,
            externalTimeStamps: try timeStamps.external(keys: keys))
        let issuer = try CertificateIssuer(
            identity: identity, verificationBase: verificationBase, fonts: try Self.certificateFonts())
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
            try recordIssued([
                .init(
                    learner: "", name: parsed.holder.name, id: parsed.id, tier: parsed.tier, file: out,
                    issued: parsed.issued)
            ])
            print("\(parsed.id) \(parsed.tier.rawValue) → \(out)")
            print("verify: \(certificate.verificationURL)")
        } else if let gradebook, let outDir {
            try issueGradebook(gradebook, into: outDir, issuer: issuer, identity: identity)
        }
    }

    /// The DejaVu fonts of Debian's `fonts-dejavu-core`, read from `directory`.
    static func certificateFonts(directory: String = CertificateFonts.debianDirectory) throws -> CertificateFonts {
        let serif = (directory as NSString).appendingPathComponent(CertificateFonts.serifFileName)
        let sans = (directory as NSString).appendingPathComponent(CertificateFonts.sansFileName)
        return CertificateFonts(
            serif: Array(try FileInput.read(serif, limit: Font.maximumSize)),
            sans: Array(try FileInput.read(sans, limit: Font.maximumSize)), serifName: serif, sansName: sans)
    }

    /// The verification base from --base, $CAMPUS_BASE_URL or the keys folder, checked.
    private func resolvedBase() throws -> String {
        try Self.resolvedBase(base: base, keys: keys, allowInsecure: allowInsecureBase)
    }

    /// The verification base: `--base`, else `CAMPUS_BASE_URL`, else the keys folder's `base-url`.
    static func resolvedBase(base: String?, keys: String?, allowInsecure allowInsecureBase: Bool) throws -> String {
        var chosen: (value: String, source: String)?
        if let base {
            chosen = (base, "--base")
        } else if let value = ProcessInfo.processInfo.environment[baseVariable], !value.isEmpty {
            chosen = (value, baseVariable)
        } else if let keys {
            let file = (keys as NSString).appendingPathComponent(baseFileName)
            if FileOutput.existing(file) != .nothing {
                let data = try FileInput.read(file, limit: 4096)
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                chosen = (text, file)
            }
        }
        guard let chosen else {
            throw CLIError(
                "no verification base: give --base https://…, set \(baseVariable), or save one with "
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
        let latest = day(of: now, secondsFromGMT: 14 * 3600)
        if date > latest {
            throw FutureDate(
                message:
                    "\(what) \(date) lies in the future (today is \(latest) at the latest); a certificate is dated the day it is issued"
            )
        }
    }

    /// The issuer's registry file: --registry, else registry.json in the --keys folder, else none.
    private var registryPath: String? {
        registry ?? keys.map { ($0 as NSString).appendingPathComponent("registry.json") }
    }

    /// Adds `entries` to the issuer's registry, when there is one.
    private func recordIssued(_ entries: [CertificateRegistry.Entry]) throws {
        guard let registryPath, !entries.isEmpty else { return }
        var known = try IssuerRegistryFile.read(registryPath) ?? CertificateRegistry()
        for entry in entries { known.record(entry) }
        try IssuerRegistryFile.write(known, to: registryPath)
    }

    /// Issues a gradebook into `folder`, with `folder/issued.json` as the registry of what was issued there.
    ///
    /// Per learner, ``IssueDecision`` decides. A new certificate is written to `<learner>.pdf`; a PDF already
    /// there (a certificate being superseded or reissued) is first kept as `<learner>-<its id>.pdf`.
    private func issueGradebook(
        _ path: String, into folder: String, issuer: CertificateIssuer, identity: SigningIdentity
    ) throws {
        let data = try FileInput.read(path, limit: Gradebook.maximumSize)
        let book: Gradebook
        do {
            book = try Gradebook.parse(data)
        } catch {
            throw JSONInput.failure(path, error.reason)
        }
        do {
            try FileOutput.prepareFolder(folder)
        } catch {
            throw CLIError(error.description)
        }
        let manifestPath = (folder as NSString).appendingPathComponent("issued.json")
        var manifest = try IssuerRegistryFile.read(manifestPath) ?? CertificateRegistry()
        // Revocations are read from, and supersessions written to, the issuer's own list.
        var statusList: StatusList? = nil
        if let listPath = self.statusList, FileOutput.existing(listPath) != .nothing {
            statusList = try StatusListFile.read(listPath, identity: identity)
        } else if self.statusList != nil {
            statusList = StatusList(issuerThumbprint: identity.keyThumbprint)
        }
        if let reissue, manifest.entry(id: reissue) == nil {
            throw CLIError("--reissue \(reissue): no such certificate in \(manifestPath)")
        }
        let language = CertificateRecord.Language(rawValue: language) ?? .german
        let issueDate = issued ?? Self.today()
        let rules = book.course.rules
        var newEntries: [CertificateRegistry.Entry] = []
        var counts: [Tier: Int] = [:]
        var withoutTier = 0
        var awaitingGrading = 0
        var failed = 0
        var kept = 0
        var superseded = 0
        var refused = 0
        var statusChanged = false
        let total = book.entries.count
        // Decided one learner after another (each learner appears once, so no decision depends on another's
        // outcome); signed in batches on `jobs` threads; then written, recorded and reported in gradebook order.
        var plans: [GradebookPlan] = []
        for (index, entry) in book.entries.enumerated() {
            let progress = "[\(index + 1)/\(total)]"
            switch entry {
            case .invalid(let label, let problem):
                plans.append(.invalid("\(progress) \(label): error: \(problem)"))
            case .learner(let learner, let birthDate):
                let result = rules.grade(learner)
                let who = "\(progress) \(learner.id) \(learner.name)"
                // The record builder decides: no record while grading is open or when no tier is earned.
                guard
                    let record = CertificateRecord(
                        gradeResult: result, learner: learner, birthDate: birthDate, course: book.course,
                        issued: issueDate, language: language, issuer: issuer.issuerName)
                else {
                    if result.isFinal {
                        plans.append(.noTier("\(who): no tier (\(result.reasonsNotNext.joined(separator: "; ")))"))
                    } else {
                        plans.append(
                            .awaiting(
                                "\(who): not issued, awaiting grading (\(result.awaitingGrading.joined(separator: "; ")))"
                            ))
                    }
                    continue
                }
                let decision = IssueDecision.decide(
                    held: manifest.entries(learner: learner.id, course: book.course.id),
                    status: { statusList?.entry(for: $0) }, earned: record.tier, reissue: reissue)
                switch decision {
                case .keep(let held):
                    plans.append(
                        .kept("\(who): kept \(held.tier.rawValue) \(held.id)\(held.file.map { " (\($0))" } ?? "")"))
                case .refuseRevoked(let held):
                    let why = statusList?.entry(for: held.id).map { ": \($0.reason)" } ?? ""
                    plans.append(
                        .refused(
                            "\(who): refused, \(held.id) was revoked\(why); to issue again give --reissue \(held.id) "
                                + "--reason TEXT"))
                case .issue, .upgrade, .reissue:
                    plans.append(.issue(learner: learner, record: record, decision: decision, who: who))
                }
            }
        }
        let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        var start = 0
        while start < plans.count {
            let batch = plans[start..<min(plans.count, start + Self.batchSize)]
            start += batch.count
            let records = batch.compactMap { plan -> CertificateRecord? in
                if case .issue(_, let record, _, _) = plan { return record }
                return nil
            }
            var signed = issuer.issue(records, jobs: workers).makeIterator()
            for plan in batch {
                switch plan {
                case .invalid(let line):
                    failed += 1
                    printLearnerLine(line)
                case .noTier(let line):
                    withoutTier += 1
                    printLearnerLine(line)
                case .awaiting(let line):
                    awaitingGrading += 1
                    printLearnerLine(line)
                case .kept(let line):
                    kept += 1
                    printLearnerLine(line)
                case .refused(let line):
                    refused += 1
                    printLearnerLine(line)
                case .issue(let learner, let record, let decision, let who):
                    let tier = record.tier
                    do {
                        guard let outcome = signed.next() else { throw CLIError("the certificate was not issued") }
                        let certificate = try outcome.get()
                        let file = (folder as NSString).appendingPathComponent("\(Self.fileName(learner.id)).pdf")
                        try keepAside(file, learner: learner.id, manifest: &manifest)
                        do {
                            try FileOutput.write(certificate.pdf, to: file, replace: true)
                        } catch {
                            throw CLIError("\(error)")
                        }
                        counts[tier, default: 0] += 1
                        var issuedEntry = CertificateRegistry.Entry(
                            learner: learner.id, name: learner.name, id: record.id, tier: tier, file: file,
                            course: book.course.id, issued: issueDate)
                        if case .reissue(let old) = decision {
                            issuedEntry.reissueOf = old.id
                            issuedEntry.reason = reason
                            if let index = manifest.entries.firstIndex(where: { $0.id == old.id }) {
                                manifest.entries[index].status = .revoked
                            }
                        }
                        manifest.record(issuedEntry)
                        newEntries.append(issuedEntry)
                        printLearnerLine("\(who): \(tier.rawValue) \(record.id) → \(file)")
                        if case .upgrade(let old) = decision {
                            if var list = statusList {
                                try list.record(
                                    .init(
                                        id: old.id, status: .superseded, date: issueDate,
                                        reason: "replaced by the higher tier \(tier.rawValue)", replacedBy: record.id))
                                statusList = list
                                statusChanged = true
                                superseded += 1
                                manifest.markSuperseded(old.id, by: record.id)
                                printLearnerLine(
                                    "\(who): \(old.id) (\(old.tier.rawValue)) superseded by \(record.id)")
                            } else {
                                printLearnerLine(
                                    "\(who): \(old.id) (\(old.tier.rawValue)) must be superseded; run: campus status "
                                        + "supersede --keys \(keys ?? "DIR") --list FILE --id \(old.id) --by \(record.id) "
                                        + "--reason \"replaced by the higher tier \(tier.rawValue)\"")
                            }
                        }
                    } catch {
                        // One learner's failure stops nothing else; what was issued so far is still recorded below.
                        failed += 1
                        printLearnerLine("\(who): error: \(error)")
                    }
                }
            }
        }
        // The registries first: a PDF written is never left unrecorded.
        try IssuerRegistryFile.write(manifest, to: manifestPath)
        try recordIssued(newEntries)
        if statusChanged, let statusList, let listPath = self.statusList {
            do {
                try FileOutput.write(try statusList.signed(by: identity) + "\n", to: listPath, replace: true)
            } catch {
                throw CLIError(
                    "\(listPath): the supersessions could not be saved (\(error)); \(manifestPath) lists them "
                        + "(status superseded, replacedBy): record each with `campus status supersede`")
            }
        }
        let issuedCount = counts.values.reduce(0, +)
        print(
            "issued \(issuedCount) certificate\(issuedCount == 1 ? "" : "s") (qualified \(counts[.qualified, default: 0]), scored "
                + "\(counts[.scored, default: 0]), attendance \(counts[.attendance, default: 0])), no tier \(withoutTier), "
                + (awaitingGrading > 0 ? "awaiting grading \(awaitingGrading), " : "")
                + "failed \(failed), kept \(kept), superseded \(superseded), refused (revoked) \(refused); "
                + "list: \(manifestPath)")
        if failed > 0 { throw ExitCode(1) }
    }

    /// Certificates signed together before they are written: bounds the PDFs held in memory.
    static let batchSize = 256

    /// Moves a PDF already at `file` to `<learner>-<id>.pdf`, named by the registry entry that wrote it.
    /// A PDF at `file` that the registry does not know is never replaced: that is an error.
    private func keepAside(_ file: String, learner: String, manifest: inout CertificateRegistry) throws {
        guard FileOutput.existing(file) != .nothing else { return }
        guard let owner = manifest.entries.last(where: { $0.file == file }) else {
            // A file issued.json does not know: replaced only when the user asked for it.
            if force { return }
            throw CLIError(
                "\(file): exists already and is not listed in issued.json; move it away, or give --force to replace it")
        }
        let aside = (FileOutput.parentFolder(of: file) as NSString).appendingPathComponent(
            "\(Self.fileName(learner))-\(owner.id).pdf")
        let bytes = try FileInput.read(file, limit: 200_000_000)
        do {
            try FileOutput.write(Array(bytes), to: aside, replace: false)
        } catch {
            throw CLIError(error.description)
        }
        if let index = manifest.entries.firstIndex(where: { $0.id == owner.id }) {
            manifest.entries[index].file = aside
        }
    }

    /// Today in UTC, `YYYY-MM-DD`.
    static func today() -> String { day(of: Date(), secondsFromGMT: 0) }

    /// The calendar day of `date` at the given offset from UTC, `YYYY-MM-DD`.
    static func day(of date: Date, secondsFromGMT offset: Int) -> String {
        let zone = TimeZone(secondsFromGMT: offset) ?? .gmt
        let c = Calendar(identifier: .gregorian).dateComponents(in: zone, from: date)
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

/// What issuing a gradebook does for one entry, decided before any certificate is signed.
private enum GradebookPlan {
    case invalid(String), noTier(String), awaiting(String), kept(String), refused(String)
    case issue(learner: LearnerRecord, record: CertificateRecord, decision: IssueDecision, who: String)
}

/// Prints a line about a gradebook learner to standard error, terminal-safe: names, ids and reasons come from the
/// gradebook, so control characters, escape sequences and bidi controls in them are shown escaped.
func printLearnerLine(_ text: String) {
    printError(TerminalSafe.text(text))
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
