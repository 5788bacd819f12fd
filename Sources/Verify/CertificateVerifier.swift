import Assessment
import Certificates
internal import CampusCrypto
import Foundation
internal import Synchronization

/// One check of a verification, with the sentence a person reads.
public struct VerificationCheck: Sendable, Equatable, Codable {
    /// The stable name of a check, as JSON and the human summary spell it.
    public enum Name: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The input is a readable certificate PDF.
        case file
        /// The PDF has exactly one signature field of an accepted type.
        case signatureField = "signature-field"
        /// The signature covers the whole file except its own value.
        case byteRange = "byte-range"
        /// The signature matches the document.
        case signature
        /// The signer (or token issuer) is certified by a root on the trust list.
        case trust
        /// The embedded certificate record is intact.
        case record
        /// The QR token is signed by the issuer and matches the document.
        case token
        /// The Open Badges credential is signed by the issuer and well-formed.
        case credential
        /// The certificate is neither revoked nor superseded on a current status list.
        case status

        /// The raw value, e.g. `signature-field`.
        public var description: String { rawValue }
    }

    /// Which check this is.
    public let name: Name
    /// Whether the check passed (a check that was not made counts as passed, see ``checked``).
    public let passed: Bool
    /// Whether the check was made: false for `status` when no status list was given.
    public let checked: Bool
    /// What was found, or why it failed; terminal-safe (see ``TerminalSafe``), since it may quote the document.
    public let detail: String

    init(_ name: Name, _ passed: Bool, _ detail: String, checked: Bool = true) {
        self.name = name
        self.passed = passed
        self.checked = checked
        self.detail = TerminalSafe.text(detail)
    }

    enum CodingKeys: String, CodingKey {
        case name, passed, checked, detail
    }

    /// Reads a check; `checked` defaults to true for JSON written before it existed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(Name.self, forKey: .name)
        passed = try container.decode(Bool.self, forKey: .passed)
        checked = try container.decodeIfPresent(Bool.self, forKey: .checked) ?? true
        detail = try container.decode(String.self, forKey: .detail)
    }
}

/// The outcome of verifying a certificate PDF and/or its QR token.
///
/// Facts come only from verified sources: ``record`` when the PDF's signature, trust and record checks
/// passed, ``claims`` when the token's signature verified with a trusted issuer key. What a document
/// states without that is in ``unverifiedRecord``, and is never a fact.
public struct CertificateVerdict: Sendable {
    /// Every check made, in order.
    public let checks: [VerificationCheck]
    /// The certificate record (from the PDF), when the signature, trust and record checks passed.
    public let record: CertificateRecord?
    /// The record the PDF states, when it could be read but not verified (untrusted or broken signature,
    /// another issuer named); nil when ``record`` is set.
    public let unverifiedRecord: CertificateRecord?
    /// The token's claims, when a token was given and its signature verified with a trusted issuer key.
    public let claims: CertificateToken.Claims?
    /// The verified signer (PDF signature or token issuer).
    public let signer: VerifiedSigner?
    /// The status entry of the certificate, if the status list has one.
    public let status: StatusList.Entry?
    /// When the status list that was checked was signed (its `updated`), if one was checked and current.
    public internal(set) var statusAsOf: String?

    /// The last valid day (`YYYY-MM-DD`) of a genuine certificate that had expired at the time judged; `nil`
    /// when it had not, never expires, or is not genuine.
    public internal(set) var expiredOn: String?

    /// Genuine when at least one check ran and every check passed: the certificate was issued as it states.
    public var isGenuine: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }
    /// Valid when genuine and not expired.
    public var isValid: Bool { isGenuine && expiredOn == nil }
    /// Genuine, but past its last valid day.
    public var isExpired: Bool { isGenuine && expiredOn != nil }

    /// The last valid day the verified record or token states, if the certificate expires.
    public var validUntil: String? { record?.validUntil ?? claims?.validUntil }

    /// Sets ``expiredOn`` when the certificate is genuine and its last valid day is before `time`'s day (UTC).
    mutating func judgeExpiry(at time: Date) {
        guard isGenuine, let validUntil else { return }
        if Self.day(of: time) > validUntil { expiredOn = validUntil }
    }

    /// `YYYY-MM-DD` of `time` in UTC.
    static func day(of time: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: time)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
    /// The checks that failed.
    public var failures: [VerificationCheck] { checks.filter { !$0.passed } }

    init(
        checks: [VerificationCheck], record: CertificateRecord? = nil, unverifiedRecord: CertificateRecord? = nil,
        claims: CertificateToken.Claims? = nil, signer: VerifiedSigner? = nil, status: StatusList.Entry? = nil,
        statusAsOf: String? = nil
    ) {
        self.checks = checks
        self.statusAsOf = statusAsOf
        self.record = record
        self.unverifiedRecord = unverifiedRecord
        self.claims = claims
        self.signer = signer
        self.status = status
    }
}

