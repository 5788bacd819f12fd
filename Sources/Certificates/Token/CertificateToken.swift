import Assessment
import Foundation

/// The compact signed token carried in the QR code: a JWS in compact serialization, signed ES256.
///
/// Header `{"alg":"ES256"}`. Claims (canonical JSON, keys sorted; one-letter keys keep the QR code
/// small): `id` certificate id, `n` holder name, `c` course title, `t` tier, `s` score
/// (`"points/max"`, scored and qualified only), `e` ECTS credits (qualified only), `d` issue date
/// (`YYYY-MM-DD`), `v` the last valid day (`YYYY-MM-DD`, only when the certificate expires), `k` issuer key id (base64url of the SHA-256 thumbprint of the issuer certificate
/// DER) and `h` (base64url of the SHA-256 of the record's canonical JSON). A verifier holding the
/// issuer certificate checks it with no network. Tokens are read strictly (see ``CompactJWS``): a form that could be
/// read in two ways is ``Problem/ambiguous(_:)``.
public enum CertificateToken {
    /// The claims of a token.
    public struct Claims: Sendable, Equatable, Codable {
        enum CodingKeys: String, CodingKey {
            case id
            case name = "n"
            case course = "c"
            case tier = "t"
            case score = "s"
            case ects = "e"
            case issued = "d"
            case validUntil = "v"
            case kid = "k"
            case hash = "h"
        }

        /// Certificate id.
        public var id: String
        /// Holder name.
        public var name: String
        /// Course title.
        public var course: String
        /// Tier raw value.
        public var tier: String
        /// `points/max`.
        public var score: String?
        /// ECTS credits.
        public var ects: String?
        /// Issue date.
        public var issued: String
        /// The last valid day, when the certificate expires.
        public var validUntil: String?
        /// Base64url SHA-256 thumbprint of the issuer certificate.
        public var kid: String
        /// Base64url SHA-256 of the canonical record.
        public var hash: String

        /// Claims with these values.
        public init(
            id: String, name: String, course: String, tier: String, score: String?, ects: String?, issued: String,
            validUntil: String?, kid: String, hash: String
        ) {
            self.id = id
            self.name = name
            self.course = course
            self.tier = tier
            self.score = score
            self.ects = ects
            self.issued = issued
            self.validUntil = validUntil
            self.kid = kid
            self.hash = hash
        }

        /// Claims describing `record`, for the issuer whose certificate thumbprint is `keyThumbprint`;
        /// `recordHash` may pass the SHA-256 of the record's canonical JSON when it is already known.
        public init(record: CertificateRecord, keyThumbprint: [UInt8], recordHash: [UInt8]? = nil) {
            id = record.id
            name = record.holder.name
            course = record.course.title
            tier = record.tier.rawValue
            score = record.score.map { "\($0.points.formatted(places: 4))/\($0.maximum.formatted(places: 4))" }
            ects = record.tier == .qualified ? record.course.ects?.formatted(places: 4) : nil
            issued = record.issued
            validUntil = record.validUntil
            kid = Base64URL.encode(keyThumbprint)
            hash = Base64URL.encode(recordHash ?? record.canonicalHash)
        }

        var canonicalJSON: [UInt8] {
            var members: [(String, CanonicalJSON.Value)] = [
                ("id", .string(id)), ("n", .string(name)), ("c", .string(course)), ("t", .string(tier)),
                ("d", .string(issued)), ("k", .string(kid)), ("h", .string(hash)),
            ]
            if let score { members.append(("s", .string(score))) }
            if let ects { members.append(("e", .string(ects))) }
            if let validUntil { members.append(("v", .string(validUntil))) }
            return CanonicalJSON.encode(.object(members))
        }
    }

