import Certificates
import Foundation
import TestSupport
import Testing

@testable import Verify

/// Ambiguity is rejection: a signature or token that could be read in two ways fails with a reason starting
/// "ambiguous structure: ".
@Suite("Ambiguous signatures and tokens")
struct SignatureAmbiguityTests {
    static let prefix = "ambiguous structure: "

    /// Detached CMS signatures of `content` made by the `openssl cms` tool with the fixture's issuer key: DER, and
    /// BER with indefinite lengths (`-stream`).
    static func openSSLSignatures(of content: [UInt8], fixture: RedTeamFixture) throws -> (der: [UInt8], ber: [UInt8]) {
        let folder = fixture.folder
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try Data(content).write(to: URL(fileURLWithPath: path("content.bin")))
        try Data(fixture.pki.issuerPEM.utf8).write(to: URL(fileURLWithPath: path("issuer.pem")))
        try Data(fixture.pki.issuerKeyPEM.utf8).write(to: URL(fileURLWithPath: path("issuer.key")))
        let common = [
            "cms", "-sign", "-binary", "-cades", "-md", "sha256", "-in", path("content.bin"), "-signer",
            path("issuer.pem"), "-inkey", path("issuer.key"), "-outform", "DER",
        ]
        try ExternalTool.run("openssl", common + ["-out", path("der.p7s")])
        try ExternalTool.run("openssl", common + ["-stream", "-out", path("ber.p7s")])
        return (
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("der.p7s")))),
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("ber.p7s"))))
        )
    }

    static func failure(of result: Result<VerifiedSigner, VerificationFailure>) -> VerificationFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    // MARK: CMS

    /// `cms` (DER, `30 82 LL LL …`) with the outer SEQUENCE re-encoded with an indefinite length, as BER allows.
    static func indefiniteOuter(_ cms: [UInt8]) throws -> [UInt8] {
        try #require(cms.count > 4 && cms[0] == 0x30 && cms[1] == 0x82)
        return [0x30, 0x80] + cms[4...] + [0, 0]
    }

    /// `cms` with the `[0]` wrapper of its SignedData (`A0 82 LL LL` after the content-type OID) re-encoded with
    /// an indefinite length; the outer length stays right, since `A0 80 … 00 00` takes as many bytes.
    static func indefiniteInner(_ cms: [UInt8]) throws -> [UInt8] {
        try #require(cms.count > 19 && cms[15] == 0xA0 && cms[16] == 0x82)
        return Array(cms[0..<15]) + [0xA0, 0x80] + cms[19...] + [0, 0]
    }

    @Test("a genuine CMS signature re-encoded with indefinite lengths is ambiguous, outside or inside")
    func berSignature() throws {
        let fixture = try RedTeamFixture()
        let content = Array("Inhalt des Zertifikats".utf8)
        let cms = try fixture.identity.signDetachedCMS(content: content)
        let trust = fixture.trust
        #expect(throws: Never.self) {
            try SignatureVerifier.verifyDetachedCMS(cms, content: content, trust: trust, at: Date()).get()
        }
        for (name, ber) in [("outside", try Self.indefiniteOuter(cms)), ("inside", try Self.indefiniteInner(cms))] {
            let failure = try #require(
                Self.failure(of: SignatureVerifier.verifyDetachedCMS(ber, content: content, trust: trust, at: Date())))
            #expect(failure.code == .malformedSignature, "\(name)")
            #expect(failure.reason.hasPrefix(Self.prefix), "\(name): \(failure)")
        }
    }

    @Test("BER written by openssl cms -stream is ambiguous, the DER openssl writes verifies")
    func berFromOpenSSL() throws {
        let fixture = try RedTeamFixture()
        let content = Array("Inhalt des Zertifikats".utf8)
        let (der, ber) = try Self.openSSLSignatures(of: content, fixture: fixture)
        #expect(ber.starts(with: [0x30, 0x80]), "openssl -stream writes indefinite lengths")
        let trust = fixture.trust
        #expect(throws: Never.self) {
            try SignatureVerifier.verifyDetachedCMS(der, content: content, trust: trust, at: Date()).get()
        }
        let failure = try #require(
            Self.failure(of: SignatureVerifier.verifyDetachedCMS(ber, content: content, trust: trust, at: Date())))
        #expect(failure.reason.hasPrefix(Self.prefix), "\(failure)")
    }

    @Test("a genuine CMS signature with an over-long length is ambiguous")
    func overlongLength() throws {
        let fixture = try RedTeamFixture()
        let content = Array("Inhalt".utf8)
        let cms = try fixture.identity.signDetachedCMS(content: content)
        try #require(cms[0] == 0x30 && cms[1] == 0x82)
        // 0x82 LL LL → 0x83 00 LL LL: the same length, in one byte more.
        let overlong = [0x30, 0x83, 0x00] + cms[2...]
        let failure = try #require(
            Self.failure(
                of: SignatureVerifier.verifyDetachedCMS(overlong, content: content, trust: fixture.trust, at: Date())))
        #expect(failure.reason.hasPrefix(Self.prefix), "\(failure)")
        #expect(throws: Never.self) {
            try SignatureVerifier.verifyDetachedCMS(cms, content: content, trust: fixture.trust, at: Date()).get()
        }
    }

    @Test("a certificate PDF whose signature is re-encoded as BER is refused as ambiguous; openssl's DER is accepted")
    func berSignatureInPDF() throws {
        let fixture = try RedTeamFixture()
        let pdf = try fixture.genuine().pdf
        let (der, _) = try Self.openSSLSignatures(of: try Resigning.signedContent(of: pdf), fixture: fixture)
        let verifier = fixture.verifier()

        let accepted = verifier.verify(pdf: try Resigning.replacingSignature(of: pdf, with: der))
        #expect(accepted.checks.first { $0.name == .signature }?.passed == true, "\(accepted.failures)")
        #expect(accepted.checks.first { $0.name == .trust }?.passed == true, "\(accepted.failures)")

        for ber in [try Self.indefiniteOuter(der), try Self.indefiniteInner(der)] {
            let refused = verifier.verify(pdf: try Resigning.replacingSignature(of: pdf, with: ber))
            let signature = try #require(refused.checks.first { $0.name == .signature })
            #expect(!signature.passed)
            #expect(signature.detail.hasPrefix(Self.prefix), "\(signature.detail)")
        }
    }

    // MARK: Tokens

    /// A token for `record` with the given header, signed by the fixture's issuer.
    static func token(header: String, fixture: RedTeamFixture, record: CertificateRecord) throws -> String {
        let claims = CertificateToken.Claims(record: record, keyThumbprint: fixture.identity.keyThumbprint)
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(Self.json(claims).utf8))
        return input + "." + Base64URL.encode(try fixture.identity.signES256(Array(input.utf8)))
    }

    /// The claims as JSON with sorted keys (the form tokens carry).
    static func json(_ claims: CertificateToken.Claims) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(claims)) ?? Data(), as: UTF8.self)
    }

    @Test(
        "a token on its own with crit, a duplicate header member or a high-S signature is refused as ambiguous",
        arguments: ["crit", "duplicate", "high-S", "trailing bits"])
    func ambiguousTokenAlone(kind: String) throws {
        let fixture = try RedTeamFixture()
        let record = fixture.record(.scored)
        var token: String
        switch kind {
        case "crit":
            token = try Self.token(header: #"{"alg":"ES256","crit":["x"],"x":1}"#, fixture: fixture, record: record)
        case "duplicate":
            token = try Self.token(header: #"{"alg":"ES256","alg":"ES256"}"#, fixture: fixture, record: record)
        default: token = try Self.token(header: #"{"alg":"ES256"}"#, fixture: fixture, record: record)
        }
        // The genuine form verifies on its own; only the ambiguity refuses it.
        if kind == "high-S" || kind == "trailing bits" {
            #expect(fixture.verifier().verify(token: token).isValid)
            var parts = token.split(separator: ".").map(String.init)
            let signature = try #require(Base64URL.decode(parts[2]))
            if kind == "high-S" {
                parts[2] = Base64URL.encode(
                    Array(signature[0..<32]) + Self.subtractedFromOrder(Array(signature[32...])))
            } else {
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                let last = alphabet.firstIndex(of: parts[2].last!)!
                parts[2] = String(parts[2].dropLast()) + String(alphabet[last | 1])
            }
            token = parts.joined(separator: ".")
        }
        let verdict = fixture.verifier().verify(token: token)
        #expect(!verdict.isValid)
        let check = try #require(verdict.failures.first { $0.name == .token }, "\(verdict.checks)")
        #expect(check.detail.hasPrefix(Self.prefix), "\(check.detail)")
    }

    @Test("a certificate PDF presented with an ambiguous token fails the token check with the reason")
    func ambiguousTokenWithPDF() throws {
        let fixture = try RedTeamFixture()
        let certificate = try fixture.genuine()
        let token = try Self.token(
            header: #"{"alg":"ES256","crit":["exp"],"exp":1}"#, fixture: fixture, record: certificate.record)
        let verdict = fixture.verifier().verify(pdf: certificate.pdf, token: token)
        let check = try #require(verdict.checks.first { $0.name == .token })
        #expect(!check.passed)
        #expect(check.detail.hasPrefix(Self.prefix + "the token's header has critical extensions"), "\(check.detail)")
        #expect(fixture.verifier().verify(pdf: certificate.pdf, token: certificate.token).isValid)
    }

    /// n − s for P-256's order n: the s of the other valid signature.
    static func subtractedFromOrder(_ s: [UInt8]) -> [UInt8] {
        let order: [UInt8] = [
            0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
        ]
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in (0..<32).reversed() {
            var difference = Int(order[index]) - Int(s[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            result[index] = UInt8(difference)
        }
        return result
    }
}
