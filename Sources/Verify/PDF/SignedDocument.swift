import Foundation

/// What verification needs from a certificate PDF, read with bounded effort from hostile bytes.
struct SignedDocument {
    /// Largest PDF read by default (10 MB).
    static let defaultMaximumSize = 10_000_000
    /// Largest decoded embedded record.
    static let maximumRecordSize = 64 * 1024
    /// Most objects a cross-reference table may list.
    static let maximumObjects = 10_000

    /// `/SubFilter` of the signature.
    let subFilter: String
    /// `/ByteRange` as written.
    let byteRange: [Int]
    /// The bytes the signature covers: the two byte ranges, as slices of the file (not copied).
    let signedParts: [ArraySlice<UInt8>]
    /// The `/Contents` bytes (CMS, possibly zero-padded).
    let signatureContents: [UInt8]
    /// `/M` of the signature dictionary, if any.
    let signingTime: String?
    /// The embedded `certificate.json`, if present.
    let embeddedRecord: [UInt8]?

    /// Problems that mean the file was changed after signing.
    enum Change: Error {
        /// The signed bytes do not cover the file as they must (appended update, moved byte range …).
        case tampered(String)
        /// The file was written anew by another program (object streams, cross-reference stream).
        case rewritten(String)
    }

    /// Reads `bytes`. Structural problems throw `PDFReadError` (unreadable or ambiguous) or `Change`
    /// (signed bytes do not cover the file as they must).
    static func read(_ bytes: [UInt8], maximumSize: Int = defaultMaximumSize) throws -> SignedDocument {
        var work = PDFWork()
        return try read(bytes, maximumSize: maximumSize, work: &work)
    }

    /// Reads `bytes`, counting the work done in `work` (also when reading fails).
    static func read(_ bytes: [UInt8], maximumSize: Int = defaultMaximumSize, work: inout PDFWork) throws
        -> SignedDocument
    {
        guard !bytes.isEmpty else { throw PDFReadError("the file is empty") }
        guard bytes.count <= maximumSize else {
            throw PDFReadError("the file is \(bytes.count) bytes; at most \(maximumSize) bytes are read")
        }
        guard bytes.starts(with: Array("%PDF-1.".utf8)) else { throw PDFReadError("the file is not a PDF") }

        // One revision only: a second cross-reference section or trailer means an appended update.
        let revisions = occurrences(of: Array("\nstartxref".utf8), in: bytes, anchor: 6)
        let trailers = occurrences(of: Array("\ntrailer".utf8), in: bytes, anchor: 5)
        work.bytesScanned += 2 * bytes.count
        guard revisions >= 1 else { throw PDFReadError("the file has no cross-reference table (truncated?)") }
        guard revisions == 1, trailers <= 1 else {
            throw Change.tampered(
                "an update was appended after the signed part (the file has \(max(revisions, trailers)) revisions)")
        }

        let tail = max(0, bytes.count - 1024)
        work.bytesScanned += bytes.count - tail
        guard let startxref = lastIndex(of: Array("startxref".utf8), in: bytes, from: tail) else {
            throw PDFReadError("the file does not end with a cross-reference offset (truncated?)")
        }
        var parser = PDFParser(bytes: bytes, position: startxref + 9)
        let xrefOffset = try parser.parseInteger(in: 1...(bytes.count - 1), "the cross-reference offset")
        while parser.position < bytes.count && PDFParser.isWhitespace(bytes[parser.position]) { parser.position += 1 }
        guard parser.position <= bytes.count - 5,
            bytes[parser.position..<(parser.position + 5)].elementsEqual("%%EOF".utf8)
        else { throw PDFReadError("the file does not end with %%EOF (truncated?)") }
        try rejectCrossReferenceStream(bytes, at: xrefOffset, work: &work)
        var objects = try ObjectTable(bytes: bytes, xrefOffset: xrefOffset, work: &work)
        defer { work = objects.work }
        if objects.trailer["XRefStm"] != nil {
            throw Change.rewritten(
                "the trailer points at a cross-reference stream (/XRefStm), which the issuer never writes")
        }
        guard let rootReference = objects.trailer["Root"] else { throw PDFReadError("the trailer names no catalog") }
        guard let catalog = try objects.resolve(rootReference)?.dictionary else {
            throw PDFReadError("the catalog is not a dictionary")
        }

        // Exactly one signature field.
        var signatureField: [String: PDFValue]? = nil
        if let acroForm = try objects.resolve(catalog["AcroForm"])?.dictionary,
            let fields = try objects.resolve(acroForm["Fields"])?.array
        {
            for field in fields {
                guard let dictionary = try objects.resolve(field)?.dictionary, dictionary["FT"]?.name == "Sig" else {
                    continue
                }
                guard signatureField == nil else {
                    throw PDFReadError("the document has more than one signature field; a certificate has exactly one")
                }
                signatureField = dictionary
            }
        }
        guard let signatureField else { throw PDFReadError("the document has no signature field") }
        guard let signature = try objects.resolve(signatureField["V"])?.dictionary else {
            throw PDFReadError("the signature field holds no signature")
        }
        guard let subFilter = signature["SubFilter"]?.name else {
            throw PDFReadError("the signature has no /SubFilter")
        }
        guard let rangeValues = signature["ByteRange"]?.array, rangeValues.count == 4 else {
            throw PDFReadError("the signature's /ByteRange is not four numbers")
        }
        let byteRange = rangeValues.compactMap(\.integer)
        guard byteRange.count == 4, case .string(let contents, let contentsSource)? = signature["Contents"] else {
            throw PDFReadError("the signature's /ByteRange or /Contents is malformed")
        }
        // Every number is checked against the file before any arithmetic with it.
        for value in byteRange where !(0...bytes.count).contains(value) {
            throw PDFReadError(
                "the signature's /ByteRange \(byteRange) holds \(value), which lies outside the file (0…\(bytes.count))"
            )
        }
        let (start, firstLength, secondStart, secondLength) = (byteRange[0], byteRange[1], byteRange[2], byteRange[3])
        guard start == 0, firstLength > 0, secondStart > firstLength else {
            throw Change.tampered("the signed byte range \(byteRange) is not [0 a b c] inside the file")
        }
        guard contentsSource == firstLength..<secondStart else {
            throw Change.tampered("the signed byte range does not leave out exactly the signature value")
        }
        guard secondLength == bytes.count - secondStart else {
            throw Change.tampered(
                secondLength < bytes.count - secondStart
                    ? "\(bytes.count - secondStart - secondLength) bytes were appended after the signed part"
                    : "the signed byte range reaches past the end of the file")
        }
        try checkSignatureHex(bytes[contentsSource], work: &work)
        let signedParts = [bytes[0..<firstLength], bytes[secondStart..<bytes.count]]

        let record = try embeddedRecord(catalog: catalog, objects: &objects)
        let signingTime: String? =
            if case .string(let time, _)? = signature["M"] { String(decoding: time, as: UTF8.self) } else { nil }
        return SignedDocument(
            subFilter: subFilter, byteRange: byteRange, signedParts: signedParts, signatureContents: contents,
            signingTime: signingTime, embeddedRecord: record)
    }

