import Foundation

/// The issuer's signed list of certificates that no longer stand: revoked or superseded.
///
/// On disk it is a JWS in compact serialization (ES256, header `{"alg":"ES256","kid":"<thumbprint>"}`)
/// whose payload is canonical JSON:
/// `{"entries":[{"date":"2026-12-01","id":"KC-…","reason":"…","replacedBy":"KC-…"?,"status":"revoked|superseded"}],"issuer":"<thumbprint>","nextUpdate":"2026-12-08T10:00:00Z","updated":"2026-12-01T10:00:00Z"}`,
/// the thumbprint being the base64url SHA-256 of the issuer certificate's DER.
///
/// Like a CRL, a list is current from `updated` (inclusive) until `nextUpdate` (exclusive), both whole
/// seconds in ISO 8601 UTC; after that the issuer re-signs it (`campus status refresh`). See ``currency(at:)``.
public struct StatusList: Sendable, Equatable {
    /// What happened to a certificate.
    public enum Status: String, Sendable, Codable {
        /// Withdrawn; it no longer certifies anything.
        case revoked
        /// Replaced by another certificate.
        case superseded
    }

    /// One certificate's status.
    public struct Entry: Sendable, Equatable, Codable {
        /// Certificate id.
        public var id: String
        /// Revoked or superseded.
        public var status: Status
        /// Date of the decision, `YYYY-MM-DD`.
        public var date: String
        /// Why, in words a verifier shows.
        public var reason: String
        /// The certificate that replaces it (superseded only).
        public var replacedBy: String?

        /// Creates an entry.
        public init(id: String, status: Status, date: String, reason: String, replacedBy: String? = nil) {
            self.id = id
            self.status = status
            self.date = date
            self.reason = reason
            self.replacedBy = replacedBy
        }
    }

    /// Base64url SHA-256 thumbprint of the issuer certificate that signs the list.
    public var issuer: String
    /// When the list was last signed (ISO 8601 UTC with seconds, `2026-12-01T10:00:00Z`).
    public var updated: String
    /// When the list stops being current (same format); `nil` in lists of the old format.
    public var nextUpdate: String?
    /// Entries, one per certificate id.
    public var entries: [Entry]

    /// Default time a list stays current: 7 days.
    public static let defaultValidDays = 7
    /// Longest time a list may stay current, in days.
    public static let maximumValidDays = 366

    /// An empty list for the issuer with `thumbprint`, current for `validDays` days from `updated`.
    public init(issuerThumbprint thumbprint: [UInt8], updated: Date = Date(), validDays: Int = defaultValidDays) {
        issuer = Base64URL.encode(thumbprint)
        self.updated = Timestamp.text(updated)
        entries = []
        nextUpdate = Timestamp.text(updated.addingTimeInterval(Double(Self.clampedDays(validDays)) * 86_400))
    }

    /// Sets `updated` to `date` and `nextUpdate` to `validDays` days later (1 to 366), leaving the entries as they are.
    public mutating func refresh(at date: Date = Date(), validDays: Int = defaultValidDays) throws(CertificateError) {
        guard (1...Self.maximumValidDays).contains(validDays) else {
            throw CertificateError(.record, "the validity must be 1 to \(Self.maximumValidDays) days, not \(validDays)")
        }
        updated = Timestamp.text(date)
        nextUpdate = Timestamp.text(date.addingTimeInterval(Double(validDays) * 86_400))
    }

    private static func clampedDays(_ days: Int) -> Int { min(max(days, 1), maximumValidDays) }

    /// Whether a list may be relied on at a given time.
    public enum Currency: Sendable, Equatable {
        /// `updated <= time < nextUpdate`.
        case current
        /// `updated` lies after the time: the list is dated in the future.
        case notYetValid(updated: String)
        /// `nextUpdate <= time`: the list is out of date since `nextUpdate`.
        case outOfDate(since: String)
        /// A list of the old format, without `nextUpdate`.
        case noNextUpdate
        /// `updated` or `nextUpdate` is not a timestamp, or `nextUpdate` is not after `updated` or more than
        /// ``maximumValidDays`` after it.
        case badDates
    }

    /// Whether the list is current at `time` (from `updated` inclusive to `nextUpdate` exclusive).
    public func currency(at time: Date) -> Currency {
        guard let nextUpdate else { return .noNextUpdate }
        guard let from = Timestamp.date(updated), let until = Timestamp.date(nextUpdate), from < until,
            until.timeIntervalSince(from) <= Double(Self.maximumValidDays) * 86_400
        else { return .badDates }
        if time < from { return .notYetValid(updated: updated) }
        if time >= until { return .outOfDate(since: nextUpdate) }
        return .current
    }

