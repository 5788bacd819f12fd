import Assessment
import Foundation
import TestSupport
import Testing

@testable import Certificates

/// What issuing prepares once and reuses: the base font subsets (ligatures included), the start of every file
/// and its hash, and the token's small-window zlib.
@Suite("Issuing reuses what certificates share")
struct IssuingReuseTests {
    /// A record whose course texts the shaper sets with the ff, fi and fl ligatures.
    static func ligatureRecord(name: String) -> CertificateRecord {
        CertificateRecord(
            id: CertificateID.random(), holder: .init(name: name, birthDate: nil),
            course: .init(
                title: "Pflichtschulung Qualifizierung: öffentliche Auffrischung",
                provider: "Hochschule für öffentliche Verwaltung", ects: nil, start: "2026-09-01", end: "2026-11-30"),
            tier: .scored, score: .init(points: Rational(30), maximum: Rational(40)), issued: "2026-12-04",
            language: .german, issuer: "")
    }

    /// The stream data of every `/FontFile2` object of `pdf` (the streams with a `/Length1`), in file order.
    static func fontPrograms(_ pdf: [UInt8]) -> [[UInt8]] {
        /// The index of the first `needle` in `pdf` at or after `from`.
        func find(_ needle: String, from: Int) -> Int? {
            let pattern = Array(needle.utf8)
            guard pdf.count >= pattern.count, from <= pdf.count - pattern.count else { return nil }
            return (from...(pdf.count - pattern.count)).first { pdf[$0..<($0 + pattern.count)].elementsEqual(pattern) }
        }
        var programs: [[UInt8]] = []
        var position = 0
        while let marker = find("/Length1 ", from: position), let start = find("stream\n", from: marker),
            let end = find("\nendstream", from: start + 7)
        {
            programs.append(Array(pdf[(start + 7)..<end]))
            position = end
        }
        return programs
    }

    @Test("texts with ligatures use the base subsets: two learners' files start with the same font programs")
    func ligaturesStayInTheBaseSubsets() throws {
        let fixture = try IssuingFixture()
        defer { fixture.cleanUp() }
        let first = try fixture.issuer.issue(Self.ligatureRecord(name: "Anna Schmidt"))
        let second = try fixture.issuer.issue(Self.ligatureRecord(name: "Jürgen Weißmüller"))
        let plain = try fixture.issuer.issue(
            CertificateRecord(
                id: CertificateID.random(), holder: .init(name: "Ana Lu", birthDate: nil),
                course: .init(
                    title: "Datenschutz", provider: "Kommunale Akademie", ects: nil, start: "2026-09-01",
                    end: "2026-11-30"),
                tier: .attendance, score: nil, issued: "2026-12-04", language: .english, issuer: ""))

        let programs = Self.fontPrograms(first.pdf)
        #expect(programs.count == 2)
        #expect(Self.fontPrograms(second.pdf) == programs)
        // A certificate without any ligature gets the very same programs: the ligatures are in the base subsets.
        #expect(Self.fontPrograms(plain.pdf) == programs)
        let shared = zip(first.pdf, second.pdf).prefix { $0 == $1 }.count
        #expect(shared > programs.reduce(0) { $0 + $1.count })

        // The ligatures still read back as letters (ToUnicode), and both signatures hold.
        let pdf = try fixture.write(second.pdf, name: "ligatures.pdf")
        let text = try ExternalTool.run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        #expect(text.contains("Pflichtschulung Qualifizierung: öffentliche Auffrischung"), "\(text)")
        #expect(text.contains("Hochschule für öffentliche Verwaltung"), "\(text)")
        let database = try fixture.nssDatabase()
        for (index, certificate) in [first, second].enumerated() {
            let file = try fixture.write(certificate.pdf, name: "signed-\(index).pdf")
            let pdfsig = try ExternalTool.run("pdfsig", ["-nssdir", database, file.path])
            #expect(pdfsig.contains("Signature is Valid"), "\(pdfsig)")
            #expect(pdfsig.contains("Total document signed"), "\(pdfsig)")
        }
    }

    @Test(
        "the token's small-window zlib gives the bytes zlib's defaults give, and they inflate back",
        arguments: [0, 1, 90, 250, 262, 263, 700, 1500, 2048])
    func shortCompression(size: Int) throws {
        // Text with repeats (names, titles) and noise (signatures, hashes), as a token has.
        var bytes: [UInt8] = []
        var state: UInt32 = 2_463_534_242
        while bytes.count < size {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            if state % 3 == 0 {
                bytes += Array("Datenschutz in der Kommunalverwaltung ".utf8)
            } else {
                bytes.append(UInt8(truncatingIfNeeded: state))
            }
        }
        bytes = Array(bytes.prefix(size))
        let short = Deflate.compressShort(bytes, level: 9)
        #expect(Deflate.decompress(short, limit: 4096) == bytes)
        // Apart from the header's window size (and so its check bits), the stream is the one the full window makes.
        let full = Deflate.compress(bytes, level: 9)
        #expect(short.count == full.count)
        #expect(short.dropFirst(2).dropLast(4).elementsEqual(full.dropFirst(2).dropLast(4)))
        #expect(short.suffix(4).elementsEqual(full.suffix(4)))
    }
}
