import Foundation

/// The DejaVu fonts of Debian's `fonts-dejavu-core` (which `make test` installs), read once per test process.
///
/// The certificate library takes fonts as bytes only; tests read the files here and hand the bytes on.
public enum DejaVuFontFiles {
    /// Path of DejaVu Serif.
    public static let serifPath = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    /// Path of DejaVu Sans.
    public static let sansPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    /// Why a font file could not be read.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static let loaded: Result<(serif: [UInt8], sans: [UInt8]), Failure> = {
        func read(_ path: String) throws(Failure) -> [UInt8] {
            do {
                return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw Failure(description: "\(path) cannot be read (install fonts-dejavu-core): \(error)")
            }
        }
        return Result { () throws(Failure) in (try read(serifPath), try read(sansPath)) }
    }()

    /// The content of ``serifPath``.
    public static func serif() throws -> [UInt8] { try loaded.get().serif }

    /// The content of ``sansPath``.
    public static func sans() throws -> [UInt8] { try loaded.get().sans }
}
