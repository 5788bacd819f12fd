import Assessment
import Certificates
import Foundation

/// Verification throughput: one genuine certificate PDF (with its QR token) verified repeatedly.
package struct VerifyBenchmark: Sendable {
    private let verifier: CertificateVerifier
    private let pdf: [UInt8]
    private let token: String
    private let rootPEM: [UInt8]
    private let trust: TrustList
    private let signedContent: [UInt8]
    private let detachedCMS: [UInt8]

    /// Issues one genuine certificate set in `fonts` with a development PKI and prepares a verifier trusting it.
    package init(fonts: CertificateFonts) throws {
        let pki = try DevelopmentPKI.create(issuerName: "Benchmark Zertifikatsstelle", organization: "KommunalCampus")
        let identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        let record = CertificateRecord(
            id: CertificateID.random(), holder: .init(name: "Jürgen Weißmüller", birthDate: "1979-03-14"),
            course: .init(
                title: "Datenschutz in der Kommunalverwaltung", provider: "Hochschule für öffentliche Verwaltung",
                ects: Rational(5), start: "2026-09-01", end: "2026-11-30"),
            tier: .qualified, score: .init(points: Rational(117, 2), maximum: Rational(74)), issued: "2026-12-04",
            issuer: "")
        let certificate = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: fonts
        ).issue(record)
        pdf = certificate.pdf
        token = certificate.verificationURL
        rootPEM = Array(pki.rootPEM.utf8)
        trust = try TrustList(pem: rootPEM)
        verifier = CertificateVerifier(trust: trust)
        signedContent = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        detachedCMS = try identity.signDetachedCMS(content: signedContent)
    }

    /// Size of the content the detached CMS signature of ``runSignatureCheck(count:)`` covers.
    public var signedContentSize: Int { signedContent.count }

    /// Size of the PDF verified.
    package var documentSize: Int { pdf.count }

    /// Verifies the PDF and its token `count` times on the calling thread.
    ///
    /// - Returns: elapsed seconds and how many verdicts were valid (all, unless something is wrong).
    package func run(count: Int) -> (seconds: Double, valid: Int) {
        var valid = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count where verifier.verify(pdf: pdf, token: token).isValid {
            valid += 1
        }
        let elapsed = clock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, valid)
    }

    /// Checks one detached CMS signature over ``signedContentSize`` bytes against the trust list `count` times
    /// on the calling thread (the signature check alone, without PDF parsing or the QR token).
    ///
    /// - Returns: elapsed seconds and how many checks succeeded (all, unless something is wrong).
    public func runSignatureCheck(count: Int) -> (seconds: Double, valid: Int) {
        var valid = 0
        let now = Date()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count {
            if case .success = SignatureVerifier.verifyDetachedCMS(
                detachedCMS, content: signedContent, trust: trust, at: now)
            {
                valid += 1
            }
        }
        let elapsed = clock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, valid)
    }

    /// Checks the same signature `count` times, each time against a new trust list that has not seen its issuer
    /// yet (its certificates are parsed and its chain verified); building the trust lists is not timed.
    ///
    /// - Returns: elapsed seconds and how many checks succeeded (all, unless something is wrong).
    public func runFirstSignatureCheck(count: Int) throws(VerificationFailure) -> (seconds: Double, valid: Int) {
        var valid = 0
        var elapsed = Duration.zero
        let now = Date()
        let clock = ContinuousClock()
        for _ in 0..<count {
            let fresh = try TrustList(pem: rootPEM)
            let start = clock.now
            let result = SignatureVerifier.verifyDetachedCMS(detachedCMS, content: signedContent, trust: fresh, at: now)
            elapsed += clock.now - start
            if case .success = result { valid += 1 }
        }
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, valid)
    }
}
