import Assessment
import Certificates
import Foundation
import Testing

@testable import Verify

/// Two issuers under one root, both on the trust list, with fixed validity (2026-01-01 for five years).
private final class FreshnessFixture: Sendable {
    let identity: SigningIdentity
    let other: SigningIdentity
    let issuer: CertificateIssuer
    let trust: TrustList

    init() throws {
        let pki = try DevelopmentPKI.create(
            issuerName: "Musterakademie Zertifikatsstelle", organization: "Musterakademie",
            notBefore: at("2026-01-01T00:00:00Z"), years: 5)
        let second = try pki.issueAnotherIssuer(
            issuerName: "Musterakademie Zweitstelle", notBefore: at("2026-01-01T00:00:00Z"),
            notAfter: at("2030-12-31T00:00:00Z"))
        identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        other = try SigningIdentity(keyPEM: Array(second.issuerKeyPEM.utf8), chainPEM: Array(second.issuerPEM.utf8))
        issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        trust = try TrustList(pem: Array((pki.issuerPEM + second.issuerPEM).utf8))
    }

    func certificate() throws -> IssuedCertificate {
        try issuer.issue(
            CertificateRecord(
                id: CertificateID.random(), holder: .init(name: "Ayşe Yılmaz", birthDate: nil),
                course: .init(
                    title: "Datenschutz", provider: "Hochschule", ects: nil, start: "2026-09-01", end: "2026-11-30"),
                tier: .attendance, score: nil, issued: "2026-12-04", issuer: ""))
    }

    /// The status check of `pdf` verified with `list` at `time`, and the verdict's `statusAsOf`.
    func statusCheck(_ pdf: [UInt8], list: String, time: String) throws -> (VerificationCheck, String?) {
        let verdict = CertificateVerifier(trust: trust, status: list).verify(pdf: pdf, at: at(time))
        return (try #require(verdict.checks.first { $0.name == .status }), verdict.statusAsOf)
    }
}

private func at(_ text: String) -> Date {
    Timestamp.date(text)!
}

@Suite("status list freshness and issuer")
struct StatusListFreshnessTests {
    private let fixture: FreshnessFixture

    init() throws {
        fixture = try FreshnessFixture()
    }

    @Test("a list is current from updated (inclusive) to nextUpdate (exclusive) and says as of when")
    func window() throws {
        let certificate = try fixture.certificate()
        var list = StatusList(issuerThumbprint: fixture.identity.keyThumbprint, updated: at("2028-03-01T10:00:00Z"))
        #expect(list.nextUpdate == "2028-03-08T10:00:00Z")
        let signed = try list.signed(by: fixture.identity)
        let (current, asOf) = try fixture.statusCheck(certificate.pdf, list: signed, time: "2028-03-01T10:00:00Z")
        #expect(current.passed)
        #expect(current.detail == "not revoked or superseded; status as of 2028-03-01T10:00:00Z")
        #expect(asOf == "2028-03-01T10:00:00Z")
        let (lastSecond, _) = try fixture.statusCheck(certificate.pdf, list: signed, time: "2028-03-08T09:59:59Z")
        #expect(lastSecond.passed)
        let (expired, expiredAsOf) = try fixture.statusCheck(
            certificate.pdf, list: signed, time: "2028-03-08T10:00:00Z")
        #expect(!expired.passed)
        #expect(expired.detail == "the status list is out of date since 2028-03-08T10:00:00Z; fetch the current one")
        #expect(expiredAsOf == nil)
        let (early, _) = try fixture.statusCheck(certificate.pdf, list: signed, time: "2028-03-01T09:59:59Z")
        #expect(!early.passed)
        #expect(early.detail.contains("dated 2028-03-01T10:00:00Z, in the future"))

        // --valid-days: refreshed for 30 days, the same list is current again.
        try list.refresh(at: at("2028-04-01T00:00:00Z"), validDays: 30)
        #expect(list.nextUpdate == "2028-05-01T00:00:00Z")
        let (refreshed, _) = try fixture.statusCheck(
            certificate.pdf, list: try list.signed(by: fixture.identity), time: "2028-04-30T23:59:59Z")
        #expect(refreshed.passed)
        #expect(throws: CertificateError.self) { try list.refresh(validDays: 0) }
    }

