import Assessment
import Certificates
import Foundation
import Testing

@testable import Verify

/// A root on the trust list is identified by its key (the SHA-256 thumbprint of its certificate), never by its
/// name; a verified signer says which trust-list entry it was recognised by.
@Suite("Trust anchors")
struct TrustAnchorTests {
    static let organization = "Stadt Musterstadt"
    static let rootName = "Stadt Musterstadt Root CA (development)"
    static let content = Array("Zertifikat".utf8)

    static func identity(_ pki: DevelopmentPKI, chainPEM: String? = nil) throws -> SigningIdentity {
        try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array((chainPEM ?? pki.issuerPEM).utf8))
    }

    static func der(_ pem: String) throws -> [UInt8] {
        try SignatureCheck.certificatesDER(fromPEM: Array(pem.utf8))[0]
    }

    static func failure(of result: Result<VerifiedSigner, VerificationFailure>) -> VerificationFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    /// The genuine PKI on the trust list, and a lookalike whose root has the same name and another key.
    static func genuineAndLookalike() throws -> (genuine: DevelopmentPKI, lookalike: DevelopmentPKI, trust: TrustList) {
        let genuine = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: organization)
        let lookalike = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: organization)
        return (genuine, lookalike, try TrustList(pem: Array(genuine.rootPEM.utf8)))
    }

    @Test("a lookalike root carried in the signature is named with its thumbprint")
    func lookalikeRootInSignature() throws {
        let (_, lookalike, trust) = try Self.genuineAndLookalike()
        // issuerPEM holds the lookalike issuer and its root: the signature carries both.
        let cms = try Self.identity(lookalike).signDetachedCMS(content: Self.content)
        let failure = try #require(
            Self.failure(of: SignatureVerifier.verifyDetachedCMS(cms, content: Self.content, trust: trust, at: Date())))
        let thumbprint = Digest.hex(Digest.sha256(try Self.der(lookalike.rootPEM)))
        #expect(failure.code == .untrusted)
        #expect(
            failure.reason
                == "signed by a key that is not on the trust list: the chain of the signer certificate ends at a root"
                + " named “\(Self.rootName)” whose key is not on the trust list (thumbprint \(thumbprint))")
    }

    @Test("an issuer certificate issued in the name of the trusted root by another key is named as such")
    func issuedInTheNameOfTheRoot() throws {
        let (genuine, lookalike, trust) = try Self.genuineAndLookalike()
        // Only the lookalike issuer certificate, without its root.
        let issuerOnly =
            lookalike.issuerPEM.components(separatedBy: "-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
        let cms = try Self.identity(lookalike, chainPEM: issuerOnly).signDetachedCMS(content: Self.content)
        let failure = try #require(
            Self.failure(of: SignatureVerifier.verifyDetachedCMS(cms, content: Self.content, trust: trust, at: Date())))
        let genuineThumbprint = Digest.hex(Digest.sha256(try Self.der(genuine.rootPEM)))
        #expect(failure.code == .untrusted)
        #expect(failure.reason.contains("was issued in the name of a root named “\(Self.rootName)”"), "\(failure)")
        #expect(failure.reason.contains("by a key that is not on the trust list"))
        #expect(failure.reason.contains(genuineThumbprint))
    }

    @Test("a lookalike issuer certificate put on the trust list without its root is still untrusted")
    func lookalikeIssuerOnTheList() throws {
        let (genuine, lookalike, _) = try Self.genuineAndLookalike()
        let issuerOnly =
            lookalike.issuerPEM.components(separatedBy: "-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
        let trust = try TrustList(pem: Array((genuine.rootPEM + issuerOnly).utf8))
        let der = try Self.der(issuerOnly)
        let failure = try #require(
            Self.failure(of: SignatureVerifier.verifyIssuerCertificate(der, trust: trust, at: Date())))
        #expect(failure.code == .untrusted)
        #expect(failure.reason.contains("in the name of a root named “\(Self.rootName)”"), "\(failure)")
    }

    @Test("the lookalike root signing a document itself is named with its thumbprint")
    func lookalikeRootAsSigner() throws {
        let (_, lookalike, trust) = try Self.genuineAndLookalike()
        let root = try Self.der(lookalike.rootPEM)
        let failure = try #require(
            Self.failure(of: SignatureVerifier.verifyIssuerCertificate(root, trust: trust, at: Date())))
        #expect(failure.code == .untrusted)
        #expect(
            failure.reason.contains(
                "whose key is not on the trust list (thumbprint \(Digest.hex(Digest.sha256(root))))"))
    }

    @Test("two roots of the same name on the list are two trust anchors, each by its own key")
    func sameNamedRootsBothTrusted() throws {
        let (genuine, lookalike, _) = try Self.genuineAndLookalike()
        let trust = try TrustList(pem: Array((genuine.rootPEM + lookalike.rootPEM).utf8))
        for pki in [genuine, lookalike] {
            let cms = try Self.identity(pki).signDetachedCMS(content: Self.content)
            let signer = try SignatureVerifier.verifyDetachedCMS(cms, content: Self.content, trust: trust, at: Date())
                .get()
            #expect(signer.rootThumbprint == Digest.sha256(try Self.der(pki.rootPEM)))
        }
    }

    @Test("a PDF signer names the root entry it was recognised by")
    func signerNamesRootEntry() throws {
        let pki = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: Self.organization)
        let trust = try TrustList(pem: Array(pki.rootPEM.utf8))
        let cms = try Self.identity(pki).signDetachedCMS(content: Self.content)
        let signer = try SignatureVerifier.verifyDetachedCMS(cms, content: Self.content, trust: trust, at: Date()).get()
        let rootThumbprint = Digest.sha256(try Self.der(pki.rootPEM))
        #expect(signer.rootThumbprint == rootThumbprint)
        #expect(signer.trustListEntry == TrustListEntry(name: Self.rootName, thumbprint: rootThumbprint))
        #expect(signer.trustListEntry.thumbprintHex == Digest.hex(rootThumbprint))
    }

    @Test("a token's issuer names its own trust-list entry, found by the token's key id")
    func tokenIssuerNamesItsEntry() throws {
        let pki = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: Self.organization)
        let identity = try Self.identity(pki)
        let trust = try TrustList(pem: Array(pki.issuerPEM.utf8))
        let record = CertificateRecord(
            id: CertificateID.random(), holder: .init(name: "Anna Schmidt", birthDate: "1990-01-02"),
            course: .init(
                title: "Vergaberecht", provider: "Akademie", ects: nil, start: "2026-09-01", end: "2026-11-30"),
            tier: .attendance, score: nil, issued: "2026-12-04", issuer: identity.subjectName)
        let token = try CertificateToken.makeJWS(for: record, identity: identity)
        let verdict = CertificateVerifier(trust: trust).verify(token: token)
        #expect(verdict.isValid, "\(verdict.failures)")
        let signer = try #require(verdict.signer)
        #expect(
            signer.trustListEntry
                == TrustListEntry(name: "Zertifikatsstelle", thumbprint: Digest.sha256(identity.certificateDER)))
        #expect(signer.rootThumbprint == Digest.sha256(try Self.der(pki.rootPEM)))
        #expect(signer.rootSubjectName == Self.rootName)
    }
}
