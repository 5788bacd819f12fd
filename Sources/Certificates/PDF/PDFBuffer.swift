import Foundation

/// A PDF file under construction: bytes plus the offset of every indirect object, for the xref table.
struct PDFBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int: Int] = [:]

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// A file that starts with `prefix` (whole objects, at `offsets`), with room for `capacity` bytes in all.
    init(prefix: [UInt8], offsets: [Int: Int], capacity: Int) {
        bytes.reserveCapacity(max(capacity, prefix.count))
        bytes.append(contentsOf: prefix)
        self.offsets = offsets
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
        // Each entry is 20 bytes: the offset in 10 digits with leading zeros, ` 00000 n `, a newline.
        let entries = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: objectCount * 20))
        bytes.withUnsafeMutableBufferPointer { output in
            for number in 1...objectCount {
                let start = entries + (number - 1) * 20
                var offset = offsets[number] ?? 0
                for position in stride(from: start + 9, through: start, by: -1) {
                    output[position] = 0x30 &+ UInt8(truncatingIfNeeded: offset % 10)
                    offset /= 10
                }
                for (index, byte) in " 00000 n \n".utf8.enumerated() { output[start + 10 + index] = byte }
            }
        }
        let id = PDFSyntax.hex(documentID)
        append("trailer\n<< /Size \(objectCount + 1) /Root \(root) 0 R /Info \(info) 0 R /ID [<\(id)> <\(id)>] >>\n")
        append("startxref\n\(xrefOffset)\n%%EOF\n")
    }

    /// Overwrites bytes at `offset` (same length), for patching placeholders.
    mutating func patch(at offset: Int, with data: [UInt8]) {
        bytes.replaceSubrange(offset..<(offset + data.count), with: data)
    }

    /// Overwrites the `2 × data.count` bytes at `offset` with the upper-case hex digits of `data`.
    mutating func patchHex(at offset: Int, with data: [UInt8]) {
        precondition(offset >= 0 && offset + 2 * data.count <= bytes.count, "a hex patch beyond the file")
        bytes.withUnsafeMutableBufferPointer { output in
            for (index, byte) in data.enumerated() {
                output[offset + 2 * index] = PDFSyntax.hexDigit(byte >> 4)
                output[offset + 2 * index + 1] = PDFSyntax.hexDigit(byte & 15)
            }
        }
    }
}

/// Spelling of PDF values.
enum PDFSyntax {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// The upper-case hex digit of `value` (0–15).
    static func hexDigit(_ value: UInt8) -> UInt8 {
        hexDigits[Int(value & 15)]
    }

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

    /// Appends the four upper-case hex digits of `value`.
    static func appendHex(_ value: UInt16, to output: inout [UInt8]) {
        output.append(hexDigits[Int(value >> 12)])
        output.append(hexDigits[Int(value >> 8 & 15)])
        output.append(hexDigits[Int(value >> 4 & 15)])
        output.append(hexDigits[Int(value & 15)])
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
        let (year, month, day, hour, minute, second) = utcFields(date)
        return "D:" + digits(year, 4) + digits(month, 2) + digits(day, 2) + digits(hour, 2) + digits(minute, 2)
            + digits(second, 2) + "Z"
    }

    /// ISO 8601 date-time in UTC, for XMP: `YYYY-MM-DDTHH:mm:SSZ`.
    static func isoDate(_ date: Date) -> String {
        let (year, month, day, hour, minute, second) = utcFields(date)
        return digits(year, 4) + "-" + digits(month, 2) + "-" + digits(day, 2) + "T" + digits(hour, 2) + ":"
            + digits(minute, 2) + ":" + digits(second, 2) + "Z"
    }

    /// The UTC calendar fields of `date` (whole seconds, rounded down), by arithmetic rather than `Calendar` (hot
    /// path); dates outside the years 1–9999 are taken as the nearest one inside.
    private static func utcFields(_ date: Date) -> (Int64, Int64, Int64, Int64, Int64, Int64) {
        let interval = date.timeIntervalSince1970
        let bounded = interval.isNaN ? 0 : min(max(interval, -62_135_596_800), 253_402_300_799)
        let seconds = Int64(bounded.rounded(.down))
        let days = (seconds >= 0 ? seconds : seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = EpochDay.civil(fromDays: days)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// `value` (not negative) in decimal, zero-padded to `width` digits.
    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
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
        let zero = UInt8(ascii: "0")
        // The content stream's coordinates are mostly below 1000: one branch each, no loop.
        if value < 10 {
            output.append(zero &+ UInt8(truncatingIfNeeded: value))
        } else if value < 100 {
            output.append(zero &+ UInt8(truncatingIfNeeded: value / 10))
            output.append(zero &+ UInt8(truncatingIfNeeded: value % 10))
        } else if value < 1000 {
            output.append(zero &+ UInt8(truncatingIfNeeded: value / 100))
            output.append(zero &+ UInt8(truncatingIfNeeded: value / 10 % 10))
            output.append(zero &+ UInt8(truncatingIfNeeded: value % 10))
        } else {
            var divisor = 1000
            while divisor <= value / 10 { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                output.append(zero &+ UInt8(truncatingIfNeeded: rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
    }

    /// Escapes `text` for XML (XMP).
    static func xml(_ text: String) -> String {
        ASCIIEdits.replacing(in: text) { byte in
            switch byte {
            case UInt8(ascii: "&"): "&amp;"
            case UInt8(ascii: "<"): "&lt;"
            case UInt8(ascii: ">"): "&gt;"
            case UInt8(ascii: "\""): "&quot;"
            default: nil
            }
        }
    }
}
