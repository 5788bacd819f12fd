public import CampusCore
import Foundation

/// A course as a provider defines it: period, content units, homework sets and self-tests, the final-exam
/// blueprint, thresholds and ECTS credits. Items come from pinned bank versions, so a later upload of a bank
/// never changes a running course.
///
/// As JSON (numbers for thresholds, ECTS and minutes; `items` or `blueprint` per set):
///
/// ```json
/// {"id": "dv-kompakt", "title": "Digitale Verwaltung kompakt",
///  "period": {"start": "2026-03-01", "end": "2026-06-30"},
///  "contentUnits": [{"title": "Einführung", "kind": "video", "estimatedMinutes": 20}],
///  "sets": [{"id": "hausaufgabe-1", "kind": "homework", "title": "Hausaufgabe 1",
///            "bank": {"id": "datenschutz-dsgvo", "version": 1}, "items": ["dsgvo-001", "dsgvo-002"]}],
///  "finalExam": {"bank": {"id": "ozg-onlinedienste", "version": 1}, "blueprint": "pools: …"},
///  "thresholds": {"viewedContent": 50, "points": 50}, "ects": 5}
/// ```
public struct CourseDefinition: Sendable, Equatable, Codable {
    /// First and last day of the course, `YYYY-MM-DD`.
    public struct Period: Sendable, Equatable, Codable {
        /// First day.
        public var start: String
        /// Last day.
        public var end: String

        /// A period.
        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    /// What a content unit is.
    public enum ContentKind: String, Sendable, Equatable, Codable, CaseIterable {
        /// Reading.
        case text
        /// A video.
        case video
        /// An interactive exercise or simulation.
        case interactive
        /// Anything else.
        case other

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let kind = Self(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be one of text, video, interactive, other")
            }
            self = kind
        }
    }

    /// One piece of course content; the estimated minutes of the units viewed make up the viewed-content share.
    public struct ContentUnit: Sendable, Equatable, Codable {
        /// Title shown to learners.
        public var title: String
        /// Kind of content.
        public var kind: ContentKind
        /// Estimated minutes to work through it (greater than 0).
        public var estimatedMinutes: Int

        /// A content unit.
        public init(title: String, kind: ContentKind, estimatedMinutes: Int) {
            self.title = title
            self.kind = kind
            self.estimatedMinutes = estimatedMinutes
        }
    }

    /// A bank version a course draws from: the bank's id and the stored version number (1, 2, 3 …).
    public struct BankPin: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The bank's id.
        public var id: String
        /// The stored version.
        public var version: Int

        /// A pin.
        public init(id: String, version: Int) {
            self.id = id
            self.version = version
        }

