import Foundation
import SQLKit

/// A provider organisation: a university, an IHK, an academy.
public struct Organisation: Sendable, Equatable, Codable {
    /// A short stable id, e.g. `hs-harz`.
    public var id: String
    /// The name shown, e.g. `Hochschule Harz`.
    public var name: String

    /// An organisation.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// Whether `id` is a usable organisation id: 2 to 40 of a–z, 0–9 and `-`.
    public static func isValidID(_ id: String) -> Bool {
        (2...40).contains(id.count)
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// The provider organisations.
public struct OrganisationStore: Sendable {
    let database: CampusDatabase

    /// Adds an organisation.
    public func create(_ organisation: Organisation, actor: String, in connection: any SQLDatabase) async throws {
        guard Organisation.isValidID(organisation.id) else {
            throw StorageError(.conflict, "\(organisation.id): an organisation id is 2 to 40 of a-z, 0-9 and -")
        }
        let name = organisation.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw StorageError(.conflict, "an organisation's name must be 1 to 200 characters")
        }
        if try await connection.raw("SELECT id FROM organisations WHERE id = \(bind: organisation.id)").first() != nil {
            throw StorageError(.conflict, "the organisation \(organisation.id) exists already")
        }
        try await connection.raw(
            "INSERT INTO organisations (id, name, created_at) VALUES (\(bind: organisation.id), \(bind: name), \(bind: Clock.now()))"
        ).run()
        try await database.audit.append(
            actor: actor, action: "organisation.create", target: organisation.id, details: name, in: connection)
    }

    /// Every organisation, by name.
    public func all() async throws -> [Organisation] {
        try await database.read { connection in
            try await connection.raw("SELECT id, name FROM organisations ORDER BY name").all().map {
                Organisation(
                    id: try $0.decode(column: "id", as: String.self),
                    name: try $0.decode(column: "name", as: String.self))
            }
        }
    }

    /// The organisation with `id`, or `nil`.
    public func find(id: String) async throws -> Organisation? {
        try await database.read { connection in
            try await connection.raw("SELECT id, name FROM organisations WHERE id = \(bind: id)").first().map {
                Organisation(
                    id: try $0.decode(column: "id", as: String.self),
                    name: try $0.decode(column: "name", as: String.self))
            }
        }
    }
}

extension CampusDatabase {
    /// The provider organisations of this database.
    public var organisations: OrganisationStore { OrganisationStore(database: self) }
}
