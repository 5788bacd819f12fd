import Assessment
import Foundation
import SQLKit

/// A course as stored: its organisation and definition, with the times it was made and last changed.
public struct StoredCourse: Sendable, Equatable {
    /// The provider organisation that owns it.
    public var organisation: String
    /// The definition.
    public var definition: CourseDefinition
    /// When it was created, in seconds since 1970.
    public var createdAt: Int64
    /// When it was last changed, in seconds since 1970.
    public var updatedAt: Int64
    /// When its provider closed it (tiers of every learner are decided then), in seconds since 1970.
    public var closedAt: Int64? = nil
}

/// A learner to enrol, as a provider sends it (one form, one JSON object or one CSV row).
public struct LearnerEntry: Sendable, Equatable, Codable {
    /// The learner's id (the learner's sign-in name on this campus).
    public var learnerID: String
    /// Full name as it goes on certificates.
    public var name: String
    /// E-mail address.
    public var email: String
    /// Date of birth, `YYYY-MM-DD` (certificates print it to tell namesakes apart).
    public var birthDate: String

    /// A learner entry.
    public init(learnerID: String, name: String, email: String, birthDate: String) {
        self.learnerID = learnerID
        self.name = name
        self.email = email
        self.birthDate = birthDate
    }

    enum CodingKeys: String, CodingKey {
        case learnerID = "learnerId"
        case name, email, birthDate
    }

