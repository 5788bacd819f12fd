internal import CQREncode

/// A QR code symbol as a square matrix of dark and light modules, made by libqrencode.
public struct QRCode: Sendable, Equatable {
    /// Error correction level; higher levels survive more damage but hold less data.
    public enum ErrorCorrection: Sendable {
        case medium, quartile, high
    }

    /// Number of modules per side, without the quiet zone.
    public let size: Int
    /// QR version (1...40) libqrencode chose for the content.
    public let version: Int
    /// Row-major modules, `true` for dark.
    public let modules: [Bool]

    /// Encodes `text` as a QR code, in the fewest bits libqrencode finds: runs of digits in numeric mode, runs of
    /// `0-9 A-Z $%*+-./:` and space in alphanumeric mode, everything else (UTF-8) in byte mode.
    ///
    /// - Throws: ``CertificateError`` when the text is empty, holds a NUL character, or is too long for any QR
    ///   version.
    public init(encoding text: String, errorCorrection: ErrorCorrection = .medium) throws(CertificateError) {
        guard !text.isEmpty else {
            throw CertificateError(.qrEncoding, "cannot make a QR code of empty text")
        }
        let level: QRecLevel
        switch errorCorrection {
        case .medium: level = QR_ECLEVEL_M
        case .quartile: level = QR_ECLEVEL_Q
        case .high: level = QR_ECLEVEL_H
        }
        let bytes = Array(text.utf8)
        guard !bytes.contains(0) else {
            throw CertificateError(.qrEncoding, "cannot make a QR code of text with a NUL character")
        }
        // Case-sensitive, with byte mode for anything outside the numeric and alphanumeric sets (no Kanji mode).
        guard let symbol = QRcode_encodeString(text, 0, level, QR_MODE_8, 1) else {
            throw CertificateError(
                .qrEncoding, "the text (\(bytes.count) bytes) does not fit in a QR code at this error correction level")
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for index in 0..<(width * width) {
            // Bit 0 of each byte is the module colour (1 = dark); the other bits are encoder bookkeeping.
            modules[index] = symbol.pointee.data[index] & 1 == 1
        }
        self.size = width
        self.version = Int(symbol.pointee.version)
        self.modules = modules
    }

    /// Whether the module at `row`, `column` (0-based, without quiet zone) is dark.
    public func isDark(row: Int, column: Int) -> Bool {
        modules[row * size + column]
    }
}