    /// The entry for `id`, if any.
    public func entry(for id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    /// Adds or replaces the entry for `entry.id` and refreshes the dates (`validDays` days from `date`).
    public mutating func record(_ entry: Entry, at date: Date = Date(), validDays: Int = defaultValidDays)
        throws(CertificateError)
    {
        guard CertificateID.isValid(entry.id) else {
            throw CertificateError(.record, "'\(entry.id)' is not a certificate id")
        }
        guard DateText.isValid(entry.date) else {
            throw CertificateError(.record, "'\(entry.date)' is not a date YYYY-MM-DD")
        }
        guard !entry.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, entry.reason.count <= 500 else {
            throw CertificateError(.record, "a reason (1 to 500 characters) is required")
        }
        if let replacement = entry.replacedBy, !CertificateID.isValid(replacement) {
            throw CertificateError(.record, "'\(replacement)' is not a certificate id")
        }
        if entry.replacedBy == entry.id {
            throw CertificateError(
                .record, "\(entry.id) cannot be superseded by itself; give the id of the new certificate")
        }
        try refresh(at: date, validDays: validDays)
        entries.removeAll { $0.id == entry.id }
        entries.append(entry)
        entries.sort { $0.id < $1.id }
    }

    var canonicalJSON: [UInt8] {
        let list = entries.map { entry -> CanonicalJSON.Value in
            var members: [(String, CanonicalJSON.Value)] = [
                ("id", .string(entry.id)), ("status", .string(entry.status.rawValue)), ("date", .string(entry.date)),
                ("reason", .string(entry.reason)),
            ]
            if let replacement = entry.replacedBy { members.append(("replacedBy", .string(replacement))) }
            return .object(members)
        }
        var members: [(String, CanonicalJSON.Value)] = [("issuer", .string(issuer)), ("updated", .string(updated))]
        if let nextUpdate { members.append(("nextUpdate", .string(nextUpdate))) }
        members.append(("entries", .array(list)))
        return CanonicalJSON.encode(.object(members))
    }

    /// The signed list as stored and published.
    public func signed(by identity: SigningIdentity) throws(CertificateError) -> String {
        guard Base64URL.encode(identity.keyThumbprint) == issuer else {
            throw CertificateError(.keys, "the status list belongs to another issuer key")
        }
        guard nextUpdate != nil else {
            throw CertificateError(.record, "the status list has no nextUpdate; refresh it before signing")
        }
        let header = Base64URL.encode(Array(#"{"alg":"ES256","kid":"\#(issuer)"}"#.utf8))
        let input = header + "." + Base64URL.encode(canonicalJSON)
        return input + "." + Base64URL.encode(try identity.signES256(Array(input.utf8)))
    }

    /// Largest status list accepted, in bytes.
    public static let maximumSize = 5_000_000

    /// Why a status list was refused.
    public enum Problem: Error, Sendable, Equatable {
        /// Not a JWS with a readable payload.
        case malformed(String)
        /// A JWS form with two readings (see ``CompactJWS``): `crit`, a member twice, non-canonical base64url,
        /// a high-S signature.
        case ambiguous(String)
        /// The signature does not verify with the certificate named by its key id.
        case badSignature
        /// The list names an issuer key (base64url thumbprint) that `issuerCertificate` does not know.
        case unknownIssuer(String)
    }

    /// Reads a signed list, verifying it with `issuerCertificate(thumbprint)` (DER), which returns
    /// the certificate for a key id or `nil` when it is unknown.
    ///
    /// The JWS is read as strictly as a token (``CompactJWS/parse(_:maximumLength:what:)``).
    public static func read(signed text: String, issuerCertificate: ([UInt8]) -> [UInt8]?) -> Result<
        StatusList, Problem
    > {
        guard text.utf8.count <= maximumSize else { return .failure(.malformed("the status list is larger than 5 MB")) }
        let jws: CompactJWS
        switch CompactJWS.parse(
            text.trimmingCharacters(in: .whitespacesAndNewlines), maximumLength: maximumSize, what: "status list")
        {
        case .success(let parsed): jws = parsed
        case .failure(.ambiguous(let detail)): return .failure(.ambiguous(detail))
        case .failure(.malformed(let detail)): return .failure(.malformed(detail))
        }
        guard let list = try? JSONDecoder().decode(StatusFile.self, from: Data(jws.payload)) else {
            return .failure(.malformed("the status list is not a signed JWS list"))
        }
        guard let thumbprint = Base64URL.decode(list.issuer), thumbprint.count == 32,
            let certificate = issuerCertificate(thumbprint)
        else { return .failure(.unknownIssuer(list.issuer)) }
        guard
            SignatureCheck.verifyES256(
                signature: jws.signature, message: jws.signingInput, certificateDER: certificate)
        else { return .failure(.badSignature) }
        return .success(
            StatusList(issuer: list.issuer, updated: list.updated, nextUpdate: list.nextUpdate, entries: list.entries))
    }

    private init(issuer: String, updated: String, nextUpdate: String?, entries: [Entry]) {
        self.issuer = issuer
        self.updated = updated
        self.nextUpdate = nextUpdate
        self.entries = entries
    }

    private struct StatusFile: Decodable {
        let issuer: String
        let updated: String
        let nextUpdate: String?
        let entries: [Entry]
    }
}

/// Whole-second ISO 8601 UTC timestamps, `2026-12-01T10:00:00Z`.
public enum Timestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped).
    public static func text(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }

    /// The date of a `YYYY-MM-DDTHH:MM:SSZ` text, or `nil` for anything else.
    public static func date(_ text: String) -> Date? {
        guard text.utf8.count == 20, text.hasSuffix("Z") else { return nil }
        return try? Date(text, strategy: .iso8601)
    }
}