    /// The first problem of the entry as `(field, message)`, or `nil` when it can be enrolled. Fields are named as
    /// the CSV header names them (`learner_id`, `name`, `email`, `birth_date`).
    public var problem: (field: String, message: String)? {
        func hasControl(_ text: String) -> Bool {
            text.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        if learnerID.isEmpty || learnerID.count > 200 || hasControl(learnerID)
            || learnerID.unicodeScalars.contains(where: { $0.properties.isWhitespace })
        {
            return ("learner_id", "the learner id must be 1 to 200 characters without spaces")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 200 || hasControl(name) {
            return ("name", "the name must be 1 to 200 characters on one line")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        if email.count > 254 || parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".")
            || parts[1].hasPrefix(".") || parts[1].hasSuffix(".") || hasControl(email)
            || email.unicodeScalars.contains(where: { $0.properties.isWhitespace })
        {
            return ("email", "'\(String(email.prefix(60)))' is not an e-mail address")
        }
        if !CalendarDate.isValid(birthDate) {
            return ("birth_date", "the date of birth '\(String(birthDate.prefix(20)))' is not a date YYYY-MM-DD")
        }
        return nil
    }
}

/// A learner enrolled in a course.
public struct Enrolment: Sendable, Equatable, Codable {
    /// The course.
    public var courseID: String
    /// The learner's id, name, e-mail and date of birth.
    public var learner: LearnerEntry
    /// When, in seconds since 1970.
    public var enrolledAt: Int64
}

/// The courses of all provider organisations and their enrolments. Every read and write is scoped by
/// organisation: a course of another organisation is not found.
public struct CourseStore: Sendable {
    let database: CampusDatabase

    /// Largest stored definition, in bytes of JSON.
    public static let maximumDefinitionBytes = 1024 * 1024

    /// Checks `definition` against the bank versions of `organisation` it pins.
    ///
    /// - Throws: ``CourseDefinitionError`` with every problem.
    public func validate(_ definition: CourseDefinition, organisation: String) async throws {
        var banks: [CourseDefinition.BankPin: Bank] = [:]
        var approved: Set<CourseDefinition.BankPin> = []
        for pin in definition.pinnedBanks.prefix(CourseDefinition.maximumPinnedBanks) where pin.version >= 1 {
            guard
                let stored = try await database.banks.find(
                    organisation: organisation, bankID: pin.id, version: pin.version)
            else { continue }
            let read = BankReader.read(Array(stored.yaml.utf8), file: "\(pin)")
            if let bank = read.bank { banks[pin] = bank }
            if case .approved = try await database.reviews.state(
                organisation: organisation, bankID: pin.id, version: pin.version)
            {
                approved.insert(pin)
            }
        }
        let found = banks
        let approvedPins = approved
        var problems = definition.problems { found[$0] }
        // A pin that names no stored version is reported once, by the lookup above.
        problems += definition.approvalProblems { found[$0] == nil || approvedPins.contains($0) }
        if !problems.isEmpty { throw CourseDefinitionError(problems) }
    }

    /// Creates a course in `organisation` after validating it; audits `course.create`.
    ///
    /// - Throws: ``CourseDefinitionError`` when it is invalid, ``StorageError`` `.conflict` when the id is taken.
    @discardableResult
    public func create(_ definition: CourseDefinition, organisation: String, actor: String) async throws
        -> StoredCourse
    {
        try await validate(definition, organisation: organisation)
        let json = try Self.encode(definition)
        return try await database.write { connection in
            try await database.lock("campus.course.\(definition.id)", in: connection)
            if try await connection.raw("SELECT id FROM courses WHERE id = \(bind: definition.id)").first() != nil {
                throw StorageError(.conflict, "the course id \(definition.id) is taken; choose another")
            }
            let now = Clock.now()
            try await connection.raw(
                """
                INSERT INTO courses (id, organisation_id, title, definition, created_at, updated_at)
                VALUES (\(bind: definition.id), \(bind: organisation), \(bind: definition.title), \(bind: json),
                    \(bind: now), \(bind: now))
                """
            ).run()
            try await database.audit.append(
                actor: actor, action: "course.create", target: "\(organisation)/\(definition.id)",
                details: definition.title, in: connection)
            return StoredCourse(organisation: organisation, definition: definition, createdAt: now, updatedAt: now)
        }
    }

    /// Replaces the definition of a course of `organisation` after validating it; audits `course.update`.
    ///
    /// - Throws: ``CourseDefinitionError`` when it is invalid, ``StorageError`` `.notFound` when `organisation` has
    ///   no course with the definition's id.
    @discardableResult
    public func update(_ definition: CourseDefinition, organisation: String, actor: String) async throws
        -> StoredCourse
    {
        guard try await find(organisation: organisation, id: definition.id) != nil else {
            throw StorageError(.notFound, "no course \(definition.id)")
        }
        try await validate(definition, organisation: organisation)
        let json = try Self.encode(definition)
        return try await database.write { connection in
            try await database.lock("campus.course.\(definition.id)", in: connection)
            guard
                let row = try await connection.raw(
                    """
                    SELECT created_at FROM courses WHERE id = \(bind: definition.id)
                    AND organisation_id = \(bind: organisation)
                    """
                ).first()
            else {
                throw StorageError(.notFound, "no course \(definition.id)")
            }
            let created = try row.decode(column: "created_at", as: Int64.self)
            let now = Clock.now()
            try await connection.raw(
                """
                UPDATE courses SET title = \(bind: definition.title), definition = \(bind: json), updated_at = \(bind: now)
                WHERE id = \(bind: definition.id) AND organisation_id = \(bind: organisation)
                """
            ).run()
            try await database.audit.append(
                actor: actor, action: "course.update", target: "\(organisation)/\(definition.id)",
                details: definition.title, in: connection)
            return StoredCourse(organisation: organisation, definition: definition, createdAt: created, updatedAt: now)
        }
    }

    /// The course `id` of `organisation`, or `nil` (also when another organisation owns it).
    public func find(organisation: String, id: String) async throws -> StoredCourse? {
        try await database.read { connection in
            try await connection.raw(
                "SELECT * FROM courses WHERE id = \(bind: id) AND organisation_id = \(bind: organisation)"
            ).first().map(Self.course)
        }
    }

    /// The courses of `organisation`, by title.
    public func list(organisation: String) async throws -> [StoredCourse] {
        try await database.read { connection in
            try await connection.raw(
                "SELECT * FROM courses WHERE organisation_id = \(bind: organisation) ORDER BY title, id"
            ).all().map(Self.course)
        }
    }

    /// What an enrolment did.
    public enum EnrolOutcome: Sendable, Equatable {
        /// The learner is now enrolled.
        case enrolled
        /// The learner was enrolled already; nothing changed.
        case alreadyEnrolled
    }

    /// Enrols `learner` in course `courseID` of `organisation`; audits `enrolment.add`.
    ///
    /// - Throws: ``StorageError`` `.notFound` when the organisation has no such course, `.conflict` naming the field
    ///   when the entry is invalid.
    @discardableResult
    public func enrol(_ learner: LearnerEntry, course courseID: String, organisation: String, actor: String)
        async throws -> EnrolOutcome
    {
        try await enrol([learner], course: courseID, organisation: organisation, actor: actor)[0]
    }

    /// Enrols several learners in one transaction (a CSV upload); each must be valid (check
    /// ``LearnerEntry/problem`` first). Returns one outcome per learner, in order.
    @discardableResult
    public func enrol(_ learners: [LearnerEntry], course courseID: String, organisation: String, actor: String)
        async throws -> [EnrolOutcome]
    {
        for learner in learners {
            if let problem = learner.problem { throw StorageError(.conflict, "\(problem.field): \(problem.message)") }
        }
        return try await database.write { connection in
            guard
                try await connection.raw(
                    "SELECT id FROM courses WHERE id = \(bind: courseID) AND organisation_id = \(bind: organisation)"
                ).first() != nil
            else {
                throw StorageError(.notFound, "no course \(courseID)")
            }
            try await database.lock("campus.enrolments.\(courseID)", in: connection)
            var outcomes: [EnrolOutcome] = []
            for learner in learners {
                let existing = try await connection.raw(
                    """
                    SELECT learner_id FROM enrolments WHERE course_id = \(bind: courseID)
                    AND learner_id = \(bind: learner.learnerID)
                    """
                ).first()
                guard existing == nil else {
                    outcomes.append(.alreadyEnrolled)
                    continue
                }
                try await connection.raw(
                    """
                    INSERT INTO enrolments (course_id, learner_id, name, email, birth_date, enrolled_at)
                    VALUES (\(bind: courseID), \(bind: learner.learnerID), \(bind: learner.name), \(bind: learner.email),
                        \(bind: learner.birthDate), \(bind: Clock.now()))
                    """
                ).run()
                try await database.audit.append(
                    actor: actor, action: "enrolment.add", target: "\(organisation)/\(courseID)/\(learner.learnerID)",
                    in: connection)
                outcomes.append(.enrolled)
            }
            return outcomes
        }
    }

    /// The learners enrolled in course `courseID` of `organisation`, by name; `nil` when there is no such course.
    /// Records that `learnerID` opened (or marked done) content unit `unit` (its index) of course `courseID`; once.
    public func markViewed(course courseID: String, learner learnerID: String, unit: Int) async throws {
        try await database.write { connection in
            let seen = try await connection.raw(
                """
                SELECT unit_index FROM content_views WHERE course_id = \(bind: courseID)
                AND learner_id = \(bind: learnerID) AND unit_index = \(bind: unit)
                """
            ).first()
            guard seen == nil else { return }
            try await connection.raw(
                """
                INSERT INTO content_views (course_id, learner_id, unit_index, viewed_at)
                VALUES (\(bind: courseID), \(bind: learnerID), \(bind: unit), \(bind: Clock.now()))
                """
            ).run()
        }
    }

    /// The indexes of the content units `learnerID` has viewed in course `courseID`.
    public func viewedUnits(course courseID: String, learner learnerID: String) async throws -> Set<Int> {
        try await database.read { connection in
            Set(
                try await connection.raw(
                    """
                    SELECT unit_index FROM content_views WHERE course_id = \(bind: courseID)
                    AND learner_id = \(bind: learnerID)
                    """
                ).all().map { try $0.decode(column: "unit_index", as: Int.self) })
        }
    }

    public func enrolments(course courseID: String, organisation: String) async throws -> [Enrolment]? {
        try await database.read { connection in
            guard
                try await connection.raw(
                    "SELECT id FROM courses WHERE id = \(bind: courseID) AND organisation_id = \(bind: organisation)"
                ).first() != nil
            else { return nil }
            return try await connection.raw(
                "SELECT * FROM enrolments WHERE course_id = \(bind: courseID) ORDER BY name, learner_id"
            ).all().map { row in
                Enrolment(
                    courseID: try row.decode(column: "course_id", as: String.self),
                    learner: LearnerEntry(
                        learnerID: try row.decode(column: "learner_id", as: String.self),
                        name: try row.decode(column: "name", as: String.self),
                        email: try row.decode(column: "email", as: String.self),
                        birthDate: try row.decode(column: "birth_date", as: String.self)),
                    enrolledAt: try row.decode(column: "enrolled_at", as: Int64.self))
            }
        }
    }

    static func encode(_ definition: CourseDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(definition)
        guard data.count <= maximumDefinitionBytes else {
            throw CourseDefinitionError([
                CourseProblem(field: "body", message: "a course definition is at most 1 MB of JSON")
            ])
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func course(_ row: any SQLRow) throws -> StoredCourse {
        let id = try row.decode(column: "id", as: String.self)
        let json = try row.decode(column: "definition", as: String.self)
        let definition: CourseDefinition
        do {
            definition = try JSONDecoder().decode(CourseDefinition.self, from: Data(json.utf8))
        } catch {
            throw StorageError(.corrupt, "the stored definition of course \(id) cannot be read: \(error)")
        }
        return StoredCourse(
            organisation: try row.decode(column: "organisation_id", as: String.self), definition: definition,
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            updatedAt: try row.decode(column: "updated_at", as: Int64.self),
            closedAt: try row.decode(column: "closed_at", as: Int64?.self))
    }

    /// Closes `organisation`'s course `id` at `now` (once; a closed course stays closed), audited as `course.close`.
    /// Returns whether it was open until now.
    @discardableResult
    public func close(organisation: String, id: String, actor: String, at now: Int64) async throws -> Bool {
        try await database.write { connection in
            try await database.lock("campus.course.\(id)", in: connection)
            guard
                let row = try await connection.raw(
                    "SELECT * FROM courses WHERE organisation_id = \(bind: organisation) AND id = \(bind: id)"
                ).first()
            else {
                throw StorageError(.notFound, "no course \(id)")
            }
            guard try Self.course(row).closedAt == nil else { return false }
            try await connection.raw(
                "UPDATE courses SET closed_at = \(bind: now) WHERE organisation_id = \(bind: organisation) AND id = \(bind: id)"
            ).run()
            try await database.audit.append(
                actor: actor, action: "course.close", target: id, details: "organisation \(organisation)",
                in: connection)
            return true
        }
    }
}

extension CampusDatabase {
    /// The courses of this database.
    public var courses: CourseStore { CourseStore(database: self) }
}
