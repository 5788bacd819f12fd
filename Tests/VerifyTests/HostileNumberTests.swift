import CampusCrypto
import Foundation
import Testing

@testable import Verify

/// Small PDFs written by hand, with any number in any place.
enum SyntheticPDF {
    /// A file of `objects` (number, body) with a cross-reference table; `entries` replaces the table's
    /// sections, `startxref` the offset after `startxref`.
    /// `generations` replaces the generation written in an object's header.
    static func make(
        _ objects: [(Int, String)], entries: String? = nil, startxref: String? = nil, generations: [Int: String] = [:]
    ) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n".utf8)
        var offsets: [Int: Int] = [:]
        for (number, body) in objects {
            offsets[number] = bytes.count
            bytes += Array("\(number) \(generations[number] ?? "0") obj\n\(body)\nendobj\n".utf8)
        }
        let count = (offsets.keys.max() ?? 0) + 1
        var table = "0 \(count)\n"
        for number in 0..<count {
            let offset = offsets[number].map { String($0) }
            table +=
                offset.map { String(repeating: "0", count: 10 - $0.count) + $0 + " 00000 n \n" }
                ?? "0000000000 65535 f \n"
        }
        let xref = bytes.count
        bytes += Array(
            "xref\n\(entries ?? table)trailer\n<< /Size \(count) /Root 1 0 R >>\nstartxref\n\(startxref ?? String(xref))\n%%EOF\n"
                .utf8)
        return bytes
    }

    /// A catalog, a form with one signature field (object 3) and its signature dictionary (object 4).
    static func signed(
        _ signature: String, field: String = "<< /FT /Sig /V 4 0 R >>", generations: [Int: String] = [:]
    ) -> [UInt8] {
        make(
            [(1, "<< /Type /Catalog /AcroForm 2 0 R >>"), (2, "<< /Fields [3 0 R] >>"), (3, field), (4, signature)],
            generations: generations)
    }
}

@Suite("Hostile numbers: any number anywhere is range-checked, never a trap")
struct HostileNumberTests {
    let verifier: CertificateVerifier

    init() throws {
        verifier = try RedTeamFixture().verifier()
    }

    /// The `file` check's detail: the file must be refused as unreadable.
    private func unreadable(_ bytes: [UInt8]) -> String {
        let verdict = verifier.verify(pdf: bytes)
        #expect(!verdict.isValid)
        let file = verdict.checks.first { $0.name == .file }
        #expect(file?.passed == false, "\(verdict.checks)")
        #expect(file?.detail.hasPrefix("not a readable certificate PDF: ") == true, "\(verdict.checks)")
        return file?.detail ?? ""
    }

