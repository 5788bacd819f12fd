import Assessment
import Foundation
import TestSupport
import Testing

@testable import Certificates

/// A development PKI, an issuer and a scratch folder for one test.
struct IssuingFixture {
    let pki: DevelopmentPKI
    let identity: SigningIdentity
    let issuer: CertificateIssuer
    let folder: URL

    init() throws {
        pki = try DevelopmentPKI.create(issuerName: "Musterakademie Zertifikatsstelle", organization: "Musterakademie")
        identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certificates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(pki.rootPEM.utf8).write(to: rootFile)
    }

    var rootFile: URL { folder.appendingPathComponent("root.pem") }

    func write(_ bytes: [UInt8], name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// A fresh NSS database trusting the development root, for pdfsig.
    func nssDatabase() throws -> String {
        let database = folder.appendingPathComponent("nss").path
        try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
        _ = try ExternalTool.run("certutil", ["-N", "-d", "sql:\(database)", "--empty-password"])
        _ = try ExternalTool.run(
            "certutil", ["-A", "-d", "sql:\(database)", "-n", "root", "-t", "CT,C,C", "-i", rootFile.path])
        return "sql:\(database)"
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// One certificate to issue in the cross-checks.
struct Sample: Sendable, CustomTestStringConvertible {
    let name: String
    let tier: Tier
    let language: CertificateRecord.Language
    let birthDate: String?

    var testDescription: String { "\(tier.rawValue), \(language.rawValue), \(name)" }

    func record() -> CertificateRecord {
        CertificateRecord(
            id: CertificateID.random(), holder: .init(name: name, birthDate: birthDate),
            course: .init(
                title: "E-Akte und Schriftgutverwaltung in der Kommunalverwaltung: Grundlagen, Praxis und Recht",
                provider: "Kommunale Verwaltungsakademie Musterland", ects: tier == .qualified ? Rational(5) : nil,
                start: "2026-09-01", end: "2026-11-30"),
            tier: tier,
            score: tier == .attendance ? nil : .init(points: Rational(decimal: "58.5")!, maximum: Rational(74)),
            issued: "2026-12-04", language: language, issuer: "")
    }

    static let all: [Sample] = [
        Sample(name: "Łukasz Żółć", tier: .scored, language: .german, birthDate: "1988-06-02"),
        Sample(name: "Đorđe Petrović", tier: .qualified, language: .english, birthDate: nil),
        Sample(name: "Ayşe Yılmaz", tier: .attendance, language: .german, birthDate: "1979-03-14"),
        Sample(name: "Ελένη Παπαδοπούλου", tier: .attendance, language: .english, birthDate: nil),
        Sample(
            name: "Maximiliane Charlotte Friederike von Hohenzollern-Sigmaringen-Weißenfels", tier: .qualified,
            language: .german, birthDate: "1990-12-24"),
        Sample(name: "Jürgen Weißmüller", tier: .scored, language: .english, birthDate: nil),
    ]
}

private func collapsed(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

@Suite("Certificate PDFs judged by outside tools")
struct CertificatePDFTests {
    @Test(
        "every tier and language, with hard names, passes pdfsig, pyHanko, pdftotext, zbarimg and qpdf",
        arguments: Sample.all)
    func crossCheck(sample: Sample) throws {
        let fixture = try IssuingFixture()
        defer { fixture.cleanUp() }
        let certificate = try fixture.issuer.issue(sample.record())
        let record = certificate.record
        let pdf = try fixture.write(certificate.pdf, name: "certificate.pdf")

        // Signature: poppler (NSS) and pyHanko.
        let pdfsig = try ExternalTool.run("pdfsig", ["-nssdir", try fixture.nssDatabase(), pdf.path])
        #expect(pdfsig.contains("Signature is Valid"), "\(pdfsig)")
        #expect(pdfsig.contains("Certificate is Trusted"), "\(pdfsig)")
        #expect(pdfsig.contains("Total document signed"), "\(pdfsig)")
        #expect(pdfsig.contains("ETSI.CAdES.detached"))
        let pyhanko = try ExternalTool.run(
            "pyhanko", ["sign", "validate", "--trust", fixture.rootFile.path, "--trust-replace", pdf.path])
        #expect(pyhanko.contains("INTACT:TRUSTED,UNTOUCHED"), "\(pyhanko)")

        // Text: exactly what we wrote, umlauts and all.
        let text = collapsed(try ExternalTool.run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"]))
        let words = Wording(language: sample.language)
        #expect(text.contains(sample.name))
        #expect(text.contains(collapsed(record.course.title)))
        #expect(text.contains(words.title(sample.tier)))
        #expect(text.contains(record.id))
        if let score = record.score {
            #expect(text.contains(words.points(score.points, of: score.maximum)))
        }
        if sample.tier == .qualified {
            #expect(text.contains(collapsed(words.proctoring)))
            #expect(text.contains(words.ects(Rational(5))))
        }

        // QR: rendered at 150 dpi, decoded by zbarimg (QR only: its linear-barcode readers can mistake
        // text for a barcode), token verified with the issuer's public key.
        _ = try ExternalTool.run(
            "pdftoppm",
            ["-r", "150", "-png", "-singlefile", pdf.path, fixture.folder.appendingPathComponent("page").path])
        let symbols = try ExternalTool.run(
            "zbarimg",
            [
                "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                fixture.folder.appendingPathComponent("page.png").path,
            ]
        )
        .split(whereSeparator: \.isNewline).map(String.init)
        #expect(symbols.count == 1, "zbarimg found \(symbols.count) symbols: \(symbols)")
        let decoded = symbols.first ?? ""
        #expect(decoded == certificate.verificationURL)
        #expect(decoded.hasPrefix("HTTPS://CAMPUS.EXAMPLE.DE/V/\(record.id)#"))
        #expect(certificate.qrVersion <= CertificateIssuer.largestQRVersion)
        let token = String(decoded.split(separator: "#", maxSplits: 1).last ?? "")
        // The id the QR code's link names, which the token's signature covers.
        let linkID = decoded.split(separator: "#").first?.split(separator: "/").last.map(String.init)
        let key = try #require(ES256PublicKey(certificateDER: fixture.identity.certificateDER))
        let claims = try CompactToken.verify(token, id: linkID, issuerKey: key).get()
        #expect(claims.id == record.id)
        #expect(CompactToken.stands(for: sample.name, shown: claims.name), "\(claims.name)")
        #expect(claims.hash == Base64URL.encode(Array(Digest.sha256(record.canonicalJSON).prefix(16))))
        #expect(claims.kid == Base64URL.encode(Array(Digest.sha256(fixture.identity.certificateDER).prefix(8))))

        // Structure and the embedded record.
        let check = try ExternalTool.run("qpdf", ["--check", pdf.path])
        #expect(check.contains("No syntax or stream encoding errors found"), "\(check)")
        let attachment = try ExternalTool.run("qpdf", ["--show-attachment=certificate.json", pdf.path])
        #expect(Array(attachment.utf8) == record.canonicalJSON)
    }

    @Test("a name that does not fit is shrunk onto the page, never clipped")
    func longNameFits() throws {
        let fixture = try IssuingFixture()
        defer { fixture.cleanUp() }
        let name = String(repeating: "Weißenfels-", count: 12) + "Ende"  // 136 characters
        var record = Sample.all[0].record()
        record.holder.name = name
        let certificate = try fixture.issuer.issue(record)
        let pdf = try fixture.write(certificate.pdf, name: "long.pdf")
        // -bbox lists every word with its box: all must lie inside the A4 page.
        let boxes = try ExternalTool.run("pdftotext", ["-bbox", pdf.path, "-"])
        let xMaxValues = boxes.matches(of: /xMax="([0-9.]+)"/).compactMap { Double($0.1) }
        let xMinValues = boxes.matches(of: /xMin="([0-9.]+)"/).compactMap { Double($0.1) }
        #expect(!xMaxValues.isEmpty)
        #expect(xMaxValues.allSatisfy { $0 <= CertificateLayout.pageWidth - 30 })
        #expect(xMinValues.allSatisfy { $0 >= 30 })
        #expect(
            collapsed(try ExternalTool.run("pdftotext", [pdf.path, "-"])).replacingOccurrences(of: " ", with: "")
                .contains(name))
    }

    @Test("issuing refuses an invalid record with the field at fault")
    func invalidRecord() throws {
        let fixture = try IssuingFixture()
        defer { fixture.cleanUp() }
        var record = Sample.all[0].record()
        record.score = nil
        #expect { try fixture.issuer.issue(record) } throws: { error in
            (error as? CertificateError)?.reason.hasPrefix("score:") == true
        }
        record = Sample.all[2].record()
        record.id = "KC-OOOOOOOOOOOO"
        #expect(throws: CertificateError.self) { try fixture.issuer.issue(record) }
    }
}
