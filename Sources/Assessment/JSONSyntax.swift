/// Finds the first JSON syntax error (RFC 8259) in a file and says where it is, so that a person
/// can fix a gradebook or record in an editor: Foundation's decoders only say that the JSON is invalid.
///
/// A member name that appears twice in one object is a problem too: JSON readers silently keep one of the
/// two values (RFC 8259 §4 leaves it open which), so such a text has two readings. Names are compared
/// decoded, so `"a"` and `"\u0061"` are the same name.
public enum JSONSyntax {
    /// A syntax error or a duplicate member at a 1-based line and column (columns count Unicode scalars).
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// What kind of problem this is.
        public enum Kind: Sendable, Equatable {
            /// The text is not JSON.
            case syntax
            /// The text is JSON, but an object holds the member with this (decoded) name twice; the
            /// problem's position is the second one.
            case duplicateMember(String)
        }

        /// Line, from 1.
        public let line: Int
        /// Column, from 1.
        public let column: Int
        /// What is wrong and what was expected.
        public let message: String
        /// Syntax error or duplicate member.
        public let kind: Kind

        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// Deepest nesting of objects and lists accepted.
    public static let maximumDepth = 512

    /// The first problem in `bytes` (a syntax error or a member twice in one object), or nil when they are one
    /// well-formed JSON value without duplicate members.
    public static func problem(in bytes: [UInt8]) -> Problem? {
        var scanner = Scanner(bytes: bytes)
        return scanner.run()
    }