/// Verifies certificate PDFs and QR tokens offline against a trust list and, optionally, a status list.
public final class CertificateVerifier: Sendable {
    private let trust: TrustList
    private let statusText: String?
    private let maximumSize: Int
    /// Parsed token keys by issuer certificate thumbprint (a few issuers sign many certificates).
    private let tokenKeys = Mutex<[[UInt8]: ES256PublicKey]>([:])

    private func tokenKey(for certificate: [UInt8], thumbprint: [UInt8]) -> ES256PublicKey? {
        if let key = tokenKeys.withLock({ $0[thumbprint] }) { return key }
        guard let key = ES256PublicKey(certificateDER: certificate) else { return nil }
        tokenKeys.withLock { keys in
            if keys.count >= 64 { keys.removeAll() }
            keys[thumbprint] = key
        }
        return key
    }

    /// A verifier trusting `trust`; `status` is the signed status list text (see ``StatusList``).
    public init(trust: TrustList, status: String? = nil, maximumSize: Int = 10_000_000) {
        self.trust = trust
        self.statusText = status
        self.maximumSize = maximumSize
    }

    /// Accepted `/SubFilter` values.
    public static let acceptedSubFilters: Set<String> = ["ETSI.CAdES.detached", "adbe.pkcs7.detached"]

