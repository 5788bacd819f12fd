import Testing

@testable import Interchange

@Suite("Import failure shape")
struct ImportFailureShapeTests {
    @Test("a failure names the file position for users and our source position for debugging")
    func descriptions() {
        let line: UInt = #line + 1
        let failure = ImportFailure(file: "fragen.gift", line: 3, column: 9, "'}' closes no answer block")
        #expect(failure.description == "fragen.gift:3:9: error: '}' closes no answer block")
        #expect(failure.code == .unreadableSource && failure.code.domain == "interchange")
        #expect(
            failure.debugDescription
                == "fragen.gift:3:9: error: '}' closes no answer block [interchange.unreadableSource: '}' closes no"
                + " answer block (InterchangeTests/ImportFailureShapeTests.swift:\(line))]")
    }

    @Test("failures are equal by code; tests that pin the wording compare descriptions")
    func equality() {
        let first = ImportFailure(file: "a.xml", line: 1, "one")
        let second = ImportFailure(file: "b.xml", line: 2, "two")
        #expect(first == second)
        #expect(first.description != second.description)
        #expect(InterchangeError.zipWriteFailed() != QTIExportError(.qtiExport, "x"))
        #expect(InterchangeError.zipWriteFailed().description == "the zip archive could not be written")
    }
}
