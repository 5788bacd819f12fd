import CampusCore
import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore
import Storage

/// Who may use a route. Every route declares one; the authorization matrix test runs every route with every role.
public enum Access: Sendable, Hashable, CustomStringConvertible {
    /// Anyone, signed in or not (public verification, sign-in, health).
    case anyone
    /// Any signed-in account (its own account page, sign-out).
    case signedIn
    /// Accounts holding one of these roles (in some organisation; the handler narrows to the account's own).
    case roles(Set<Role>)

    public var description: String {
        switch self {
        case .anyone: "anyone"
        case .signedIn: "signed in"
        case .roles(let roles): roles.map(\.rawValue).sorted().joined(separator: ", ")
        }
    }

    /// Whether `account` (or nobody) passes.
    func admits(_ account: Account?) -> Bool {
        switch self {
        case .anyone: true
        case .signedIn: account != nil
        case .roles(let roles): account.map { account in roles.contains { account.has($0) } } ?? false
        }
    }
}

/// What a route answers with: pages answer HTML (and redirect to sign-in), API routes answer JSON.
public enum RouteKind: String, Sendable {
    /// An HTML page or a form post.
    case page
    /// JSON under `/api/v1`, or a machine-readable document.
    case api
}

/// One route as declared: the one table of what exists and who may use it.
public struct RouteDeclaration: Sendable, CustomStringConvertible {
    /// The HTTP method.
    public let method: HTTPRequest.Method
    /// The path, with `:name` for parameters.
    public let path: String
    /// Who may use it.
    public let access: Access
    /// Page or API.
    public let kind: RouteKind
    /// The largest body read, in bytes.
    public let bodyLimit: Int
    /// Whether an account that must still change its one-time password may use it.
    public let beforePasswordChange: Bool

    public var description: String { "\(method) \(path) [\(access)]" }
}

/// A handler of the campus service.
public typealias CampusHandler = @Sendable (Request, CampusContext) async throws -> Response

/// Registers routes with their declarations and wraps every handler in the same checks: who is asking, may they,
/// is the body within its limit, does a form carry its CSRF token; errors become one JSON shape or an error page.
public struct RouteRegistry {
    /// The Hummingbird router the routes go to.
    public let router: Router<CampusContext>
    /// Every route declared, in order.
    public private(set) var declarations: [RouteDeclaration] = []
    let site: Site

    init(router: Router<CampusContext>, site: Site) {
        self.router = router
        self.site = site
    }

    /// Declares and registers a route.
    mutating func add(
        _ method: HTTPRequest.Method, _ path: String, _ access: Access, _ kind: RouteKind,
        bodyLimit: Int = Limits.form, beforePasswordChange: Bool = false, _ handler: @escaping CampusHandler
    ) {
        let declaration = RouteDeclaration(
            method: method, path: path, access: access, kind: kind, bodyLimit: bodyLimit,
            beforePasswordChange: beforePasswordChange)
        declarations.append(declaration)
        let site = self.site
        router.on(RouterPath(path), method: method) { request, context in
            await site.serve(request, context: context, declaration: declaration, handler: handler)
        }
    }
}

/// A failure answered to the client: status, stable code, message, and the form field it concerns.
public struct HTTPFailure: Error, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable code (`notFound`, `forbidden`, `csrf`, `invalid`, …).
    public var code: String
    /// What went wrong and what to do, in the user's language where we wrote it.
    public var message: String
    /// The form or JSON field concerned.
    public var field: String?

    /// A failure.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// The one mapping from library errors to HTTP: by the error's library and code.
    static func from(_ error: any Error) -> HTTPFailure {
        switch error {
        case let failure as HTTPFailure:
            return failure
        case let failure as any CampusFailure:
            let status: HTTPResponse.Status =
                switch (failure.domainName, failure.codeName) {
                case (_, "notFound"): .notFound
                case (_, "conflict"): .conflict
                case (_, "forbidden"): .forbidden
                case (_, "unauthenticated"): .unauthorized
                case (_, "csrf"): .forbidden
                case (_, "rateLimited"): .tooManyRequests
                case (_, "tooLarge"): .contentTooLarge
                case ("storage", "unreachable"): .serviceUnavailable
                case ("storage", _), ("crypto", _): .internalServerError
                case ("service", "keys"), ("service", "configuration"): .internalServerError
                default: .unprocessableContent
                }
            let message =
                status == .internalServerError
                ? "the service failed inside; the operators find the details in its log" : failure.reason
            return HTTPFailure(status, failure.codeName, message)
        default:
            return HTTPFailure(
                .internalServerError, "internal", "the service failed inside; the operators find the details in its log"
            )
        }
    }

    /// `{"error": {"code", "message", "field"?}}`.
    var json: [UInt8] {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
                let field: String?
            }
            let error: Inner
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(Body(error: .init(code: code, message: message, field: field)))) ?? Data())
    }
}

