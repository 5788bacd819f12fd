/// A CBOR data item (RFC 8949), the subset compact tokens use: integers, byte and text strings, arrays, maps and
/// tags — no floats, no simple values, no indefinite lengths.
///
/// ``encoded`` writes the core deterministic encoding (RFC 8949 §4.2.1): shortest heads, definite lengths, map
/// keys sorted by their encoded bytes. ``decode(_:maximumDepth:maximumItems:)`` reads hostile input and accepts
/// only that encoding, so that one value has exactly one byte string.
public indirect enum CBOR: Sendable, Equatable {
    /// An unsigned integer (major type 0).
    case unsigned(UInt64)
    /// A negative integer −1 − n (major type 1).
    case negative(UInt64)
    /// A byte string (major type 2).
    case bytes([UInt8])
    /// A UTF-8 text string (major type 3).
    case text(String)
    /// An array (major type 4).
    case array([CBOR])
    /// A map (major type 5), in the order given; ``encoded`` sorts it.
    case map([Pair])
    /// A tagged item (major type 6).
    case tagged(UInt64, CBOR)

    /// One key and value of a map.
    public struct Pair: Sendable, Equatable {
        /// The key.
        public let key: CBOR
        /// The value.
        public let value: CBOR

        /// A pair.
        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    /// An integer of either sign.
    public static func integer(_ value: Int64) -> CBOR {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-(value + 1)))
    }

    /// The integer value, when this is an integer that fits `Int64`.
    public var integerValue: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value <= UInt64(Int64.max) ? -1 - Int64(value) : nil
        default: nil
        }
    }

    /// The value for `key` in a map; `nil` for anything else or a missing key.
    public subscript(key: CBOR) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    // MARK: - Encoding

    /// The core deterministic encoding.
    public var encoded: [UInt8] {
        var output: [UInt8] = []
        write(into: &output)
        return output
    }

    private func write(into output: inout [UInt8]) {
        switch self {
        case .unsigned(let value): Self.head(0, value, into: &output)
        case .negative(let value): Self.head(1, value, into: &output)
        case .bytes(let bytes):
            Self.head(2, UInt64(bytes.count), into: &output)
            output += bytes
        case .text(let text):
            Self.head(3, UInt64(text.utf8.count), into: &output)
            output += text.utf8
        case .array(let items):
            Self.head(4, UInt64(items.count), into: &output)
            for item in items { item.write(into: &output) }
        case .map(let pairs):
            Self.head(5, UInt64(pairs.count), into: &output)
            let sorted = pairs.map { (key: $0.key.encoded, value: $0.value.encoded) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            for pair in sorted { output += pair.key + pair.value }
        case .tagged(let tag, let item):
            Self.head(6, tag, into: &output)
            item.write(into: &output)
        }
    }

    /// The shortest head for major type `major` and argument `value`.
    private static func head(_ major: UInt8, _ value: UInt64, into output: inout [UInt8]) {
        let type = major << 5
        switch value {
        case 0..<24: output.append(type | UInt8(value))
        case 24...0xFF: output += [type | 24, UInt8(value)]
        case 0x100...0xFFFF: output += [type | 25, UInt8(value >> 8), UInt8(value & 0xFF)]
        case 0x1_0000...0xFFFF_FFFF:
            output.append(type | 26)
            for shift in stride(from: 24, through: 0, by: -8) { output.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        default:
            output.append(type | 27)
            for shift in stride(from: 56, through: 0, by: -8) { output.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
        }
    }

    // MARK: - Decoding

    /// Why bytes were refused as CBOR.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, and at which byte.
        public let description: String
    }

    /// Reads exactly one data item from `bytes` in the core deterministic encoding, nested at most
    /// `maximumDepth` levels with at most `maximumItems` items in all.
    ///
    /// Refused: trailing or missing bytes; indefinite lengths; heads longer than needed; floats and simple values;
    /// map keys out of order or repeated; text that is not UTF-8; lengths beyond the input.
    public static func decode(_ bytes: [UInt8], maximumDepth: Int = 8, maximumItems: Int = 256) throws(Problem)
        -> CBOR
    {
        var reader = Reader(bytes: bytes, itemsLeft: maximumItems)
        let item = try reader.item(depthLeft: maximumDepth)
        guard reader.offset == bytes.count else {
            throw Problem(description: "\(bytes.count - reader.offset) bytes follow the CBOR item")
        }
        return item
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var itemsLeft: Int

        mutating func byte() throws(Problem) -> UInt8 {
            guard offset < bytes.count else { throw Problem(description: "the CBOR item ends early") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws(Problem) -> [UInt8] {
            guard count <= UInt64(bytes.count - offset) else {
                throw Problem(description: "a CBOR string at byte \(offset) is longer than the input")
            }
            let end = offset + Int(count)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }

        /// The major type and argument of the next head, which must be as short as possible.
        mutating func head() throws(Problem) -> (major: UInt8, argument: UInt64) {
            let start = offset
            let initial = try byte()
            let major = initial >> 5
            let additional = initial & 0x1F
            let argument: UInt64
            switch additional {
            case 0..<24: argument = UInt64(additional)
            case 24...27:
                let length = 1 << Int(additional - 24)
                var value: UInt64 = 0
                for _ in 0..<length { value = value << 8 | UInt64(try byte()) }
                let minimum: UInt64 = [24, 0x100, 0x1_0000, 0x1_0000_0000][Int(additional - 24)]
                guard value >= minimum else {
                    throw Problem(description: "a CBOR head at byte \(start) is longer than needed (not deterministic)")
                }
                argument = value
            default:
                throw Problem(
                    description: additional == 31
                        ? "indefinite lengths are not allowed (byte \(start))"
                        : "reserved CBOR head value \(additional) at byte \(start)")
            }
            return (major, argument)
        }

        mutating func item(depthLeft: Int) throws(Problem) -> CBOR {
            guard itemsLeft > 0 else { throw Problem(description: "the CBOR item has too many parts") }
            itemsLeft -= 1
            let start = offset
            let (major, argument) = try head()
            switch major {
            case 0: return .unsigned(argument)
            case 1: return .negative(argument)
            case 2: return .bytes(try take(argument))
            case 3:
                let raw = try take(argument)
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw Problem(description: "the CBOR text at byte \(start) is not UTF-8")
                }
                return .text(text)
            case 4, 5, 6:
                guard depthLeft > 0 else { throw Problem(description: "the CBOR item is nested too deeply") }
                // Every element takes at least one byte: a count beyond the input is refused before any allocation.
                guard argument <= UInt64(bytes.count - offset) else {
                    throw Problem(
                        description: "a CBOR container at byte \(start) counts more items than the input holds")
                }
                if major == 6 { return .tagged(argument, try item(depthLeft: depthLeft - 1)) }
                if major == 4 {
                    var items: [CBOR] = []
                    for _ in 0..<argument { items.append(try item(depthLeft: depthLeft - 1)) }
                    return .array(items)
                }
                var pairs: [Pair] = []
                var previousKey: [UInt8]? = nil
                for _ in 0..<argument {
                    let keyStart = offset
                    let key = try item(depthLeft: depthLeft - 1)
                    let keyBytes = Array(bytes[keyStart..<offset])
                    if let previousKey, !previousKey.lexicographicallyPrecedes(keyBytes) {
                        throw Problem(
                            description:
                                "CBOR map keys at byte \(keyStart) are repeated or out of order (not deterministic)")
                    }
                    previousKey = keyBytes
                    pairs.append(Pair(key, try item(depthLeft: depthLeft - 1)))
                }
                return .map(pairs)
            default:
                throw Problem(description: "floats and simple values are not allowed (byte \(start))")
            }
        }
    }
}
