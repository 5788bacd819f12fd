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
                certificate followed by the root) and DIR/issuer.key (the issuer's private key, mode 0600). \
                The key is never printed. For production, use a key and chain from your PKI with \
                `campus issue --key FILE --chain FILE` or `--pkcs12 FILE`.
                """
        )

        @Option(help: "Folder for root.pem, issuer.pem and issuer.key (created if missing).")
        var dir: String

        @Option(help: "Issuer name printed on certificates (the certificate's common name).")
        var issuer = "KommunalCampus Zertifikatsstelle (Entwicklung)"

        @Option(help: "Organisation of the issuer.")
        var organization = "KommunalCampus"

        @Option(help: "Validity of the issuer certificate in years.")
        var years = 3

        @Flag(help: "Replace existing key files.")
        var force = false

        func run() throws {
            let folder = URL(fileURLWithPath: dir)
            let files = ["root.pem", "issuer.pem", "issuer.key"].map { folder.appendingPathComponent($0) }
            if !force, let existing = files.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
                throw CLIError("\(existing.path) already exists; use --force to replace the keys in \(dir)")
            }
            guard (1...30).contains(years) else { throw ValidationError("--years must be between 1 and 30.") }
            let pki = try DevelopmentPKI.create(issuerName: issuer, organization: organization, years: years)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try KeyFiles.write(pki.rootPEM, to: files[0], secret: false)
            try KeyFiles.write(pki.issuerPEM, to: files[1], secret: false)
            try KeyFiles.write(pki.issuerKeyPEM, to: files[2], secret: true)
            print("root certificate:   \(files[0].path)  (give this to verifiers as the trust list)")
            print("issuer certificate: \(files[1].path)")
            print("issuer key:         \(files[2].path)  (mode 0600, keep it secret)")
        }
    }
}

enum KeyFiles {
    /// Writes `text` to `url`; secret files are created with mode 0600 before any byte is written.
    static func write(_ text: String, to url: URL, secret: Bool) throws {
        let path = url.path
        try? FileManager.default.removeItem(at: url)
        guard
            FileManager.default.createFile(
                atPath: path, contents: nil, attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        else {
            throw CLIError("\(path): cannot be created")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(text.utf8))
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
        do {
            return try SigningIdentity(keyPEM: Array(keyData), chainPEM: Array(chainData))
        } catch {
            throw CLIError("\(keyPath), \(chainPath): \(error.reason)")
        }
    }
}
