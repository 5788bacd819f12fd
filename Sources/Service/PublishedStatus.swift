import Assessment
import Certificates
import Foundation
import Storage
import Synchronization
import Verify

/// The issuer-signed status list, built from the registry. Every node keeps its own signed copy and re-signs when
/// the registry's status revision (kept in the database, so a change on any node counts) has moved, or when the
/// copy is a day old, long before its `nextUpdate` seven days on.
actor StatusListPublisher {
    private struct Signed {
        let revision: Int64
        let text: String
        let signedAt: Date
    }

    /// Age after which a signed list is signed anew even when nothing changed.
    static let resignAfter: TimeInterval = 86_400

    private let registry: RegistryStore
    private let identity: SigningIdentity
    private var cached: Signed?

    init(registry: RegistryStore, identity: SigningIdentity) {
        self.registry = registry
        self.identity = identity
    }

    /// The current signed list (compact JWS).
    func current(at now: Date = Date()) async throws -> String {
        // The revision is read before the entries: a change in between only makes the next request sign again.
        let revision = try await registry.statusRevision()
        if let cached, cached.revision == revision, now.timeIntervalSince(cached.signedAt) < Self.resignAfter,
            now >= cached.signedAt
        {
            return cached.text
        }
        var list = StatusList(issuerThumbprint: identity.keyThumbprint, updated: now)
        for entry in try await registry.statusEntries() {
            try list.record(entry, at: now)
        }
        let text = try list.signed(by: identity)
        cached = Signed(revision: revision, text: text, signedAt: now)
        return text
    }
}

/// Makes certificates for the service: one ``CertificateIssuer`` per process, prepared at first use (fonts are read
/// and subset once).
actor CertificateMaker {
    private let identity: SigningIdentity
    private let base: String
    private let allowInsecureBase: Bool
    private var prepared: CertificateIssuer?

    init(identity: SigningIdentity, base: String, allowInsecureBase: Bool) {
        self.identity = identity
        self.base = base
        self.allowInsecureBase = allowInsecureBase
    }

    /// The issuer; fails with a message for the operator when the fonts (Debian `fonts-dejavu-core`) are missing.
    func issuer() throws -> CertificateIssuer {
        if let prepared { return prepared }
        let directory = CertificateFonts.debianDirectory
        func read(_ name: String) throws -> [UInt8] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ServiceError(
                    .configuration, "\(path): the certificate font is missing; install Debian's fonts-dejavu-core")
            }
            defer { try? handle.close() }
            let data = try handle.read(upToCount: Font.maximumSize + 1) ?? Data()
            guard data.count <= Font.maximumSize else {
                throw ServiceError(.configuration, "\(path): larger than a font may be")
            }
            return Array(data)
        }
        let fonts = CertificateFonts(
            serif: try read(CertificateFonts.serifFileName), sans: try read(CertificateFonts.sansFileName),
            serifName: CertificateFonts.serifFileName, sansName: CertificateFonts.sansFileName)
        let checkedBase = try CertificateIssuer.checkedBase(base, allowInsecure: allowInsecureBase)
        let issuer = try CertificateIssuer(identity: identity, verificationBase: checkedBase, fonts: fonts)
        prepared = issuer
        return issuer
    }
}

/// What never changes about attempts (learner, organisation, bank version), by attempt id, so that a save needs no
/// read of the attempt before its transaction. Safe across nodes: the facts are fixed when the attempt starts.
final class AttemptFactsCache: Sendable {
    static let capacity = 100_000
    private let known = Mutex<[String: AttemptFacts]>([:])

    /// The facts of attempt `id`, read once from `database`; `nil` when there is no such attempt.
    func facts(of id: String, in database: CampusDatabase) async throws -> AttemptFacts? {
        if let found = known.withLock({ $0[id] }) { return found }
        guard let read = try await database.attempts.facts(of: id) else { return nil }
        known.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[id] = read
        }
        return read
    }
}

/// Parsed bank versions, kept per process: a stored version never changes (a new upload is a new version), so a
/// learner's every save need not parse the bank's YAML again. Bounded; the oldest entries go first.
actor StoredBanks {
    static let capacity = 64
    private var banks: [String: Bank] = [:]
    private var order: [String] = []

    /// The bank of a stored version, or `nil` when its YAML no longer reads (it was checked at upload).
    func bank(_ version: BankVersion) -> Bank? {
        let key = Self.key(version.organisation, version.bankID, version.version)
        if let known = banks[key] { return known }
        guard let bank = BankReader.read(Array(version.yaml.utf8), file: version.bankID).bank else { return nil }
        banks[key] = bank
        order.append(key)
        if order.count > Self.capacity { banks[order.removeFirst()] = nil }
        return bank
    }

    /// The parsed bank of `organisation`'s version `version` of `bankID`, when it was read before (no query).
    func known(organisation: String, bankID: String, version: Int) -> Bank? {
        banks[Self.key(organisation, bankID, version)]
    }

    private static func key(_ organisation: String, _ bankID: String, _ version: Int) -> String {
        "\(organisation)\u{0}\(bankID)\u{0}\(version)"
    }
}
