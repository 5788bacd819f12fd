import Testing

@testable import Verify

@Suite("Work budget: adversarial PDFs cost a small multiple of their size, counted, not timed")
struct WorkBudgetTests {
    /// Reads `bytes` and returns the work counted and the reason it was refused (nil if it was read).
    private func read(_ bytes: [UInt8]) -> (work: PDFWork, reason: String?) {
        var work = PDFWork()
        do {
            _ = try SignedDocument.read(bytes, work: &work)
            return (work, nil)
        } catch let error as PDFReadError {
            return (work, error.reason)
        } catch {
            return (work, "\(error)")
        }
    }

    /// The bound every document keeps: the budget (four times the file plus 64 KiB, whole-file scans
    /// included) and at most one object, no larger than the file, beyond it.
    private func bound(_ bytes: [UInt8]) -> Int { 5 * bytes.count + 65_536 }

    @Test("every adversarial document is refused within the byte and object budget")
    func everyHostileInput() {
        for input in HostileInputs.all(size: 2_000_000) {
            let bytes = input.make()
            #expect(bytes.count <= 2_000_000)
            let (work, reason) = read(bytes)
            #expect(reason != nil, "\(input.name) was read")
            #expect(work.bytesScanned <= bound(bytes), "\(input.name): \(work) for \(bytes.count) bytes")
            #expect(work.objectsRead <= ObjectTable.maximumObjectsRead, "\(input.name): \(work)")
        }
    }

    @Test("objects starting inside each other's literal strings stop at the parsing budget")
    func nestedLiteralStrings() {
        let bytes = HostileInputs.nestedLiteralStrings(size: 1_000_000)
        let (work, reason) = read(bytes)
        #expect(reason?.contains("bytes of parsing; its objects overlap") == true, "\(reason ?? "read")")
        #expect(work.bytesScanned <= bound(bytes))
        // Read naively, the 2000 strings would cost about 900 MB; the budget stops after a few dozen.
        #expect(work.objectsRead < 40, "\(work)")
    }

    @Test("one large object referenced 10000 times is parsed only until the budget is spent")
    func repeatedReference() {
        let bytes = HostileInputs.repeatedReference(size: 1_500_000)
        let (work, reason) = read(bytes)
        #expect(reason?.contains("bytes of parsing") == true, "\(reason ?? "read")")
        #expect(work.bytesScanned <= bound(bytes))
        #expect(work.objectsRead < 10, "\(work)")
    }

    @Test("a form of 10000 field objects stops at the object limit")
    func manyObjects() {
        let bytes = HostileInputs.manyObjects(size: 500_000)
        let (work, reason) = read(bytes)
        #expect(reason == "reading the document needs more than \(ObjectTable.maximumObjectsRead) objects")
        #expect(work.objectsRead == ObjectTable.maximumObjectsRead)
        #expect(work.bytesScanned <= bound(bytes))
    }

    @Test("deep nesting, huge arrays and huge dictionaries stop at their limits")
    func structuralLimits() {
        #expect(read(HostileInputs.deepNesting(size: 1_000_000)).reason?.contains("nested more than 32 levels") == true)
        #expect(read(HostileInputs.hugeArray(size: 1_000_000)).reason?.contains("more than 100000 values") == true)
        #expect(read(HostileInputs.hugeDictionary(size: 1_000_000)).reason == "a dictionary is too large")
        // The hex string runs on to the trailer's '>'; the bytes between are not hex digits.
        #expect(read(HostileInputs.unclosedHexString(size: 1_000_000)).reason?.hasPrefix("bad hex digit") == true)
    }

    @Test("many empty cross-reference sections cost one pass over them")
    func manySections() {
        let bytes = HostileInputs.manyCrossReferenceSections(size: 1_000_000)
        let (work, _) = read(bytes)
        #expect(work.bytesScanned <= bound(bytes))
        #expect(work.objectsRead <= 1)
    }

    @Test("a genuine certificate is read well inside the budget, each object once")
    func genuine() throws {
        let bytes = try RedTeamFixture().genuine().pdf
        let (work, reason) = read(bytes)
        #expect(reason == nil)
        // Two whole-file scans, the table and the objects verification needs, each once.
        #expect(work.bytesScanned <= 3 * bytes.count, "\(work) for \(bytes.count) bytes")
        #expect(work.objectsRead <= 12, "\(work)")
    }
}
