import Assessment
import Testing

@Suite("Error shape")
struct ErrorShapeTests {
    @Test("errors are equal when their codes are, whatever the reason")
    func equalityByCode() {
        #expect(AssessmentError(.grading, "one reason") == AssessmentError(.grading, "another reason"))
        #expect(AssessmentError(.grading, "same") != AssessmentError(.blueprint, "same"))
        #expect(Set([AssessmentError(.grading, "a"), AssessmentError(.grading, "b")]).count == 1)
    }

    @Test("users read the reason alone; debugging adds library, code and source location")
    func descriptions() {
        let line: UInt = #line + 1
        let error = AssessmentError(.deadlinePassed, "the time limit passed at 10:00; start a new attempt")
        #expect(error.description == "the time limit passed at 10:00; start a new attempt")
        #expect(error.file == "AssessmentTests/ErrorShapeTests.swift" && error.line == line)
        #expect(
            error.debugDescription
                == "assessment.deadlinePassed: the time limit passed at 10:00; start a new attempt"
                + " (AssessmentTests/ErrorShapeTests.swift:\(line))")
    }

    @Test("codes have stable names an HTTP layer can map")
    func codeNames() {
        #expect(AssessmentError.Code.attemptLimitReached.name == "attemptLimitReached")
        #expect(AssessmentError.Code.attemptLimitReached.domain == "assessment")
        #expect("\(AssessmentError.Code.invalidBank)" == "invalidBank")
    }

    @Test("an error the library throws records where in the library it was made, through its helpers")
    func libraryLocation() {
        #expect {
            try Blueprint.parse("pools: [{count: 0}]")
        } throws: { error in
            guard let error = error as? AssessmentError else { return false }
            return error.code == .blueprint && error.file == "Assessment/Blueprint.swift" && error.line > 150
                && error.debugDescription.hasSuffix("(Assessment/Blueprint.swift:\(error.line))")
        }
    }
}
