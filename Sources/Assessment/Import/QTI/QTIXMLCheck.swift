import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses XML for the QTI readers: `XMLTree.parse`, preceded by a strict well-formedness check.
///
/// Foundation's `XMLParser` on Linux recovers from some errors (a mismatched end tag, a document that
/// ends inside an element) and still reports success; `XMLTree.parse` would then accept a broken file.
/// The check runs a second parser that stops at the first reported error.
enum QTIXML {
    static func parse(_ source: ImportSource) throws(ImportFailure) -> MarkupElement {
        try refuseEmptyProcessingInstructions(source)
        let root = try XMLTree.parse(source)
        let checker = ErrorCatcher()
        let parser = XMLParser(data: source.data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = checker
        _ = parser.parse()
        if let error = checker.first {
            throw ImportFailure(
                file: source.name, line: max(error.line, 1), column: max(error.column, 1),
                "not well-formed XML: \(message(forCode: error.code))")
        }
        return root
    }

    /// Where an element's start tag begins: the parser reports where it ends, so search back from there
    /// for `<name`. Falls back to the reported position.
    static func startLocation(of element: MarkupElement, lines: [Substring], file: String) -> SourceLocation {
        let fallback = element.location(in: file)
        let target = Array(("<" + element.name).utf8)
        var lineIndex = element.line - 1
        guard lineIndex >= 0, lineIndex < lines.count else { return fallback }
        var limit = element.column - 1
        for _ in 0..<50 {
            let bytes = Array(lines[lineIndex].utf8)
            var position = min(limit, bytes.count) - target.count
            while position >= 0 {
                if bytes[position..<(position + target.count)].elementsEqual(target) {
                    let next = position + target.count < bytes.count ? bytes[position + target.count] : 0x20
                    if next == 0x20 || next == 0x09 || next == 0x0D || next == 0x3E || next == 0x2F {
                        let column = String(decoding: bytes[..<position], as: UTF8.self).count + 1
                        return SourceLocation(file: file, line: lineIndex + 1, column: column)
                    }
                }
                position -= 1
            }
            lineIndex -= 1
            guard lineIndex >= 0 else { break }
            limit = Int.max
        }
        return fallback
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

    /// A description of a libxml2 error code.
    static func message(forCode code: Int) -> String {
        switch code {
        case 4: "the document is empty"
        case 5: "the document ends before all elements are closed"
        case 9: "the text contains a character that XML does not allow"
        case 23, 24, 26, 27: "an entity reference is not defined"
        case 38, 39, 40, 41: "an attribute value is not quoted or not closed"
        case 42: "an attribute is given twice"
        case 57, 58, 59: "a comment or processing instruction is not closed"
        case 63, 64, 65: "a start tag is malformed"
        case 68: "a name is expected after '<'"
        case 73: "'>' is missing"
        case 76: "an end tag does not match the open element"
        case 85, 86: "text appears after the root element"
        default: "parser error \(code)"
        }
    }
}

private final class ErrorCatcher: NSObject, XMLParserDelegate {
    var first: (code: Int, line: Int, column: Int)?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard first == nil else { return }
        first = ((parseError as NSError).code, parser.lineNumber, parser.columnNumber)
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: Error) {
        self.parser(parser, parseErrorOccurred: validationError)
    }
}
