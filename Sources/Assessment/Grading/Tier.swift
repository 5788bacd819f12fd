/// The certificate tiers of the platform, lowest first.
public enum Tier: String, Sendable, Codable, CaseIterable, Comparable {
    /// Teilnahmebestätigung: content viewed at or above the attendance threshold.
    case attendance
    /// Teilnahmebestätigung mit Punktzahlen: homework plus final exam points at or above the threshold.
    case scored
    /// Qualifiziertes Zertifikat: scored threshold met with every counted homework and the final exam
    /// proctored with the learner's consent; carries the course's ECTS credits.
    case qualified

    /// The German name printed on certificates.
    public var germanName: String {
        switch self {
        case .attendance: "Teilnahmebestätigung"
        case .scored: "Teilnahmebestätigung mit Punktzahlen"
        case .qualified: "Qualifiziertes Zertifikat"
        }
    }

    /// The English name.
    public var englishName: String {
        switch self {
        case .attendance: "Confirmation of Participation"
        case .scored: "Record of Achievement"
        case .qualified: "Qualified Certificate"
        }
    }

    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Per-course thresholds, as percentages.
public struct Thresholds: Sendable, Equatable, Codable {
    /// Share of course content to view for attendance (default 50 %).
    public var attendance: Rational
    /// Share of homework + final exam points for the scored record (default 50 %).
    public var scored: Rational
    /// Share of points for the qualified certificate (default: the scored threshold).
    public var qualified: Rational

    /// Creates thresholds; the defaults are the platform's.
    public init(attendance: Rational = Rational(50), scored: Rational = Rational(50), qualified: Rational? = nil) {
        self.attendance = attendance
        self.scored = scored
        self.qualified = qualified ?? scored
    }
}
