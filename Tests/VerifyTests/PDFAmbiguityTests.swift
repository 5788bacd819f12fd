import Foundation
import TestSupport
import Testing

@testable import Verify

extension Forgery {
    /// Inserts `text` at `index` and repairs what a PDF editor would: the cross-reference offsets,
    /// `startxref` and the `/ByteRange`, so that the reader gets as far as the changed structure.
    static func insert(_ text: String, at index: Int, into original: [UInt8]) -> [UInt8] {
        let inserted = Array(text.utf8)
        var bytes = original
        bytes.insert(contentsOf: inserted, at: index)
        let oldXRef = original.startXRef
        let xref = oldXRef >= index ? oldXRef + inserted.count : oldXRef
        // Entries are "oooooooooo ggggg n \n": shift offsets at or after the insertion.
        var line = xref + 5
        while let end = bytes[line...].firstIndex(of: 0x0A), !bytes[line..<end].starts(with: Array("trailer".utf8)) {
            let fields = String(decoding: bytes[line..<end], as: UTF8.self).split(separator: " ")
            if fields.count >= 3, fields[0].count == 10, let offset = Int(fields[0]), offset >= index, fields[2] == "n"
            {
                let digits = String(offset + inserted.count)
                bytes.replaceSubrange(
                    line..<(line + 10), with: Array((String(repeating: "0", count: 10 - digits.count) + digits).utf8))
            }
            line = end + 1
        }
        let marker = bytes.lastRange(of: "startxref\n")!
        let digitsEnd = bytes[marker.upperBound...].firstIndex(of: 0x0A)!
        bytes.replaceSubrange(marker.upperBound..<digitsEnd, with: Array(String(xref).utf8))
        let contents = Forgery.contents(bytes)
        let (first, second) = (contents.lowerBound - 1, contents.upperBound + 1)
        return rewriteByteRange(bytes) { _ in [0, first, second, bytes.count - second] }
    }
}

@Suite("Ambiguity is rejection: structures readers may understand differently are refused")
struct PDFAmbiguityTests {
    let fixture: RedTeamFixture

    init() throws {
        fixture = try RedTeamFixture()
    }

    /// The failed `file` check must say the structure is ambiguous and contain `reason`.
    private func expectAmbiguous(_ bytes: [UInt8], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let verdict = fixture.verifier().verify(pdf: bytes)
        #expect(!verdict.isValid, sourceLocation: sourceLocation)
        let detail = verdict.failures.first?.detail ?? ""
        #expect(verdict.failures.first?.name == .file, sourceLocation: sourceLocation)
        #expect(detail.hasPrefix("ambiguous structure: "), "\(detail)", sourceLocation: sourceLocation)
        #expect(detail.contains(reason), "\(detail)", sourceLocation: sourceLocation)
    }

    /// `bytes` with the same-length text `replacement` in place of the first `original` after `from`.
    private func replace(_ original: String, with replacement: String, in bytes: [UInt8], from: Int = 0) -> [UInt8] {
        precondition(original.utf8.count == replacement.utf8.count)
        var bytes = bytes
        bytes.replaceSubrange(bytes.range(of: original, from: from)!, with: Array(replacement.utf8))
        return bytes
    }

    @Test("a key twice in the signature dictionary or the catalog")
    func duplicateKeys() throws {
        let genuine = try fixture.genuine().pdf
        // Same length: offsets stay valid; the signature dictionary gets a second /Type.
        expectAmbiguous(
            replace("/Filter /Adobe.PPKLite", with: "/Type /Sig            ", in: genuine),
            "the key /Type appears twice in one dictionary")
        // Spelled with a #-escape, the key is the same key.
        expectAmbiguous(
            replace("/Filter /Adobe.PPKLite", with: "/T#79pe /Sig          ", in: genuine),
            "the key /Type appears twice in one dictionary")
        let catalog = genuine.range(of: "/Type /Catalog")!
        expectAmbiguous(
            Forgery.insert(" /Names << >>", at: catalog.upperBound, into: genuine),
            "the key /Names appears twice in one dictionary")
    }

    @Test("an object number defined twice in the cross-reference table")
    func objectDefinedTwice() throws {
        let genuine = try fixture.genuine().pdf
        let trailer = genuine.lastRange(of: "trailer\n")!
        let first = genuine.range(of: "1 0 obj")!.lowerBound
        let digits = String(first)
        let section = "1 1\n" + String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        expectAmbiguous(
            Forgery.insert(section, at: trailer.lowerBound, into: genuine),
            "the cross-reference table defines object 1 twice")
    }

