import Assessment
internal import CampusCrypto
import Foundation

/// The trust list an issuer publishes, signed by its root's key: the roots, every issuer certificate with the
/// period in which it signed and its status, and the time-stamp authorities' certificates — so that a verifier
/// who trusts only the root can check QR tokens and old signatures (the model is the EU Digital COVID
/// Certificate's list of document signer certificates).
///
/// Written as a flattened JWS JSON object (RFC 7515 §7.2.2) — `{"protected": …, "payload": …, "signature": …}` —
/// signed ES256 by the root's key; the payload is canonical JSON:
///
/// ```json
/// {"type": "campus-trust-list", "version": 1, "updated": "2026-12-03T10:00:00Z", "nextUpdate": "2027-01-02T10:00:00Z",
///  "roots": ["<base64 DER>"],
///  "issuers": [{"certificate": "<base64 DER>", "status": "active", "from": "2026-12-03T10:00:00Z"}],
///  "timeStampAuthorities": [{"certificate": "<base64 DER>", "status": "active"}]}
/// ```
public struct PublishedTrustList: Sendable, Equatable {
    /// The status of a listed key.
    public enum Status: String, Sendable, Equatable {
        /// In use.
        case active
        /// No longer used to sign; what it signed in its period stays valid.
        case retired
        /// Compromised since `compromisedSince`: what it signed (or time-stamped) from then on is invalid.
        case compromised
    }

    /// A listed issuer or time-stamp certificate.
    public struct Entry: Sendable, Equatable {
        /// The certificate, DER.
        public var certificate: [UInt8]
        /// Its status.
        public var status: Status
        /// When it began to sign (`YYYY-MM-DDTHH:MM:SSZ`), if stated.
        public var from: String?
        /// When it stopped signing (retired), if stated.
        public var until: String?
        /// When its key was compromised (status `compromised`).
        public var compromisedSince: String?

        /// An entry.
        public init(
            certificate: [UInt8], status: Status, from: String? = nil, until: String? = nil,
            compromisedSince: String? = nil
        ) {
            self.certificate = certificate
            self.status = status
            self.from = from
            self.until = until
            self.compromisedSince = compromisedSince
        }

        /// SHA-256 of the certificate, the key id tokens and status lists use.
        public var thumbprint: [UInt8] { Digest.sha256(certificate) }
    }

    /// The roots, DER.
    public var roots: [[UInt8]]
    /// The issuer certificates.
    public var issuers: [Entry]
    /// The time-stamp authorities' certificates.
    public var timeStampAuthorities: [Entry]
    /// When the list was made.
    public var updated: String
    /// When the next list will be published at the latest; a verifier refuses the list after it.
    public var nextUpdate: String

    /// Largest trust list read, in bytes.
    public static let maximumSize = 1_000_000
    /// Most certificates in one list.
    public static let maximumCertificates = 200
    /// The `type` of the payload.
    static let type = "campus-trust-list"

    /// A list made at `updated`, valid for `validDays`.
    public init(
        roots: [[UInt8]], issuers: [Entry], timeStampAuthorities: [Entry], updated: Date = Date(),
        validDays: Int = 30
    ) {
        self.roots = roots
        self.issuers = issuers
        self.timeStampAuthorities = timeStampAuthorities
        self.updated = Timestamp.text(updated)
        nextUpdate = Timestamp.text(updated.addingTimeInterval(TimeInterval(max(1, validDays)) * 86_400))
    }

    /// The payload, canonical JSON (keys in a fixed order, no spaces).
    public var canonicalJSON: [UInt8] {
        func entry(_ entry: Entry) -> CanonicalJSON.Value {
            var members: [(String, CanonicalJSON.Value)] = [
                ("certificate", .string(Data(entry.certificate).base64EncodedString())),
                ("status", .string(entry.status.rawValue)),
            ]
            if let from = entry.from { members.append(("from", .string(from))) }
            if let until = entry.until { members.append(("until", .string(until))) }
            if let since = entry.compromisedSince { members.append(("compromisedSince", .string(since))) }
            return .object(members)
        }
        return CanonicalJSON.encode(
            .object([
                ("type", .string(Self.type)), ("version", .number(Rational(1))), ("updated", .string(updated)),
                ("nextUpdate", .string(nextUpdate)),
                ("roots", .array(roots.map { .string(Data($0).base64EncodedString()) })),
                ("issuers", .array(issuers.map(entry))),
                ("timeStampAuthorities", .array(timeStampAuthorities.map(entry))),
            ]))
    }

