import Certificates
import TestSupport

extension CertificateFonts {
    /// Debian's DejaVu Serif and Sans, read once per test process (see ``DejaVuFontFiles``).
    static func dejaVu() throws -> CertificateFonts {
        CertificateFonts(
            serif: try DejaVuFontFiles.serif(), sans: try DejaVuFontFiles.sans(),
            serifName: DejaVuFontFiles.serifPath, sansName: DejaVuFontFiles.sansPath)
    }
}