    /// Verifies a certificate PDF, and the QR token (its URL, or the bare token: checked with the document's id) when
    /// one is given.
    public func verify(pdf bytes: [UInt8], token: String? = nil, at time: Date = Date()) -> CertificateVerdict {
        var checks: [VerificationCheck] = []
        func done(
            record: CertificateRecord? = nil, unverifiedRecord: CertificateRecord? = nil,
            claims: CertificateToken.Claims? = nil, signer: VerifiedSigner? = nil, status: StatusList.Entry? = nil
        ) -> CertificateVerdict {
            CertificateVerdict(
                checks: checks, record: record, unverifiedRecord: unverifiedRecord, claims: claims, signer: signer,
                status: status)
        }

        let document: SignedDocument
        do {
            document = try SignedDocument.read(bytes, maximumSize: maximumSize)
        } catch let error as SignedDocument.Change {
            checks.append(VerificationCheck(.file, true, "a PDF of \(bytes.count) bytes"))
            switch error {
            case .tampered(let detail):
                checks.append(
                    VerificationCheck(.byteRange, false, "the document was changed after it was signed: \(detail)"))
            case .rewritten(let detail):
                checks.append(
                    VerificationCheck(
                        .byteRange, false,
                        "the document was rewritten after signing by another program: \(detail); "
                            + "verify the certificate PDF as it was issued"))
            }
            return done()
        } catch let error as PDFReadError {
            switch error.kind {
            case .unreadable:
                checks.append(VerificationCheck(.file, false, "not a readable certificate PDF: \(error.reason)"))
            case .ambiguous:
                checks.append(
                    VerificationCheck(
                        .file, false, "ambiguous structure: \(error.reason); PDF readers may disagree on what it says")
                )
            }
            return done()
        } catch {
            checks.append(VerificationCheck(.file, false, "not a readable certificate PDF"))
            return done()
        }
        checks.append(VerificationCheck(.file, true, "a PDF of \(bytes.count) bytes"))
        // What the document states when its signature cannot vouch for it: never a fact.
        func unverified() -> CertificateRecord? {
            document.embeddedRecord.flatMap { try? CertificateRecord.parse(canonical: $0) }
        }
        guard Self.acceptedSubFilters.contains(document.subFilter) else {
            checks.append(
                VerificationCheck(.signatureField, false, "the signature type /\(document.subFilter) is not accepted")
            )
            return done(unverifiedRecord: unverified())
        }
        checks.append(VerificationCheck(.signatureField, true, "one signature field, /\(document.subFilter)"))
        checks.append(VerificationCheck(.byteRange, true, "the signature covers the whole file except its own value"))

        guard let cms = Self.trimmedDER(document.signatureContents) else {
            let indefinite = document.signatureContents.starts(with: [0x30, 0x80])
            checks.append(
                VerificationCheck(
                    .signature, false,
                    indefinite
                        ? "ambiguous structure: the signature value is BER with indefinite lengths, not DER"
                        : "the signature value is not a DER CMS structure followed only by zero padding"))
            return done(unverifiedRecord: unverified())
        }
        let signer: VerifiedSigner
        switch SignatureVerifier.verifyDetachedCMS(
            cms, contentParts: document.signedParts, trust: trust, at: time)
        {
        case .success(let verified):
            signer = verified
            checks.append(VerificationCheck(.signature, true, "the signature matches the document"))
            let when =
                verified.timeStamp.map {
                    "; signed \(SignatureVerifier.shown($0.time)), proven by a time-stamp from \($0.authority)"
                } ?? ""
            checks.append(
                VerificationCheck(
                    .trust, true,
                    "signed by \(verified.subjectName), certified by \(verified.rootSubjectName)\(when)"))
        case .failure(let failure):
            let name: VerificationCheck.Name =
                [VerificationFailure.Code.documentChanged, .malformedSignature].contains(failure.code)
                ? .signature : .trust
            if name == .trust {
                checks.append(VerificationCheck(.signature, true, "the signature matches the document"))
            }
            checks.append(VerificationCheck(name, false, failure.reason))
            return done(unverifiedRecord: unverified())
        }

        var record: CertificateRecord? = nil
        var recordVerified = false
        if let embedded = document.embeddedRecord {
            do {
                let parsed = try CertificateRecord.parse(canonical: embedded)
                if parsed.issuer != signer.subjectName {
                    checks.append(
                        VerificationCheck(
                            .record, false,
                            "the record names issuer '\(parsed.issuer)' but the document is signed by '\(signer.subjectName)'"
                        ))
                } else {
                    checks.append(VerificationCheck(.record, true, "the embedded record \(parsed.id) is intact"))
                    recordVerified = true
                }
                record = parsed
            } catch {
                checks.append(
                    VerificationCheck(.record, false, "the embedded certificate record is unreadable: \(error.reason)")
                )
            }
        } else {
            checks.append(VerificationCheck(.record, false, "the document has no embedded certificate record"))
        }

        var claims: CertificateToken.Claims? = nil
        if let token {
            let (tokenCheck, verifiedClaims) = checkToken(
                token, signerCertificate: signer.certificateDER, thumbprint: signer.thumbprint, record: record,
                recordHash: document.embeddedRecord.map { Digest.sha256($0) })
            checks.append(tokenCheck)
            claims = verifiedClaims
        }
        let (status, asOf) = checkStatus(id: record?.id ?? claims?.id, signer: signer, at: time, checks: &checks)
        var verdict = done(
            record: recordVerified ? record : nil, unverifiedRecord: recordVerified ? nil : record, claims: claims,
            signer: signer, status: status)
        verdict.statusAsOf = asOf
        verdict.judgeExpiry(at: time)
        return verdict
    }