        /// `datenschutz-dsgvo@2`.
        public var description: String { "\(id)@\(version)" }
    }

    /// Whether a set counts towards the points.
    public enum SetKind: String, Sendable, Equatable, Codable, CaseIterable {
        /// Homework: counts towards the points of the scored and qualified tiers.
        case homework
        /// Self-test: practice only, never counts.
        case selfTest

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let kind = Self(rawValue: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be homework or selfTest")
            }
            self = kind
        }
    }

    /// A homework set or self-test: items chosen by id from one bank version, or drawn by a blueprint.
    public struct ItemSet: Sendable, Equatable, Codable {
        /// Id within the course (attempts refer to it).
        public var id: String
        /// Homework or self-test.
        public var kind: SetKind
        /// Title shown to learners.
        public var title: String
        /// The bank version the items come from.
        public var bank: BankPin
        /// Item ids, in order, when chosen by hand.
        public var items: [String]?
        /// A blueprint (YAML or JSON, as `campus exam draw` reads it), when drawn.
        public var blueprint: String?
        /// When homework is due, as an ISO 8601 time with its offset (`2026-05-15T23:59:00+02:00`): no attempt starts
        /// later, and an open attempt ends then. `nil`: due with the course's end.
        public var due: String?

        /// A set; give exactly one of `items` and `blueprint`.
        public init(
            id: String, kind: SetKind, title: String, bank: BankPin, items: [String]? = nil, blueprint: String? = nil,
            due: String? = nil
        ) {
            self.id = id
            self.kind = kind
            self.title = title
            self.bank = bank
            self.items = items
            self.blueprint = blueprint
            self.due = due
        }

        /// The due time as a date, when `due` is given and valid.
        public var dueDate: Date? { due.flatMap(CourseDefinition.parseTime) }
    }

    /// When learners see the results of homework and the final exam.
    public enum ResultsRelease: String, Sendable, Equatable, Codable, CaseIterable {
        /// Right after submission (the default).
        case immediately
        /// Once the window closes: the exam session's end for a supervised exam, the due time for homework, the
        /// course's last day otherwise. Certificates wait for it too. Self-tests always show feedback at once.
        case afterWindow

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let value = Self(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be immediately or afterWindow")
            }
            self = value
        }
    }

    /// The final exam: drawn per learner from a bank version by a blueprint.
    public struct FinalExam: Sendable, Equatable, Codable {
        /// The bank version drawn from.
        public var bank: BankPin
        /// The blueprint (YAML or JSON).
        public var blueprint: String

        /// A final exam.
        public init(bank: BankPin, blueprint: String) {
            self.bank = bank
            self.blueprint = blueprint
        }
    }

    /// The course's thresholds in percent.
    public struct Thresholds: Sendable, Equatable, Codable {
        /// Share of content (by estimated minutes) to view for the attendance tier; default 50.
        public var viewedContent: Decimal
        /// Share of homework and final-exam points for the scored tier; default 50.
        public var points: Decimal

        /// Thresholds; the defaults are the platform's.
        public init(viewedContent: Decimal = 50, points: Decimal = 50) {
            self.viewedContent = viewedContent
            self.points = points
        }

        enum CodingKeys: String, CodingKey { case viewedContent, points }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            viewedContent = try container.decodeIfPresent(Decimal.self, forKey: .viewedContent) ?? 50
            points = try container.decodeIfPresent(Decimal.self, forKey: .points) ?? 50
        }
    }

    /// Course id: 2 to 64 of a–z, 0–9 and `-`, starting with a letter or digit.
    public var id: String
    /// Title.
    public var title: String
    /// First and last day.
    public var period: Period
    /// Content units, in order.
    public var contentUnits: [ContentUnit]
    /// Homework sets and self-tests, in order.
    public var sets: [ItemSet]
    /// The final exam, once defined.
    public var finalExam: FinalExam?
    /// Thresholds.
    public var thresholds: Thresholds
    /// ECTS credits of the qualified certificate, if any.
    public var ects: Decimal?
    /// Months the course's certificates stay valid; `nil`: they never expire.
    public var validForMonths: Int?
    /// Whether learners see all items of a paper on one page or one item per page.
    public var itemsPerPage: ItemsPerPage
    /// When learners see the results of homework and the final exam.
    public var results: ResultsRelease

    /// How a paper is shown to learners.
    public enum ItemsPerPage: String, Sendable, Equatable, Codable, CaseIterable {
        /// Every item on one page (the default).
        case all
        /// One item per page, with buttons to the previous, the next and any item.
        case one
    }

    /// A definition.
    public init(
        id: String, title: String, period: Period, contentUnits: [ContentUnit] = [], sets: [ItemSet] = [],
        finalExam: FinalExam? = nil, thresholds: Thresholds = Thresholds(), ects: Decimal? = nil,
        itemsPerPage: ItemsPerPage = .all, results: ResultsRelease = .immediately, validForMonths: Int? = nil
    ) {
        self.validForMonths = validForMonths
        self.id = id
        self.title = title
        self.period = period
        self.contentUnits = contentUnits
        self.sets = sets
        self.finalExam = finalExam
        self.thresholds = thresholds
        self.ects = ects
        self.itemsPerPage = itemsPerPage
        self.results = results
    }

    enum CodingKeys: String, CodingKey {
        case id, title, period, contentUnits, sets, finalExam, thresholds, ects, itemsPerPage, results, validForMonths
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decode(String.self, forKey: .title)
        period = try container.decode(Period.self, forKey: .period)
        contentUnits = try container.decodeIfPresent([ContentUnit].self, forKey: .contentUnits) ?? []
        sets = try container.decodeIfPresent([ItemSet].self, forKey: .sets) ?? []
        finalExam = try container.decodeIfPresent(FinalExam.self, forKey: .finalExam)
        thresholds = try container.decodeIfPresent(Thresholds.self, forKey: .thresholds) ?? Thresholds()
        ects = try container.decodeIfPresent(Decimal.self, forKey: .ects)
        validForMonths = try container.decodeIfPresent(Int.self, forKey: .validForMonths)
        itemsPerPage = try container.decodeIfPresent(ItemsPerPage.self, forKey: .itemsPerPage) ?? .all
        results = try container.decodeIfPresent(ResultsRelease.self, forKey: .results) ?? .immediately
    }

    /// A time as ISO 8601 with seconds and an offset (`2026-05-15T23:59:00+02:00` or `…Z`), or `nil`.
    public static func parseTime(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        return try? Date(text, strategy: .iso8601)
    }

    /// The end of the course: midnight UTC after its last day, or `nil` when the period's end is not a date.
    public var endsAt: Date? {
        guard CalendarDate.isValid(period.end), let day = try? Date(period.end + "T00:00:00Z", strategy: .iso8601)
        else { return nil }
        return day.addingTimeInterval(86_400)
    }

    // MARK: - Limits

    /// Most content units in a course.
    public static let maximumContentUnits = 500
    /// Most sets in a course.
    public static let maximumSets = 200
    /// Most different bank versions one course draws from.
    public static let maximumPinnedBanks = 20
    /// Most items chosen by hand for one set.
    public static let maximumItemsPerSet = 1_000
    /// Longest blueprint text, in bytes.
    public static let maximumBlueprintBytes = 64 * 1024
    /// Longest title, in characters.
    public static let maximumTitleLength = 200
    /// Most estimated minutes of one content unit (one week).
    public static let maximumMinutes = 10_080

    /// Whether `id` is a usable course or set id: 2 to 64 of a–z, 0–9 and `-`, not starting with `-`.
    public static func isValidID(_ id: String) -> Bool {
        (2...64).contains(id.count) && !id.hasPrefix("-")
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Total estimated minutes of all content units (the whole of the viewed-content share).
    public var totalMinutes: Int { contentUnits.reduce(0) { $0 + $1.estimatedMinutes } }

    /// The viewed-content share in percent, exactly: the estimated minutes of the units viewed (by index) over all
    /// minutes; 0 for a course without content. Indexes outside the course count nothing.
    public func viewedPercent(viewed: Set<Int>) -> Rational {
        guard totalMinutes > 0 else { return Rational(0) }
        let minutes = viewed.filter { contentUnits.indices.contains($0) }.reduce(0) {
            $0 + contentUnits[$1].estimatedMinutes
        }
        return Rational(minutes) * Rational(100) / Rational(totalMinutes)
    }

    /// Every bank version the course draws from, in first-use order.
    public var pinnedBanks: [BankPin] {
        var seen = Set<BankPin>()
        var pins: [BankPin] = []
        for pin in sets.map(\.bank) + (finalExam.map { [$0.bank] } ?? []) where seen.insert(pin).inserted {
            pins.append(pin)
        }
        return pins
    }
}

