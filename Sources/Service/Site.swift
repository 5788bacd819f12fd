import Assessment
import CampusCrypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import Storage
import Verify

/// The running service's shared parts: database, keys, templates and texts. Immutable after start, so every
/// request on every thread reads it without locks; all changing state lives in the database.
public final class Site: Sendable {
    /// The configuration it was started with.
    public let configuration: ServiceConfiguration
    /// The database.
    public let database: CampusDatabase
    /// The issuer's keys and the trust list.
    public let keys: IssuerKeys
    /// The trust list public verification uses: the roots and the issuer chain (a QR token is checked against the
    /// issuer certificate itself).
    let verificationTrust: TrustList
    /// The signed status list, re-signed when the registry changes.
    let statusLists: StatusListPublisher
    /// Makes certificate PDFs.
    let certificateMaker: CertificateMaker
    /// Parsed bank versions.
    let storedBanks = StoredBanks()
    /// The fixed facts of attempts saved to.
    let attemptFacts = AttemptFactsCache()
    /// The clock deadlines are measured by (a settable one in tests).
    let clock: any AssessmentClock
    let templates: MustacheLibrary
    let texts: [String: Strings]
    let logger: Logger

    /// The session cookie's name.
    static let sessionCookie = "kc_session"
    /// The CSRF cookie of visitors without a session (double submit).
    static let csrfCookie = "kc_csrf"
    /// The language cookie of visitors without a session.
    static let languageCookie = "kc_lang"

