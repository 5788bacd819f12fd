import Assessment
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of a parsed XML document, with the line and column where its start tag was read.
///
/// Built by ``XMLTree/parse(_:)``; the importers walk it instead of handling parser callbacks.
final class MarkupElement: @unchecked Sendable {
    // Immutable once `XMLTree.parse` returns; only the builder mutates it.

    /// The tag name as written, including any prefix (`qti:choiceInteraction`).
    let name: String
    /// Attributes by name as written.
    let attributes: [String: String]
    /// Line of the start tag (1-based).
    let line: Int
    /// Column of the start tag (1-based, approximate: where the parser reported it).
    let column: Int
    /// Child nodes in document order.
    fileprivate(set) var children: [MarkupNode] = []

    init(name: String, attributes: [String: String], line: Int, column: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
        self.column = column
    }

    /// The name without a namespace prefix.
    var localName: String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// Child elements.
    var elements: [MarkupElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// Child elements whose local name is `localName`.
    func elements(_ localName: String) -> [MarkupElement] {
        elements.filter { $0.localName == localName }
    }

    /// The first child element named `localName`.
    func element(_ localName: String) -> MarkupElement? {
        elements.first { $0.localName == localName }
    }

    /// All descendant elements (depth first) whose local name is `localName`.
    func descendants(_ localName: String) -> [MarkupElement] {
        var found: [MarkupElement] = []
        var stack = Array(elements.reversed())
        while let next = stack.popLast() {
            if next.localName == localName { found.append(next) }
            stack.append(contentsOf: next.elements.reversed())
        }
        return found
    }

    /// The concatenated text of this element and its descendants (CDATA included), entities decoded.
    var text: String {
        var result = ""
        appendText(to: &result)
        return result
    }

    private func appendText(to result: inout String) {
        for child in children {
            switch child {
            case .text(let text): result += text
            case .element(let element): element.appendText(to: &result)
            }
        }
    }

    /// The text of the first child named `localName`, if present.
    func childText(_ localName: String) -> String? {
        element(localName)?.text
    }

    /// The inner markup re-serialised (tags, attributes and escaped text), for HTML bodies such as QTI's
    /// `itemBody` whose content is XHTML.
    var innerXML: String {
        var result = ""
        for child in children { child.serialize(into: &result) }
        return result
    }

    /// Where this element starts in `file`.
    func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }
}

/// A child of an element: a nested element or a run of text.
enum MarkupNode: Sendable {
    /// A nested element.
    case element(MarkupElement)
    /// Character data (text and CDATA), entities decoded.
    case text(String)

    func serialize(into result: inout String) {
        switch self {
        case .text(let text):
            result += XMLTree.escape(text)
        case .element(let element):
            result += "<\(element.name)"
            for (name, value) in element.attributes.sorted(by: { $0.key < $1.key }) {
                result += " \(name)=\"\(XMLTree.escape(value, attribute: true))\""
            }
            if element.children.isEmpty {
                result += "/>"
            } else {
                result += ">"
                for child in element.children { child.serialize(into: &result) }
                result += "</\(element.name)>"
            }
        }
    }
}

/// Parses XML safely for import: bounded size and depth, no DTD loading, no entity declarations.
enum XMLTree {
    /// Deepest element nesting accepted.
    static let maximumDepth = 256

