import Assessment
import Foundation

/// Everything a certificate states, and what its signatures bind.
///
/// The JSON input (`campus issue --record`) uses exactly these field names:
/// `{"id","holder":{"name","birthDate"?},"course":{"title","provider","ects"?,"start","end"},
/// "tier":"attendance|scored|qualified","score":{"points","max"}?,"issued":"YYYY-MM-DD","validUntil":"YYYY-MM-DD"?,
/// "language":"de|en"}`.
/// The issuer name is not part of the input: it comes from the signing certificate.
public struct CertificateRecord: Sendable, Equatable {
    /// Who the certificate is for.
    public struct Holder: Sendable, Equatable, Codable {
        /// Full name as printed.
        public var name: String
        /// Optional date of birth, `YYYY-MM-DD`.
        public var birthDate: String?

        /// Creates a holder.
        public init(name: String, birthDate: String? = nil) {
            self.name = name
            self.birthDate = birthDate
        }
    }

    /// The course the certificate is about.
    public struct Course: Sendable, Equatable, Codable {
        /// Course title.
        public var title: String
        /// Education provider.
        public var provider: String
        /// ECTS credits (qualified tier only).
        public var ects: Rational?
        /// First day, `YYYY-MM-DD`.
        public var start: String
        /// Last day, `YYYY-MM-DD`.
        public var end: String

        /// Creates a course.
        public init(title: String, provider: String, ects: Rational? = nil, start: String, end: String) {
            self.title = title
            self.provider = provider
            self.ects = ects
            self.start = start
            self.end = end
        }
    }

    /// Points reached and available.
    public struct Score: Sendable, Equatable, Codable {
        /// Points reached.
        public var points: Rational
        /// Points available.
        public var maximum: Rational

        /// Creates a score.
        public init(points: Rational, maximum: Rational) {
            self.points = points
            self.maximum = maximum
        }

        /// Points as a percentage of the maximum.
        public var percent: Rational { points.percent(of: maximum) }

        private enum CodingKeys: String, CodingKey {
            case points
            case maximum = "max"
        }
    }

    /// Language of the document.
    public enum Language: String, Sendable, CaseIterable, Codable {
        case german = "de"
        case english = "en"
    }

    /// Certificate id, see ``CertificateID``.
    public var id: String
    /// The holder.
    public var holder: Holder
    /// The course.
    public var course: Course
    /// The tier certified.
    public var tier: Tier
    /// The score (scored and qualified tiers).
    public var score: Score?
    /// Issue date, `YYYY-MM-DD`.
    public var issued: String
    /// The last day the certificate is valid, `YYYY-MM-DD` (a training to refresh); `nil`: it never expires.
    public var validUntil: String?
    /// Document language.
    public var language: Language
    /// Issuer name, taken from the signing certificate.
    public var issuer: String

    /// Creates a record; call ``validate()`` before issuing it.
    public init(
        id: String, holder: Holder, course: Course, tier: Tier, score: Score?, issued: String,
        language: Language = .german, issuer: String, validUntil: String? = nil
    ) {
        self.validUntil = validUntil
        self.id = id
        self.holder = holder
        self.course = course
        self.tier = tier
        self.score = score
        self.issued = issued
        self.language = language
        self.issuer = issuer
    }

    /// Longest holder name, course title or provider accepted, in characters.
    public static let maximumTextLength = 200

    /// Checks the record before it is issued; the error names the field and what is wrong.
    ///
    /// Besides control characters, the holder name, course title, provider and issuer may hold no bidi
    /// controls, line or paragraph separators and zero-width characters (see ``TerminalSafe/Kind``): they
    /// would make a certificate read differently from what it states.
    public func validate() throws(CertificateError) {
        try validate(issuing: true)
    }

    /// Checks the record; with `issuing` false (a record read from a certificate signed earlier), the
    /// invisible characters that only issuing refuses are let through, since a verifier shows them escaped.
    func validate(issuing: Bool) throws(CertificateError) {
        func fail(_ field: String, _ message: String) -> CertificateError {
            CertificateError(.record, "\(field): \(message)")
        }
        guard CertificateID.isValid(id) else {
            throw fail("id", "'\(id)' is not a certificate id (KC- and 12 characters of 0-9, A-Z without I, L, O, U)")
        }
        for (field, value) in [
            ("holder.name", holder.name), ("course.title", course.title), ("course.provider", course.provider),
            ("issuer", issuer),
        ] {
            guard value.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                throw fail(field, "is empty")
            }
            guard value.utf8.count <= Self.maximumTextLength || value.count <= Self.maximumTextLength else {
                throw fail(field, "is longer than \(Self.maximumTextLength) characters")
            }
            // Control characters (general category Cc) always; bidi controls, separators and zero-width
            // characters when issuing.
            if let scalar = value.unicodeScalars.first(where: { scalar in
                guard let kind = TerminalSafe.kind(of: scalar) else { return false }
                return issuing || kind == .control
            }) {
                throw CertificateError(
                    .record,
                    "\(field) contains \(TerminalSafe.describe(scalar)), which is not allowed in a certificate")
            }
        }
        for (field, value) in [("course.start", course.start), ("course.end", course.end), ("issued", issued)]
        where !DateText.isValid(value) {
            throw fail(field, "'\(value)' is not a date YYYY-MM-DD")
        }
        if let validUntil {
            guard DateText.isValid(validUntil) else {
                throw fail("validUntil", "'\(validUntil)' is not a date YYYY-MM-DD")
            }
            guard validUntil >= issued else { throw fail("validUntil", "is before the issue date \(issued)") }
        }
        if let birthDate = holder.birthDate, !DateText.isValid(birthDate) {
            throw fail("holder.birthDate", "'\(birthDate)' is not a date YYYY-MM-DD")
        }
        guard course.start <= course.end else { throw fail("course.end", "is before course.start") }
        switch tier {
        case .attendance:
            guard score == nil else { throw fail("score", "an attendance certificate carries no score") }
        case .scored, .qualified:
            guard let score else { throw fail("score", "a \(tier.rawValue) certificate needs points and max") }
            guard score.maximum > .zero else { throw fail("score.max", "must be greater than 0") }
            guard score.points >= .zero, score.points <= score.maximum else {
                throw fail("score.points", "must be between 0 and score.max")
            }
        }
        if tier == .qualified {
            guard let ects = course.ects, ects > .zero else {
                throw fail("course.ects", "a qualified certificate needs ECTS credits greater than 0")
            }
        } else if course.ects != nil {
            throw fail("course.ects", "only a qualified certificate carries ECTS credits")
        }
    }
}

/// `YYYY-MM-DD` dates as text.
enum DateText {
    static func isValid(_ text: String) -> Bool { CalendarDate.isValid(text) }

    /// `14.03.1979` (German) or `14 March 1979` (English).
    static func display(_ text: String, language: CertificateRecord.Language) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), let day = Int(parts[2]) else { return text }
        switch language {
        case .german:
            return "\(parts[2]).\(parts[1]).\(parts[0])"
        case .english:
            let months = [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ]
            return "\(day) \(months[month - 1]) \(parts[0])"
        }
    }
}