/// One thing wrong with a course definition: the field (as a JSON path such as `sets[1].items[3]`) and what to do.
public struct CourseProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The field, as a JSON path.
    public var field: String
    /// What is wrong, naming the value.
    public var message: String

    /// A problem.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}

/// A course definition that was refused, with every problem found (the first one is shown first).
public struct CourseDefinitionError: Error, Sendable, CampusFailure, CustomStringConvertible {
    /// Every problem, in field order.
    public let problems: [CourseProblem]

    /// An error with `problems` (not empty).
    public init(_ problems: [CourseProblem]) {
        self.problems = problems
    }

    /// `assessment`.
    public var domainName: String { AssessmentErrorDomain.name }
    /// `invalidCourse`.
    public var codeName: String { "invalidCourse" }
    /// Every problem, one per line.
    public var reason: String { problems.map(\.description).joined(separator: "\n") }
    /// Same as ``reason``.
    public var description: String { reason }
}

extension CourseDefinition {
    /// Decodes a definition from JSON sent by a client: syntax, duplicate keys and types are checked first.
    ///
    /// - Throws: ``CourseDefinitionError`` naming the field.
    public static func decode(json bytes: [UInt8]) throws(CourseDefinitionError) -> CourseDefinition {
        if let syntax = JSONSyntax.problem(in: bytes) {
            let what = syntax.kind == .syntax ? "is not valid JSON" : "has a member twice"
            throw CourseDefinitionError([CourseProblem(field: "body", message: "the course \(what): \(syntax)")])
        }
        do {
            return try JSONDecoder().decode(CourseDefinition.self, from: Data(bytes))
        } catch let error as DecodingError {
            let text = DecodingProblem.describe(error)
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let field = parts.count == 2 && parts[0] != "file" ? parts[0] : "body"
            let message = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : text
            throw CourseDefinitionError([CourseProblem(field: field, message: message)])
        } catch {
            throw CourseDefinitionError([CourseProblem(field: "body", message: "the course is not a JSON object")])
        }
    }

