import ArgumentParser
import Certificates
import Foundation
import Verify

/// `campus credential export`: a certificate as an Open Badges 3.0 credential.
struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: "Open Badges 3.0 credentials of certificates.",
        subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a certificate PDF as an Open Badges 3.0 credential (a JWT signed by the issuer key).",
            discussion: """
                The PDF must verify against the keys folder's root (DIR/root.pem) and name this issuer. The \
                credential (an OpenBadgeCredential, W3C VC Data Model 2.0, secured as a JWT: ES256, typ vc+jwt, \
                kid the issuer certificate's SHA-256 thumbprint) states the holder, the course and tier as the \
                achievement, the score, ECTS credits, validFrom and validUntil, and points at the issuer's status \
                list. Wallets and HR systems read it; `campus verify --credential FILE.jwt --trust …` checks it.
                """)

        @Option(help: "The certificate PDF (from `campus issue` or the service).")
        var pdf: String

        @Option(help: "The issuer's keys folder (from `campus keys init`): signs the credential.")
        var keys: String

        @Option(help: "Where to write the credential (JWT).")
        var out: String

        @Option(help: "The service's public address in the credential's ids (default: as `campus issue` finds it).")
        var base: String?

        @Flag(help: "Allow an http:// base (test setups only).")
        var allowInsecureBase = false

        @Flag(help: "Replace an existing --out file.")
        var force = false

        func run() throws {
            try FileOutput.checkWritable(out, replace: force)
            let identity = try KeyFiles.identity(
                keys: keys, key: nil, chain: nil, pkcs12: nil, passphraseVariable: "CAMPUS_PKCS12_PASSPHRASE")
            let publicBase = try IssueCommand.resolvedBase(base: base, keys: keys, allowInsecure: allowInsecureBase)
            let rootPath = (keys as NSString).appendingPathComponent("root.pem")
            let trust: TrustList
            do {
                trust = try TrustList(pem: Array(try FileInput.read(rootPath, limit: 1_000_000)))
            } catch let failure as VerificationFailure {
                throw CLIError("\(rootPath): \(failure.reason)")
            }
            let bytes = try FileInput.read(pdf, limit: 10_000_000)
            let verdict = CertificateVerifier(trust: trust).verify(pdf: Array(bytes))
            guard verdict.isGenuine, let record = verdict.record else {
                throw CLIError(
                    "\(pdf): only a certificate that verifies is exported; it does not: "
                        + TerminalSafe.text(verdict.failures.first?.detail ?? "no check could be made"))
            }
            guard record.issuer == identity.subjectName else {
                throw CLIError(
                    "\(pdf): issued by '\(TerminalSafe.text(record.issuer))', not by this keys folder's issuer "
                        + "'\(identity.subjectName)'")
            }
            let jwt: String
            do {
                jwt = try OpenBadgeCredential.make(for: record, identity: identity, base: publicBase)
            } catch {
                throw CLIError("\(keys): \(error.reason)")
            }
            try FileOutput.write(jwt + "\n", to: out, replace: force)
            print("\(record.id) \(record.tier.rawValue) → \(out)  (OpenBadgeCredential, JWT signed ES256)")
            if let expired = verdict.expiredOn {
                print("note: this certificate expired on \(expired); the credential says so (validUntil)")
            }
        }
    }
}
