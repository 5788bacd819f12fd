import Assessment
import Certificates
import Foundation
import TestSupport
import Testing

@testable import CampusCrypto
@testable import Verify

/// Signature time-stamps (PAdES baseline B-T) from the time-stamp authority in the process, judged by pyHanko,
/// pdfsig and `openssl ts -verify`.
@Suite("Signature time-stamps")
struct TimeStampTests {
    /// A certificate signed by the fixture's issuer with its time-stamp authority, and the CMS of its signature.
    static func stamped(_ fixture: RedTeamFixture) throws -> (pdf: [UInt8], cms: SignedCMS) {
        let identity = try fixture.identity.timeStamping(
            keyPEM: Array(fixture.pki.timeStampKeyPEM.utf8), certificatePEM: Array(fixture.pki.timeStampPEM.utf8))
        #expect(identity.timeStamped)
        let issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        let pdf = try issuer.issue(fixture.record(.qualified)).pdf
        let document = try SignedDocument.read(pdf)
        let cms = try SignedCMS(der: document.signatureContents, split: nil) { _ in nil }
        return (pdf, cms)
    }

    @Test(
        "a time-stamped certificate: pyHanko finds the timestamp intact and trusted, pdfsig still says valid, our verifier too"
    )
    func judgedByPDFTools() throws {
        let fixture = try RedTeamFixture()
        let (pdf, _) = try Self.stamped(fixture)
        let (pdfsig, pyhanko) = try fixture.judges(pdf)
        #expect(pdfsig.contains("Signature is Valid"), "\(pdfsig)")
        #expect(pyhanko.contains("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,UNTOUCHED"), "\(pyhanko)")
        let verdict = fixture.verifier().verify(pdf: pdf)
        #expect(verdict.isValid, "\(verdict)")

        // Without the time-stamp authority the signature has no token: pyHanko says so by leaving it out.
        let plain = try fixture.judges(try fixture.genuine().pdf).pyhanko
        #expect(plain.contains("INTACT:TRUSTED,UNTOUCHED") && !plain.contains("TIMESTAMP_TOKEN"), "\(plain)")
    }

    @Test("openssl ts -verify accepts the token over the SHA-256 of the signature value, and refuses another digest")
    func judgedByOpenSSL() throws {
        let fixture = try RedTeamFixture()
        let (_, cms) = try Self.stamped(fixture)
        let token = try #require(try cms.timeStampToken(), "the signature carries no time-stamp token")
        let file = fixture.folder.appendingPathComponent("token.tsr")
        try Data(token).write(to: file)
        let digest = Digest.hex(Digest.sha256(cms.signatureValue))
        let verified = try ExternalTool.output(
            "openssl",
            ["ts", "-verify", "-digest", digest, "-in", file.path, "-token_in", "-CAfile", fixture.rootFile.path])
        #expect(verified.contains("Verification: OK"), "\(verified)")
        let other = Digest.hex(Digest.sha256(Array("another signature".utf8)))
        let refused = try ExternalTool.output(
            "openssl",
            ["ts", "-verify", "-digest", other, "-in", file.path, "-token_in", "-CAfile", fixture.rootFile.path])
        #expect(refused.contains("Verification: FAILED"), "\(refused)")

        let text = try ExternalTool.output("openssl", ["ts", "-reply", "-in", file.path, "-token_in", "-text"])
        #expect(text.contains("Policy OID: \(TimeStampAuthority.policy)"), "\(text)")
        #expect(text.contains("Hash Algorithm: sha256"), "\(text)")
    }

