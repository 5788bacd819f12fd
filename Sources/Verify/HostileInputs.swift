import Certificates

/// Adversarial PDFs built to make a reader work hard: overlapping objects, deep nesting, huge arrays,
/// huge numbers. `campus bench hostile` verifies them; the tests bound the reader's work on them.
public enum HostileInputs {
    /// One adversarial document.
    public struct Input: Sendable {
        /// Short name, printed by the benchmark.
        public let name: String
        /// The document's bytes.
        public let bytes: [UInt8]
    }

    /// Every adversarial document, each about `size` bytes (at least 64 KiB).
    public static func all(size: Int) -> [Input] {
        let size = max(size, 65_536)
        return [
            Input(name: "objects inside each other's literal strings", bytes: nestedLiteralStrings(size: size)),
            Input(name: "one large object referenced 10000 times", bytes: repeatedReference(size: size)),
            Input(name: "10000 small objects", bytes: manyObjects(size: size)),
            Input(name: "arrays nested to the end of the file", bytes: deepNesting(size: size)),
            Input(name: "one huge array", bytes: hugeArray(size: size)),
            Input(name: "one huge dictionary", bytes: hugeDictionary(size: size)),
            Input(name: "many empty cross-reference sections", bytes: manyCrossReferenceSections(size: size)),
            Input(name: "white space between a number and its reference", bytes: whiteSpaceLookahead(size: size)),
            Input(name: "a hex string without its end", bytes: unclosedHexString(size: size)),
            Input(name: "a stream /Length of 2^63-1", bytes: hugeStreamLength()),
        ]
    }

    /// A catalog whose form lists `fields` (object numbers 3 and up), the objects from 3 on written by
    /// `body` at offsets it records; the file is padded to about `size` bytes before the body.
    static func document(
        fields: [Int], catalogExtra: String = "", acroForm: String? = nil, padding: Int = 0,
        body: (inout Writer) -> Void
    ) -> [UInt8] {
        var writer = Writer()
        writer.object(1, "<< /Type /Catalog /AcroForm 2 0 R\(catalogExtra) >>")
        writer.object(2, acroForm ?? "<< /Fields [\(fields.map { "\($0) 0 R" }.joined(separator: " "))] >>")
        writer.pad(to: padding)
        body(&writer)
        return writer.finish()
    }

    /// Writes a PDF with a cross-reference table for the objects it marked.
    struct Writer {
        var bytes = Array("%PDF-1.7\n".utf8)
        var offsets: [Int: Int] = [:]
        /// Text inserted between `xref` and the real section (empty sections, say).
        var xrefPrefix = ""

        mutating func mark(_ number: Int) { offsets[number] = bytes.count }
        mutating func append(_ text: String) { bytes += Array(text.utf8) }
        mutating func append(_ byte: UInt8, count: Int) { bytes += [UInt8](repeating: byte, count: max(0, count)) }

        mutating func object(_ number: Int, _ body: String) {
            mark(number)
            append("\(number) 0 obj\n\(body)\nendobj\n")
        }

        /// Comment lines up to `size` bytes in all.
        mutating func pad(to size: Int) {
            while bytes.count + 1001 < size {
                append(UInt8(ascii: "%"), count: 1)
                append(UInt8(ascii: "x"), count: 999)
                append("\n")
            }
        }

        func finish() -> [UInt8] {
            var bytes = self.bytes
            let count = (offsets.keys.max() ?? 0) + 1
            let xref = bytes.count
            var table = "xref\n\(xrefPrefix)0 \(count)\n"
            for number in 0..<count {
                if let offset = offsets[number] {
                    let digits = String(offset)
                    table += String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n"
                } else {
                    table += "0000000000 65535 f \n"
                }
            }
            table += "trailer\n<< /Size \(count) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
            bytes += Array(table.utf8)
            return bytes
        }
    }

    /// 2000 objects, each starting inside the literal string of the one before, all strings ending
    /// at the same place: read naively (and cached), each object costs up to 1 MB.
    static func nestedLiteralStrings(size: Int) -> [UInt8] {
        let count = 2000
        let window = min(1_000_000, size * 9 / 10)
        let gap = max(0, window / count - 16)
        return document(fields: Array(3..<(3 + count)), padding: size - window) { writer in
            for index in 0..<count {
                writer.mark(3 + index)
                writer.append("\(3 + index) 0 obj\n(")
                writer.append(UInt8(ascii: "x"), count: gap)
            }
            writer.append(UInt8(ascii: ")"), count: count)
            writer.append("\nendobj\n")
        }
    }

