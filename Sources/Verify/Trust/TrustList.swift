import Foundation
import Certificates
internal import CampusCrypto
internal import Synchronization

/// Root (and optionally issuer) certificates a verifier trusts, parsed once and reused.
///
/// Parsing builds one OpenSSL certificate store that every verification with this list shares, so build a
/// trust list once per process (or per change of the trust folder), not per document.
///
/// A chain is trusted when it ends in a self-signed root on the list; issuer and intermediate certificates on
/// the list help to build chains but are not trust anchors on their own.
///
/// A trust list also remembers what verifications with it learn: the certificates that signatures carry, parsed
/// once (OpenSSL 3.0 spends more time parsing a certificate than verifying a signature), and every signer whose
/// chain verified, with the span in which that chain is valid. Both caches are keyed by exact certificate bytes
/// and hold at most a few dozen entries.
public final class TrustList: @unchecked Sendable {
    // Sendable: every stored property is a `let` set in init; the two caches are behind mutexes. The store and the
    // certificates are shared read-only as CampusCrypto's documentation explains: every certificate that threads
    // share (on the list or in a cache) has its extension cache filled first.
    /// The certificate store holding every certificate on the list.
    private let store: CertificateStore
    /// Index into `certificatesDER` by SHA-256 thumbprint.
    private let indexByThumbprint: [[UInt8]: Int]
    /// The certificates on the list, in the order of `certificatesDER`.
    private let listed: [OpenSSLCertificate]
    /// The self-signed roots on the list (the trust anchors of time-stamp authorities too).
    var roots: [OpenSSLCertificate] { listed.filter(\.isSelfSigned) }
    /// Certificates met in signatures (and the list's own), parsed once: DER → certificate.
    private let certificateCache: Mutex<[[UInt8]: OpenSSLCertificate]>
    /// Signers whose chain verified, with the time span in which every certificate of the chain is valid.
    private let signerCache = Mutex<[SignerKey: CachedSigner]>([:])

    /// DER of every certificate on the list, in the order of the PEM text, repeats left out.
    public let certificatesDER: [[UInt8]]

    /// Keys announced as compromised, by the SHA-256 thumbprint of their certificate: since when. What such a key
    /// signed or time-stamped from then on is invalid; earlier signatures stay valid only with a time-stamp that
    /// proves they came first.
    public let compromisedSince: [[UInt8]: Date]

    /// A trust list of DER certificates (roots, and issuer or time-stamp certificates that help to build chains),
    /// with the keys announced as `compromised` (thumbprint → since when).
    public convenience init(der certificates: [[UInt8]], compromised: [[UInt8]: Date] = [:])
        throws(VerificationFailure)
    {
        var pem = ""
        for certificate in certificates {
            let base64 = Data(certificate).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            pem += "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
        }
        try self.init(pem: Array(pem.utf8), compromised: compromised)
    }

