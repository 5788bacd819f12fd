import Foundation

/// Why a number spelled in a bank file was refused, in words a provider can act on.
///
/// Bank numbers are read exactly (``Rational``): decimals within ±10¹² with at most 12 decimal
/// places, or fractions such as `1/3` with numerator and denominator below 2⁵³. YAML also spells
/// floats that have no exact value (`.nan`, `.inf`, `1e308`); those get a message that says so
/// instead of a bare "not a number".
enum NumberText {
    /// Largest magnitude of a number in a bank file.
    static let maximumMagnitude = "1000000000000"

    /// The message for `spelled`, which ``Rational/init(exactText:)`` did not accept, read as `what`;
    /// `otherwise` says what the field needs when `spelled` does not look like a number at all.
    static func rejection(of spelled: String, what: String, otherwise: String = "is not a number") -> String {
        let text = spelled.trimmingCharacters(in: .whitespaces)
        let lowered = text.lowercased()
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        if [".nan", "nan", ".inf", "+.inf", "-.inf", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"]
            .contains(lowered)
        {
            return "\(what) '\(shown)' is not a finite number; write a decimal such as 2 or 0.5"
        }
        if text.wholeMatch(of: /[+-]?[0-9]+\/[+-]?[0-9]+/) != nil {
            return "\(what) '\(shown)' is out of range; a fraction needs a denominator greater than 0, "
                + "and numerator and denominator below 9007199254740992 (2^53)"
        }
        if let match = text.wholeMatch(of: /[+-]?([0-9]*)(?:[.,]([0-9]*))?(?:[eE]([+-]?[0-9]+))?/),
            !(match.1.isEmpty && (match.2 ?? "").isEmpty)
        {
            if text.contains(",") {
                return "\(what) '\(shown)' uses a decimal comma; write a decimal point, e.g. 0.5"
            }
            return "\(what) '\(shown)' is out of range; numbers must lie between -\(maximumMagnitude) and "
                + "\(maximumMagnitude) and have at most 12 decimal places"
        }
        if lowered.hasPrefix("0x") || lowered.hasPrefix("0o") || lowered.hasPrefix("0b") {
            return "\(what) '\(shown)' is not a decimal number; write it in decimal digits"
        }
        return "\(what) '\(shown)' \(otherwise)"
    }
}
