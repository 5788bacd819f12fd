import Assessment
/// One byte of GIFT text after its escape was resolved.
///
/// The scanner works on UTF-8 bytes: every character with a meaning in GIFT is ASCII, and escapes only ever
/// replace ASCII, so a run of units decodes back to valid UTF-8.
struct GIFTUnit: Sendable {
    /// The byte; escapes are resolved (`\~` → `~`, `\n` → line feed, `\\` → `\`).
    var byte: UInt8
    /// Whether the byte came from an escape sequence and so has no meaning in the syntax.
    var isEscaped: Bool
    /// Byte offset in the source of the byte or of its escape's backslash.
    var offset: Int

    /// Whether this is the unescaped syntax character `character`.
    func isSyntax(_ character: UInt8) -> Bool {
        !isEscaped && byte == character
    }

    /// Space, tab, line feed, carriage return, vertical tab or NUL (what PHP's `trim` removes).
    var isWhitespace: Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x00
    }
}

/// ASCII bytes the GIFT code refers to by name.
enum GIFTByte {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let backslash: UInt8 = 0x5C
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let colon: UInt8 = 0x3A
    static let tilde: UInt8 = 0x7E
    static let equals: UInt8 = 0x3D
    static let hash: UInt8 = 0x23
    static let percent: UInt8 = 0x25
    static let slash: UInt8 = 0x2F
    static let minus: UInt8 = 0x2D
    static let greater: UInt8 = 0x3E
    static let period: UInt8 = 0x2E
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let letterN: UInt8 = 0x6E

    /// What may follow a backslash: `\~ \= \# \{ \} \: \\` stand for the character, `\n` for a line break.
    static func unescaped(_ byte: UInt8) -> UInt8? {
        switch byte {
        case tilde, equals, hash, openBrace, closeBrace, colon, backslash: byte
        case letterN: lineFeed
        default: nil
        }
    }
}

/// The lines of a source and the conversion of byte offsets to 1-based line and column.
struct GIFTLines: Sendable {
    /// The source bytes (UTF-8, without byte-order mark).
    let bytes: [UInt8]
    /// Offset of the first byte of each line (32 bits: sources are at most ``ImportSource/maximumSize``).
    private var starts: [Int32] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        starts.append(0)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == GIFTByte.lineFeed || byte == GIFTByte.carriageReturn {
                if byte == GIFTByte.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == GIFTByte.lineFeed {
                    index += 1
                }
                if index + 1 < bytes.count { starts.append(Int32(clamping: index + 1)) }
            }
            index += 1
        }
    }

    /// Number of lines.
    var count: Int { starts.count }

    /// Offset of the first byte of line `index` (0-based).
    func start(ofLine index: Int) -> Int {
        Int(starts[index])
    }

    /// Offset just past the last byte of line `index`, before its `\n`, `\r\n` or `\r`.
    func end(ofLine index: Int) -> Int {
        let start = Int(starts[index])
        var end = index + 1 < starts.count ? Int(starts[index + 1]) : bytes.count
        if end > start, bytes[end - 1] == GIFTByte.lineFeed {
            end -= 1
            if end > start, bytes[end - 1] == GIFTByte.carriageReturn { end -= 1 }
        } else if end > start, bytes[end - 1] == GIFTByte.carriageReturn {
            end -= 1
        }
        return end
    }

    /// The 0-based index of the line that holds `offset`.
    func lineIndex(of offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if Int(starts[middle]) <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The 1-based line of `offset`.
    func line(of offset: Int) -> Int {
        lineIndex(of: offset) + 1
    }

    /// The 1-based column of `offset`, counted in characters.
    func column(of offset: Int) -> Int {
        let start = Int(starts[lineIndex(of: offset)])
        let end = min(max(offset, start), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self).count + 1
    }

    /// The location of `offset` in `file`.
    func location(_ offset: Int, file: String) -> SourceLocation {
        SourceLocation(file: file, line: line(of: offset), column: column(of: offset))
    }
}

/// An answer block `{...}` of a question: unit indices of its braces.
struct GIFTBraces: Sendable {
    /// Index of the `{` unit.
    var open: Int
    /// Index of the `}` unit.
    var close: Int
}

