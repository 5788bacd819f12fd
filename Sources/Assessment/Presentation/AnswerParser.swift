/// Why a typed answer could not be read.
public enum AnswerProblem: Sendable, Equatable {
    /// The answer does not have the form the item expects; show the item's hint.
    case unreadable
    /// A letter that is not on offer; `available` letters (`A` on) are. `gap` is the cloze gap's number, if any.
    case noSuchLetter(Character, available: Int, gap: Int?)
    /// A matching premise number that is not on offer; `1` to `available` are.
    case noSuchNumber(Int, available: Int)
}

/// Reads a learner's typed answer to a ``PresentedItem``: letters for choices (`B`, `A,C`), `j`/`n` (or
/// `t`/`f`) for true/false, numbers with a decimal comma or point and optionally the unit (`72 Stunden`),
/// pairs for matching (`1A 2C`), letters in order for ordering (`C A B`), answers separated by `;` for a
/// cloze item. Letters refer to the labels shown, so the answer maps to the choice ids of the draw order.
public struct AnswerParser: Sendable {
    /// The item answered.
    public let item: PresentedItem

    /// A parser for answers to `item`.
    public init(item: PresentedItem) {
        self.item = item
    }

    /// The response `line` stands for, or `nil` when it cannot be read (see ``problem(with:)``).
    public func parse(_ line: String) -> Response? {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch item.body {
        case .singleChoice(let options):
            guard let chosen = Self.ids(from: text, among: options), chosen.count == 1 else { return nil }
            return .choice(chosen[0])
        case .multipleResponse(let options):
            guard let chosen = Self.ids(from: text, among: options), !chosen.isEmpty else { return nil }
            return .choices(Set(chosen))
        case .trueFalse:
            switch text.lowercased() {
            case "j", "ja", "w", "wahr", "richtig", "t", "true", "y", "yes": return .truth(true)
            case "n", "nein", "f", "falsch", "false", "no": return .truth(false)
            default: return nil
            }
        case .numeric(let unit):
            return Self.number(in: text, unit: unit).map { .number($0) }
        case .shortText:
            return .text(text)
        case .essay:
            return .essay(line)
        case .cloze(let gaps):
            let parts = line.split(separator: ";", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == gaps.count else { return nil }
            var given: [String: String] = [:]
            for (gap, part) in zip(gaps, parts) {
                if case .choice(let options) = gap.input {
                    guard part.count == 1, let index = Self.letterIndex(part.uppercased().first), index < options.count
                    else { return nil }
                    given[gap.id] = options[index].id
                } else {
                    given[gap.id] = part
                }
            }
            return .gaps(given)
        case .matching(let premises, let responses):
            var pairs: [String: String] = [:]
            for token in text.uppercased().split(whereSeparator: { " ,;".contains($0) }) {
                let cleaned = token.replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "-", with: "")
                guard let letterIndex = Self.letterIndex(cleaned.last), letterIndex < responses.count,
                    let number = Int(cleaned.dropLast()), number >= 1, number <= premises.count
                else { return nil }
                pairs[premises[number - 1].id] = responses[letterIndex].id
            }
            return pairs.isEmpty ? nil : .matches(pairs)
        case .ordering(let elements):
            guard let sequence = Self.ids(from: text, among: elements), sequence.count == elements.count,
                Set(sequence).count == elements.count
            else { return nil }
            return .order(sequence)
        }
    }

    /// Why `line` could not be read: a letter or number that is not on offer is named with how many are;
    /// otherwise ``AnswerProblem/unreadable``.
    public func problem(with line: String) -> AnswerProblem {
        let tokens = line.uppercased().split(whereSeparator: { " ,;".contains($0) })
        var count = 0
        switch item.body {
        case .singleChoice(let options), .multipleResponse(let options): count = options.count
        case .ordering(let elements): count = elements.count
        case .cloze(let gaps):
            let parts = line.split(separator: ";", omittingEmptySubsequences: false)
            for (gap, part) in zip(gaps, parts) {
                guard case .choice(let options) = gap.input else { continue }
                let typed = part.trimmingCharacters(in: .whitespaces).uppercased()
                if typed.count == 1, let letter = typed.first, letter.isASCII, letter.isLetter,
                    (Self.letterIndex(letter) ?? Int.max) >= options.count
                {
                    return .noSuchLetter(letter, available: options.count, gap: gap.number)
                }
            }
            return .unreadable
        case .matching(let premises, let responses):
            for token in tokens {
                let cleaned = token.replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "-", with: "")
                guard let letter = cleaned.last, letter.isASCII, letter.isLetter, let number = Int(cleaned.dropLast())
                else { continue }
                if number < 1 || number > premises.count { return .noSuchNumber(number, available: premises.count) }
                if (Self.letterIndex(letter) ?? Int.max) >= responses.count {
                    return .noSuchLetter(letter, available: responses.count, gap: nil)
                }
            }
            return .unreadable
        default:
            return .unreadable
        }
        for token in tokens where token.count <= 3 && token.allSatisfy({ $0.isASCII && $0.isLetter }) {
            if let letter = token.first(where: { (Self.letterIndex($0) ?? Int.max) >= count }) {
                return .noSuchLetter(letter, available: count, gap: nil)
            }
        }
        return .unreadable
    }

    /// A number typed with a decimal comma or point, optionally followed by `unit` (`72 Stunden`).
    public static func number(in text: String, unit: String?) -> Rational? {
        var text = Substring(text.trimmingCharacters(in: .whitespaces))
        if let unit = unit?.trimmingCharacters(in: .whitespaces), !unit.isEmpty, text.count > unit.count,
            text.suffix(unit.count).lowercased() == unit.lowercased()
        {
            text = text.dropLast(unit.count)
        }
        return Rational(decimal: text)
    }

    private static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// The index of an upper-case letter `A`…`Z`.
    private static func letterIndex(_ character: Character?) -> Int? {
        character.flatMap { letters.firstIndex(of: $0) }
    }

    /// Letters typed by the learner, mapped to choice ids in display order.
    private static func ids(from line: String, among shown: [PresentedChoice]) -> [String]? {
        var result: [String] = []
        for character in line.uppercased() where !(character == "," || character == " " || character == ";") {
            guard let index = letterIndex(character), index < shown.count else { return nil }
            result.append(shown[index].id)
        }
        return result
    }
}
