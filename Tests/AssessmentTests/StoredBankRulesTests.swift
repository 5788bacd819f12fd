import Assessment
import Foundation
import Testing

@Suite("A stored bank is checked by the bank rules")
struct StoredBankRulesTests {
    static func storedText(of name: String) throws -> String {
        let bank = try SampleBanks.load(name)
        return String(decoding: try JSONEncoder().encode(bank), as: UTF8.self)
    }

    @Test(
        "a stored bank with a broken item or a repeated id is refused, naming the rule",
        arguments: [
            (#""points":"1""#, #""points":"0""#, "points must be greater than 0"),
            (#""title":"#, #""title":"","ignored":"#, "title"),
        ])
    func refused(original: String, replacement: String, says: String) throws {
        let text = try Self.storedText(of: SampleBanks.names[0])
        try #require(text.contains(original), "\(text.prefix(200))")
        let broken = text.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try JSONDecoder().decode(Bank.self, from: Data(broken.utf8))
            Issue.record("the broken bank was loaded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains(says), "\(context.debugDescription)")
        }
    }

    @Test("two items with the same id are refused")
    func repeatedID() throws {
        var bank = try SampleBanks.load(SampleBanks.names[0])
        bank.items.append(bank.items[0])
        let data = try JSONEncoder().encode(bank)
        do {
            _ = try JSONDecoder().decode(Bank.self, from: data)
            Issue.record("a bank with a repeated item id was loaded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("item id '\(bank.items[0].id)' is used twice"))
        }
    }
}
