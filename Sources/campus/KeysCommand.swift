import ArgumentParser
import Certificates
import Foundation

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage issuer keys.",
        subcommands: [Initialize.self]
    )

    struct Initialize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a development root CA and issuer certificate (ECDSA P-256).",
            discussion: """
                Writes DIR/root.pem (the root certificate verifiers trust), DIR/issuer.pem (issuer \
                certificate followed by the root), DIR/issuer.key (the issuer's private key, mode 0600), and \
                DIR/tsa.pem and DIR/tsa.key (the time-stamp authority under the same root that dates every \
                signature, PAdES B-T; its key mode 0600). \
                With --base URL, DIR/base-url holds the verification base that `campus issue --keys DIR` \
                uses when neither --base nor CAMPUS_BASE_URL is given. Existing files are replaced only with \
                --force, and only after all of them were checked. The key is never printed. For production, \
                use a key and chain from your PKI with `campus issue --key FILE --chain FILE` or `--pkcs12 FILE`.
                """
        )

        @Option(help: "Folder for root.pem, issuer.pem, issuer.key, tsa.pem and tsa.key (created if missing).")
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
            var names = ["root.pem", "issuer.pem", "issuer.key", "tsa.pem", "tsa.key"]
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
            if let checkedBase {
                try FileOutput.write(checkedBase + "\n", to: files[5], replace: force)
            }
            print("root certificate:   \(files[0])  (give this to verifiers as the trust list)")
            print("issuer certificate: \(files[1])")
            print("issuer key:         \(files[2])  (mode 0600, keep it secret)")
            print("time-stamp cert:    \(files[3])  (dates every signature; verifiers trust it through the root)")
            print("time-stamp key:     \(files[4])  (mode 0600, keep it secret)")
            if let checkedBase { print("verification base:  \(checkedBase)  (saved in \(files[5]))") }
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
    static func identity(keys: String?, key: String?, chain: String?, pkcs12: String?, passphraseVariable: String)
        throws -> SigningIdentity
    {
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
        guard key == nil, let keys else { return identity }
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