    /// Parses `source` into its root element.
    ///
    /// Documents that declare entities (`<!ENTITY`) are refused outright: real question exports never
    /// need them and they are the vehicle of entity-expansion and external-entity attacks.
    ///
    /// - Throws: ``ImportFailure`` with the parser's line and column.
    static func parse(_ source: ImportSource) throws(ImportFailure) -> MarkupElement {
        guard source.data.count <= ImportSource.maximumSize else {
            throw ImportFailure(
                file: source.name, line: 1,
                "the file is \(source.data.count) bytes; at most \(ImportSource.maximumSize) bytes are read")
        }
        // Everything reaches the parser as valid UTF-8 (libxml2 behind XMLParser is not robust to bad bytes).
        let source = try utf8Source(source)
        try refuseEmptyProcessingInstructions(source)
        if let offset = entityDeclarationOffset(in: source.data) {
            let line = source.data[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ImportFailure(
                file: source.name, line: line, "the document declares XML entities, which are not accepted")
        }
        let builder = TreeBuilder(maximumDepth: maximumDepth)
        let parser = XMLParser(data: source.data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        let parsed = parser.parse()
        if let tooDeep = builder.tooDeepAt {
            throw ImportFailure(
                file: source.name, line: tooDeep.line, column: tooDeep.column,
                "elements are nested more than \(maximumDepth) deep")
        }
        if let problem = builder.structureProblem {
            throw ImportFailure(
                file: source.name, line: problem.line, column: problem.column, "not well-formed XML: \(problem.message)"
            )
        }
        guard parsed, let root = builder.root, builder.stack.isEmpty else {
            let position = builder.firstErrorAt ?? (max(parser.lineNumber, 1), max(parser.columnNumber, 1))
            let code = builder.firstErrorCode ?? (parser.parserError as NSError?)?.code
            let message =
                code.flatMap { parserMessages[$0] }
                ?? (builder.root == nil
                    ? "the file has no root element" : "an element is not closed or a tag is malformed")
            throw ImportFailure(
                file: source.name, line: position.line, column: position.column, "not well-formed XML: \(message)")
        }
        if !root.children.isEmpty, let problem = trailingContentProblem(source.data, rootName: root.name) {
            throw ImportFailure(file: source.name, line: problem.line, "not well-formed XML: \(problem.message)")
        }
        return root
    }

    /// XMLParser on Linux stops quietly after the root element; content after it must still be refused.
    private static func trailingContentProblem(_ data: Data, rootName: String) -> (line: Int, message: String)? {
        var text = Substring(String(decoding: data, as: UTF8.self))
        while true {
            while let last = text.last, last.isWhitespace { text = text.dropLast() }
            if text.hasSuffix("-->"), let start = text.range(of: "<!--", options: .backwards) {
                text = text[..<start.lowerBound]
            } else if text.hasSuffix("?>"), let start = text.range(of: "<?", options: .backwards) {
                text = text[..<start.lowerBound]
            } else {
                break
            }
        }
        guard let lastOpen = text.lastIndex(of: "<") else { return nil }
        let closing = text[lastOpen...].filter { !$0.isWhitespace }
        if closing == "</\(rootName)>" { return nil }
        let line = text[..<lastOpen].reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
        return (line, "the document does not end with the root element's end tag </\(rootName)>")
    }

    /// Offset of the first `<!ENTITY` in `data`, scanning the bytes once.
    static func entityDeclarationOffset(in data: Data) -> Int? {
        let marker = Array("<!ENTITY".utf8)
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int? in
            let bytes = buffer.bindMemory(to: UInt8.self)
            guard bytes.count >= marker.count else { return nil }
            var index = 0
            let last = bytes.count - marker.count
            while index <= last {
                if bytes[index] == 0x3C, bytes[index + 1] == 0x21 {
                    var matches = true
                    for offset in 2..<marker.count where bytes[index + offset] != marker[offset] {
                        matches = false
                        break
                    }
                    if matches { return index }
                }
                index += 1
            }
            return nil
        }
    }

    /// `source` as UTF-8: unchanged when it is valid UTF-8, transcoded when it starts with a UTF-16 byte-order
    /// mark or declares ISO-8859-1, ISO-8859-15 or Windows-1252 (the declaration is rewritten to UTF-8).
    static func utf8Source(_ source: ImportSource) throws(ImportFailure) -> ImportSource {
        let data = source.data
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            guard let text = String(data: data, encoding: .utf16) else {
                throw ImportFailure(file: source.name, line: 1, "the file is not valid UTF-16 text")
            }
            return ImportSource(name: source.name, data: Data(rewritingDeclaration(text).utf8))
        }
        if String(validating: data, as: UTF8.self) != nil { return source }
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml"), let declarationEnd = head.range(of: "?>"),
            let name = head[..<declarationEnd.lowerBound].firstMatch(of: /encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/)?
                .1.lowercased()
        else {
            _ = try source.text()  // throws, naming the line of the first bad byte
            return source
        }
        let encoding: String.Encoding
        switch name {
        case "iso-8859-1", "latin1", "latin-1", "iso_8859-1", "l1": encoding = .isoLatin1
        case "windows-1252", "cp1252", "iso-8859-15", "latin9": encoding = .windowsCP1252
        case "utf-8", "utf8":
            _ = try source.text()
            return source
        default:
            throw ImportFailure(
                file: source.name, line: 1, "the declared encoding '\(name)' is not supported; save the file as UTF-8")
        }
        guard let text = String(data: data, encoding: encoding) else {
            throw ImportFailure(file: source.name, line: 1, "the file is not valid \(name) text")
        }
        return ImportSource(name: source.name, data: Data(rewritingDeclaration(text).utf8))
    }

