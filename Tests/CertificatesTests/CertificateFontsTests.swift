import Certificates
import TestSupport
import Testing

@Suite("certificate fonts are taken as bytes")
struct CertificateFontsTests {
    @Test("font bytes over the size limit are refused, naming the font")
    func tooLarge() {
        #expect {
            try Font(bytes: [UInt8](repeating: 0, count: Font.maximumSize + 1), name: "huge.ttf")
        } throws: { error in
            (error as? CertificateError)?.reason
                == "huge.ttf is larger than \(Font.maximumSize) bytes; give a single font file"
        }
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
        let fonts = CertificateFonts(serif: try DejaVuFontFiles.serif(), sans: try DejaVuFontFiles.sans())
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
            serif: try DejaVuFontFiles.serif(), sans: Array("junk".utf8), sansName: "sans.ttf")
        #expect {
            try CertificateIssuer(identity: identity, verificationBase: "https://campus.example.de", fonts: fonts)
        } throws: { error in
            (error as? CertificateError)?.reason == "sans.ttf is not a font HarfBuzz can read (no glyphs)"
        }
    }

}
