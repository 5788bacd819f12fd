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
        /// A cryptographic operation failed.
        public static let crypto = Code(name: "crypto")
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
