/// A rational is stored as its exact text: a decimal (`"58.5"`) when it has a finite decimal expansion,
/// otherwise a fraction (`"1/3"`). It is never written as a floating-point number.
///
/// Decoding is strict: only a JSON string of the form `-?digits(.digits)?` or `-?digits/digits` is read,
/// within the limits of ``Rational/init(exactText:)`` (±10¹², at most 12 decimals, fraction parts
/// below 2⁵³, denominator > 0). Numbers, exponents, decimal commas and spaces are refused.
extension Rational: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "an exact number must be a string such as \"58.5\" or \"1/3\", not a JSON number")
        }
        guard let value = Rational(storedText: text) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(shown)' is not an exact number; write a decimal such as \"58.5\" or a fraction "
                    + "such as \"1/3\" (denominator > 0, at most 12 decimals, magnitude up to 10^12)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(exactText)
    }

    /// Reads the canonical stored spelling only (see the type's `Codable` conformance); `nil` otherwise.
    public init?(storedText text: String) {
        guard text.count <= 60,
            text.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?/) != nil || text.wholeMatch(of: /-?[0-9]+\/[0-9]+/) != nil,
            let value = Rational(exactText: text)
        else { return nil }
        self = value
    }
}
