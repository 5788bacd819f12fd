import Foundation
import Testing

@testable import Certificates

/// The JWS rules the status list shares with tokens: canonical base64url and low-S signatures only.
@Suite("Status list JWS")
struct StatusListJWSTests {
    static func signedList() throws -> (text: String, identity: SigningIdentity) {
        let pki = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: "Stadt")
        let identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        var list = StatusList(issuerThumbprint: identity.keyThumbprint)
        try list.record(
            .init(id: CertificateID.random(), status: .revoked, date: "2026-12-01", reason: "Täuschungsversuch"))
        return (try list.signed(by: identity), identity)
    }

    static func read(_ text: String, _ identity: SigningIdentity) -> Result<StatusList, StatusList.Problem> {
        StatusList.read(
            signed: text, issuerCertificate: { $0 == identity.keyThumbprint ? identity.certificateDER : nil })
    }

    @Test("a genuine status list reads; the high-S twin of its signature is refused as ambiguous")
    func highSStatusList() throws {
        let (text, identity) = try Self.signedList()
        #expect(throws: Never.self) { try Self.read(text, identity).get() }
        var parts = text.split(separator: ".").map(String.init)
        let signature = try #require(Base64URL.decode(parts[2]))
        parts[2] = Base64URL.encode(SigningTests.twin(of: signature))
        guard case .failure(.ambiguous(let detail)) = Self.read(parts.joined(separator: "."), identity) else {
            Issue.record("the high-S twin was not refused as ambiguous")
            return
        }
        #expect(detail.contains("the status list's signature is a high-S ECDSA signature"), "\(detail)")
    }

    @Test("a status list whose signature part has non-zero trailing bits is refused")
    func nonCanonicalStatusList() throws {
        let (text, identity) = try Self.signedList()
        var parts = text.split(separator: ".").map(String.init)
        parts[2] = CompactJWSTests.withTrailingBits(Substring(parts[2]))
        guard case .failure = Self.read(parts.joined(separator: "."), identity) else {
            Issue.record("a non-canonical signature part was accepted")
            return
        }
    }
}