extension Site {
    /// Runs one request through the route's checks and its handler.
    func serve(
        _ request: Request, context: CampusContext, declaration: RouteDeclaration, handler: CampusHandler
    ) async -> Response {
        let started = ContinuousClock.now
        let response = await answer(request, context: context, declaration: declaration, handler: handler)
        // One line per request: the route's pattern (never the concrete path, which may name a person), the status
        // and the time taken. No query, no body, no cookie.
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(declaration.method)", "route": "\(declaration.path)",
                "status": "\(response.status.code)", "ms": "\(milliseconds)",
            ])
        return response
    }

    private func answer(
        _ request: Request, context: CampusContext, declaration: RouteDeclaration, handler: CampusHandler
    ) async -> Response {
        var context = context
        do {
            try await identify(request, context: &context)
            if let response = try authorize(request, context: context, declaration: declaration) {
                return response
            }
            if Self.changesState(request.method) {
                try await readBody(request, context: &context, limit: declaration.bodyLimit)
                try checkCSRF(request, context: context, declaration: declaration)
            }
            var response = try await handler(request, context)
            if context.identity != nil {
                response.headers[.cacheControl] = "no-store"
            }
            return response
        } catch {
            let failure = HTTPFailure.from(error)
            if failure.status == .internalServerError {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "route": "\(declaration.method) \(declaration.path)",
                        "error": "\(String(reflecting: error))",
                    ])
            }
            switch declaration.kind {
            case .api: return Self.jsonResponse(failure.json, status: failure.status)
            case .page: return errorPage(failure, context: context)
            }
        }
    }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    /// Reads the session cookie or the bearer token, and the language.
    func identify(_ request: Request, context: inout CampusContext) async throws {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let account = try await database.sessions.account(forToken: token), account.active else {
                throw HTTPFailure(.unauthorized, "unauthenticated", "the API token is unknown or was withdrawn")
            }
            context.identity = Identity(account: account, proof: .apiToken)
        } else if let sessionID = request.cookies[Site.sessionCookie]?.value,
            let (session, account) = try await database.sessions.signedIn(id: sessionID), account.active
        {
            context.identity = Identity(
                account: account, proof: .session(id: sessionID, csrfToken: session.csrfToken))
        }
        if let account = context.identity?.account {
            context.language = account.language == "en" ? "en" : "de"
        } else if let chosen = request.cookies[Site.languageCookie]?.value, chosen == "en" {
            context.language = "en"
        }
    }

    /// `nil` when the request may go on; else the answer (a redirect to sign-in for pages, 401/403 otherwise).
    func authorize(_ request: Request, context: CampusContext, declaration: RouteDeclaration) throws -> Response? {
        let account = context.identity?.account
        guard declaration.access.admits(account) else {
            if account == nil {
                if declaration.kind == .page && request.method == .get {
                    let next = request.uri.path
                    return Self.redirect("/login?next=\(Self.queryEscaped(next))")
                }
                throw HTTPFailure(.unauthorized, "unauthenticated", strings(context).text("error_sign_in"))
            }
            throw HTTPFailure(.forbidden, "forbidden", strings(context).text("error_forbidden"))
        }
        if let account, account.mustChangePassword, declaration.access != .anyone, !declaration.beforePasswordChange {
            if declaration.kind == .page && request.method == .get {
                return Self.redirect("/account/password")
            }
            throw HTTPFailure(.forbidden, "passwordChangeRequired", strings(context).text("error_change_password"))
        }
        return nil
    }

    /// Reads the body within `limit` and parses forms.
    func readBody(_ request: Request, context: inout CampusContext, limit: Int) async throws {
        let ceiling = limit + (limit > Limits.form ? Limits.framing : 0)
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > ceiling {
            throw HTTPFailure(
                .contentTooLarge, "tooLarge", strings(context).text("error_too_large", Self.megabytes(limit)))
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: ceiling)
        } catch {
            throw HTTPFailure(
                .contentTooLarge, "tooLarge", strings(context).text("error_too_large", Self.megabytes(limit)))
        }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let contentType = request.headers[.contentType] ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            context.form = try Self.urlEncodedForm(bytes)
        } else if contentType.hasPrefix("multipart/form-data") {
            context.form = try Self.multipartForm(bytes, contentType: contentType, limit: limit)
        } else {
            context.body = bytes
        }
    }

    /// Pages' forms and every state change of a cookie session carry the CSRF token: the session's own, or for a
    /// visitor without a session the value of the `kc_csrf` cookie (double submit).
    func checkCSRF(_ request: Request, context: CampusContext, declaration: RouteDeclaration) throws {
        let expected: String?
        switch context.identity?.proof {
        case .apiToken: return
        case .session(_, let token): expected = token
        case nil:
            guard declaration.kind == .page else { return }
            expected = request.cookies[Site.csrfCookie]?.value
        }
        let sent = context.form.fields["_csrf"] ?? request.headers[HTTPField.Name("X-CSRF-Token")!]
        guard let expected, let sent, !expected.isEmpty, Self.constantTimeEqual(expected, sent) else {
            throw HTTPFailure(.forbidden, "csrf", strings(context).text("error_csrf"))
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    static func urlEncodedForm(_ bytes: [UInt8]) throws -> Form {
        var form = Form()
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            form.fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return form
    }

    static func multipartForm(_ bytes: [UInt8], contentType: String, limit: Int) throws -> Form {
        guard let boundaryRange = contentType.range(of: "boundary=") else {
            throw HTTPFailure(.badRequest, "badRequest", "multipart/form-data without a boundary")
        }
        var boundary = String(contentType[boundaryRange.upperBound...])
        if let end = boundary.firstIndex(of: ";") { boundary = String(boundary[..<end]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard !boundary.isEmpty, boundary.count <= 200 else {
            throw HTTPFailure(.badRequest, "badRequest", "multipart/form-data with an unusable boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        final class Collector {
            var parts: [(headers: [String: String], body: [UInt8])] = []
            var headers: [String: String] = [:]
            var body: [UInt8] = []
        }
        let collector = Collector()
        parser.onHeader = { name, value in collector.headers[name.lowercased()] = value }
        parser.onBody = { buffer in collector.body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            if collector.parts.count < 50 {
                collector.parts.append((collector.headers, collector.body))
            }
            collector.headers = [:]
            collector.body = []
        }
        do {
            try parser.execute(bytes)
        } catch {
            throw HTTPFailure(.badRequest, "badRequest", "the form upload could not be read (\(error))")
        }
        var form = Form()
        for part in collector.parts {
            guard let disposition = part.headers["content-disposition"],
                let name = Self.dispositionParameter("name", in: disposition)
            else { continue }
            if let filename = Self.dispositionParameter("filename", in: disposition) {
                guard !part.body.isEmpty || !filename.isEmpty else { continue }
                form.files[name] = Form.Upload(
                    filename: filename, contentType: part.headers["content-type"] ?? "application/octet-stream",
                    bytes: part.body)
            } else {
                form.fields[name] = String(decoding: part.body, as: UTF8.self)
            }
        }
        return form
    }

    static func dispositionParameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("\(name)=") else { continue }
            var value = String(trimmed.dropFirst(name.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    static func megabytes(_ bytes: Int) -> String { "\(bytes / (1024 * 1024)) MB" }

    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A 303 redirect to `location` (a path on this site).
    static func redirect(_ location: String) -> Response {
        var response = Response(status: .seeOther)
        response.headers[.location] = location
        return response
    }

    /// A JSON response.
    static func jsonResponse(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An encodable value as a JSON response (keys sorted, so answers are stable).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return jsonResponse(Array(try encoder.encode(value)), status: status)
    }
}