    /// Loads the templates and texts that ship with the service.
    public init(
        configuration: ServiceConfiguration, database: CampusDatabase, keys: IssuerKeys, logger: Logger,
        clock: any AssessmentClock = SystemClock()
    ) async throws {
        self.configuration = configuration
        self.clock = clock
        self.database = database
        self.keys = keys
        self.logger = logger
        do {
            verificationTrust = try TrustList(pem: keys.rootPEM + [0x0A] + keys.chainPEM)
        } catch {
            throw ServiceError(.keys, "the issuer's certificates cannot be used for verification: \(error.reason)")
        }
        statusLists = StatusListPublisher(registry: database.registry, identity: keys.identity)
        certificateMaker = CertificateMaker(
            identity: keys.identity, base: configuration.base,
            allowInsecureBase: configuration.base.hasPrefix("http://"))
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw ServiceError(.configuration, "the service's templates are missing from its installation")
        }
        templates = try await MustacheLibrary(directory: folder)
        var texts: [String: Strings] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for language in ["de", "en"] {
            // Each area of the service keeps its texts in AREA.LANGUAGE.json; a name used twice is an error.
            var table: [String: String] = [:]
            for name in names.sorted() where name.hasSuffix(".\(language).json") {
                let path = (folder as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path),
                    let part = try? JSONDecoder().decode([String: String].self, from: data)
                else {
                    throw ServiceError(.configuration, "\(path): the texts are not a JSON object of strings")
                }
                for (key, value) in part {
                    guard table[key] == nil else {
                        throw ServiceError(.configuration, "\(path): the text \(key) is defined twice")
                    }
                    table[key] = value
                }
            }
            texts[language] = Strings(table: table)
        }
        // Every German text has an English one and back, so no page shows a key.
        if let german = texts["de"], let english = texts["en"], Set(german.table.keys) != Set(english.table.keys) {
            let missing = Set(german.table.keys).symmetricDifference(english.table.keys).sorted()
            throw ServiceError(.configuration, "texts missing in one language: \(missing.joined(separator: ", "))")
        }
        self.texts = texts
    }

    /// The texts in the request's language.
    func strings(_ context: CampusContext) -> Strings {
        texts[context.language] ?? texts["de"] ?? Strings(table: [:])
    }

    /// Renders `template` inside the layout, with the navigation for the signed-in account.
    func page(
        _ template: String, title: String, _ data: [String: Any] = [:], request: Request, context: CampusContext,
        status: HTTPResponse.Status = .ok, cookies: [Cookie] = []
    ) -> Response {
        let rendered = render(template, title: title, data, request: request, context: context)
        guard let body = rendered.html else {
            return Self.html(
                "<!doctype html><title>Error</title><p>template \(template) missing</p>", status: .internalServerError)
        }
        var response = Self.html(body, status: status)
        for cookie in cookies + rendered.cookies { response.setCookie(cookie) }
        return response
    }

    /// The page's HTML (`nil` when the template is missing) and the cookies it needs (a fresh CSRF cookie).
    func render(
        _ template: String, title: String, _ data: [String: Any], request: Request, context: CampusContext
    ) -> (html: String?, cookies: [Cookie]) {
        var object = data
        let strings = strings(context)
        object["t"] = strings.table
        object["lang"] = context.language
        object["title"] = title
        var cookies: [Cookie] = []
        switch context.identity?.proof {
        case .session(_, let token):
            object["csrf"] = token
        default:
            if let existing = request.cookies[Self.csrfCookie]?.value, existing.utf8.count == 64 {
                object["csrf"] = existing
            } else if let fresh = try? Passwords.randomToken() {
                object["csrf"] = fresh
                cookies.append(cookie(Self.csrfCookie, fresh, maxAge: nil))
            }
        }
        if let account = context.identity?.account {
            var user: [String: Any] = ["name": account.displayName, "login": account.login]
            for role in Role.allCases where account.has(role) {
                user["is_\(role.rawValue)"] = true
            }
            user["must_change_password"] = account.mustChangePassword
            object["user"] = user
        }
        object["other_language"] = context.language == "de" ? "en" : "de"
        object["path"] = request.uri.path
        guard let body = templates.render(object, withTemplate: template) else {
            logger.error("template missing", metadata: ["template": "\(template)"])
            return (nil, cookies)
        }
        return (body, cookies)
    }

    /// A partial template rendered on its own (escaped like every page), e.g. one row of a streamed table.
    func fragment(_ template: String, _ data: [String: Any], context: CampusContext) -> String {
        var object = data
        object["t"] = strings(context).table
        return templates.render(object, withTemplate: template) ?? ""
    }

    /// The error page for `failure`.
    func errorPage(_ failure: HTTPFailure, context: CampusContext) -> Response {
        let strings = strings(context)
        var object: [String: Any] = [
            "t": strings.table, "lang": context.language, "title": strings.text("error_title"),
            "message": failure.message, "status": Int(failure.status.code),
        ]
        if let account = context.identity?.account {
            object["user"] = ["name": account.displayName]
        }
        if case .session(_, let token) = context.identity?.proof {
            object["csrf"] = token
        }
        object["other_language"] = context.language == "de" ? "en" : "de"
        let body =
            templates.render(object, withTemplate: "error")
            ?? "<!doctype html><title>Error</title><p>\(failure.code)</p>"
        return Self.html(body, status: failure.status)
    }

    /// A cookie as the service sets them: `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` behind https.
    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The interface texts of one language, keyed by name; `{0}`, `{1}` … stand for values.
struct Strings: Sendable {
    let table: [String: String]

    /// The text `key` with `values` filled in (the key itself when it is missing, so a gap is visible).
    func text(_ key: String, _ values: String...) -> String {
        var text = table[key] ?? key
        for (index, value) in values.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: value)
        }
        return text
    }
}

/// Security headers on every answer: no inline script, no framing, no sniffing, no referrer leaving the site.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = CampusContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(
        _ request: Request, context: CampusContext, next: (Request, CampusContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            // No route: the API answers its one error shape, pages a plain status.
            if request.uri.path.hasPrefix("/api/") {
                let failure = HTTPFailure(
                    error.status, error.status == .notFound ? "notFound" : "badRequest",
                    error.status == .notFound
                        ? "no such API route or method (openapi.yaml in the project describes the API)" : "bad request")
                response = Site.jsonResponse(failure.json, status: error.status)
            } else {
                response = Response(status: error.status)
            }
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        return response
    }
}
