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

    /// Loads the font file at `path`.
    ///
    /// - Throws: ``CertificateError`` with code `.font` when the file is missing or holds no glyphs.
    public init(contentsOf path: String) throws(CertificateError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CertificateError(.font, "font file \(path) is missing or unreadable")
        }
        guard let blob = hb_blob_create_from_file_or_fail(path) else {
            throw CertificateError(.font, "font file \(path) could not be read")
        }
        let face = hb_face_create(blob, 0)!
        guard hb_face_get_glyph_count(face) > 0 else {
            hb_face_destroy(face)
            hb_blob_destroy(blob)
            throw CertificateError(.font, "\(path) is not a font HarfBuzz can read (no glyphs)")
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

    /// Total advance width at `fontSize` points.
    public func width(atSize fontSize: Double) -> Double {
        Double(glyphs.reduce(0) { $0 + $1.advance }) * fontSize / Double(unitsPerEm)
    }
}