/// The lines of one question: blank-line separated, comments removed, escapes resolved.
struct GIFTQuestionBlock: Sendable {
    /// Offset of the first byte of the question (after indentation); -1 while the block has only comments.
    var start = -1
    /// The question's units; lines are joined with a line feed.
    var units: [GIFTUnit] = []
    /// The comment lines (`// ...`) within the question, for Moodle's `[id:...]` and `[tag:...]`.
    var comments: [String] = []
    /// Unit indices of the title between `::` and `::`.
    var title: Range<Int>?
    /// Whether a title was opened with `::` and not closed.
    var titleUnclosed = false
    /// The answer blocks in order.
    var braces: [GIFTBraces] = []
    /// Whether the question was longer than ``GIFTScanner/maximumQuestionBytes`` (units were not kept).
    var oversized = false
    /// Bytes of question text seen, kept or not.
    var byteCount = 0
    /// Whether a non-whitespace unit was read (a title must come first).
    var hasText = false

    /// Whether the block holds anything besides comments.
    var hasContent: Bool { start >= 0 }
}

/// What the scanner finds: questions and category changes, in source order.
enum GIFTBlock: Sendable {
    /// `$CATEGORY: path` at `offset`.
    case category(path: String, offset: Int)
    /// A question block.
    case question(GIFTQuestionBlock)
}

/// Splits GIFT text into question blocks: blank lines separate questions outside answer blocks, `//` lines
/// are comments, `$CATEGORY:` lines change the category. Braces must pair up across the whole file; a
/// stray `}` or a `{` that is never closed makes the file unreadable (``ImportFailure``).
struct GIFTScanner {
    /// Longest question kept, in bytes; a longer one cannot fit a bank item (texts hold 10,000 characters).
    static let maximumQuestionBytes = 1_000_000

    let lines: GIFTLines
    let file: String
    private var blocks: [GIFTBlock] = []
    private var current = GIFTQuestionBlock()
    /// The open `{`: its byte offset and unit index.
    private var openBrace: (offset: Int, unit: Int)?
    /// Unit index where the open title's text starts.
    private var titleStart: Int?

    init(lines: GIFTLines, file: String) {
        self.lines = lines
        self.file = file
    }

    /// The blocks of the source.
    mutating func scan() throws(ImportFailure) -> [GIFTBlock] {
        let bytes = lines.bytes
        for lineIndex in 0..<lines.count {
            let lineStart = lines.start(ofLine: lineIndex)
            let lineEnd = lines.end(ofLine: lineIndex)
            var first = lineStart
            while first < lineEnd, bytes[first] == GIFTByte.space || bytes[first] == GIFTByte.tab { first += 1 }
            let isBlank = first == lineEnd
            let isComment =
                !isBlank && first + 1 < lineEnd && bytes[first] == GIFTByte.slash && bytes[first + 1] == GIFTByte.slash
            if isComment {
                current.comments.append(String(decoding: bytes[first..<lineEnd], as: UTF8.self))
                continue
            }
            if openBrace == nil {
                if titleStart != nil, isBlank {
                    current.titleUnclosed = true
                    titleStart = nil
                }
                if titleStart == nil {
                    if isBlank {
                        finishBlock()
                        continue
                    }
                    if Self.hasPrefix(bytes, at: first, end: lineEnd, "$CATEGORY:") {
                        finishBlock()
                        let path = Self.decoded(bytes[(first + 10)..<lineEnd])
                        blocks.append(.category(path: path, offset: first))
                        continue
                    }
                }
            }
            try readContent(from: lineStart, to: lineEnd, firstText: first)
        }
        if let openBrace {
            throw ImportFailure(
                lines.location(openBrace.offset, file: file),
                "'{' opens an answer block that is not closed before the end of the file (write \\{ for a literal brace)"
            )
        }
        if titleStart != nil {
            current.titleUnclosed = true
            titleStart = nil
        }
        finishBlock()
        return blocks
    }

    private mutating func finishBlock() {
        if current.hasContent { blocks.append(.question(current)) }
        current = GIFTQuestionBlock()
    }

    private mutating func append(_ unit: GIFTUnit) {
        current.byteCount += 1
        if !unit.isWhitespace { current.hasText = true }
        if current.units.count < Self.maximumQuestionBytes {
            current.units.append(unit)
        } else {
            current.oversized = true
        }
    }

