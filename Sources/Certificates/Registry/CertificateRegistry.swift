import Assessment
import Foundation

/// A list of issued certificates, as JSON: the `issued.json` of a gradebook output folder and the
/// issuer's registry of every id it issued.
///
/// The file is a JSON array of entries. Entries written before the registry existed carry only
/// `learner`, `name`, `id`, `tier` and `file`; they still read, with the course unknown and the status
/// `issued`.
public struct CertificateRegistry: Sendable, Equatable {
    /// What the issuer knows of a certificate it issued.
    public enum State: String, Sendable, Codable {
        /// Issued and, as far as this registry knows, standing.
        case issued
        /// Replaced by another certificate (`replacedBy`).
        case superseded
        /// Withdrawn.
        case revoked
    }

    /// One issued certificate.
    public struct Entry: Sendable, Equatable, Codable {
        /// The learner's id in the gradebook.
        public var learner: String
        /// The learner's name as printed.
        public var name: String
        /// Certificate id.
        public var id: String
        /// Tier certified.
        public var tier: Tier
        /// The PDF written, when one was.
        public var file: String?
        /// Course id (missing in entries of the old format).
        public var course: String?
        /// Issue date, `YYYY-MM-DD`.
        public var issued: String?
        /// Standing of the certificate (missing means `issued`).
        public var status: State?
        /// The certificate that replaces this one.
        public var replacedBy: String?
        /// The revoked certificate this one was issued in place of.
        public var reissueOf: String?
        /// Why it was reissued.
        public var reason: String?

        /// The standing, `issued` when not recorded.
        public var state: State { status ?? .issued }

        /// Creates an entry.
        public init(
            learner: String, name: String, id: String, tier: Tier, file: String? = nil, course: String? = nil,
            issued: String? = nil, status: State? = .issued, replacedBy: String? = nil, reissueOf: String? = nil,
            reason: String? = nil
        ) {
            self.learner = learner
            self.name = name
            self.id = id
            self.tier = tier
            self.file = file
            self.course = course
            self.issued = issued
            self.status = status
            self.replacedBy = replacedBy
            self.reissueOf = reissueOf
            self.reason = reason
        }
    }

    /// Entries in the order they were issued.
    public var entries: [Entry]

    /// Largest registry file read, in bytes.
    public static let maximumSize = 50_000_000

    /// A registry with `entries`.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Reads a registry file; anything but an array of entries with well-formed ids is refused.
    public static func parse(_ bytes: [UInt8]) throws(CertificateError) -> CertificateRegistry {
        guard bytes.count <= maximumSize else {
            throw CertificateError(.record, "larger than \(maximumSize / 1_000_000) MB; not a certificate registry")
        }
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: Data(bytes))
        } catch {
            throw CertificateError(
                .record,
                "not a certificate registry (a JSON array of entries with learner, name, id, tier); "
                    + "move it away or give another folder")
        }
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            guard CertificateID.isValid(entry.id) else {
                throw CertificateError(.record, "entry \(index + 1): '\(entry.id)' is not a certificate id")
            }
            guard seen.insert(entry.id).inserted else {
                throw CertificateError(.record, "entry \(index + 1): the id \(entry.id) is listed twice")
            }
        }
        return CertificateRegistry(entries: entries)
    }

    /// The registry as pretty-printed JSON with sorted keys and a final newline.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and enums cannot fail.
        let data = (try? encoder.encode(entries)) ?? Data("[]".utf8)
        return Array(data) + [0x0A]
    }

    /// The entry with certificate id `id`.
    public func entry(id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    /// The entries of `learner` for `course`, oldest first; entries without a course count for any course.
    public func entries(learner: String, course: String) -> [Entry] {
        entries.filter { $0.learner == learner && ($0.course == nil || $0.course == course) }
    }

    /// Adds `entry`, or replaces the entry with the same id.
    public mutating func record(_ entry: Entry) {
        if let index = entries.firstIndex(where: { $0.id == entry.id }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    /// Marks `id` as replaced by `replacement`.
    public mutating func markSuperseded(_ id: String, by replacement: String) {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return }
        entries[index].status = .superseded
        entries[index].replacedBy = replacement
    }
}
