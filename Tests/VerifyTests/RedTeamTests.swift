import Assessment
import Certificates
import Foundation
import TestSupport
import Testing

@testable import Verify

/// Genuine certificates and the keys around them.
final class RedTeamFixture: @unchecked Sendable {
    let pki: DevelopmentPKI
    let identity: SigningIdentity
    let issuer: CertificateIssuer
    let trust: TrustList
    let folder: URL

    init() throws {
        pki = try DevelopmentPKI.create(issuerName: "Musterakademie Zertifikatsstelle", organization: "Musterakademie")
        identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        trust = try TrustList(pem: Array(pki.issuerPEM.utf8))
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("redteam-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(pki.rootPEM.utf8).write(to: rootFile)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    var rootFile: URL { folder.appendingPathComponent("root.pem") }

    func record(_ tier: Tier, name: String = "Jürgen Weißmüller") -> CertificateRecord {
        CertificateRecord(
            id: CertificateID.random(), holder: .init(name: name, birthDate: "1979-03-14"),
            course: .init(
                title: "Datenschutz in der Kommunalverwaltung", provider: "Hochschule für öffentliche Verwaltung",
                ects: tier == .qualified ? Rational(5) : nil, start: "2026-09-01", end: "2026-11-30"),
            tier: tier, score: tier == .attendance ? nil : .init(points: Rational(117, 2), maximum: Rational(74)),
            issued: "2026-12-04", issuer: "")
    }

    func genuine(_ tier: Tier = .scored, name: String = "Jürgen Weißmüller") throws -> IssuedCertificate {
        try issuer.issue(record(tier, name: name))
    }

    func verifier(status: String? = nil) -> CertificateVerifier {
        CertificateVerifier(trust: trust, status: status)
    }

    /// pdfsig's and pyHanko's verdicts on `bytes`.
    func judges(_ bytes: [UInt8]) throws -> (pdfsig: String, pyhanko: String) {
        let file = folder.appendingPathComponent("judge-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        let database = folder.appendingPathComponent("nss").path
        if !FileManager.default.fileExists(atPath: database) {
            try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
            _ = try ExternalTool.output("certutil", ["-N", "-d", "sql:\(database)", "--empty-password"])
            _ = try ExternalTool.output(
                "certutil", ["-A", "-d", "sql:\(database)", "-n", "root", "-t", "CT,C,C", "-i", rootFile.path])
        }
        let pdfsig = try ExternalTool.output("pdfsig", ["-nssdir", "sql:\(database)", file.path])
        let pyhanko = try ExternalTool.output(
            "pyhanko", ["sign", "validate", "--trust", rootFile.path, "--trust-replace", file.path])
        return (pdfsig, pyhanko)
    }
}

// MARK: - Forgeries

extension Array where Element == UInt8 {
    func range(of text: String, from start: Int = 0) -> Range<Int>? {
        let needle = Array(text.utf8)
        guard needle.count <= count else { return nil }
        var index = start
        while index + needle.count <= count {
            if self[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index += 1
        }
        return nil
    }

    func lastRange(of text: String) -> Range<Int>? {
        let needle = Array(text.utf8)
        var index = count - needle.count
        while index >= 0 {
            if self[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index -= 1
        }
        return nil
    }

    /// The offset after `startxref` in the file's tail.
    var startXRef: Int {
        let marker = lastRange(of: "startxref")!
        let digits = self[marker.upperBound...].drop { $0 == 0x0A || $0 == 0x20 }.prefix { (0x30...0x39).contains($0) }
        return Int(String(decoding: digits, as: UTF8.self))!
    }
}

enum Forgery {
    /// Appends an incremental update holding `objects` (number → body), as a PDF editor would.
    static func appendUpdate(to original: [UInt8], objects: [(Int, String)], size: Int) -> [UInt8] {
        var bytes = original
        var offsets: [(Int, Int)] = []
        for (number, body) in objects {
            offsets.append((number, bytes.count))
            bytes += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = bytes.count
        var table = "xref\n0 1\n0000000000 65535 f \n"
        for (number, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            let digits = String(offset)
            table += "\(number) 1\n" + String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table +=
            "trailer\n<< /Size \(size) /Root 1 0 R /Info 5 0 R /Prev \(original.startXRef) >>\nstartxref\n\(xref)\n%%EOF\n"
        return bytes + Array(table.utf8)
    }

    /// Rewrites the `/ByteRange` numbers in place (the field is padded to a fixed width).
    static func rewriteByteRange(_ original: [UInt8], _ change: ([Int]) -> [Int]) -> [UInt8] {
        var bytes = original
        let key = bytes.range(of: "/ByteRange [")!
        let end = bytes[key.upperBound...].firstIndex(of: UInt8(ascii: "]"))!
        let numbers = String(decoding: bytes[key.upperBound..<end], as: UTF8.self).split(separator: " ").compactMap {
            Int($0)
        }
        var text = change(numbers).map(String.init).joined(separator: " ") + "]"
        let width = end + 1 - key.upperBound
        text += String(repeating: " ", count: max(0, width - text.count))
        bytes.replaceSubrange(key.upperBound..<(key.upperBound + width), with: Array(text.utf8))
        return bytes
    }

    /// The `/Contents <…>` hex of a signed PDF, with its range.
    static func contents(_ bytes: [UInt8]) -> Range<Int> {
        let key = bytes.range(of: "/Contents <")!
        let end = bytes[key.upperBound...].firstIndex(of: UInt8(ascii: ">"))!
        return key.upperBound..<end
    }
}

@Suite("Red team: every forgery is rejected with its reason")
struct RedTeamTests {
    let fixture: RedTeamFixture

    init() throws {
        fixture = try RedTeamFixture()
    }

    /// Verifies within the reader's work budget and returns the failed checks' details.
    private func rejection(_ bytes: [UInt8], token: String? = nil, status: String? = nil) -> [String] {
        var work = PDFWork()
        _ = try? SignedDocument.read(bytes, work: &work)
        // The work budget (four times the file plus 64 KiB) and at most one object beyond it.
        #expect(work.bytesScanned <= 5 * bytes.count + 65_536, "\(work) for \(bytes.count) bytes")
        #expect(work.objectsRead <= ObjectTable.maximumObjectsRead)
        let verdict = fixture.verifier(status: status).verify(pdf: bytes, token: token)
        #expect(verdict.isValid == false)
        return verdict.failures.map(\.detail)
    }

    private func pyHankoSaysChanged(_ bytes: [UInt8]) throws {
        let (_, pyhanko) = try fixture.judges(bytes)
        #expect(!pyhanko.contains("UNTOUCHED"), "\(pyhanko)")
    }

    @Test("genuine certificates of all three tiers verify, and pdfsig and pyHanko agree")
    func genuine() throws {
        for tier in Tier.allCases {
            let certificate = try fixture.genuine(tier)
            let verdict = fixture.verifier().verify(pdf: certificate.pdf, token: certificate.verificationURL)
            #expect(verdict.isValid, "\(tier): \(verdict.failures.map(\.detail))")
            #expect(verdict.record == certificate.record)
            #expect(verdict.claims?.id == certificate.record.id)
            let (pdfsig, pyhanko) = try fixture.judges(certificate.pdf)
            #expect(pdfsig.contains("Signature is Valid") && pdfsig.contains("Certificate is Trusted"))
            #expect(pyhanko.contains("INTACT:TRUSTED,UNTOUCHED"), "\(pyhanko)")
        }
    }

    @Test("one byte changed in the holder name")
    func oneByteChanged() throws {
        var bytes = try fixture.genuine().pdf
        let name = bytes.range(of: "Weißmüller")!
        bytes[name.lowerBound] = UInt8(ascii: "V")
        let reasons = rejection(bytes)
        #expect(reasons.contains { $0.contains("changed after it was signed") }, "\(reasons)")
        try pyHankoSaysChanged(bytes)
    }

    @Test("a new name in an appended incremental update")
    func appendedNameChange() throws {
        let certificate = try fixture.genuine()
        var json = String(decoding: certificate.record.canonicalJSON, as: UTF8.self)
        json = json.replacingOccurrences(of: "Jürgen Weißmüller", with: "Jürgen Mustermann")
        let stream =
            "<< /Type /EmbeddedFile /Subtype /application#2Fjson /Length \(json.utf8.count) >>\nstream\n\(json)\nendstream"
        let bytes = Forgery.appendUpdate(to: certificate.pdf, objects: [(7, stream)], size: 21)
        let reasons = rejection(bytes)
        #expect(
            reasons.contains { $0.contains("changed after it was signed") && $0.contains("appended") }, "\(reasons)")
        try pyHankoSaysChanged(bytes)
    }

    @Test("an appended update that only adds an annotation")
    func appendedAnnotation() throws {
        let certificate = try fixture.genuine()
        let annotation = "<< /Type /Annot /Subtype /Text /Rect [20 20 40 40] /Contents (Notiz) /P 3 0 R >>"
        let bytes = Forgery.appendUpdate(to: certificate.pdf, objects: [(21, annotation)], size: 22)
        let reasons = rejection(bytes)
        #expect(reasons.contains { $0.contains("changed after it was signed") }, "\(reasons)")
        try pyHankoSaysChanged(bytes)
    }

    @Test("the byte range widened or shortened")
    func byteRangeChanged() throws {
        let certificate = try fixture.genuine()
        let shortened = Forgery.rewriteByteRange(certificate.pdf) { [$0[0], $0[1], $0[2], $0[3] - 10] }
        #expect(rejection(shortened).contains { $0.contains("changed after it was signed") })
        let widened = Forgery.rewriteByteRange(certificate.pdf) { [$0[0], $0[1] + 2, $0[2], $0[3]] }
        #expect(rejection(widened).contains { $0.contains("changed after it was signed") })
        try pyHankoSaysChanged(shortened)
    }

    @Test("the signature of another certificate put into this one")
    func swappedSignature() throws {
        let first = try fixture.genuine()
        let second = try fixture.genuine(.qualified, name: "Anna Schmidt")
        var bytes = first.pdf
        let target = Forgery.contents(bytes)
        let source = Forgery.contents(second.pdf)
        #expect(target.count == source.count)
        bytes.replaceSubrange(target, with: second.pdf[source])
        let reasons = rejection(bytes)
        #expect(reasons.contains { $0.contains("changed after it was signed") }, "\(reasons)")
        try pyHankoSaysChanged(bytes)
    }

    @Test("the whole document re-signed with a self-made key")
    func reSignedWithUnknownKey() throws {
        let stranger = try DevelopmentPKI.create(
            issuerName: "Musterakademie Zertifikatsstelle", organization: "Fälscher")
        let identity = try SigningIdentity(
            keyPEM: Array(stranger.issuerKeyPEM.utf8), chainPEM: Array(stranger.issuerPEM.utf8))
        let forged = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu()
        ).issue(
            fixture.record(.qualified))
        let reasons = rejection(forged.pdf)
        #expect(reasons.contains { $0.contains("not on the trust list") }, "\(reasons)")
    }

    @Test("a certificate signed by the trusted root's other issuer whose certificate has expired")
    func expiredIssuer() throws {
        let expired = try fixture.pki.issueAnotherIssuer(
            issuerName: "Alte Zertifikatsstelle", notBefore: Date(timeIntervalSinceNow: -86400 * 400),
            notAfter: Date(timeIntervalSinceNow: -86400 * 30))
        let identity = try SigningIdentity(
            keyPEM: Array(expired.issuerKeyPEM.utf8), chainPEM: Array(expired.issuerPEM.utf8))
        let certificate = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu()
        )
        .issue(fixture.record(.scored))
        let reasons = rejection(certificate.pdf)
        #expect(reasons.contains { $0.contains("expired") }, "\(reasons)")
    }

    @Test("a revoked certificate, per the issuer's signed status list")
    func revoked() throws {
        let certificate = try fixture.genuine()
        var list = StatusList(issuerThumbprint: fixture.identity.keyThumbprint)
        try list.record(.init(id: certificate.record.id, status: .revoked, date: "2026-12-01", reason: "exam voided"))
        let signed = try list.signed(by: fixture.identity)
        #expect(rejection(certificate.pdf, status: signed) == ["revoked on 2026-12-01: exam voided"])
        // The same list does not affect another certificate, and a tampered list is refused.
        let other = try fixture.genuine(.attendance)
        #expect(fixture.verifier(status: signed).verify(pdf: other.pdf).isValid)
        let parts = signed.split(separator: ".")
        let tampered =
            "\(parts[0]).\(Base64URL.encode(Array("{\"entries\":[],\"issuer\":\"x\",\"updated\":\"y\"}".utf8))).\(parts[2])"
        #expect(!fixture.verifier(status: tampered).verify(pdf: other.pdf).isValid)
    }

    @Test("a QR token with one claim changed")
    func tokenClaimChanged() throws {
        let certificate = try fixture.genuine()
        let forged = try #require(TokenForgery.compact(certificate.verificationURL, tier: 3))
        let reasons = rejection(certificate.pdf, token: forged)
        #expect(reasons.contains { $0.contains("QR token was changed") }, "\(reasons)")
        let alone = fixture.verifier().verify(token: forged)
        #expect(!alone.isValid)
        #expect(alone.failures.contains { $0.detail.contains("QR token was changed") })
        #expect(fixture.verifier().verify(token: certificate.verificationURL).isValid)
        // The token without its link: signed with the id the link names, it cannot be checked alone.
        let bare = fixture.verifier().verify(token: certificate.token)
        #expect(!bare.isValid && bare.claims == nil)
        #expect(
            bare.failures.map(\.detail).contains { $0.contains("does not name its certificate") }, "\(bare.failures)")
        // With its PDF, the document's id is the one it is checked with.
        #expect(fixture.verifier().verify(pdf: certificate.pdf, token: certificate.token).isValid)
    }

    @Test("the token of certificate A presented with PDF B")
    func tokenOfAnotherCertificate() throws {
        let first = try fixture.genuine()
        let second = try fixture.genuine(.attendance, name: "Anna Schmidt")
        let reasons = rejection(second.pdf, token: first.verificationURL)
        #expect(reasons.contains { $0.contains("belongs to another certificate") }, "\(reasons)")
    }

    @Test("truncated, empty, non-PDF, 50 MB and deeply nested files are refused without a crash")
    func brokenFiles() throws {
        let genuine = try fixture.genuine().pdf
        #expect(
            rejection(Array(genuine.prefix(genuine.count / 2))).contains {
                $0.contains("not a readable certificate PDF")
            })
        #expect(rejection([]).contains { $0.contains("the file is empty") })
        #expect(rejection(Array("Hallo, ich bin kein PDF.".utf8)).contains { $0.contains("not a PDF") })
        var huge = Array("%PDF-1.7\n".utf8)
        huge += [UInt8](repeating: 0x20, count: 50_000_000)
        #expect(rejection(huge).contains { $0.contains("at most 10000000 bytes") })
        // A catalog nested 100,000 arrays deep.
        var deep = Array("%PDF-1.7\n".utf8)
        let objectOffset = deep.count
        deep += Array("1 0 obj\n<< /Type /Catalog /Deep ".utf8)
        deep += [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        deep += [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        deep += Array(" >>\nendobj\n".utf8)
        let xref = deep.count
        let offset = String(objectOffset)
        deep += Array(
            "xref\n0 2\n0000000000 65535 f \n\(String(repeating: "0", count: 10 - offset.count))\(offset) 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
                .utf8)
        #expect(rejection(deep).contains { $0.contains("nested more than 32 levels") })
    }

    @Test("random corruption of a genuine certificate never crashes and is never accepted")
    func mutationFuzz() throws {
        let genuine = try fixture.genuine().pdf
        var generator = SeededGenerator(seed: "red-team")
        let verifier = fixture.verifier()
        for round in 0..<60 {
            var bytes = genuine
            for _ in 0..<(1 + generator.uniform(below: 4)) {
                let position = generator.uniform(below: bytes.count)
                switch generator.uniform(below: 3) {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.removeSubrange(position..<min(bytes.count, position + 1 + generator.uniform(below: 64)))
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                }
            }
            if bytes == genuine { continue }
            var work = PDFWork()
            _ = try? SignedDocument.read(bytes, work: &work)
            #expect(work.bytesScanned <= 5 * bytes.count + 65_536 && work.objectsRead <= ObjectTable.maximumObjectsRead)
            let verdict = verifier.verify(pdf: bytes)
            #expect(!verdict.isValid, "mutation \(round) was accepted")
        }
    }
}