    @Test("a list signed before a revocation is refused once its week is over; the new one revokes")
    func replayedOldList() throws {
        let certificate = try fixture.certificate()
        let before = try StatusList(
            issuerThumbprint: fixture.identity.keyThumbprint, updated: at("2028-03-01T10:00:00Z")
        ).signed(by: fixture.identity)
        var after = StatusList(issuerThumbprint: fixture.identity.keyThumbprint, updated: at("2028-03-01T10:00:00Z"))
        try after.record(
            .init(id: certificate.record.id, status: .revoked, date: "2028-03-05", reason: "exam voided"),
            at: at("2028-03-05T12:00:00Z"))
        let (replayed, _) = try fixture.statusCheck(certificate.pdf, list: before, time: "2028-03-10T00:00:00Z")
        #expect(replayed.detail == "the status list is out of date since 2028-03-08T10:00:00Z; fetch the current one")
        let (revoked, asOf) = try fixture.statusCheck(
            certificate.pdf, list: try after.signed(by: fixture.identity), time: "2028-03-10T00:00:00Z")
        #expect(revoked.detail == "revoked on 2028-03-05: exam voided")
        #expect(asOf == "2028-03-05T12:00:00Z")
    }

    @Test("a list dated 2099 is refused as dated in the future")
    func farFuture() throws {
        let certificate = try fixture.certificate()
        let list = try StatusList(
            issuerThumbprint: fixture.identity.keyThumbprint, updated: at("2099-01-01T00:00:00Z"), validDays: 366
        ).signed(by: fixture.identity)
        let (check, _) = try fixture.statusCheck(certificate.pdf, list: list, time: "2028-03-10T00:00:00Z")
        #expect(!check.passed)
        #expect(check.detail.hasPrefix("the status list is dated 2099-01-01T00:00:00Z, in the future"))
    }

