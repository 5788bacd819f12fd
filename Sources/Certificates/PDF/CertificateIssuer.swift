import Assessment
import Foundation
import Synchronization
internal import CampusCrypto

/// A signed certificate: the PDF bytes and what its QR code holds.
public struct IssuedCertificate: Sendable {
    /// The record the PDF states and embeds.
    public let record: CertificateRecord
    /// The signed PDF.
    public let pdf: [UInt8]
    /// The compact signed token (``CompactToken``: COSE_Sign1 in Base45).
    public let token: String
    /// The URL in the QR code, `BASE/V/ID#TOKEN` (scheme and host upper case, the token escaped).
    public let verificationURL: String
    /// The QR code's version (1–40): its size is 17 + 4 × version modules.
    public let qrVersion: Int
}

/// Turns certificate records into signed PDF certificates with QR codes.
///
/// Create one per process and reuse it: fonts, their base subsets and the shaped static texts are
/// prepared once; every certificate is still laid out, encoded and signed on its own.
public final class CertificateIssuer: Sendable {
    /// Longest verification base accepted, in characters (the QR code holds it with the token).
    public static let maximumBaseLength = 200

    /// The largest QR version certificates aim for (65 × 65 modules at level M): it still decodes from a page
    /// rendered at 50 dpi.
    public static let largestQRVersion = 12
    /// The UTF-8 bytes the token's holder name and course title may take together, tried in turn while the QR
    /// code is larger than ``largestQRVersion``.
    static let tokenTextBudgets = [96, 80, 64, 56, 48, 40]

    /// Whether `url` fits a version-12 symbol at level M when written as alphanumeric, then `#` in byte mode, then
    /// alphanumeric (290 data codewords; count fields of versions 10–26); `nil` when it is not of that form.
    /// libqrencode may segment differently, so the symbol itself has the last word.
    static func fitsLargestQRVersion(_ url: String) -> Bool? {
        let bytes = Array(url.utf8)
        guard let hash = bytes.firstIndex(of: UInt8(ascii: "#")),
            bytes.indices.allSatisfy({ $0 == hash || (bytes[$0] < 128 && alphanumeric[Int(bytes[$0])]) })
        else { return nil }
        func alphanumericBits(_ count: Int) -> Int { 4 + 11 + 11 * (count / 2) + 6 * (count % 2) }
        let bits = alphanumericBits(hash) + (4 + 16 + 8) + alphanumericBits(bytes.count - hash - 1)
        return bits <= 290 * 8
    }

    /// The QR code's alphanumeric characters: `alphanumeric[byte]` for ASCII bytes.
    static let alphanumeric: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for byte in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Bytes reserved for the CMS signature (hex doubles it in the file).
    static let signatureCapacity = 8192

    private let identity: SigningIdentity
    private let verificationBase: String
    private let layout: CertificateLayout
    /// The start of the file of every certificate whose text both fonts' base subsets cover.
    private let basePrefix: FilePrefix
    /// File starts for other pairs of programs, by their subset tags (at most ``otherPrefixLimit``).
    private let otherPrefixes = Mutex<[String: FilePrefix]>([:])
    private static let otherPrefixLimit = 32

    /// The start of a certificate's file that depends on its font programs alone — the header, then the programs'
    /// stream objects, and for the base subsets the fonts' other objects too — with the SHA-256 state after it: made
    /// once, so that the largest part of most files is neither written out nor hashed again for the signature.
    private struct FilePrefix: Sendable {
        let bytes: [UInt8]
        let offsets: [Int: Int]
        /// Has hashed `bytes`; only ever copied, never updated (``SHA256Hasher/copy()``).
        let hasher: SHA256Hasher
        /// Whether the fonts' dictionaries, widths and `/ToUnicode` maps are in it (for every glyph of the base
        /// subsets), so that a certificate writes none of them.
        let holdsFontObjects: Bool

        /// The programs only (a certificate writes the rest for the glyphs it uses).
        init(programs: [EmbeddedFont.FontProgram]) {
            var file = PDFBuffer(capacity: programs.reduce(1024) { $0 + $1.compressed.count + 128 })
            file.append("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n")
            for (index, program) in programs.enumerated() {
                file.stream(
                    Object.firstFont + index * 5 + 3, dictionary: "/Filter /FlateDecode /Length1 \(program.length)",
                    data: program.compressed)
            }
            self.init(file, holdsFontObjects: false)
        }

