import Certificates
import Foundation
import TestSupport
import Testing

@testable import Verify

/// The OpenSSL verification layer: detached CMS signatures and issuer certificates against a trust list, built
/// from signatures our own signing layer makes (and, where our development PKI cannot make the case, from
/// certificates the `openssl` command-line tool makes).
@Suite("Signature verifier")
struct SignatureVerifierTests {
    // MARK: Fixtures

    static let organization = "Stadt Musterstadt"
    static let issuerName = "Zertifikatsstelle Musterstadt"

    static func makePKI(issuerName: String = issuerName, organization: String = organization) throws
        -> DevelopmentPKI
    {
        try DevelopmentPKI.create(issuerName: issuerName, organization: organization)
    }

    static func identity(of pki: DevelopmentPKI) throws -> SigningIdentity {
        try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
    }

    static func trust(_ pem: String) throws -> TrustList {
        try TrustList(pem: Array(pem.utf8))
    }

    /// Some content to sign, 150 KB like a certificate PDF's byte ranges.
    static let content: [UInt8] = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    /// A UTC date from its parts.
    static func date(_ year: Int, _ month: Int, _ day: Int, hour: Int = 12) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour))!
    }

    /// The UTC day of `date`, as `2026-11-23`.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(parts.year!) + "-"
            + [parts.month!, parts.day!].map { $0 < 10 ? "0\($0)" : "\($0)" }
            .joined(separator: "-")
    }

    /// A shared signed fixture: the PKI, its identity, and a signature over ``content``.
    struct Signed {
        let pki: DevelopmentPKI
        let identity: SigningIdentity
        let cms: [UInt8]
        let trust: TrustList

        init(pki: DevelopmentPKI? = nil) throws {
            let pki = try pki ?? SignatureVerifierTests.makePKI()
            self.pki = pki
            identity = try SignatureVerifierTests.identity(of: pki)
            cms = try identity.signDetachedCMS(content: SignatureVerifierTests.content)
            trust = try SignatureVerifierTests.trust(pki.rootPEM)
        }

        func verify(_ cms: [UInt8]? = nil, content: [UInt8] = SignatureVerifierTests.content, at time: Date = Date())
            -> Result<VerifiedSigner, VerificationFailure>
        {
            SignatureVerifier.verifyDetachedCMS(cms ?? self.cms, content: content, trust: trust, at: time)
        }
    }

    // MARK: Genuine signatures

    @Test("a genuine signature verifies and names the issuer, its thumbprint and the root")
    func genuineSignatureVerifies() throws {
        let signed = try Signed()
        let signer = try signed.verify().get()
        #expect(signer.subjectName == Self.issuerName)
        #expect(signer.certificateDER == signed.identity.certificateDER)
        #expect(signer.thumbprint == Digest.sha256(signed.identity.certificateDER))
        #expect(Digest.hex(signer.thumbprint) == signed.identity.keyID)
        #expect(signer.rootSubjectName == "\(Self.organization) Root CA (development)")
        #expect(signer.notAfter > Date())
    }

    @Test("the padding zeros after the CMS in a PDF's /Contents are ignored")
    func trailingPaddingIsIgnored() throws {
        let signed = try Signed()
        let padded = signed.cms + [UInt8](repeating: 0, count: 8192 - signed.cms.count)
        #expect((try? signed.verify(padded).get()) != nil)
        let failure = try #require(Self.failure(of: signed.verify(padded + [0x01])))
        #expect(failure.code == .malformedSignature)
    }

    @Test("an issuer certificate on the trust list next to the root changes nothing")
    func issuerOnTheTrustListVerifies() throws {
        let signed = try Signed()
        let trust = try Self.trust(signed.pki.issuerPEM)
        let signer = try SignatureVerifier.verifyDetachedCMS(
            signed.cms, content: Self.content, trust: trust, at: Date()
        ).get()
        #expect(signer.subjectName == Self.issuerName)
    }

    @Test("many threads verify with one trust list at once")
    func concurrentVerification() async throws {
        let signed = try Signed()
        let cms = signed.cms
        let trust = signed.trust
        let verified = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var count = 0
                    for _ in 0..<50 {
                        let result = SignatureVerifier.verifyDetachedCMS(
                            cms, content: Self.content, trust: trust, at: Date())
                        if case .success = result { count += 1 }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(verified == 400)
    }

    // MARK: Changed documents

    @Test("one changed content byte is a changed document")
    func changedByteIsDetected() throws {
        let signed = try Signed()
        var changed = Self.content
        changed[changed.count / 2] ^= 0x01
        let failure = try #require(Self.failure(of: signed.verify(content: changed)))
        #expect(failure.code == .documentChanged)
        #expect(failure.reason.contains("the document was changed after it was signed"))
    }

    @Test("content with bytes appended is a changed document")
    func appendedBytesAreDetected() throws {
        let signed = try Signed()
        let failure = try #require(Self.failure(of: signed.verify(content: Self.content + Array("%%EOF\n".utf8))))
        #expect(failure.code == .documentChanged)
    }

    @Test("a changed signature value is a changed document")
    func changedSignatureValueIsDetected() throws {
        let signed = try Signed()
        // The signature value is the last OCTET STRING of the SignerInfo: near the end of the DER.
        var cms = signed.cms
        cms[cms.count - 3] ^= 0x55
        let failure = try #require(Self.failure(of: signed.verify(cms)))
        #expect(failure.code == .documentChanged || failure.code == .malformedSignature)
    }

    @Test("every changed bit of the signer certificate or the signed digest inside the signature is refused")
    func signedPartsOfTheSignatureAreProtected() throws {
        let signed = try Signed()
        let cms = signed.cms
        func range(of needle: [UInt8]) -> Range<Int>? {
            guard cms.count >= needle.count else { return nil }
            for start in 0...(cms.count - needle.count) where cms[start..<(start + needle.count)].elementsEqual(needle)
            {
                return start..<(start + needle.count)
            }
            return nil
        }
        let certificate = try #require(range(of: signed.identity.certificateDER))
        let digest = try #require(range(of: Digest.sha256(Self.content)))
        for position in Array(certificate) + Array(digest) {
            var changed = cms
            changed[position] ^= 0x01
            let failure = Self.failure(of: signed.verify(changed))
            #expect(failure != nil, "a changed byte at \(position) was accepted")
            if digest.contains(position) { #expect(failure?.code == .documentChanged) }
        }
    }

    // MARK: Trust

    @Test("a signature by another PKI whose root is not on the list is untrusted")
    func otherPKIIsUntrusted() throws {
        let signed = try Signed()
        let stranger = try Signed(pki: Self.makePKI(issuerName: "Fremde Stelle", organization: "Anderswo"))
        let result = SignatureVerifier.verifyDetachedCMS(
            stranger.cms, content: Self.content, trust: signed.trust, at: Date())
        let failure = try #require(Self.failure(of: result))
        #expect(failure.code == .untrusted)
        #expect(failure.reason.contains("not on the trust list"))
        #expect(failure.reason.contains("Anderswo Root CA (development)"))
    }

    @Test("an issuer of the trusted root whose certificate has expired is reported with the date")
    func expiredIssuerIsReported() throws {
        let pki = try Self.makePKI()
        let expired = try pki.issueAnotherIssuer(
            issuerName: "Alte Zertifikatsstelle", notBefore: Self.date(2025, 2, 1), notAfter: Self.date(2026, 1, 31))
        let identity = try Self.identity(of: expired)
        let cms = try identity.signDetachedCMS(content: Self.content)
        // The root is valid from the moment the PKI was made, so the check is now.
        let now = Date()
        let result = SignatureVerifier.verifyDetachedCMS(
            cms, content: Self.content, trust: try Self.trust(pki.rootPEM), at: now)
        let failure = try #require(Self.failure(of: result))
        #expect(failure.code == .certificateExpired)
        #expect(
            failure.reason
                == "the signer certificate “Alte Zertifikatsstelle” expired on 2026-01-31 (checked at \(Self.day(now)))"
        )
    }

    @Test("an issuer verifies while valid and is expired afterwards")
    func validityIsCheckedAtTheGivenTime() throws {
        let pki = try DevelopmentPKI.create(
            issuerName: Self.issuerName, organization: Self.organization,
            issuerNotBefore: Self.date(2025, 1, 1), issuerNotAfter: Self.date(2026, 1, 31))
        let signed = try Signed(pki: pki)
        #expect((try? signed.verify(at: Self.date(2025, 6, 1)).get()) != nil)
        #expect(Self.failure(of: signed.verify(at: Self.date(2026, 2, 1)))?.code == .certificateExpired)
        let early = try #require(Self.failure(of: signed.verify(at: Self.date(2024, 12, 1))))
        #expect(early.code == .certificateNotYetValid)
        #expect(early.reason.contains("2025-01-01"))
    }

    @Test("an issuer certificate without digitalSignature or nonRepudiation may not sign")
    func keyUsageIsChecked() throws {
        let madeByOpenSSL = try OpenSSLMadePKI(issuerKeyUsage: "critical,keyAgreement")
        let cms = try madeByOpenSSL.identity().signDetachedCMS(content: Self.content)
        let result = SignatureVerifier.verifyDetachedCMS(
            cms, content: Self.content, trust: try Self.trust(madeByOpenSSL.rootPEM), at: Date())
        let failure = try #require(Self.failure(of: result))
        #expect(failure.code == .keyUsage)
        #expect(failure.reason.contains("digitalSignature"))
    }

    @Test("an issuer certificate without any key usage extension may not sign")
    func missingKeyUsageIsRefused() throws {
        let madeByOpenSSL = try OpenSSLMadePKI(issuerKeyUsage: nil)
        let cms = try madeByOpenSSL.identity().signDetachedCMS(content: Self.content)
        let result = SignatureVerifier.verifyDetachedCMS(
            cms, content: Self.content, trust: try Self.trust(madeByOpenSSL.rootPEM), at: Date())
        #expect(Self.failure(of: result)?.code == .keyUsage)
    }

    @Test("an RSA issuer with nonRepudiation only, made by the openssl tool, verifies")
    func rsaIssuerVerifies() throws {
        let madeByOpenSSL = try OpenSSLMadePKI(issuerKeyUsage: "critical,nonRepudiation", key: "rsa:2048")
        let cms = try madeByOpenSSL.identity().signDetachedCMS(content: Self.content)
        let signer = try SignatureVerifier.verifyDetachedCMS(
            cms, content: Self.content, trust: try Self.trust(madeByOpenSSL.rootPEM), at: Date()
        ).get()
        #expect(signer.subjectName == "Stelle aus dem Werkzeug")
        #expect(signer.rootSubjectName == "Wurzel aus dem Werkzeug")
    }

    // MARK: Malformed signatures

    @Test("empty, garbage, truncated and oversized signatures are malformed")
    func malformedSignatures() throws {
        let signed = try Signed()
        var generator = SplitMix64(seed: 7)
        let garbage = (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("garbage", garbage),
            ("text", Array("-----BEGIN PKCS7-----".utf8)),
            ("a lone SEQUENCE header", [0x30]),
            ("a huge length", [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x06, 0x09]),
            ("indefinite length", [0x30, 0x80] + signed.cms.dropFirst(4) + [0, 0]),
            ("truncated by half", Array(signed.cms.prefix(signed.cms.count / 2))),
            ("truncated by one byte", Array(signed.cms.dropLast())),
            ("a certificate instead", try SignatureCheck.certificatesDER(fromPEM: Array(signed.pki.rootPEM.utf8))[0]),
            ("over 64 KB", signed.cms + [UInt8](repeating: 0, count: 65_536)),
        ]
        for (name, bytes) in cases {
            let failure = Self.failure(of: signed.verify(bytes))
            #expect(failure?.code == .malformedSignature, "\(name): \(String(describing: failure))")
            #expect(failure?.reason.isEmpty == false, "\(name)")
        }
    }

    @Test("hundreds of mutated and truncated signatures never crash and never verify when cut short")
    func mutatedSignaturesAreSurvived() throws {
        let signed = try Signed()
        var generator = SplitMix64(seed: 20_261_123)
        var outcomes: [String: Int] = [:]
        for round in 0..<600 {
            var cms = signed.cms
            let kind = round % 5
            switch kind {
            case 0:  // truncated anywhere
                cms = Array(cms.prefix(Int.random(in: 0..<cms.count, using: &generator)))
            case 1:  // a few bytes flipped
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    cms[Int.random(in: 0..<cms.count, using: &generator)] ^= UInt8.random(
                        in: 1...255, using: &generator)
                }
            case 2:  // a length byte made huge
                let position = Int.random(in: 1..<cms.count, using: &generator)
                cms[position] = [0x84, 0x83, 0xFF, 0x7F, 0x80].randomElement(using: &generator)!
            case 3:  // random bytes inserted
                let position = Int.random(in: 0...cms.count, using: &generator)
                let inserted = (0..<Int.random(in: 1...16, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                cms.insert(contentsOf: inserted, at: position)
            default:  // a stretch overwritten with random bytes
                let start = Int.random(in: 0..<cms.count, using: &generator)
                let end = min(cms.count, start + Int.random(in: 1...64, using: &generator))
                for index in start..<end { cms[index] = UInt8.random(in: 0...255, using: &generator) }
            }
            let result = signed.verify(cms)
            switch result {
            case .success:
                outcomes["verified", default: 0] += 1
            case .failure(let failure):
                outcomes[failure.code.description, default: 0] += 1
                #expect(!failure.reason.isEmpty)
            }
            if kind == 0 {
                #expect(Self.failure(of: result)?.code == .malformedSignature, "round \(round)")
            }
        }
        print("600 mutated signatures:", outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })
        // The genuine signature still verifies afterwards: no state leaked from the failures.
        #expect((try? signed.verify().get()) != nil)
    }

    // MARK: Trust list

    @Test("a trust list of garbage, without certificates, with damaged PEM or without a root is refused")
    func unusableTrustLists() throws {
        let pki = try Self.makePKI()
        let issuerOnly =
            try #require(pki.issuerPEM.components(separatedBy: "-----END CERTIFICATE-----").first)
            + "-----END CERTIFICATE-----\n"
        let damaged = pki.rootPEM.replacingOccurrences(of: "MII", with: "M!I")
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("garbage", Array("not a certificate at all".utf8)),
            ("random bytes", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 97) }),
            ("damaged PEM", Array(damaged.utf8)),
            ("a private key", Array(pki.issuerKeyPEM.utf8)),
            ("an issuer without its root", Array(issuerOnly.utf8)),
        ]
        for (name, pem) in cases {
            let error = #expect(throws: VerificationFailure.self, "\(name)") { try TrustList(pem: pem) }
            #expect(error?.code == .trustList, "\(name): \(error?.reason ?? "")")
        }
    }

    @Test("the issuer is found by its thumbprint when issuer.pem is the trust list")
    func thumbprintLookup() throws {
        let pki = try Self.makePKI()
        let identity = try Self.identity(of: pki)
        // issuer.pem and root.pem concatenated, as the CLI does with a folder: the root counts once.
        let trust = try Self.trust(pki.issuerPEM + pki.rootPEM)
        #expect(trust.certificatesDER.count == 2)
        #expect(trust.certificate(withThumbprint: Digest.sha256(identity.certificateDER)) == identity.certificateDER)
        #expect(trust.certificate(withThumbprint: [UInt8](repeating: 0, count: 32)) == nil)
        #expect(trust.certificate(withThumbprint: []) == nil)
    }

    // MARK: Issuer certificates

    @Test("an issuer certificate from the trust list verifies")
    func issuerCertificateVerifies() throws {
        let pki = try Self.makePKI()
        let trust = try Self.trust(pki.issuerPEM)
        let issuerDER = try Self.identity(of: pki).certificateDER
        let der = try #require(trust.certificate(withThumbprint: Digest.sha256(issuerDER)))
        let issuer = try SignatureVerifier.verifyIssuerCertificate(der, trust: trust, at: Date()).get()
        #expect(issuer.subjectName == Self.issuerName)
        #expect(issuer.thumbprint == Digest.sha256(issuerDER))
        #expect(issuer.rootSubjectName == "\(Self.organization) Root CA (development)")
    }

    @Test("an issuer certificate of another PKI is untrusted")
    func foreignIssuerCertificateIsUntrusted() throws {
        let trust = try Self.trust(try Self.makePKI().issuerPEM)
        let stranger = try Self.identity(of: try Self.makePKI(issuerName: "Fremde Stelle", organization: "Anderswo"))
        let result = SignatureVerifier.verifyIssuerCertificate(stranger.certificateDER, trust: trust, at: Date())
        let failure = try #require(Self.failure(of: result))
        #expect(failure.code == .untrusted)
        #expect(failure.reason.contains("Anderswo Root CA (development)"))
    }

    @Test("an expired issuer certificate is reported with its date")
    func expiredIssuerCertificate() throws {
        let pki = try Self.makePKI()
        let expired = try pki.issueAnotherIssuer(
            issuerName: "Alte Zertifikatsstelle", notBefore: Self.date(2025, 2, 1), notAfter: Self.date(2026, 1, 31))
        let trust = try Self.trust(expired.issuerPEM)
        let der = try Self.identity(of: expired).certificateDER
        let now = Date()
        let failure = try #require(
            Self.failure(of: SignatureVerifier.verifyIssuerCertificate(der, trust: trust, at: now)))
        #expect(failure.code == .certificateExpired)
        #expect(
            failure.reason
                == "the issuer certificate “Alte Zertifikatsstelle” expired on 2026-01-31 (checked at \(Self.day(now)))"
        )
    }

    @Test("bytes that are not one certificate are not an issuer certificate")
    func garbageIssuerCertificate() throws {
        let pki = try Self.makePKI()
        let trust = try Self.trust(pki.rootPEM)
        let der = try Self.identity(of: pki).certificateDER
        for bytes in [[], [0x30, 0x00], Array(der.dropLast()), der + [0]] {
            let result = SignatureVerifier.verifyIssuerCertificate(bytes, trust: trust, at: Date())
            #expect(Self.failure(of: result)?.code == .malformedSignature)
        }
    }

    // MARK: Helpers

    static func failure(of result: Result<VerifiedSigner, VerificationFailure>) -> VerificationFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }
}

