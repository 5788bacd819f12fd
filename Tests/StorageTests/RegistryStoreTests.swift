import Assessment
import Certificates
import Foundation
import Storage
import TestSupport
import Testing

@Suite("Certificate registry")
struct RegistryStoreTests {
    static func certificate(_ id: String, _ tier: Tier) -> NewCertificate {
        NewCertificate(
            id: id, holderName: "Erika Mustermann", tier: tier, recordHash: String(repeating: "a", count: 64),
            recordJSON: "{}", issued: "2026-12-01", pdf: Array("%PDF-\(id)".utf8))
    }

    static func prepared(_ database: CampusDatabase) async throws {
        try await database.write { connection in
            try await database.organisations.create(.init(id: "org-a", name: "A"), actor: "t", in: connection)
            try await database.organisations.create(.init(id: "org-b", name: "B"), actor: "t", in: connection)
        }
    }

    @Test("issue, keep, upgrade, revoke, refuse and reissue follow the shared rule", arguments: DatabaseKind.allCases)
    func lifecycle(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await Self.prepared(database)
            let registry = database.registry
            func issue(_ id: String, _ tier: Tier, reissue: String? = nil) async throws -> IssueOutcome {
                try await registry.issue(
                    organisation: "org-a", course: "c1", learner: "l1", earned: tier, reissue: reissue,
                    reason: reissue == nil ? nil : "Namensänderung", actor: "anbieter"
                ) { _ in Self.certificate(id, tier) }
            }
            guard case .issued(let first, nil) = try await issue("KC-1", .attendance) else {
                Issue.record("the first certificate was not issued")
                return
            }
            #expect(first.status == .issued)
            guard case .kept(let kept) = try await issue("KC-X", .attendance) else {
                Issue.record("the same tier issued again")
                return
            }
            #expect(kept.id == "KC-1")
            guard case .issued(let second, let superseded?) = try await issue("KC-2", .scored) else {
                Issue.record("a higher tier did not supersede")
                return
            }
            #expect(second.id == "KC-2" && superseded.id == "KC-1" && superseded.replacedBy == "KC-2")
            #expect(try await registry.find(id: "KC-1")?.status == .superseded)
            let revision = try await registry.statusRevision()
            try await registry.revoke(
                id: "KC-2", organisation: "org-a", reason: "Täuschung", date: "2026-12-02", actor: "anbieter")
            #expect(try await registry.statusRevision() == revision + 1)
            guard case .refusedRevoked(let refused) = try await issue("KC-3", .scored) else {
                Issue.record("a revoked learner got a new certificate")
                return
            }
            #expect(refused.id == "KC-2")
            guard case .issued(let reissued, nil) = try await issue("KC-4", .scored, reissue: "KC-2") else {
                Issue.record("the reissue was refused")
                return
            }
            #expect(reissued.reissueOf == "KC-2" && reissued.reason == "Namensänderung")
            #expect(try await registry.statusEntries().map(\.id) == ["KC-1", "KC-2"])
            #expect(try await registry.pdf(id: "KC-4", organisation: "org-a") == Array("%PDF-KC-4".utf8))
            #expect(try await registry.pdf(id: "KC-4", organisation: "org-b") == nil)
            await #expect(throws: StorageError.self) {
                try await registry.revoke(
                    id: "KC-4", organisation: "org-b", reason: "x", date: "2026-12-02", actor: "b")
            }
            #expect(try await database.audit.verify() == .intact(rows: 7))
        }
    }

    @Test("two nodes issuing for the same learner at once make one certificate", arguments: DatabaseKind.allCases)
    func concurrentIssuing(kind: DatabaseKind) async throws {
        let location = try await TestDatabase.make(kind)
        defer { TestDatabase.discard(location) }
        try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { database in
            try await database.migrate()
            try await Self.prepared(database)
        }
        let outcomes = try await withThrowingTaskGroup(of: [IssueOutcome].self) { group in
            for node in 0..<2 {
                group.addTask {
                    try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { database in
                        var outcomes: [IssueOutcome] = []
                        for attempt in 0..<5 {
                            outcomes.append(
                                try await database.registry.issue(
                                    organisation: "org-a", course: "c1", learner: "l1", earned: .scored, reissue: nil,
                                    reason: nil, actor: "node\(node)"
                                ) { _ in Self.certificate("KC-\(node)-\(attempt)", .scored) })
                        }
                        return outcomes
                    }
                }
            }
            return try await group.reduce(into: [IssueOutcome]()) { $0 += $1 }
        }
        let issued = outcomes.filter { if case .issued = $0 { true } else { false } }
        #expect(issued.count == 1)
        #expect(outcomes.count == 10)
        let rows = try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { database in
            try await database.registry.list(organisation: "org-a").count
        }
        #expect(rows == 1)
    }
}