    @Test(
        "the time-stamp authority refuses a certificate not made for time stamping, and dates outside its own validity")
    func refusals() throws {
        let fixture = try RedTeamFixture()
        // The issuer certificate signs documents, not time-stamps.
        #expect(throws: CertificateError.self) {
            try fixture.identity.timeStamping(
                keyPEM: Array(fixture.pki.issuerKeyPEM.utf8), certificatePEM: Array(fixture.pki.issuerPEM.utf8))
        }
        let late = try fixture.identity.timeStamping(
            keyPEM: Array(fixture.pki.timeStampKeyPEM.utf8), certificatePEM: Array(fixture.pki.timeStampPEM.utf8),
            clock: { Date().addingTimeInterval(40 * 365 * 86_400) })
        do {
            _ = try late.signDetachedCMS(content: Array("content".utf8))
            Issue.record("a time-stamp was made after the time-stamp certificate expired")
        } catch {
            #expect(error.reason.contains("time-stamp certificate is valid from"), "\(error)")
        }
    }

    /// A certificate made now by an issuer (and time-stamp authority) valid only from an hour ago to a day from now.
    static func shortLived(stamped: Bool) throws -> (pdf: [UInt8], verifier: CertificateVerifier, pki: DevelopmentPKI) {
        let now = Date()
        let pki = try DevelopmentPKI.create(
            issuerName: "Kurzlebige Zertifikatsstelle", organization: "Musterakademie",
            issuerNotBefore: now.addingTimeInterval(-3_600), issuerNotAfter: now.addingTimeInterval(86_400))
        var identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        if stamped {
            identity = try identity.timeStamping(
                keyPEM: Array(pki.timeStampKeyPEM.utf8), certificatePEM: Array(pki.timeStampPEM.utf8))
        }
        let issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        let record = CertificateRecord(
            id: CertificateID.random(), holder: .init(name: "Jürgen Weißmüller", birthDate: "1979-03-14"),
            course: .init(
                title: "Datenschutz in der Kommunalverwaltung", provider: "Hochschule für öffentliche Verwaltung",
                ects: nil, start: "2026-09-01", end: "2026-11-30"),
            tier: .attendance, score: nil, issued: "2026-12-04", issuer: "")
        let pdf = try issuer.issue(record).pdf
        return (pdf, CertificateVerifier(trust: try TrustList(pem: Array(pki.rootPEM.utf8))), pki)
    }

    @Test("chain model: a time-stamped certificate still verifies five years on, when every certificate has expired")
    func fiveYearsLater() throws {
        let later = Date().addingTimeInterval(5 * 366 * 86_400)
        let (pdf, verifier, _) = try Self.shortLived(stamped: true)
        let now = verifier.verify(pdf: pdf)
        #expect(now.isValid, "\(now.failures)")
        let verdict = verifier.verify(pdf: pdf, at: later)
        #expect(verdict.isValid, "\(verdict.failures)")
        let trust = try #require(verdict.checks.first { $0.name == .trust })
        #expect(trust.detail.contains("proven by a time-stamp from Musterakademie Zeitstempeldienst"), "\(trust)")
        #expect(verdict.signer?.timeStamp != nil)

        // Without the time-stamp only "now" can be judged: five years on it has expired.
        let (plain, plainVerifier, _) = try Self.shortLived(stamped: false)
        #expect(plainVerifier.verify(pdf: plain).isValid)
        let expired = plainVerifier.verify(pdf: plain, at: later)
        #expect(!expired.isValid)
        #expect(expired.failures.contains { $0.detail.contains("expired") }, "\(expired.failures)")
    }

    @Test("a check dated before the time-stamp fails: the signature did not exist yet")
    func checkBeforeTheStamp() throws {
        let (pdf, verifier, _) = try Self.shortLived(stamped: true)
        let verdict = verifier.verify(pdf: pdf, at: Date().addingTimeInterval(-600))
        #expect(!verdict.isValid)
        #expect(verdict.failures.contains { $0.detail.contains("time-stamped at") }, "\(verdict.failures)")
    }

    @Test("a changed time-stamp token makes the certificate invalid, naming the time-stamp")
    func changedToken() throws {
        let fixture = try RedTeamFixture()
        let (pdf, cms) = try Self.stamped(fixture)
        let token = try #require(try cms.timeStampToken())
        // The token's last byte is inside the authority's signature: change it in the PDF's /Contents hex.
        let hex = Array(Digest.hex(token).uppercased().utf8)
        let contents = Forgery.contents(pdf)
        let at = try #require(Array(pdf[contents]).range(of: String(decoding: hex, as: UTF8.self)))
        var changed = pdf
        let last = contents.lowerBound + at.upperBound - 1
        changed[last] = changed[last] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        let verdict = fixture.verifier().verify(pdf: changed)
        #expect(!verdict.isValid)
        #expect(
            verdict.failures.contains { $0.detail.contains("time-stamp does not verify") }, "\(verdict.failures)")
    }

    @Test(
        "a compromised issuer key: signatures time-stamped before the date stay valid, later or unstamped ones do not")
    func compromise() throws {
        let (stamped, _, pki) = try Self.shortLived(stamped: true)
        let issuer = try CertificateFile.first(Array(pki.issuerPEM.utf8)).der
        let root = try CertificateFile.first(Array(pki.rootPEM.utf8)).der
        func verdict(_ pdf: [UInt8], compromisedSince since: Date) throws -> CertificateVerdict {
            let trust = try TrustList(der: [root, issuer], compromised: [Digest.sha256(issuer): since])
            return CertificateVerifier(trust: trust).verify(pdf: pdf)
        }
        let later = try verdict(stamped, compromisedSince: Date().addingTimeInterval(3_600))
        #expect(later.isValid, "\(later.failures)")
        let earlier = try verdict(stamped, compromisedSince: Date().addingTimeInterval(-3_600))
        #expect(!earlier.isValid)
        #expect(earlier.failures.contains { $0.detail.contains("time-stamped at") && $0.detail.contains("after that") })

        // Without a time-stamp nothing proves the signature came before the compromise.
        let identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        let plainIssuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        let plain = try plainIssuer.issue(
            CertificateRecord(
                id: CertificateID.random(), holder: .init(name: "Anna Schmidt", birthDate: nil),
                course: .init(title: "E-Akte", provider: "Akademie", ects: nil, start: "2026-09-01", end: "2026-11-30"),
                tier: .attendance, score: nil, issued: "2026-12-04", issuer: "")
        ).pdf
        let unproven = try verdict(plain, compromisedSince: Date().addingTimeInterval(3_600))
        #expect(!unproven.isValid)
        #expect(unproven.failures.contains { $0.detail.contains("no time-stamp proving") }, "\(unproven.failures)")
    }
}
