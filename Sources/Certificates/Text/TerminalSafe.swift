/// Text from a document, token or certificate, made safe to print on a terminal.
///
/// Such text is hostile: an escape sequence can move the cursor and overwrite a verdict, a bidi override can
/// reorder what a reader sees, a line separator can start a line that looks like ours, and a zero-width
/// character can make two different names look alike. ``text(_:)`` shows every such character as a Swift-style
/// escape (`\u{1B}`), so what is printed is what the text holds.
public enum TerminalSafe {
    /// The kinds of characters that never reach a terminal as they are.
    public enum Kind: Sendable, Equatable {
        /// C0 controls (U+0000–U+001F, ESC included), DEL (U+007F) and C1 controls (U+0080–U+009F).
        case control
        /// Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks U+200E,
        /// U+200F and U+061C.
        case bidi
        /// LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029).
        case separator
        /// Zero-width characters: U+200B–U+200D, U+2060 and U+FEFF.
        case zeroWidth
    }

    /// The kind of `scalar` when it must not reach a terminal as it is, nil when it may.
    public static func kind(of scalar: Unicode.Scalar) -> Kind? {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: .control
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: .bidi
        case 0x2028, 0x2029: .separator
        case 0x200B...0x200D, 0x2060, 0xFEFF: .zeroWidth
        default: nil
        }
    }

    /// `text` with every character of a ``Kind`` written as `\u{HEX}` (upper-case hex, no leading zeros).
    ///
    /// The result holds none of those characters, and applying the function again changes nothing.
    public static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { kind(of: $0) != nil }) else { return text }
        var safe = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if kind(of: scalar) == nil {
                safe.append(scalar)
            } else {
                safe.append(contentsOf: escape(scalar).unicodeScalars)
            }
        }
        return String(safe)
    }

    /// `\u{HEX}` for `scalar`.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `U+202E (RIGHT-TO-LEFT OVERRIDE)`: the code point and its Unicode name, for messages.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if let name = scalar.properties.name ?? scalar.properties.nameAlias { return "\(code) (\(name))" }
        return kind(of: scalar) == .control ? "\(code) (a control character)" : code
    }
}
