import ArgumentParser
import Service
import Certificates
import Foundation

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage issuer keys.",
        subcommands: [Initialize.self, Rotate.self, TrustListCommand.self]
    )

    struct Initialize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a development root CA and issuer certificate (ECDSA P-256).",
            discussion: """
                Writes DIR/root.pem (the root certificate verifiers trust), DIR/issuer.pem (issuer \
                certificate followed by the root), DIR/issuer.key (the issuer's private key, mode 0600), and \
                DIR/tsa.pem and DIR/tsa.key (the time-stamp authority under the same root that dates every \
                signature, PAdES B-T; its key mode 0600), and DIR/root.key (the root's key, mode 0600: only \
                `campus keys trust-list` needs it; keep it offline). \
                With --base URL, DIR/base-url holds the verification base that `campus issue --keys DIR` \
                uses when neither --base nor CAMPUS_BASE_URL is given. Existing files are replaced only with \
                --force, and only after all of them were checked. The key is never printed. For production, \
                use a key and chain from your PKI with `campus issue --key FILE --chain FILE` or `--pkcs12 FILE`.
                """
        )

        @Option(
            help: "Folder for root.pem, issuer.pem, issuer.key, tsa.pem, tsa.key and root.key (created if missing).")
        var dir: String

        @Option(help: "Issuer name printed on certificates (the certificate's common name).")
        var issuer = "KommunalCampus Zertifikatsstelle (Entwicklung)"

        @Option(help: "Organisation of the issuer.")
        var organization = "KommunalCampus"

        @Option(help: "Validity of the issuer certificate in years.")
        var years = 3

        @Flag(help: "Replace existing key files (a folder is never replaced).")
        var force = false

        @Option(
            help: "Verification base saved as DIR/base-url; `campus issue --keys DIR` uses it when --base is not given."
        )
        var base: String?

        @Flag(help: "Allow an http:// --base (test setups only).")
        var allowInsecureBase = false

        func run() throws {
            guard (1...30).contains(years) else { throw ValidationError("--years must be between 1 and 30.") }
            var checkedBase: String?
            if let base {
                do {
                    checkedBase = try CertificateIssuer.checkedBase(base, allowInsecure: allowInsecureBase)
                } catch {
                    throw CLIError("--base: \(error.reason)")
                }
            }
            try FileOutput.prepareFolder(dir)
            var names = ["root.pem", "issuer.pem", "issuer.key", "tsa.pem", "tsa.key", "root.key"]
            if checkedBase != nil { names.append(IssueCommand.baseFileName) }
            let files = names.map { (dir as NSString).appendingPathComponent($0) }
            // Every file is checked before any is written, so keys are never left half replaced.
            var refusals: [String] = []
            for file in files {
                do {
                    try FileOutput.checkWritable(file, replace: force)
                } catch {
                    refusals.append(error.description)
                }
            }
            if !refusals.isEmpty { throw CLIError(refusals.joined(separator: "\n")) }
            let pki = try DevelopmentPKI.create(issuerName: issuer, organization: organization, years: years)
            try FileOutput.write(pki.rootPEM, to: files[0], replace: force)
            try FileOutput.write(pki.issuerPEM, to: files[1], replace: force)
            try FileOutput.write(pki.issuerKeyPEM, to: files[2], replace: force, mode: 0o600)
            try FileOutput.write(pki.timeStampPEM, to: files[3], replace: force)
            try FileOutput.write(pki.timeStampKeyPEM, to: files[4], replace: force, mode: 0o600)
            try FileOutput.write(pki.rootKeyPEM, to: files[5], replace: force, mode: 0o600)
            if let checkedBase {
                try FileOutput.write(checkedBase + "\n", to: files[6], replace: force)
            }
            print("root certificate:   \(files[0])  (give this to verifiers as the trust list)")
            print("issuer certificate: \(files[1])")
            print("issuer key:         \(files[2])  (mode 0600, keep it secret)")
            print("time-stamp cert:    \(files[3])  (dates every signature; verifiers trust it through the root)")
            print("time-stamp key:     \(files[4])  (mode 0600, keep it secret)")
            print(
                "root key:           \(files[5])  (mode 0600; only `campus keys trust-list` needs it: keep it offline)")
            if let checkedBase { print("verification base:  \(checkedBase)  (saved in \(files[6]))") }
        }
    }
}

extension KeysCommand {
    /// The root certificate and key of keys folder `dir`; without `root.key`, an error saying that the key is
    /// needed to `toDo`.
    static func root(in dir: String, toDo: String) throws -> (pem: Data, key: Data) {
        let keyPath = (dir as NSString).appendingPathComponent("root.key")
        let pem = try FileInput.read((dir as NSString).appendingPathComponent("root.pem"), limit: 1_000_000)
        do {
            return (pem, try FileInput.read(keyPath, limit: 1_000_000))
        } catch {
            throw CLIError(
                "\(keyPath): the root's key is needed to \(toDo); keys made before it was kept cannot do this "
                    + "(make new keys with `campus keys init`)")
        }
    }

