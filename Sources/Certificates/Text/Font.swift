import Foundation
internal import CHarfBuzz

/// An OpenType/TrueType font loaded once and shared for shaping and subsetting with HarfBuzz.
public final class Font: @unchecked Sendable {
    // HarfBuzz blobs, faces and fonts are immutable after creation and safe to use from several threads.
    let blob: OpaquePointer
    let face: OpaquePointer
    let font: OpaquePointer

    /// Units per em of the font design grid.
    public let unitsPerEm: Int

    /// Largest font accepted, in bytes.
    public static let maximumSize = 50_000_000

    /// Loads a font from its bytes (a TrueType or OpenType file's content); the bytes are copied.
    ///
    /// - Parameter name: how error messages name the font, e.g. its file name.
    /// - Throws: ``CertificateError`` with code `.font` when the bytes are too large or hold no glyphs.
    public convenience init(bytes: [UInt8], name: String = "the font") throws(CertificateError) {
        guard bytes.count <= Self.maximumSize else {
            throw CertificateError(.font, "\(name) is larger than \(Self.maximumSize) bytes; give a single font file")
        }
        let created = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                hb_blob_create_or_fail($0, UInt32(buffer.count), HB_MEMORY_MODE_DUPLICATE, nil, nil)
            }
        }
        guard let blob = created else {
            throw CertificateError(.font, "\(name) could not be read (empty, or HarfBuzz is out of memory)")
        }
        try self.init(blob: blob, name: name)
    }

    /// Takes ownership of `blob`: destroyed here when it holds no font, else in `deinit`.
    private init(blob: OpaquePointer, name: String) throws(CertificateError) {
        let face = hb_face_create(blob, 0)!
        guard hb_face_get_glyph_count(face) > 0 else {
            hb_face_destroy(face)
            hb_blob_destroy(blob)
            throw CertificateError(.font, "\(name) is not a font HarfBuzz can read (no glyphs)")
        }
        let font = hb_font_create(face)!
        hb_font_make_immutable(font)
        self.blob = blob
        self.face = face
        self.font = font
        self.unitsPerEm = Int(hb_face_get_upem(face))
    }

    deinit {
        hb_font_destroy(font)
        hb_face_destroy(face)
        hb_blob_destroy(blob)
    }

    /// The glyph the font's character map assigns to `scalar`, or `nil` when the font has none.
    public func glyph(for scalar: Unicode.Scalar) -> UInt32? {
        var glyph: hb_codepoint_t = 0
        return hb_font_get_nominal_glyph(font, scalar.value, &glyph) != 0 ? glyph : nil
    }

    /// Horizontal advance of `glyph` in font units.
    public func advance(of glyph: UInt32) -> Int {
        Int(hb_font_get_glyph_h_advance(font, glyph))
    }

    /// Vertical metrics in font units, for a PDF font descriptor.
    public var metrics: FontMetrics {
        var extents = hb_font_extents_t()
        hb_font_get_h_extents(font, &extents)
        var capHeight: hb_position_t = 0
        if hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &capHeight) == 0 {
            capHeight = extents.ascender * 7 / 10
        }
        // Font bounding box from the 'head' table (xMin, yMin, xMax, yMax at byte 36, big-endian int16).
        var box = (0, Int(extents.descender), unitsPerEm, Int(extents.ascender))
        if let table = hb_face_reference_table(face, hb_tag_t(0x6865_6164)) {  // 'head'
            defer { hb_blob_destroy(table) }
            var length: UInt32 = 0
            if let data = hb_blob_get_data(table, &length), length >= 44 {
                let bytes = UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self)
                func int16(_ offset: Int) -> Int {
                    Int(Int16(bitPattern: UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])))
                }
                box = (int16(36), int16(38), int16(40), int16(42))
            }
        }
        return FontMetrics(
            ascender: Int(extents.ascender), descender: Int(extents.descender), capHeight: Int(capHeight),
            boundingBox: [box.0, box.1, box.2, box.3])
    }

    /// Number of glyphs in the font.
    public var glyphCount: Int { Int(hb_face_get_glyph_count(face)) }

    /// Shapes `text` left to right (or as HarfBuzz guesses from the script) into positioned glyphs.
    public func shape(_ text: String) -> ShapedText {
        let buffer = hb_buffer_create()!
        defer { hb_buffer_destroy(buffer) }
        let utf8 = Array(text.utf8)
        utf8.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                hb_buffer_add_utf8(buffer, chars.baseAddress, Int32(chars.count), 0, Int32(chars.count))
            }
        }
        hb_buffer_guess_segment_properties(buffer)
        hb_shape(font, buffer, nil, 0)
        var count: UInt32 = 0
        let infos = hb_buffer_get_glyph_infos(buffer, &count)!
        let positions = hb_buffer_get_glyph_positions(buffer, &count)!
        var glyphs = [ShapedGlyph]()
        glyphs.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            glyphs.append(
                ShapedGlyph(
                    glyphID: infos[index].codepoint,
                    cluster: Int(infos[index].cluster),
                    advance: Int(positions[index].x_advance),
                    xOffset: Int(positions[index].x_offset),
                    yOffset: Int(positions[index].y_offset)))
        }
        return ShapedText(text: text, glyphs: glyphs, unitsPerEm: unitsPerEm)
    }

    /// Makes a subset font holding only `glyphIDs` (plus `.notdef`) with hb-subset, keeping glyph ids.
    ///
    /// - Returns: the bytes of the subset font file.
    public func subset(keepingGlyphs glyphIDs: some Sequence<UInt32>) throws(CertificateError) -> [UInt8] {
        guard let input = hb_subset_input_create_or_fail() else {
            throw CertificateError(.font, "hb-subset could not allocate its input")
        }
        defer { hb_subset_input_destroy(input) }
        let glyphSet = hb_subset_input_glyph_set(input)
        hb_set_add(glyphSet, 0)
        for glyph in glyphIDs { hb_set_add(glyphSet, glyph) }
        let flags = HB_SUBSET_FLAGS_RETAIN_GIDS.rawValue | HB_SUBSET_FLAGS_NO_HINTING.rawValue
        hb_subset_input_set_flags(input, flags)
        guard let subsetFace = hb_subset_or_fail(face, input) else {
            throw CertificateError(.font, "hb-subset could not subset the font")
        }
        defer { hb_face_destroy(subsetFace) }
        let subsetBlob = hb_face_reference_blob(subsetFace)!
        defer { hb_blob_destroy(subsetBlob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(subsetBlob, &length), length > 0 else {
            throw CertificateError(.font, "hb-subset produced an empty font")
        }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }
}

/// Vertical metrics of a font in font units.
public struct FontMetrics: Sendable, Equatable {
    /// Typographic ascender (positive).
    public let ascender: Int
    /// Typographic descender (negative).
    public let descender: Int
    /// Height of capital letters.
    public let capHeight: Int
    /// xMin, yMin, xMax, yMax of all glyphs.
    public let boundingBox: [Int]
}

/// One glyph placed by the shaper, in font units.
public struct ShapedGlyph: Sendable, Equatable {
    /// Glyph id in the font.
    public let glyphID: UInt32
    /// UTF-8 offset of the first character this glyph represents.
    public let cluster: Int
    /// Horizontal advance.
    public let advance: Int
    /// Horizontal offset from the pen position.
    public let xOffset: Int
    /// Vertical offset from the pen position.
    public let yOffset: Int
}

/// Text shaped into glyphs.
public struct ShapedText: Sendable {
    /// The text that was shaped.
    public let text: String
    /// The glyphs in visual order.
    public let glyphs: [ShapedGlyph]
    /// Units per em of the font the glyphs belong to.
    public let unitsPerEm: Int
    init(text: String, glyphs: [ShapedGlyph], unitsPerEm: Int) {
        self.text = text
        self.glyphs = glyphs
        self.unitsPerEm = unitsPerEm
    }

    /// Each glyph, at its first appearance, with the characters of its cluster (for a PDF's `/ToUnicode` map).
    /// Worked out only when asked: a certificate whose glyphs lie in the base subsets never needs it.
    var glyphTexts: [(glyph: UInt32, text: String)] {
        let utf8 = Array(text.utf8)
        // Cluster starts in text order (right-to-left runs list glyphs in descending clusters).
        let starts = glyphs.map(\.cluster).sorted()
        var seen = Set<UInt32>()
        var glyphTexts: [(glyph: UInt32, text: String)] = []
        for glyph in glyphs where !seen.contains(glyph.glyphID) {
            let start = glyph.cluster
            // The cluster ends where the next larger cluster starts (binary search).
            var low = 0
            var high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] <= start { low = middle + 1 } else { high = middle }
            }
            let end = low < starts.count ? starts[low] : utf8.count
            guard start < end, end <= utf8.count else { continue }
            seen.insert(glyph.glyphID)
            glyphTexts.append((glyph.glyphID, String(decoding: utf8[start..<end], as: UTF8.self)))
        }
        return glyphTexts
    }

    /// Total advance width at `fontSize` points.
    public func width(atSize fontSize: Double) -> Double {
        Double(glyphs.reduce(0) { $0 + $1.advance }) * fontSize / Double(unitsPerEm)
    }
}
