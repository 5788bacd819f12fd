import Foundation

/// The issuer's signed list of certificates that no longer stand: revoked or superseded.
///
/// On disk it is a JWS in compact serialization (ES256, header `{"alg":"ES256","kid":"<thumbprint>"}`)
/// whose payload is canonical JSON:
/// `{"entries":[{"date":"2026-12-01","id":"KC-…","reason":"…","replacedBy":"KC-…"?,"status":"revoked|superseded"}],"issuer":"<thumbprint>","updated":"2026-12-01T10:00:00Z"}`,
/// the thumbprint being the base64url SHA-256 of the issuer certificate's DER.
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
    /// When the list was last changed (ISO 8601, UTC).
    public var updated: String
    /// Entries, one per certificate id.
    public var entries: [Entry]

    /// An empty list for the issuer with `thumbprint`.
    public init(issuerThumbprint thumbprint: [UInt8], updated: Date = Date()) {
        issuer = Base64URL.encode(thumbprint)
        self.updated = updated.formatted(.iso8601)
        entries = []
    }

    /// The entry for `id`, if any.
    public func entry(for id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    /// Adds or replaces the entry for `entry.id`.
    public mutating func record(_ entry: Entry, at date: Date = Date()) throws(CertificateError) {
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
        entries.removeAll { $0.id == entry.id }
        entries.append(entry)
        entries.sort { $0.id < $1.id }
        updated = date.formatted(.iso8601)
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
        return CanonicalJSON.encode(
            .object([("issuer", .string(issuer)), ("updated", .string(updated)), ("entries", .array(list))]))
    }

    /// The signed list as stored and published.
    public func signed(by identity: SigningIdentity) throws(CertificateError) -> String {
        guard Base64URL.encode(identity.keyThumbprint) == issuer else {
            throw CertificateError(.keys, "the status list belongs to another issuer key")
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
        /// The signature does not verify with the certificate named by its key id.
        case badSignature
    }

    /// Reads a signed list, verifying it with `issuerCertificate(thumbprint)` (DER), which returns
    /// the certificate for a key id or `nil` when it is unknown.
    public static func read(signed text: String, issuerCertificate: ([UInt8]) -> [UInt8]?) -> Result<
        StatusList, Problem
    > {
        guard text.utf8.count <= maximumSize else { return .failure(.malformed("the status list is larger than 5 MB")) }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]),
            let list = try? JSONDecoder().decode(StatusFile.self, from: Data(payload))
        else { return .failure(.malformed("the status list is not a signed JWS list")) }
        guard let thumbprint = Base64URL.decode(list.issuer), thumbprint.count == 32,
            let certificate = issuerCertificate(thumbprint)
        else { return .failure(.malformed("the status list is signed by an issuer key that is not on the trust list")) }
        guard signature.count == 64,
            SignatureCheck.verifyES256(
                signature: signature, message: Array("\(parts[0]).\(parts[1])".utf8), certificateDER: certificate)
        else { return .failure(.badSignature) }
        return .success(StatusList(issuer: list.issuer, updated: list.updated, entries: list.entries))
    }

    private init(issuer: String, updated: String, entries: [Entry]) {
        self.issuer = issuer
        self.updated = updated
        self.entries = entries
    }

    private struct StatusFile: Decodable {
        let issuer: String
        let updated: String
        let entries: [Entry]
    }
}
