import Assessment
import Certificates
import Foundation
import Testing

@Suite("issue decision and certificate registry")
struct IssueDecisionTests {
    typealias Entry = CertificateRegistry.Entry

    let scored = Entry(
        learner: "l-1", name: "Ayşe Yılmaz", id: "KC-AAAAAAAAAAAA", tier: .scored, file: "out/l-1.pdf",
        course: "dsgvo", issued: "2026-12-04")
    let qualified = Entry(
        learner: "l-1", name: "Ayşe Yılmaz", id: "KC-BBBBBBBBBBBB", tier: .qualified, file: "out/l-1.pdf",
        course: "dsgvo", issued: "2026-12-10")

    func decide(
        _ held: [Entry], earned: Tier, list: [StatusList.Entry] = [], reissue: String? = nil
    ) -> IssueDecision {
        IssueDecision.decide(
            held: held, status: { id in list.first { $0.id == id } }, earned: earned, reissue: reissue)
    }

    func revoked(_ id: String) -> StatusList.Entry {
        StatusList.Entry(id: id, status: .revoked, date: "2026-12-05", reason: "exam voided")
    }

    @Test("a learner without a certificate gets one")
    func new() {
        #expect(decide([], earned: .attendance) == .issue)
    }

    @Test("the same tier again keeps the certificate")
    func sameTier() {
        #expect(decide([scored], earned: .scored) == .keep(scored))
    }

    @Test("a higher tier now met is issued and supersedes the old one")
    func higherTier() {
        #expect(decide([scored], earned: .qualified) == .upgrade(supersede: scored))
    }

    @Test("a lower tier now met keeps the higher certificate already issued")
    func lowerTier() {
        #expect(decide([qualified], earned: .attendance) == .keep(qualified))
    }

    @Test("a revoked certificate is not issued again")
    func revokedRefused() {
        #expect(decide([scored], earned: .qualified, list: [revoked(scored.id)]) == .refuseRevoked(scored))
        // Naming another id to reissue does not help.
        #expect(
            decide([scored], earned: .scored, list: [revoked(scored.id)], reissue: qualified.id)
                == .refuseRevoked(scored))
        // Revoked as recorded in the registry itself, without a list.
        var marked = scored
        marked.status = .revoked
        #expect(decide([marked], earned: .scored) == .refuseRevoked(marked))
    }

    @Test("a revoked certificate named by --reissue is issued again")
    func reissued() {
        #expect(
            decide([scored], earned: .scored, list: [revoked(scored.id)], reissue: scored.id)
                == .reissue(revoked: scored))
    }

    @Test("a superseded entry gives way to its replacement; superseded only, a new one is issued")
    func supersededEntry() {
        let list = [
            StatusList.Entry(
                id: scored.id, status: .superseded, date: "2026-12-10", reason: "higher tier",
                replacedBy: qualified.id)
        ]
        #expect(decide([scored, qualified], earned: .qualified, list: list) == .keep(qualified))
        #expect(decide([scored, qualified], earned: .scored, list: list) == .keep(qualified))
        var marked = scored
        marked.status = .superseded
        #expect(decide([marked, qualified], earned: .qualified) == .keep(qualified))
        #expect(decide([marked], earned: .scored) == .issue)
        // A reissued certificate is the current one after the revoked one.
        #expect(decide([scored, qualified], earned: .qualified, list: [revoked(scored.id)]) == .keep(qualified))
    }

    @Test("issued.json of the old format reads, and round-trips with the new fields")
    func oldFormat() throws {
        let old = """
            [
              {"file": "out/l-0001.pdf", "id": "KC-7Q2M9X4D1HBW", "learner": "l-0001", "name": "Jürgen", "tier": "qualified"}
            ]
            """
        let registry = try CertificateRegistry.parse(Array(old.utf8))
        let entry = try #require(registry.entry(id: "KC-7Q2M9X4D1HBW"))
        #expect(entry.state == .issued)
        #expect(entry.course == nil)
        #expect(registry.entries(learner: "l-0001", course: "any").count == 1)
        var updated = registry
        updated.record(scored)
        updated.markSuperseded(scored.id, by: qualified.id)
        let again = try CertificateRegistry.parse(updated.encoded())
        #expect(again == updated)
        #expect(again.entry(id: scored.id)?.replacedBy == qualified.id)
        #expect(again.entries(learner: "l-1", course: "other").isEmpty)
    }

    @Test("a damaged or foreign registry is an error, not an empty registry")
    func foreign() {
        for text in [
            "{\"entries\":[]}", "[{\"id\":\"KC-7Q2M9X4D1HBW\"}]", "not json",
            "[{\"id\":\"x\",\"learner\":\"l\",\"name\":\"n\",\"tier\":\"scored\"}]",
            "[{\"id\":\"KC-7Q2M9X4D1HBW\",\"learner\":\"l\",\"name\":\"n\",\"tier\":\"gold\"}]",
        ] {
            #expect(throws: CertificateError.self, "\(text)") { try CertificateRegistry.parse(Array(text.utf8)) }
        }
        let twice =
            "["
            + Array(repeating: #"{"id":"KC-7Q2M9X4D1HBW","learner":"l","name":"n","tier":"scored"}"#, count: 2)
            .joined(separator: ",") + "]"
        #expect(throws: CertificateError.self) { try CertificateRegistry.parse(Array(twice.utf8)) }
    }

    @Test("a status entry superseded by itself is refused")
    func supersededBySelf() {
        var list = StatusList(issuerThumbprint: Array(repeating: 1, count: 32))
        #expect(throws: CertificateError.self) {
            try list.record(
                .init(id: scored.id, status: .superseded, date: "2026-12-10", reason: "x", replacedBy: scored.id))
        }
        #expect(list.entries.isEmpty)
    }
}