    /// `campus keys rotate`: a new issuer key under the same root; the old one retired, kept.
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new issuer key and certificate under the same root and retire the old one.",
            discussion: """
                Needs DIR/root.pem and DIR/root.key (from `campus keys init`). The old DIR/issuer.pem and \
                DIR/issuer.key are kept as DIR/retired/issuer-TIME.pem and .key (no longer used to sign; what \
                they signed stays valid); the new issuer has the old one's name. Publish a new trust list \
                afterwards (`campus keys trust-list`): it lists both, the old one as retired.
                """)

        @Option(help: "The keys folder (from `campus keys init`).")
        var dir: String

        @Option(help: "Validity of the new issuer certificate in years.")
        var years = 3

        func validate() throws {
            guard (1...30).contains(years) else { throw ValidationError("--years must be between 1 and 30.") }
        }

        func run() throws {
            func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
            let (rootPEM, rootKey) = try KeysCommand.root(in: dir, toDo: "certify a new issuer")
            let issuerPEM = try FileInput.read(path("issuer.pem"), limit: 1_000_000)
            let issuerKey = try FileInput.read(path("issuer.key"), limit: 1_000_000)
            let rotated: (issuerPEM: String, issuerKeyPEM: String, notAfter: Date)
            do {
                rotated = try DevelopmentPKI.rotatedIssuer(
                    rootPEM: Array(rootPEM), rootKeyPEM: Array(rootKey), previousIssuerPEM: Array(issuerPEM),
                    years: years)
            } catch {
                throw CLIError("\(dir): \(error.reason)")
            }
            // The old key and certificate are kept first; only then are they replaced.
            let stamp = Timestamp.text(Date()).replacingOccurrences(of: "-", with: "")
                .replacingOccurrences(of: ":", with: "")
            let retired = path("retired")
            try FileOutput.prepareFolder(retired)
            let retiredPEM = (retired as NSString).appendingPathComponent("issuer-\(stamp).pem")
            let retiredKey = (retired as NSString).appendingPathComponent("issuer-\(stamp).key")
            try FileOutput.write(String(decoding: issuerPEM, as: UTF8.self), to: retiredPEM, replace: false)
            try FileOutput.write(
                String(decoding: issuerKey, as: UTF8.self), to: retiredKey, replace: false, mode: 0o600)
            try FileOutput.write(rotated.issuerPEM, to: path("issuer.pem"), replace: true)
            try FileOutput.write(rotated.issuerKeyPEM, to: path("issuer.key"), replace: true, mode: 0o600)
            print("retired issuer:     \(retiredPEM)  (kept; no longer signs; what it signed stays valid)")
            print("new issuer:         \(path("issuer.pem"))  (valid until \(Timestamp.text(rotated.notAfter)))")
            print("publish a new trust list: campus keys trust-list --dir \(dir) --out trust.json --force")
        }
    }

    /// `campus keys trust-list`: the signed trust list of a keys folder.
    struct TrustListCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trust-list",
            abstract: "Write the trust list of a keys folder, signed by its root's key.",
            discussion: """
                Lists the root (DIR/root.pem), the issuer certificate (DIR/issuer.pem, status active, from the \
                start of its validity), the issuers retired by `campus keys rotate` (DIR/retired/, status \
                retired) and the time-stamp authority (DIR/tsa.pem), signs the list with \
                DIR/root.key (ES256) and writes it to --out as a JSON object. Verifiers who trust only the \
                root check QR tokens and old signatures with it: `campus verify --trust trust.json --root \
                root.pem`. Publish it where verifiers find it, and replace it before its nextUpdate (the \
                service does not serve it yet). An external time-stamp authority (--tsa of issue and serve) \
                is listed with --external-tsa. An existing file is replaced only with --force.
                """)

        @Option(help: "The keys folder (from `campus keys init`).")
        var dir: String

        @Option(help: "Where to write the signed trust list.")
        var out: String

        @Option(help: "Days until the list must be replaced (its nextUpdate).")
        var days = 30

        @Option(
            help: """
                Announce the issuer key compromised since this time (YYYY-MM-DDTHH:MM:SSZ): what it signed later, \
                or without a time-stamp, is invalid.
                """)
        var issuerCompromisedSince: String?

        @Option(
            help: ArgumentHelp(
                "An external time-stamp authority (`--tsa` of issue and serve): a PEM file with its certificate "
                    + "first and the root it chains to last; both are listed (repeatable).",
                valueName: "file"))
        var externalTsa: [String] = []

        @Flag(help: "Replace an existing --out file.")
        var force = false

        func validate() throws {
            guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366.") }
            if let since = issuerCompromisedSince, Timestamp.date(since) == nil {
                throw ValidationError("--issuer-compromised-since must be a time YYYY-MM-DDTHH:MM:SSZ.")
            }
        }

        func run() throws {
            func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
            try FileOutput.checkWritable(out, replace: force)
            let (rootPEM, rootKey) = try KeysCommand.root(in: dir, toDo: "sign the trust list")
            let issuerPEM = try FileInput.read(path("issuer.pem"), limit: 1_000_000)
            let tsaPEM =
                FileManager.default.fileExists(atPath: path("tsa.pem"))
                ? try FileInput.read(path("tsa.pem"), limit: 1_000_000) : nil
            let retired = try retiredIssuers()
            let external = try externalTsa.map { try FileInput.read($0, limit: 1_000_000) }
            let signed: String
            var listedRoots = 1
            do {
                let root = try SigningIdentity(keyPEM: Array(rootKey), chainPEM: Array(rootPEM))
                let issuer = try CertificateFile.first(Array(issuerPEM))
                var authorities: [PublishedTrustList.Entry] = []
                if let tsaPEM {
                    let tsa = try CertificateFile.first(Array(tsaPEM))
                    authorities.append(.init(certificate: tsa.der, status: .active, from: tsa.notBefore))
                }
                var roots = [root.certificateDER]
                for (index, pem) in external.enumerated() {
                    let certificates: [(der: [UInt8], notBefore: String?)]
                    do {
                        certificates = try CertificateFile.all(Array(pem))
                    } catch {
                        throw CLIError("\(externalTsa[index]): \(error.reason)")
                    }
                    authorities.append(
                        .init(certificate: certificates[0].der, status: .active, from: certificates[0].notBefore))
                    if certificates.count > 1, let last = certificates.last, !roots.contains(last.der) {
                        roots.append(last.der)
                    }
                }
                let list = PublishedTrustList(
                    roots: roots,
                    issuers: [
                        .init(
                            certificate: issuer.der, status: issuerCompromisedSince == nil ? .active : .compromised,
                            from: issuer.notBefore, compromisedSince: issuerCompromisedSince)
                    ] + retired,
                    timeStampAuthorities: authorities, validDays: days)
                listedRoots = roots.count
                signed = try list.signed(by: root)
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("\(dir): \(error)")
            }
            try FileOutput.write(signed, to: out, replace: force)
            let issuers = 1 + retired.count
            let authorities = (tsaPEM == nil ? 0 : 1) + external.count
            print(
                "trust list: \(out)  (\(listedRoots) root\(listedRoots == 1 ? "" : "s"), \(issuers) "
                    + "issuer\(issuers == 1 ? "" : "s"), \(authorities) time-stamp "
                    + "authorit\(authorities == 1 ? "y" : "ies"); replace it within \(days) days)")
        }

        /// The retired issuer certificates (`DIR/retired/issuer-TIME.pem` from `campus keys rotate`), each listed
        /// as retired from the start of its validity until TIME.
        func retiredIssuers() throws -> [PublishedTrustList.Entry] {
            let folder = (dir as NSString).appendingPathComponent("retired")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasPrefix("issuer-") && $0.hasSuffix(".pem") }.sorted()
            return try names.prefix(100).map { name in
                let file = try CertificateFile.first(
                    Array(try FileInput.read((folder as NSString).appendingPathComponent(name), limit: 1_000_000)))
                // issuer-20261203T154500Z.pem: retired at 2026-12-03T15:45:00Z.
                let text = String(name.dropFirst("issuer-".count).dropLast(".pem".count))
                var until: String?
                if text.count == 16 {
                    let parts = [
                        text.prefix(4), text.dropFirst(4).prefix(2), text.dropFirst(6).prefix(2),
                        text.dropFirst(9).prefix(2), text.dropFirst(11).prefix(2), text.dropFirst(13).prefix(2),
                    ]
                    until = Timestamp.date(
                        "\(parts[0])-\(parts[1])-\(parts[2])T\(parts[3]):\(parts[4]):\(parts[5])Z"
                    ).map(Timestamp.text)
                }
                return PublishedTrustList.Entry(
                    certificate: file.der, status: .retired, from: file.notBefore, until: until)
            }
        }
    }
}