    /// A cross-reference stream where the table should be means another program wrote the file anew
    /// (`qpdf --object-streams=generate`, say): the signature can no longer cover it.
    private static func rejectCrossReferenceStream(_ bytes: [UInt8], at offset: Int, work: inout PDFWork) throws {
        var parser = PDFParser(bytes: bytes, position: offset)
        parser.skipWhitespaceAndComments()
        let saved = parser.position
        guard !parser.regularToken().elementsEqual("xref".utf8) else { return }
        parser.position = saved
        defer { work.bytesScanned += max(0, parser.position - offset) }
        guard (try? parser.parseInteger(in: 0...PDFParser.maximumObjectNumber, "an object number")) != nil,
            (try? parser.parseInteger(in: 0...PDFParser.maximumGeneration, "a generation number")) != nil,
            (try? parser.expectKeyword("obj")) != nil,
            let dictionary = (try? parser.parseValue())?.dictionary, dictionary["Type"]?.name == "XRef"
        else { return }
        throw Change.rewritten(
            "the file now has a cross-reference stream (and object streams), which the issuer never writes")
    }

    /// The signature value exactly as the issuer writes it: upper-case hex digits, nothing else.
    /// Readers differ on white space and case inside it (pdfsig reports such a signature as partial).
    private static func checkSignatureHex(_ source: ArraySlice<UInt8>, work: inout PDFWork) throws(PDFReadError) {
        work.bytesScanned += source.count
        guard source.first == UInt8(ascii: "<"), source.last == UInt8(ascii: ">") else {
            throw PDFReadError("the signature value (/Contents) is not a hex string")
        }
        let digits = source.dropFirst().dropLast()
        if let odd = digits.firstIndex(where: { !((0x30...0x39).contains($0) || (0x41...0x46).contains($0)) }) {
            let what = PDFParser.isWhitespace(digits[odd]) ? "white space" : "the character \(digits[odd])"
            throw PDFReadError.ambiguous(
                "the signature value (/Contents) holds \(what) at byte \(odd); the issuer writes upper-case hex digits only"
            )
        }
    }

