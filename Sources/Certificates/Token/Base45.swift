/// Base45 (RFC 9285): bytes as text in the 45 characters of the QR code's alphanumeric mode
/// (`0-9 A-Z`, space, `$ % * + - . / :`), two bytes in three characters.
public enum Base45 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
    /// The value of each ASCII character in the alphabet, −1 for the others.
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    /// The Base45 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2 * 3 + 2)
        var index = 0
        while index + 1 < bytes.count {
            var value = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            for _ in 0..<3 {
                output.append(alphabet[value % 45])
                value /= 45
            }
            index += 2
        }
        if index < bytes.count {
            let value = Int(bytes[index])
            output += [alphabet[value % 45], alphabet[value / 45]]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of Base45 `text`; `nil` for a character outside the alphabet, a length of 3n + 1, or a group
    /// whose value no bytes have (over 65535, or over 255 for a final pair) — each text has one reading only.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 3 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count / 3 * 2 + 1)
        var index = 0
        while index < characters.count {
            let count = min(3, characters.count - index)
            var value = 0
            var factor = 1
            for offset in 0..<count {
                let character = characters[index + offset]
                guard character < 128, case let digit = values[Int(character)], digit >= 0 else { return nil }
                value += Int(digit) * factor
                factor *= 45
            }
            if count == 3 {
                guard value <= 0xFFFF else { return nil }
                output += [UInt8(value >> 8), UInt8(value & 0xFF)]
            } else {
                guard value <= 0xFF else { return nil }
                output.append(UInt8(value))
            }
            index += count
        }
        return output
    }
}
