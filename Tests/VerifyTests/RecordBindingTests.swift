import Testing

@testable import Verify

@Suite("Record binding")
struct RecordBindingTests {
    @Test("a record hash is the lower-case hex SHA-256 of its canonical bytes")
    func recordHashIsSHA256() {
        #expect(
            RecordBinding.recordHash(of: Array("".utf8))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
