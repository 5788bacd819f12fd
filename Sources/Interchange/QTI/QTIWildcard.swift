import Assessment
/// Short-text wildcard answers (`*` = any run, `\*` = a literal star, any other backslash literal) written as
/// QTI `patternMatch` patterns (XML Schema regular expressions) and read back exactly.
///
/// The written form is canonical so that it can be inverted: `*` → `.*`; a literal character as itself
/// (meta characters escaped, letters of a case-insensitive answer as `[xX]` with the original first); the
/// escaped star `\*` as the group `(\*)`; a literal backslash as `\\`.
enum QTIWildcard {
    static let metaCharacters: Set<Character> = ["\\", "|", ".", "-", "^", "?", "*", "+", "{", "}", "(", ")", "[", "]"]

    /// The pattern for the wildcard answer `text`.
    static func pattern(for text: String, caseSensitive: Bool) -> String {
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    result += "(\\*)"
                    index += 2
                } else {
                    result += "\\\\"
                    index += 1
                }
            } else if character == "*" {
                result += ".*"
                index += 1
            } else {
                result += literal(character, caseSensitive: caseSensitive)
                index += 1
            }
        }
        return result
    }

    private static func literal(_ character: Character, caseSensitive: Bool) -> String {
        if !caseSensitive, let (lower, upper) = casePair(character) {
            return character == lower ? "[\(lower)\(upper)]" : "[\(upper)\(lower)]"
        }
        return metaCharacters.contains(character) ? "\\" + String(character) : String(character)
    }

    /// The lower- and upper-case forms of a letter that has exactly one of each.
    static func casePair(_ character: Character) -> (Character, Character)? {
        let lower = String(character).lowercased()
        let upper = String(character).uppercased()
        guard lower.count == 1, upper.count == 1, lower != upper, let l = lower.first, let u = upper.first,
            character == l || character == u
        else { return nil }
        return (l, u)
    }

    /// The wildcard text of a pattern written in the canonical form, with its case sensitivity (`nil` when
    /// the text has no letters), or `nil` when the pattern is not in that form.
    static func wildcard(from pattern: String) -> (text: String, caseSensitive: Bool?)? {
        let characters = Array(pattern)
        var text = ""
        var index = 0
        var sensitiveLetters = 0
        var insensitiveLetters = 0

        // One literal unit at `index`: `\m`, `[xX]` or a plain character. Returns the character and advances.
        func unit() -> Character? {
            guard index < characters.count else { return nil }
            let character = characters[index]
            if character == "\\" {
                guard index + 1 < characters.count, metaCharacters.contains(characters[index + 1]) else { return nil }
                index += 2
                return characters[index - 1]
            }
            if character == "[" {
                guard index + 3 < characters.count, characters[index + 3] == "]",
                    let (lower, upper) = casePair(characters[index + 1]),
                    Set([lower, upper]) == Set([characters[index + 1], characters[index + 2]])
                else { return nil }
                index += 4
                insensitiveLetters += 1
                return characters[index - 3]
            }
            guard !metaCharacters.contains(character) else { return nil }
            if casePair(character) != nil { sensitiveLetters += 1 }
            index += 1
            return character
        }

        while index < characters.count {
            let character = characters[index]
            if character == ".", index + 1 < characters.count, characters[index + 1] == "*" {
                text += "*"
                index += 2
            } else if character == "(" {
                index += 1
                guard unit() == "*", index < characters.count, characters[index] == ")" else { return nil }
                index += 1
                text += "\\*"
            } else {
                guard let literal = unit() else { return nil }
                // A literal star is written `\*`; a literal backslash stays itself unless a star follows it,
                // which wildcard text cannot express.
                if literal == "\\", characters[index...].starts(with: [".", "*"]) { return nil }
                text += literal == "*" ? "\\*" : String(literal)
            }
        }
        guard !(sensitiveLetters > 0 && insensitiveLetters > 0) else { return nil }
        let caseSensitive: Bool? = sensitiveLetters > 0 ? true : (insensitiveLetters > 0 ? false : nil)
        return (text, caseSensitive)
    }
}
