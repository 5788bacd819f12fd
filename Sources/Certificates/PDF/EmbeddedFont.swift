import Foundation
import Synchronization

/// A font prepared for embedding: loaded once, with a cached hb-subset program that covers a
/// repertoire of characters (so most certificates reuse it) and further subsets on demand.
final class EmbeddedFont: Sendable {
    /// Resource name in the page (`F1`, `F2`).
    let resourceName: String
    /// PostScript base name, e.g. `DejaVuSans`.
    let baseName: String
    let font: Font
    let metrics: FontMetrics
    /// Every glyph's advance width in PDF glyph space (1000 units per em), read from the font once.
    private let pdfWidths: [Double]
    private let baseGlyphs: Set<UInt32>
    /// The text each glyph of the base subset stands for: its character (the first of the repertoire that maps to
    /// it), or for a ligature the characters it joins. A certificate set in the base subset uses it as its
    /// `/ToUnicode` map, written once with the file start.
    let baseUsage: GlyphUsage
    /// `baseGlyphs` as bits (glyph `g` is bit `g % 64` of word `g / 64`), for checking a certificate's glyphs
    /// without hashing them.
    private let baseGlyphBits: [UInt64]
    private let baseProgram: FontProgram
    private let extraPrograms = Mutex<[[UInt32]: FontProgram]>([:])
    private let shapedCache = Mutex<[String: ShapedText]>([:])
    /// Texts shaped lately (course titles, providers, their words): certificates of one course share most of them.
    private let recentlyShaped = Mutex<[String: ShapedText]>([:])
    /// Texts ``recentlyShaped`` holds at most; it starts afresh when full.
    private static let recentLimit = 2048

    /// A subset font program ready to be written as `/FontFile2`.
    struct FontProgram: Sendable {
        /// zlib-compressed TrueType bytes.
        let compressed: [UInt8]
        /// Uncompressed length (`/Length1`).
        let length: Int
        /// Six-letter subset tag derived from the glyph set.
        let tag: String
        /// Glyphs the program holds.
        let glyphs: Set<UInt32>
        /// Whether this is the font's base subset, which most certificates use.
        let isBase: Bool
    }

    /// Makes the base subset of `font` for the characters of `repertoire` and `texts`.
    init(font: Font, resourceName: String, baseName: String, repertoire: [ClosedRange<UInt32>], texts: [String])
        throws(CertificateError)
    {
        var glyphs = Set<UInt32>()
        var usage = GlyphUsage()
        for range in repertoire {
            for value in range {
                if let scalar = Unicode.Scalar(value), let glyph = font.glyph(for: scalar) {
                    glyphs.insert(glyph)
                    usage.record(glyph: glyph, text: String(scalar))
                }
            }
        }
        for text in texts {
            let shaped = font.shape(text)
            glyphs.formUnion(shaped.glyphs.map(\.glyphID))
            usage.record(shaped)
        }
        self.baseUsage = usage
        self.font = font
        self.resourceName = resourceName
        self.baseName = baseName
        self.metrics = font.metrics
        self.pdfWidths = (0..<font.glyphCount).map {
            Double(font.advance(of: UInt32($0))) * 1000 / Double(font.unitsPerEm)
        }
        self.baseGlyphs = glyphs
        var bits = [UInt64](repeating: 0, count: Int(glyphs.max() ?? 0) / 64 + 1)
        for glyph in glyphs { bits[Int(glyph / 64)] |= 1 << UInt64(glyph % 64) }
        self.baseGlyphBits = bits
        self.baseProgram = try Self.program(font: font, glyphs: glyphs, isBase: true)
    }

