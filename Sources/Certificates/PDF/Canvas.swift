/// An RGB colour with components from 0 to 1.
struct Color: Sendable {
    let red: Double
    let green: Double
    let blue: Double

    static let black = Color(red: 0, green: 0, blue: 0)
    static let white = Color(red: 1, green: 1, blue: 1)

    init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A grey level.
    init(gray: Double) {
        self.init(red: gray, green: gray, blue: gray)
    }
}

/// Horizontal alignment of a line of text.
enum Alignment {
    case left, center, right
}

/// Builds one page's content stream and records which glyphs each font used.
struct Canvas {
    private(set) var content: [UInt8] = []
    private(set) var usage: [String: GlyphUsage] = [:]

    /// An empty page with room for `capacity` bytes of content.
    init(capacity: Int = 16 * 1024) {
        content.reserveCapacity(capacity)
    }

    /// Appends what `other` drew after what this canvas drew, as if it had been drawn here (a glyph keeps the text
    /// it first stood for).
    mutating func append(_ other: Canvas) {
        content.append(contentsOf: other.content)
        for (font, glyphs) in other.usage { usage[font, default: GlyphUsage()].add(glyphs) }
    }

    private mutating func emit(_ text: String) {
        content.append(contentsOf: text.utf8)
    }

    /// Appends a number (at most 3 decimals) followed by a space, without building strings.
    private mutating func number(_ value: Double) {
        PDFSyntax.appendNumber(value, to: &content)
        content.append(0x20)
    }

    private mutating func bytes(_ text: StaticString) {
        text.withUTF8Buffer { content.append(contentsOf: $0) }
    }

    mutating func fillColor(_ color: Color) {
        components(color)
        bytes("rg\n")
    }

    mutating func strokeColor(_ color: Color) {
        components(color)
        bytes("RG\n")
    }

    mutating func lineWidth(_ width: Double) {
        number(width)
        bytes("w\n")
    }

    private mutating func components(_ color: Color) {
        number(color.red)
        number(color.green)
        number(color.blue)
    }

    /// Appends `x y ` for a point.
    private mutating func point(_ x: Double, _ y: Double) {
        number(x)
        number(y)
    }

    mutating func fillRectangle(x: Double, y: Double, width: Double, height: Double) {
        point(x, y)
        point(width, height)
        bytes("re f\n")
    }

    mutating func strokeRectangle(x: Double, y: Double, width: Double, height: Double) {
        point(x, y)
        point(width, height)
        bytes("re S\n")
    }

    mutating func line(from start: (Double, Double), to end: (Double, Double)) {
        point(start.0, start.1)
        bytes("m ")
        point(end.0, end.1)
        bytes("l S\n")
    }

    /// A filled polygon through `points`.
    mutating func fillPolygon(_ points: [(Double, Double)]) {
        guard let first = points.first else { return }
        point(first.0, first.1)
        bytes("m")
        for next in points.dropFirst() {
            content.append(0x20)
            point(next.0, next.1)
            bytes("l")
        }
        bytes(" h f\n")
    }

    /// A circle approximated by four Bézier curves.
    mutating func circle(centerX x: Double, centerY y: Double, radius r: Double, fill: Bool) {
        let k = 0.5523 * r
        point(x + r, y)
        bytes("m ")
        for (control1, control2, end) in [
            ((x + r, y + k), (x + k, y + r), (x, y + r)), ((x - k, y + r), (x - r, y + k), (x - r, y)),
            ((x - r, y - k), (x - k, y - r), (x, y - r)), ((x + k, y - r), (x + r, y - k), (x + r, y)),
        ] {
            point(control1.0, control1.1)
            point(control2.0, control2.1)
            point(end.0, end.1)
            bytes("c ")
        }
        bytes(fill ? "f\n" : "S\n")
    }