enum KeyFiles {
    /// Writes `text` to `url` atomically, replacing an existing file (never a folder); secret files get
    /// mode 0600 before any byte is written.
    static func write(_ text: String, to url: URL, secret: Bool) throws {
        try FileOutput.write(text, to: url.path, replace: true, mode: secret ? 0o600 : 0o644)
    }

    /// Loads the signing identity from a keys folder, a key and chain, or a PKCS#12 file.
    /// With `externalTimeStamps`, every signature is time-stamped by that authority instead of the folder's own.
    static func identity(
        keys: String?, key: String?, chain: String?, pkcs12: String?, passphraseVariable: String,
        externalTimeStamps: ExternalTimeStamps? = nil
    ) throws -> SigningIdentity {
        let identity = try identity(
            keys: keys, key: key, chain: chain, pkcs12: pkcs12, passphraseVariable: passphraseVariable,
            ownTimeStamps: externalTimeStamps == nil)
        guard let externalTimeStamps else { return identity }
        do {
            return try externalTimeStamps.stamping(identity)
        } catch {
            throw CLIError("--tsa-root: \(error.reason)")
        }
    }

    private static func identity(
        keys: String?, key: String?, chain: String?, pkcs12: String?, passphraseVariable: String, ownTimeStamps: Bool
    ) throws -> SigningIdentity {
        if let pkcs12 {
            let data = try FileInput.read(pkcs12, limit: 1_000_000)
            guard let passphrase = ProcessInfo.processInfo.environment[passphraseVariable] else {
                throw CLIError("set the passphrase of \(pkcs12) in the environment variable \(passphraseVariable)")
            }
            do {
                return try SigningIdentity(pkcs12: Array(data), passphrase: passphrase)
            } catch {
                throw CLIError("\(pkcs12): \(error.reason)")
            }
        }
        let keyPath: String
        let chainPath: String
        if let key, let chain {
            (keyPath, chainPath) = (key, chain)
        } else if let keys {
            keyPath = (keys as NSString).appendingPathComponent("issuer.key")
            chainPath = (keys as NSString).appendingPathComponent("issuer.pem")
        } else {
            throw ValidationError("Give --keys DIR, or --key FILE with --chain FILE, or --pkcs12 FILE.")
        }
        let keyData = try FileInput.read(keyPath, limit: 1_000_000)
        let chainData = try FileInput.read(chainPath, limit: 1_000_000)
        let identity: SigningIdentity
        do {
            identity = try SigningIdentity(keyPEM: Array(keyData), chainPEM: Array(chainData))
        } catch {
            throw CLIError("\(keyPath), \(chainPath): \(error.reason)")
        }
        // A keys folder with a time-stamp authority (`campus keys init`): every signature is time-stamped.
        guard ownTimeStamps, key == nil, let keys else { return identity }
        let tsaKey = (keys as NSString).appendingPathComponent("tsa.key")
        let tsaCertificate = (keys as NSString).appendingPathComponent("tsa.pem")
        guard FileManager.default.fileExists(atPath: tsaKey) || FileManager.default.fileExists(atPath: tsaCertificate)
        else { return identity }
        let tsaKeyData = try FileInput.read(tsaKey, limit: 1_000_000)
        let tsaCertificateData = try FileInput.read(tsaCertificate, limit: 1_000_000)
        do {
            return try identity.timeStamping(keyPEM: Array(tsaKeyData), certificatePEM: Array(tsaCertificateData))
        } catch {
            throw CLIError("\(tsaKey), \(tsaCertificate): \(error.reason)")
        }
    }
}

