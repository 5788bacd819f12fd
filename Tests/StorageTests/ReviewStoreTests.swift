import Assessment
import Foundation
import Storage
import TestSupport
import Testing

/// The quality board's decisions on bank versions, and the rule that counted exams use approved versions only.
@Suite("Review store")
struct ReviewStoreTests {
    static func prepare(_ database: CampusDatabase) async throws {
        try await database.write { connection in
            try await database.organisations.create(.init(id: "org-a", name: "A"), actor: "t", in: connection)
        }
        for version in 1...2 {
            _ = try await database.banks.add(
                organisation: "org-a", bankID: "datenschutz-dsgvo", title: "Datenschutz \(version)",
                sourceFormat: "yaml", sourceName: "datenschutz-dsgvo.yaml",
                yaml: try CourseStoreTests.sampleBank("datenschutz-dsgvo").replacingOccurrences(
                    of: "\ntitle: ", with: "\ntitle: V\(version) "),
                itemCount: 40, report: "[]", actor: "anbieter")
        }
    }

    @Test(
        "a version is a draft until decided once; sending back needs a reason; every step is audited",
        arguments: DatabaseKind.allCases)
    func decisions(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await Self.prepare(database)
            let reviews = database.reviews
            #expect(try await reviews.state(organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1) == .draft)
            #expect(try await reviews.pending().map(\.version) == [1, 2])
            try await reviews.comment(
                organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1, itemID: "dsgvo-001",
                text: "  Zu leicht.  ", reviewer: "beirat")
            #expect(
                try await reviews.comments(organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1).map(
                    \.comment) == ["Zu leicht."])
            await #expect(throws: StorageError.self) {
                try await reviews.decide(
                    organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1, approve: false, comment: " ",
                    reviewer: "beirat")
            }
            try await reviews.decide(
                organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1, approve: false,
                comment: "Bitte überarbeiten.", reviewer: "beirat")
            let returned = try await reviews.state(organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1)
            #expect(returned.word == "returned")
            #expect(returned.decision?.comment == "Bitte überarbeiten.")
            do {
                try await reviews.decide(
                    organisation: "org-a", bankID: "datenschutz-dsgvo", version: 1, approve: true, comment: "",
                    reviewer: "beirat")
                Issue.record("a decided version was decided again")
            } catch let error as StorageError {
                #expect(error.code == .conflict)
            }
            do {
                try await reviews.comment(
                    organisation: "org-a", bankID: "datenschutz-dsgvo", version: 9, itemID: "x", text: "x",
                    reviewer: "beirat")
                Issue.record("a comment on a missing version was stored")
            } catch let error as StorageError {
                #expect(error.code == .notFound)
            }
            #expect(try await reviews.pending().map(\.version) == [2])
            let audit = try await database.audit.entries(.init(actor: "beirat"))
            #expect(Set(audit.map(\.action)) == ["bank.comment", "bank.return"])
            if case .broken(let seq, let why) = try await database.audit.verify() {
                Issue.record("the audit chain broke at \(seq): \(why)")
            }
        }
    }

    @Test(
        "homework and the final exam need an approved version; a self-test may use a draft",
        arguments: DatabaseKind.allCases)
    func approvalRule(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await Self.prepare(database)
            var course = CourseDefinition(
                id: "kurs-1", title: "Kurs", period: .init(start: "2026-01-01", end: "2026-03-31"),
                contentUnits: [.init(title: "Lesen", kind: .text, estimatedMinutes: 10)],
                sets: [
                    .init(
                        id: "hausaufgabe", kind: .homework, title: "Hausaufgabe",
                        bank: .init(id: "datenschutz-dsgvo", version: 2), items: ["dsgvo-001"])
                ])
            func fields() async throws -> [String] {
                do {
                    try await database.courses.validate(course, organisation: "org-a")
                    return []
                } catch let error as CourseDefinitionError {
                    return error.problems.map(\.field)
                }
            }
            #expect(try await fields() == ["sets[0].bank"])
            course.sets[0].kind = .selfTest
            #expect(try await fields() == [])
            course.finalExam = .init(
                bank: .init(id: "datenschutz-dsgvo", version: 2), blueprint: "pools:\n  - { count: 2 }\n")
            #expect(try await fields() == ["finalExam.bank"])
            course.sets[0].kind = .homework
            try await database.reviews.decide(
                organisation: "org-a", bankID: "datenschutz-dsgvo", version: 2, approve: true, comment: "",
                reviewer: "beirat")
            #expect(try await fields() == [])
        }
    }
}
