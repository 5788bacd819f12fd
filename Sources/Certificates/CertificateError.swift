/// An error raised while building, rendering or signing a certificate.
///
/// A struct with a code rather than an enum, so that new codes never break callers.
public struct CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of step failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The QR encoder refused the content.
        public static let qrEncoding = Code(name: "qrEncoding")
        /// A font could not be loaded, shaped or subset.
        public static let font = Code(name: "font")
        /// A signing request the keys cannot meet: an empty or impossible development PKI, ES256 with a key
        /// that is not ECDSA P-256, a key of a kind we cannot sign with, an input too large to sign.
        public static let crypto = Code(name: "crypto")
        /// The PKCS#12 passphrase is wrong (the file's integrity check failed).
        public static let wrongPassphrase = Code(name: "wrongPassphrase")
        /// The private key does not belong to the signer certificate.
        public static let keyMismatch = Code(name: "keyMismatch")
        /// The private key (PEM or PKCS#12) cannot be read, or it is encrypted PEM.
        public static let unreadableKey = Code(name: "unreadableKey")
        /// A certificate (PEM or DER) cannot be read, or the text holds none.
        public static let unreadableCertificate = Code(name: "unreadableCertificate")
        /// OpenSSL itself failed; the reason ends with what OpenSSL reported.
        public static let openSSL = Code(name: "openSSL")
        /// A certificate record is malformed or incomplete.
        public static let record = Code(name: "record")
        /// Keys or certificates could not be created, read or written.
        public static let keys = Code(name: "keys")
        /// The PDF could not be laid out or written.
        public static let pdf = Code(name: "pdf")
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence a user can act on.
    public let reason: String

    /// Creates an error with a code and a human-readable reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
