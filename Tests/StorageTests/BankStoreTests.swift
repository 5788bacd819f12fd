import Foundation
import Storage
import TestSupport
import Testing

@Suite("Bank versions")
struct BankStoreTests {
    @Test(
        "a new upload is a new version; the same content again stores nothing; other organisations see none",
        arguments: DatabaseKind.allCases)
    func versions(kind: DatabaseKind) async throws {
        try await TestDatabase.migrated(kind) { database in
            try await database.write { connection in
                try await database.organisations.create(.init(id: "org-a", name: "A"), actor: "t", in: connection)
                try await database.organisations.create(.init(id: "org-b", name: "B"), actor: "t", in: connection)
            }
            func add(_ yaml: String) async throws -> (version: BankVersion, isNew: Bool) {
                try await database.banks.add(
                    organisation: "org-a", bankID: "dsgvo", title: "DSGVO", sourceFormat: "yaml", sourceName: "d.yaml",
                    yaml: yaml, itemCount: 1, report: "[]", actor: "anbieter")
            }
            let first = try await add("id: dsgvo\n")
            let second = try await add("id: dsgvo\ntitle: x\n")
            let again = try await add("id: dsgvo\ntitle: x\n")
            #expect(first.version.version == 1 && first.isNew)
            #expect(second.version.version == 2 && second.isNew)
            #expect(again.version.version == 2 && !again.isNew)
            #expect(try await database.banks.versions(organisation: "org-a", bankID: "dsgvo").map(\.version) == [2, 1])
            #expect(
                try await database.banks.find(organisation: "org-a", bankID: "dsgvo", version: 1)?.yaml == "id: dsgvo\n"
            )
            #expect(try await database.banks.find(organisation: "org-b", bankID: "dsgvo", version: 1) == nil)
            #expect(try await database.banks.latestVersions(organisation: "org-a").map(\.version) == [2])
            #expect(try await database.banks.latestVersions(organisation: "org-b").isEmpty)
            #expect(try await database.audit.entries(.init(action: "bank.upload")).count == 2)
        }
    }
}
