import Assessment
import Foundation
import Storage

/// The demo course of `campus serve --demo`: made once the demo banks (version 1 of the sample banks) are stored
/// in the demo organisation, with the demo learner enrolled.
enum DemoCourse {
    /// The course's id.
    static let id = "digitale-verwaltung-kompakt"

    /// The final-exam blueprint (the same as `question-banks/examples/ozg-abschluss.blueprint.yaml`).
    static let finalExamBlueprint = """
        pools:
          - { topic: rechtsgrundlagen, count: 3 }
          - { topic: nutzerkonten, count: 3 }
          - { topic: efa, count: 2 }
          - { topic: reifegrad-onceonly, difficulty: medium, count: 2 }
          - { topic: barrierefreiheit, count: 2 }
        shuffleItems: true
        shuffleOptions: true
        timeLimitMinutes: 30
        attemptLimit: 2
        passThreshold: 50

        """

    /// The definition.
    static let definition = CourseDefinition(
        id: id, title: "Digitale Verwaltung kompakt",
        period: .init(start: "2026-09-01", end: "2027-02-28"),
        contentUnits: [
            .init(title: "Einführung: Verwaltung im digitalen Wandel", kind: .video, estimatedMinutes: 15),
            .init(title: "Onlinezugangsgesetz und Portalverbund", kind: .text, estimatedMinutes: 30),
            .init(title: "Datenschutz im Verwaltungsalltag", kind: .text, estimatedMinutes: 25),
            .init(title: "Die E-Akte Schritt für Schritt", kind: .interactive, estimatedMinutes: 20),
            .init(title: "Fallbeispiel: Ein Antrag wird digital", kind: .video, estimatedMinutes: 10),
        ],
        sets: [
            .init(
                id: "hausaufgabe-datenschutz", kind: .homework, title: "Hausaufgabe Datenschutz",
                bank: .init(id: "datenschutz-dsgvo", version: 1),
                items: ["dsgvo-001", "dsgvo-002", "dsgvo-003", "dsgvo-004", "dsgvo-005"]),
            .init(
                id: "selbsttest-e-akte", kind: .selfTest, title: "Selbsttest E-Akte und Schriftgut",
                bank: .init(id: "e-akte-schriftgut", version: 1),
                blueprint: "pools:\n  - { topic: grundsaetze, count: 3 }\n  - { topic: aufbewahrung, count: 2 }\n"),
        ],
        finalExam: .init(bank: .init(id: "ozg-onlinedienste", version: 1), blueprint: finalExamBlueprint),
        thresholds: .init(viewedContent: 50, points: 50), ects: 5)

    /// The demo learner, enrolled in the course.
    static let learner = LearnerEntry(
        learnerID: "lernende", name: "Lena Lernende", email: "lernende@demo-akademie.example", birthDate: "1990-04-12")

    /// Four more learners, those of `question-banks/examples/gradebook-demo-course.json`, so that the example
    /// gradebook issues on the demo course.
    static let classmates = [
        LearnerEntry(
            learnerID: "l-0002", name: "Łukasz Żółć", email: "l-0002@demo-akademie.example", birthDate: "1985-06-02"),
        LearnerEntry(
            learnerID: "l-0003", name: "Ayşe Yılmaz", email: "l-0003@demo-akademie.example", birthDate: "1992-11-23"),
        LearnerEntry(
            learnerID: "l-0004", name: "Đorđe Petrović", email: "l-0004@demo-akademie.example", birthDate: "1978-01-30"),
        LearnerEntry(
            learnerID: "l-0005", name: "Ελένη Παπαδοπούλου", email: "l-0005@demo-akademie.example",
            birthDate: "1988-09-09"),
    ]

    /// Makes the course and enrols the demo learner when the bank versions it pins are stored and the course is
    /// not there yet; returns whether it made it. Several nodes may call it at once: one makes it.
    @discardableResult
    static func make(in database: CampusDatabase) async throws -> Bool {
        let organisation = DemoData.organisation.id
        guard try await database.courses.find(organisation: organisation, id: id) == nil else { return false }
        for pin in definition.pinnedBanks {
            guard try await database.banks.find(organisation: organisation, bankID: pin.id, version: pin.version) != nil
            else { return false }
        }
        do {
            try await database.courses.create(definition, organisation: organisation, actor: "system")
        } catch let error as StorageError where error.code == .conflict {
            return false
        }
        for entry in [learner] + classmates {
            try await database.courses.enrol(entry, course: id, organisation: organisation, actor: "system")
        }
        return true
    }
}
