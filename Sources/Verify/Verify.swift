/// Offline verification of KommunalCampus certificates.
///
/// The checks for signed PDFs and QR tokens arrive with the verifier issue; for now the module only
/// names the SHA-256 binding it will check, so that the dependency chain
/// question-banks → Assessment → Certificates → Verify is in place.
import Certificates

/// The digest algorithm that binds a certificate record to its QR token.
public enum RecordBinding {
    /// Hexadecimal SHA-256 of a canonical record's bytes.
    public static func recordHash(of canonicalRecord: [UInt8]) -> String {
        Digest.hex(Digest.sha256(canonicalRecord))
    }
}
