/// A choice as the learner sees it: its id (to answer with), the label shown before it and its text.
public struct PresentedChoice: Sendable, Equatable, Codable {
    /// The choice's id in the bank.
    public let id: String
    /// The label shown: `A`, `B`, … for options, responses and elements; `1`, `2`, … for matching premises.
    public let label: String
    /// Markdown text.
    public let text: String
}

/// One gap of a cloze item as the learner sees it.
public struct PresentedGap: Sendable, Equatable, Codable {
    /// What goes into a gap.
    public enum Input: Sendable, Equatable, Codable {
        /// One of the options, in bank order (labelled `A`, `B`, …).
        case choice([PresentedChoice])
        /// Typed text.
        case text
        /// A typed number.
        case number
    }

    /// The gap's id in the item.
    public let id: String
    /// Its number in the stem, from 1 (`[1]`).
    public let number: Int
    /// What the learner puts in it.
    public let input: Input
}

/// The form an answer takes where the item type alone does not say it; shown before the first answer.
public enum InputFormat: Sendable, Equatable, Codable {
    /// Pairs of premise number and response letter, e.g. `1A 2B`. The example is never the solution.
    case pairs(example: String)
    /// The letters in order, e.g. `C A B`. The example is never the solution.
    case order(example: String)
    /// A number, with the item's unit if it has one.
    case number(unit: String?)
}

/// What a learner may see of a drawn item before answering: stem, choices in draw order and the expected input
/// format. It holds no answer key and no feedback; see ``PresentedFeedback`` for what follows an answer.
public struct PresentedItem: Sendable, Equatable, Codable {
    /// What the learner answers, by item type.
    public enum Body: Sendable, Equatable, Codable {
        /// Pick one option.
        case singleChoice(options: [PresentedChoice])
        /// Tick one or more options.
        case multipleResponse(options: [PresentedChoice])
        /// Say whether the stem is true.
        case trueFalse
        /// Type a number, optionally in `unit`.
        case numeric(unit: String?)
        /// Type a short text.
        case shortText
        /// Match each premise (`1`, `2`, …) with a response (`A`, `B`, …).
        case matching(premises: [PresentedChoice], responses: [PresentedChoice])
        /// Put the elements in order.
        case ordering(elements: [PresentedChoice])
        /// Fill the gaps, numbered in stem order.
        case cloze(gaps: [PresentedGap])
        /// Write a free text, optionally starting from a template.
        case essay(responseTemplate: String?)
    }

    /// The item's id in the bank.
    public let itemID: String
    /// Points the item is worth.
    public let points: Rational
    /// The question, Markdown; a cloze item's gaps appear as `[1]`, `[2]`, …
    public let stem: String
    /// What the learner answers.
    public let body: Body
    /// The expected input, where the item type alone does not say it.
    public let inputFormat: InputFormat?

    /// Whether the item is scored by a person (an essay).
    public var isEssay: Bool {
        if case .essay = body { true } else { false }
    }

    /// Presents `item` with its choices in the order `drawn` gives (the bank's order when `drawn` does not list
    /// exactly the item's choices).
    public init(item: Item, drawn: DrawnItem) {
        let layout = ItemLayout(item: item, order: drawn.choiceOrder)
        itemID = item.id
        points = item.points
        stem = layout.displayedStem
        inputFormat = layout.inputFormat
        switch item.kind {
        case .singleChoice(let options, _):
            body = .singleChoice(options: layout.lettered(layout.ordered(options)))
        case .multipleResponse(let options, _):
            body = .multipleResponse(options: layout.lettered(layout.ordered(options)))
        case .trueFalse:
            body = .trueFalse
        case .numeric(_, let unit):
            body = .numeric(unit: unit)
        case .shortText:
            body = .shortText
        case .matching(let premises, let responses, _):
            body = .matching(
                premises: premises.enumerated().map {
                    PresentedChoice(id: $0.element.id, label: "\($0.offset + 1)", text: $0.element.text)
                },
                responses: layout.lettered(layout.ordered(responses)))
        case .ordering(let elements, _):
            body = .ordering(elements: layout.lettered(layout.ordered(elements)))
        case .cloze:
            body = .cloze(
                gaps: layout.gapOrder.enumerated().map { index, gap in
                    let input: PresentedGap.Input =
                        switch gap.kind {
                        case .choice(let options, _): .choice(layout.lettered(options))
                        case .text: .text
                        case .numeric: .number
                        }
                    return PresentedGap(id: gap.id, number: index + 1, input: input)
                })
        case .essay(let template, _):
            body = .essay(responseTemplate: template)
        }
    }

