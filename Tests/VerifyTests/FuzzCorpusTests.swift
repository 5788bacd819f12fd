import Foundation
import Testing

@testable import Verify

@Suite("Fuzz corpus and crash regressions replay without a crash, within the work budget")
struct FuzzCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The committed inputs of one sub-folder (`corpus` seeds libFuzzer; `regressions` holds inputs that
    /// once crashed or overran the budget).
    private func inputs(_ name: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = Self.folder.appendingPathComponent(name)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.filter { !$0.hasPrefix(".") }.map {
            ($0, try [UInt8](Data(contentsOf: directory.appendingPathComponent($0))))
        }
    }

    /// What `VerifyFuzz` does with an input, with the reader's work bounded.
    private func replay(_ name: String, _ bytes: [UInt8], verifier: CertificateVerifier) {
        var work = PDFWork()
        _ = try? SignedDocument.read(bytes, work: &work)
        #expect(work.bytesScanned <= 5 * bytes.count + 65_536, "\(name): \(work)")
        #expect(work.objectsRead <= ObjectTable.maximumObjectsRead, "\(name): \(work)")
        _ = verifier.verify(pdf: bytes)
        _ = verifier.verify(token: String(decoding: bytes.prefix(64 * 1024), as: UTF8.self))
    }

    @Test("the seed corpus holds genuine certificates and tokens, and stays small")
    func corpus() throws {
        let fixture = try RedTeamFixture()
        let seeds = try inputs("corpus")
        #expect(seeds.map(\.bytes.count).reduce(0, +) < 300_000)
        #expect(seeds.contains { $0.name.hasPrefix("genuine") && $0.name.hasSuffix(".pdf") })
        #expect(seeds.contains { $0.name.hasPrefix("token") })
        for seed in seeds { replay(seed.name, seed.bytes, verifier: fixture.verifier()) }
    }

    @Test("every committed crash input replays without a crash and is refused")
    func regressions() throws {
        let fixture = try RedTeamFixture()
        for input in try inputs("regressions") {
            replay(input.name, input.bytes, verifier: fixture.verifier())
            #expect(!fixture.verifier().verify(pdf: input.bytes).isValid, "\(input.name)")
        }
    }
}
