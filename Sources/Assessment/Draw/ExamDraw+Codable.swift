/// A draw is stored with its bank id and version, seed and drawn items in presentation order.
///
/// Decoding checks only the shape (an item id drawn once); ``Attempt/init(restoring:bank:)`` checks the
/// draw against its bank.
extension ExamDraw: Codable {
    enum CodingKeys: String, CodingKey {
        case bankID = "bank", bankVersion = "version", seed, items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let items = try container.decode([DrawnItem].self, forKey: .items)
        guard Set(items.map(\.itemID)).count == items.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .items, in: container, debugDescription: "an item is drawn twice")
        }
        self.init(
            bankID: try container.decode(String.self, forKey: .bankID),
            bankVersion: try container.decode(String.self, forKey: .bankVersion),
            seed: try container.decode(String.self, forKey: .seed), items: items)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bankID, forKey: .bankID)
        try container.encode(bankVersion, forKey: .bankVersion)
        try container.encode(seed, forKey: .seed)
        try container.encode(items, forKey: .items)
    }
}
