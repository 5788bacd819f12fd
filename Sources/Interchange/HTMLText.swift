import Assessment
import Foundation

/// Reduces the HTML that LMS exports put into question text to the Markdown our banks hold.
///
/// The reduction keeps paragraphs, line breaks, emphasis, (nested) lists, links, code and preformatted
/// blocks, and writes sub- and superscripts as Unicode where such characters exist (`m²`, `CO₂`);
/// everything else is reduced to its text. Whatever is lost is reported as a warning so the importer can
/// say so. Character references are decoded exactly once.
enum HTMLText {
    /// The Markdown for `html` and the warnings about what could not be kept.
    ///
    /// An image becomes a Markdown image `![alt](media/NAME)`; it is not embedded here (there are no bytes), so
    /// each image is also a warning that says where to put the file.
    static func markdown(from html: String) -> (markdown: String, warnings: [String]) {
        markdown(from: html, media: MediaCollector())
    }

    /// Like ``markdown(from:)``, embedding the images whose bytes `media` finds.
    static func markdown(from html: String, media: MediaCollector) -> (markdown: String, warnings: [String]) {
        var reducer = HTMLReducer(html: html, media: media)
        reducer.run()
        return (reducer.output.trimmingCharacters(in: .whitespacesAndNewlines), reducer.warnings)
    }

    /// Decodes HTML character references (`&amp;`, `&auml;`, `&#228;`, `&#xE4;`) in one pass, so `&amp;lt;`
    /// becomes `&lt;` and not `<`. Unknown names and references without `;` stay as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
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
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                let hex = digits.dropFirst()
                value = hex.isEmpty || hex.count > 8 ? nil : UInt32(hex, radix: 16)
            } else {
                value = digits.isEmpty || digits.count > 10 ? nil : UInt32(digits)
            }
            guard let value else { return nil }
            return String(Character(numericScalar(value)))
        }
        return namedEntities[String(name)].map { String(Character($0)) }
    }

    /// The character a numeric reference stands for, as browsers read it: C1 codes as Windows-1252,
    /// NUL, surrogates and values beyond Unicode as U+FFFD.
    private static func numericScalar(_ value: UInt32) -> Unicode.Scalar {
        if (0x80...0x9F).contains(value), let mapped = windows1252[value] { return mapped }
        if value == 0 { return "\u{FFFD}" }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    private static let windows1252: [UInt32: Unicode.Scalar] = [
        0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡", 0x88: "ˆ", 0x89: "‰",
        0x8A: "Š", 0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•",
        0x96: "–", 0x97: "—", 0x98: "˜", 0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ",
    ]

    /// The HTML 4 named character references (plus `apos`).
    static let namedEntities: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        // Latin-1: U+00A0 ... U+00FF in order.
        let latin1 = """
            nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 \
            acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde \
            Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute \
            Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde \
            auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute \
            ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
            """
        for (offset, name) in latin1.split(separator: " ").enumerated() {
            table[String(name)] = Unicode.Scalar(UInt32(0xA0 + offset))
        }
        // Greek: capitals U+0391 ... U+03A9 (no U+03A2), small letters U+03B1 ... U+03C9.
        let greek = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho"
        for (offset, name) in greek.split(separator: " ").enumerated() {
            table[String(name)] = Unicode.Scalar(UInt32(0x391 + offset))
            table[name.lowercased()] = Unicode.Scalar(UInt32(0x3B1 + offset))
        }
        for (offset, name) in "Sigma Tau Upsilon Phi Chi Psi Omega".split(separator: " ").enumerated() {
            table[String(name)] = Unicode.Scalar(UInt32(0x3A3 + offset))
            table[name.lowercased()] = Unicode.Scalar(UInt32(0x3C3 + offset))
        }
        let others: [String: UInt32] = [
            "quot": 0x22, "amp": 0x26, "apos": 0x27, "lt": 0x3C, "gt": 0x3E, "OElig": 0x152, "oelig": 0x153,
            "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC,
            "sigmaf": 0x3C2, "thetasym": 0x3D1, "upsih": 0x3D2, "piv": 0x3D6, "ensp": 0x2002, "emsp": 0x2003,
            "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D, "lrm": 0x200E, "rlm": 0x200F, "ndash": 0x2013,
            "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D,
            "bdquo": 0x201E, "dagger": 0x2020, "Dagger": 0x2021, "bull": 0x2022, "hellip": 0x2026,
            "permil": 0x2030, "prime": 0x2032, "Prime": 0x2033, "lsaquo": 0x2039, "rsaquo": 0x203A,
            "oline": 0x203E, "frasl": 0x2044, "euro": 0x20AC, "image": 0x2111, "weierp": 0x2118, "real": 0x211C,
            "trade": 0x2122, "alefsym": 0x2135, "larr": 0x2190, "uarr": 0x2191, "rarr": 0x2192, "darr": 0x2193,
            "harr": 0x2194, "crarr": 0x21B5, "lArr": 0x21D0, "uArr": 0x21D1, "rArr": 0x21D2, "dArr": 0x21D3,
            "hArr": 0x21D4, "forall": 0x2200, "part": 0x2202, "exist": 0x2203, "empty": 0x2205, "nabla": 0x2207,
            "isin": 0x2208, "notin": 0x2209, "ni": 0x220B, "prod": 0x220F, "sum": 0x2211, "minus": 0x2212,
            "lowast": 0x2217, "radic": 0x221A, "prop": 0x221D, "infin": 0x221E, "ang": 0x2220, "and": 0x2227,
            "or": 0x2228, "cap": 0x2229, "cup": 0x222A, "int": 0x222B, "there4": 0x2234, "sim": 0x223C,
            "cong": 0x2245, "asymp": 0x2248, "ne": 0x2260, "equiv": 0x2261, "le": 0x2264, "ge": 0x2265,
            "sub": 0x2282, "sup": 0x2283, "nsub": 0x2284, "sube": 0x2286, "supe": 0x2287, "oplus": 0x2295,
            "otimes": 0x2297, "perp": 0x22A5, "sdot": 0x22C5, "lceil": 0x2308, "rceil": 0x2309,
            "lfloor": 0x230A, "rfloor": 0x230B, "lang": 0x2329, "rang": 0x232A, "loz": 0x25CA, "spades": 0x2660,
            "clubs": 0x2663, "hearts": 0x2665, "diams": 0x2666,
        ]
        for (name, value) in others { table[name] = Unicode.Scalar(value) }
        return table
    }()
}

