import Assessment
import Foundation

/// Where elements start in the source: the parser reports the end of a start tag (near its `>`, counted in
/// characters), the import reports the `<` that opens it.
///
/// Elements are looked up in document order, so a cursor walks the file once; even a file on a single line
/// costs linear time.
struct MoodleStartTags {
    private let bytes: [UInt8]
    /// Byte offset where each line starts (index 0 = line 1).
    private let lineStarts: [Int]
    /// The last position looked up: line, character column and its byte offset.
    private var cursor = (line: 1, column: 1, offset: 0)

    /// How far before the reported position a start tag is looked for, in bytes.
    private static let maximumTagLength = 8_192

    init(_ data: Data) {
        bytes = Array(data)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The line and column of the `<` of `element`'s start tag; the parser's position when it is not found.
    mutating func location(of element: MarkupElement, in file: String) -> SourceLocation {
        let reported = SourceLocation(file: file, line: element.line, column: element.column)
        guard let end = offset(line: element.line, column: element.column) else { return reported }
        let tag = Array(("<" + element.name).utf8)
        var start = min(end, bytes.count - tag.count)
        let lowest = max(0, end - Self.maximumTagLength)
        while start >= lowest {
            if bytes[start] == 0x3C, bytes[start..<(start + tag.count)].elementsEqual(tag) {
                return SourceLocation(file: file, line: line(of: start), column: column(of: start))
            }
            start -= 1
        }
        return reported
    }

    /// The byte offset of a reported (line, character column), moving the cursor there.
    private mutating func offset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
        var offset: Int
        var current: Int
        if line == cursor.line && column >= cursor.column {
            (offset, current) = (cursor.offset, cursor.column)
        } else {
            (offset, current) = (lineStarts[line - 1], 1)
        }
        let lineEnd = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        while current < column, offset < lineEnd {
            offset += 1
            while offset < lineEnd, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            current += 1
        }
        cursor = (line, current, offset)
        return min(offset, max(bytes.count - 1, 0))
    }

    private func line(of offset: Int) -> Int {
        // The last line starting at or before `offset` (binary search).
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The character column of `offset`, counted from the cursor when it is on the same line and not before.
    private func column(of offset: Int) -> Int {
        let line = line(of: offset)
        var (position, column) = (lineStarts[line - 1], 1)
        if line == cursor.line, cursor.offset <= offset {
            (position, column) = (cursor.offset, cursor.column)
        } else if line == cursor.line {
            // Count backwards from the cursor: cheaper on long lines.
            var back = cursor.offset
            var backColumn = cursor.column
            while back > offset {
                back -= 1
                if bytes[back] & 0xC0 != 0x80 { backColumn -= 1 }
            }
            return max(backColumn, 1)
        }
        while position < offset {
            position += 1
            if position <= offset, position < bytes.count, bytes[position] & 0xC0 != 0x80 { column += 1 }
        }
        return column
    }
}
