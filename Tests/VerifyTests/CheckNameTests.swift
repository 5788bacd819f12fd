import Foundation
import Testing

@testable import Verify

@Suite("Check names")
struct CheckNameTests {
    @Test("every check name is written to JSON as its stable string")
    func namesInJSON() throws {
        let expected = [
            "file", "signature-field", "byte-range", "signature", "trust", "record", "token", "credential", "status",
        ]
        #expect(VerificationCheck.Name.allCases.map(\.rawValue) == expected)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(VerificationCheck(.signatureField, true, "ok")), as: UTF8.self)
        #expect(json == #"{"checked":true,"detail":"ok","name":"signature-field","passed":true}"#)
        #expect("\(VerificationCheck.Name.byteRange)" == "byte-range")
    }

    @Test("a check with an unknown name is refused when read")
    func unknownName() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                VerificationCheck.self, from: Data(#"{"name":"signaturefield","passed":true,"detail":"ok"}"#.utf8))
        }
    }
}