    /// The quality board's rule: homework and the final exam count towards certificates, so they may draw only from
    /// bank versions a reviewer approved; self-tests may use drafts. `approved` says whether a pinned version is.
    public func approvalProblems(approved: (BankPin) -> Bool) -> [CourseProblem] {
        var problems: [CourseProblem] = []
        for (index, set) in sets.enumerated() where set.kind == .homework && !approved(set.bank) {
            problems.append(
                CourseProblem(
                    field: "sets[\(index)].bank",
                    message: "homework counts towards certificates and may use only bank versions the quality board "
                        + "approved; \(set.bank) is not approved (self-tests may use drafts)"))
        }
        if let exam = finalExam, !approved(exam.bank) {
            problems.append(
                CourseProblem(
                    field: "finalExam.bank",
                    message: "the final exam may use only bank versions the quality board approved; \(exam.bank) is "
                        + "not approved"))
        }
        return problems
    }

    /// Every problem of the definition, checked against the bank versions it pins; `bank` returns the parsed bank
    /// of a pinned version, or `nil` when the organisation has no such version.
    public func problems(bank lookup: (BankPin) -> Bank?) -> [CourseProblem] {
        var problems: [CourseProblem] = []
        func add(_ field: String, _ message: String) { problems.append(CourseProblem(field: field, message: message)) }

        if !Self.isValidID(id) {
            add("id", "'\(Self.shown(id))' is not a course id: use 2 to 64 of a-z, 0-9 and -")
        }
        if let message = Self.titleProblem(title) { add("title", message) }
        let startValid = CalendarDate.isValid(period.start)
        let endValid = CalendarDate.isValid(period.end)
        if !startValid { add("period.start", "'\(Self.shown(period.start))' is not a date YYYY-MM-DD") }
        if !endValid { add("period.end", "'\(Self.shown(period.end))' is not a date YYYY-MM-DD") }
        if startValid, endValid, period.end < period.start {
            add("period.end", "the course ends (\(period.end)) before it starts (\(period.start))")
        }

        if contentUnits.count > Self.maximumContentUnits {
            add("contentUnits", "a course has at most \(Self.maximumContentUnits) content units")
        }
        for (index, unit) in contentUnits.prefix(Self.maximumContentUnits).enumerated() {
            if let message = Self.titleProblem(unit.title) { add("contentUnits[\(index)].title", message) }
            if !(1...Self.maximumMinutes).contains(unit.estimatedMinutes) {
                add(
                    "contentUnits[\(index)].estimatedMinutes",
                    "estimated minutes must be a whole number from 1 to \(Self.maximumMinutes) "
                        + "(found \(unit.estimatedMinutes))")
            }
        }

        if sets.count > Self.maximumSets { add("sets", "a course has at most \(Self.maximumSets) sets") }
        if pinnedBanks.count > Self.maximumPinnedBanks {
            add("sets", "a course draws from at most \(Self.maximumPinnedBanks) bank versions")
        }
        var setIDs = Set<String>()
        for (index, set) in sets.prefix(Self.maximumSets).enumerated() {
            let field = "sets[\(index)]"
            if !Self.isValidID(set.id) {
                add("\(field).id", "'\(Self.shown(set.id))' is not a set id: use 2 to 64 of a-z, 0-9 and -")
            } else if set.id == "final-exam" || !setIDs.insert(set.id).inserted {
                add("\(field).id", "the set id '\(set.id)' is used twice (or is the reserved final-exam)")
            }
            if let message = Self.titleProblem(set.title) { add("\(field).title", message) }
            if let due = set.due {
                if set.kind != .homework {
                    add("\(field).due", "only homework is due; a self-test can be taken at any time")
                } else if Self.parseTime(due) == nil {
                    add(
                        "\(field).due",
                        "'\(Self.shown(due))' is not a time: write it as 2026-05-15T23:59:00+02:00 (ISO 8601 with "
                            + "its offset)")
                }
            }
            let found = pinnedBank(set.bank, field: "\(field).bank", lookup: lookup, add: add)
            switch (set.items, set.blueprint) {
            case (let items?, nil):
                checkItems(items, field: "\(field).items", pin: set.bank, bank: found, add: add)
            case (nil, let blueprint?):
                checkBlueprint(blueprint, field: "\(field).blueprint", pin: set.bank, bank: found, add: add)
            default:
                add("\(field).items", "give either items (item ids) or a blueprint, not both and not neither")
            }
        }

        if let exam = finalExam {
            let found = pinnedBank(exam.bank, field: "finalExam.bank", lookup: lookup, add: add)
            checkBlueprint(exam.blueprint, field: "finalExam.blueprint", pin: exam.bank, bank: found, add: add)
        }

        for (field, value) in [
            ("thresholds.viewedContent", thresholds.viewedContent), ("thresholds.points", thresholds.points),
        ] {
            if Self.percentage(value) == nil {
                add(field, "a threshold must be a percentage from 0 to 100 (found \(value))")
            }
        }
        if let ects, Self.credits(ects) == nil {
            add("ects", "ECTS credits must be greater than 0 and at most 60, in steps of 0.1 (found \(ects))")
        }
        if let validForMonths, !CourseRules.validityRange.contains(validForMonths) {
            add(
                "validForMonths",
                "certificates may be valid for 1 to \(CourseRules.validityRange.upperBound) months (found \(validForMonths))"
            )
        }
        return problems
    }

