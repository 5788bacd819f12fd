import Certificates
import Foundation
import Testing

@Suite("certificate fonts are taken as bytes")
struct CertificateFontsTests {
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: CertificateFonts.debianDirectory + "/" + name)))
    }

    @Test("a font loaded from bytes shapes like the same font loaded from its file")
    func fontFromBytes() throws {
        let path = CertificateFonts.debianDirectory + "/" + CertificateFonts.sansFileName
        let fromBytes = try Font(bytes: try Self.bytes(CertificateFonts.sansFileName))
        let fromFile = try Font(contentsOf: path)
        #expect(fromBytes.unitsPerEm == fromFile.unitsPerEm)
        #expect(fromBytes.glyphCount == fromFile.glyphCount)
        #expect(fromBytes.shape("Größe Łódź").glyphs == fromFile.shape("Größe Łódź").glyphs)
    }

    @Test("bytes that are no font are an error naming the font")
    func notAFont() {
        #expect {
            try Font(bytes: Array("not a font".utf8), name: "upload.ttf")
        } throws: { error in
            (error as? CertificateError)?.reason == "upload.ttf is not a font HarfBuzz can read (no glyphs)"
        }
        #expect {
            try Font(bytes: [], name: "empty.ttf")
        } throws: { error in
            (error as? CertificateError)?.reason.hasPrefix("empty.ttf") == true
        }
    }

    @Test("an issuer set up from font bytes issues a certificate with both fonts embedded")
    func issuerFromBytes() throws {
        let pki = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: "Muster")
        let identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        let fonts = CertificateFonts(
            serif: try Self.bytes(CertificateFonts.serifFileName), sans: try Self.bytes(CertificateFonts.sansFileName))
        let issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: fonts)
        let record = CertificateRecord(
            id: CertificateID.random(), holder: .init(name: "Anna Schmidt"),
            course: .init(title: "Datenschutz", provider: "Hochschule", start: "2026-09-01", end: "2026-11-30"),
            tier: .attendance, score: nil, issued: "2026-12-04", issuer: issuer.issuerName)
        let pdf = try issuer.issue(record).pdf
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("+DejaVuSerif") && text.contains("+DejaVuSans"))
    }

    @Test("a sans font that is no font stops the issuer, naming it")
    func badIssuerFont() throws {
        let pki = try DevelopmentPKI.create(issuerName: "Zertifikatsstelle", organization: "Muster")
        let identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        let fonts = CertificateFonts(
            serif: try Self.bytes(CertificateFonts.serifFileName), sans: Array("junk".utf8), sansName: "sans.ttf")
        #expect {
            try CertificateIssuer(identity: identity, verificationBase: "https://campus.example.de", fonts: fonts)
        } throws: { error in
            (error as? CertificateError)?.reason == "sans.ttf is not a font HarfBuzz can read (no glyphs)"
        }
    }

    @Test("a folder without the fonts is an error naming the missing file")
    func missingFolder() {
        #expect {
            try CertificateFonts(directory: "/nonexistent-fonts")
        } throws: { error in
            (error as? CertificateError)?.reason
                == "font file /nonexistent-fonts/DejaVuSerif.ttf is missing or unreadable"
        }
    }
}