    /// Parses PEM text holding one or more certificates (a file's bytes; the CLI concatenates a folder's `*.pem`
    /// files).
    ///
    /// Text around the `-----BEGIN CERTIFICATE-----` blocks and other PEM blocks are skipped; a certificate
    /// listed twice counts once.
    ///
    /// - Throws: ``VerificationFailure`` with code ``VerificationFailure/Code/trustList`` when the text holds no
    ///   certificate, a certificate block is damaged, or no certificate on it is a self-signed root (no chain
    ///   could ever end on the list).
    public init(pem: [UInt8], compromised: [[UInt8]: Date] = [:]) throws(VerificationFailure) {
        compromisedSince = compromised
        let parsed: [OpenSSLCertificate]
        do {
            parsed = try OpenSSLCertificate.all(
                fromPEM: pem, source: "the trust list",
                damagedAdvice: "; replace the file with the certificates as published")
        } catch {
            throw VerificationFailure(.trustList, error.description)
        }
        var certificates: [OpenSSLCertificate] = []
        var ders: [[UInt8]] = []
        var index: [[UInt8]: Int] = [:]
        for certificate in parsed {
            guard let der = certificate.der else {
                throw .openSSL(.trustList, "certificate \(ders.count + 1) of the trust list cannot be encoded as DER")
            }
            let thumbprint = Digest.sha256(der)
            guard index[thumbprint] == nil else { continue }
            index[thumbprint] = ders.count
            ders.append(der)
            certificates.append(certificate)
        }
        guard certificates.contains(where: \.isSelfSigned) else {
            let names = certificates.map { "“\($0.subjectName)”" }.joined(separator: ", ")
            throw VerificationFailure(
                .trustList,
                "the trust list holds no root certificate (a self-signed one), only \(names); add the root"
                    + " certificate the issuers' certificates lead to")
        }

        let store: CertificateStore
        do {
            store = try CertificateStore(maximumDepth: Self.maximumChainDepth)
        } catch {
            throw VerificationFailure(.trustList, error.description)
        }
        for (position, certificate) in certificates.enumerated() {
            certificate.cacheExtensions()
            do {
                try store.add(certificate)
            } catch {
                throw VerificationFailure(
                    .trustList,
                    error.described(
                        "certificate \(position + 1) of the trust list (“\(certificate.subjectName)”) could"
                            + " not be added to the certificate store"))
            }
        }

        self.store = store
        certificatesDER = ders
        indexByThumbprint = index
        listed = certificates
        certificateCache = Mutex(Dictionary(uniqueKeysWithValues: zip(ders, certificates)))
    }

    /// The certificate (DER) whose SHA-256 thumbprint equals `thumbprint` (32 bytes), if on the list.
    public func certificate(withThumbprint thumbprint: [UInt8]) -> [UInt8]? {
        indexByThumbprint[thumbprint].map { certificatesDER[$0] }
    }

    /// The certificates (DER, with their SHA-256 thumbprints) whose thumbprint starts with `prefix` — a compact
    /// token's short key id; more than one only by chance.
    public func certificates(withThumbprintPrefix prefix: [UInt8]) -> [(der: [UInt8], thumbprint: [UInt8])] {
        indexByThumbprint.filter { $0.key.starts(with: prefix) }.sorted { $0.value < $1.value }
            .map { (certificatesDER[$0.value], $0.key) }
    }

    /// Most intermediate certificates a chain may have between the signer and the root.
    static let maximumChainDepth: Int32 = 8
    /// Most entries each cache holds; a full cache is emptied (the certificates of real signatures are few).
    static let cacheLimit = 64

    // MARK: - Caches

    /// The certificate `der` holds, parsed once per trust list; `nil` when it is not exactly one DER certificate.
    func certificate(der: [UInt8]) -> OpenSSLCertificate? {
        if let cached = certificateCache.withLock({ $0[der] }) { return cached }
        guard let parsed = OpenSSLCertificate(der: der) else { return nil }
        parsed.cacheExtensions()
        certificateCache.withLock { cache in
            if cache.count >= Self.cacheLimit + certificatesDER.count { cache.removeAll(keepingCapacity: true) }
            cache[der] = parsed
        }
        return parsed
    }

    /// The exact certificates a chain was built from: the certificate checked and those that came with it.
    private struct SignerKey: Hashable, Sendable {
        let certificate: [UInt8]
        let intermediates: [[UInt8]]
    }

    /// A verified signer and when its whole chain is valid (`validFrom` ≤ t < `validUntil`, as OpenSSL checks).
    private struct CachedSigner: Sendable {
        let signer: VerifiedSigner
        let validFrom: time_t
        let validUntil: time_t
    }

    // MARK: - Verification

