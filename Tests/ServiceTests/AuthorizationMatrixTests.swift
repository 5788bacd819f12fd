import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@testable import Service

/// Every route × every role (and anonymous): the status must follow the route's declaration. A route registered
/// without a declaration fails the test.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// The principals: anonymous, and one demo account per role (two providers of different organisations).
    static let principals: [String?] = [nil, "admin", "anbieter", "ihk-anbieter", "gutachter", "aufsicht", "lernende"]

    /// Values for path parameters: ids that exist in the demo data where a route needs one.
    static let parameters: [String: String] = [
        "file": "site.css",
        "login": "admin",
        "bank": "datenschutz-dsgvo",
        "version": "1",
        "course": "digitale-verwaltung-kompakt",
        "id": "KC-ABCDEFGHJKMN",
        "organisation": "demo-akademie",
        "set": "hausaufgabe-datenschutz",
        "attempt": "x",
        "item": "x",
        "unit": "0",
    ]

    @Test("every registered route is declared, once")
    func everyRouteDeclared() async throws {
        try await Harness.with(.sqlite) { harness in
            // The router spells a parameter {name}; declarations spell it :name.
            let declared = harness.declarations.map { declaration in
                let path = declaration.path.split(separator: "/", omittingEmptySubsequences: false).map {
                    $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
                }.joined(separator: "/")
                return "\(declaration.method) \(path)"
            }
            #expect(Set(declared).count == declared.count, "a route is declared twice")
            #expect(!harness.registeredRoutes.isEmpty)
            for route in harness.registeredRoutes {
                #expect(declared.contains(route), "\(route) is registered without a declaration")
            }
        }
    }

    @Test("every route answers every principal as declared", arguments: DatabaseKind.allCases)
    func matrix(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            var browsers: [String: Harness.Browser] = [:]
            for case let login? in Self.principals {
                browsers[login] = try await harness.signIn(login)
            }
            var anonymous = Harness.Browser()
            try await harness.send(.get, "/login", as: &anonymous)
            for declaration in harness.declarations where declaration.path != "/logout" {
                let path = Self.concrete(declaration.path)
                for principal in Self.principals {
                    var browser = principal.flatMap { browsers[$0] } ?? anonymous
                    let account = try await principal.asyncMap {
                        try await harness.site.database.accounts.find(login: $0)
                    }
                    let admitted = declaration.access.admits(account ?? nil)
                    let form: [String: String]? = Site.changesState(declaration.method) ? [:] : nil
                    let response = try await harness.send(declaration.method, path, as: &browser, form: form)
                    let who = principal ?? "anonymous"
                    if admitted {
                        #expect(
                            response.status != .unauthorized && response.status != .forbidden
                                && response.headers[.location]?.hasPrefix("/login") != true,
                            "\(declaration) refused \(who): \(response.status)")
                    } else if principal == nil && declaration.kind == .page && declaration.method == .get {
                        #expect(response.status == .seeOther, "\(declaration) let \(who) in: \(response.status)")
                        #expect(response.headers[.location]?.hasPrefix("/login") == true)
                    } else {
                        let expected: HTTPResponse.Status = principal == nil ? .unauthorized : .forbidden
                        #expect(response.status == expected, "\(declaration) answered \(who) with \(response.status)")
                    }
                }
            }
        }
    }

    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? (parameters[String(part.dropFirst())] ?? "x") : String(part)
        }.joined(separator: "/")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
