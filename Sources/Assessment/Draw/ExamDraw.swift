/// One drawn item and the order its choices are shown in.
public struct DrawnItem: Sendable, Equatable, Codable {
    /// The item's id in the bank.
    public let itemID: String
    /// Ids of options, matching responses or ordering elements in display order; empty for other types.
    public let choiceOrder: [String]

    /// Creates a drawn item.
    public init(itemID: String, choiceOrder: [String]) {
        self.itemID = itemID
        self.choiceOrder = choiceOrder
    }
}

/// A reproducible exam: the items drawn from a bank version by a blueprint and a seed.
public struct ExamDraw: Sendable, Equatable {
    /// The bank's id.
    public let bankID: String
    /// The bank's version; the same version, blueprint and seed replay the same draw.
    public let bankVersion: String
    /// The seed text.
    public let seed: String
    /// Drawn items in presentation order.
    public let items: [DrawnItem]

    /// A draw as stored; the caller checks it against its bank.
    init(bankID: String, bankVersion: String, seed: String, items: [DrawnItem]) {
        self.bankID = bankID
        self.bankVersion = bankVersion
        self.seed = seed
        self.items = items
    }

    /// Draws items from `bank` as `blueprint` says, deterministically from `seed`.
    ///
    /// Pools are filled in blueprint order; an item drawn for one pool is not drawn again for a later
    /// one. Ordering elements are always shuffled, since a file may list them in the correct order.
    ///
    /// - Throws: ``AssessmentError`` with code `.blueprint` naming the pool when it has too few items.
    public init(bank: Bank, blueprint: Blueprint, seed: String) throws(AssessmentError) {
        var generator = SeededGenerator(seed: "\(bank.id)\u{0}\(bank.version)\u{0}\(seed)")
        var taken = Set<String>()
        var selected: [Item] = []
        for pool in blueprint.pools {
            var candidates = bank.items.filter { pool.admits($0) && !taken.contains($0.id) }
            guard candidates.count >= pool.count else {
                throw AssessmentError(
                    .blueprint,
                    "pool \(pool) has \(candidates.count) unused items in bank '\(bank.id)' \(bank.version), "
                        + "but the blueprint draws \(pool.count)")
            }
            generator.shuffle(&candidates)
            let drawn = candidates.prefix(pool.count)
            for item in drawn { taken.insert(item.id) }
            selected += drawn
        }
        if blueprint.shuffleItems { generator.shuffle(&selected) }
        var items: [DrawnItem] = []
        items.reserveCapacity(selected.count)
        for item in selected {
            var order = item.kind.shuffleableChoices.map(\.id)
            let isOrdering = if case .ordering = item.kind { true } else { false }
            if blueprint.shuffleOptions || isOrdering { generator.shuffle(&order) }
            items.append(DrawnItem(itemID: item.id, choiceOrder: order))
        }
        self.bankID = bank.id
        self.bankVersion = bank.version
        self.seed = seed
        self.items = items
    }

    /// A draw of exactly the items `itemIDs`, in that order (a set that lists its items), with the choices of each
    /// in an order from `seed` (always for ordering items, whose file order may be the answer).
    ///
    /// - Throws: ``AssessmentError`` `.blueprint` for an id the bank does not have or an id listed twice.
    public init(bank: Bank, itemIDs: [String], seed: String, shuffleOptions: Bool = true) throws(AssessmentError) {
        var generator = SeededGenerator(seed: "\(bank.id)\u{0}\(bank.version)\u{0}\(seed)")
        var seen = Set<String>()
        var items: [DrawnItem] = []
        for id in itemIDs {
            guard seen.insert(id).inserted else {
                throw AssessmentError(.blueprint, "item '\(id)' is listed twice")
            }
            guard let item = bank.item(withID: id) else {
                throw AssessmentError(.blueprint, "item '\(id)' is not in bank '\(bank.id)' \(bank.version)")
            }
            var order = item.kind.shuffleableChoices.map(\.id)
            let isOrdering = if case .ordering = item.kind { true } else { false }
            if shuffleOptions || isOrdering { generator.shuffle(&order) }
            items.append(DrawnItem(itemID: item.id, choiceOrder: order))
        }
        self.bankID = bank.id
        self.bankVersion = bank.version
        self.seed = seed
        self.items = items
    }
}