/// A small, forgiving HTML tokenizer that writes Markdown.
struct HTMLReducer {
    private let scalars: [Unicode.Scalar]
    /// Output of the outermost level; inline elements that need their whole content (emphasis, links,
    /// sub/superscripts) collect it in `frames` first.
    private var root = ""
    private var frames: [Frame] = []
    private(set) var warnings: [String] = []
    private var lists: [ListLevel] = []
    private var droppedTags: Set<String> = []
    private var resources: [String] = []
    private var preformatted = 0
    /// A list marker was just written and its item has no content yet.
    private var atItemStart = false

    private struct Frame {
        var tag: String
        var text = ""
        var href: String?
    }

    private struct ListLevel {
        var ordered: Bool
        var counter: Int
        /// Column where this list's markers start.
        var markerIndent: Int
        /// Column where the current item's content starts.
        var contentIndent: Int
    }

    private let media: MediaCollector

    init(html: String, media: MediaCollector) {
        scalars = Array(html.unicodeScalars)
        self.media = media
    }

    /// The Markdown written so far (all open inline elements closed).
    var output: String { root }

    // MARK: Tokenizing

    mutating func run() {
        var index = 0
        var text = String.UnicodeScalarView()
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            guard scalar == "<", index + 1 < count else {
                text.append(scalar)
                index += 1
                continue
            }
            let next = scalars[index + 1]
            if next == "!" || next == "?" {
                flush(&text)
                if starts(with: "<!--", at: index) {
                    index = position(after: "-->", from: index + 4)
                } else if starts(with: "<![CDATA[", at: index) {
                    let end = find("]]>", from: index + 9) ?? count
                    appendText(String(String.UnicodeScalarView(scalars[(index + 9)..<end])), decode: false)
                    index = min(end + 3, count)
                } else {
                    index = position(after: ">", from: index + 2)
                }
            } else if isLetter(next) || (next == "/" && index + 2 < count && isLetter(scalars[index + 2])) {
                flush(&text)
                let end = tagEnd(from: index + 1)
                let body = String(String.UnicodeScalarView(scalars[(index + 1)..<min(end, count)]))
                index = min(end + 1, count)
                switch handleTag(body) {
                case .continue:
                    break
                case .skipRawText(let name):
                    index = skipRawText(named: name, from: index)
                case .skipLeadingNewline:
                    if index < count, scalars[index] == "\r" { index += 1 }
                    if index < count, scalars[index] == "\n" { index += 1 }
                }
            } else {
                text.append(scalar)
                index += 1
            }
        }
        flush(&text)
        while !frames.isEmpty { closeFrame() }
        finish()
    }

    private mutating func flush(_ text: inout String.UnicodeScalarView) {
        guard !text.isEmpty else { return }
        appendText(String(text), decode: true)
        text = String.UnicodeScalarView()
    }

    private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && scalar.properties.isAlphabetic
    }

    private func starts(with prefix: String, at index: Int) -> Bool {
        var offset = index
        for scalar in prefix.unicodeScalars {
            guard offset < scalars.count, scalars[offset] == scalar else { return false }
            offset += 1
        }
        return true
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        var index = start
        while index < scalars.count {
            if starts(with: needle, at: index) { return index }
            index += 1
        }
        return nil
    }

    private func position(after needle: String, from start: Int) -> Int {
        guard let found = find(needle, from: start) else { return scalars.count }
        return found + needle.unicodeScalars.count
    }

    /// Index of the `>` that ends the tag starting after `<`, honouring quoted attribute values.
    private func tagEnd(from start: Int) -> Int {
        var index = start
        var quote: Unicode.Scalar? = nil
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                return index
            }
            index += 1
        }
        return scalars.count
    }

    /// Index after the end tag `</name>` (case-insensitive) from `start`, for raw-text elements.
    private func skipRawText(named name: String, from start: Int) -> Int {
        let needle = Array("</\(name)".unicodeScalars)
        var index = start
        while index + needle.count <= scalars.count {
            var matches = true
            for offset in 0..<needle.count
            where Character(scalars[index + offset]).lowercased() != Character(needle[offset]).lowercased() {
                matches = false
                break
            }
            if matches { return position(after: ">", from: index + needle.count) }
            index += 1
        }
        return scalars.count
    }

    // MARK: Writing

    /// The text of the innermost open level (read only; writes go through `write`).
    private var current: String { frames.last?.text ?? root }

    /// The last character written at any level (what a new text run follows).
    private var lastWritten: Character? {
        for frame in frames.reversed() where !frame.text.isEmpty { return frame.text.last }
        return root.last
    }

    private mutating func write(_ text: String) {
        if atItemStart, text.contains(where: { !$0.isWhitespace }) { atItemStart = false }
        if frames.isEmpty {
            root += text
        } else {
            frames[frames.count - 1].text += text
        }
    }

    private mutating func appendText(_ raw: String, decode: Bool) {
        guard !raw.isEmpty else { return }
        let decoded = decode ? HTMLText.decodeEntities(raw) : raw
        if preformatted > 0 {
            write(decoded.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\u{00A0}", with: " "))
            return
        }
        // Collapse white space as a browser would.
        var collapsed = ""
        var lastWasSpace = lastWritten.map { $0 == " " || $0 == "\n" } ?? true
        for character in decoded {
            if character == " " || character == "\n" || character == "\t" || character == "\r" || character == "\r\n" {
                if !lastWasSpace { collapsed.append(" ") }
                lastWasSpace = true
            } else {
                collapsed.append(character == "\u{00A0}" ? " " : character)
                lastWasSpace = false
            }
        }
        write(collapsed)
    }

    private mutating func trimTrailingSpaces() {
        // In place: copying the output here would make long texts quadratic.
        if frames.isEmpty {
            while root.hasSuffix(" ") { root.removeLast() }
        } else {
            while frames[frames.count - 1].text.hasSuffix(" ") { frames[frames.count - 1].text.removeLast() }
        }
    }

    private mutating func paragraphBreak() {
        if !lists.isEmpty {
            lineBreak()
            return
        }
        trimTrailingSpaces()
        guard !current.isEmpty, !current.hasSuffix("\n\n") else { return }
        write(current.hasSuffix("\n") ? "\n" : "\n\n")
    }

    private mutating func lineBreak() {
        // A paragraph or line break right after a list marker starts the item's content; it is not a new line.
        if atItemStart { return }
        trimTrailingSpaces()
        if !current.isEmpty && !current.hasSuffix("\n") { write("\n") }
        if let level = lists.last, !current.isEmpty {
            write(String(repeating: " ", count: level.contentIndent))
        }
    }

    // MARK: Tags

    /// What the tokenizer does after a tag.
    private enum TagEffect {
        case `continue`
        /// Skip the element's content up to its end tag (`script`, `style`).
        case skipRawText(String)
        /// Skip one newline right after the tag (`pre`).
        case skipLeadingNewline
    }

    /// Handles one tag.
    private mutating func handleTag(_ raw: String) -> TagEffect {
        let closing = raw.hasPrefix("/")
        let body = closing ? raw.dropFirst() : Substring(raw)
        let name = body.prefix { !$0.isWhitespace && $0 != "/" && $0 != ">" }.lowercased()
        let selfClosing = raw.hasSuffix("/")
        switch name {
        case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "section", "article",
            "header", "footer", "main", "aside", "figure", "figcaption", "address", "dl", "dt", "dd", "caption":
            if preformatted > 0 { return .continue }
            paragraphBreak()
            if !closing, name.hasPrefix("h"), name.count == 2 { write("### ") }
        case "br":
            if preformatted > 0 {
                write("\n")
            } else {
                lineBreak()
            }
        case "pre":
            if closing {
                guard preformatted > 0 else { return .continue }
                preformatted -= 1
                if preformatted == 0 {
                    if !current.hasSuffix("\n") { write("\n") }
                    write("```")
                    paragraphBreak()
                }
            } else if !selfClosing {
                if preformatted == 0 {
                    paragraphBreak()
                    write("```\n")
                }
                preformatted += 1
                // A newline right after <pre> is not content.
                return .skipLeadingNewline
            }
        case "strong", "b", "em", "i", "code", "tt", "kbd", "samp", "sub", "sup":
            if preformatted > 0 { return .continue }
            if closing {
                close(name)
            } else if !selfClosing {
                frames.append(Frame(tag: name))
            }
        case "a":
            if preformatted > 0 { return .continue }
            if closing {
                close("a")
            } else if !selfClosing {
                if frames.contains(where: { $0.tag == "a" }) { close("a") }
                let href = Self.attribute("href", in: String(body)).map(HTMLText.decodeEntities)
                frames.append(Frame(tag: "a", href: href?.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        case "ul", "ol":
            if closing {
                guard !lists.isEmpty else { return .continue }
                atItemStart = false
                _ = lists.popLast()
                if lists.isEmpty { paragraphBreak() } else { lineBreak() }
            } else if !selfClosing {
                lineBreak()
                var start = 0
                if name == "ol", let value = Self.attribute("start", in: String(body)).flatMap({ Int($0) }),
                    (0...1_000_000).contains(value)
                {
                    start = value - 1
                }
                let indent = lists.last?.contentIndent ?? 0
                lists.append(
                    ListLevel(ordered: name == "ol", counter: start, markerIndent: indent, contentIndent: indent))
            }
        case "li":
            guard !closing else { return .continue }
            if lists.isEmpty { lists.append(ListLevel(ordered: false, counter: 0, markerIndent: 0, contentIndent: 0)) }
            trimTrailingSpaces()
            if !current.isEmpty && !current.hasSuffix("\n") { write("\n") }
            let last = lists.count - 1
            lists[last].counter += 1
            let level = lists[last]
            let marker = level.ordered ? "\(level.counter). " : "- "
            write(String(repeating: " ", count: level.markerIndent) + marker)
            lists[last].contentIndent = level.markerIndent + marker.count
            atItemStart = true
        case "td", "th":
            if !closing { write(" | ") }
            droppedTags.insert("table")
        case "img":
            let tag = String(body)
            let source = Self.attribute("src", in: tag).map(HTMLText.decodeEntities) ?? ""
            let alt = (Self.attribute("alt", in: tag).map(HTMLText.decodeEntities) ?? "")
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            // The alternative text stays inside the image: written as prose it could read like a hint.
            let (markdown, warning) = media.image(source: source, alt: alt)
            if let warning { resources.append(warning) }
            write(markdown)
        case "script", "style":
            droppedTags.insert(name)
            if !closing && !selfClosing { return .skipRawText(name) }
        case "span", "tbody", "thead", "tfoot", "colgroup", "col", "o:p", "nobr", "wbr":
            break
        case "":
            break
        default:
            droppedTags.insert(name)
        }
        return .continue
    }

    /// Closes the innermost open element `tag` (and any open inside it); a stray end tag is ignored.
    private mutating func close(_ tag: String) {
        let equivalent: Set<String> =
            switch tag {
            case "strong", "b": ["strong", "b"]
            case "em", "i": ["em", "i"]
            case "code", "tt", "kbd", "samp": ["code", "tt", "kbd", "samp"]
            default: [tag]
            }
        guard let position = frames.lastIndex(where: { equivalent.contains($0.tag) }) else { return }
        while frames.count > position { closeFrame() }
    }

    private mutating func closeFrame() {
        guard let frame = frames.popLast() else { return }
        // White space at the edges belongs outside the markers: "** bold **" is not emphasis.
        var inner = Substring(frame.text)
        var leading = ""
        var trailing = ""
        while let first = inner.first, first == " " || first == "\n" {
            leading = " "
            inner = inner.dropFirst()
        }
        while let last = inner.last, last == " " || last == "\n" {
            trailing = last == "\n" ? "\n" : " "
            inner = inner.dropLast()
        }
        if !leading.isEmpty, lastWritten.map({ $0 != " " && $0 != "\n" }) ?? false { write(leading) }
        let text = String(inner)
        switch frame.tag {
        case "strong", "b": write(wrapped(text, in: "**"))
        case "em", "i": write(wrapped(text, in: "*"))
        case "code", "tt", "kbd", "samp": write(wrapped(text, in: text.contains("`") ? "``" : "`"))
        case "sub", "sup":
            if let mapped = Self.script(text, superscript: frame.tag == "sup") {
                write(mapped)
            } else {
                droppedTags.insert(frame.tag)
                write(text)
            }
        case "a": write(link(text, href: frame.href))
        default: write(text)
        }
        write(trailing)
    }

    private func wrapped(_ text: String, in marker: String) -> String {
        guard !text.isEmpty else { return "" }
        // Emphasis cannot span paragraphs; keep the text.
        if text.contains("\n\n") { return text }
        return marker + text + marker
    }

    private mutating func link(_ text: String, href: String?) -> String {
        guard let href, !href.isEmpty, !href.hasPrefix("#"), !href.lowercased().hasPrefix("javascript:") else {
            return text
        }
        if href.hasPrefix("@@PLUGINFILE@@") {
            resources.append("file \(href) not embedded")
            return text
        }
        var target = ""
        for character in href {
            switch character {
            case " ": target += "%20"
            case "(": target += "%28"
            case ")": target += "%29"
            case "<": target += "%3C"
            case ">": target += "%3E"
            default: target.append(character)
            }
        }
        if text.isEmpty || text == href { return "<\(target)>" }
        if text.contains("\n\n") { return "\(text) (\(target))" }
        return "[\(text)](\(target))"
    }

    /// `text` in Unicode super- or subscript characters, or `nil` when one of its characters has none.
    static func script(_ text: String, superscript: Bool) -> String? {
        let table = superscript ? superscripts : subscripts
        var result = ""
        for character in text {
            guard let mapped = table[character] else { return nil }
            result.append(mapped)
        }
        return result
    }

    private static let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
        "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", "n": "ⁿ", "i": "ⁱ",
    ]

    private static let subscripts: [Character: Character] = [
        "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
        "+": "₊", "-": "₋", "−": "₋", "=": "₌", "(": "₍", ")": "₎", "a": "ₐ", "e": "ₑ", "o": "ₒ", "x": "ₓ",
        "h": "ₕ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ", "p": "ₚ", "s": "ₛ", "t": "ₜ",
    ]

    private mutating func finish() {
        if preformatted > 0 {
            if !root.hasSuffix("\n") { root += "\n" }
            root += "```"
            preformatted = 0
        }
        var seen = Set<String>()
        for resource in resources where seen.insert(resource).inserted { warnings.append(resource) }
        if !droppedTags.isEmpty {
            warnings.append(
                "HTML formatting reduced to Markdown (\(droppedTags.sorted().map { "<\($0)>" }.joined(separator: ", ")) dropped)"
            )
        }
    }

    /// The value of attribute `name` in a tag body (`img src="x.png" alt='A'`), entities not decoded.
    static func attribute(_ name: String, in tag: String) -> String? {
        let scalars = Array(tag.unicodeScalars)
        var index = 0
        // Skip the tag name.
        while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
        while index < scalars.count {
            while index < scalars.count, scalars[index].properties.isWhitespace || scalars[index] == "/" {
                index += 1
            }
            let nameStart = index
            while index < scalars.count, !scalars[index].properties.isWhitespace, scalars[index] != "=",
                scalars[index] != "/"
            {
                index += 1
            }
            let attributeName = String(String.UnicodeScalarView(scalars[nameStart..<index])).lowercased()
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
            var value: String? = nil
            if index < scalars.count, scalars[index] == "=" {
                index += 1
                while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
                if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" {
                    let quote = scalars[index]
                    let valueStart = index + 1
                    index = valueStart
                    while index < scalars.count, scalars[index] != quote { index += 1 }
                    value = String(String.UnicodeScalarView(scalars[valueStart..<index]))
                    index += 1
                } else {
                    let valueStart = index
                    while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
                    value = String(String.UnicodeScalarView(scalars[valueStart..<index]))
                }
            }
            if attributeName == name.lowercased() { return value ?? "" }
            if attributeName.isEmpty && value == nil { index += 1 }
        }
        return nil
    }
}
