import Assessment
import Foundation
import TestSupport
import Testing

@testable import Certificates

@Suite("Certificate records")
struct CertificateRecordTests {
    @Test("the JSON input format is parsed exactly and unknown fields are refused")
    func parsesJSON() throws {
        let json = """
            {"id":"KC-7Q2M9X4D1HBW","holder":{"name":"Łukasz Żółć","birthDate":"1988-06-02"},
             "course":{"title":"Datenschutz","provider":"HföV","start":"2026-09-01","end":"2026-11-30"},
             "tier":"scored","score":{"points":18.5,"max":37},"issued":"2026-12-04","language":"de"}
            """
        let record = try CertificateRecord.parse(json: Array(json.utf8), issuer: "Aussteller")
        #expect(record.score?.points == Rational(37, 2))
        #expect(record.score?.percent == Rational(50))
        #expect(record.language == .german)
        #expect(
            String(decoding: record.canonicalJSON, as: UTF8.self)
                == #"{"course":{"end":"2026-11-30","provider":"HföV","start":"2026-09-01","title":"Datenschutz"},"#
                + #""holder":{"birthDate":"1988-06-02","name":"Łukasz Żółć"},"id":"KC-7Q2M9X4D1HBW","issued":"2026-12-04","#
                + #""issuer":"Aussteller","language":"de","score":{"max":37,"points":18.5},"tier":"scored"}"#)

        let typo = json.replacingOccurrences(of: "birthDate", with: "birthdate")
        #expect { try CertificateRecord.parse(json: Array(typo.utf8), issuer: "A") } throws: { error in
            (error as? CertificateError)?.reason.hasPrefix("holder.birthdate: unknown field") == true
        }
        let badTier = json.replacingOccurrences(of: "\"scored\"", with: "\"gold\"")
        #expect { try CertificateRecord.parse(json: Array(badTier.utf8), issuer: "A") } throws: { error in
            (error as? CertificateError)?.reason.hasPrefix("tier:") == true
        }
        #expect(throws: CertificateError.self) { try CertificateRecord.parse(json: Array("[1,2".utf8), issuer: "A") }
    }

    @Test("the canonical form is the same for composed and decomposed umlauts")
    func canonicalNormalisation() {
        var composed = Sample.all[5].record()
        composed.issuer = "X"
        var decomposed = composed
        decomposed.holder.name = "Ju\u{0308}rgen Weißmu\u{0308}ller"
        #expect(composed.canonicalJSON == decomposed.canonicalJSON)
    }

    @Test("certificate ids are KC- and 12 Crockford characters, and differ")
    func ids() {
        let ids = (0..<1000).map { _ in CertificateID.random() }
        #expect(ids.allSatisfy(CertificateID.isValid))
        #expect(Set(ids).count == 1000)
        #expect(!CertificateID.isValid("KC-0123456789AI"))
        #expect(!CertificateID.isValid("kc-0123456789ab"))
    }
}
