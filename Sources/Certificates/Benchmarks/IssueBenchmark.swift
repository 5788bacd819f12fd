import Assessment
import Foundation

/// End-to-end issuing throughput: layout, font subset, QR code, token, PAdES signature with its time-stamp, bytes
/// out.
package struct IssueBenchmark: Sendable {
    private let issuer: CertificateIssuer
    private let identity: SigningIdentity
    private let records: [CertificateRecord]

    /// Prepares a development PKI, an issuer (its signatures time-stamped unless `timeStamped` is false) and a
    /// rotation of records (all tiers, both languages, hard names), set in `fonts`.
    package init(fonts: CertificateFonts, timeStamped: Bool = true) throws(CertificateError) {
        let pki = try DevelopmentPKI.create(issuerName: "Benchmark Zertifikatsstelle", organization: "KommunalCampus")
        // Time-stamped, as `campus keys init` keys sign (PAdES B-T; the time-stamp authority runs in the process).
        var identity = try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
        if timeStamped {
            identity = try identity.timeStamping(
                keyPEM: Array(pki.timeStampKeyPEM.utf8), certificatePEM: Array(pki.timeStampPEM.utf8))
        }
        self.identity = identity
        issuer = try CertificateIssuer(identity: identity, verificationBase: "https://campus.example.de", fonts: fonts)
        let names = [
            "Jürgen Weißmüller", "Łukasz Żółć", "Đorđe Petrović", "Ayşe Yılmaz", "Ελένη Παπαδοπούλου",
            "Maximiliane Charlotte Friederike von Hohenzollern-Sigmaringen-Weißenfels", "Anna Schmidt",
        ]
        var records: [CertificateRecord] = []
        for (index, name) in names.enumerated() {
            let tier = Tier.allCases[index % 3]
            records.append(
                CertificateRecord(
                    id: CertificateID.random(),
                    holder: .init(name: name, birthDate: index % 2 == 0 ? "1985-05-17" : nil),
                    course: .init(
                        title: "Datenschutz in der Kommunalverwaltung",
                        provider: "Hochschule für öffentliche Verwaltung",
                        ects: tier == .qualified ? Rational(5) : nil, start: "2026-09-01", end: "2026-11-30"),
                    tier: tier,
                    score: tier == .attendance ? nil : .init(points: Rational(117, 2), maximum: Rational(74)),
                    issued: "2026-12-04", language: index % 2 == 0 ? .german : .english, issuer: ""))
        }
        self.records = records
    }

    /// Issues `count` certificates on the calling thread, or with `jobs` > 1 in batches on that many threads (as
    /// `campus issue --gradebook --jobs` does).
    ///
    /// - Returns: elapsed seconds and the total bytes produced.
    package func run(count: Int, jobs: Int = 1) throws(CertificateError) -> (seconds: Double, bytes: Int) {
        var bytes = 0
        let clock = ContinuousClock()
        let start = clock.now
        /// The rotation's record for `index`, with a new id.
        func record(_ index: Int) -> CertificateRecord {
            var record = records[index % records.count]
            record.id = CertificateID.random()
            return record
        }
        if jobs > 1 {
            var done = 0
            while done < count {
                let batch = (done..<min(count, done + 256)).map(record)
                for result in issuer.issue(batch, jobs: jobs) { bytes += try result.get().pdf.count }
                done += batch.count
            }
        } else {
            for index in 0..<count { bytes += try issuer.issue(record(index)).pdf.count }
        }
        let elapsed = clock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, bytes)
    }

    /// Encodes the QR code of one of the records' certificates `count` times on the calling thread.
    ///
    /// - Returns: elapsed seconds and the symbol's version.
    public func runQRCode(count: Int) throws(CertificateError) -> (seconds: Double, version: Int) {
        var record = records[1]
        record.issuer = identity.subjectName
        let token = try CompactToken.make(for: record, identity: identity)
        let url = CompactToken.verificationURL(base: "https://campus.example.de", id: record.id, token: token)
        var version = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { version = try QRCode(encoding: url, errorCorrection: .medium).version }
        let elapsed = clock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, version)
    }

    /// Size of the content ``runSignature(count:)`` signs.
    public static let signedContentSize = 100_000

    /// Makes `count` detached CMS signatures (ECDSA P-256) over ``signedContentSize`` bytes on the calling thread:
    /// the signature alone, without layout, fonts or QR code.
    ///
    /// - Returns: elapsed seconds.
    public func runSignature(count: Int) throws(CertificateError) -> Double {
        let content = (0..<Self.signedContentSize).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { _ = try identity.signDetachedCMS(content: content) }
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
