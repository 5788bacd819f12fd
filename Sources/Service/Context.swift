import Hummingbird
import NIOCore
import Storage

/// Who sent a request: an account signed in by session cookie or by personal API token.
public struct Identity: Sendable {
    /// How the request proved who it is.
    public enum Proof: Sendable, Equatable {
        /// A session cookie; forms must carry the session's CSRF token.
        case session(id: String, csrfToken: String)
        /// A personal API token (`Authorization: Bearer kc_…`); no cookie, so no CSRF token is needed.
        case apiToken
    }

    /// The account.
    public var account: Account
    /// The proof.
    public var proof: Proof
}

/// A request's parsed body: form fields and uploaded files (`application/x-www-form-urlencoded` or
/// `multipart/form-data`), read within the route's size limit.
public struct Form: Sendable {
    /// An uploaded file.
    public struct Upload: Sendable {
        /// The file name the browser sent (never used as a path).
        public var filename: String
        /// The content type the browser sent (a claim, not a fact).
        public var contentType: String
        /// The bytes.
        public var bytes: [UInt8]
    }

    /// Text fields, by name (the last value wins).
    public var fields: [String: String] = [:]
    /// Files, by field name.
    public var files: [String: Upload] = [:]

    /// The trimmed text of field `name`, or `nil` when missing or empty.
    public func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}

/// The per-request state of the campus service.
public struct CampusContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, when there is one.
    public var identity: Identity?
    /// The interface language of this request: `de` (default) or `en`.
    public var language = "de"
    /// The parsed form of a page's POST.
    public var form = Form()
    /// The raw body of an API request (read within the route's limit).
    public var body: [UInt8] = []
    /// The peer's address, when the request came over a socket.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read by the route wrapper within each route's own limit; this is the ceiling.
    public var maxUploadSize: Int { Limits.largestBody }

    /// The client's address as text (for rate limits; never logged with personal data).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// Size limits of request bodies.
public enum Limits {
    /// A certificate PDF to verify.
    public static let pdf = 10_000_000
    /// A question bank file.
    public static let bank = 5 * 1024 * 1024
    /// A CSV of learners.
    public static let csv = 1024 * 1024
    /// A gradebook (JSON).
    public static let gradebook = 5 * 1024 * 1024
    /// An ordinary form or JSON body.
    public static let form = 64 * 1024
    /// Multipart framing around an upload.
    static let framing = 64 * 1024
    /// The largest body any route takes.
    public static let largestBody = pdf + framing
}
