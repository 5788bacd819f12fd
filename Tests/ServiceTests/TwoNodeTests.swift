import Foundation
import HTTPTypes
import NIOCore
import Storage
import TestSupport
import Testing

@testable import Service

/// Two `campus serve` nodes on one PostgreSQL database: nothing one needs lives in the other's memory.
@Suite("Two nodes on one database")
struct TwoNodeTests {
    @Test(
        "a session made on one node is valid on the other; both issuing one gradebook at once make each certificate once"
    )
    func twoNodes() async throws {
        let location = try await TestDatabase.make(.postgresql)
        let keys = try IssuerKeys.development()
        try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { first in
            try await CampusDatabase.withOpened(location, logger: TestDatabase.logger) { second in
                try await Harness.serve(database: first, keys: keys) { one in
                    try await Harness.serve(database: second, keys: keys) { two in
                        // The second node found the accounts the first made: it printed none.
                        #expect(two.passwords.isEmpty)
                        var browser = try await one.signIn("anbieter")
                        let page = try await two.send(.get, "/provider/certificates", as: &browser)
                        #expect(page.status == .ok, "the session made on node one is unknown on node two")

                        let headers = try await CourseRoutesTests.bearer(one, "anbieter")
                        async let fromOne = CertificateRoutesTests.issue(one, headers: headers)
                        async let fromTwo = CertificateRoutesTests.issue(two, headers: headers)
                        let answers = try await [fromOne, fromTwo]
                        let issued = try answers.map { try CourseRoutesTests.json($0)["issued"] as? Int ?? -1 }
                        let rows = try await one.site.database.registry.list(organisation: "demo-akademie")
                        #expect(rows.count == issued.reduce(0, +), "\(issued)")
                        #expect(Set(rows.map(\.learner)).count == rows.count, "a learner got two certificates")
                        #expect(rows.count >= 2)
                    }
                }
            }
        }
    }
}
