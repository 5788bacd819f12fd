import Assessment
import Foundation

/// Renders the Markdown our banks use as the XHTML that QTI item bodies allow, for LMSs that show it.
///
/// Read: paragraphs, `-`/`*`/`+` and numbered lists (one level), fenced code blocks, `*emphasis*`,
/// `**strong**` (also with `_`), `` `code` ``, links `[text](url)` and `<url>`, images `![alt](path)`,
/// and backslash escapes. Everything else is written as text, escaped; nothing from the Markdown becomes
/// markup that is not in that list, and link targets are limited to `http`, `https`, `mailto` and relative
/// paths.
enum MarkdownXHTML {
    /// The XHTML for `markdown`; bank-relative image paths get `imagePrefix` (`../` for items in a folder).
    static func render(_ markdown: String, imagePrefix: String) -> String {
        var output = ""
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])? = nil
        var fence: [String]? = nil

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            output += "<p>" + inline(paragraph.joined(separator: "\n"), imagePrefix: imagePrefix) + "</p>"
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            output += "<\(tag)>"
            for item in current.items { output += "<li>" + inline(item, imagePrefix: imagePrefix) + "</li>" }
            output += "</\(tag)>"
            list = nil
        }

        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        for rawLine in lines {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var code = fence {
                if trimmed.hasPrefix("```") {
                    output += "<pre>" + escape(code.joined(separator: "\n")) + "</pre>"
                    fence = nil
                } else {
                    code.append(line)
                    fence = code
                }
                continue
            }
            if trimmed.hasPrefix("```") {
                flushParagraph()
                flushList()
                fence = []
                continue
            }
            if trimmed.isEmpty {
                flushParagraph()
                flushList()
                continue
            }
            if let (ordered, content) = listItem(trimmed), line.prefix(while: { $0 == " " }).count < 4 {
                flushParagraph()
                if let current = list, current.ordered != ordered { flushList() }
                if list == nil { list = (ordered, []) }
                list?.items.append(content)
                continue
            }
            if list != nil, line.hasPrefix(" "), var current = list, !current.items.isEmpty {
                current.items[current.items.count - 1] += "\n" + trimmed
                list = current
                continue
            }
            flushList()
            paragraph.append(trimmed)
        }
        if let code = fence { output += "<pre>" + escape(code.joined(separator: "\n")) + "</pre>" }
        flushParagraph()
        flushList()
        return output
    }

    /// Whether `line` starts a list item, and its content.
    private static func listItem(_ line: String) -> (ordered: Bool, content: String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            // "**bold** text" is not a list item; "* item" is.
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        let rest = line.dropFirst(digits.count)
        guard let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first == " " else {
            return nil
        }
        return (true, String(rest.dropFirst(2)))
    }

    /// Inline Markdown as XHTML.
    static func inline(_ text: String, imagePrefix: String) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                if index + 1 < characters.count, characters[index + 1].isPunctuation || characters[index + 1].isSymbol {
                    output += escape(String(characters[index + 1]))
                    index += 2
                } else {
                    output += "\\"
                    index += 1
                }
            case "`":
                let run = characters[index...].prefix { $0 == "`" }.count
                if let close = find(run: "`", length: run, in: characters, from: index + run) {
                    let code = String(characters[(index + run)..<close]).trimmingCharacters(in: .whitespaces)
                    output += "<code>" + escape(code) + "</code>"
                    index = close + run
                } else {
                    output += String(repeating: "`", count: run)
                    index += run
                }
            case "!" where index + 1 < characters.count && characters[index + 1] == "[":
                if let (label, target, end) = linkParts(characters, from: index + 1) {
                    let source = MarkdownImage.pathProblem(target) == nil ? imagePrefix + target : target
                    output += "<img src=\"\(escape(source))\" alt=\"\(escape(label))\"/>"
                    index = end
                } else {
                    output += "!"
                    index += 1
                }
            case "[":
                if let (label, target, end) = linkParts(characters, from: index), isSafeLink(target) {
                    output += "<a href=\"\(escape(target))\">" + inline(label, imagePrefix: imagePrefix) + "</a>"
                    index = end
                } else {
                    output += "["
                    index += 1
                }
            case "<":
                if let close = characters[index...].firstIndex(of: ">") {
                    let target = String(characters[(index + 1)..<close])
                    if !target.contains(where: \.isWhitespace), target.contains(":"), isSafeLink(target) {
                        output += "<a href=\"\(escape(target))\">" + escape(target) + "</a>"
                        index = close + 1
                        continue
                    }
                }
                output += "&lt;"
                index += 1
            case "*", "_":
                let run = min(characters[index...].prefix { $0 == character }.count, 2)
                let opensWord = index + run < characters.count && !characters[index + run].isWhitespace
                // An underscore inside a word (snake_case) is text.
                let inWord = character == "_" && index > 0 && characters[index - 1].isLetter
                if opensWord, !inWord,
                    let close = find(run: character, length: run, in: characters, from: index + run),
                    close > index + run, !characters[close - 1].isWhitespace
                {
                    let tag = run == 2 ? "strong" : "em"
                    let inner = String(characters[(index + run)..<close])
                    output += "<\(tag)>" + inline(inner, imagePrefix: imagePrefix) + "</\(tag)>"
                    index = close + run
                } else {
                    output += String(repeating: character, count: run)
                    index += run
                }
            default:
                output += escape(String(character))
                index += 1
            }
        }
        return output
    }

    /// The index of the next run of exactly `length` `marker`s from `start`, skipping escaped ones.
    private static func find(run marker: Character, length: Int, in characters: [Character], from start: Int) -> Int? {
        var index = start
        while index < characters.count {
            if characters[index] == "\\" {
                index += 2
                continue
            }
            if characters[index] == marker {
                let count = characters[index...].prefix { $0 == marker }.count
                if count == length { return index }
                index += count
                continue
            }
            index += 1
        }
        return nil
    }

    /// `[label](target)` starting at `start` (the `[`): label, target and the index after `)`.
    private static func linkParts(_ characters: [Character], from start: Int) -> (String, String, Int)? {
        var index = start + 1
        var depth = 0
        var label = ""
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count {
                label.append(characters[index + 1])
                index += 2
                continue
            }
            if character == "[" { depth += 1 }
            if character == "]" {
                if depth == 0 { break }
                depth -= 1
            }
            label.append(character)
            index += 1
        }
        guard index + 1 < characters.count, characters[index] == "]", characters[index + 1] == "(" else { return nil }
        let targetStart = index + 2
        guard let close = characters[targetStart...].firstIndex(of: ")") else { return nil }
        let inside = String(characters[targetStart..<close]).trimmingCharacters(in: .whitespaces)
        let target = inside.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        guard !target.isEmpty else { return nil }
        return (label, target, close + 1)
    }

    private static func isSafeLink(_ target: String) -> Bool {
        let lower = target.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") { return true }
        return MarkdownImage.pathProblem(target) == nil
    }

    /// The text a reader sees in one line of inline Markdown: marks removed, images and interactions gone.
    static func plainText(_ markdown: String) -> String {
        let rendered = inline(markdown, imagePrefix: "")
        var text = ""
        var inTag = false
        for character in rendered {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                text.append(character)
            }
        }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Text for XHTML content and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
