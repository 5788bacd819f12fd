import Foundation
import TestSupport
import Testing

@testable import Certificates

/// The OpenSSL signing layer, judged by the `openssl` command-line tool wherever it can judge our output.
@Suite("Signing")
struct SigningTests {
    /// A fresh directory for the files one test hands to `openssl`; removed when the test ends.
    final class Scratch {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("signing-tests-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit {
            try? FileManager.default.removeItem(at: directory)
        }

        /// Writes `bytes` to `name` and returns the path.
        @discardableResult
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }

        /// Writes `text` to `name` and returns the path.
        @discardableResult
        func write(_ name: String, _ text: String) throws -> String {
            try write(name, Array(text.utf8))
        }

        /// The path of `name` in the directory (whether or not it exists).
        func path(_ name: String) -> String {
            directory.appendingPathComponent(name).path
        }
    }

    static func makePKI(issuerName: String = "Zertifikatsstelle Musterstadt") throws -> DevelopmentPKI {
        try DevelopmentPKI.create(issuerName: issuerName, organization: "Stadt Musterstadt")
    }

    static func identity(of pki: DevelopmentPKI) throws -> SigningIdentity {
        try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
    }

    /// Some content to sign, about 100 KB like a certificate PDF.
    static let content: [UInt8] = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    @Test("the development PKI makes a chain openssl verify accepts, with a document-signing issuer")
    func developmentChainVerifies() throws {
        let pki = try Self.makePKI()
        let scratch = try Scratch()
        let root = try scratch.write("root.pem", pki.rootPEM)
        let issuer = try scratch.write("issuer.pem", pki.issuerPEM)

        let verdict = try ExternalTool.run("openssl", ["verify", "-CAfile", root, issuer])
        #expect(verdict.contains("OK"))

        let issuerExtensions = try ExternalTool.run(
            "openssl", ["x509", "-noout", "-ext", "basicConstraints,keyUsage,extendedKeyUsage", "-in", issuer])
        #expect(issuerExtensions.contains("X509v3 Key Usage: critical"))
        #expect(issuerExtensions.contains("Digital Signature, Non Repudiation"))
        #expect(issuerExtensions.contains("CA:FALSE"))
        // Document signing for the trust policy, e-mail protection for pdfsig's NSS check.
        #expect(issuerExtensions.contains("X509v3 Extended Key Usage"))
        #expect(issuerExtensions.contains("1.3.6.1.5.5.7.3.36"))
        #expect(issuerExtensions.contains("E-mail Protection"))
        #expect(!issuerExtensions.contains("TLS Web Server Authentication"))

        let issuerText = try ExternalTool.run("openssl", ["x509", "-noout", "-text", "-in", issuer])
        #expect(issuerText.contains("X509v3 Subject Key Identifier"))
        #expect(issuerText.contains("X509v3 Authority Key Identifier"))
        #expect(issuerText.contains("ecdsa-with-SHA256"))
        #expect(issuerText.contains("NIST CURVE: P-256"))
        #expect(issuerText.contains("CN = Zertifikatsstelle Musterstadt"))
        #expect(issuerText.contains("O = Stadt Musterstadt"))

        let rootExtensions = try ExternalTool.run(
            "openssl", ["x509", "-noout", "-ext", "basicConstraints,keyUsage,subjectKeyIdentifier", "-in", root])
        #expect(rootExtensions.contains("X509v3 Basic Constraints: critical"))
        #expect(rootExtensions.contains("CA:TRUE"))
        #expect(rootExtensions.contains("Certificate Sign, CRL Sign"))
        #expect(rootExtensions.contains("X509v3 Subject Key Identifier"))
        let rootSubject = try ExternalTool.run("openssl", ["x509", "-noout", "-subject", "-in", root])
        #expect(rootSubject.contains("CN = Stadt Musterstadt Root CA (development)"))
    }

    @Test("two development PKIs get different random positive 128-bit serial numbers")
    func serialsAreRandom() throws {
        let scratch = try Scratch()
        var serials: Set<String> = []
        for index in 0..<2 {
            let pki = try Self.makePKI()
            let path = try scratch.write("issuer\(index).pem", pki.issuerPEM)
            let serial = try ExternalTool.run("openssl", ["x509", "-noout", "-serial", "-in", path])
                .trimmingCharacters(in: .whitespacesAndNewlines)
                .replacingOccurrences(of: "serial=", with: "")
            #expect(serial.count == 32, "128 bits with the top bit set are 32 hex digits: \(serial)")
            serials.insert(serial)
        }
        #expect(serials.count == 2)
    }

    @Test("the identity's key id, name and chain describe the issuer certificate")
    func identityDescribesIssuer() throws {
        let pki = try Self.makePKI()
        let identity = try Self.identity(of: pki)
        let scratch = try Scratch()
        let issuer = try scratch.write("issuer.pem", pki.issuerPEM)

        let fingerprint = try ExternalTool.run("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", issuer])
        let expected = fingerprint.split(separator: "=").last.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "").lowercased()
        }
        #expect(identity.keyID == expected)
        #expect(identity.keyID == SignatureCheck.keyID(ofCertificateDER: identity.certificateDER))
        #expect(identity.subjectName == "Zertifikatsstelle Musterstadt")
        let rootDER = try SignatureCheck.certificatesDER(fromPEM: Array(pki.rootPEM.utf8))
        #expect(identity.chainDER == rootDER)
        #expect(try SignatureCheck.certificatesDER(fromPEM: Array(pki.issuerPEM.utf8)).count == 2)
    }

    @Test("a detached CMS signature verifies with openssl cms, and fails once one content byte changes")
    func detachedCMSVerifies() throws {
        let pki = try Self.makePKI()
        let signature = try Self.identity(of: pki).signDetachedCMS(content: Self.content)
        let scratch = try Scratch()
        let root = try scratch.write("root.pem", pki.rootPEM)
        let signaturePath = try scratch.write("sig.der", signature)
        let data = try scratch.write("data.bin", Self.content)

        func verify(contentAt path: String) throws {
            _ = try ExternalTool.run(
                "openssl",
                [
                    "cms", "-verify", "-binary", "-inform", "DER", "-in", signaturePath, "-content", path,
                    "-CAfile", root, "-purpose", "any", "-out", "/dev/null",
                ])
        }
        try verify(contentAt: data)

        var changed = Self.content
        changed[50_000] ^= 0x01
        let changedPath = try scratch.write("changed.bin", changed)
        #expect(throws: (any Error).self) { try verify(contentAt: changedPath) }
    }

    @Test(
        "the CMS signature is PAdES B-B: SHA-256, content type, message digest, signing certificate v2, no signing time"
    )
    func cmsAttributes() throws {
        let pki = try Self.makePKI()
        let signature = try Self.identity(of: pki).signDetachedCMS(content: Self.content)
        let scratch = try Scratch()
        let signaturePath = try scratch.write("sig.der", signature)
        let printed = try ExternalTool.run(
            "openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", signaturePath])

        #expect(printed.contains("messageDigest"))
        #expect(printed.contains("contentType"))
        #expect(
            printed.contains("id-smime-aa-signingCertificateV2") || printed.contains("1.2.840.113549.1.9.16.2.47"))
        #expect(!printed.contains("signingTime"))
        #expect(!printed.contains("id-smime-aa-signingCertificate (") && !printed.contains("SMIMECapabilities"))
        #expect(printed.contains("algorithm: sha256"))
        #expect(printed.contains("eContent: <ABSENT>"), "the signature is detached")
        #expect(printed.contains("subject: O=Stadt Musterstadt, CN=Zertifikatsstelle Musterstadt"))
        #expect(printed.contains("subject: O=Stadt Musterstadt, CN=Stadt Musterstadt Root CA (development)"))
        #expect(printed.components(separatedBy: "d.certificate:").count - 1 == 2, "issuer and root certificates")
        #expect(signature.first == 0x30 && signature[1] != 0x80, "definite-length DER, not streamed BER")
    }

    @Test("an ES256 signature is 64 bytes that verify, and fail for a changed message or another issuer")
    func es256RoundTrip() throws {
        let pki = try Self.makePKI()
        let identity = try Self.identity(of: pki)
        let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJpZCI6IktDLTAxMjM0NTY3ODlBQiJ9".utf8)
        let signature = try identity.signES256(message)
        #expect(signature.count == 64)
        #expect(
            SignatureCheck.verifyES256(signature: signature, message: message, certificateDER: identity.certificateDER))

        var flipped = message
        flipped[7] ^= 0x01
        #expect(
            !SignatureCheck.verifyES256(signature: signature, message: flipped, certificateDER: identity.certificateDER)
        )

        var damaged = signature
        damaged[40] ^= 0x80
        #expect(
            !SignatureCheck.verifyES256(signature: damaged, message: message, certificateDER: identity.certificateDER))
        #expect(
            !SignatureCheck.verifyES256(
                signature: Array(signature.prefix(63)), message: message, certificateDER: identity.certificateDER))

        let other = try Self.identity(of: try Self.makePKI(issuerName: "Andere Stelle"))
        #expect(
            !SignatureCheck.verifyES256(signature: signature, message: message, certificateDER: other.certificateDER))
        #expect(!SignatureCheck.verifyES256(signature: signature, message: message, certificateDER: [0x30, 0x00]))
    }

    @Test("an ES256 signature made by openssl dgst, turned into raw r‖s, verifies with SignatureCheck")
    func es256MatchesOpenSSLTool() throws {
        let pki = try Self.makePKI()
        let scratch = try Scratch()
        let key = try scratch.write("issuer.key", pki.issuerKeyPEM)
        let message = Array("header.payload".utf8)
        let messagePath = try scratch.write("message.txt", message)
        let signaturePath = scratch.path("signature.der")
        _ = try ExternalTool.run("openssl", ["dgst", "-sha256", "-sign", key, "-out", signaturePath, messagePath])
        let der = try [UInt8](Data(contentsOf: URL(fileURLWithPath: signaturePath)))
        let raw = try #require(Self.rawSignature(fromDER: der))
        let certificate = try Self.identity(of: pki).certificateDER
        // openssl dgst makes either form; only the low-S one is accepted, and its twin is the other.
        let lowS = SignatureCheck.isLowS(es256Signature: raw) ? raw : Self.twin(of: raw)
        #expect(SignatureCheck.verifyES256(signature: lowS, message: message, certificateDER: certificate))
        #expect(
            !SignatureCheck.verifyES256(signature: Self.twin(of: lowS), message: message, certificateDER: certificate))
    }

    /// The order n of P-256, big-endian.
    static let p256Order: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ]

    /// The other valid ES256 signature for the same message and key: r‖(n − s).
    static func twin(of raw: [UInt8]) -> [UInt8] {
        var s = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in (0..<32).reversed() {
            var difference = Int(p256Order[index]) - Int(raw[32 + index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            s[index] = UInt8(difference)
        }
        return Array(raw[0..<32]) + s
    }

    @Test("ES256 signatures are always low-S, and their high-S twins verify with the key but are refused")
    func es256IsLowS() throws {
        let pki = try Self.makePKI()
        let identity = try Self.identity(of: pki)
        let key = try #require(ES256PublicKey(certificateDER: identity.certificateDER))
        for index in 0..<64 {
            let message = Array("message \(index)".utf8)
            let signature = try identity.signES256(message)
            #expect(SignatureCheck.isLowS(es256Signature: signature), "signature \(index)")
            #expect(key.verify(signature: signature, message: message))
            let twin = Self.twin(of: signature)
            #expect(!SignatureCheck.isLowS(es256Signature: twin))
            #expect(!key.verify(signature: twin, message: message))
        }
        #expect(SignatureCheck.p256HalfOrder.map { Array($0) } == Self.halfOrder)
    }

    /// n/2 of P-256 (rounded down), big-endian.
    static let halfOrder: [UInt8] = [
        0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
    ]

    @Test("the low-S boundary: s = n/2 is low, s = n/2 + 1 is high")
    func lowSBoundary() {
        let r = [UInt8](repeating: 0x11, count: 32)
        #expect(SignatureCheck.isLowS(es256Signature: r + Self.halfOrder))
        var above = Self.halfOrder
        above[31] += 1
        #expect(!SignatureCheck.isLowS(es256Signature: r + above))
        #expect(SignatureCheck.isLowS(es256Signature: r + [UInt8](repeating: 0, count: 31) + [1]))
        #expect(!SignatureCheck.isLowS(es256Signature: r + [UInt8](repeating: 0xFF, count: 32)))
        #expect(!SignatureCheck.isLowS(es256Signature: r))
    }

    @Test("a PKCS#12 file made by openssl loads with its passphrase and signs; a wrong passphrase is named")
    func pkcs12() throws {
        let pki = try Self.makePKI()
        let scratch = try Scratch()
        let key = try scratch.write("issuer.key", pki.issuerKeyPEM)
        let chain = try scratch.write("issuer.pem", pki.issuerPEM)
        let root = try scratch.write("root.pem", pki.rootPEM)
        let archivePath = scratch.path("id.p12")
        _ = try ExternalTool.run(
            "openssl",
            [
                "pkcs12", "-export", "-inkey", key, "-in", chain, "-passout", "pass:geheim", "-out", archivePath,
                "-certpbe", "AES-256-CBC", "-keypbe", "AES-256-CBC", "-macalg", "sha256",
            ])
        let archive = try [UInt8](Data(contentsOf: URL(fileURLWithPath: archivePath)))

        let identity = try SigningIdentity(pkcs12: archive, passphrase: "geheim")
        let fromPEM = try Self.identity(of: pki)
        #expect(identity.keyID == fromPEM.keyID)
        #expect(identity.chainDER == fromPEM.chainDER)
        #expect(identity.subjectName == "Zertifikatsstelle Musterstadt")

        let signature = try identity.signDetachedCMS(content: Self.content)
        let signaturePath = try scratch.write("sig.der", signature)
        let data = try scratch.write("data.bin", Self.content)
        _ = try ExternalTool.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", signaturePath, "-content", data,
                "-CAfile", root, "-purpose", "any", "-out", "/dev/null",
            ])
        let token = Array("a.b".utf8)
        #expect(
            SignatureCheck.verifyES256(
                signature: try identity.signES256(token), message: token, certificateDER: identity.certificateDER))

        let error = #expect(throws: CertificateError.self) {
            try SigningIdentity(pkcs12: archive, passphrase: "falsch-geraten")
        }
        #expect(error?.code == .wrongPassphrase)
        #expect(error?.reason.contains("passphrase") == true)
        #expect(error?.reason.contains("falsch-geraten") == false)
        #expect(error?.reason.contains("geheim") == false)
    }

    @Test("an unreadable key, an unreadable certificate and a key of another certificate each have their own code")
    func loadingFailuresHaveTheirOwnCodes() throws {
        let garbage = Array("this is not a key, a certificate or anything else\n".utf8)
        let pki = try Self.makePKI()
        let key = Array(pki.issuerKeyPEM.utf8)
        let chain = Array(pki.issuerPEM.utf8)

        let unreadableKey = #expect(throws: CertificateError.self) {
            try SigningIdentity(keyPEM: garbage, chainPEM: chain)
        }
        #expect(unreadableKey?.code == .unreadableKey)
        #expect(unreadableKey?.reason.hasPrefix("the private key is not a readable PEM key") == true)
        let notPKCS12 = #expect(throws: CertificateError.self) { try SigningIdentity(pkcs12: garbage, passphrase: "x") }
        #expect(notPKCS12?.code == .unreadableKey)

        let unreadableCertificate = #expect(throws: CertificateError.self) {
            try SigningIdentity(keyPEM: key, chainPEM: garbage)
        }
        #expect(unreadableCertificate?.code == .unreadableCertificate)
        #expect(unreadableCertificate?.reason.contains("holds no PEM certificate") == true)
        let noCertificate = #expect(throws: CertificateError.self) {
            try SignatureCheck.certificatesDER(fromPEM: [])
        }
        #expect(noCertificate?.code == .unreadableCertificate)

        let stranger = try Self.makePKI(issuerName: "Fremde Stelle")
        let mismatch = #expect(throws: CertificateError.self) {
            try SigningIdentity(keyPEM: Array(stranger.issuerKeyPEM.utf8), chainPEM: chain)
        }
        #expect(mismatch?.code == .keyMismatch)

        let tooLong = #expect(throws: CertificateError.self) {
            try DevelopmentPKI.create(issuerName: String(repeating: "x", count: 65), organization: "Musterstadt")
        }
        #expect(tooLong?.code == .crypto)
        #expect(tooLong?.reason.contains("at most 64 characters") == true)
    }

    @Test("garbage instead of PEM, DER or PKCS#12 throws a CertificateError instead of crashing")
    func garbageThrows() throws {
        let garbage = Array("this is not a key, a certificate or anything else\n".utf8)
        let pki = try Self.makePKI()
        let key = Array(pki.issuerKeyPEM.utf8)
        let chain = Array(pki.issuerPEM.utf8)

        #expect(throws: CertificateError.self) { try SigningIdentity(keyPEM: garbage, chainPEM: chain) }
        #expect(throws: CertificateError.self) { try SigningIdentity(keyPEM: key, chainPEM: garbage) }
        #expect(throws: CertificateError.self) { try SigningIdentity(keyPEM: [], chainPEM: []) }
        #expect(throws: CertificateError.self) { try SignatureCheck.certificatesDER(fromPEM: garbage) }
        #expect(throws: CertificateError.self) { try SignatureCheck.certificatesDER(fromPEM: []) }
        #expect(throws: CertificateError.self) { try SigningIdentity(pkcs12: garbage, passphrase: "x") }
        #expect(throws: CertificateError.self) { try SigningIdentity(pkcs12: [], passphrase: "") }

        // A certificate block whose base64 is damaged in the middle.
        var lines = pki.rootPEM.split(separator: "\n").map(String.init)
        lines[3] = "!!!!" + lines[3].dropFirst(4)
        let damaged = Array(lines.joined(separator: "\n").utf8)
        let error = #expect(throws: CertificateError.self) { try SignatureCheck.certificatesDER(fromPEM: damaged) }
        #expect(error?.reason.contains("damaged") == true)

        // A key that does not belong to the certificate.
        let stranger = try Self.makePKI(issuerName: "Fremde Stelle")
        let mismatch = #expect(throws: CertificateError.self) {
            try SigningIdentity(keyPEM: Array(stranger.issuerKeyPEM.utf8), chainPEM: chain)
        }
        #expect(mismatch?.reason.contains("does not belong") == true)
        #expect(mismatch?.reason.contains("PRIVATE KEY") == false)
    }

    @Test("an expired issuer can be made under a valid root, and openssl verify reports it expired")
    func expiredIssuer() throws {
        let now = Date()
        let pki = try DevelopmentPKI.create(
            issuerName: "Abgelaufene Stelle", organization: "Stadt Musterstadt",
            issuerNotBefore: now.addingTimeInterval(-2 * 365 * 86_400),
            issuerNotAfter: now.addingTimeInterval(-365 * 86_400))
        let scratch = try Scratch()
        let root = try scratch.write("root.pem", pki.rootPEM)
        let issuer = try scratch.write("issuer.pem", pki.issuerPEM)

        #expect(try ExternalTool.run("openssl", ["verify", "-CAfile", root, root]).contains("OK"), "the root is valid")
        let error = #expect(throws: (any Error).self) {
            try ExternalTool.run("openssl", ["verify", "-CAfile", root, issuer])
        }
        #expect(error.map { String(describing: $0).contains("certificate has expired") } == true)

        // Signing with it still works; judging the dates is the verifier's job.
        let identity = try Self.identity(of: pki)
        #expect(!(try identity.signDetachedCMS(content: [1, 2, 3])).isEmpty)
    }

    @Test("another issuer from the same root verifies under that root and has its own key")
    func anotherIssuer() throws {
        let pki = try Self.makePKI()
        let now = Date()
        let second = try pki.issueAnotherIssuer(
            issuerName: "Zweite Stelle", notBefore: now, notAfter: now.addingTimeInterval(365 * 86_400))
        #expect(second.rootPEM == pki.rootPEM)
        #expect(second.issuerKeyPEM != pki.issuerKeyPEM)
        let scratch = try Scratch()
        let root = try scratch.write("root.pem", pki.rootPEM)
        let issuer = try scratch.write("second.pem", second.issuerPEM)
        #expect(try ExternalTool.run("openssl", ["verify", "-CAfile", root, issuer]).contains("OK"))
        let identity = try Self.identity(of: second)
        #expect(identity.subjectName == "Zweite Stelle")
        #expect(identity.keyID != (try Self.identity(of: pki)).keyID)
    }

    @Test("printing a development PKI never shows a private key")
    func pkiPrintsNoKeys() throws {
        let pki = try Self.makePKI()
        let printed = "\(pki)" + String(reflecting: pki)
        var dumped = ""
        dump(pki, to: &dumped)
        for text in [printed, dumped] {
            #expect(!text.contains("PRIVATE KEY"))
        }
        #expect(pki.issuerKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(pki.rootKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("invalid names and validity windows are refused with a reason")
    func invalidParameters() throws {
        #expect(throws: CertificateError.self) { try DevelopmentPKI.create(issuerName: "", organization: "Stadt") }
        #expect(throws: CertificateError.self) { try DevelopmentPKI.create(issuerName: "A", organization: "") }
        #expect(throws: CertificateError.self) {
            try DevelopmentPKI.create(issuerName: "A", organization: "B", years: 0)
        }
        let tooLong = String(repeating: "x", count: 65)
        #expect(throws: CertificateError.self) { try DevelopmentPKI.create(issuerName: tooLong, organization: "B") }
        let now = Date()
        #expect(throws: CertificateError.self) {
            try DevelopmentPKI.create(issuerName: "A", organization: "B", issuerNotBefore: now, issuerNotAfter: now)
        }
    }

    @Test("an RSA identity from openssl req makes CMS signatures openssl verifies, and refuses ES256")
    func rsaIdentity() throws {
        let scratch = try Scratch()
        let keyPath = scratch.path("rsa.key")
        let certificatePath = scratch.path("rsa.pem")
        _ = try ExternalTool.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certificatePath,
                "-subj", "/O=Stadt Musterstadt/CN=RSA-Stelle", "-days", "2",
            ])
        let key = try [UInt8](Data(contentsOf: URL(fileURLWithPath: keyPath)))
        let certificate = try [UInt8](Data(contentsOf: URL(fileURLWithPath: certificatePath)))
        let identity = try SigningIdentity(keyPEM: key, chainPEM: certificate)
        #expect(identity.subjectName == "RSA-Stelle")
        #expect(identity.chainDER.isEmpty)

        let signaturePath = try scratch.write("sig.der", try identity.signDetachedCMS(content: Self.content))
        let data = try scratch.write("data.bin", Self.content)
        _ = try ExternalTool.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", signaturePath, "-content", data,
                "-CAfile", certificatePath, "-purpose", "any", "-out", "/dev/null",
            ])
        let printed = try ExternalTool.run(
            "openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", signaturePath])
        #expect(!printed.contains("signingTime"))

        let error = #expect(throws: CertificateError.self) { try identity.signES256([1, 2, 3]) }
        #expect(error?.reason.contains("P-256") == true)
    }

    @Test("one identity signs from many tasks at once, and every signature verifies")
    func concurrentSigning() async throws {
        let pki = try Self.makePKI()
        let identity = try Self.identity(of: pki)
        let message = Array("concurrent".utf8)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    _ = try identity.signDetachedCMS(content: Self.content)
                    let signature = try identity.signES256(message)
                    return SignatureCheck.verifyES256(
                        signature: signature, message: message, certificateDER: identity.certificateDER)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 32 && results.allSatisfy { $0 })
    }

    /// Raw r‖s (64 bytes) from a DER ECDSA-Sig-Value `SEQUENCE { INTEGER r, INTEGER s }` as `openssl dgst` writes
    /// it; a deliberately small reader for this one test.
    static func rawSignature(fromDER der: [UInt8]) -> [UInt8]? {
        guard der.count > 8, der[0] == 0x30, der[1] < 0x80, Int(der[1]) == der.count - 2 else { return nil }
        var index = 2
        var raw: [UInt8] = []
        for _ in 0..<2 {
            guard der[index] == 0x02 else { return nil }
            let length = Int(der[index + 1])
            var integer = Array(der[(index + 2)..<(index + 2 + length)])
            while integer.count > 32, integer.first == 0 { integer.removeFirst() }
            guard integer.count <= 32 else { return nil }
            raw += [UInt8](repeating: 0, count: 32 - integer.count) + integer
            index += 2 + length
        }
        return raw
    }
}
