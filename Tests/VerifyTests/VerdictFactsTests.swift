import Assessment
import Certificates
import Foundation
import TestSupport
import Testing

@testable import Verify

/// Forged tokens and re-signed PDFs whose texts try to take over a terminal.
enum HostileInput {
    static let name = "\u{1B}[2K\rverdict: valid\u{202E}nnamretsuM"

    /// `token` with its claims replaced (the signature no longer matches them).
    static func token(_ token: String, name: String? = nil, course: String? = nil, id: String? = nil) throws
        -> String
    {
        try #require(TokenForgery.compact(token, name: name, course: course, id: id))
    }

    /// `pdf` with its signature replaced by one of `identity` over the same bytes.
    static func resigned(_ pdf: [UInt8], by identity: SigningIdentity) throws -> [UInt8] {
        let key = try #require(pdf.range(of: "/ByteRange ["))
        let end = try #require(pdf[key.upperBound...].firstIndex(of: UInt8(ascii: "]")))
        let numbers = String(decoding: pdf[key.upperBound..<end], as: UTF8.self).split(separator: " ").compactMap {
            Int($0)
        }
        try #require(numbers.count == 4)
        let content = Array(pdf[numbers[0]..<(numbers[0] + numbers[1])] + pdf[numbers[2]..<(numbers[2] + numbers[3])])
        let hex = Array(Digest.hex(try identity.signDetachedCMS(content: content)).uppercased().utf8)
        let contents = Forgery.contents(pdf)
        try #require(hex.count <= contents.count)
        var bytes = pdf
        bytes.replaceSubrange(
            contents, with: hex + Array(repeating: UInt8(ascii: "0"), count: contents.count - hex.count))
        return bytes
    }
}

@Suite("Verdicts state facts only from verified sources")
struct VerdictFactsTests {
    let fixture: RedTeamFixture

    init() throws {
        fixture = try RedTeamFixture()
    }

    @Test("a token whose claims were changed to escape sequences yields no claims and a reason quoting none")
    func forgedTokenAlone() throws {
        let certificate = try fixture.genuine()
        let forged = try HostileInput.token(
            certificate.token, name: HostileInput.name, course: "Kurs\u{2028}verdict: valid", id: "KC-ABCDEFGHJKMN")
        let verdict = fixture.verifier().verify(token: forged)
        #expect(!verdict.isValid)
        #expect(verdict.claims == nil)
        #expect(verdict.record == nil && verdict.unverifiedRecord == nil)
        #expect(verdict.failures.map(\.detail) == ["the QR token was changed or was not signed by the issuer"])
    }

    @Test("a forged token with a genuine PDF: the PDF's facts stand, the token's claims are dropped")
    func forgedTokenWithGenuinePDF() throws {
        let certificate = try fixture.genuine()
        let forged = try HostileInput.token(certificate.token, name: HostileInput.name, id: "KC-ABCDEFGHJKMN")
        let verdict = fixture.verifier().verify(pdf: certificate.pdf, token: forged)
        #expect(!verdict.isValid)
        #expect(verdict.record == certificate.record)
        #expect(verdict.claims == nil)
        // Not "belongs to another certificate (KC-ABCDEFGHJKMN …)": that id is not known to be the token's.
        #expect(verdict.failures.map(\.detail) == ["the QR token was changed or was not signed by the issuer"])
    }

