import Assessment
/// Numbers and grade fractions as Moodle XML writes them.
enum MoodleNumber {
    /// Most fractional digits (after applying an exponent) accepted in a number from the file.
    static let maximumScale = 12
    /// Most significant digits accepted.
    static let maximumDigits = 15

    /// The exact value of a decimal such as `1.0000000`, `-33.33333`, `0,5` or `1e-3`; `nil` for anything else
    /// or for more digits than the bank's exact arithmetic is made for.
    static func decimal(_ text: some StringProtocol) -> Rational? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 40 else { return nil }
        var mantissa = Substring(trimmed)
        if mantissa.first == "-" || mantissa.first == "+" { mantissa = mantissa.dropFirst() }
        var exponent = 0
        if let marker = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(mantissa[mantissa.index(after: marker)...]), abs(value) <= 12 else { return nil }
            exponent = value
            mantissa = mantissa[..<marker]
        }
        let separator = mantissa.firstIndex { $0 == "." || $0 == "," }
        let whole = separator.map { mantissa[..<$0] } ?? mantissa
        let fraction = separator.map { mantissa[mantissa.index(after: $0)...] } ?? ""
        guard !(whole.isEmpty && fraction.isEmpty),
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let significant = (whole + fraction).drop { $0 == "0" }
        guard significant.count <= maximumDigits, fraction.count - exponent <= maximumScale else { return nil }
        return Rational(decimal: trimmed)
    }

    /// `value` as decimal text (`3333333/10000000` → `0.3333333`).
    static func text(_ value: Rational) -> String {
        value.exactText
    }
}

/// Moodle's grade fractions: the values its question editor offers for an answer's grade.
///
/// Mirrors `question_bank::fraction_options_full()` (1, 0.9, 0.8333333, ... 0.05, 0 and their negatives) and
/// the check of `match_grade_options()` in `error` mode: a fraction counts as one of them when it is less than
/// 0.00001 away, so older exports' `33.333` or `66.666` (percent) still match.
enum MoodleGrades {
    static let fractions: [Rational] = {
        let positive = [
            "1", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333", "0.3",
            "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05",
        ].compactMap { Rational(decimal: $0) }
        return [.zero] + positive + positive.map { .zero - $0 }
    }()

    private static let tolerance = Rational(1, 100_000)

    /// Whether `fraction` is (within Moodle's tolerance) one of the editor's grade values.
    static func isStandard(_ fraction: Rational) -> Bool {
        fractions.contains { ($0 - fraction).magnitude < tolerance }
    }

    /// The fraction of an `<answer fraction="...">` attribute, which holds a percentage; 0 when absent.
    static func fraction(percent spelled: String?) -> Rational? {
        guard let spelled, !spelled.trimmingCharacters(in: .whitespaces).isEmpty else { return .zero }
        guard let percent = MoodleNumber.decimal(spelled) else { return nil }
        return percent / Rational(100)
    }
}