    /// The threshold `value` as an exact percentage, or `nil` when it is not one from 0 to 100.
    public static func percentage(_ value: Decimal) -> Rational? {
        guard let rational = Rational(decimal: value.description), rational >= .zero, rational <= Rational(100)
        else { return nil }
        return rational
    }

    /// The ECTS credits `value` exactly, or `nil` when not greater than 0 and at most 60 in steps of 0.1.
    public static func credits(_ value: Decimal) -> Rational? {
        guard let rational = Rational(decimal: value.description), rational > .zero, rational <= Rational(60),
            (rational * Rational(10)).isInteger
        else { return nil }
        return rational
    }

    /// The grading rules of the course for ``CourseRules/grade(_:)``: its thresholds (the qualified threshold is the
    /// points threshold) and ECTS credits, with `assessments` as the caller computed them from attempts.
    public func rules(assessments: [CourseAssessment]) -> CourseRules {
        let points = Self.percentage(thresholds.points) ?? Rational(50)
        return CourseRules(
            thresholds: Assessment.Thresholds(
                attendance: Self.percentage(thresholds.viewedContent) ?? Rational(50), scored: points,
                qualified: points),
            ects: ects.flatMap(Self.credits), validForMonths: validForMonths, assessments: assessments)
    }

    private func pinnedBank(
        _ pin: BankPin, field: String, lookup: (BankPin) -> Bank?, add: (String, String) -> Void
    ) -> Bank? {
        guard pin.version >= 1, !pin.id.isEmpty, pin.id.count <= 200 else {
            add(field, "a bank is pinned as its id and a version from 1 (found \(Self.shown(pin.id))@\(pin.version))")
            return nil
        }
        guard let found = lookup(pin) else {
            add(field, "bank \(Self.shown(pin.id))@\(pin.version) is not stored for this organisation")
            return nil
        }
        return found
    }

