import Assessment
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// XML for the QTI readers: `XMLTree.parse` (strict, safe) and start-tag locations.
enum QTIXML {
    static func parse(_ source: ImportSource) throws(ImportFailure) -> MarkupElement {
        try XMLTree.parse(source)
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
}
