/// Small text edits on the issuing path, done on UTF-8 bytes without Foundation's string search (which bridges to
/// `NSString` and cost a twentieth of each certificate's time).
enum ASCIIEdits {
    /// `text` with every ASCII character for which `replacement` gives a text replaced by it. ASCII bytes never occur
    /// inside a multi-byte UTF-8 sequence, so the rest of the text is copied unchanged.
    static func replacing(in text: String, _ replacement: (UInt8) -> String?) -> String {
        var output: [UInt8] = []
        var changed = false
        for byte in text.utf8 {
            if byte < 0x80, let replaced = replacement(byte) {
                if !changed {
                    output.reserveCapacity(text.utf8.count + 16)
                    changed = true
                }
                output.append(contentsOf: replaced.utf8)
            } else {
                output.append(byte)
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// `url` with the scheme and host (everything before the first `/` after `://`) in lower case (`upper` false) or
    /// upper case; a text without `://` is returned as it is.
    static func schemeAndHost(of url: some StringProtocol, upper: Bool) -> String {
        let bytes = Array(url.utf8)
        guard let colon = separatorIndex(in: bytes) else { return String(url) }
        var end = colon + 3
        while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
        var output = bytes
        for index in 0..<end {
            let byte = output[index]
            if upper, byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { output[index] = byte - 32 }
            if !upper, byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { output[index] = byte + 32 }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The index of the `:` of the first `://` in `bytes`.
    private static func separatorIndex(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 3 else { return nil }
        for index in 0...(bytes.count - 3)
        where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
            && bytes[index + 2] == UInt8(ascii: "/")
        {
            return index
        }
        return nil
    }
}
