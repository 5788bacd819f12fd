import Assessment
import Foundation
import Storage
import TestSupport
import Testing

@Suite("Course store")
struct CourseStoreTests {
    /// A sample bank under `question-banks/`, as text.
    static func sampleBank(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../question-banks/\(name).yaml")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Two organisations; `org-a` holds version 1 of the DSGVO and OZG sample banks.
    static func prepare(_ database: CampusDatabase) async throws {
        try await database.write { connection in
            try await database.organisations.create(.init(id: "org-a", name: "A"), actor: "t", in: connection)
            try await database.organisations.create(.init(id: "org-b", name: "B"), actor: "t", in: connection)
        }
        for name in ["datenschutz-dsgvo", "ozg-onlinedienste"] {
            _ = try await database.banks.add(
                organisation: "org-a", bankID: name, title: name, sourceFormat: "yaml", sourceName: "\(name).yaml",
                yaml: try sampleBank(name), itemCount: 40, report: "[]", actor: "anbieter")
            try await database.reviews.decide(
                organisation: "org-a", bankID: name, version: 1, approve: true, comment: "", reviewer: "beirat")
        }
    }

    static let course = CourseDefinition(
        id: "kurs-1", title: "Kurs eins", period: .init(start: "2026-01-01", end: "2026-03-31"),
        contentUnits: [.init(title: "Einführung", kind: .video, estimatedMinutes: 20)],
        sets: [
            .init(
                id: "hausaufgabe-1", kind: .homework, title: "Hausaufgabe",
                bank: .init(id: "datenschutz-dsgvo", version: 1), items: ["dsgvo-001", "dsgvo-002"])
        ],
        finalExam: .init(
            bank: .init(id: "ozg-onlinedienste", version: 1), blueprint: "pools:\n  - { topic: efa, count: 2 }\n"),
        ects: 5)

    @Test(
        "a course is created, updated, found and listed only in its organisation, with audit rows",
        arguments: DatabaseKind.allCases)
    func lifecycle(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await Self.prepare(database)
            let created = try await database.courses.create(Self.course, organisation: "org-a", actor: "anbieter")
            #expect(created.definition == Self.course)
            #expect(try await database.courses.find(organisation: "org-a", id: "kurs-1")?.definition == Self.course)
            #expect(try await database.courses.find(organisation: "org-b", id: "kurs-1") == nil)
            #expect(try await database.courses.list(organisation: "org-b").isEmpty)

            var changed = Self.course
            changed.title = "Kurs eins (neu)"
            changed.thresholds.points = 60
            try await database.courses.update(changed, organisation: "org-a", actor: "anbieter")
            let found = try #require(try await database.courses.find(organisation: "org-a", id: "kurs-1"))
            #expect(found.definition.title == "Kurs eins (neu)" && found.definition.thresholds.points == 60)
            #expect(try await database.courses.list(organisation: "org-a").map(\.definition.id) == ["kurs-1"])

            await #expect(throws: StorageError.self) {
                try await database.courses.update(changed, organisation: "org-b", actor: "ihk")
            }
            await #expect(throws: StorageError.self) {
                try await database.courses.create(Self.course, organisation: "org-a", actor: "anbieter")
            }
            #expect(try await database.audit.entries(.init(action: "course.create")).map(\.target) == ["org-a/kurs-1"])
            #expect(try await database.audit.entries(.init(action: "course.update")).map(\.target) == ["org-a/kurs-1"])
            if case .broken(let seq, let why) = try await database.audit.verify() {
                Issue.record("the audit chain breaks at \(seq): \(why)")
            }
        }
    }

    @Test(
        "a definition is checked against the pinned bank versions of its own organisation",
        arguments: DatabaseKind.allCases)
    func validation(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await Self.prepare(database)
            func problems(_ change: (inout CourseDefinition) -> Void, organisation: String = "org-a") async throws
                -> [CourseProblem]
            {
                var definition = Self.course
                change(&definition)
                do {
                    try await database.courses.create(definition, organisation: organisation, actor: "anbieter")
                    return []
                } catch let error as CourseDefinitionError {
                    return error.problems
                }
            }
            let unknownItem = try await problems { $0.sets[0].items = ["dsgvo-001", "dsgvo-999"] }
            #expect(unknownItem.map(\.field) == ["sets[0].items[1]"])
            #expect(
                unknownItem.first?.message.contains("unknown item id 'dsgvo-999' in bank datenschutz-dsgvo@1") == true)

            let tooMany = try await problems { $0.finalExam?.blueprint = "pools:\n  - { count: 500 }\n" }
            #expect(tooMany.map(\.field) == ["finalExam.blueprint"])
            #expect(tooMany.first?.message.contains("asks for 500 items") == true)

            let backwards = try await problems { $0.period = .init(start: "2026-05-01", end: "2026-04-30") }
            #expect(backwards.map(\.field) == ["period.end"])

            let missingBank = try await problems { $0.sets[0].bank.version = 2 }
            #expect(missingBank.map(\.field) == ["sets[0].bank"])
            #expect(missingBank.first?.message.contains("datenschutz-dsgvo@2") == true)

            let otherOrganisation = try await problems({ _ in }, organisation: "org-b")
            #expect(otherOrganisation.map(\.field) == ["sets[0].bank", "finalExam.bank"])

            let several = try await problems {
                $0.id = "Kurs 1"
                $0.contentUnits[0].estimatedMinutes = 0
                $0.thresholds.viewedContent = 101
                $0.ects = 0
            }
            #expect(
                several.map(\.field) == ["id", "contentUnits[0].estimatedMinutes", "thresholds.viewedContent", "ects"])
            #expect(try await database.courses.list(organisation: "org-a").isEmpty)
            #expect(try await database.audit.entries(.init(action: "course.create")).isEmpty)
        }
    }

    @Test("learners are enrolled once, listed by name, and audited", arguments: DatabaseKind.allCases)
    func enrolments(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await Self.prepare(database)
            try await database.courses.create(Self.course, organisation: "org-a", actor: "anbieter")
            let lena = LearnerEntry(
                learnerID: "lena", name: "Lena L", email: "lena@example.org", birthDate: "1990-04-12")
            let anton = LearnerEntry(
                learnerID: "anton", name: "Anton A", email: "a@example.org", birthDate: "1985-01-31")
            #expect(
                try await database.courses.enrol(lena, course: "kurs-1", organisation: "org-a", actor: "p") == .enrolled
            )
            #expect(
                try await database.courses.enrol([anton, lena], course: "kurs-1", organisation: "org-a", actor: "p")
                    == [.enrolled, .alreadyEnrolled])
            let listed = try #require(try await database.courses.enrolments(course: "kurs-1", organisation: "org-a"))
            #expect(listed.map(\.learner) == [anton, lena])
            #expect(try await database.courses.enrolments(course: "kurs-1", organisation: "org-b") == nil)
            await #expect(throws: StorageError.self) {
                try await database.courses.enrol(lena, course: "kurs-1", organisation: "org-b", actor: "ihk")
            }
            let bad = LearnerEntry(learnerID: "x", name: "X", email: "not-an-address", birthDate: "1990-02-30")
            #expect(bad.problem?.field == "email")
            await #expect(throws: StorageError.self) {
                try await database.courses.enrol(bad, course: "kurs-1", organisation: "org-a", actor: "p")
            }
            #expect(try await database.audit.entries(.init(action: "enrolment.add")).count == 2)
        }
    }
}
