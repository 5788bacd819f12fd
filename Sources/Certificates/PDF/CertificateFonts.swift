/// The two fonts a certificate is set in, as bytes: DejaVu Serif for headings and DejaVu Sans for the
/// rest (the PDF names them `DejaVuSerif` and `DejaVuSans`). The caller reads them, from wherever they are.
public struct CertificateFonts: Sendable {
    /// Where Debian's `fonts-dejavu-core` puts the DejaVu fonts.
    public static let debianDirectory = "/usr/share/fonts/truetype/dejavu"
    /// File name of the serif font in ``debianDirectory``.
    public static let serifFileName = "DejaVuSerif.ttf"
    /// File name of the sans-serif font in ``debianDirectory``.
    public static let sansFileName = "DejaVuSans.ttf"

    /// The serif font's file content (TrueType or OpenType).
    public let serif: [UInt8]
    /// The sans-serif font's file content (TrueType or OpenType).
    public let sans: [UInt8]
    /// How error messages name the serif font, e.g. its path.
    public let serifName: String
    /// How error messages name the sans-serif font, e.g. its path.
    public let sansName: String

    /// Fonts from their bytes; the names only label error messages.
    public init(serif: [UInt8], sans: [UInt8], serifName: String = "the serif font", sansName: String = "the sans font")
    {
        self.serif = serif
        self.sans = sans
        self.serifName = serifName
        self.sansName = sansName
    }
}
