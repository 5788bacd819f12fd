/// A PDF value as the hostile-input reader understands it.
indirect enum PDFValue: Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case real(Double)
    case name(String)
    /// A string's bytes and where its source (with delimiters) lies in the file.
    case string([UInt8], source: Range<Int>)
    case array([PDFValue])
    case dictionary([String: PDFValue])
    case reference(Int, Int)
    /// A stream: its dictionary and where its raw data lies in the file.
    case stream([String: PDFValue], data: Range<Int>)

    var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var name: String? {
        if case .name(let value) = self { return value }
        return nil
    }

    var dictionary: [String: PDFValue]? {
        switch self {
        case .dictionary(let value): value
        case .stream(let value, _): value
        default: nil
        }
    }

    var array: [PDFValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// Why the reader gave up on a file.
struct PDFReadError: Error, Equatable {
    /// Whether the file could not be read at all, or could be read in more than one way.
    enum Kind: Equatable {
        /// Malformed, truncated, out of range or too costly to read.
        case unreadable
        /// Readers may disagree on what the file says (duplicate keys, objects defined twice …).
        case ambiguous
    }

    let kind: Kind
    let reason: String

    init(_ reason: String) {
        kind = .unreadable
        self.reason = reason
    }

    private init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// A structure that readers may understand differently.
    static func ambiguous(_ reason: String) -> PDFReadError { PDFReadError(kind: .ambiguous, reason: reason) }
}

/// A bounded, non-recursive-beyond-a-limit tokenizer and parser over the bytes of a PDF.
///
/// Every offset is checked; nesting deeper than `maximumDepth` and strings or numbers beyond fixed
/// sizes are errors, never crashes.
struct PDFParser {
    static let maximumDepth = 32
    static let maximumStringLength = 1 << 20
    /// Most values (of any kind, at any depth) one parser reads: bounds the memory one object can take.
    static let maximumValues = 100_000
    /// Largest object number and generation a reference or cross-reference entry may carry.
    static let maximumObjectNumber = 10_000_000
    static let maximumGeneration = 65_535

    let bytes: [UInt8]
    var position: Int
    /// Values parsed so far (see `maximumValues`).
    private(set) var values = 0

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00
    }

    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            true
        default: false
        }
    }

    mutating func skipWhitespaceAndComments() {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "%") {
                while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// Reads a bare keyword or number token (regular characters up to a delimiter or white space).
    mutating func regularToken() -> ArraySlice<UInt8> {
        let start = position
        while position < bytes.count, !Self.isWhitespace(bytes[position]), !Self.isDelimiter(bytes[position]),
            position - start < 64
        {
            position += 1
        }
        return bytes[start..<position]
    }

    mutating func expectKeyword(_ keyword: String) throws(PDFReadError) {
        skipWhitespaceAndComments()
        let token = regularToken()
        guard token.elementsEqual(keyword.utf8) else {
            throw PDFReadError("expected '\(keyword)' at byte \(position - token.count)")
        }
    }

    /// Reads an unsigned integer of digits only and checks it lies in `range` (so that callers may do
    /// arithmetic with it); `what` names it in the error.
    mutating func parseInteger(in range: ClosedRange<Int>, _ what: String) throws(PDFReadError) -> Int {
        skipWhitespaceAndComments()
        let start = position
        var value = 0
        // At most 18 digits: the value stays below 10^18, far from overflow.
        while position < bytes.count, (0x30...0x39).contains(bytes[position]), position - start < 18 {
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
        }
        guard position > start else { throw PDFReadError("expected \(what) at byte \(start)") }
        guard position >= bytes.count || Self.isWhitespace(bytes[position]) || Self.isDelimiter(bytes[position]) else {
            if (0x30...0x39).contains(bytes[position]) {
                throw PDFReadError("\(what) at byte \(start) has more than 18 digits")
            }
            throw PDFReadError("expected \(what) at byte \(start)")
        }
        guard range.contains(value) else {
            throw PDFReadError(
                "\(what) at byte \(start) is \(value); it must lie in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A number token: optional sign, digits, at most one decimal point (no exponents, no hex). Integers
    /// have at most 18 digits, so that no later arithmetic on them can overflow.
    static func number(_ token: ArraySlice<UInt8>, at offset: Int) throws(PDFReadError) -> PDFValue? {
        var digits = token[...]
        if let first = digits.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            digits = digits.dropFirst()
        }
        let points = digits.filter { $0 == UInt8(ascii: ".") }.count
        guard points <= 1, digits.contains(where: { (0x30...0x39).contains($0) }),
            digits.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") })
        else { return nil }
        let text = String(decoding: token, as: UTF8.self)
        if points == 0 {
            guard digits.count <= 18, let integer = Int(text) else {
                throw PDFReadError("the number \(text.prefix(24)) at byte \(offset) is out of range")
            }
            return .integer(integer)
        }
        // "5." and ".5" are PDF reals; Double wants a digit on both sides.
        var spelled = text
        if spelled.hasSuffix(".") { spelled += "0" }
        spelled = spelled.replacingOccurrences(of: "-.", with: "-0.").replacingOccurrences(of: "+.", with: "+0.")
        if spelled.hasPrefix(".") { spelled = "0" + spelled }
        guard let real = Double(spelled), real.isFinite else {
            throw PDFReadError("the number \(text.prefix(24)) at byte \(offset) is out of range")
        }
        return .real(real)
    }

    /// Parses one value; `N G R` references are recognised; streams are not (see `parseObject`).
    mutating func parseValue(depth: Int = 0) throws(PDFReadError) -> PDFValue {
        guard depth <= Self.maximumDepth else {
            throw PDFReadError("objects are nested more than \(Self.maximumDepth) levels deep")
        }
        values += 1
        guard values <= Self.maximumValues else {
            throw PDFReadError("an object holds more than \(Self.maximumValues) values")
        }
        skipWhitespaceAndComments()
        guard position < bytes.count else { throw PDFReadError("the file ends inside an object") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "/"):
            position += 1
            let start = position
            return .name(try Self.decodeName(regularToken(), at: start))
        case UInt8(ascii: "["):
            position += 1
            var elements: [PDFValue] = []
            while true {
                skipWhitespaceAndComments()
                guard position < bytes.count else { throw PDFReadError("an array is not closed") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                var element = try parseValue(depth: depth + 1)
                if case .integer(let number) = element, let reference = try tryReference(number) {
                    element = reference
                }
                elements.append(element)
                guard elements.count <= 100_000 else { throw PDFReadError("an array is too long") }
            }
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                var dictionary: [String: PDFValue] = [:]
                while true {
                    skipWhitespaceAndComments()
                    guard position < bytes.count else { throw PDFReadError("a dictionary is not closed") }
                    if bytes[position] == UInt8(ascii: ">") {
                        guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else {
                            throw PDFReadError("malformed dictionary end at byte \(position)")
                        }
                        position += 2
                        return .dictionary(dictionary)
                    }
                    let keyOffset = position
                    guard case .name(let key) = try parseValue(depth: depth + 1) else {
                        throw PDFReadError("a dictionary key is not a name near byte \(position)")
                    }
                    var value = try parseValue(depth: depth + 1)
                    // `N G R` inside a dictionary: the value parsed as an integer may start a reference.
                    if case .integer(let number) = value, let reference = try tryReference(number) {
                        value = reference
                    }
                    guard dictionary.count < 10_000 else { throw PDFReadError("a dictionary is too large") }
                    // Readers disagree on which of two equal keys wins: refuse the dictionary.
                    guard dictionary.updateValue(value, forKey: key) == nil else {
                        throw PDFReadError.ambiguous(
                            "the key /\(key) appears twice in one dictionary (byte \(keyOffset))")
                    }
                }
            }
            return try parseHexString()
        case UInt8(ascii: "("):
            return try parseLiteralString()
        default:
            let start = position
            let token = regularToken()
            guard !token.isEmpty else { throw PDFReadError("unexpected byte \(byte) at \(start)") }
            let text = String(decoding: token, as: UTF8.self)
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                if let number = try Self.number(token, at: start) { return number }
                throw PDFReadError("unexpected token '\(text.prefix(20))' at byte \(start)")
            }
        }
    }

    /// After an integer: if `G R` follows, consume it and return the reference (object number and
    /// generation range-checked).
    private mutating func tryReference(_ number: Int) throws(PDFReadError) -> PDFValue? {
        let saved = position
        skipWhitespaceAndComments()
        let generationStart = position
        let generationToken = regularToken()
        if !generationToken.isEmpty, generationToken.allSatisfy({ (0x30...0x39).contains($0) }) {
            skipWhitespaceAndComments()
            if position < bytes.count && bytes[position] == UInt8(ascii: "R") {
                let after = position + 1
                if after >= bytes.count || Self.isWhitespace(bytes[after]) || Self.isDelimiter(bytes[after]) {
                    guard (0...Self.maximumObjectNumber).contains(number) else {
                        throw PDFReadError(
                            "a reference at byte \(saved) names object \(number); object numbers lie in 0…\(Self.maximumObjectNumber)"
                        )
                    }
                    guard generationToken.count <= 5,
                        let generation = Int(String(decoding: generationToken, as: UTF8.self)),
                        generation <= Self.maximumGeneration
                    else {
                        throw PDFReadError(
                            "the generation number at byte \(generationStart) is out of range 0…\(Self.maximumGeneration)"
                        )
                    }
                    position = after
                    return .reference(number, generation)
                }
            }
        }
        position = saved
        return nil
    }

    /// A name's bytes with `#hh` escapes decoded (`/T#79pe` is `/Type`).
    static func decodeName(_ token: ArraySlice<UInt8>, at offset: Int) throws(PDFReadError) -> String {
        guard token.contains(UInt8(ascii: "#")) else { return String(decoding: token, as: UTF8.self) }
        var decoded: [UInt8] = []
        var index = token.startIndex
        while index < token.endIndex {
            if token[index] == UInt8(ascii: "#") {
                guard index + 2 < token.endIndex, let high = hexValue(token[index + 1]),
                    let low = hexValue(token[index + 2])
                else { throw PDFReadError("a name at byte \(offset) has a malformed #-escape") }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(token[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private mutating func parseHexString() throws(PDFReadError) -> PDFValue {
        let start = position
        var index = position + 1
        var close: Int? = nil
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ">") {
                close = index
                break
            }
            index += 1
        }
        guard let close else { throw PDFReadError("a hex string is not closed") }
        guard (close - start) / 2 <= Self.maximumStringLength else { throw PDFReadError("a string is too long") }
        // A signature value ends in a long run of '0' padding: count it instead of decoding it.
        var zeros = close
        while zeros > start + 1 && bytes[zeros - 1] == UInt8(ascii: "0") { zeros -= 1 }
        var data = [UInt8](repeating: 0, count: (close - start) / 2 + 1)
        var count = 0
        var high: UInt8? = nil
        var bad: Int? = nil
        bytes.withUnsafeBufferPointer { input in
            data.withUnsafeMutableBufferPointer { output in
                for offset in (start + 1)..<zeros {
                    let byte = input[offset]
                    if Self.isWhitespace(byte) { continue }
                    guard let nibble = Self.hexValue(byte) else {
                        bad = offset
                        return
                    }
                    if let pending = high {
                        output[count] = pending << 4 | nibble
                        count += 1
                        high = nil
                    } else {
                        high = nibble
                    }
                }
            }
        }
        if let bad { throw PDFReadError("bad hex digit at byte \(bad)") }
        // The zeros continue the nibble stream: complete a pending byte, then whole zero bytes.
        var padding = close - zeros
        if let pending = high, padding > 0 {
            data[count] = pending << 4
            count += 1
            high = nil
            padding -= 1
        }
        count += padding / 2
        if padding % 2 == 1 { high = 0 }
        if let high {
            data[count] = high << 4
            count += 1
        }
        data.removeLast(data.count - count)
        position = close + 1
        return .string(data, source: start..<position)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    private mutating func parseLiteralString() throws(PDFReadError) -> PDFValue {
        let start = position
        position += 1
        var data: [UInt8] = []
        var nesting = 1
        while position < bytes.count {
            // A run of ordinary bytes is copied at once (at most one byte past the length limit).
            let runStart = position
            let runLimit = min(bytes.count, position + Self.maximumStringLength - data.count + 1)
            while position < runLimit, bytes[position] != UInt8(ascii: "\\"), bytes[position] != UInt8(ascii: "("),
                bytes[position] != UInt8(ascii: ")")
            {
                position += 1
            }
            if position > runStart {
                data += bytes[runStart..<position]
                guard data.count <= Self.maximumStringLength else { throw PDFReadError("a string is too long") }
                continue
            }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): data.append(0x0A)
                case UInt8(ascii: "r"): data.append(0x0D)
                case UInt8(ascii: "t"): data.append(0x09)
                case UInt8(ascii: "b"): data.append(0x08)
                case UInt8(ascii: "f"): data.append(0x0C)
                case 0x30...0x37:
                    var value = Int(escaped - 0x30)
                    for _ in 0..<2 where position < bytes.count && (0x30...0x37).contains(bytes[position]) {
                        value = value * 8 + Int(bytes[position] - 0x30)
                        position += 1
                    }
                    data.append(UInt8(truncatingIfNeeded: value))
                case 0x0A, 0x0D: break
                default: data.append(escaped)
                }
            case UInt8(ascii: "("):
                nesting += 1
                data.append(byte)
            case UInt8(ascii: ")"):
                nesting -= 1
                if nesting == 0 { return .string(data, source: start..<position) }
                data.append(byte)
            default:
                data.append(byte)
            }
            guard data.count <= Self.maximumStringLength else { throw PDFReadError("a string is too long") }
        }
        throw PDFReadError("a literal string is not closed")
    }
}
