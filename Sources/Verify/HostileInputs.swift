import Certificates

/// Adversarial PDFs built to make a reader work hard: overlapping objects, deep nesting, huge arrays,
/// huge numbers. `campus bench hostile` verifies them; the tests bound the reader's work on them.
package enum HostileInputs {
    /// One adversarial document, built on demand (so that only one is in memory at a time).
    package struct Input: Sendable {
        /// Short name, printed by the benchmark.
        package let name: String
        /// Builds the document's bytes.
        package let make: @Sendable () -> [UInt8]
    }

    /// Every adversarial document, each at most `size` bytes (at least 64 KiB).
    package static func all(size: Int) -> [Input] {
        let size = max(size, 65_536)
        func input(_ name: String, _ build: @escaping @Sendable (Int) -> [UInt8]) -> Input {
            Input(name: name) { fit(size, build) }
        }
        return [
            input("objects inside each other's literal strings", nestedLiteralStrings),
            input("one large object referenced 10000 times", repeatedReference),
            input("10000 small objects", manyObjects),
            input("arrays nested to the end of the file", deepNesting),
            input("one huge array", hugeArray),
            input("one huge dictionary", hugeDictionary),
            input("many empty cross-reference sections", manyCrossReferenceSections),
            input("white space between a number and its reference", whiteSpaceLookahead),
            input("a hex string without its end", unclosedHexString),
            Input(name: "a stream /Length of 2^63-1") { hugeStreamLength() },
        ]
    }

    /// `build(size)`, built again smaller if the tables around the body made it larger than `size`.
    static func fit(_ size: Int, _ build: (Int) -> [UInt8]) -> [UInt8] {
        var target = size
        var bytes = build(target)
        while bytes.count > size && target > 4096 {
            target -= bytes.count - size + 1024
            bytes = []  // one document in memory at a time
            bytes = build(target)
        }
        return bytes
    }

    /// A catalog whose form lists `fields` (object numbers 3 and up), the objects from 3 on written by
    /// `body` at offsets it records; the file is padded to about `size` bytes before the body.
    static func document(
        fields: [Int], padding: Int = 0,
        body: (inout Writer) -> Void
    ) -> [UInt8] {
        var writer = Writer()
        writer.object(1, "<< /Type /Catalog /AcroForm 2 0 R >>")
        writer.object(2, "<< /Fields [\(fields.map { "\($0) 0 R" }.joined(separator: " "))] >>")
        writer.pad(to: padding)
        body(&writer)
        return writer.finish()
    }

    /// Writes a PDF with a cross-reference table for the objects it marked.
    struct Writer {
        var bytes = Array("%PDF-1.7\n".utf8)
        var offsets: [Int: Int] = [:]
        /// Empty sections (`0 0`) written between `xref` and the real section.
        var emptySections = 0

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

        consuming func finish() -> [UInt8] {
            let count = (offsets.keys.max() ?? 0) + 1
            let xref = bytes.count
            append("xref\n")
            bytes.reserveCapacity(bytes.count + 4 * emptySections + 20 * count + 128)
            for _ in 0..<emptySections { bytes += [0x30, 0x20, 0x30, 0x0A] }
            var table = "0 \(count)\n"
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
            return self.bytes
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

    /// A catalog and a form (object 2) whose body `form` writes straight into the file.
    static func form(_ form: (inout Writer) -> Void) -> [UInt8] {
        var writer = Writer()
        writer.object(1, "<< /Type /Catalog /AcroForm 2 0 R >>")
        writer.mark(2)
        writer.append("2 0 obj\n")
        form(&writer)
        writer.append("\nendobj\n")
        return writer.finish()
    }

    /// A field list of `size / 2` numbers.
    static func hugeArray(size: Int) -> [UInt8] {
        form { writer in
            writer.append("<< /Fields [")
            writer.bytes.reserveCapacity(size + 1024)
            for _ in 0..<(size / 2) { writer.bytes += [UInt8(ascii: "0"), 0x20] }
            writer.append("] >>")
        }
    }

    /// A form dictionary with about `size / 12` keys.
    static func hugeDictionary(size: Int) -> [UInt8] {
        form { writer in
            writer.append("<< ")
            writer.bytes.reserveCapacity(size + 1024)
            var index = 0
            while writer.bytes.count < size - 1024 {
                writer.append("/k\(index) 0 ")
                index += 1
            }
            writer.append("/Fields [] >>")
        }
    }

    /// `size / 4` empty cross-reference sections before the real one.
    static func manyCrossReferenceSections(size: Int) -> [UInt8] {
        var writer = Writer()
        writer.object(1, "<< /Type /Catalog >>")
        writer.emptySections = size / 4 - 64
        return writer.finish()
    }

    /// A field list `[1 …spaces… 0 …spaces… 2]`: each number makes the reader look ahead for `G R`.
    static func whiteSpaceLookahead(size: Int) -> [UInt8] {
        form { writer in
            writer.append("<< /Fields [1")
            writer.append(0x20, count: size / 2 - 100)
            writer.append("0")
            writer.append(0x20, count: size / 2 - 100)
            writer.append("2] >>")
        }
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
package struct HostileBenchmark: Sendable {
    private let verifier: CertificateVerifier

    /// Makes the development PKI and the verifier.
    package init() throws {
        let pki = try DevelopmentPKI.create(issuerName: "Benchmark Zertifikatsstelle", organization: "KommunalCampus")
        verifier = CertificateVerifier(trust: try TrustList(pem: Array(pki.rootPEM.utf8)))
    }

    /// Verifies `bytes` once on the calling thread.
    ///
    /// - Returns: elapsed seconds, and the first failed check's detail (or "valid").
    package func verify(_ bytes: [UInt8]) -> (seconds: Double, detail: String) {
        let clock = ContinuousClock()
        let start = clock.now
        let verdict = verifier.verify(pdf: bytes)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, verdict.failures.first?.detail ?? "valid")
    }
}
