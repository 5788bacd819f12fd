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

    var components: String {
        "\(PDFSyntax.number(red)) \(PDFSyntax.number(green)) \(PDFSyntax.number(blue))"
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

    init() {
        content.reserveCapacity(16 * 1024)
    }

    private mutating func emit(_ text: String) {
        content.append(contentsOf: text.utf8)
    }

    private func n(_ value: Double) -> String { PDFSyntax.number(value) }

    /// Appends a number (at most 3 decimals) followed by a space, without building strings.
    private mutating func number(_ value: Double) {
        PDFSyntax.appendNumber(value, to: &content)
        content.append(0x20)
    }

    private mutating func bytes(_ text: StaticString) {
        text.withUTF8Buffer { content.append(contentsOf: $0) }
    }

    mutating func fillColor(_ color: Color) { emit("\(color.components) rg\n") }
    mutating func strokeColor(_ color: Color) { emit("\(color.components) RG\n") }
    mutating func lineWidth(_ width: Double) { emit("\(n(width)) w\n") }

    mutating func fillRectangle(x: Double, y: Double, width: Double, height: Double) {
        emit("\(n(x)) \(n(y)) \(n(width)) \(n(height)) re f\n")
    }

    mutating func strokeRectangle(x: Double, y: Double, width: Double, height: Double) {
        emit("\(n(x)) \(n(y)) \(n(width)) \(n(height)) re S\n")
    }

    mutating func line(from start: (Double, Double), to end: (Double, Double)) {
        emit("\(n(start.0)) \(n(start.1)) m \(n(end.0)) \(n(end.1)) l S\n")
    }

    /// A filled polygon through `points`.
    mutating func fillPolygon(_ points: [(Double, Double)]) {
        guard let first = points.first else { return }
        var path = "\(n(first.0)) \(n(first.1)) m"
        for point in points.dropFirst() { path += " \(n(point.0)) \(n(point.1)) l" }
        emit(path + " h f\n")
    }

    /// A circle approximated by four Bézier curves.
    mutating func circle(centerX x: Double, centerY y: Double, radius r: Double, fill: Bool) {
        let k = 0.5523 * r
        emit(
            "\(n(x + r)) \(n(y)) m \(n(x + r)) \(n(y + k)) \(n(x + k)) \(n(y + r)) \(n(x)) \(n(y + r)) c "
                + "\(n(x - k)) \(n(y + r)) \(n(x - r)) \(n(y + k)) \(n(x - r)) \(n(y)) c "
                + "\(n(x - r)) \(n(y - k)) \(n(x - k)) \(n(y - r)) \(n(x)) \(n(y - r)) c "
                + "\(n(x + k)) \(n(y - r)) \(n(x + r)) \(n(y - k)) \(n(x + r)) \(n(y)) c \(fill ? "f" : "S")\n")
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
        for row in 0..<code.size {
            var column = 0
            while column < code.size {
                guard code.isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                let start = column
                while column < code.size && code.isDark(row: row, column: column) { column += 1 }
                PDFSyntax.appendInteger(start, to: &content)
                content.append(0x20)
                PDFSyntax.appendInteger(code.size - 1 - row, to: &content)
                content.append(0x20)
                PDFSyntax.appendInteger(column - start, to: &content)
                bytes(" 1 re\n")
            }
        }
        bytes("f\nQ\n")
    }
}
