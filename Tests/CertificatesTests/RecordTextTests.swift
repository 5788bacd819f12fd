import Assessment
import Testing

@testable import Certificates

@Suite("Certificate record texts")
struct RecordTextTests {
    private func record(name: String = "Jürgen Weißmüller", title: String = "Datenschutz", provider: String = "HföV")
        -> CertificateRecord
    {
        CertificateRecord(
            id: "KC-7Q2M9X4D1HBW", holder: .init(name: name),
            course: .init(title: title, provider: provider, start: "2026-09-01", end: "2026-11-30"),
            tier: .attendance, score: nil, issued: "2026-12-04", issuer: "Musterakademie")
    }

    private func reason(_ record: CertificateRecord) -> String? {
        do {
            try record.validate()
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("issuing refuses bidi controls, naming the field and the character")
    func bidi() {
        #expect(
            reason(record(name: "Max \u{202E}nnamretsuM"))
                == "holder.name contains U+202E (RIGHT-TO-LEFT OVERRIDE), which is not allowed in a certificate")
        #expect(
            reason(record(title: "Kurs \u{2067}x\u{2069}"))
                == "course.title contains U+2067 (RIGHT-TO-LEFT ISOLATE), which is not allowed in a certificate")
        #expect(
            reason(record(provider: "HföV\u{200F}"))
                == "course.provider contains U+200F (RIGHT-TO-LEFT MARK), which is not allowed in a certificate")
        #expect(
            reason(record(name: "a\u{061C}b"))?.hasPrefix("holder.name contains U+061C (ARABIC LETTER MARK)") == true)
    }

    @Test("issuing refuses line and paragraph separators and zero-width characters")
    func separatorsAndZeroWidth() {
        #expect(
            reason(record(name: "Max\u{2028}Mustermann"))?.hasPrefix("holder.name contains U+2028 (LINE SEPARATOR)")
                == true)
        #expect(
            reason(record(title: "Kurs\u{2029}"))
                == "course.title contains U+2029 (PARAGRAPH SEPARATOR), which is not allowed in a certificate")
        #expect(
            reason(record(name: "Ad\u{200B}min"))?.hasPrefix("holder.name contains U+200B (ZERO WIDTH SPACE)") == true)
        #expect(
            reason(record(provider: "\u{FEFF}HföV"))?.hasPrefix(
                "course.provider contains U+FEFF (ZERO WIDTH NO-BREAK SPACE)") == true)
        #expect(reason(record(name: "Max\u{2060}"))?.hasPrefix("holder.name contains U+2060 (WORD JOINER)") == true)
    }

    @Test("control characters stay refused and are named")
    func controls() {
        #expect(
            reason(record(name: "\u{1B}[2JMax"))
                == "holder.name contains U+001B (a control character), which is not allowed in a certificate")
        #expect(
            reason(record(title: "Kurs\u{85}"))
                == "course.title contains U+0085 (a control character), which is not allowed in a certificate")
    }

    @Test("names in any script with umlauts and dashes are accepted")
    func ordinaryNames() {
        #expect(reason(record(name: "Ελένη Παπαδοπούλου")) == nil)
        #expect(reason(record(name: "محمد عبدالله", title: "Datenschutz – Grundlagen")) == nil)
    }

    @Test("the JSON input refuses a bidi override in the holder name")
    func jsonInput() {
        let json = """
            {"id":"KC-7Q2M9X4D1HBW","holder":{"name":"Max \\u202Ennamretsum"},
             "course":{"title":"Datenschutz","provider":"HföV","start":"2026-09-01","end":"2026-11-30"},
             "tier":"attendance","issued":"2026-12-04"}
            """
        #expect { try CertificateRecord.parse(json: Array(json.utf8), issuer: "Aussteller") } throws: { error in
            (error as? CertificateError)?.reason
                == "holder.name contains U+202E (RIGHT-TO-LEFT OVERRIDE), which is not allowed in a certificate"
        }
    }

    @Test("a record signed earlier with a bidi override is still read from a certificate")
    func readingIsLenient() throws {
        var signed = record()
        signed.holder.name = "Max \u{202E}nnamretsuM"
        let read = try CertificateRecord.parse(canonical: signed.canonicalJSON)
        #expect(read.holder.name == signed.holder.name)
        var controlled = record()
        controlled.holder.name = "Max\u{1B}"
        #expect(throws: CertificateError.self) { try CertificateRecord.parse(canonical: controlled.canonicalJSON) }
    }
}
