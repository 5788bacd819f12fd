import ArgumentParser
import Certificates
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Maintain the issuer's signed status list of revoked and superseded certificates.",
        subcommands: [Revoke.self, Supersede.self]
    )

    struct Common: ParsableArguments {
        @Option(help: "Folder with issuer.key and issuer.pem (the issuer that signs the list).")
        var keys: String

        @Option(help: "The status list file; created when missing.")
        var list: String

        @Option(help: "Certificate id.")
        var id: String

        @Option(help: "Reason shown to verifiers.")
        var reason: String

        @Option(help: "Date of the decision, YYYY-MM-DD (default: today).")
        var date: String?

        func update(_ entry: (String) -> StatusList.Entry) throws {
            let identity = try KeyFiles.identity(
                keys: keys, key: nil, chain: nil, pkcs12: nil, passphraseVariable: "CAMPUS_PKCS12_PASSPHRASE")
            var statusList = StatusList(issuerThumbprint: identity.keyThumbprint)
            if FileManager.default.fileExists(atPath: list) {
                let text = String(decoding: try FileInput.read(list, limit: StatusList.maximumSize), as: UTF8.self)
                switch StatusList.read(
                    signed: text, issuerCertificate: { $0 == identity.keyThumbprint ? identity.certificateDER : nil })
                {
                case .success(let existing): statusList = existing
                case .failure:
                    throw CLIError("\(list): not a status list signed by this issuer key; refusing to overwrite it")
                }
            }
            do {
                try statusList.record(entry(date ?? IssueCommand.today()))
                let signed = try statusList.signed(by: identity)
                try KeyFiles.write(signed + "\n", to: URL(fileURLWithPath: list), secret: false)
            } catch let error as CertificateError {
                throw CLIError(error.reason)
            }
            print("\(list): \(statusList.entries.count) entries, signed by \(identity.subjectName)")
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

        func run() throws {
            try common.update {
                StatusList.Entry(id: common.id, status: .superseded, date: $0, reason: common.reason, replacedBy: by)
            }
        }
    }
}