    /// Verifies a QR token on its own (the QR code's URL; a compact token is signed with the URL's id, so only an
    /// old JWS token may come bare): signed by an issuer certificate on the trust list that chains to a trusted root.
    public func verify(token text: String, at time: Date = Date()) -> CertificateVerdict {
        var checks: [VerificationCheck] = []
        let (linkID, token) = Self.splitToken(text)
        let certificate: [UInt8]
        let thumbprint: [UInt8]
        if CompactToken.isCompact(token) {
            let decoded: CompactToken.Decoded
            switch CompactToken.decode(token, id: linkID) {
            case .success(let value): decoded = value
            case .failure(let problem):
                checks.append(VerificationCheck(.token, false, Self.describe(problem)))
                return CertificateVerdict(checks: checks)
            }
            // The short key id names the issuer; the signature decides between certificates that share it.
            let candidates = trust.certificates(withThumbprintPrefix: decoded.keyID)
            guard
                let match = candidates.first(where: { candidate in
                    tokenKey(for: candidate.der, thumbprint: candidate.thumbprint)?.verify(
                        signature: decoded.signature, message: decoded.signedBytes) == true
                }) ?? candidates.first
            else {
                checks.append(
                    VerificationCheck(.trust, false, "the token is signed by a key that is not on the trust list"))
                return CertificateVerdict(checks: checks)
            }
            (certificate, thumbprint) = match
        } else {
            let decoded: (claims: CertificateToken.Claims, signingInput: [UInt8], signature: [UInt8])
            switch CertificateToken.decode(token) {
            case .success(let value): decoded = value
            case .failure(let problem):
                checks.append(VerificationCheck(.token, false, Self.describe(problem)))
                return CertificateVerdict(checks: checks)
            }
            guard let jwsThumbprint = Base64URL.decode(decoded.claims.kid), jwsThumbprint.count == 32,
                let found = trust.certificate(withThumbprint: jwsThumbprint)
            else {
                checks.append(
                    VerificationCheck(.trust, false, "the token is signed by a key that is not on the trust list"))
                // The claims of a token that no trusted key vouches for are no facts: left out.
                return CertificateVerdict(checks: checks)
            }
            (certificate, thumbprint) = (found, jwsThumbprint)
        }
        guard let signer = trustedIssuer(certificate, at: time, checks: &checks) else {
            return CertificateVerdict(checks: checks)
        }
        let (tokenCheck, claims) = checkToken(
            text, signerCertificate: certificate, thumbprint: thumbprint, record: nil, recordHash: nil)
        checks.append(tokenCheck)
        let (status, asOf) = checkStatus(id: claims?.id, signer: signer, at: time, checks: &checks)
        var verdict = CertificateVerdict(
            checks: checks, claims: claims, signer: signer, status: status, statusAsOf: asOf)
        verdict.judgeExpiry(at: time)
        return verdict
    }

    /// Verifies an Open Badges 3.0 credential (a JWT from `campus credential export`): signed by the issuer key its
    /// `kid` names on the trust list, that certificate chaining to a trusted root, and the credential well-formed;
    /// then the status list and its last valid day.
    public func verify(credential text: String, at time: Date = Date()) -> CertificateVerdict {
        var checks: [VerificationCheck] = []
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let decoded: (claims: CertificateToken.Claims, signingInput: [UInt8], signature: [UInt8])
        switch OpenBadgeCredential.decode(trimmed) {
        case .success(let value): decoded = value
        case .failure(let problem):
            checks.append(VerificationCheck(.credential, false, Self.describe(problem, what: "credential")))
            return CertificateVerdict(checks: checks)
        }
        guard let thumbprint = Base64URL.decode(decoded.claims.kid), thumbprint.count == 32,
            let certificate = trust.certificate(withThumbprint: thumbprint)
        else {
            checks.append(
                VerificationCheck(.trust, false, "the credential is signed by a key that is not on the trust list"))
            return CertificateVerdict(checks: checks)
        }
        guard let signer = trustedIssuer(certificate, at: time, checks: &checks) else {
            return CertificateVerdict(checks: checks)
        }
        guard let key = tokenKey(for: certificate, thumbprint: thumbprint),
            key.verify(signature: decoded.signature, message: decoded.signingInput)
        else {
            checks.append(
                VerificationCheck(.credential, false, "the credential was changed or was not signed by the issuer"))
            return CertificateVerdict(checks: checks, signer: signer)
        }
        checks.append(
            VerificationCheck(
                .credential, true, "the Open Badges credential for \(decoded.claims.id) is signed by the issuer"))
        let (status, asOf) = checkStatus(id: decoded.claims.id, signer: signer, at: time, checks: &checks)
        var verdict = CertificateVerdict(
            checks: checks, claims: decoded.claims, signer: signer, status: status, statusAsOf: asOf)
        verdict.judgeExpiry(at: time)
        return verdict
    }

    // MARK: - Parts

    /// The issuer certificate of a token or credential, verified to chain to a trusted root at `time`; the trust
    /// check is appended either way.
    private func trustedIssuer(_ certificate: [UInt8], at time: Date, checks: inout [VerificationCheck])
        -> VerifiedSigner?
    {
        switch SignatureVerifier.verifyIssuerCertificate(certificate, trust: trust, at: time) {
        case .success(let verified):
            checks.append(
                VerificationCheck(
                    .trust, true, "issued by \(verified.subjectName), certified by \(verified.rootSubjectName)"))
            return verified
        case .failure(let failure):
            checks.append(VerificationCheck(.trust, false, failure.reason))
            return nil
        }
    }

