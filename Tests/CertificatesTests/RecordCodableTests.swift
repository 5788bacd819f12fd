import Assessment
import Certificates
import Foundation
import Testing

@Suite("Certificate records in their stored form")
struct RecordCodableTests {
    static let qualified = CertificateRecord(
        id: "KC-7Q2M9X4D1HBW", holder: .init(name: "Łukasz Żółć", birthDate: "1988-06-02"),
        course: .init(
            title: "Datenschutz in der Kommunalverwaltung", provider: "HföV Musterstadt", ects: Rational(5),
            start: "2026-09-01", end: "2026-11-30"),
        tier: .qualified, score: .init(points: Rational(117, 2), maximum: Rational(74)), issued: "2026-12-01",
        language: .german, issuer: "Musterakademie")

    @Test("a record comes back equal, with exact numbers written as strings")
    func roundTrip() throws {
        let attendance = CertificateRecord(
            id: "KC-3F8K2M7Q9XPA", holder: .init(name: "Jürgen Weißmüller"),
            course: .init(title: "E-Akte", provider: "IHK", start: "2026-09-01", end: "2026-10-01"),
            tier: .attendance, score: nil, issued: "2026-12-01", language: .english, issuer: "IHK")
        for record in [Self.qualified, attendance] {
            let data = try JSONEncoder().encode(record)
            #expect(try JSONDecoder().decode(CertificateRecord.self, from: data) == record)
        }
        let text = String(decoding: try JSONEncoder().encode(Self.qualified), as: UTF8.self)
        #expect(text.contains(#""points":"58.5""#) && text.contains(#""max":"74""#), "\(text)")
        #expect(text.contains(#""ects":"5""#))
    }

    @Test(
        "a stored record that breaks the rules or holds a floating-point number is refused",
        arguments: [
            (#""tier":"qualified""#, #""tier":"platinum""#),
            (#""points":"58.5""#, #""points":58.5"#),
            (#""id":"KC-7Q2M9X4D1HBW""#, #""id":"KC-ILOU""#),
            (#""issued":"2026-12-01""#, #""issued":"2026-02-30""#),
            (#""name":"Łukasz Żółć""#, #""name":"\u202Eevil""#),
        ])
    func refused(original: String, replacement: String) throws {
        let text = String(decoding: try JSONEncoder().encode(Self.qualified), as: UTF8.self)
        #expect(text.contains(original))
        let broken = text.replacingOccurrences(of: original, with: replacement)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CertificateRecord.self, from: Data(broken.utf8))
        }
    }
}