    @Test("certificate.json named twice in the embedded files, also once as a UTF-16 text string")
    func twoRecords() throws {
        let genuine = try fixture.genuine().pdf
        let entry = genuine.range(of: "(certificate.json) ")!
        let reference = genuine[entry.upperBound...].prefix { $0 != UInt8(ascii: "]") }
        let text = String(decoding: reference, as: UTF8.self)
        expectAmbiguous(
            Forgery.insert("(certificate.json) \(text) ", at: entry.lowerBound, into: genuine),
            "the embedded files name certificate.json twice")
        let utf16 = "<FEFF" + "certificate.json".utf16.map { String(format: "%04X", $0) }.joined() + ">"
        expectAmbiguous(
            Forgery.insert("\(utf16) \(text) ", at: entry.lowerBound, into: genuine),
            "the embedded files name certificate.json twice")
    }

    @Test("/F and /UF of the file specification pointing at different streams")
    func fileAndUnicodeFileDiffer() throws {
        let genuine = try fixture.genuine().pdf
        let embedded = genuine.range(of: "/EF << /F ")!
        let number = genuine[embedded.upperBound...].prefix { $0 != 0x20 }
        let text = String(decoding: number, as: UTF8.self)
        let other = String(Int(text)! + 1)
        #expect(other.count == text.count)
        expectAmbiguous(
            replace("/UF \(text) 0 R", with: "/UF \(other) 0 R", in: genuine, from: embedded.lowerBound),
            "points /F and /UF at different streams")
    }

    @Test("our signer writes /Contents in upper-case hex without white space, and genuine certificates pass")
    func signerWritesStrictHex() throws {
        let certificate = try fixture.genuine()
        let hex = certificate.pdf[Forgery.contents(certificate.pdf)]
        #expect(hex.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) })
        #expect(fixture.verifier().verify(pdf: certificate.pdf).isValid)
    }

    @Test("lower-case hex digits or white space inside /Contents, which pdfsig reads differently")
    func contentsSpelling() throws {
        let genuine = try fixture.genuine().pdf
        let contents = Forgery.contents(genuine)
        // The CMS decodes to the same bytes, so the signature still matches: only the spelling differs.
        var lower = genuine
        let letter = lower[contents].firstIndex { (0x41...0x46).contains($0) }!
        lower[letter] += 0x20
        expectAmbiguous(lower, "holds the character \(lower[letter]) at byte \(letter)")
        var spaced = genuine
        spaced[contents.upperBound - 1] = 0x20
        expectAmbiguous(spaced, "holds white space at byte \(contents.upperBound - 1)")
        var newline = genuine
        newline[contents.upperBound - 2] = 0x0A
        expectAmbiguous(newline, "holds white space")
        let (pdfsig, _) = try fixture.judges(lower)
        #expect(pdfsig.contains("Signature is Valid"), "\(pdfsig)")
    }

    @Test("a certificate rewritten by qpdf with object streams was rewritten after signing")
    func objectStreams() throws {
        let genuine = try fixture.genuine().pdf
        let input = fixture.folder.appendingPathComponent("genuine.pdf")
        let output = fixture.folder.appendingPathComponent("rewritten.pdf")
        try Data(genuine).write(to: input)
        try ExternalTool.run("qpdf", ["--object-streams=generate", input.path, output.path])
        let rewritten = try [UInt8](Data(contentsOf: output))
        let verdict = fixture.verifier().verify(pdf: rewritten)
        #expect(!verdict.isValid)
        let detail = verdict.failures.first?.detail ?? ""
        #expect(detail.contains("rewritten after signing"), "\(detail)")
        #expect(!detail.contains("not a readable certificate PDF"), "\(detail)")
        // The same for a hybrid file whose trailer points at a cross-reference stream.
        let trailer = genuine.lastRange(of: "trailer\n<<")!
        let hybrid = Forgery.insert(" /XRefStm 0", at: trailer.upperBound, into: genuine)
        #expect(
            fixture.verifier().verify(pdf: hybrid).failures.first?.detail.contains("rewritten after signing") == true)
    }
}