    static let header = Base64URL.encode(Array(#"{"alg":"ES256"}"#.utf8))

    /// Signs a JWS token for `record` with `identity` (an ECDSA P-256 key) — the form certificates carried before
    /// the compact token (``CompactToken``); verifiers keep accepting it.
    public static func makeJWS(for record: CertificateRecord, identity: SigningIdentity) throws(CertificateError)
        -> String
    {
        let claims = Claims(record: record, keyThumbprint: identity.keyThumbprint)
        let signingInput = header + "." + Base64URL.encode(claims.canonicalJSON)
        let signature = try identity.signES256(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Longest token accepted, in bytes.
    public static let maximumLength = 4096

    /// Why a token was refused.
    public enum Problem: Error, Sendable, Equatable {
        /// Not three base64url parts, oversized, or claims that are not the expected JSON.
        case malformed(String)
        /// The signature does not verify with the given certificate.
        case badSignature
        /// A form that could be read in two ways (see ``CompactJWS``): non-canonical base64url, a duplicate JSON
        /// member, a `crit` header, a high-S signature.
        case ambiguous(String)
    }

    /// Splits a token into its claims and signing input, checking only its form, strictly (see ``CompactJWS``).
    public static func decode(_ token: String) -> Result<
        (claims: Claims, signingInput: [UInt8], signature: [UInt8]), Problem
    > {
        let jws: CompactJWS
        switch CompactJWS.parse(token, maximumLength: maximumLength, what: "token") {
        case .success(let parsed): jws = parsed
        case .failure(.malformed(let detail)): return .failure(.malformed(detail))
        case .failure(.ambiguous(let detail)): return .failure(.ambiguous(detail))
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: Data(jws.payload)) else {
            return .failure(.malformed("token claims are not readable"))
        }
        return .success((claims, jws.signingInput, jws.signature))
    }

    /// Verifies `token` with the issuer certificate (DER) and returns its claims.
    public static func verify(_ token: String, issuerCertificateDER: [UInt8]) -> Result<Claims, Problem> {
        guard let key = ES256PublicKey(certificateDER: issuerCertificateDER) else { return .failure(.badSignature) }
        return verify(token, issuerKey: key)
    }

    /// Verifies `token` with an already parsed issuer key and returns its claims.
    public static func verify(_ token: String, issuerKey: ES256PublicKey) -> Result<Claims, Problem> {
        decode(token).flatMap { decoded in
            issuerKey.verify(signature: decoded.signature, message: decoded.signingInput)
                ? .success(decoded.claims) : .failure(.badSignature)
        }
    }

    /// The URL the QR code holds: `BASE/v/ID#TOKEN` (the token in the fragment never reaches a server log).
    public static func verificationURL(base: String, id: String, token: String) -> String {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return "\(trimmed)/v/\(id)#\(token)"
    }
}

/// Base64url without padding (RFC 4648 §5), as JWS uses it.
public enum Base64URL {
    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        var encoded: [UInt8] = []
        let standard = Data(bytes).base64EncodedData()
        encoded.reserveCapacity(standard.count)
        for byte in standard {
            switch byte {
            case UInt8(ascii: "+"): encoded.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): encoded.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): break
            default: encoded.append(byte)
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Decodes text; `nil` for anything that is not canonical base64url: characters outside the alphabet, padding,
    /// a length no encoding has, or unused trailing bits that are not zero (two texts for the same bytes).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard let bytes = decodeAllowingNonZeroTrailingBits(text), encode(bytes).utf8.elementsEqual(text.utf8) else {
            return nil
        }
        return bytes
    }

    /// Decodes base64url without padding, ignoring the unused trailing bits of the last character.
    static func decodeAllowingNonZeroTrailingBits(_ text: some StringProtocol) -> [UInt8]? {
        var standard: [UInt8] = []
        standard.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: standard.append(byte)
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        guard standard.count % 4 != 1 else { return nil }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(standard)).map(Array.init)
    }
}

extension SigningIdentity {
    /// SHA-256 of the signer certificate's DER, the key id in tokens.
    public var keyThumbprint: [UInt8] { Digest.sha256(certificateDER) }
}
