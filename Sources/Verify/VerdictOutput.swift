import Assessment
import Certificates
import Foundation

/// The stable JSON form of a verdict (documented in the README): what `campus verify --json` prints.
public struct VerdictOutput: Encodable, Sendable {
    /// The verified certificate record, with numbers as decimal strings.
    public struct Certificate: Encodable, Sendable {
        /// A score as decimal strings: points and maximum with 4 places, percent with 2.
        public struct Score: Encodable, Sendable {
            public let points, max, percent: String
        }
        public let id, holder: String
        public let birthDate: String?
        public let course, provider, start, end, tier, tierName: String
        public let score: Score?
        public let ects: String?
        public let issued, issuer, language: String
        /// The last valid day, when the certificate expires.
        public let validUntil: String?

        /// The JSON form of `record`; `tierName` is in the record's language.
        public init(_ record: CertificateRecord) {
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
            validUntil = record.validUntil
        }
    }
    /// The certificate that signed: its subject, its root's subject and its SHA-256 thumbprint (hex); with a
    /// verified signature time-stamp, when it was signed (ISO 8601) and the time-stamp authority's name.
    public struct Signer: Encodable, Sendable {
        public let name, root, thumbprint: String
        public let signedAt: String?
        public let timeStampAuthority: String?
    }
    /// The certificate's entry in the status list that was checked.
    public struct Status: Encodable, Sendable {
        public let status, date, reason: String
        public let replacedBy: String?
    }
    /// Genuine and not expired.
    public let valid: Bool
    /// Genuine, but past its last valid day (``expiredOn``); absent otherwise.
    public let expired: Bool?
    /// The last valid day of an expired certificate.
    public let expiredOn: String?
    public let certificate: Certificate?
    /// The token's claims, only when its signature verified with a trusted issuer key.
    public let token: CertificateToken.Claims?
    public let signer: Signer?
    public let status: Status?
    /// When the status list that was checked was signed; absent when no current list was checked.
    public let statusAsOf: String?
    public let checks: [VerificationCheck]
    /// The details of the failed checks, in order.
    public let reasons: [String]

    /// The JSON form of `verdict`.
    public init(_ verdict: CertificateVerdict) {
        valid = verdict.isValid
        expired = verdict.isExpired ? true : nil
        expiredOn = verdict.expiredOn
        certificate = verdict.record.map(Certificate.init)
        token = verdict.claims
        signer = verdict.signer.map {
            Signer(
                name: $0.subjectName, root: $0.rootSubjectName, thumbprint: Digest.hex($0.thumbprint),
                signedAt: $0.timeStamp?.time.ISO8601Format(), timeStampAuthority: $0.timeStamp?.authority)
        }
        status = verdict.status.map {
            Status(status: $0.status.rawValue, date: $0.date, reason: $0.reason, replacedBy: $0.replacedBy)
        }
        statusAsOf = verdict.statusAsOf
        checks = verdict.checks
        reasons = verdict.failures.map(\.detail)
    }
}

extension CertificateVerdict {
    /// The human form of the verdict, as `campus verify` prints it: the verdict line, the verified facts,
    /// the failed checks, what the document states without proof under its own heading, the passed and
    /// unchecked checks, and the status list's date. Every line is terminal-safe.
    public var humanLines: [String] {
        var lines: [String] = []
        if isValid {
            lines.append("verdict: valid")
        } else if let expiredOn, isExpired {
            lines.append(
                "verdict: expired on \(expiredOn) — the certificate is genuine, but was valid only until \(expiredOn)")
        } else {
            lines.append("verdict: invalid — \(failures.first?.detail ?? "no check could be made")")
        }
        lines += verifiedFacts
        if isGenuine, let stamp = signer?.timeStamp {
            lines.append(
                "signed:   \(SignatureVerifier.shown(stamp.time)), proven by a time-stamp from \(stamp.authority)")
        }
        if !failures.isEmpty {
            lines.append("failed checks:")
            for failure in failures { lines.append("  - \(failure.name): \(failure.detail)") }
        }
        if !unverifiedFacts.isEmpty {
            lines.append("stated by the document, not verified:")
            lines += unverifiedFacts.map { "  " + $0 }
        }
        let passed = checks.filter { $0.passed && $0.checked }.map(\.name.rawValue)
        if !passed.isEmpty { lines.append("passed:   \(passed.joined(separator: ", "))") }
        for check in checks where !check.checked { lines.append("\(check.name.rawValue): \(check.detail)") }
        if let statusAsOf { lines.append("status as of \(statusAsOf)") }
        // Holder names, course titles, issuer names and reasons come from documents: escape what a terminal
        // would act on.
        return lines.map(TerminalSafe.text)
    }

    /// The facts from verified sources, one `label:   value` line each, not escaped: the verified record's,
    /// else the verified token's claims (naming the trust list entry that verified it), else none.
    public var verifiedFacts: [String] {
        if let record {
            return Self.facts(record)
        } else if let claims {
            return Self.facts(claims, signer: signer)
        }
        return []
    }

    /// What the document states without proof (a record whose signature did not verify), one
    /// `label:   value` line each, not escaped; empty when the document states nothing unverified.
    public var unverifiedFacts: [String] {
        unverifiedRecord.map(Self.facts) ?? []
    }

    /// The trust list entry a token was verified with: its name and the SHA-256 thumbprint (hex) of its
    /// certificate — the issuer certificate's own entry when it is on the trust list, otherwise its root's.
    public static func trustEntry(_ signer: VerifiedSigner) -> String {
        "\(signer.trustListEntry.name) (trust list entry SHA-256 \(signer.trustListEntry.thumbprintHex))"
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
        if let validUntil = certificate.validUntil { lines.append("valid to: \(validUntil)") }
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
        if let validUntil = claims.validUntil { lines.append("valid to: \(validUntil)") }
        if let signer { lines.append("issuer:   \(trustEntry(signer))") }
        lines.append("id:       \(claims.id)")
        return lines
    }
}
