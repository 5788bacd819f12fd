import Foundation

/// A PDF file under construction: bytes plus the offset of every indirect object, for the xref table.
struct PDFBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int: Int] = [:]

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ data: [UInt8]) {
        bytes.append(contentsOf: data)
    }

    /// Starts indirect object `number`, records its offset, writes `body` and ends it.
    mutating func object(_ number: Int, _ body: String) {
        offsets[number] = bytes.count
        append("\(number) 0 obj\n")
        append(body)
        append("\nendobj\n")
    }

    /// Writes a stream object with `dictionary` entries (without /Length, which is added).
    mutating func stream(_ number: Int, dictionary: String, data: [UInt8]) {
        offsets[number] = bytes.count
        append("\(number) 0 obj\n<< \(dictionary) /Length \(data.count) >>\nstream\n")
        append(data)
        append("\nendstream\nendobj\n")
    }

    /// Records that an object starts at the current offset (for objects written piecewise).
    mutating func beginObject(_ number: Int) {
        offsets[number] = bytes.count
        append("\(number) 0 obj\n")
    }

    /// Writes the classic cross-reference table and trailer for objects 1...`objectCount`.
    mutating func finish(objectCount: Int, root: Int, info: Int, documentID: [UInt8]) {
        let xrefOffset = bytes.count
        append("xref\n0 \(objectCount + 1)\n0000000000 65535 f \n")
        for number in 1...objectCount {
            let offset = offsets[number] ?? 0
            let digits = String(offset)
            append(String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n")
        }
        let id = PDFSyntax.hex(documentID)
        append("trailer\n<< /Size \(objectCount + 1) /Root \(root) 0 R /Info \(info) 0 R /ID [<\(id)> <\(id)>] >>\n")
        append("startxref\n\(xrefOffset)\n%%EOF\n")
    }

    /// Overwrites bytes at `offset` (same length), for patching placeholders.
    mutating func patch(at offset: Int, with data: [UInt8]) {
        bytes.replaceSubrange(offset..<(offset + data.count), with: data)
    }
}

/// Spelling of PDF values.
enum PDFSyntax {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Upper-case hex digits of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A text string (document metadata): UTF-16BE with byte order mark, as a hex string.
    static func textString(_ text: String) -> String {
        var bytes: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 {
            bytes.append(UInt8(unit >> 8))
            bytes.append(UInt8(unit & 0xFF))
        }
        return "<" + hex(bytes) + ">"
    }

    /// A PDF date, `D:YYYYMMDDHHmmSSZ`, in UTC.
    static func date(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return
            "D:\(String(format: "%04d", c.year ?? 0))\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// ISO 8601 date-time in UTC, for XMP.
    static func isoDate(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    /// A number with at most 3 decimals, no exponent (hot path: no Foundation formatting).
    static func number(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = abs(thousandths)
        let whole = magnitude / 1000
        var fraction = magnitude % 1000
        if fraction == 0 { return sign + String(whole) }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - text.count) + text
    }

    /// Appends `value` rounded to 3 decimals as ASCII digits, without allocating.
    static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        var thousandths = Int((value * 1000).rounded())
        if thousandths < 0 {
            output.append(UInt8(ascii: "-"))
            thousandths = -thousandths
        }
        appendInteger(thousandths / 1000, to: &output)
        var fraction = thousandths % 1000
        guard fraction != 0 else { return }
        output.append(UInt8(ascii: "."))
        var divisor = 100
        while fraction != 0 {
            output.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// Appends a non-negative integer as ASCII digits.
    static func appendInteger(_ value: Int, to output: inout [UInt8]) {
        if value >= 10 { appendInteger(value / 10, to: &output) }
        output.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Escapes `text` for XML (XMP).
    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
