import Assessment
import Foundation
import Testing

@testable import Certificates

/// Tokens read strictly: every form with two readings is refused as ambiguous.
@Suite("Compact JWS")
struct CompactJWSTests {
    static let pki = Result { try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: "Stadt") }

    static func identity() throws -> SigningIdentity {
        let pki = try pki.get()
        return try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
    }

    static func record() -> CertificateRecord {
        CertificateRecord(
            id: CertificateID.random(), holder: .init(name: "Anna Schmidt", birthDate: "1990-01-02"),
            course: .init(
                title: "Vergaberecht", provider: "Akademie", ects: nil, start: "2026-09-01", end: "2026-11-30"),
            tier: .attendance, score: nil, issued: "2026-12-04", issuer: "Zertifikatsstelle")
    }

    /// A token with `header` and `payload` JSON texts, signed genuinely by the issuer.
    static func token(header: String, payload: String? = nil) throws -> String {
        let identity = try identity()
        let claims = CertificateToken.Claims(record: record(), keyThumbprint: identity.keyThumbprint)
        let body = payload.map { Array($0.utf8) } ?? claims.canonicalJSON
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(body)
        return input + "." + Base64URL.encode(try identity.signES256(Array(input.utf8)))
    }

    static func ambiguity(of token: String) -> String? {
        if case .failure(.ambiguous(let detail)) = CertificateToken.decode(token) { return detail }
        return nil
    }

    /// `part` with unused trailing bits set in its last character (it must have some: length % 4 ≠ 0).
    static func withTrailingBits(_ part: Substring) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: part.last!)!
        return String(part.dropLast()) + String(alphabet[last | 1])
    }

    // MARK: Genuine

    @Test("a genuine token decodes and verifies; extra header members such as kid and typ are allowed")
    func genuine() throws {
        let identity = try Self.identity()
        let made = try CertificateToken.makeJWS(for: Self.record(), identity: identity)
        #expect(throws: Never.self) {
            try CertificateToken.verify(made, issuerCertificateDER: identity.certificateDER).get()
        }
        let typed = try Self.token(header: #"{"alg":"ES256","typ":"JWT","kid":"abc"}"#)
        #expect(throws: Never.self) {
            try CertificateToken.verify(typed, issuerCertificateDER: identity.certificateDER).get()
        }
    }

    // MARK: Base64url

    @Test("base64url decodes only its canonical form")
    func canonicalBase64URL() {
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QR") == nil)
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(Base64URL.decode("QUJ") == nil)
        #expect(Base64URL.decode("QQ==") == nil)
        #expect(Base64URL.decode("Q") == nil)
        #expect(Base64URL.decode("QU+C") == nil)
        #expect(Base64URL.decode("") == [])
        var generator = SystemRandomNumberGenerator()
        for length in 0..<48 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encode(bytes)
            #expect(Base64URL.decode(text) == bytes)
            if length % 3 != 0 {
                #expect(Base64URL.decode(Self.withTrailingBits(Substring(text))) == nil, "length \(length)")
            }
        }
    }

    @Test("a token part with non-zero trailing bits is ambiguous, whichever part it is")
    func nonCanonicalParts() throws {
        // 25 bytes of header and the claims' length leave unused bits; a 64-byte signature always does.
        let token = try Self.token(header: #"{"alg":"ES256","kid":"x"}"#)
        var parts = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts[0].count % 4 != 0)
        for (index, name) in [(0, "header"), (2, "signature")] {
            var changed = parts
            changed[index] = Substring(Self.withTrailingBits(parts[index]))
            let detail = Self.ambiguity(of: changed.joined(separator: "."))
            #expect(
                detail == "the token's \(name) is not canonical base64url (its last character has unused bits"
                    + " that are not zero)")
        }
        let payload = try #require(Base64URL.decode(parts[1]))
        var padded = payload
        while Base64URL.encode(padded).count % 4 == 0 { padded.append(0x20) }
        parts[1] = Substring(Self.withTrailingBits(Substring(Base64URL.encode(padded))))
        #expect(Self.ambiguity(of: parts.joined(separator: "."))?.contains("payload is not canonical") == true)
    }

    // MARK: crit

    @Test(
        "a header with crit is refused, whatever it lists",
        arguments: [
            #"{"alg":"ES256","crit":["exp"],"exp":1}"#, #"{"alg":"ES256","crit":[]}"#,
            #"{"crit":["b64"],"b64":false,"alg":"ES256"}"#, #"{"alg":"ES256","crit":"x"}"#,
        ])
    func critIsRefused(header: String) throws {
        let detail = try #require(Self.ambiguity(of: try Self.token(header: header)))
        #expect(detail.contains("(crit)") && detail.contains("RFC 7515 §4.1.11"), "\(detail)")
    }

    // MARK: Duplicate members

    @Test(
        "a header with a member twice is refused, even when spelled with escapes",
        arguments: [
            #"{"alg":"ES256","alg":"none"}"#, #"{"alg":"none","alg":"ES256"}"#, #"{"alg":"ES256","\u0061lg":"ES256"}"#,
            #"{"alg":"ES256","kid":"a", "kid" :"b"}"#,
        ])
    func duplicateHeaderMember(header: String) throws {
        let detail = try #require(Self.ambiguity(of: try Self.token(header: header)))
        #expect(detail.hasPrefix("the token's header has the member"), "\(detail)")
    }

    @Test("claims with a member twice are refused")
    func duplicateClaims() throws {
        let identity = try Self.identity()
        let claims = String(
            decoding: CertificateToken.Claims(record: Self.record(), keyThumbprint: identity.keyThumbprint)
                .canonicalJSON,
            as: UTF8.self)
        for duplicate in [#"{"n":"Mallory","#, #"{"\u006E":"Mallory","#, #"{"id":"KC-000000000000","#] {
            let payload = duplicate + claims.dropFirst()
            let detail = try #require(Self.ambiguity(of: try Self.token(header: #"{"alg":"ES256"}"#, payload: payload)))
            #expect(detail.hasPrefix("the token's payload has the member"), "\(detail)")
        }
    }

    @Test("the duplicate finder sees nested objects and arrays, and only real duplicates")
    func duplicateFinder() {
        let cases: [(String, String?)] = [
            (#"{"a":1,"b":2}"#, nil),
            (#"{"a":{"a":1},"b":{"a":2}}"#, nil),
            (#"{"a":[{"x":1},{"x":2}]}"#, nil),
            (#"{"a":"{\"a\":1,\"a\":2}"}"#, nil),
            (#"{"a\u0000":1,"a":2}"#, nil),
            (#"{"a":1,"b":{"c":1,"c":2}}"#, "c"),
            (#"{"a":[1,{"d":true,"d":null}]}"#, "d"),
            (#"{"x\"y":1,"x\"y":2}"#, #"x"y"#),
            (#"{ "a" : -1.5e3 , "a" : false }"#, "a"),
            (#"{"é":1,"é":2}"#, "é"),
            ("{\"e\u{301}\":1,\"\u{E9}\":2}", "é"),
            (#"{"\u00e9":1,"é":2}"#, "é"),
            (#"{"\ud83d\ude00":1,"😀":2}"#, "😀"),
            (#"{"tab\t\/":1,"tab\u0009/":2}"#, "tab\t/"),
        ]
        for (json, duplicate) in cases {
            let problem = JSONSyntax.problem(in: Array(json.utf8))
            if let duplicate {
                #expect(problem?.kind == .duplicateMember(duplicate), "\(json)")
            } else {
                #expect(problem == nil, "\(json)")
            }
        }
        // Garbage and deep nesting are syntax problems, never a duplicate, and never a crash.
        for json in ["", "{", "{\"a", "{\"a\":", "[[[[", "\"\\", String(repeating: "[", count: 10_000), "{\"a\":1,"] {
            #expect(JSONSyntax.problem(in: Array(json.utf8))?.kind == .syntax, "\(json)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in
                Array(#"{}[]":,\ab1"#.utf8).randomElement(using: &generator)!
            }
            _ = JSONSyntax.problem(in: bytes)
        }
    }

    // MARK: High-S

    @Test("a token whose signature is the high-S twin of a genuine one is refused as ambiguous")
    func highSIsRefused() throws {
        let identity = try Self.identity()
        let token = try CertificateToken.makeJWS(for: Self.record(), identity: identity)
        var parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let signature = try #require(Base64URL.decode(parts[2]))
        #expect(SignatureCheck.isLowS(es256Signature: signature))
        parts[2] = Substring(Base64URL.encode(SigningTests.twin(of: signature)))
        let forged = parts.joined(separator: ".")
        #expect(Self.ambiguity(of: forged)?.contains("high-S ECDSA signature") == true)
        guard case .failure(.ambiguous) = CertificateToken.verify(forged, issuerCertificateDER: identity.certificateDER)
        else {
            Issue.record("the high-S twin was not refused as ambiguous")
            return
        }
    }
}
