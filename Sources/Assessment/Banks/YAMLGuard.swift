/// Cheap checks on raw bank bytes before they reach the YAML parser.
///
/// The parser builds its tree recursively, so input nested thousands of levels deep could exhaust
/// the stack. This scan bounds nesting conservatively: flow collections (`[`, `{`) may nest at most
/// ``maximumFlowDepth`` levels, and block content may start at most at column ``maximumColumn``
/// (block nesting needs one more indentation step per level, including compact `- - -` forms).
enum YAMLGuard {
    static let maximumBytes = 5_000_000
    static let maximumFlowDepth = 64
    static let maximumColumn = 200

    /// Returns a problem for input that must not be parsed, or `nil` when it may be.
    static func check(_ bytes: [UInt8], file: String) -> BankProblem? {
        guard bytes.count <= maximumBytes else {
            return BankProblem(
                file: file, line: 1, column: 1,
                message: "file is \(bytes.count) bytes; bank files may be at most \(maximumBytes) bytes (5 MB)")
        }
        var line = 1
        var column = 0
        var lineStart = true
        var indentColumn = 0
        var flowDepth = 0
        var quote: UInt8? = nil
        var inComment = false
        var previous: UInt8 = 0x0A
        var blockScalarParentIndent: Int? = nil
        var lastSignificant: UInt8 = 0
        var index = 0

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x0A {
                if lastSignificant == UInt8(ascii: "|") || lastSignificant == UInt8(ascii: ">") {
                    blockScalarParentIndent = indentColumn
                }
                line += 1
                column = 0
                lineStart = true
                indentColumn = 0
                inComment = false
                lastSignificant = 0
                previous = byte
                if flowDepth == 0 { quote = nil }
                continue
            }
            // Count columns in Unicode scalars: skip UTF-8 continuation bytes.
            if byte & 0xC0 != 0x80 { column += 1 }
            if lineStart {
                if byte == UInt8(ascii: " ") {
                    previous = byte
                    continue
                }
                lineStart = false
                indentColumn = column
                if let parent = blockScalarParentIndent {
                    if indentColumn > parent {
                        // Inside a literal or folded block: text, not structure.
                        skipToEndOfLine(bytes, &index)
                        continue
                    }
                    blockScalarParentIndent = nil
                }
                if flowDepth == 0, let start = contentColumn(bytes, from: index - 1, column: column),
                    start > maximumColumn
                {
                    return BankProblem(
                        file: file, line: line, column: start,
                        message:
                            "YAML is nested too deeply (content starts past column \(maximumColumn)); refusing to parse it"
                    )
                }
            }
            if inComment { continue }
            if quote == nil && byte == UInt8(ascii: "#") && (previous == UInt8(ascii: " ") || column == 1) {
                inComment = true
                continue
            }
            if let open = quote {
                if byte == open { quote = nil }
                previous = byte
                continue
            }
            let atTokenStart =
                previous == UInt8(ascii: " ") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{")
                || previous == UInt8(ascii: ",") || previous == 0x0A || column == indentColumn
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if atTokenStart { quote = byte }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if flowDepth > 0 || atTokenStart {
                    flowDepth += 1
                    if flowDepth > maximumFlowDepth {
                        return BankProblem(
                            file: file, line: line, column: column,
                            message: "YAML is nested more than \(maximumFlowDepth) levels deep; refusing to parse it")
                    }
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if flowDepth > 0 { flowDepth -= 1 }
            default:
                break
            }
            if byte != UInt8(ascii: " ") { lastSignificant = byte }
            previous = byte
        }
        return nil
    }

    /// Column where a line's content starts after compact block indicators (`- - - x`, `? x`).
    private static func contentColumn(_ bytes: [UInt8], from start: Int, column: Int) -> Int? {
        var index = start
        var column = column
        while index + 1 < bytes.count,
            bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "?"),
            bytes[index + 1] == UInt8(ascii: " ")
        {
            index += 1
            column += 1
            while index < bytes.count && bytes[index] == UInt8(ascii: " ") {
                index += 1
                column += 1
                if column > maximumColumn + 1 { return column }
            }
        }
        return column
    }

    private static func skipToEndOfLine(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count && bytes[index] != 0x0A { index += 1 }
    }
}
