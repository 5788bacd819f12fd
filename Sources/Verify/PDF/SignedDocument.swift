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
        case tampered(String)
    }

    /// Reads `bytes`. Structural problems throw `PDFReadError` (unreadable) or `Change` (signed bytes
    /// do not cover the file as they must).
    static func read(_ bytes: [UInt8], maximumSize: Int = defaultMaximumSize) throws -> SignedDocument {
        guard !bytes.isEmpty else { throw PDFReadError("the file is empty") }
        guard bytes.count <= maximumSize else {
            throw PDFReadError("the file is \(bytes.count) bytes; at most \(maximumSize) bytes are read")
        }
        guard bytes.starts(with: Array("%PDF-1.".utf8)) else { throw PDFReadError("the file is not a PDF") }

        // One revision only: a second cross-reference section or trailer means an appended update.
        let revisions = occurrences(of: Array("\nstartxref".utf8), in: bytes, anchor: 6)
        let trailers = occurrences(of: Array("\ntrailer".utf8), in: bytes, anchor: 5)
        guard revisions >= 1 else { throw PDFReadError("the file has no cross-reference table (truncated?)") }
        guard revisions == 1, trailers <= 1 else {
            throw Change.tampered(
                "an update was appended after the signed part (the file has \(max(revisions, trailers)) revisions)")
        }

        let tail = max(0, bytes.count - 1024)
        guard let startxref = lastIndex(of: Array("startxref".utf8), in: bytes, from: tail) else {
            throw PDFReadError("the file does not end with a cross-reference offset (truncated?)")
        }
        var parser = PDFParser(bytes: bytes, position: startxref + 9)
        let xrefOffset = try parser.parseInteger()
        while parser.position < bytes.count && PDFParser.isWhitespace(bytes[parser.position]) { parser.position += 1 }
        guard parser.position + 5 <= bytes.count,
            bytes[parser.position..<(parser.position + 5)].elementsEqual("%%EOF".utf8)
        else { throw PDFReadError("the file does not end with %%EOF (truncated?)") }
        guard xrefOffset > 0, xrefOffset < bytes.count else {
            throw PDFReadError("the cross-reference offset \(xrefOffset) lies outside the file")
        }
        var objects = try ObjectTable(bytes: bytes, xrefOffset: xrefOffset)
        guard let rootReference = objects.trailer["Root"] else { throw PDFReadError("the trailer names no catalog") }
        guard let catalog = try objects.resolve(rootReference).dictionary else {
            throw PDFReadError("the catalog is not a dictionary")
        }

        // Exactly one signature field.
        var signatureFields: [[String: PDFValue]] = []
        if let acroForm = try catalog["AcroForm"].map({ value throws(PDFReadError) in try objects.resolve(value) })?
            .dictionary,
            let fields = try acroForm["Fields"].map({ value throws(PDFReadError) in try objects.resolve(value) })?.array
        {
            for field in fields.prefix(1000) {
                if let dictionary = try objects.resolve(field).dictionary, dictionary["FT"]?.name == "Sig" {
                    signatureFields.append(dictionary)
                }
            }
        }
        guard signatureFields.count == 1 else {
            throw PDFReadError(
                signatureFields.isEmpty
                    ? "the document has no signature field"
                    : "the document has \(signatureFields.count) signature fields; a certificate has exactly one")
        }
        guard let valueReference = signatureFields[0]["V"],
            let signature = try objects.resolve(valueReference).dictionary
        else { throw PDFReadError("the signature field holds no signature") }
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
        let (start, firstLength, secondStart, secondLength) = (byteRange[0], byteRange[1], byteRange[2], byteRange[3])
        guard start == 0, firstLength > 0, secondStart > firstLength, secondLength >= 0,
            secondStart <= bytes.count, secondLength <= bytes.count
        else { throw Change.tampered("the signed byte range \(byteRange) is not [0 a b c] inside the file") }
        guard contentsSource == firstLength..<secondStart else {
            throw Change.tampered("the signed byte range does not leave out exactly the signature value")
        }
        guard secondStart + secondLength == bytes.count else {
            throw Change.tampered(
                secondStart + secondLength < bytes.count
                    ? "\(bytes.count - secondStart - secondLength) bytes were appended after the signed part"
                    : "the signed byte range reaches past the end of the file")
        }
        let signedParts = [bytes[0..<firstLength], bytes[secondStart..<(secondStart + secondLength)]]

        let record = try embeddedRecord(catalog: catalog, objects: &objects)
        let signingTime: String? =
            if case .string(let time, _)? = signature["M"] { String(decoding: time, as: UTF8.self) } else { nil }
        return SignedDocument(
            subFilter: subFilter, byteRange: byteRange, signedParts: signedParts, signatureContents: contents,
            signingTime: signingTime, embeddedRecord: record)
    }

    /// The `certificate.json` attachment from the catalog's embedded files.
    private static func embeddedRecord(catalog: [String: PDFValue], objects: inout ObjectTable) throws(PDFReadError)
        -> [UInt8]?
    {
        guard
            let names = try catalog["Names"].map({ value throws(PDFReadError) in try objects.resolve(value) })?
                .dictionary,
            let files = try names["EmbeddedFiles"].map({ value throws(PDFReadError) in try objects.resolve(value) })?
                .dictionary,
            let entries = try files["Names"].map({ value throws(PDFReadError) in try objects.resolve(value) })?.array
        else { return nil }
        var index = 0
        while index + 1 < entries.count && index < 200 {
            if case .string(let name, _) = entries[index], name == Array("certificate.json".utf8),
                let spec = try objects.resolve(entries[index + 1]).dictionary,
                let embedded = spec["EF"].flatMap({ $0.dictionary }), let fileReference = embedded["F"],
                case .stream(let dictionary, let data) = try objects.resolve(fileReference)
            {
                guard data.count <= maximumRecordSize else { throw PDFReadError("the embedded record is too large") }
                guard dictionary["Filter"] == nil else {
                    throw PDFReadError("the embedded record is compressed; certificates embed it uncompressed")
                }
                return Array(objects.bytes[data])
            }
            index += 2
        }
        return nil
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

/// The cross-reference table and trailer, and objects loaded from it on demand (cached).
struct ObjectTable {
    let bytes: [UInt8]
    private var offsets: [Int: Int] = [:]
    private var cache: [Int: PDFValue] = [:]
    private(set) var trailer: [String: PDFValue] = [:]

    init(bytes: [UInt8], xrefOffset: Int) throws(PDFReadError) {
        self.bytes = bytes
        var parser = PDFParser(bytes: bytes, position: xrefOffset)
        try parser.expectKeyword("xref")
        var total = 0
        while true {
            parser.skipWhitespaceAndComments()
            let saved = parser.position
            let token = parser.regularToken()
            if token.elementsEqual("trailer".utf8) { break }
            parser.position = saved
            let first = try parser.parseInteger()
            let count = try parser.parseInteger()
            total += count
            guard total <= SignedDocument.maximumObjects, first >= 0, first <= SignedDocument.maximumObjects else {
                throw PDFReadError("the cross-reference table lists too many objects")
            }
            for number in first..<(first + count) {
                let offset = try parser.parseInteger()
                _ = try parser.parseInteger()
                parser.skipWhitespaceAndComments()
                let kind = parser.regularToken()
                if kind.elementsEqual("n".utf8) {
                    guard offset < bytes.count else {
                        throw PDFReadError("object \(number) lies outside the file (offset \(offset))")
                    }
                    offsets[number] = offset
                } else if !kind.elementsEqual("f".utf8) {
                    throw PDFReadError("malformed cross-reference entry for object \(number)")
                }
            }
        }
        guard case .dictionary(let trailer) = try parser.parseValue() else {
            throw PDFReadError("the trailer is not a dictionary")
        }
        self.trailer = trailer
    }

    /// The value itself, or the object a reference points to (references to references are followed
    /// a bounded number of times).
    mutating func resolve(_ value: PDFValue) throws(PDFReadError) -> PDFValue {
        var current = value
        for _ in 0..<8 {
            guard case .reference(let number, _) = current else { return current }
            current = try object(number)
        }
        throw PDFReadError("references point at each other in a loop")
    }

    private mutating func object(_ number: Int) throws(PDFReadError) -> PDFValue {
        if let cached = cache[number] { return cached }
        guard let offset = offsets[number] else { throw PDFReadError("object \(number) is not in the file") }
        var parser = PDFParser(bytes: bytes, position: offset)
        guard try parser.parseInteger() == number else {
            throw PDFReadError("object \(number) is not where the cross-reference table says")
        }
        _ = try parser.parseInteger()
        try parser.expectKeyword("obj")
        var value = try parser.parseValue()
        parser.skipWhitespaceAndComments()
        let saved = parser.position
        if parser.regularToken().elementsEqual("stream".utf8), case .dictionary(let dictionary) = value {
            // Data starts after the end-of-line that follows the keyword.
            var start = parser.position
            if start < bytes.count && bytes[start] == 0x0D { start += 1 }
            if start < bytes.count && bytes[start] == 0x0A { start += 1 }
            guard let length = dictionary["Length"]?.integer, length >= 0, start + length <= bytes.count else {
                throw PDFReadError("stream \(number) has a missing or impossible /Length")
            }
            parser.position = start + length
            try parser.expectKeyword("endstream")
            value = .stream(dictionary, data: start..<(start + length))
        } else {
            parser.position = saved
        }
        cache[number] = value
        return value
    }
}
