import CampusCore
import CampusCrypto
import Foundation
import Storage

/// How `campus serve` runs: where it listens, where it keeps data, which keys sign.
public struct ServiceConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on.
    public var port: Int
    /// The folder for the embedded database (and nothing else).
    public var dataDirectory: String
    /// The database: SQLite in ``dataDirectory`` unless PostgreSQL is named.
    public var database: DatabaseLocation
    /// The folder with `issuer.key`, `issuer.pem` and `root.pem` (from `campus keys init`).
    public var keysDirectory: String?
    /// The public address of the service, printed in QR codes (e.g. `https://campus.example.de`).
    public var base: String
    /// Whether demo data (sample banks, a course, one account per role) is loaded at start.
    public var demo: Bool
    /// Public verifications (PDF, token, registry look-ups) one address may make in ``verificationWindow`` seconds.
    public var verificationsPerWindow: Int = 60
    /// The window of ``verificationsPerWindow``, in seconds (10 minutes).
    public static let verificationWindow: Int64 = 600
    /// The Argon2id cost of new password hashes (tests lower it).
    package var passwordCost: Passwords.Cost = .standard

    /// A configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "data", database: DatabaseLocation,
        keysDirectory: String? = nil, base: String, demo: Bool = false
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.database = database
        self.keysDirectory = keysDirectory
        self.base = base
        self.demo = demo
    }

    /// Whether cookies must be `Secure` (the public address is https).
    var secureCookies: Bool { base.hasPrefix("https://") }
}

/// The codes of ``ServiceError``.
public enum ServiceErrorDomain: ErrorDomain {
    /// `service`.
    public static let name = "service"
}

/// Why the service cannot start or a request cannot be served.
public typealias ServiceError = CampusError<ServiceErrorDomain>

extension CampusError.Code where Domain == ServiceErrorDomain {
    /// The configuration is incomplete or contradicts itself.
    public static var configuration: Self { Self("configuration") }
    /// A key file is unsafe (readable by others) or unreadable.
    public static var keys: Self { Self("keys") }
    /// The request is malformed.
    public static var badRequest: Self { Self("badRequest") }
    /// The request needs a sign-in.
    public static var unauthenticated: Self { Self("unauthenticated") }
    /// The signed-in account may not do this.
    public static var forbidden: Self { Self("forbidden") }
    /// Nothing is here (or nothing this account may see).
    public static var notFound: Self { Self("notFound") }
    /// The form's CSRF token is missing or wrong.
    public static var csrf: Self { Self("csrf") }
    /// Too many requests; try later.
    public static var rateLimited: Self { Self("rateLimited") }
    /// The upload is larger than allowed.
    public static var tooLarge: Self { Self("tooLarge") }
    /// The request conflicts with stored data.
    public static var conflict: Self { Self("conflict") }
    /// The input was read and refused (a bank with errors, a bad gradebook).
    public static var invalid: Self { Self("invalid") }
}