    /// The verified signer for `certificate`: its chain ends at a root on the list, every certificate of the chain
    /// is valid at `time`, and its key usage allows signing.
    ///
    /// A success is remembered, keyed by the exact bytes of `certificate` and `intermediates`, so that the next
    /// check of the same certificates only compares `time` with their validity; failures are never remembered.
    ///
    /// - Parameters:
    ///   - der: The DER of `certificate`.
    ///   - intermediates: More certificates that may help build the chain (a CMS's `certificates`); not trusted.
    ///   - intermediatesDER: Their DER, in the same order.
    ///   - role: What `certificate` is, for reasons: "signer certificate", "issuer certificate".
    /// - Throws: ``VerificationFailure`` with `.untrusted`, `.certificateExpired`, `.certificateNotYetValid` or
    ///   `.keyUsage`.
    func verifiedSigner(
        _ certificate: OpenSSLCertificate,
        der: [UInt8],
        intermediates: [OpenSSLCertificate],
        intermediatesDER: [[UInt8]],
        at time: Date,
        role: String
    ) throws(VerificationFailure) -> VerifiedSigner {
        let key = SignerKey(certificate: der, intermediates: intermediatesDER)
        let seconds = VerificationTime.timeT(time)
        if let cached = signerCache.withLock({ $0[key] }), cached.validFrom <= seconds, seconds < cached.validUntil {
            return cached.signer
        }

        let chain = try verifiedChain(of: certificate, intermediates: intermediates, at: time, role: role)
        let signer = try signer(certificate, der: der, chain: chain, role: role)
        if let window = Self.validity(of: chain) {
            signerCache.withLock { cache in
                if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[key] = CachedSigner(signer: signer, validFrom: window.from, validUntil: window.until)
            }
        }
        return signer
    }

    /// When every certificate of `chain` is valid, in OpenSSL's seconds; `nil` when a date cannot be read.
    private static func validity(of chain: [OpenSSLCertificate]) -> (from: time_t, until: time_t)? {
        var from = time_t.min
        var until = time_t.max
        for certificate in chain {
            guard let notBefore = certificate.notBefore, let notAfter = certificate.notAfter else { return nil }
            from = max(from, VerificationTime.timeT(notBefore))
            until = min(until, VerificationTime.timeT(notAfter))
        }
        return (from, until)
    }

    /// Purposes of an extended key usage that allow signing documents: id-kp-documentSigning (RFC 9336),
    /// id-kp-emailProtection and Adobe's Authentic Documents Trust.
    static let documentSigningPurposes: [(oid: String, name: String)] = [
        ("1.3.6.1.5.5.7.3.36", "document signing"), ("1.3.6.1.5.5.7.3.4", "e-mail protection"),
        ("1.2.840.113583.1.1.5", "Adobe document signing"),
    ]

