import Foundation

/// Reduces the HTML that LMS exports put into question text to the Markdown our banks hold.
///
/// The reduction keeps paragraphs, line breaks, emphasis, lists, links and code; everything else is
/// reduced to its text. Whatever is lost is reported as a warning so the importer can say so.
public enum HTMLText {
    /// The Markdown for `html` and the warnings about what could not be kept.
    public static func markdown(from html: String) -> (markdown: String, warnings: [String]) {
        var reducer = HTMLReducer(html: html)
        reducer.run()
        return (reducer.output.trimmingCharacters(in: .whitespacesAndNewlines), reducer.warnings)
    }

    /// Decodes HTML character references (`&amp;`, `&auml;`, `&#228;`, `&#xE4;`).
    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") {
                let name = text[text.index(after: index)..<semicolon]
                if let decoded = decodeReference(name) {
                    result += decoded
                    index = text.index(after: semicolon)
                    continue
                }
            }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }

    private static func decodeReference(_ name: Substring) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if name.hasPrefix("#") {
            return UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        return namedEntities[String(name)]
    }

    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
        "auml": "ä", "ouml": "ö", "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß",
        "euro": "€", "sect": "§", "copy": "©", "reg": "®", "ndash": "–", "mdash": "—", "hellip": "…",
        "laquo": "«", "raquo": "»", "bdquo": "„", "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’",
        "sbquo": "‚", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷", "middot": "·", "shy": "\u{00AD}",
        "eacute": "é", "egrave": "è", "aacute": "á", "agrave": "à", "ccedil": "ç",
    ]
}

/// A small, forgiving HTML tokenizer that writes Markdown.
struct HTMLReducer {
    let html: String
    var output = ""
    var warnings: [String] = []
    private var listStack: [(ordered: Bool, counter: Int)] = []
    private var droppedTags: Set<String> = []
    private var images: [String] = []

    init(html: String) {
        self.html = html
    }

    mutating func run() {
        var index = html.startIndex
        var text = ""
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = html[index...].firstIndex(of: ">") {
                appendText(text)
                text = ""
                handleTag(String(html[html.index(after: index)..<close]))
                index = html.index(after: close)
            } else {
                text.append(character)
                index = html.index(after: index)
            }
        }
        appendText(text)
        for image in images { warnings.append("image \(image) not embedded") }
        if !droppedTags.isEmpty {
            warnings.append(
                "HTML formatting reduced to Markdown (\(droppedTags.sorted().map { "<\($0)>" }.joined(separator: ", ")) dropped)"
            )
        }
    }

    private mutating func appendText(_ raw: String) {
        guard !raw.isEmpty else { return }
        // Collapse white space as a browser would.
        var collapsed = ""
        var lastWasSpace = output.last.map { $0 == " " || $0 == "\n" } ?? true
        for character in HTMLText.decodeEntities(raw) {
            if character == " " || character == "\n" || character == "\t" || character == "\r" {
                if !lastWasSpace { collapsed.append(" ") }
                lastWasSpace = true
            } else {
                collapsed.append(character == "\u{00A0}" ? " " : character)
                lastWasSpace = false
            }
        }
        output += collapsed
    }

    private mutating func paragraphBreak() {
        while output.hasSuffix(" ") { output.removeLast() }
        guard !output.isEmpty else { return }
        if output.hasSuffix("\n\n") { return }
        output += output.hasSuffix("\n") ? "\n" : "\n\n"
    }

    private mutating func lineBreak() {
        while output.hasSuffix(" ") { output.removeLast() }
        if !output.isEmpty && !output.hasSuffix("\n") { output += "\n" }
    }

    private mutating func handleTag(_ raw: String) {
        if raw.hasPrefix("!") || raw.hasPrefix("?") { return }
        let closing = raw.hasPrefix("/")
        let body = closing ? raw.dropFirst() : Substring(raw)
        let name = body.prefix { !$0.isWhitespace && $0 != "/" }.lowercased()
        switch name {
        case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "pre":
            paragraphBreak()
            if !closing, name.hasPrefix("h"), name.count == 2 { output += String(repeating: "#", count: 3) + " " }
        case "br":
            lineBreak()
        case "strong", "b":
            output += "**"
        case "em", "i":
            output += "*"
        case "code", "tt":
            output += "`"
        case "ul", "ol":
            if closing {
                _ = listStack.popLast()
                paragraphBreak()
            } else {
                lineBreak()
                listStack.append((name == "ol", 0))
            }
        case "li":
            if !closing, !listStack.isEmpty {
                lineBreak()
                listStack[listStack.count - 1].counter += 1
                let entry = listStack[listStack.count - 1]
                output += String(repeating: "  ", count: listStack.count - 1)
                output += entry.ordered ? "\(entry.counter). " : "- "
            }
        case "td", "th":
            if !closing { output += " | " }
            droppedTags.insert("table")
        case "img":
            let source = Self.attribute("src", in: String(body)) ?? "(no source)"
            images.append(HTMLText.decodeEntities(source))
            if let alt = Self.attribute("alt", in: String(body)), !alt.isEmpty {
                output += HTMLText.decodeEntities(alt)
            }
        case "span", "font", "u", "sub", "sup", "a", "tbody", "thead", "small", "big", "center", "label":
            if name != "span" && name != "tbody" && name != "thead" { droppedTags.insert(name) }
        case "script", "style", "iframe", "object", "embed", "video", "audio", "math", "svg":
            droppedTags.insert(name)
        case "":
            break
        default:
            droppedTags.insert(name)
        }
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let range = tag.range(of: "\(name)=", options: .caseInsensitive) else { return nil }
        let rest = tag[range.upperBound...]
        guard let quote = rest.first, quote == "\"" || quote == "'" else {
            return String(rest.prefix { !$0.isWhitespace && $0 != "/" })
        }
        let inner = rest.dropFirst()
        return String(inner.prefix { $0 != quote })
    }
}