    /// Draws shaped text with its baseline at `y`, aligned around `x`.
    mutating func text(
        _ shaped: ShapedText, font: EmbeddedFont, size: Double, x: Double, y: Double, alignment: Alignment = .left,
        color: Color = .black
    ) {
        guard !shaped.glyphs.isEmpty else { return }
        usage[font.resourceName, default: GlyphUsage()].record(shaped)
        let width = shaped.width(atSize: size)
        let startX: Double
        switch alignment {
        case .left: startX = x
        case .center: startX = x - width / 2
        case .right: startX = x - width
        }
        let scale = 1000 / Double(shaped.unitsPerEm)
        bytes("BT\n")
        number(color.red)
        number(color.green)
        number(color.blue)
        bytes("rg\n/")
        emit(font.resourceName)
        content.append(0x20)
        number(size)
        bytes("Tf\n")
        let hasOffsets = shaped.glyphs.contains { $0.xOffset != 0 || $0.yOffset != 0 }
        if hasOffsets {
            // Marks positioned by the shaper: place every glyph on its own.
            var penX = startX
            for glyph in shaped.glyphs {
                bytes("1 0 0 1 ")
                number(penX + Double(glyph.xOffset) * size / Double(shaped.unitsPerEm))
                number(y + Double(glyph.yOffset) * size / Double(shaped.unitsPerEm))
                bytes("Tm <")
                appendGlyph(glyph.glyphID)
                bytes("> Tj\n")
                penX += Double(glyph.advance) * size / Double(shaped.unitsPerEm)
            }
        } else {
            number(startX)
            number(y)
            bytes("Td\n[<")
            for glyph in shaped.glyphs {
                appendGlyph(glyph.glyphID)
                let adjustment = font.pdfWidth(of: glyph.glyphID) - Double(glyph.advance) * scale
                if abs(adjustment) > 0.001 {
                    bytes("> ")
                    number(adjustment)
                    bytes("<")
                }
            }
            bytes(">] TJ\n")
        }
        bytes("ET\n")
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private mutating func appendGlyph(_ glyph: UInt32) {
        content.append(Self.hexDigits[Int(glyph >> 12 & 15)])
        content.append(Self.hexDigits[Int(glyph >> 8 & 15)])
        content.append(Self.hexDigits[Int(glyph >> 4 & 15)])
        content.append(Self.hexDigits[Int(glyph & 15)])
    }

    /// Draws a QR code as filled rectangles (one per horizontal run of dark modules) inside a white
    /// square that includes a quiet zone of `quietZone` modules.
    mutating func qrCode(_ code: QRCode, x: Double, y: Double, size: Double, quietZone: Int = 4) {
        let modules = Double(code.size + 2 * quietZone)
        let module = size / modules
        fillColor(.white)
        fillRectangle(x: x, y: y, width: size, height: size)
        fillColor(.black)
        // Module coordinates (integers) under a transformation: short content, exact module edges.
        bytes("q\n")
        number(module)
        bytes("0 0 ")
        number(module)
        number(x + Double(quietZone) * module)
        number(y + Double(quietZone) * module)
        bytes("cm\n")
        let symbolSize = code.size
        // One `x y w 1 re` per run of dark modules, written straight into room reserved for the most runs a row
        // can have (numbers up to 176, at most 17 bytes a run, and 4 bytes of slack for the word-wide writes); the
        // room left over is given back.
        let worst = (symbolSize + 1) / 2 * symbolSize * 17 + 4
        let start = content.count
        content.append(contentsOf: repeatElement(0, count: worst))
        // The tables as locals: read in the loop without the check that a global is set up.
        let (words, lengths, runEnd) = (Self.decimalWords, Self.decimalLengths, Self.runEnd)
        let end = content.withUnsafeMutableBytes { output in
            code.modules.withUnsafeBufferPointer { modules in
                var cursor = start
                /// Writes `value` (0–255) and a space: four bytes at once from the table, of which the text's count.
                func put(_ value: Int) {
                    output.storeBytes(of: words[value], toByteOffset: cursor, as: UInt32.self)
                    cursor += Int(lengths[value])
                }
                for row in 0..<symbolSize {
                    let rowStart = row * symbolSize
                    let y = symbolSize - 1 - row
                    var column = 0
                    while column < symbolSize {
                        guard modules[rowStart + column] else {
                            column += 1
                            continue
                        }
                        let runStart = column
                        while column < symbolSize && modules[rowStart + column] { column += 1 }
                        put(runStart)
                        put(y)
                        put(column - runStart)
                        output.storeBytes(of: runEnd, toByteOffset: cursor, as: UInt32.self)
                        output[cursor + 4] = 0x0A
                        cursor += 5
                    }
                }
                return cursor
            }
        }
        content.removeLast(content.count - end)
        bytes("f\nQ\n")
    }

    /// `"N "` for N in 0…255 as four bytes in memory order (zeros after the space), for
    /// ``qrCode(_:x:y:size:quietZone:)``.
    private static let decimalWords: [UInt32] = (0..<256).map { value in
        word(Array("\(value) ".utf8) + [0, 0])
    }
    /// The number of bytes of each ``decimalWords`` entry that count.
    private static let decimalLengths: [UInt8] = (0..<256).map { value in UInt8("\(value) ".utf8.count) }
    /// `"1 re"` as four bytes in memory order (a newline follows).
    private static let runEnd = word(Array("1 re".utf8))

    /// The first four of `bytes` as a word that, stored, puts them in memory in this order.
    private static func word(_ bytes: [UInt8]) -> UInt32 {
        UInt32(littleEndian: bytes.prefix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) })
    }
}