    /// The `certificate.json` attachment from the catalog's embedded files.
    private static func embeddedRecord(catalog: [String: PDFValue], objects: inout ObjectTable) throws(PDFReadError)
        -> [UInt8]?
    {
        guard let names = try objects.resolve(catalog["Names"])?.dictionary,
            let files = try objects.resolve(names["EmbeddedFiles"])?.dictionary
        else { return nil }
        guard files["Kids"] == nil else {
            throw PDFReadError.ambiguous(
                "the embedded-files name tree has /Kids; the issuer writes one flat /Names list")
        }
        guard let entries = try objects.resolve(files["Names"])?.array else { return nil }
        guard entries.count <= 200 else {
            throw PDFReadError("the document embeds \(entries.count / 2) files; a certificate embeds one")
        }
        var found: (dictionary: [String: PDFValue], data: Range<Int>)? = nil
        var index = 0
        while index + 1 < entries.count {
            defer { index += 2 }
            guard case .string(let name, _) = entries[index], textString(name) == "certificate.json" else { continue }
            guard found == nil else {
                throw PDFReadError.ambiguous("the embedded files name certificate.json twice")
            }
            guard let spec = try objects.resolve(entries[index + 1])?.dictionary,
                let embedded = try objects.resolve(spec["EF"])?.dictionary
            else { throw PDFReadError("the file specification of certificate.json is malformed") }
            if let file = embedded["F"], let unicodeFile = embedded["UF"], file != unicodeFile {
                throw PDFReadError.ambiguous(
                    "the file specification of certificate.json points /F and /UF at different streams")
            }
            guard let fileReference = embedded["F"] ?? embedded["UF"],
                case .stream(let dictionary, let data)? = try objects.resolve(fileReference)
            else { throw PDFReadError("the file specification of certificate.json names no stream") }
            found = (dictionary, data)
        }
        guard let found else { return nil }
        guard found.data.count <= maximumRecordSize else { throw PDFReadError("the embedded record is too large") }
        guard found.dictionary["Filter"] == nil else {
            throw PDFReadError("the embedded record is compressed; certificates embed it uncompressed")
        }
        return Array(objects.bytes[found.data])
    }

    /// A PDF text string: UTF-16BE after a byte order mark, else taken as (a superset of) ASCII.
    static func textString(_ bytes: [UInt8]) -> String {
        guard bytes.starts(with: [0xFE, 0xFF]) else { return String(decoding: bytes, as: UTF8.self) }
        let units = stride(from: 2, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return String(decoding: units, as: UTF16.self)
    }

    /// Counts non-overlapping occurrences of `needle`, scanning with memchr for its byte at `anchor`
    /// (pick one that is rare in PDFs, such as the `x` of `startxref`).
    static func occurrences(of needle: [UInt8], in bytes: [UInt8], anchor: Int) -> Int {
        guard needle.indices.contains(anchor), bytes.count >= needle.count else { return 0 }
        return bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var count = 0
            var next = anchor  // earliest position the anchor byte of a new match can take
            let lastAnchor = buffer.count - needle.count + anchor
            while next <= lastAnchor {
                guard let found = memchr(base + next, Int32(needle[anchor]), lastAnchor - next + 1) else { break }
                let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let start = position - anchor
                if memcmp(base + start, needle, needle.count) == 0 {
                    count += 1
                    next = start + needle.count + anchor
                } else {
                    next = position + 1
                }
            }
            return count
        }
    }

    static func lastIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.count - needle.count
        while index >= start {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }
}

/// Work done reading one document, counted deterministically (tests bound it; no clocks).
struct PDFWork: Equatable {
    /// Bytes looked at: whole-file scans plus the span of every object, table and trailer parsed.
    var bytesScanned = 0
    /// Objects parsed (a reference followed twice parses its object twice: nothing is cached).
    var objectsRead = 0
}

/// The cross-reference table and trailer, and objects parsed on demand.
///
/// Nothing is cached: verification resolves a handful of objects, each once. Reading is bounded by a
/// work budget (bytes scanned, whole-file scans included, at most four times the file plus 64 KiB; one
/// object may overrun it) and at most `maximumObjectsRead` objects, so objects that overlap or start
/// inside each other's strings cannot multiply the effort.
struct ObjectTable {
    /// Most objects one document may make the reader parse.
    static let maximumObjectsRead = 200

    let bytes: [UInt8]
    private var offsets: [Int: (offset: Int, generation: Int)] = [:]
    private(set) var trailer: [String: PDFValue] = [:]
    private(set) var work: PDFWork
    /// Most bytes that may be scanned before another object is parsed.
    let budget: Int

