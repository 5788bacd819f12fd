import Foundation
internal import CampusCrypto

/// Message digests computed with OpenSSL.
public enum Digest {
    /// The SHA-256 digest of `bytes` (32 bytes), hashed in place when the bytes are contiguous.
    public static func sha256<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        SHA256.hash(bytes)
    }

    /// The SHA-256 digest of `parts` hashed one after the other, as if joined (no copy is made).
    public static func sha256(parts: [ArraySlice<UInt8>]) -> [UInt8] {
        SHA256.hash(parts: parts)
    }

    /// Lower-case hexadecimal spelling of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        Passwords.hex(bytes)
    }

    /// The OpenSSL version this process is linked against, e.g. `OpenSSL 3.0.19 1 Jul 2025`.
    public static var openSSLVersion: String {
        CampusCrypto.openSSLVersion
    }
}
