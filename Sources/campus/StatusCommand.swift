import ArgumentParser
import Certificates
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Maintain the issuer's signed status list of revoked and superseded certificates.",
        discussion: """
            A list is current from its `updated` time until its `nextUpdate` (default 7 days later, \
            --valid-days N); verifiers refuse it afterwards, so re-sign it in time with `campus status refresh`.
            Only ids recorded in the issuer's registry (written by `campus issue`; --registry FILE, default \
            DIR/registry.json in the --keys folder) can be revoked or superseded.
            """,
        subcommands: [Revoke.self, Supersede.self, Refresh.self]
    )

    struct ListOptions: ParsableArguments {
        @Option(help: "Folder with issuer.key and issuer.pem (the issuer that signs the list).")
        var keys: String

        @Option(help: "The status list file.")
        var list: String

        @Option(help: "Days the signed list stays current (1 to 366).")
        var validDays = StatusList.defaultValidDays

        func validate() throws {
            guard (1...StatusList.maximumValidDays).contains(validDays) else {
                throw ValidationError("--valid-days must be 1 to \(StatusList.maximumValidDays).")
            }
        }

        /// The signing identity and the list on disk (a new empty list when `createMissing` and there is none).
        func load(createMissing: Bool) throws -> (SigningIdentity, StatusList) {
            let identity = try KeyFiles.identity(
                keys: keys, key: nil, chain: nil, pkcs12: nil, passphraseVariable: "CAMPUS_PKCS12_PASSPHRASE")
            guard FileOutput.existing(list) != .nothing else {
                guard createMissing else {
                    throw CLIError("\(list): no such status list; `campus status revoke` or `supersede` creates one")
                }
                return (identity, StatusList(issuerThumbprint: identity.keyThumbprint, validDays: validDays))
            }
            return (identity, try StatusListFile.read(list, identity: identity))
        }

        /// Signs `statusList` and replaces the file atomically.
        func save(_ statusList: StatusList, identity: SigningIdentity) throws {
            let signed: String
            do {
                signed = try statusList.signed(by: identity)
            } catch {
                throw CLIError(error.reason)
            }
            do {
                try FileOutput.write(signed + "\n", to: list, replace: true)
            } catch {
                throw CLIError(error.description)
            }
            print(
                "\(list): \(statusList.entries.count) entries, signed by \(identity.subjectName), "
                    + "current until \(statusList.nextUpdate ?? "?")")
        }
    }

    struct Common: ParsableArguments {
        @OptionGroup var listOptions: ListOptions

        @Option(help: "Certificate id.")
        var id: String

        @Option(help: "Reason shown to verifiers.")
        var reason: String

        @Option(help: "Date of the decision, YYYY-MM-DD (default: today).")
        var date: String?

        @Option(help: "The issuer's registry of issued ids (default: registry.json in the --keys folder).")
        var registry: String?

        func update(_ entry: (String) -> StatusList.Entry) throws {
            let registryPath = registry ?? (listOptions.keys as NSString).appendingPathComponent("registry.json")
            let known = try IssuerRegistryFile.read(registryPath)
            guard let known else {
                throw CLIError(
                    "\(registryPath): no issuer registry, so \(id) cannot be checked; `campus issue` records every id "
                        + "it issues there; give the registry it wrote with --registry FILE")
            }
            guard known.entry(id: id) != nil else {
                throw CLIError(
                    "\(id) was never issued by this issuer (not in \(registryPath)); check the id, or, if it was "
                        + "issued with another registry (campus issue --registry FILE), give that file with --registry FILE"
                )
            }
            let (identity, existing) = try listOptions.load(createMissing: true)
            var statusList = existing
            do {
                try statusList.record(entry(date ?? IssueCommand.today()), validDays: listOptions.validDays)
            } catch {
                throw CLIError(error.reason)
            }
            try listOptions.save(statusList, identity: identity)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate.")
        @OptionGroup var common: Common

        func run() throws {
            try common.update { StatusList.Entry(id: common.id, status: .revoked, date: $0, reason: common.reason) }
        }
    }

    struct Supersede: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a certificate as replaced by another.")
        @OptionGroup var common: Common

        @Option(help: "Id of the certificate that replaces it.")
        var by: String

        func validate() throws {
            guard by != common.id else {
                throw ValidationError(
                    "--by names the certificate itself; give the id of the certificate that replaces it.")
            }
        }

        func run() throws {
            try common.update {
                StatusList.Entry(id: common.id, status: .superseded, date: $0, reason: common.reason, replacedBy: by)
            }
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-sign the status list unchanged with new dates (updated now, nextUpdate --valid-days later).")
        @OptionGroup var listOptions: ListOptions

        func run() throws {
            var (identity, statusList) = try listOptions.load(createMissing: false)
            do {
                try statusList.refresh(validDays: listOptions.validDays)
            } catch {
                throw CLIError(error.reason)
            }
            try listOptions.save(statusList, identity: identity)
        }
    }
}

/// Reading the status list file the issuer maintains.
enum StatusListFile {
    /// The list at `path`, which must be signed by `identity` (old-format lists are read, to be refreshed).
    static func read(_ path: String, identity: SigningIdentity) throws -> StatusList {
        let text = String(decoding: try FileInput.read(path, limit: StatusList.maximumSize), as: UTF8.self)
        switch StatusList.read(
            signed: text, issuerCertificate: { $0 == identity.keyThumbprint ? identity.certificateDER : nil })
        {
        case .success(let existing): return existing
        case .failure:
            throw CLIError("\(path): not a status list signed by this issuer key; refusing to overwrite it")
        }
    }
}

/// The issuer's registry of every certificate id it issued.
enum IssuerRegistryFile {
    /// The registry at `path`, `nil` when there is no file; a damaged file is an error naming it.
    static func read(_ path: String) throws -> CertificateRegistry? {
        guard FileOutput.existing(path) != .nothing else { return nil }
        let bytes = try FileInput.read(path, limit: CertificateRegistry.maximumSize)
        do {
            return try CertificateRegistry.parse(Array(bytes))
        } catch {
            throw CLIError("\(path): \(error.reason)")
        }
    }

    /// Writes `registry` to `path` atomically.
    static func write(_ registry: CertificateRegistry, to path: String) throws {
        do {
            try FileOutput.write(registry.encoded(), to: path, replace: true)
        } catch {
            throw CLIError(error.description)
        }
    }
}
