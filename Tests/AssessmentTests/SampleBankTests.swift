import Foundation
import Testing

@testable import Assessment

/// The German sample banks committed under `question-banks/`.
enum SampleBanks {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("question-banks")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func load(_ name: String) throws -> Bank {
        let result = BankReader.read(Array(try Data(contentsOf: url(name))), file: name)
        #expect(result.problems.isEmpty, "\(result.problems.map(\.description).joined(separator: "\n"))")
        return try #require(result.bank)
    }
}

@Suite("Sample banks")
struct SampleBankTests {
    @Test("there are at least three German banks")
    func enoughBanks() {
        #expect(SampleBanks.names.count >= 3)
    }

    @Test("each sample bank is valid, German, has at least 25 items and every item type", arguments: SampleBanks.names)
    func sampleBank(name: String) throws {
        let bank = try SampleBanks.load(name)
        #expect(bank.language == "de")
        #expect(bank.items.count >= 25)
        #expect(Set(bank.items.map(\.kind.typeName)) == Set(ItemType.allCases.map(\.rawValue)))
        #expect(bank.items.allSatisfy { $0.feedback != nil }, "every item teaches with feedback")
    }
}