    @Test("the 204-byte PDF with a stream /Length of 2^63-1 is unreadable, not a trap")
    func hugeStreamLength() {
        let bytes = HostileInputs.hugeStreamLength()
        #expect(bytes.count < 400)
        #expect(unreadable(bytes).contains("the number 9223372036854775807 at byte 156 is out of range"))
        for length in ["-1", "-9223372036854775808", "999999999999999999", "4611686018427387904", "3"] {
            let document = SyntheticPDF.signed("<< /Length \(length) >>\nstream\nx\nendstream")
            let detail = unreadable(document)
            #expect(
                detail.contains("stream 4 has a missing or impossible /Length") || detail.contains("out of range")
                    || detail.contains("expected 'endstream'"), "\(length): \(detail)")
        }
    }

    @Test("integers beyond 18 digits, exponents and hex spellings are refused wherever they appear")
    func outOfRangeTokens() {
        for number in ["9223372036854775808", "-9223372036854775809", "1234567890123456789012", "1e400", "0x7F"] {
            let document = SyntheticPDF.signed("<< /Type /Sig /Rect [0 0 \(number) 1] >>")
            let detail = unreadable(document)
            #expect(detail.contains("out of range") || detail.contains("unexpected token"), "\(number): \(detail)")
        }
    }

    @Test("/ByteRange values that are huge, negative or overflow when added are unreadable")
    func byteRange() {
        let ranges = [
            "[0 999999999999999999 999999999999999999 999999999999999999]", "[0 -5 10 20]",
            "[0 10 -999999999999999999 999999999999999999]", "[-1 10 20 30]", "[0 10 20 100000000]",
        ]
        for range in ranges {
            let document = SyntheticPDF.signed(
                "<< /SubFilter /ETSI.CAdES.detached /ByteRange \(range) /Contents <00> >>")
            #expect(unreadable(document).contains("lies outside the file"), "\(range)")
        }
        // Beyond 18 digits the number itself is out of range.
        let huge = "[0 9223372036854775807 -9223372036854775808 9223372036854775807]"
        let document = SyntheticPDF.signed("<< /SubFilter /ETSI.CAdES.detached /ByteRange \(huge) /Contents <00> >>")
        #expect(unreadable(document).contains("the number 9223372036854775807 at byte"))
    }

    @Test("references to huge, negative or out-of-range object and generation numbers are unreadable")
    func references() {
        for reference in ["99999999999 0 R", "4 99999 R", "4 9223372036854775807 R", "-4 0 R"] {
            let detail = unreadable(SyntheticPDF.signed("<< /Type /Sig >>", field: "<< /FT /Sig /V \(reference) >>"))
            #expect(
                detail.contains("out of range") || detail.contains("object numbers lie in")
                    || detail.contains("generation number"), "\(reference): \(detail)")
        }
        // A generation the table does not list is not the object.
        let detail = unreadable(SyntheticPDF.signed("<< /Type /Sig >>", field: "<< /FT /Sig /V 4 7 R >>"))
        #expect(detail.contains("object 4 7 is not in the file"))
    }

    @Test("cross-reference offsets, counts, generations and startxref out of range are unreadable")
    func crossReference() {
        let objects: [(Int, String)] = [(1, "<< /Type /Catalog >>")]
        let cases: [(entries: String?, startxref: String?, expected: String)] = [
            (nil, "9223372036854775807", "more than 18 digits"),
            (nil, "999999999999999999", "the cross-reference offset"),
            (nil, "0", "the cross-reference offset"),
            ("0 9223372036854775807\n", nil, "more than 18 digits"),
            ("0 999999999999999999\n", nil, "the object count"),
            ("999999999999999999 1\n", nil, "the first object number"),
            ("0 2\n0000000000 65535 f \n999999999999999999 00000 n \n", nil, "the offset of object 1"),
            ("0 2\n0000000000 65535 f \n0000000009 99999 n \n", nil, "the generation of object 1"),
            ("0 2\n0000000000 65535 f \n0000000009 9223372036854775807 n \n", nil, "more than 18 digits"),
            ("0 1\n0000000000 65535 f \n5000 10000\n", nil, "the object count"),
        ]
        for test in cases {
            let detail = unreadable(SyntheticPDF.make(objects, entries: test.entries, startxref: test.startxref))
            #expect(detail.contains(test.expected), "\(test): \(detail)")
        }
    }

    @Test("an object whose header has a huge generation is not the object the table names")
    func objectHeader() {
        let huge = SyntheticPDF.signed("<< /Type /Sig >>", generations: [4: "99999999999999999999"])
        #expect(unreadable(huge).contains("more than 18 digits"))
        let outOfRange = SyntheticPDF.signed("<< /Type /Sig >>", generations: [4: "65536"])
        #expect(unreadable(outOfRange).contains("the generation of object 4"))
        let other = SyntheticPDF.signed("<< /Type /Sig >>", generations: [4: "1"])
        #expect(unreadable(other).contains("object 4 is not where the cross-reference table says"))
    }

    @Test("DER lengths that claim more than the signature value holds, even 2^63, are not a CMS")
    func derLengths() {
        let claims: [[UInt8]] = [
            [0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x00],
            [0x30, 0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00],
            [0x30, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00],
            [0x30, 0x8F] + [UInt8](repeating: 0xFF, count: 15),
            [0x30, 0x05, 0x00],
        ]
        for claim in claims {
            #expect(DERLength.of(claim) == nil, "\(claim)")
            #expect(CertificateVerifier.trimmedDER(claim) == nil)
        }
        #expect(DERLength.of([0x30, 0x01, 0x00, 0x00]) == 3)
    }
}
