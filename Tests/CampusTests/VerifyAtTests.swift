import Foundation
import Testing

/// `campus verify --at DATE`: a time-stamped certificate is judged when the time-stamp proves it was signed.
@Suite("campus verify --at")
struct VerifyAtTests {
    @Test("decades later the certificate from `campus keys init` keys is still valid; before its time-stamp it is not")
    func asOfOtherDates() throws {
        let issued = try IssuedByCampus()
        defer { issued.cleanUp() }
        let root = issued.keys + "/root.pem"
        // The issuer certificate lasts three years: in 2060 only the time-stamp keeps the signature valid.
        let later = try Campus.run(["verify", issued.pdf, "--trust", root, "--at", "2060-01-01"])
        #expect(later.status == 0, "\(later.stdout)\(later.stderr)")
        #expect(
            later.stdout.contains("proven by a time-stamp from KommunalCampus Zeitstempeldienst"), "\(later.stdout)")
        let earlier = try Campus.run(["verify", issued.pdf, "--trust", root, "--at", "2020-01-01T00:00:00Z"])
        #expect(earlier.status == 1, "\(earlier.stdout)")
        #expect(earlier.stdout.contains("after the time of this check (2020-01-01 00:00 UTC)"), "\(earlier.stdout)")
        let wrong = try Campus.run(["verify", issued.pdf, "--trust", root, "--at", "1.1.2030"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("--at '1.1.2030' is not a date"), "\(wrong.stderr)")
    }
}