    @Test("a list of the old format, without nextUpdate, is refused with the advice to refresh it")
    func oldFormat() throws {
        let certificate = try fixture.certificate()
        let issuer = Base64URL.encode(fixture.identity.keyThumbprint)
        let header = Base64URL.encode(Array(#"{"alg":"ES256","kid":"\#(issuer)"}"#.utf8))
        let payload = Base64URL.encode(
            Array(#"{"entries":[],"issuer":"\#(issuer)","updated":"2028-03-01T10:00:00Z"}"#.utf8))
        let input = header + "." + payload
        let signed = input + "." + Base64URL.encode(try fixture.identity.signES256(Array(input.utf8)))
        let (check, _) = try fixture.statusCheck(certificate.pdf, list: signed, time: "2028-03-02T00:00:00Z")
        #expect(!check.passed)
        #expect(check.detail.contains("no nextUpdate (old format)"))
        #expect(check.detail.contains("campus status refresh"))
        // Read as such, the old list refreshes into a current one.
        guard
            case .success(var list) = StatusList.read(
                signed: signed,
                issuerCertificate: { $0 == fixture.identity.keyThumbprint ? fixture.identity.certificateDER : nil })
        else {
            Issue.record("the old list could not be read")
            return
        }
        #expect(list.currency(at: at("2028-03-02T00:00:00Z")) == .noNextUpdate)
        try list.refresh(at: at("2028-03-02T00:00:00Z"))
        #expect(list.currency(at: at("2028-03-02T00:00:00Z")) == .current)
    }

    @Test("a list whose nextUpdate is more than 366 days after updated, or malformed, is refused")
    func longWindow() throws {
        let certificate = try fixture.certificate()
        let issuer = Base64URL.encode(fixture.identity.keyThumbprint)
        for (updated, next) in [
            ("2028-03-01T10:00:00Z", "2099-01-01T00:00:00Z"), ("2028-03-01T10:00:00Z", "2028-03-01T10:00:00Z"),
            ("2028-03-01", "2028-03-08"),
        ] {
            let header = Base64URL.encode(Array(#"{"alg":"ES256","kid":"\#(issuer)"}"#.utf8))
            let payload = Base64URL.encode(
                Array(
                    #"{"entries":[],"issuer":"\#(issuer)","nextUpdate":"\#(next)","updated":"\#(updated)"}"#.utf8))
            let input = header + "." + payload
            let signed = input + "." + Base64URL.encode(try fixture.identity.signES256(Array(input.utf8)))
            let (check, asOf) = try fixture.statusCheck(certificate.pdf, list: signed, time: "2028-03-02T00:00:00Z")
            #expect(!check.passed, "\(updated) \(next)")
            #expect(check.detail.contains("not timestamps at most 366 days apart"))
            #expect(asOf == nil)
        }
    }

    @Test("a list signed by another issuer on the trust list is named as such, an unknown key otherwise")
    func anotherIssuer() throws {
        let certificate = try fixture.certificate()
        let theirs = try StatusList(issuerThumbprint: fixture.other.keyThumbprint, updated: at("2028-03-01T10:00:00Z"))
            .signed(by: fixture.other)
        let (check, _) = try fixture.statusCheck(certificate.pdf, list: theirs, time: "2028-03-02T00:00:00Z")
        #expect(
            check.detail
                == "the status list is signed by another issuer on the trust list (Musterakademie Zweitstelle); "
                + "give this issuer's status list")
        let stranger = try DevelopmentPKI.create(issuerName: "Fremde Stelle", organization: "Fremd")
        let strangerIdentity = try SigningIdentity(
            keyPEM: Array(stranger.issuerKeyPEM.utf8), chainPEM: Array(stranger.issuerPEM.utf8))
        let unknown = try StatusList(
            issuerThumbprint: strangerIdentity.keyThumbprint, updated: at("2028-03-01T10:00:00Z")
        ).signed(by: strangerIdentity)
        let (unknownCheck, _) = try fixture.statusCheck(certificate.pdf, list: unknown, time: "2028-03-02T00:00:00Z")
        #expect(
            unknownCheck.detail.hasPrefix("the status list is signed by an issuer key that is not on the trust list"))
    }

    @Test(
        "a list with crit, a member twice in its payload or non-canonical base64url is refused as ambiguous",
        arguments: ["crit", "duplicate", "trailing bits"])
    func ambiguousList(form: String) throws {
        let certificate = try fixture.certificate()
        let issuer = Base64URL.encode(fixture.identity.keyThumbprint)
        var header = #"{"alg":"ES256","kid":"\#(issuer)"}"#
        var payload =
            #"{"entries":[],"issuer":"\#(issuer)","nextUpdate":"2028-03-08T10:00:00Z","updated":"2028-03-01T10:00:00Z"}"#
        switch form {
        case "crit": header = #"{"alg":"ES256","crit":["exp"],"exp":1,"kid":"\#(issuer)"}"#
        case "duplicate":
            let revocation = #"{"date":"2028-03-01","id":"\#(certificate.record.id)","reason":"x","status":"revoked"}"#
            payload = #"{"entries":[\#(revocation)],"entr\u0069es":[],"# + payload.dropFirst(#"{"entries":[],"#.count)
        default: break
        }
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        var signature = Base64URL.encode(try fixture.identity.signES256(Array(input.utf8)))
        let genuine = input + "." + signature
        let (check, asOf) = try fixture.statusCheck(certificate.pdf, list: genuine, time: "2028-03-02T00:00:00Z")
        if form == "trailing bits" {
            #expect(check.passed, "\(check.detail)")
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            signature = String(signature.dropLast()) + String(alphabet[alphabet.firstIndex(of: signature.last!)! | 1])
            let (refused, refusedAsOf) = try fixture.statusCheck(
                certificate.pdf, list: input + "." + signature, time: "2028-03-02T00:00:00Z")
            #expect(!refused.passed)
            #expect(
                refused.detail.hasPrefix("ambiguous structure: the status list's signature is not canonical base64url"),
                "\(refused.detail)")
            #expect(refusedAsOf == nil)
            return
        }
        #expect(!check.passed)
        #expect(asOf == nil)
        let expected =
            form == "crit"
            ? "ambiguous structure: the status list's header has critical extensions (crit)"
            : "ambiguous structure: the status list's payload has the member “entries” twice"
        #expect(check.detail.hasPrefix(expected), "\(check.detail)")
    }
}