    /// A field list naming one string object of nearly 1 MB 10000 times (nothing is cached).
    static func repeatedReference(size: Int) -> [UInt8] {
        document(fields: Array(repeating: 3, count: 10_000), padding: size - 1_000_000) { writer in
            writer.mark(3)
            writer.append("3 0 obj\n(")
            writer.append(UInt8(ascii: "x"), count: min(1_000_000, size * 9 / 10))
            writer.append(")\nendobj\n")
        }
    }

    /// 10000 text fields, each its own object (the reader stops at its object limit).
    static func manyObjects(size: Int) -> [UInt8] {
        let count = 9_990
        return document(fields: Array(3..<(3 + count)), padding: size - count * 40) { writer in
            for index in 0..<count { writer.object(3 + index, "<< /FT /Tx /T (f\(index)) >>") }
        }
    }

    /// A catalog entry nested `[[[[…` to the end of the file.
    static func deepNesting(size: Int) -> [UInt8] {
        var writer = Writer()
        writer.mark(1)
        writer.append("1 0 obj\n<< /Type /Catalog /Deep ")
        writer.append(UInt8(ascii: "["), count: size / 2)
        writer.append(UInt8(ascii: "]"), count: size / 2)
        writer.append(" >>\nendobj\n")
        return writer.finish()
    }

    /// A field list of `size / 2` numbers.
    static func hugeArray(size: Int) -> [UInt8] {
        var fields = [UInt8]("<< /Fields [".utf8)
        fields.reserveCapacity(size)
        for _ in 0..<(size / 2) { fields += [UInt8(ascii: "0"), 0x20] }
        fields += Array("] >>".utf8)
        return document(fields: [], acroForm: String(decoding: fields, as: UTF8.self)) { _ in }
    }

    /// A form dictionary with `size / 12` keys.
    static func hugeDictionary(size: Int) -> [UInt8] {
        var form = "<< "
        for index in 0..<(size / 12) { form += "/k\(index) 0 " }
        form += "/Fields [] >>"
        return document(fields: [], acroForm: form) { _ in }
    }

    /// `size / 4` empty cross-reference sections before the real one.
    static func manyCrossReferenceSections(size: Int) -> [UInt8] {
        var writer = Writer()
        writer.object(1, "<< /Type /Catalog >>")
        writer.xrefPrefix = String(repeating: "0 0\n", count: size / 4)
        return writer.finish()
    }

    /// A field list `[1 …spaces… 0 …spaces… 2]`: each number makes the reader look ahead for `G R`.
    static func whiteSpaceLookahead(size: Int) -> [UInt8] {
        let spaces = String(repeating: " ", count: size / 3)
        return document(fields: [], acroForm: "<< /Fields [1\(spaces)0\(spaces)2] >>") { _ in }
    }

    /// A signature field whose value holds a hex string that never ends.
    static func unclosedHexString(size: Int) -> [UInt8] {
        document(fields: [3]) { writer in
            writer.object(3, "<< /FT /Sig /V 4 0 R >>")
            writer.mark(4)
            writer.append("4 0 obj\n<< /Type /Sig /Contents <")
            writer.append(UInt8(ascii: "0"), count: size)
            writer.append("\nendobj\n")
        }
    }

    /// The smallest trap: a stream whose `/Length` is the largest 64-bit integer.
    static func hugeStreamLength() -> [UInt8] {
        document(fields: [3]) { writer in
            writer.object(3, "<< /FT /Sig /V 4 0 R >>")
            writer.object(4, "<< /Length 9223372036854775807 >>\nstream\nx\nendstream")
        }
    }
}

/// Verifies adversarial documents with a verifier that trusts a fresh development PKI.
public struct HostileBenchmark: Sendable {
    private let verifier: CertificateVerifier

    /// Makes the development PKI and the verifier.
    public init() throws {
        let pki = try DevelopmentPKI.create(issuerName: "Benchmark Zertifikatsstelle", organization: "KommunalCampus")
        verifier = CertificateVerifier(trust: try TrustList(pem: Array(pki.rootPEM.utf8)))
    }

    /// Verifies `bytes` once on the calling thread.
    ///
    /// - Returns: elapsed seconds, and the first failed check's detail (or "valid").
    public func verify(_ bytes: [UInt8]) -> (seconds: Double, detail: String) {
        let clock = ContinuousClock()
        let start = clock.now
        let verdict = verifier.verify(pdf: bytes)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, verdict.failures.first?.detail ?? "valid")
    }
}