    /// The signed document: a flattened JWS JSON object, signed ES256 by `root` (the root certificate and key).
    ///
    /// - Throws: ``CertificateError`` (`.keys`) when `root` is not one of the listed roots or its key is not P-256.
    public func signed(by root: SigningIdentity) throws(CertificateError) -> String {
        guard roots.contains(root.certificateDER) else {
            throw CertificateError(.keys, "the trust list must be signed by one of the roots it lists")
        }
        let kid = Base64URL.encode(Digest.sha256(root.certificateDER))
        let header = Base64URL.encode(Array(#"{"alg":"ES256","typ":"campus-trust-list","kid":"\#(kid)"}"#.utf8))
        let payload = Base64URL.encode(canonicalJSON)
        let signature = Base64URL.encode(try root.signES256(Array("\(header).\(payload)".utf8)))
        return #"{"protected":"\#(header)","payload":"\#(payload)","signature":"\#(signature)"}"# + "\n"
    }

    /// Why a trust list was refused.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not a signed trust list this reader accepts.
        case malformed(String)
        /// Not signed by any of the roots the verifier trusts (or changed after signing).
        case notSignedByTrustedRoot
        /// Past its `nextUpdate`.
        case expired(String)

        public var description: String {
            switch self {
            case .malformed(let reason): "not a trust list: \(reason)"
            case .notSignedByTrustedRoot:
                "the trust list is not signed by a root you trust (or was changed after signing)"
            case .expired(let date):
                "the trust list was due to be replaced on \(date); fetch the current one from the issuer's "
                    + "/.well-known/campus-trust.json"
            }
        }
    }

    /// Reads a signed trust list and checks its signature against `trustedRoots` (DER), and that `time` is not
    /// after its `nextUpdate`. The JWS is read as strictly as a token (``CompactJWS/parse(_:maximumLength:what:)``).
    public static func read(signed text: String, trustedRoots: [[UInt8]], at time: Date = Date()) -> Result<
        PublishedTrustList, Problem
    > {
        guard text.utf8.count <= maximumSize else { return .failure(.malformed("it is larger than 1 MB")) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            object.count == 3, let protected = object["protected"] as? String,
            let payload = object["payload"] as? String, let signature = object["signature"] as? String
        else { return .failure(.malformed("expected a JSON object with protected, payload and signature")) }
        let jws: CompactJWS
        switch CompactJWS.parse("\(protected).\(payload).\(signature)", maximumLength: maximumSize, what: "trust list")
        {
        case .success(let parsed): jws = parsed
        case .failure(.malformed(let reason)), .failure(.ambiguous(let reason)): return .failure(.malformed(reason))
        }
        guard
            trustedRoots.contains(where: {
                SignatureCheck.verifyES256(signature: jws.signature, message: jws.signingInput, certificateDER: $0)
            })
        else { return .failure(.notSignedByTrustedRoot) }
        guard let file = try? JSONDecoder().decode(TrustFile.self, from: Data(jws.payload)), file.type == Self.type,
            file.version == 1
        else { return .failure(.malformed("the payload is not a campus trust list of version 1")) }
        guard let updated = Timestamp.date(file.updated), let nextUpdate = Timestamp.date(file.nextUpdate),
            updated <= nextUpdate
        else { return .failure(.malformed("updated and nextUpdate must be times YYYY-MM-DDTHH:MM:SSZ, in order")) }
        guard time <= nextUpdate else { return .failure(.expired(file.nextUpdate)) }
        guard file.roots.count + file.issuers.count + file.timeStampAuthorities.count <= maximumCertificates else {
            return .failure(.malformed("more than \(maximumCertificates) certificates"))
        }
        func bytes(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map(Array.init) }
        func entry(_ entry: TrustFile.Entry) -> Entry? {
            guard let certificate = bytes(entry.certificate), let status = Status(rawValue: entry.status) else {
                return nil
            }
            for time in [entry.from, entry.until, entry.compromisedSince] {
                if let time, Timestamp.date(time) == nil { return nil }
            }
            guard (status == .compromised) == (entry.compromisedSince != nil) else { return nil }
            return Entry(
                certificate: certificate, status: status, from: entry.from, until: entry.until,
                compromisedSince: entry.compromisedSince)
        }
        let roots = file.roots.compactMap(bytes)
        let issuers = file.issuers.compactMap(entry)
        let authorities = file.timeStampAuthorities.compactMap(entry)
        guard roots.count == file.roots.count, issuers.count == file.issuers.count,
            authorities.count == file.timeStampAuthorities.count
        else {
            return .failure(
                .malformed(
                    "an entry is not base64 DER with a status active, retired or compromised (with compromisedSince)"
                ))
        }
        var list = PublishedTrustList(roots: roots, issuers: issuers, timeStampAuthorities: authorities)
        list.updated = file.updated
        list.nextUpdate = file.nextUpdate
        return .success(list)
    }

    private struct TrustFile: Decodable {
        struct Entry: Decodable {
            let certificate: String
            let status: String
            let from: String?
            let until: String?
            let compromisedSince: String?
        }
        let type: String
        let version: Int
        let updated: String
        let nextUpdate: String
        let roots: [String]
        let issuers: [Entry]
        let timeStampAuthorities: [Entry]
    }
}

/// The first certificate of a PEM file, as a trust list lists it.
public enum CertificateFile {
    /// The first certificate in `pem`: its DER and the start of its validity (`YYYY-MM-DDTHH:MM:SSZ`).
    ///
    /// - Throws: ``CertificateError`` (`.unreadableCertificate`) when the PEM holds no readable certificate.
    public static func first(_ pem: [UInt8]) throws(CertificateError) -> (der: [UInt8], notBefore: String?) {
        try all(pem)[0]
    }

    /// Every certificate in `pem`, in order: its DER and the start of its validity (`YYYY-MM-DDTHH:MM:SSZ`).
    ///
    /// - Throws: ``CertificateError`` (`.unreadableCertificate`) when the PEM holds no readable certificate.
    public static func all(_ pem: [UInt8]) throws(CertificateError) -> [(der: [UInt8], notBefore: String?)] {
        try mappingCryptoErrors { () throws(CryptoError) in
            try OpenSSLCertificate.all(fromPEM: pem, source: "the certificate file").map {
                (certificate) throws(CryptoError) in
                (try certificate.encodedDER(), certificate.notBefore.map(Timestamp.text))
            }
        }
    }
}