    private mutating func readContent(from lineStart: Int, to lineEnd: Int, firstText: Int) throws(ImportFailure) {
        let bytes = lines.bytes
        if current.hasContent {
            append(GIFTUnit(byte: GIFTByte.lineFeed, isEscaped: false, offset: lineStart))
        } else {
            current.start = firstText
        }
        var index = lineStart
        while index < lineEnd {
            let byte = bytes[index]
            if byte == GIFTByte.backslash, index + 1 < lineEnd, let meant = GIFTByte.unescaped(bytes[index + 1]) {
                append(GIFTUnit(byte: meant, isEscaped: true, offset: index))
                index += 2
                continue
            }
            let nextIsColon = index + 1 < lineEnd && bytes[index + 1] == GIFTByte.colon
            if let start = titleStart {
                if byte == GIFTByte.colon, nextIsColon {
                    current.title = start..<current.units.count
                    titleStart = nil
                    append(GIFTUnit(byte: byte, isEscaped: false, offset: index))
                    append(GIFTUnit(byte: byte, isEscaped: false, offset: index + 1))
                    index += 2
                    continue
                }
            } else if byte == GIFTByte.colon, nextIsColon, !current.hasText, current.title == nil, openBrace == nil {
                append(GIFTUnit(byte: byte, isEscaped: false, offset: index))
                append(GIFTUnit(byte: byte, isEscaped: false, offset: index + 1))
                titleStart = current.units.count
                index += 2
                continue
            } else if byte == GIFTByte.openBrace {
                if let open = openBrace {
                    let next = lines.location(index, file: file)
                    throw ImportFailure(
                        lines.location(open.offset, file: file),
                        "'{' opens an answer block that is not closed before the next '{' at line \(next.line), "
                            + "column \(next.column) (write \\{ for a literal brace)")
                }
                openBrace = (index, current.units.count)
            } else if byte == GIFTByte.closeBrace {
                guard let open = openBrace else {
                    throw ImportFailure(
                        lines.location(index, file: file),
                        "'}' closes no answer block (write \\} for a literal brace)")
                }
                current.braces.append(GIFTBraces(open: open.unit, close: current.units.count))
                openBrace = nil
            }
            append(GIFTUnit(byte: byte, isEscaped: false, offset: index))
            index += 1
        }
    }

    private static func hasPrefix(_ bytes: [UInt8], at start: Int, end: Int, _ prefix: String) -> Bool {
        let prefixBytes = Array(prefix.utf8)
        guard end - start >= prefixBytes.count else { return false }
        for (offset, byte) in prefixBytes.enumerated() where bytes[start + offset] != byte { return false }
        return true
    }

    /// `bytes` with GIFT escapes resolved.
    static func decoded(_ bytes: ArraySlice<UInt8>) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == GIFTByte.backslash, index + 1 < bytes.endIndex, let meant = GIFTByte.unescaped(bytes[index + 1])
            {
                result.append(meant)
                index += 2
            } else {
                result.append(byte)
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension Collection where Element == GIFTUnit {
    /// The units as text.
    var text: String { String(decoding: map(\.byte), as: UTF8.self) }
}

extension ArraySlice where Element == GIFTUnit {
    /// Without leading and trailing white space.
    var trimmed: ArraySlice<GIFTUnit> {
        var slice = self
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }

    /// Whether the slice holds only white space.
    var isBlank: Bool { allSatisfy(\.isWhitespace) }

    /// Index of the first unescaped `character`.
    func firstSyntax(_ character: UInt8) -> Int? {
        firstIndex { $0.isSyntax(character) }
    }

    /// Whether there is an unescaped `character`.
    func containsSyntax(_ character: UInt8) -> Bool {
        contains { $0.isSyntax(character) }
    }

    /// Index of the first `first` immediately followed by `second` (both unescaped).
    func firstPair(_ first: UInt8, _ second: UInt8) -> Int? {
        var index = startIndex
        while index + 1 < endIndex {
            if self[index].isSyntax(first) && self[index + 1].isSyntax(second) { return index }
            index += 1
        }
        return nil
    }

    /// Splits before every unescaped marker in `markers`: the text before the first marker, then each marker
    /// with the text up to the next one.
    func split(atMarkers markers: Set<UInt8>) -> (leading: ArraySlice<GIFTUnit>, parts: [(GIFTUnit, Self)]) {
        var leadingEnd = endIndex
        var parts: [(GIFTUnit, Self)] = []
        var markerIndex: Int?
        for index in indices where !self[index].isEscaped && markers.contains(self[index].byte) {
            if let previous = markerIndex {
                parts.append((self[previous], self[(previous + 1)..<index]))
            } else {
                leadingEnd = index
            }
            markerIndex = index
        }
        if let previous = markerIndex { parts.append((self[previous], self[(previous + 1)..<endIndex])) }
        return (self[startIndex..<leadingEnd], parts)
    }
}