    /// The choices answered by letter (options, responses or elements), in display order; empty otherwise.
    var letteredChoices: [PresentedChoice] {
        switch body {
        case .singleChoice(let options), .multipleResponse(let options): options
        case .matching(_, let responses): responses
        case .ordering(let elements): elements
        case .trueFalse, .numeric, .shortText, .cloze, .essay: []
        }
    }
}

/// Display order and labels of one item's choices; shared by presentation and feedback.
struct ItemLayout {
    let item: Item
    let order: [String]

    /// The label of the choice at `index`: `A` … `Z`, then `A27`, … (banks allow at most 20 choices).
    static func letter(_ index: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return index >= 0 && index < letters.count ? String(letters[index]) : "A\(index + 1)"
    }

    func ordered(_ choices: [Choice]) -> [Choice] {
        let byID = Dictionary(choices.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let shown = order.compactMap { byID[$0] }
        return shown.count == choices.count ? shown : choices
    }

    func lettered(_ choices: [Choice]) -> [PresentedChoice] {
        choices.enumerated().map {
            PresentedChoice(id: $0.element.id, label: Self.letter($0.offset), text: $0.element.text)
        }
    }

    /// Gaps of a cloze item in stem order.
    var gapOrder: [Gap] {
        guard case .cloze(let gaps) = item.kind else { return [] }
        let byID = Dictionary(gaps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ClozeText.placeholders(in: item.stem).compactMap { byID[$0] }
    }

    /// The stem with cloze gaps shown as `[1]`, `[2]`, ...
    var displayedStem: String {
        var stem = item.stem
        for (index, gap) in gapOrder.enumerated() {
            stem = stem.replacingOccurrences(of: ClozeText.placeholder(gap.id), with: "[\(index + 1)]")
        }
        return stem
    }

    /// The expected input of items whose answer has a form of its own; an example is never the solution.
    var inputFormat: InputFormat? {
        switch item.kind {
        case .matching(let premises, let responses, let correct):
            let shown = ordered(responses)
            guard !shown.isEmpty else { return nil }
            let count = min(premises.count, 3)
            for offset in Array(1..<max(shown.count, 1)) + [0] {
                let pairs = (0..<count).map { ($0, ($0 + offset) % shown.count) }
                guard shown.count == 1 || pairs.contains(where: { correct[premises[$0.0].id] != shown[$0.1].id })
                else { continue }
                return .pairs(example: pairs.map { "\($0.0 + 1)\(Self.letter($0.1))" }.joined(separator: " "))
            }
            return nil
        case .ordering(let elements, let correctOrder):
            let shown = ordered(elements).map(\.id)
            let key = correctOrder.compactMap { shown.firstIndex(of: $0) }
            let identity = Array(shown.indices)
            let candidates = [identity.reversed()] + identity.indices.map { Array(identity[$0...] + identity[..<$0]) }
            guard let example = candidates.first(where: { $0 != key }) else { return nil }
            return .order(example: example.map { Self.letter($0) }.joined(separator: " "))
        case .numeric(_, let unit):
            return .number(unit: unit)
        default:
            return nil
        }
    }
}

extension Attempt {
    /// What the learner may see of drawn item `itemID`, or `nil` when it is not part of the attempt.
    public func presentation(of itemID: String) -> PresentedItem? {
        guard let scorer = scorers[itemID], let drawn = draw.items.first(where: { $0.itemID == itemID }) else {
            return nil
        }
        return PresentedItem(item: scorer.item, drawn: drawn)
    }
}
