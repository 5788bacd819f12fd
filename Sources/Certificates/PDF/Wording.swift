import Assessment

/// The words printed on a certificate, per language.
struct Wording: Sendable {
    let language: CertificateRecord.Language

    func title(_ tier: Tier) -> String {
        switch (language, tier) {
        case (.german, _): tier.germanName
        case (.english, _): tier.englishName
        }
    }

    func subtitle(_ tier: Tier) -> String? {
        switch (language, tier) {
        case (.german, .attendance): nil
        case (.german, .scored): "Leistungsnachweis"
        case (.german, .qualified): "mit ECTS-Leistungspunkten"
        case (.english, .attendance): nil
        case (.english, .scored): "with scores"
        case (.english, .qualified): "with ECTS credits"
        }
    }

    var certify: String { language == .german ? "Hiermit wird bestätigt, dass" : "This is to certify that" }

    func born(_ date: String) -> String {
        language == .german
            ? "geboren am \(DateText.display(date, language: language))"
            : "born on \(DateText.display(date, language: language))"
    }

    var inCourse: String { language == .german ? "am Kurs" : "took part in the course" }

    func offeredBy(_ provider: String) -> String {
        language == .german ? "angeboten von \(provider)" : "offered by \(provider)"
    }

    func period(start: String, end: String, tier: Tier) -> String {
        // No-break spaces keep each date on one line ("3 March 2026" never breaks after "3").
        let from = Self.keptTogether(DateText.display(start, language: language))
        let to = Self.keptTogether(DateText.display(end, language: language))
        switch language {
        case .german:
            let verb = tier == .attendance ? "teilgenommen hat." : "erfolgreich teilgenommen hat."
            return "im Zeitraum vom \(from) bis \(to) \(verb)"
        case .english:
            return tier == .attendance
                ? "from \(from) to \(to)." : "from \(from) to \(to) and completed it successfully."
        }
    }

    var scoreLabel: String {
        language == .german
            ? "Erreichte Punktzahl in Hausaufgaben und Abschlussprüfung" : "Score in homework and final exam"
    }

    func points(_ points: Rational, of maximum: Rational) -> String {
        language == .german
            ? "\(number(points)) von \(number(maximum)) Punkten"
            : "\(number(points)) of \(number(maximum)) points"
    }

    func percent(_ value: Rational) -> String { "\(number(value)) %" }

    func ects(_ credits: Rational) -> String {
        language == .german
            ? "Die teilnehmende Person hat \(number(credits)) ECTS-Leistungspunkte erworben."
            : "The participant has earned \(number(credits)) ECTS credits."
    }

    var ectsUnit: String { "ECTS" }

    var proctoring: String {
        language == .german
            ? "Die Hausaufgaben und die Abschlussprüfung wurden mit Einwilligung der teilnehmenden Person online per Webcam beaufsichtigt (Proctoring)."
            : "The homework and the final exam were supervised online by webcam (proctoring) with the participant's consent."
    }

    func issuedOn(_ date: String) -> String {
        language == .german
            ? "Ausgestellt am \(DateText.display(date, language: language))"
            : "Issued on \(DateText.display(date, language: language))"
    }

    /// The issue line with the last valid day: "Ausgestellt am 01.12.2026 · gültig bis 30.11.2028".
    func issuedOn(_ date: String, validUntil: String?) -> String {
        guard let validUntil else { return issuedOn(date) }
        let until = DateText.display(validUntil, language: language)
        return issuedOn(date) + (language == .german ? " · gültig bis \(until)" : " · valid until \(until)")
    }

    var issuerLabel: String { language == .german ? "Aussteller" : "Issuer" }
    var idLabel: String { language == .german ? "Zertifikats-ID" : "Certificate ID" }
    var verifyLabel: String { language == .german ? "Echtheit prüfen" : "Verify" }

    var signatureNote: String {
        language == .german
            ? "Dieses Dokument ist elektronisch signiert (PAdES). Der QR-Code enthält einen signierten Nachweis, der auch ohne Netzverbindung geprüft werden kann."
            : "This document is electronically signed (PAdES). The QR code holds a signed token that can be checked without a network connection."
    }

    /// `text` with its spaces made no-break spaces (U+00A0), so that line breaking keeps it whole.
    static func keptTogether(_ text: String) -> String {
        ASCIIEdits.replacing(in: text) { $0 == UInt8(ascii: " ") ? "\u{00A0}" : nil }
    }

    /// A rational in the language's spelling: German uses a decimal comma.
    func number(_ value: Rational) -> String {
        let text = value.formatted(places: 2)
        return language == .german ? ASCIIEdits.replacing(in: text) { $0 == UInt8(ascii: ".") ? "," : nil } : text
    }
}
