import Certificates

/// Compact QR tokens with claims changed after signing, for tests of what verifiers refuse.
public enum TokenForgery {
    /// `token` (as in a URL fragment, or a whole URL whose fragment it is) with the given claims replaced and the
    /// original signature kept, so that it no longer verifies; `nil` when `token` is not a compact token. An `id`
    /// goes into the claims as cti (a token that names its certificate in the link gets one added: what a forger
    /// would try).
    public static func compact(
        _ token: String, name: String? = nil, course: String? = nil, tier: UInt64? = nil, id: String? = nil
    ) -> String? {
        let (prefix, fragment) =
            token.contains("#")
            ? (
                String(token[...token.firstIndex(of: "#")!]),
                String(token[token.index(after: token.firstIndex(of: "#")!)...])
            )
            : ("", token)
        guard let text = CompactToken.unescape(fragment), var structure = Base45.decode(text) else { return nil }
        if CompactToken.isZlib(structure) {
            return nil  // compressed tokens: tests issue the short records, which are never compressed
        }
        guard case .tagged(18, .array(var parts))? = try? CBOR.decode(structure), parts.count == 4,
            case .bytes(let payload) = parts[2], case .map(var claims)? = try? CBOR.decode(payload)
        else { return nil }
        if let id, !claims.contains(where: { $0.key == .unsigned(7) }) {
            claims.append(.init(.unsigned(7), .bytes(Array(id.utf8))))
        }
        for (index, pair) in claims.enumerated() {
            if pair.key == .unsigned(7), let id {
                claims[index] = .init(pair.key, .bytes(Array(id.utf8)))
            }
            if case .map(var own) = pair.value {
                for (position, member) in own.enumerated() {
                    switch member.key {
                    case .unsigned(1): if let name { own[position] = .init(member.key, .text(name)) }
                    case .unsigned(2): if let course { own[position] = .init(member.key, .text(course)) }
                    case .unsigned(3): if let tier { own[position] = .init(member.key, .unsigned(tier)) }
                    default: break
                    }
                }
                claims[index] = .init(pair.key, .map(own))
            }
        }
        parts[2] = .bytes(CBOR.map(claims).encoded)
        structure = CBOR.tagged(18, .array(parts)).encoded
        return prefix + CompactToken.escape(Base45.encode(structure))
    }
}
