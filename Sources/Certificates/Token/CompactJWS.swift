import Assessment
import Foundation

/// A JWS in compact serialization signed ES256, read strictly: any form that could be read in two ways is refused.
///
/// Refused as ambiguous: a part that is not canonical base64url (unused trailing bits that are not zero), a header
/// or payload with a JSON member twice, a header with `crit` (RFC 7515 §4.1.11: this reader understands no
/// extension), and a high-S ECDSA signature (its low-S twin is the one accepted).
public struct CompactJWS: Sendable, Equatable {
    /// The decoded header JSON.
    public let header: [UInt8]
    /// The decoded payload.
    public let payload: [UInt8]
    /// The raw 64-byte r‖s signature, in low-S form.
    public let signature: [UInt8]
    /// The bytes the signature covers: the header and payload parts as written, joined by a dot.
    public let signingInput: [UInt8]

    /// Why a text is not a JWS this reader accepts.
    public enum Problem: Error, Sendable, Equatable {
        /// Not three base64url parts, not JSON where JSON is expected, or not ES256.
        case malformed(String)
        /// A form with two readings: non-canonical base64url, a duplicate JSON member, `crit`, a high-S signature.
        case ambiguous(String)
    }

    /// Reads `text`, a JWS of at most `maximumLength` bytes whose payload is a JSON object.
    ///
    /// - Parameter what: What the JWS is, for reasons: "token", "status list".
    public static func parse(_ text: some StringProtocol, maximumLength: Int, what: String) -> Result<
        CompactJWS, Problem
    > {
        guard text.utf8.count <= maximumLength else {
            return .failure(.malformed("the \(what) is longer than \(maximumLength) bytes"))
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            return .failure(.malformed("a \(what) has three parts separated by dots"))
        }
        var decoded: [[UInt8]] = []
        for (part, name) in zip(parts, ["header", "payload", "signature"]) {
            guard let bytes = Base64URL.decodeAllowingNonZeroTrailingBits(part) else {
                return .failure(.malformed("the \(what)'s \(name) is not base64url"))
            }
            guard Base64URL.encode(bytes).utf8.elementsEqual(part.utf8) else {
                return .failure(
                    .ambiguous(
                        "the \(what)'s \(name) is not canonical base64url (its last character has unused bits that"
                            + " are not zero)"))
            }
            decoded.append(bytes)
        }
        let (header, payload, signature) = (decoded[0], decoded[1], decoded[2])

        if let problem = memberProblem(in: header, part: "header", what: what) { return .failure(problem) }
        guard let fields = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
            return .failure(.malformed("the \(what)'s header is not a JSON object"))
        }
        guard fields["crit"] == nil else {
            return .failure(
                .ambiguous(
                    "the \(what)'s header has critical extensions (crit), which this verifier does not understand"
                        + " (RFC 7515 §4.1.11)"))
        }
        guard fields["alg"] as? String == "ES256" else {
            return .failure(.malformed("the \(what)'s header is not an ES256 JWS header"))
        }
        if let problem = memberProblem(in: payload, part: "payload", what: what) { return .failure(problem) }
        guard signature.count == 64 else {
            return .failure(.malformed("the \(what)'s signature is not a 64-byte ES256 signature"))
        }
        guard SignatureCheck.isLowS(es256Signature: signature) else {
            return .failure(
                .ambiguous(
                    "the \(what)'s signature is a high-S ECDSA signature; only the low-S form (s ≤ n/2) is"
                        + " accepted"))
        }
        return .success(
            CompactJWS(
                header: header, payload: payload, signature: signature,
                signingInput: Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)))
    }

    /// A JSON syntax error in a decoded `part` (malformed), or a member it has twice (ambiguous).
    private static func memberProblem(in json: [UInt8], part: String, what: String) -> Problem? {
        guard let problem = JSONSyntax.problem(in: json) else { return nil }
        switch problem.kind {
        case .duplicateMember(let member):
            return .ambiguous("the \(what)'s \(part) has the member “\(member)” twice")
        case .syntax:
            return .malformed("the \(what)'s \(part) is not JSON (\(problem))")
        }
    }
}