    private static func rewritingDeclaration(_ text: String) -> String {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return text }
        let declaration = text[..<end.upperBound].replacing(
            /encoding\s*=\s*["'][^"']*["']/, with: "encoding=\"UTF-8\"")
        return String(declaration) + String(text[end.upperBound...])
    }

    /// Foundation's `XMLParser` on Linux crashes (a NULL string) on a processing instruction without
    /// content such as `<?x?>`; such input is refused before it reaches the parser.
    static func refuseEmptyProcessingInstructions(_ source: ImportSource) throws(ImportFailure) {
        let bytes = source.data
        var line = 1
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                lineStart = bytes.index(after: index)
            } else if byte == 0x3C, bytes.index(after: index) < bytes.endIndex, bytes[bytes.index(after: index)] == 0x3F
            {
                var cursor = bytes.index(index, offsetBy: 2)
                while cursor < bytes.endIndex, ![0x20, 0x09, 0x0A, 0x0D, 0x3F].contains(bytes[cursor]) {
                    cursor = bytes.index(after: cursor)
                }
                if cursor > bytes.index(index, offsetBy: 2), cursor < bytes.endIndex, bytes[cursor] == 0x3F,
                    bytes.index(after: cursor) < bytes.endIndex, bytes[bytes.index(after: cursor)] == 0x3E
                {
                    let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).count + 1
                    throw ImportFailure(
                        file: source.name, line: line, column: column,
                        "not well-formed XML: a processing instruction without content ('<?name?>') is not accepted")
                }
            }
            index = bytes.index(after: index)
        }
    }

    /// Plain words for the libxml2 error codes that real broken exports produce.
    static let parserMessages: [Int: String] = [
        4: "the document is empty", 5: "the document ends before all elements are closed",
        9: "a character that XML does not allow", 23: "an entity reference lacks its ';'",
        26: "an undeclared entity is used (HTML entities such as &nbsp; need a CDATA section)",
        38: "'<' inside an attribute value", 39: "an attribute value is not quoted",
        85: "text appears after the root element",
        86: "text appears after the root element",
        40: "an attribute value is not closed", 41: "an attribute has no value", 42: "an attribute appears twice",
        45: "a comment is not closed", 63: "a CDATA section is not closed", 65: "a space is required here",
        68: "a name is required here", 73: "'>' is missing", 76: "an end tag does not match the open element",
        77: "an element is not closed",
    ]

    /// `text` with `&`, `<`, `>` (and `"` in attributes) escaped.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    let maximumDepth: Int
    var root: MarkupElement?
    var stack: [MarkupElement] = []
    var pendingText = ""
    var tooDeepAt: (line: Int, column: Int)?
    var firstErrorAt: (line: Int, column: Int)?
    var firstErrorCode: Int?
    var structureProblem: (line: Int, column: Int, message: String)?

    init(maximumDepth: Int) {
        self.maximumDepth = maximumDepth
    }

    private func flushText() {
        guard !pendingText.isEmpty, let top = stack.last else {
            pendingText = ""
            return
        }
        top.children.append(.text(pendingText))
        pendingText = ""
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        flushText()
        if stack.count >= maximumDepth {
            tooDeepAt = (parser.lineNumber, parser.columnNumber)
            parser.abortParsing()
            return
        }
        let element = MarkupElement(
            name: elementName, attributes: attributes, line: max(parser.lineNumber, 1),
            column: max(parser.columnNumber, 1))
        if let parent = stack.last {
            parent.children.append(.element(element))
        } else if root == nil {
            root = element
        } else {
            structureProblem = (
                element.line, element.column, "a second root element <\(elementName)> follows the document's root"
            )
            parser.abortParsing()
            return
        }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        flushText()
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if firstErrorAt == nil {
            firstErrorAt = (max(parser.lineNumber, 1), max(parser.columnNumber, 1))
            firstErrorCode = (parseError as NSError).code
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        pendingText += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        pendingText += String(decoding: CDATABlock, as: UTF8.self)
    }
}

/// Numbers in XML attribute values and elements, read as XML Schema reads them: surrounding white space
/// (space, tab, carriage return, line feed) is collapsed away, so `mapped-value=" 0.6667"` is a number.
enum XMLNumber {
    /// `text` without the XML white space around it.
    static func collapsed(_ text: some StringProtocol) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        var result = Substring(text)
        while let first = result.first, isSpace(first) { result = result.dropFirst() }
        while let last = result.last, isSpace(last) { result = result.dropLast() }
        return result
    }

    /// An `xs:integer` of at most 9 digits (with an optional sign), or `nil`.
    static func integer(_ text: String?) -> Int? {
        guard let text else { return nil }
        let trimmed = collapsed(text)
        let digits = trimmed.first == "-" || trimmed.first == "+" ? trimmed.dropFirst() : trimmed
        guard (1...9).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(trimmed)
    }
}