    /// `BASE/v/ID#TOKEN` → (ID, TOKEN); a bare token → (nil, token). Neither is checked.
    public static func splitToken(_ text: String) -> (id: String?, token: String) {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { bytes.removeLast() }
        let leading = bytes.prefix { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.count
        bytes.removeFirst(leading)
        guard let hash = bytes.firstIndex(of: UInt8(ascii: "#")) else {
            return (nil, String(decoding: bytes, as: UTF8.self))
        }
        let path = bytes[..<hash]
        var id: String? = nil
        // The id follows the last "/v/" (or "/V/", as compact QR codes spell it) of the path.
        var index = hash - 3
        while index >= 0 {
            if path[index] == UInt8(ascii: "/") && (path[index + 1] | 0x20) == UInt8(ascii: "v")
                && path[index + 2] == UInt8(ascii: "/")
            {
                id = String(decoding: path[(index + 3)...], as: UTF8.self)
                break
            }
            index -= 1
        }
        return (id, String(decoding: bytes[(hash + 1)...], as: UTF8.self))
    }

    private static func describe(_ problem: CertificateToken.Problem, what: String = "QR token") -> String {
        switch problem {
        case .malformed(let detail): "the \(what) is malformed: \(detail)"
        case .badSignature: "the \(what) was changed or was not signed by the issuer"
        case .ambiguous(let detail): "ambiguous structure: \(detail)"
        }
    }

    /// The token check, and the token's claims when its signature verified with the issuer key (whatever the
    /// check's outcome); nil when it did not, so that unverified claims never reach a verdict.
    private func checkToken(
        _ text: String, signerCertificate: [UInt8], thumbprint: [UInt8], record: CertificateRecord?,
        recordHash: [UInt8]?
    ) -> (VerificationCheck, CertificateToken.Claims?) {
        let (urlID, token) = Self.splitToken(text)
        let claims: CertificateToken.Claims
        guard let key = tokenKey(for: signerCertificate, thumbprint: thumbprint) else {
            return (VerificationCheck(.token, false, "the issuer key cannot check ES256 tokens (not P-256)"), nil)
        }
        let compact = CompactToken.isCompact(token)
        // A compact token is signed with its certificate's id, which the link names (or, for a bare token given
        // with a PDF, the document's record).
        switch compact
            ? CompactToken.verify(token, id: urlID ?? record?.id, issuerKey: key)
            : CertificateToken.verify(token, issuerKey: key)
        {
        case .success(let verified): claims = verified
        case .failure(let problem):
            // Nothing the token claims is known to be true: the reason quotes none of it.
            return (VerificationCheck(.token, false, Self.describe(problem)), nil)
        }
        guard CertificateID.isValid(claims.id), Tier(rawValue: claims.tier) != nil,
            let hash = Base64URL.decode(claims.hash), hash.count == (compact ? CompactToken.hashLength : 32)
        else { return (VerificationCheck(.token, false, "the QR token's claims are not well-formed"), claims) }
        if let urlID, urlID != claims.id {
            return (
                VerificationCheck(.token, false, "the URL names \(urlID) but the token belongs to \(claims.id)"),
                claims
            )
        }
        guard let record else {
            return (VerificationCheck(.token, true, "the QR token for \(claims.id) is signed by the issuer"), claims)
        }
        guard claims.id == record.id else {
            return (
                VerificationCheck(
                    .token, false,
                    "the QR token belongs to another certificate (\(claims.id), this document is \(record.id))"), claims
            )
        }
        let knownHash = recordHash ?? record.canonicalHash
        var expected =
            compact
            ? CompactToken.expectedClaims(record: record, thumbprint: thumbprint, recordHash: knownHash)
            : CertificateToken.Claims(record: record, keyThumbprint: thumbprint, recordHash: knownHash)
        // A compact token may carry the name and title shortened (ending "…") to keep the QR code small; the record
        // hash binds the whole record either way.
        if compact, CompactToken.stands(for: expected.name, shown: claims.name),
            CompactToken.stands(for: expected.course, shown: claims.course)
        {
            (expected.name, expected.course) = (claims.name, claims.course)
        }
        guard knownHash.starts(with: hash), claims == expected else {
            return (
                VerificationCheck(.token, false, "the QR token and the document describe different certificates"),
                claims
            )
        }
        return (VerificationCheck(.token, true, "the QR token matches the document"), claims)
    }

    /// The status check: the list must be signed by the certificate's own issuer key (or another key of the same
    /// issuer: same name, same root) and be current at `time`.
    /// Returns the certificate's entry and the list's `updated` (when the list was usable).
    private func checkStatus(
        id: String?, signer: VerifiedSigner, at time: Date, checks: inout [VerificationCheck]
    ) -> (StatusList.Entry?, String?) {
        let issuerThumbprint = signer.thumbprint
        guard let statusText else {
            checks.append(
                VerificationCheck(.status, true, "not checked (no status list given)", checked: false))
            return (nil, nil)
        }
        let list: StatusList
        // The signature is checked with the certificate's issuer or, to name the mix-up, another listed issuer.
        switch StatusList.read(
            signed: statusText,
            issuerCertificate: {
                $0 == issuerThumbprint ? signer.certificateDER : trust.certificate(withThumbprint: $0)
            })
        {
        case .success(let read): list = read
        case .failure(.badSignature):
            checks.append(
                VerificationCheck(.status, false, "the status list was changed or is not signed by the issuer"))
            return (nil, nil)
        case .failure(.unknownIssuer):
            checks.append(
                VerificationCheck(
                    .status, false,
                    "the status list is signed by an issuer key that is not on the trust list; give this issuer's status list"
                ))
            return (nil, nil)
        case .failure(.malformed(let detail)):
            checks.append(VerificationCheck(.status, false, "the status list is unusable: \(detail)"))
            return (nil, nil)
        case .failure(.ambiguous(let detail)):
            checks.append(VerificationCheck(.status, false, "ambiguous structure: \(detail)"))
            return (nil, nil)
        }
        // A list signed by another key of the same issuer (after `campus keys rotate`: same name, same root) covers
        // the certificates of every key of that issuer.
        var sameIssuer = false
        var name = "unnamed"
        if list.issuer != Base64URL.encode(issuerThumbprint), let thumbprint = Base64URL.decode(list.issuer),
            let other = trust.certificate(withThumbprint: thumbprint),
            case .success(let verified) = SignatureVerifier.verifyIssuerCertificate(other, trust: trust, at: time)
        {
            name = verified.subjectName
            sameIssuer = verified.subjectName == signer.subjectName && verified.rootThumbprint == signer.rootThumbprint
        }
        guard list.issuer == Base64URL.encode(issuerThumbprint) || sameIssuer else {
            checks.append(
                VerificationCheck(
                    .status, false,
                    "the status list is signed by another issuer on the trust list (\(name)); give this issuer's status list"
                ))
            return (nil, nil)
        }
        switch list.currency(at: time) {
        case .current: break
        case .outOfDate(let since):
            checks.append(
                VerificationCheck(
                    .status, false, "the status list is out of date since \(since); fetch the current one"))
            return (nil, nil)
        case .notYetValid(let updated):
            checks.append(
                VerificationCheck(
                    .status, false,
                    "the status list is dated \(updated), in the future; check the clock or fetch the current list"))
            return (nil, nil)
        case .noNextUpdate:
            checks.append(
                VerificationCheck(
                    .status, false,
                    "the status list has no nextUpdate (old format); the issuer must re-sign it with `campus status refresh`"
                ))
            return (nil, nil)
        case .badDates:
            checks.append(
                VerificationCheck(
                    .status, false,
                    "the status list's updated and nextUpdate are not timestamps at most 366 days apart"))
            return (nil, nil)
        }
        let asOf = "status as of \(list.updated)"
        guard let id, let entry = list.entry(for: id) else {
            checks.append(VerificationCheck(.status, true, "not revoked or superseded; \(asOf)"))
            return (nil, list.updated)
        }
        switch entry.status {
        case .revoked:
            checks.append(VerificationCheck(.status, false, "revoked on \(entry.date): \(entry.reason)"))
        case .superseded:
            let by = entry.replacedBy.map { " by \($0)" } ?? ""
            checks.append(VerificationCheck(.status, false, "superseded on \(entry.date)\(by): \(entry.reason)"))
        }
        return (entry, list.updated)
    }

    /// The DER CMS at the start of a zero-padded `/Contents` value.
    static func trimmedDER(_ contents: [UInt8]) -> [UInt8]? {
        guard let length = DERLength.of(contents), length <= contents.count,
            contents[length...].allSatisfy({ $0 == 0 })
        else { return nil }
        return Array(contents[0..<length])
    }
}

extension CertificateVerdict {
    /// A verdict for input refused before any check (too large, say).
    public static func refused(reason: String) -> CertificateVerdict {
        CertificateVerdict(checks: [VerificationCheck(.file, false, "not a readable certificate PDF: \(reason)")])
    }
}
