/// Certificate ids: `KC-` followed by 12 Crockford base32 characters (60 random bits).
///
/// Short enough to type, unguessable, and free of the easily confused letters I, L, O and U.
public enum CertificateID {
    /// Crockford's base32 alphabet.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new random id.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var value = generator.next() >> 4  // 60 bits
        var characters = [UInt8](repeating: 0, count: 12)
        for index in stride(from: 11, through: 0, by: -1) {
            characters[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        return "KC-" + String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` is a well-formed id (upper case, exactly 12 Crockford characters after `KC-`).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 15, text.hasPrefix("KC-") else { return false }
        return bytes[3...].allSatisfy { alphabet.contains($0) }
    }
}
