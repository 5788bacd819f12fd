import Assessment
import Foundation
import TestSupport
import Testing

@testable import Certificates

@Suite("Certificate wording and verification base")
struct CertificateWordingTests {
    /// A qualified record in `language` whose course runs over dates with spaces in English.
    private func record(_ language: CertificateRecord.Language) -> CertificateRecord {
        CertificateRecord(
            id: CertificateID.random(), holder: .init(name: "Anna Schmidt"),
            course: .init(
                title: "Datenschutz in der Kommunalverwaltung", provider: "Hochschule für öffentliche Verwaltung",
                ects: Rational(5), start: "2026-09-01", end: "2026-11-30"),
            tier: .qualified, score: .init(points: Rational(60), maximum: Rational(74)), issued: "2026-12-01",
            language: language, issuer: "")
    }

    /// pdftotext's lines of the issued certificate, no-break spaces shown as plain spaces.
    private func pdfLines(_ record: CertificateRecord, fixture: IssuingFixture) throws -> [String] {
        let certificate = try fixture.issuer.issue(record)
        let pdf = try fixture.write(certificate.pdf, name: "wording-\(record.language.rawValue).pdf")
        let text = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        return text.replacingOccurrences(of: "\u{00A0}", with: " ").split(whereSeparator: \.isNewline).map {
            $0.split(separator: " ").joined(separator: " ")
        }
    }

    @Test("a qualified certificate says the learner earned the ECTS credits, in German and English")
    func earnedCredits() throws {
        let fixture = try IssuingFixture()
        defer { fixture.cleanUp() }
        let german = try pdfLines(record(.german), fixture: fixture).joined(separator: " ")
        #expect(german.contains("hat 5 ECTS-Leistungspunkte erworben"), "\(german)")
        #expect(!german.contains("zugeordnet"))
        let english = try pdfLines(record(.english), fixture: fixture).joined(separator: " ")
        #expect(english.contains("has earned 5 ECTS credits"), "\(english)")
        #expect(!english.contains("carries"))
    }

    @Test("each date of the course period stays on one line of the printed certificate")
    func datesNeverBreak() throws {
        let fixture = try IssuingFixture()
        defer { fixture.cleanUp() }
        let lines = try pdfLines(record(.english), fixture: fixture)
        // The period sentence needs two lines, so a break lies somewhere inside it.
        let periodLines = lines.filter {
            $0.contains("September") || $0.contains("November") || $0.contains("successfully")
        }
        #expect(periodLines.count >= 2, "\(lines)")
        #expect(lines.contains { $0.contains("1 September 2026") }, "\(lines)")
        #expect(lines.contains { $0.contains("30 November 2026") }, "\(lines)")
        let german = try pdfLines(record(.german), fixture: fixture)
        #expect(german.contains { $0.contains("01.09.2026") } && german.contains { $0.contains("30.11.2026") })
    }

    @Test("the period wording joins the parts of each date with no-break spaces")
    func noBreakSpaces() {
        let period = Wording(language: .english).period(start: "2026-09-01", end: "2026-11-30", tier: .scored)
        #expect(period.contains("1\u{00A0}September\u{00A0}2026"))
        #expect(period.contains("30\u{00A0}November\u{00A0}2026"))
    }

    @Test(
        "a verification base must be an https URL; http only when allowed",
        arguments: [
            ("https://campus.example.de/", false, "https://campus.example.de"),
            ("https://campus.example.de/pruefen", false, "https://campus.example.de/pruefen"),
            ("http://localhost:8080", true, "http://localhost:8080"),
        ])
    func acceptedBases(base: String, insecure: Bool, expected: String) throws {
        #expect(try CertificateIssuer.checkedBase(base, allowInsecure: insecure) == expected)
    }

    @Test(
        "a base that is not https, not a URL or carries a query is refused with a reason",
        arguments: [
            ("http://localhost:8080", "--allow-insecure-base"), ("ftp://campus.example.de", "https://"),
            ("campus.example.de", "not a URL"), ("https://campus.example.de/?x=1", "not a URL"),
            ("https://", "not a URL"), ("https://campus example.de", "not a URL"),
        ])
    func refusedBases(base: String, hint: String) {
        #expect {
            try CertificateIssuer.checkedBase(base, allowInsecure: false)
        } throws: { error in
            (error as? CertificateError)?.reason.contains(hint) == true
        }
    }
}
