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

        if let member = JSONMembers.firstDuplicate(in: header) {
            return .failure(.ambiguous("the \(what)'s header has the member “\(member)” twice"))
        }
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
        if let member = JSONMembers.firstDuplicate(in: payload) {
            return .failure(.ambiguous("the \(what)'s payload has the member “\(member)” twice"))
        }
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
}

/// Finds JSON object members that appear twice, for readers (JSONSerialization, JSONDecoder) that silently keep
/// one of them.
enum JSONMembers {
    /// Deepest nesting scanned; deeper text is left to the JSON reader, which refuses it or reads it.
    static let maximumDepth = 64

    /// The first member name that appears twice in one object anywhere in `json`, decoded (so `"a"` and `"\u0061"`
    /// are the same name); `nil` when there is none or the text is not JSON (the JSON reader then refuses it).
    static func firstDuplicate(in json: [UInt8]) -> String? {
        var scanner = Scanner(bytes: json)
        return scanner.value(depth: 0)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Scans one value; returns a duplicate found in it. Stops (returning `nil`) at anything that is not JSON.
        mutating func value(depth: Int) -> String? {
            skipSpace()
            guard index < bytes.count, depth < JSONMembers.maximumDepth else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var names: Set<String> = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return nil
                }
                while index < bytes.count {
                    skipSpace()
                    guard let name = string() else { return nil }
                    guard names.insert(name).inserted else { return name }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    if let duplicate = value(depth: depth + 1) { return duplicate }
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        return nil
                    }
                    guard bytes[index] == UInt8(ascii: ",") else { return nil }
                    index += 1
                }
                return nil
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return nil
                }
                while index < bytes.count {
                    if let duplicate = value(depth: depth + 1) { return duplicate }
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        return nil
                    }
                    guard bytes[index] == UInt8(ascii: ",") else { return nil }
                    index += 1
                }
                return nil
            case UInt8(ascii: "\""):
                _ = string()
                return nil
            default:
                // A number, true, false or null: letters, digits, sign, point.
                let start = index
                while index < bytes.count,
                    bytes[index].isASCIIAlphanumeric || [0x2B, 0x2D, 0x2E].contains(bytes[index])
                {
                    index += 1
                }
                if index == start { index = bytes.count }
                return nil
            }
        }

        /// Scans a string at `index` and returns it decoded; `nil` when it is not a JSON string.
        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index
            index += 1
            var escaped = false
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"):
                    escaped = true
                    index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    let raw = bytes[start..<index]
                    guard escaped else { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
                    // Escapes are decoded by the same reader that reads the JSON.
                    return try? JSONSerialization.jsonObject(with: Data(raw), options: .fragmentsAllowed) as? String
                default:
                    index += 1
                }
            }
            return nil
        }
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
