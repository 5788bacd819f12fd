import Foundation
import Storage
import TestSupport
import Testing

@Suite("Audit log")
struct AuditLogTests {
    @Test("an intact chain verifies; a row changed in the database is named", arguments: DatabaseKind.allCases)
    func detectsChangedRow(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            for index in 1...5 {
                try await database.audit.append(
                    actor: "admin", action: "test.action", target: "t\(index)", details: "n=\(index)")
            }
            #expect(try await database.audit.verify() == .intact(rows: 5))
            try await database.execute("UPDATE audit_log SET details = 'n=99' WHERE seq = 3")
            guard case .broken(let seq, let why) = try await database.audit.verify() else {
                Issue.record("a changed row went unnoticed")
                return
            }
            #expect(seq == 3)
            #expect(why.contains("changed"))
        }
    }

    @Test("a deleted row and a rewritten chain are both found", arguments: DatabaseKind.allCases)
    func detectsDeletedRow(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            for index in 1...4 {
                try await database.audit.append(actor: "a", action: "x", target: "t\(index)")
            }
            try await database.execute("DELETE FROM audit_log WHERE seq = 2")
            guard case .broken(let seq, let why) = try await database.audit.verify() else {
                Issue.record("a deleted row went unnoticed")
                return
            }
            #expect(seq == 2)
            #expect(why.contains("missing"))
        }
    }

    @Test("concurrent appends form one chain without gaps", arguments: DatabaseKind.allCases)
    func concurrentAppends(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await database.audit.append(actor: "n\(index % 2)", action: "x", target: "\(index)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await database.audit.verify() == .intact(rows: 20))
            #expect(try await database.audit.entries(.init(actor: "n1")).count == 10)
        }
    }
}