    private func checkItems(
        _ items: [String], field: String, pin: BankPin, bank: Bank?, add: (String, String) -> Void
    ) {
        guard !items.isEmpty else { return add(field, "choose at least one item") }
        guard items.count <= Self.maximumItemsPerSet else {
            return add(field, "a set holds at most \(Self.maximumItemsPerSet) items chosen by id")
        }
        var seen = Set<String>()
        let known = Set(bank?.items.map(\.id) ?? [])
        for (index, item) in items.enumerated() {
            if !seen.insert(item).inserted {
                add("\(field)[\(index)]", "item id '\(Self.shown(item))' is chosen twice")
            } else if bank != nil, !known.contains(item) {
                add("\(field)[\(index)]", "unknown item id '\(Self.shown(item))' in bank \(pin)")
            }
        }
    }

    private func checkBlueprint(
        _ text: String, field: String, pin: BankPin, bank: Bank?, add: (String, String) -> Void
    ) {
        guard text.utf8.count <= Self.maximumBlueprintBytes else {
            return add(field, "a blueprint is at most \(Self.maximumBlueprintBytes / 1024) KB")
        }
        let blueprint: Blueprint
        do {
            blueprint = try Blueprint.parse(text, file: "blueprint")
        } catch {
            return add(field, error.reason)
        }
        guard let bank else { return }
        let total = blueprint.pools.reduce(0) { $0 + $1.count }
        if total > bank.items.count {
            return add(field, "the blueprint asks for \(total) items, but bank \(pin) has \(bank.items.count)")
        }
        for (index, pool) in blueprint.pools.enumerated() {
            let available = bank.items.count(where: {
                (pool.topic == nil || $0.topic == pool.topic)
                    && (pool.difficulty == nil || $0.difficulty == pool.difficulty)
            })
            if available < pool.count {
                return add(
                    field,
                    "pool \(index + 1) (\(pool)) asks for \(pool.count) items, but bank \(pin) has \(available) of them"
                )
            }
        }
        do {
            _ = try ExamDraw(bank: bank, blueprint: blueprint, seed: "course-check")
        } catch {
            add(field, error.reason)
        }
    }

    private static func titleProblem(_ title: String) -> String? {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "the title is empty" }
        if title.count > maximumTitleLength { return "a title is at most \(maximumTitleLength) characters" }
        if title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a title has no control characters (line breaks, tabs)"
        }
        return nil
    }

    /// A value for a message: at most 60 characters, control characters replaced.
    static func shown(_ text: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(60).map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return text.unicodeScalars.count > 60 ? cleaned + "…" : cleaned
    }
}