/// A deterministic random number generator for reproducible fuzzing (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A root and an issuer made by the `openssl` command-line tool, for certificates our development PKI never makes
/// (wrong or missing key usage, RSA keys).
struct OpenSSLMadePKI {
    let rootPEM: String
    let issuerPEM: String
    let issuerKeyPEM: String

    /// - Parameters:
    ///   - issuerKeyUsage: The issuer's keyUsage extension in `openssl` configuration syntax, or `nil` for none.
    ///   - key: `-newkey` argument of both keys.
    init(issuerKeyUsage: String?, key: String = "ec") throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("verifier-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let keyOptions = key == "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", key]

        _ = try ExternalTool.run(
            "openssl",
            ["req", "-x509", "-new"] + keyOptions + [
                "-nodes", "-keyout", path("root.key"), "-out", path("root.pem"), "-subj", "/CN=Wurzel aus dem Werkzeug",
                "-days", "30", "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        _ = try ExternalTool.run(
            "openssl",
            ["req", "-new"] + keyOptions + [
                "-nodes", "-keyout", path("issuer.key"), "-out", path("issuer.csr"),
                "-subj", "/CN=Stelle aus dem Werkzeug",
            ])
        var extensions = "basicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"
        if let issuerKeyUsage { extensions += "keyUsage=\(issuerKeyUsage)\n" }
        try Data(extensions.utf8).write(to: URL(fileURLWithPath: path("issuer.cnf")))
        _ = try ExternalTool.run(
            "openssl",
            [
                "x509", "-req", "-in", path("issuer.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"),
                "-set_serial", "4242", "-days", "30", "-sha256", "-extfile", path("issuer.cnf"),
                "-out", path("issuer.pem"),
            ])

        rootPEM = try String(contentsOfFile: path("root.pem"), encoding: .utf8)
        issuerPEM = try String(contentsOfFile: path("issuer.pem"), encoding: .utf8)
        issuerKeyPEM = try String(contentsOfFile: path("issuer.key"), encoding: .utf8)
    }

    func identity() throws -> SigningIdentity {
        try SigningIdentity(keyPEM: Array(issuerKeyPEM.utf8), chainPEM: Array((issuerPEM + rootPEM).utf8))
    }
}