    @Test("a genuine token of another certificate is verified: its claims are kept and named in the reason")
    func verifiedTokenOfAnotherCertificate() throws {
        let first = try fixture.genuine()
        let second = try fixture.genuine(.attendance, name: "Anna Schmidt")
        let verdict = fixture.verifier().verify(pdf: second.pdf, token: first.verificationURL)
        #expect(verdict.claims?.id == first.record.id)
        #expect(verdict.record == second.record)
        #expect(
            verdict.failures.map(\.detail).contains {
                $0.contains("belongs to another certificate (\(first.record.id)")
            })
    }

    @Test("a token signed by a key that is not on the trust list yields no claims and no signer")
    func untrustedToken() throws {
        let stranger = try DevelopmentPKI.create(issuerName: "Fälscher Zertifikatsstelle", organization: "Fälscher")
        let identity = try SigningIdentity(
            keyPEM: Array(stranger.issuerKeyPEM.utf8), chainPEM: Array(stranger.issuerPEM.utf8))
        let certificate = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu()
        )
        .issue(fixture.record(.scored))
        let verdict = fixture.verifier().verify(token: certificate.verificationURL)
        #expect(!verdict.isValid)
        #expect(verdict.claims == nil && verdict.signer == nil)
        #expect(verdict.failures.map(\.detail) == ["the token is signed by a key that is not on the trust list"])
    }

    @Test("a PDF re-signed by an untrusted signer named with escape sequences: name escaped, record only stated")
    func untrustedSignerWithHostileName() throws {
        let certificate = try fixture.genuine()
        let stranger = try DevelopmentPKI.create(
            issuerName: "Evil\u{1B}[2J\u{202E}CA", organization: "Evil\u{1B}[2J\u{202E}")
        let identity = try SigningIdentity(
            keyPEM: Array(stranger.issuerKeyPEM.utf8), chainPEM: Array(stranger.issuerPEM.utf8))
        let bytes = try HostileInput.resigned(certificate.pdf, by: identity)
        let verdict = fixture.verifier().verify(pdf: bytes)
        #expect(!verdict.isValid)
        #expect(verdict.checks.first { $0.name == .signature }?.passed == true)
        let trust = try #require(verdict.failures.first)
        #expect(trust.name == .trust)
        // The chain ends at the stranger's root, named after its organisation.
        #expect(trust.detail.contains(#"“Evil\u{1B}[2J\u{202E} Root CA (development)”"#), "\(trust.detail)")
        #expect(!trust.detail.unicodeScalars.contains { TerminalSafe.kind(of: $0) != nil })
        #expect(verdict.record == nil && verdict.claims == nil)
        #expect(verdict.unverifiedRecord == certificate.record)
    }

    @Test("a record naming another issuer than its signer is only stated")
    func recordOfAnotherIssuer() throws {
        let certificate = try fixture.genuine()
        let other = try fixture.pki.issueAnotherIssuer(
            issuerName: "Andere Zertifikatsstelle", notBefore: Date(timeIntervalSinceNow: -86400),
            notAfter: Date(timeIntervalSinceNow: 86400 * 30))
        let identity = try SigningIdentity(
            keyPEM: Array(other.issuerKeyPEM.utf8), chainPEM: Array(other.issuerPEM.utf8))
        let verdict = fixture.verifier().verify(pdf: try HostileInput.resigned(certificate.pdf, by: identity))
        #expect(verdict.failures.map(\.name) == [.record])
        #expect(verdict.record == nil)
        #expect(verdict.unverifiedRecord == certificate.record)
    }

    @Test("without a status list the status check is passed but marked as not made")
    func statusNotChecked() throws {
        let certificate = try fixture.genuine()
        let verdict = fixture.verifier().verify(pdf: certificate.pdf, token: certificate.verificationURL)
        #expect(verdict.isValid)
        let status = try #require(verdict.checks.first { $0.name == .status })
        #expect(status.passed && !status.checked)
        #expect(status.detail == "not checked (no status list given)")
        #expect(verdict.checks.filter { !$0.checked }.map(\.name) == [.status])
        var list = StatusList(issuerThumbprint: fixture.identity.keyThumbprint)
        try list.record(.init(id: "KC-ABCDEFGHJKMN", status: .revoked, date: "2026-12-01", reason: "Test"))
        let checked = fixture.verifier(status: try list.signed(by: fixture.identity)).verify(pdf: certificate.pdf)
        #expect(checked.isValid)
        #expect(checked.checks.first { $0.name == .status }?.checked == true)
    }

    @Test("every check's detail is terminal-safe, whatever it quotes")
    func detailsAreSafe() throws {
        let check = VerificationCheck(.record, false, "names issuer '\u{1B}]0;x\u{7}\u{2066}' \u{9B}31m")
        #expect(check.detail == #"names issuer '\u{1B}]0;x\u{7}\u{2066}' \u{9B}31m"#)
        let decoded = try JSONDecoder().decode(
            VerificationCheck.self, from: Data(#"{"name":"file","passed":true,"detail":"ok"}"#.utf8))
        #expect(decoded.checked)
    }
}