    /// Checks the signing policy for a certificate whose chain verified, and describes it.
    ///
    /// The certificate must be an end-entity certificate whose key usage allows digitalSignature or
    /// nonRepudiation and whose extended key usage, when it has one, includes a document-signing purpose; every
    /// key of the chain must be RSA of at least 2048 bits or EC P-256/P-384, and every certificate but the root
    /// (whose self-signature proves nothing) must be signed with SHA-256 or stronger.
    private func signer(
        _ certificate: OpenSSLCertificate,
        der: [UInt8],
        chain: [OpenSSLCertificate],
        role: String
    ) throws(VerificationFailure) -> VerifiedSigner {
        let name = certificate.subjectName
        guard !certificate.isCA else {
            throw VerificationFailure(
                .certificatePolicy,
                "the \(role) “\(name)” is a CA certificate; a signer must be an end-entity certificate (not a CA)")
        }
        guard let usage = certificate.keyUsage else {
            throw VerificationFailure(
                .keyUsage,
                "the \(role) “\(name)” may not sign documents: it has no key usage extension (it needs"
                    + " digitalSignature or nonRepudiation)")
        }
        guard !usage.isDisjoint(with: [.digitalSignature, .nonRepudiation]) else {
            throw VerificationFailure(
                .keyUsage,
                "the \(role) “\(name)” may not sign documents: its key usage has neither digitalSignature nor"
                    + " nonRepudiation")
        }
        if let purposes = certificate.extendedKeyUsage,
            !purposes.contains(where: { purpose in Self.documentSigningPurposes.contains { $0.oid == purpose } })
        {
            let allowed = purposes.isEmpty ? "nothing readable" : purposes.map(Self.purposeName).joined(separator: ", ")
            let needed = Self.documentSigningPurposes.map { "\($0.name) (\($0.oid))" }.joined(separator: ", ")
            throw VerificationFailure(
                .keyUsage,
                "the \(role) “\(name)” may not sign documents: its extended key usage allows only \(allowed); it"
                    + " needs one of \(needed)")
        }
        for (depth, member) in chain.enumerated() {
            let subject = Self.describe(member, depth: depth, role: role)
            let key = member.publicKeyStrength
            guard key.acceptable else {
                throw VerificationFailure(
                    .certificatePolicy,
                    "\(subject) has \(key.description), which the signing policy does not allow; keys must be RSA"
                        + " of at least 2048 bits or EC P-256 or P-384")
            }
            guard depth < chain.count - 1 else { continue }
            let signature = member.signatureStrength
            guard signature.acceptable else {
                throw VerificationFailure(
                    .certificatePolicy,
                    "\(subject) is signed with \(signature.algorithm); every signature of the chain must use SHA-256"
                        + " or stronger")
            }
        }
        guard let notAfter = certificate.notAfter, let root = chain.last, let rootDER = root.der else {
            throw .openSSL(.untrusted, "the validity of the \(role) “\(name)” cannot be read")
        }
        // The root is identified by its bytes, never by its name.
        let rootThumbprint = Digest.sha256(rootDER)
        guard indexByThumbprint[rootThumbprint] != nil else {
            throw VerificationFailure(
                .untrusted,
                "signed by a key that is not on the trust list: the chain of the \(role) ends at a root named"
                    + " “\(root.subjectName)” whose key is not on the trust list (thumbprint"
                    + " \(Digest.hex(rootThumbprint)))")
        }
        let thumbprint = Digest.sha256(der)
        let entry =
            indexByThumbprint[thumbprint] != nil
            ? TrustListEntry(name: name, thumbprint: thumbprint)
            : TrustListEntry(name: root.subjectName, thumbprint: rootThumbprint)
        return VerifiedSigner(
            certificateDER: der, thumbprint: thumbprint, subjectName: name,
            notAfter: notAfter, rootSubjectName: root.subjectName, rootThumbprint: rootThumbprint,
            trustListEntry: entry)
    }

    /// "the signer certificate “…”", "the intermediate certificate “…”" or "the root certificate “…”".
    private static func describe(_ certificate: OpenSSLCertificate, depth: Int, role: String) -> String {
        let kind: String
        if depth == 0 {
            kind = "the \(role)"
        } else if certificate.isSelfSigned {
            kind = "the root certificate"
        } else {
            kind = "the intermediate certificate"
        }
        return "\(kind) “\(certificate.subjectName)”"
    }

    /// A purpose of an extended key usage in words, with its object identifier.
    private static func purposeName(_ oid: String) -> String {
        let known: [String: String] = [
            "1.3.6.1.5.5.7.3.1": "TLS server authentication", "1.3.6.1.5.5.7.3.2": "TLS client authentication",
            "1.3.6.1.5.5.7.3.3": "code signing", "1.3.6.1.5.5.7.3.8": "time stamping",
            "1.3.6.1.5.5.7.3.9": "OCSP signing", "2.5.29.37.0": "any purpose",
        ]
        return known[oid].map { "\($0) (\(oid))" } ?? oid
    }