        /// Every object of `fonts` set in their base subsets: the programs, and the dictionaries, widths and
        /// `/ToUnicode` maps of all their glyphs.
        init(baseSubsetsOf fonts: [EmbeddedFont]) throws(CertificateError) {
            var file = PDFBuffer(capacity: 160 * 1024)
            file.append("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n")
            for (index, font) in fonts.enumerated() {
                let program = try font.program(covering: [])
                let first = Object.firstFont + index * 5
                file.stream(
                    first + 3, dictionary: "/Filter /FlateDecode /Length1 \(program.length)", data: program.compressed)
                CertificateIssuer.writeFont(
                    font, program: program, glyphs: program.glyphs.sorted(), usage: font.baseUsage, first: first,
                    compressed: true, into: &file)
            }
            self.init(file, holdsFontObjects: true)
        }

        private init(_ file: PDFBuffer, holdsFontObjects: Bool) {
            bytes = file.bytes
            offsets = file.offsets
            hasher = SHA256Hasher()
            hasher.update(bytes[...])
            self.holdsFontObjects = holdsFontObjects
        }
    }

    /// Prepares fonts and templates for signing with `identity`.
    ///
    /// - Parameters:
    ///   - verificationBase: base of the URL in the QR code, e.g. `https://campus.example.de`; there is no
    ///     default, because a certificate pointing at the wrong place cannot be corrected.
    ///   - fonts: the serif and sans-serif fonts the certificate is set in.
    public init(identity: SigningIdentity, verificationBase: String, fonts: CertificateFonts) throws(CertificateError) {
        // Latin-1, Latin Extended-A, Greek and Cyrillic letters, general punctuation: most names and
        // titles are covered by one cached subset per font.
        let repertoire: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0xA0...0x17F, 0x370...0x3FF, 0x400...0x45F, 0x2010...0x2027, 0x20AC...0x20AC,
        ]
        let texts = CertificateLayout.staticTexts()
        // The Latin ligatures the shaper forms (in "öffentliche", "Pflicht", "Qualifizierung"), so that most German
        // names and titles need no subset of their own.
        let baseTexts = texts + ["ff fi fl ffi ffl"]
        let serif = try EmbeddedFont(
            font: Font(bytes: fonts.serif, name: fonts.serifName), resourceName: "F1", baseName: "DejaVuSerif",
            repertoire: repertoire, texts: baseTexts)
        let sans = try EmbeddedFont(
            font: Font(bytes: fonts.sans, name: fonts.sansName), resourceName: "F2", baseName: "DejaVuSans",
            repertoire: repertoire, texts: baseTexts)
        self.identity = identity
        self.verificationBase = verificationBase
        self.layout = CertificateLayout(serif: serif, sans: sans)
        basePrefix = try FilePrefix(baseSubsetsOf: [serif, sans])
        for text in texts {
            _ = serif.shape(text, cache: true)
            _ = sans.shape(text, cache: true)
        }
    }

    /// Checks a verification base: an absolute `https://` URL with a host and without query or fragment
    /// (`http://` only when `allowInsecure`). Returns it without trailing slashes.
    public static func checkedBase(_ base: String, allowInsecure: Bool) throws(CertificateError) -> String {
        var trimmed = base.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard trimmed.count <= maximumBaseLength else {
            throw CertificateError(.record, "the verification base is longer than \(maximumBaseLength) characters")
        }
        guard let url = URLComponents(string: trimmed), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil,
            !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F })
        else {
            throw CertificateError(
                .record, "the verification base '\(base)' is not a URL such as https://campus.example.de")
        }
        switch scheme {
        case "https":
            return trimmed
        case "http" where allowInsecure:
            return trimmed
        case "http":
            throw CertificateError(
                .record,
                "the verification base '\(base)' is not https://; use an https address, or give --allow-insecure-base for a test setup"
            )
        default:
            throw CertificateError(.record, "the verification base '\(base)' must start with https://")
        }
    }

    /// The name printed as issuer: the signing certificate's subject.
    public var issuerName: String { identity.subjectName }

    /// Lays out, signs and returns the certificate for `record` (its `issuer` is set from the signer).
    public func issue(_ record: CertificateRecord, at date: Date = Date()) throws(CertificateError) -> IssuedCertificate
    {
        var record = record
        record.issuer = identity.subjectName
        try record.validate()
        // The canonical record: embedded in the PDF, hashed for the token and the document id — written once.
        let canonical = record.canonicalJSON
        let hash = Digest.sha256(canonical)
        // Long names and titles are shortened in the token (never on the page) until the code is small enough to
        // scan from a photocopy; a long verification base may still need a larger one. A URL that clearly does
        // not fit is shortened before the (costly) QR encoding.
        var budgets = Self.tokenTextBudgets[...]
        var budget: Int? = nil
        var token: String
        var url: String
        var qr: QRCode
        while true {
            token = try CompactToken.make(for: record, identity: identity, recordHash: hash, textBudget: budget)
            url = CompactToken.verificationURL(base: verificationBase, id: record.id, token: token)
            if Self.fitsLargestQRVersion(url) == false, let next = budgets.popFirst() {
                budget = next
                continue
            }
            qr = try QRCode(encoding: url, errorCorrection: .medium)
            guard qr.version > Self.largestQRVersion, let next = budgets.popFirst() else { break }
            budget = next
        }
        let canvas = layout.draw(record, qr: qr, url: url)
        let pdf = try assemble(record: record, canonical: canonical, hash: hash, canvas: canvas, date: date)
        return IssuedCertificate(record: record, pdf: pdf, token: token, verificationURL: url, qrVersion: qr.version)
    }

    /// Issues every record of `records` on `jobs` threads at once (each certificate is still laid out, encoded and
    /// signed on its own; the issuer's fonts and keys are only read). The results are in the order of `records`.
    public func issue(_ records: [CertificateRecord], at date: Date = Date(), jobs: Int) -> [Result<
        IssuedCertificate, CertificateError
    >] {
        let workers = max(1, min(jobs, records.count))
        let results = Mutex([Result<IssuedCertificate, CertificateError>?](repeating: nil, count: records.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: records.count, by: workers) {
                let result = Result { () throws(CertificateError) in try issue(records[index], at: date) }
                results.withLock { $0[index] = result }
            }
        }
        return results.withLock { $0.map { $0 ?? .failure(CertificateError(.pdf, "the certificate was not issued")) } }
    }

    // MARK: - PDF assembly

    fileprivate enum Object {
        static let catalog = 1, pages = 2, page = 3, content = 4, info = 5, metadata = 6, embeddedFile = 7,
            fileSpec = 8, signatureField = 9, signature = 10, firstFont = 11
    }

    private func assemble(
        record: CertificateRecord, canonical: [UInt8], hash: [UInt8], canvas: Canvas, date: Date
    ) throws(CertificateError) -> [UInt8] {
        let words = Wording(language: record.language)
        let fonts = [layout.serif, layout.sans]
        let usages = fonts.map { canvas.usage[$0.resourceName] ?? GlyphUsage() }
        var programs: [EmbeddedFont.FontProgram] = []
        for (font, usage) in zip(fonts, usages) { programs.append(try font.program(covering: usage.allGlyphs)) }
        // The font programs first: most certificates share them, and the hash of the file's start with them.
        let prefix = programs.allSatisfy(\.isBase) ? basePrefix : otherPrefix(programs)
        var file = PDFBuffer(prefix: prefix.bytes, offsets: prefix.offsets, capacity: prefix.bytes.count + 48 * 1024)

        let title = "\(words.title(record.tier)) – \(record.holder.name)"
        let pdfDate = PDFSyntax.date(date)
        let language = record.language == .german ? "de-DE" : "en-GB"
        file.object(
            Object.catalog,
            "<< /Type /Catalog /Pages \(Object.pages) 0 R /Metadata \(Object.metadata) 0 R /Lang (\(language))"
                + " /AcroForm << /Fields [\(Object.signatureField) 0 R] /SigFlags 3 >>"
                + " /Names << /EmbeddedFiles << /Names [(certificate.json) \(Object.fileSpec) 0 R] >> >>"
                + " /AF [\(Object.fileSpec) 0 R] /ViewerPreferences << /DisplayDocTitle true >>"
                + " /Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 1 >> >> >>")
        file.object(Object.pages, "<< /Type /Pages /Kids [\(Object.page) 0 R] /Count 1 >>")
        let fontResources = fonts.enumerated().map { index, font in
            "/\(font.resourceName) \(Object.firstFont + index * 5) 0 R"
        }.joined(separator: " ")
        file.object(
            Object.page,
            "<< /Type /Page /Parent \(Object.pages) 0 R /MediaBox [0 0 \(PDFSyntax.number(CertificateLayout.pageWidth)) "
                + "\(PDFSyntax.number(CertificateLayout.pageHeight))] /Resources << /Font << \(fontResources) >> >>"
                + " /Contents \(Object.content) 0 R /Annots [\(Object.signatureField) 0 R] >>")
        file.stream(Object.content, dictionary: "", data: canvas.content)
        file.object(
            Object.info,
            "<< /Title \(PDFSyntax.textString(title)) /Author \(PDFSyntax.textString(record.issuer))"
                + " /Subject \(PDFSyntax.textString(record.course.title)) /Creator (KommunalCampus)"
                + " /Producer (KommunalCampus) /CreationDate (\(pdfDate)) /ModDate (\(pdfDate)) >>")
        file.stream(
            Object.metadata, dictionary: "/Type /Metadata /Subtype /XML",
            data: xmp(title: title, author: record.issuer, subject: record.course.title, date: date))
        file.stream(
            Object.embeddedFile,
            dictionary: "/Type /EmbeddedFile /Subtype /application#2Fjson /Params << /Size \(canonical.count)"
                + " /ModDate (\(pdfDate)) >>",
            data: canonical)
        file.object(
            Object.fileSpec,
            "<< /Type /Filespec /F (certificate.json) /UF \(PDFSyntax.textString("certificate.json"))"
                + " /Desc \(PDFSyntax.textString(record.language == .german ? "Zertifikatsdatensatz" : "Certificate record"))"
                + " /AFRelationship /Data /EF << /F \(Object.embeddedFile) 0 R /UF \(Object.embeddedFile) 0 R >> >>")
        file.object(
            Object.signatureField,
            "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signatur) /V \(Object.signature) 0 R /Rect [0 0 0 0]"
                + " /F 132 /P \(Object.page) 0 R >>")

        // The signature dictionary with fixed-width placeholders, patched once the file is complete.
        file.beginObject(Object.signature)
        file.append("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ")
        let byteRangeOffset = file.count
        let byteRangePlaceholder = "[0 0000000000 0000000000 0000000000]"
        file.append(byteRangePlaceholder)
        file.append(" /Contents ")
        let contentsStart = file.count
        file.append("<")
        file.append([UInt8](repeating: UInt8(ascii: "0"), count: Self.signatureCapacity * 2))
        file.append(">")
        let contentsEnd = file.count
        file.append(" /M (\(pdfDate)) /Name \(PDFSyntax.textString(record.issuer)) >>\nendobj\n")

        if !prefix.holdsFontObjects {
            for (index, font) in fonts.enumerated() {
                Self.writeFont(
                    font, program: programs[index], glyphs: Set(usages[index].allGlyphs).sorted(), usage: usages[index],
                    first: Object.firstFont + index * 5, compressed: false, into: &file)
            }
        }
        let objectCount = Object.firstFont + fonts.count * 5 - 1
        file.finish(
            objectCount: objectCount, root: Object.catalog, info: Object.info,
            documentID: Array(hash.prefix(16)))

        // Patch the byte range, then sign exactly those bytes.
        let length = file.count
        let ranges = [0, contentsStart, contentsEnd, length - contentsEnd]
        var byteRange = "[0 " + ranges.dropFirst().map { String($0) }.joined(separator: " ") + "]"
        byteRange += String(repeating: " ", count: byteRangePlaceholder.count - byteRange.count)
        file.patch(at: byteRangeOffset, with: Array(byteRange.utf8))
        let hasher = prefix.hasher.copy()
        hasher.update(file.bytes[prefix.bytes.count..<contentsStart])
        hasher.update(file.bytes[contentsEnd..<length])
        let signature = try identity.signDetachedCMS(sha256: hasher.finish())
        guard signature.count <= Self.signatureCapacity else {
            throw CertificateError(
                .pdf,
                "the signature (\(signature.count) bytes) does not fit the reserved \(Self.signatureCapacity) bytes")
        }
        file.patchHex(at: contentsStart + 1, with: signature)
        return file.bytes
    }

    /// The file start for `programs` (not all base subsets), made once for each pair while few are kept.
    private func otherPrefix(_ programs: [EmbeddedFont.FontProgram]) -> FilePrefix {
        let key = programs.map(\.tag).joined(separator: "+")
        if let cached = otherPrefixes.withLock({ $0[key] }) { return cached }
        let made = FilePrefix(programs: programs)
        otherPrefixes.withLock { cache in
            if cache.count >= Self.otherPrefixLimit { cache.removeAll() }
            cache[key] = made
        }
        return made
    }

    /// Type0 font, CIDFontType2 descendant with the widths of `glyphs` (ascending), descriptor and the ToUnicode map
    /// of `usage` (zlib-compressed when `compressed`); the subset `program` is in the file's prefix.
    private static func writeFont(
        _ font: EmbeddedFont, program: EmbeddedFont.FontProgram, glyphs: [UInt32], usage: GlyphUsage, first: Int,
        compressed: Bool, into file: inout PDFBuffer
    ) {
        let name = "\(program.tag)+\(font.baseName)"
        let (type0, cidFont, descriptor, fontFile, toUnicode) = (first, first + 1, first + 2, first + 3, first + 4)
        file.object(
            type0,
            "<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H"
                + " /DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
        // `first [w w …]` for each run of consecutive glyph ids.
        var widthBytes: [UInt8] = []
        widthBytes.reserveCapacity(glyphs.count * 10)
        var index = 0
        while index < glyphs.count {
            var end = index + 1
            while end < glyphs.count && glyphs[end] == glyphs[end - 1] + 1 { end += 1 }
            PDFSyntax.appendInteger(Int(glyphs[index]), to: &widthBytes)
            widthBytes.append(contentsOf: " [".utf8)
            for position in index..<end {
                if position > index { widthBytes.append(0x20) }
                PDFSyntax.appendNumber(font.pdfWidth(of: glyphs[position]), to: &widthBytes)
            }
            widthBytes.append(contentsOf: "] ".utf8)
            index = end
        }
        let widths = String(decoding: widthBytes, as: UTF8.self)
        file.object(
            cidFont,
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(name)"
                + " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                + " /FontDescriptor \(descriptor) 0 R /CIDToGIDMap /Identity /DW 1000 /W [\(widths)] >>")
        let m = font.metrics
        let scale = 1000 / Double(font.font.unitsPerEm)
        let box = m.boundingBox.map { PDFSyntax.number(Double($0) * scale) }.joined(separator: " ")
        file.object(
            descriptor,
            "<< /Type /FontDescriptor /FontName /\(name) /Flags 32 /FontBBox [\(box)] /ItalicAngle 0"
                + " /Ascent \(PDFSyntax.number(Double(m.ascender) * scale))"
                + " /Descent \(PDFSyntax.number(Double(m.descender) * scale))"
                + " /CapHeight \(PDFSyntax.number(Double(m.capHeight) * scale)) /StemV 80 /FontFile2 \(fontFile) 0 R >>"
        )
        if compressed {
            file.stream(toUnicode, dictionary: "/Filter /FlateDecode", data: Deflate.compress(usage.toUnicodeCMap()))
        } else {
            file.stream(toUnicode, dictionary: "", data: usage.toUnicodeCMap())
        }
    }

    private func xmp(title: String, author: String, subject: String, date: Date) -> [UInt8] {
        let when = PDFSyntax.isoDate(date)
        let text = """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
              <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                <rdf:Description rdf:about=""
                    xmlns:dc="http://purl.org/dc/elements/1.1/"
                    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
                    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
                  <dc:format>application/pdf</dc:format>
                  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">\(PDFSyntax.xml(title))</rdf:li></rdf:Alt></dc:title>
                  <dc:creator><rdf:Seq><rdf:li>\(PDFSyntax.xml(author))</rdf:li></rdf:Seq></dc:creator>
                  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">\(PDFSyntax.xml(subject))</rdf:li></rdf:Alt></dc:description>
                  <xmp:CreateDate>\(when)</xmp:CreateDate>
                  <xmp:ModifyDate>\(when)</xmp:ModifyDate>
                  <xmp:CreatorTool>KommunalCampus</xmp:CreatorTool>
                  <pdf:Producer>KommunalCampus</pdf:Producer>
                </rdf:Description>
              </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
        return Array(text.utf8)
    }
}