    init(bytes: [UInt8], xrefOffset: Int, work: inout PDFWork) throws(PDFReadError) {
        self.bytes = bytes
        self.budget = 4 * bytes.count + 65_536
        var parser = PDFParser(bytes: bytes, position: xrefOffset)
        defer { work.bytesScanned += max(0, parser.position - xrefOffset) }
        try parser.expectKeyword("xref")
        var total = 0
        var seen = Set<Int>()
        while true {
            parser.skipWhitespaceAndComments()
            let saved = parser.position
            let token = parser.regularToken()
            if token.elementsEqual("trailer".utf8) { break }
            parser.position = saved
            let limit = SignedDocument.maximumObjects
            let first = try parser.parseInteger(in: 0...limit, "the first object number of a cross-reference section")
            let count = try parser.parseInteger(
                in: 0...(limit - total), "the object count of a cross-reference section")
            total += count
            for number in first..<(first + count) {
                let offset = try parser.parseInteger(in: 0...(bytes.count - 1), "the offset of object \(number)")
                let generation = try parser.parseInteger(
                    in: 0...PDFParser.maximumGeneration, "the generation of object \(number)")
                parser.skipWhitespaceAndComments()
                let kind = parser.regularToken()
                guard seen.insert(number).inserted else {
                    throw PDFReadError.ambiguous("the cross-reference table defines object \(number) twice")
                }
                if kind.elementsEqual("n".utf8) {
                    offsets[number] = (offset, generation)
                } else if !kind.elementsEqual("f".utf8) {
                    throw PDFReadError("malformed cross-reference entry for object \(number)")
                }
            }
        }
        guard case .dictionary(let trailer) = try parser.parseValue() else {
            throw PDFReadError("the trailer is not a dictionary")
        }
        self.trailer = trailer
        // The caller's count gets the same increment from the `defer` above.
        self.work = work
        self.work.bytesScanned += max(0, parser.position - xrefOffset)
    }

    /// The value itself, or the object a reference points to (references to references are followed
    /// a bounded number of times); nil stays nil.
    mutating func resolve(_ value: PDFValue?) throws(PDFReadError) -> PDFValue? {
        guard var current = value else { return nil }
        for _ in 0..<8 {
            guard case .reference(let number, let generation) = current else { return current }
            current = try object(number, generation: generation)
        }
        throw PDFReadError("references point at each other in a loop")
    }

    private mutating func object(_ number: Int, generation: Int) throws(PDFReadError) -> PDFValue {
        guard let entry = offsets[number], entry.generation == generation else {
            throw PDFReadError("object \(number) \(generation) is not in the file")
        }
        guard work.objectsRead < Self.maximumObjectsRead else {
            throw PDFReadError("reading the document needs more than \(Self.maximumObjectsRead) objects")
        }
        guard work.bytesScanned < budget else {
            throw PDFReadError("reading the document needs more than \(budget) bytes of parsing; its objects overlap")
        }
        work.objectsRead += 1
        var parser = PDFParser(bytes: bytes, position: entry.offset)
        // The data of a stream is skipped, not parsed: it is not counted.
        var skipped = 0
        defer { work.bytesScanned += max(0, parser.position - entry.offset - skipped) }
        let limit = PDFParser.maximumObjectNumber
        guard try parser.parseInteger(in: 0...limit, "the object number of object \(number)") == number,
            try parser.parseInteger(in: 0...PDFParser.maximumGeneration, "the generation of object \(number)")
                == generation
        else {
            throw PDFReadError("object \(number) is not where the cross-reference table says")
        }
        try parser.expectKeyword("obj")
        var value = try parser.parseValue()
        parser.skipWhitespaceAndComments()
        let saved = parser.position
        if parser.regularToken().elementsEqual("stream".utf8), case .dictionary(let dictionary) = value {
            // Data starts after the end-of-line that follows the keyword.
            var start = parser.position
            if start < bytes.count && bytes[start] == 0x0D { start += 1 }
            if start < bytes.count && bytes[start] == 0x0A { start += 1 }
            // The length is checked against what is left of the file before it is added to anything.
            guard let length = dictionary["Length"]?.integer, (0...(bytes.count - start)).contains(length) else {
                throw PDFReadError("stream \(number) has a missing or impossible /Length")
            }
            parser.position = start + length
            skipped = length
            try parser.expectKeyword("endstream")
            value = .stream(dictionary, data: start..<(start + length))
        } else {
            parser.position = saved
        }
        return value
    }
}