    private static func program(font: Font, glyphs: Set<UInt32>, isBase: Bool) throws(CertificateError)
        -> FontProgram
    {
        let bytes = try font.subset(keepingGlyphs: glyphs)
        let digest = Digest.sha256(glyphs.sorted().flatMap { [UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)] })
        let tag = String(decoding: digest.prefix(6).map { UInt8(ascii: "A") + $0 % 26 }, as: UTF8.self)
        return FontProgram(
            compressed: Deflate.compress(bytes), length: bytes.count, tag: tag, glyphs: glyphs, isBase: isBase)
    }

    /// A program holding every glyph in `used`: the cached base subset when it suffices, otherwise a
    /// subset of the base glyphs plus the extra ones (cached by the extra glyphs).
    func program(covering used: some Sequence<UInt32>) throws(CertificateError) -> FontProgram {
        var extra = Set<UInt32>()
        for glyph in used where !isBase(glyph) { extra.insert(glyph) }
        if extra.isEmpty { return baseProgram }
        let key = extra.sorted()
        if let cached = extraPrograms.withLock({ $0[key] }) { return cached }
        let made = try Self.program(font: font, glyphs: baseGlyphs.union(extra), isBase: false)
        extraPrograms.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[key] = made
        }
        return made
    }

    /// Whether the base subset holds `glyph`.
    private func isBase(_ glyph: UInt32) -> Bool {
        let word = Int(glyph / 64)
        return word < baseGlyphBits.count && baseGlyphBits[word] & (1 << UInt64(glyph % 64)) != 0
    }

    /// Shapes `text`; static texts should pass `cache: true` so they are shaped once per process. Other texts are
    /// kept for a while: a shaped text is a value, so certificates may share it.
    func shape(_ text: String, cache: Bool = false) -> ShapedText {
        if cache {
            if let shaped = shapedCache.withLock({ $0[text] }) { return shaped }
            let shaped = font.shape(text)
            shapedCache.withLock { $0[text] = shaped }
            return shaped
        }
        if let shaped = recentlyShaped.withLock({ $0[text] }) { return shaped }
        let shaped = font.shape(text)
        recentlyShaped.withLock { recent in
            if recent.count >= Self.recentLimit { recent.removeAll(keepingCapacity: true) }
            recent[text] = shaped
        }
        return shaped
    }

    /// Advance width of `glyph` in PDF glyph space (1000 units per em).
    func pdfWidth(of glyph: UInt32) -> Double {
        Int(glyph) < pdfWidths.count
            ? pdfWidths[Int(glyph)] : Double(font.advance(of: glyph)) * 1000 / Double(font.unitsPerEm)
    }
}

/// Glyphs a document used from one font, with the text each glyph stands for (for `/ToUnicode`).
///
/// Drawing only records what was drawn; which glyphs and texts that makes is worked out when a file needs it (most
/// certificates need only to know that the base subset covers their glyphs).
struct GlyphUsage {
    /// What was recorded, in order: single glyphs with their characters, and shaped texts.
    private enum Entry {
        case glyph(UInt32, String)
        case shaped(ShapedText)
    }
    private var entries: [Entry] = []

    /// Records the glyphs of `shaped`, each standing for the characters of its cluster.
    mutating func record(_ shaped: ShapedText) {
        entries.append(.shaped(shaped))
    }

    /// Records that `glyph` stands for `characters`.
    mutating func record(glyph: UInt32, text characters: String) {
        entries.append(.glyph(glyph, characters))
    }

    /// Records what `other` recorded, after what this usage recorded.
    mutating func add(_ other: GlyphUsage) {
        entries += other.entries
    }

    /// Every glyph recorded, in drawing order and with repeats (marks that share a cluster included).
    var allGlyphs: [UInt32] {
        var glyphs: [UInt32] = []
        for entry in entries {
            switch entry {
            case .glyph(let glyph, _): glyphs.append(glyph)
            case .shaped(let shaped): glyphs.append(contentsOf: shaped.glyphs.lazy.map(\.glyphID))
            }
        }
        return glyphs
    }

    /// The glyphs that stand for text, each with the first characters it stood for.
    var text: [UInt32: String] {
        var text: [UInt32: String] = [:]
        for entry in entries {
            switch entry {
            case .glyph(let glyph, let characters):
                if text[glyph] == nil { text[glyph] = characters }
            case .shaped(let shaped):
                for (glyph, characters) in shaped.glyphTexts where text[glyph] == nil { text[glyph] = characters }
            }
        }
        return text
    }

    /// The `/ToUnicode` CMap.
    func toUnicodeCMap() -> [UInt8] {
        var cmap = Array(
            """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """.utf8)
        let entries = text.sorted { $0.key < $1.key }
        var index = 0
        while index < entries.count {
            let chunk = entries[index..<min(index + 100, entries.count)]
            PDFSyntax.appendInteger(chunk.count, to: &cmap)
            cmap.append(contentsOf: " beginbfchar\n".utf8)
            for (glyph, characters) in chunk {
                cmap.append(UInt8(ascii: "<"))
                PDFSyntax.appendHex(UInt16(truncatingIfNeeded: glyph), to: &cmap)
                cmap.append(contentsOf: "> <".utf8)
                for unit in characters.utf16 { PDFSyntax.appendHex(unit, to: &cmap) }
                cmap.append(contentsOf: ">\n".utf8)
            }
            cmap.append(contentsOf: "endbfchar\n".utf8)
            index += 100
        }
        cmap.append(contentsOf: "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n".utf8)
        return cmap
    }
}