    /// Builds and verifies the chain from `certificate` to a root on the list at `time`.
    ///
    /// - Returns: The verified chain, `certificate` first and the trusted root last.
    /// - Throws: ``VerificationFailure`` with `.untrusted`, `.certificateExpired` or `.certificateNotYetValid`.
    private func verifiedChain(
        of certificate: OpenSSLCertificate,
        intermediates: [OpenSSLCertificate],
        at time: Date,
        role: String
    ) throws(VerificationFailure) -> [OpenSSLCertificate] {
        let verdict: Result<[OpenSSLCertificate], ChainFailure>
        do {
            verdict = try store.verify(
                certificate, intermediates: intermediates, at: Int(VerificationTime.timeT(time)), role: role)
        } catch {
            throw VerificationFailure(
                error.code == .malformedSignature ? .malformedSignature : .untrusted, error.description)
        }
        switch verdict {
        case .success(let chain): return chain
        case .failure(let failure): throw self.failure(failure, role: role, time: time)
        }
    }

    /// The failure for a chain that ends at a self-signed root which is not on the list although a root of the
    /// same name is, or at a certificate issued in the name of a listed root by another key: a root is identified
    /// by its key, never by its name.
    private func lookalikeRoot(chain: [OpenSSLCertificate], error: ChainFailure.Kind, role: String)
        -> VerificationFailure?
    {
        guard let top = chain.last else { return nil }
        if top.isSelfSigned, let der = top.der, indexByThumbprint[Digest.sha256(der)] == nil,
            listed.contains(where: { $0.isSelfSigned && $0.hasSameSubject(as: top) })
        {
            return VerificationFailure(
                .untrusted,
                "signed by a key that is not on the trust list: the chain of the \(role) ends at a root named"
                    + " “\(top.subjectName)” whose key is not on the trust list (thumbprint"
                    + " \(Digest.hex(Digest.sha256(der))))")
        }
        let unissued: [ChainFailure.Kind] = [.issuerNotFound, .signatureFailure, .leafSignatureUnverifiable]
        if !top.isSelfSigned, unissued.contains(error),
            let root = listed.first(where: { $0.isSelfSigned && $0.isNamedIssuer(of: top) })
        {
            return VerificationFailure(
                .untrusted,
                "signed by a key that is not on the trust list: “\(top.subjectName)” was issued in the name of a"
                    + " root named “\(root.subjectName)” by a key that is not on the trust list (the listed root of"
                    + " that name, thumbprint \(Digest.hex(Digest.sha256(root.der ?? []))), did not sign it)")
        }
        return nil
    }

    /// The failure for a verification that did not succeed, named in words a person can act on.
    private func failure(_ refusal: ChainFailure, role: String, time: Date) -> VerificationFailure {
        let (chain, depth, current, details) = (refusal.chain, refusal.depth, refusal.current, refusal.details)

        // Which certificate failed: the one checked, a root, or one in between.
        let subject = current.map { Self.describe($0, depth: depth, role: role) } ?? "the \(role)"
        if let lookalike = lookalikeRoot(chain: chain, error: refusal.kind, role: role) { return lookalike }
        let checked = "checked at \(VerificationTime.day(time))"

        switch refusal.kind {
        case .expired:
            let end = current?.notAfter.map(VerificationTime.day) ?? "an unreadable date"
            return VerificationFailure(.certificateExpired, "\(subject) expired on \(end) (\(checked))")
        case .notYetValid:
            let start = current?.notBefore.map(VerificationTime.day) ?? "an unreadable date"
            return VerificationFailure(
                .certificateNotYetValid, "\(subject) is valid only from \(start) (\(checked))")
        case .issuerNotFound:
            let issuer = current.map { "“\($0.issuerName)”" } ?? "a certificate"
            return VerificationFailure(
                .untrusted,
                "signed by a key that is not on the trust list: \(subject) was issued by \(issuer), which is not"
                    + " on the trust list")
        case .untrustedRoot, .leafSignatureUnverifiable:
            let top = chain.last.map { " ends at “\($0.subjectName)”, which" } ?? ""
            return VerificationFailure(
                .untrusted,
                "signed by a key that is not on the trust list: the chain of the \(role)\(top) is not a root on the"
                    + " trust list")
        case .signatureFailure, .other:
            return VerificationFailure(.untrusted, "\(subject) does not lead to a trusted root (OpenSSL: \(details))")
        }
    }
}
