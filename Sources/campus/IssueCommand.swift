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

    @Option(help: "Output folder (with --gradebook).")
    var outDir: String?

    @Option(help: "Base of the verification URL in the QR code.")
    var base = CertificateIssuer.defaultVerificationBase

    @Option(help: "Issue date for gradebook certificates, YYYY-MM-DD (default: today).")
    var issued: String?

    @Option(help: "Language of gradebook certificates: de or en.")
    var language = "de"

    @Option(help: "The issuer's registry of issued ids (default: registry.json in the --keys folder).")
    var registry: String?

    @Option(help: "The issuer's status list (with --gradebook): revoked learners are refused, lower tiers superseded.")
    var statusList: String?

    @Option(help: "Id of a revoked certificate to issue again (with --gradebook and --reason).")
    var reissue: String?

    @Option(help: "Why the revoked certificate is issued again (with --reissue).")
    var reason: String?

    func validate() throws {
        switch (record, gradebook) {
        case (_?, nil):
            guard out != nil else { throw ValidationError("--record needs --out FILE.pdf.") }
        case (nil, _?):
            guard outDir != nil else { throw ValidationError("--gradebook needs --out-dir DIR.") }
        default:
            throw ValidationError("Give either --record FILE or --gradebook FILE.")
        }
        guard (reissue == nil) == (reason == nil), reissue == nil || gradebook != nil else {
            throw ValidationError("--reissue ID and --reason TEXT go together, with --gradebook.")
        }
        guard CertificateRecord.Language(rawValue: language) != nil else {
            throw ValidationError("--language must be de or en.")
        }
    }

    func run() throws {
        let identity = try KeyFiles.identity(
            keys: keys, key: key, chain: chain, pkcs12: pkcs12, passphraseVariable: passphraseEnv)
        let issuer = try CertificateIssuer(identity: identity, verificationBase: base)
        if let record, let out {
            let data = try FileInput.read(record, limit: CertificateRecord.maximumJSONSize)
            let parsed: CertificateRecord
            do {
                parsed = try CertificateRecord.parse(json: Array(data), issuer: issuer.issuerName)
            } catch {
                throw CLIError("\(record): \(error.reason)")
            }
            let certificate = try issuer.issue(parsed)
            try write(certificate.pdf, to: out)
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

    private func write(_ bytes: [UInt8], to path: String) throws {
        // Write to a temporary file first, so a failure never leaves half a PDF behind.
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw CLIError("\(path): cannot be written")
        }
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
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
            throw CLIError("\(path): \(error.reason)")
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
        for (index, entry) in book.entries.enumerated() {
            let progress = "[\(index + 1)/\(total)]"
            switch entry {
            case .invalid(let label, let problem):
                failed += 1
                printError("\(progress) \(label): error: \(problem)")
            case .learner(let learner, let birthDate):
                let result = rules.grade(learner)
                let who = "\(progress) \(learner.id) \(learner.name)"
                guard result.isFinal else {
                    awaitingGrading += 1
                    printError(
                        "\(who): not issued, awaiting grading (\(result.awaitingGrading.joined(separator: "; ")))")
                    continue
                }
                guard let tier = result.highest else {
                    withoutTier += 1
                    printError("\(who): no tier (\(result.reasonsNotNext.joined(separator: "; ")))")
                    continue
                }
                let decision = IssueDecision.decide(
                    held: manifest.entries(learner: learner.id, course: book.course.id),
                    status: { statusList?.entry(for: $0) }, earned: tier, reissue: reissue)
                switch decision {
                case .keep(let held):
                    kept += 1
                    printError("\(who): kept \(held.tier.rawValue) \(held.id)\(held.file.map { " (\($0))" } ?? "")")
                    continue
                case .refuseRevoked(let held):
                    refused += 1
                    let why = statusList?.entry(for: held.id).map { ": \($0.reason)" } ?? ""
                    printError(
                        "\(who): refused, \(held.id) was revoked\(why); to issue again give --reissue \(held.id) --reason TEXT"
                    )
                    continue
                case .issue, .upgrade, .reissue: break
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
                    try keepAside(file, learner: learner.id, manifest: &manifest)
                    do {
                        try FileOutput.write(certificate.pdf, to: file, replace: true)
                    } catch {
                        throw CLIError(error.description)
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
                    printError("\(who): \(tier.rawValue) \(record.id) → \(file)")
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
                            printError("\(who): \(old.id) (\(old.tier.rawValue)) superseded by \(record.id)")
                        } else {
                            printError(
                                "\(who): \(old.id) (\(old.tier.rawValue)) must be superseded; run: campus status supersede "
                                    + "--keys \(keys ?? "DIR") --list FILE --id \(old.id) --by \(record.id) "
                                    + "--reason \"replaced by the higher tier \(tier.rawValue)\"")
                        }
                    }
                } catch {
                    // One learner's failure stops nothing else; what was issued so far is still recorded below.
                    failed += 1
                    printError("\(who): error: \(error)")
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

    /// Moves a PDF already at `file` to `<learner>-<id>.pdf`, named by the registry entry that wrote it.
    /// A PDF at `file` that the registry does not know is never replaced: that is an error.
    private func keepAside(_ file: String, learner: String, manifest: inout CertificateRegistry) throws {
        guard FileOutput.existing(file) != .nothing else { return }
        guard let owner = manifest.entries.last(where: { $0.file == file }) else {
            throw CLIError("\(file): exists and is not listed in issued.json; move it away first")
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