/// `--tsa URL` and `--tsa-root FILE`: an external RFC 3161 time-stamp authority.
struct TimeStampOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "An external RFC 3161 time-stamp authority (http:// or https://) that dates every signature, instead of "
                + "the keys folder's own (tsa.pem, tsa.key).",
            valueName: "url"))
    var tsa: String?

    @Option(
        help: ArgumentHelp(
            "With --tsa: the root(s) (PEM) the authority's certificate chains to (default: root.pem of --keys). "
                + "Verifiers need them too.",
            valueName: "file"))
    var tsaRoot: String?

    /// The authority to ask, or nil for none; `keys` is the keys folder (for its root.pem).
    func external(keys: String?) throws -> ExternalTimeStamps? {
        guard let tsa else {
            if tsaRoot != nil { throw ValidationError("--tsa-root goes with --tsa URL.") }
            return nil
        }
        let rootPath: String
        if let tsaRoot {
            rootPath = tsaRoot
        } else if let keys {
            rootPath = (keys as NSString).appendingPathComponent("root.pem")
        } else {
            throw ValidationError(
                "--tsa needs --tsa-root FILE: the root the time-stamp authority's certificate chains to.")
        }
        let roots = try FileInput.read(rootPath, limit: 1_000_000)
        do {
            return try ExternalTimeStamps(address: tsa, rootsPEM: Array(roots))
        } catch {
            throw CLIError(error.reason)
        }
    }
}
