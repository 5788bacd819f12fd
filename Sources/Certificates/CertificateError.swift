public import CampusCore

/// An error raised while building, rendering or signing a certificate.
///
/// A struct with a code rather than an enum, so that new codes never break callers.
public typealias CertificateError = CampusError<CertificateErrorDomain>

/// The codes of ``CertificateError``.
public enum CertificateErrorDomain: ErrorDomain {
    /// `certificates`.
    public static let name = "certificates"
}

extension CampusError.Code where Domain == CertificateErrorDomain {
    /// The QR encoder refused the content.
    public static var qrEncoding: Self { Self("qrEncoding") }
    /// A font could not be loaded, shaped or subset.
    public static var font: Self { Self("font") }
    /// A signing request the keys cannot meet: an empty or impossible development PKI, ES256 with a key
    /// that is not ECDSA P-256, a key of a kind we cannot sign with, an input too large to sign.
    public static var crypto: Self { Self("crypto") }
    /// The PKCS#12 passphrase is wrong (the file's integrity check failed).
    public static var wrongPassphrase: Self { Self("wrongPassphrase") }
    /// The private key does not belong to the signer certificate.
    public static var keyMismatch: Self { Self("keyMismatch") }
    /// The private key (PEM or PKCS#12) cannot be read, or it is encrypted PEM.
    public static var unreadableKey: Self { Self("unreadableKey") }
    /// A certificate (PEM or DER) cannot be read, or the text holds none.
    public static var unreadableCertificate: Self { Self("unreadableCertificate") }
    /// OpenSSL itself failed; the reason ends with what OpenSSL reported.
    public static var openSSL: Self { Self("openSSL") }
    /// A certificate record is malformed or incomplete.
    public static var record: Self { Self("record") }
    /// Keys or certificates could not be created, read or written.
    public static var keys: Self { Self("keys") }
    /// The PDF could not be laid out or written.
    public static var pdf: Self { Self("pdf") }
}
