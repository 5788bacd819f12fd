/// The library an error comes from: names the family of codes of a ``CampusError``.
///
/// Each library declares one empty enum conforming to this protocol and its codes as static members of
/// `CampusError<ThatEnum>.Code`, so that codes of different libraries are different types and never mix.
public protocol ErrorDomain: Sendable {
    /// A stable, lower-case name of the library, e.g. `assessment`; an HTTP layer keys its mapping on it.
    static var name: String { get }
}

/// An error of one of the campus libraries: a stable code to branch on, a reason a person can act on, and where
/// in our sources it was made.
///
/// A struct with a code rather than an enum, so that new codes never break callers. Equality and hashing look at
/// the ``code`` only, so a test or a caller matches the kind of failure and reads the ``reason`` where the
/// wording matters. ``description`` is the reason alone (what users see); ``debugDescription`` adds the library,
/// the code and the source location.
public struct CampusError<Domain: ErrorDomain>: Error, Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// What kind of failure, as a stable name.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable name, e.g. `deadlinePassed`; unique within its library.
        public let name: String

        /// A code named `name`; libraries declare theirs as static members.
        package init(_ name: String) {
            self.name = name
        }

        /// The name of the library the code belongs to (``ErrorDomain/name``).
        public var domain: String { Domain.name }

        /// The stable name.
        public var description: String { name }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened and what to do next.
    public let reason: String
    /// The source file (`#fileID`) that made the error, for debugging.
    public let file: String
    /// The line in ``file`` that made the error.
    public let line: UInt

    /// An error with a code and a reason; the caller's source location is recorded.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// Whether the two errors have the same code (the reasons and locations may differ).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// The reason, as users read it.
    public var description: String { reason }

    /// `library.code: reason (file:line)`, for logs and debugging.
    public var debugDescription: String {
        "\(Domain.name).\(code.name): \(reason) (\(file):\(line))"
    }
}

/// Any ``CampusError``, whatever its library: what an outer layer (the HTTP service) needs to map errors once.
public protocol CampusFailure: Error, Sendable {
    /// The library's name (``ErrorDomain/name``).
    var domainName: String { get }
    /// The stable code name.
    var codeName: String { get }
    /// The reason a person can act on.
    var reason: String { get }
}

extension CampusError: CampusFailure {
    /// The library's name (``ErrorDomain/name``).
    public var domainName: String { Domain.name }
    /// The stable code name.
    public var codeName: String { code.name }
}
