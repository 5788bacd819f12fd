import Assessment
import Certificates
import Foundation
import Testing
import Verify

@Suite("a verdict has a stable JSON form and human lines")
struct VerdictOutputTests {
    static let record = CertificateRecord(
        id: CertificateID.random(), holder: .init(name: "Jürgen Weißmüller", birthDate: "1979-03-14"),
        course: .init(
            title: "Datenschutz", provider: "Hochschule", ects: Rational(5), start: "2026-09-01", end: "2026-11-30"),
        tier: .qualified, score: .init(points: Rational(117, 2), maximum: Rational(74)), issued: "2026-12-04",
        issuer: "")

    /// A genuine certificate and a verifier trusting its issuer certificate and root.
    static func issued() throws -> (pdf: [UInt8], url: String, verifier: CertificateVerifier, id: String) {
        let pki = try DevelopmentPKI.create(issuerName: "Musterakademie Zertifikatsstelle", organization: "Muster")
        let identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        let issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        let certificate = try issuer.issue(record)
        let verifier = CertificateVerifier(trust: try TrustList(pem: Array(pki.issuerPEM.utf8)))
        return (certificate.pdf, certificate.verificationURL, verifier, record.id)
    }

    static func json(_ verdict: CertificateVerdict) throws -> [String: Any] {
        let data = try JSONEncoder().encode(VerdictOutput(verdict))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a valid certificate's JSON states the record with decimal strings and the signer")
    func validJSON() throws {
        let (pdf, _, verifier, id) = try Self.issued()
        let verdict = verifier.verify(pdf: pdf)
        let json = try Self.json(verdict)
        #expect(json["valid"] as? Bool == true)
        let certificate = try #require(json["certificate"] as? [String: Any])
        #expect(certificate["id"] as? String == id)
        #expect(certificate["holder"] as? String == "Jürgen Weißmüller")
        #expect(certificate["birthDate"] as? String == "1979-03-14")
        #expect(certificate["tier"] as? String == "qualified")
        #expect(certificate["tierName"] as? String == Tier.qualified.germanName)
        #expect(certificate["ects"] as? String == "5")
        let score = try #require(certificate["score"] as? [String: Any])
        #expect(score["points"] as? String == "58.5" && score["max"] as? String == "74")
        #expect(score["percent"] as? String == "79.05")
        let signer = try #require(json["signer"] as? [String: Any])
        #expect(signer["name"] as? String == "Musterakademie Zertifikatsstelle")
        #expect((signer["thumbprint"] as? String)?.count == 64)
        #expect((json["reasons"] as? [Any])?.isEmpty == true)
        #expect((json["checks"] as? [Any])?.isEmpty == false)
    }

    @Test("a valid certificate's lines: the verdict, then the verified facts, then the passed checks")
    func validLines() throws {
        let (pdf, _, verifier, id) = try Self.issued()
        let verdict = verifier.verify(pdf: pdf)
        let lines = verdict.humanLines
        #expect(lines.first == "verdict: valid")
        #expect(Array(lines.dropFirst().prefix(verdict.verifiedFacts.count)) == verdict.verifiedFacts)
        #expect(verdict.verifiedFacts.contains("holder:   Jürgen Weißmüller (born 1979-03-14)"))
        #expect(verdict.verifiedFacts.contains("score:    58.5 of 74 points (79.05 %)"))
        #expect(verdict.verifiedFacts.last == "id:       \(id)")
        #expect(verdict.unverifiedFacts.isEmpty)
        #expect(!lines.contains("stated by the document, not verified:"))
        #expect(lines.contains { $0.hasPrefix("passed:   ") })
    }

    @Test("a verified token's facts name the trust list entry that verified it")
    func tokenFacts() throws {
        let (_, url, verifier, id) = try Self.issued()
        let verdict = verifier.verify(token: url)
        #expect(verdict.isValid, "\(verdict.failures)")
        let signer = try #require(verdict.signer)
        #expect(verdict.verifiedFacts.contains("issuer:   \(CertificateVerdict.trustEntry(signer))"))
        #expect(CertificateVerdict.trustEntry(signer).contains("trust list entry SHA-256 "))
        #expect(verdict.verifiedFacts.last == "id:       \(id)")
        #expect(try Self.json(verdict)["token"] is [String: Any])
    }

    @Test("a refused input has no facts, and its lines give the reason as a failed check")
    func refused() throws {
        let verdict = CertificateVerdict.refused(reason: "too large")
        #expect(verdict.verifiedFacts.isEmpty && verdict.unverifiedFacts.isEmpty)
        #expect(
            verdict.humanLines == [
                "verdict: invalid — not a readable certificate PDF: too large", "failed checks:",
                "  - file: not a readable certificate PDF: too large",
            ])
        let json = try Self.json(verdict)
        #expect(json["valid"] as? Bool == false)
        #expect(json["certificate"] == nil)
        #expect(json["reasons"] as? [String] == ["not a readable certificate PDF: too large"])
    }

    @Test("a certificate signed by an untrusted key states its record only under its own heading")
    func untrusted() throws {
        let (pdf, _, _, id) = try Self.issued()
        let other = try DevelopmentPKI.create(issuerName: "Someone Else", organization: "Other")
        let verdict = CertificateVerifier(trust: try TrustList(pem: Array(other.rootPEM.utf8))).verify(pdf: pdf)
        #expect(!verdict.isValid)
        #expect(verdict.verifiedFacts.isEmpty)
        #expect(verdict.unverifiedFacts.last == "id:       \(id)")
        let lines = verdict.humanLines
        let heading = try #require(lines.firstIndex(of: "stated by the document, not verified:"))
        #expect(
            Array(lines[(heading + 1)...].prefix(verdict.unverifiedFacts.count))
                == verdict.unverifiedFacts.map { "  " + $0 })
        #expect(try Self.json(verdict)["certificate"] == nil)
    }
}
