import Foundation
import TestSupport
import Testing

@testable import Certificates

/// One test per C library, so that a missing Debian package fails CI at once.
@Suite("Native libraries")
struct NativeLibrarySmokeTests {
    @Test("OpenSSL computes the SHA-256 test vector of \"abc\"")
    func openSSLDigest() {
        let digest = Digest.sha256(Array("abc".utf8))
        #expect(Digest.hex(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.openSSLVersion.hasPrefix("OpenSSL 3"))
    }

    @Test("libqrencode makes a code that zbarimg decodes back to the same URL")
    func qrRoundTrip() throws {
        let url = "http://localhost:8080/v/KC-0123456789AB#eyJhbGciOiJFUzI1NiJ9.eyJpZCI6IktDLTAxMjM0NTY3ODlBQiJ9.c2ln"
        let code = try QRCode(encoding: url, errorCorrection: .medium)
        #expect(code.size == 17 + 4 * code.version)
        // Finder pattern: the top-left 7×7 square has a dark border and a light ring.
        #expect(code.isDark(row: 0, column: 0) && code.isDark(row: 6, column: 6))
        #expect(!code.isDark(row: 1, column: 1) && code.isDark(row: 3, column: 3))

        let image = FileManager.default.temporaryDirectory
            .appendingPathComponent("qr-smoke-\(UUID().uuidString).pbm")
        defer { try? FileManager.default.removeItem(at: image) }
        try Data(portableBitmap(of: code, scale: 4, quietZone: 4)).write(to: image)
        let decoded = try ExternalTool.run("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", image.path])
        #expect(decoded.trimmingCharacters(in: .newlines) == url)
    }

    @Test("HarfBuzz shapes German text with umlauts and hb-subset keeps the used glyphs")
    func harfBuzzShapeAndSubset() throws {
        let original = try DejaVuFontFiles.sans()
        let font = try Font(bytes: original, name: DejaVuFontFiles.sansPath)
        let shaped = font.shape("Prüfungsübersicht: Größe")
        #expect(shaped.glyphs.count == "Prüfungsübersicht: Größe".count)
        #expect(shaped.glyphs.allSatisfy { $0.glyphID != 0 }, "every character has a real glyph")
        #expect(shaped.width(atSize: 12) > 100)

        let subset = try font.subset(keepingGlyphs: shaped.glyphs.map(\.glyphID))
        #expect(subset.count < original.count / 4, "the subset is much smaller than the font")

        let reloaded = try Font(bytes: subset, name: "the subset")
        #expect(reloaded.shape("Größe").glyphs.map(\.glyphID) == font.shape("Größe").glyphs.map(\.glyphID))
    }

    /// A binary PBM (P4) image of the code, dark modules black.
    private func portableBitmap(of code: QRCode, scale: Int, quietZone: Int) -> [UInt8] {
        let side = (code.size + 2 * quietZone) * scale
        var bytes = Array("P4\n\(side) \(side)\n".utf8)
        let rowBytes = (side + 7) / 8
        for y in 0..<side {
            var row = [UInt8](repeating: 0, count: rowBytes)
            for x in 0..<side {
                let moduleRow = y / scale - quietZone
                let moduleColumn = x / scale - quietZone
                let inside = (0..<code.size).contains(moduleRow) && (0..<code.size).contains(moduleColumn)
                if inside && code.isDark(row: moduleRow, column: moduleColumn) {
                    row[x / 8] |= 0x80 >> UInt8(x % 8)
                }
            }
            bytes += row
        }
        return bytes
    }
}