    private enum Expect {
        case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var stack: [UInt8] = []
        /// The member names seen so far in each open object, innermost last.
        var names: [Set<String>] = []
        /// The last string scanned, decoded (only kept for member names).
        var decoded = ""

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        func problem(_ message: String, at position: Int? = nil, kind: Problem.Kind = .syntax) -> Problem {
            let at = min(position ?? index, bytes.count)
            var lineNumber = 1
            var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            for offset in start..<at where bytes[offset] == UInt8(ascii: "\n") {
                lineNumber += 1
                start = offset + 1
            }
            let column = bytes[start..<at].count { $0 & 0xC0 != 0x80 } + 1
            return Problem(line: lineNumber, column: column, message: message, kind: kind)
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): index += 1
                default: return
                }
            }
        }

        mutating func run() -> Problem? {
            var expect = Expect.value
            while true {
                skipSpace()
                guard index < bytes.count else {
                    if expect == .end { return nil }
                    return problem(
                        stack.isEmpty
                            ? "the file holds no JSON value"
                            : "the file ends before the JSON is complete (is a '\(stack.last == UInt8(ascii: "{") ? "}" : "]")' missing?)"
                    )
                }
                let byte = bytes[index]
                switch expect {
                case .end:
                    return problem("unexpected text after the end of the JSON value")
                case .colon:
                    guard byte == UInt8(ascii: ":") else { return problem("expected ':' after the field name") }
                    index += 1
                    expect = .value
                case .commaOrClose:
                    let inObject = stack.last == UInt8(ascii: "{")
                    if byte == UInt8(ascii: ",") {
                        index += 1
                        expect = inObject ? .key : .value
                    } else if byte == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        index += 1
                        stack.removeLast()
                        if inObject { names.removeLast() }
                        expect = stack.isEmpty ? .end : .commaOrClose
                    } else {
                        return problem(
                            inObject ? "expected ',' or '}' after the value" : "expected ',' or ']' after the value")
                    }
                case .key, .keyOrClose:
                    if byte == UInt8(ascii: "}") {
                        guard expect == .keyOrClose else { return problem("a ',' before '}' is not allowed") }
                        index += 1
                        stack.removeLast()
                        names.removeLast()
                        expect = stack.isEmpty ? .end : .commaOrClose
                    } else if byte == UInt8(ascii: "\"") {
                        let start = index
                        if let failure = scanString(decoding: true) { return failure }
                        guard names[names.count - 1].insert(decoded).inserted else {
                            return problem(
                                "the member “\(decoded)” appears twice in this object; JSON readers keep only one"
                                    + " of the two values, so remove or rename one",
                                at: start, kind: .duplicateMember(decoded))
                        }
                        expect = .colon
                    } else {
                        return problem("expected a field name in double quotes")
                    }
                case .value, .valueOrClose:
                    if byte == UInt8(ascii: "]"), !stack.isEmpty {
                        guard expect == .valueOrClose else { return problem("a ',' before ']' is not allowed") }
                        index += 1
                        stack.removeLast()
                        expect = stack.isEmpty ? .end : .commaOrClose
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        guard stack.count < JSONSyntax.maximumDepth else {
                            return problem("objects and lists are nested deeper than \(JSONSyntax.maximumDepth) levels")
                        }
                        stack.append(byte)
                        if byte == UInt8(ascii: "{") { names.append([]) }
                        index += 1
                        expect = byte == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                        continue
                    case UInt8(ascii: "\""):
                        if let failure = scanString() { return failure }
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        if let failure = scanNumber() { return failure }
                    case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                        let word = Array(
                            (byte == UInt8(ascii: "t") ? "true" : byte == UInt8(ascii: "f") ? "false" : "null").utf8)
                        guard bytes[index...].starts(with: word) else {
                            return problem("expected a value: text in double quotes, a number, true, false or null")
                        }
                        index += word.count
                    default:
                        return problem(
                            "expected a value: text in double quotes, a number, true, false, null, an object or a list")
                    }
                    expect = stack.isEmpty ? .end : .commaOrClose
                }
            }
        }

        /// Scans a string starting at its opening quote; with `decoding`, leaves its value in ``decoded``.
        mutating func scanString(decoding: Bool = false) -> Problem? {
            let start = index
            var escaped = false
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    if decoding {
                        decoded =
                            escaped
                            ? decode(bytes[(start + 1)..<(index - 1)])
                            : String(decoding: bytes[(start + 1)..<(index - 1)], as: UTF8.self)
                    }
                    return nil
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else {
                        return problem("the text starting here has no closing '\"'", at: start)
                    }
                    escaped = true
                    let escape = bytes[index + 1]
                    if escape == UInt8(ascii: "u") {
                        let digits = bytes[min(index + 2, bytes.count)..<min(index + 6, bytes.count)]
                        guard digits.count == 4, digits.allSatisfy({ isHexDigit($0) }) else {
                            return problem("'\\u' needs four hexadecimal digits")
                        }
                        index += 6
                    } else if Array(#""\/bfnrt"#.utf8).contains(escape) {
                        index += 2
                    } else {
                        return problem("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in text")
                    }
                case 0..<0x20:
                    return problem("a line break or control character inside text; write it as \\n or \\uXXXX")
                case 0x80...:
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
                    guard length > 0, byte <= 0xF4, index + length <= bytes.count,
                        bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 })
                    else {
                        return problem("the text is not valid UTF-8")
                    }
                    index += length
                default:
                    index += 1
                }
            }
            return problem("the text starting here has no closing '\"'", at: start)
        }

        /// The value of a string's contents (without quotes) already checked by ``scanString(decoding:)``.
        ///
        /// A `\\u` escape of a lone surrogate becomes U+FFFD.
        func decode(_ contents: ArraySlice<UInt8>) -> String {
            var text = String.UnicodeScalarView()
            var utf8: [UInt8] = []
            func flush() {
                text.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
            func hex(at offset: Int) -> UInt32? {
                guard offset + 6 <= contents.endIndex, contents[offset] == UInt8(ascii: "\\"),
                    contents[offset + 1] == UInt8(ascii: "u")
                else { return nil }
                return UInt32(String(decoding: contents[(offset + 2)..<(offset + 6)], as: UTF8.self), radix: 16)
            }
            var offset = contents.startIndex
            while offset < contents.endIndex {
                guard contents[offset] == UInt8(ascii: "\\") else {
                    utf8.append(contents[offset])
                    offset += 1
                    continue
                }
                flush()
                let escape = contents[offset + 1]
                guard escape == UInt8(ascii: "u"), let unit = hex(at: offset) else {
                    let simple: [UInt8: Unicode.Scalar] = [
                        UInt8(ascii: "b"): "\u{8}", UInt8(ascii: "f"): "\u{C}", UInt8(ascii: "n"): "\n",
                        UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
                    ]
                    text.append(simple[escape] ?? Unicode.Scalar(escape))
                    offset += 2
                    continue
                }
                offset += 6
                if (0xD800...0xDBFF).contains(unit), let low = hex(at: offset), (0xDC00...0xDFFF).contains(low) {
                    offset += 6
                    text.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}")
                } else {
                    text.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            }
            flush()
            return String(text)
        }

        mutating func scanNumber() -> Problem? {
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - first
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let leadingZero = index < bytes.count && bytes[index] == UInt8(ascii: "0")
            let integer = digits()
            guard integer > 0, !(leadingZero && integer > 1) else {
                return problem("malformed number (digits without leading zeros expected)", at: start)
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { return problem("malformed number (digits expected after '.')", at: start) }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits() > 0 else {
                    return problem("malformed number (digits expected in the exponent)", at: start)
                }
            }
            return nil
        }

        func isHexDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
        }
    }
}
