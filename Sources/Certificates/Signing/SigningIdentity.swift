import Foundation
internal import CampusCrypto

/// An issuer's private key and certificate chain, loaded once per process and reused for every signature.
///
/// It makes the two signatures a certificate carries: the PAdES signature inside the PDF
/// (``signDetachedCMS(content:)``) and the ES256 signature of the verification token (``signES256(_:)``).
/// The key is ECDSA P-256 (needed for ES256) or RSA (PDF signatures only).
public final class SigningIdentity: @unchecked Sendable {
    // Sendable: every stored property is a `let` set in init and never changed afterwards; the OpenSSL objects
    // behind `key`, `signer` and `chain` are shared read-only as CampusCrypto's documentation explains (init fills
    // each certificate's extension cache first).
    private let key: OpenSSLKey
    private let signer: OpenSSLCertificate
    private let chain: [OpenSSLCertificate]
    private let isP256: Bool
    /// The time-stamp authority whose tokens the PDF signatures carry (PAdES B-T), if any.
    private let timeStamps: (any TimeStampSource)?
    /// The signing-certificate-v2 attribute every PDF signature carries (CAdES), made once.
    private let signingCertificate: [UInt8]

    /// DER of the signer certificate.
    public let certificateDER: [UInt8]
    /// DER of the further chain certificates (may include the root), in the order given.
    public let chainDER: [[UInt8]]
    /// Key id: lowercase hex SHA-256 of the signer certificate DER.
    public let keyID: String
    /// The signer certificate's subject common name (fallback: the whole subject as one line).
    public let subjectName: String
    /// The signer certificate's issuer common name (fallback: the whole issuer name as one line).
    public let issuerName: String
    /// The signer certificate's serial number, uppercase hexadecimal.
    public let serialNumber: String
    /// The start of the signer certificate's validity (`nil` when OpenSSL cannot read the field).
    public let notBefore: Date?
    /// The end of the signer certificate's validity (`nil` when OpenSSL cannot read the field).
    public let notAfter: Date?

    /// Whether PDF signatures get a signature time-stamp (PAdES baseline B-T).
    public var timeStamped: Bool { timeStamps != nil }

    /// Checks that `key` can sign and belongs to `signer`, and keeps all three for the life of the identity.
    init(
        key: OpenSSLKey, signer: OpenSSLCertificate, chain: [OpenSSLCertificate],
        timeStamps: (any TimeStampSource)? = nil
    ) throws(CertificateError) {
        guard key.isRSA || key.isEC else {
            throw CertificateError(
                .unreadableKey, "signing needs an ECDSA P-256 or an RSA private key, not an \(key.kindDescription)")
        }
        guard key.belongs(to: signer) else {
            throw CertificateError(
                .keyMismatch,
                "the private key does not belong to the signer certificate (the first certificate of the chain)")
        }
        // Fill each certificate's extension cache now, so that signing threads only ever read it.
        for certificate in [signer] + chain { certificate.cacheExtensions() }

        self.key = key
        self.signer = signer
        self.chain = chain
        self.timeStamps = timeStamps
        signingCertificate = try mappingCryptoErrors { () throws(CryptoError) in
            try CMSSigning.signingCertificateV2(of: signer)
        }
        isP256 = key.isP256
        (certificateDER, chainDER) = try mappingCryptoErrors { () throws(CryptoError) in
            (
                try signer.encodedDER(),
                try chain.map { (certificate) throws(CryptoError) in try certificate.encodedDER() }
            )
        }
        keyID = Digest.hex(Digest.sha256(certificateDER))
        subjectName = signer.subjectName
        issuerName = signer.issuerName
        serialNumber = signer.serialNumberHex ?? ""
        notBefore = signer.notBefore
        notAfter = signer.notAfter
    }

    /// Loads a PEM private key (PKCS#8 or traditional, unencrypted) and a PEM chain: first certificate = signer,
    /// then intermediates/root.
    ///
    /// - Throws: ``CertificateError`` with `.unreadableKey` when the key PEM cannot be read, is encrypted or of an
    ///   unsupported type, `.unreadableCertificate` when the chain PEM cannot be read, `.keyMismatch` when the key
    ///   does not belong to the first certificate.
    public convenience init(keyPEM: [UInt8], chainPEM: [UInt8]) throws(CertificateError) {
        let (key, certificates) = try mappingCryptoErrors { () throws(CryptoError) in
            (
                try OpenSSLKey(privateKeyPEM: keyPEM),
                try OpenSSLCertificate.all(fromPEM: chainPEM, source: "the certificate chain")
            )
        }
        let signer = certificates[0]
        var chain: [OpenSSLCertificate] = []
        // CMS refuses a certificate twice, so repeats (the signer listed again, say) are dropped here.
        for certificate in certificates.dropFirst() where !([signer] + chain).contains(where: certificate.isSame) {
            chain.append(certificate)
        }
        try self.init(key: key, signer: signer, chain: chain)
    }

    /// The same identity, its PDF signatures time-stamped (PAdES baseline B-T) by a time-stamp authority in this
    /// process with `keyPEM` and the certificate first in `certificatePEM` (extended key usage timeStamping,
    /// critical and alone), dating tokens by `clock`.
    ///
    /// - Throws: ``CertificateError`` `.unreadableKey`, `.unreadableCertificate` or `.keyMismatch` for unusable
    ///   files, `.crypto` when the certificate is not for time stamping.
    public func timeStamping(
        keyPEM: [UInt8], certificatePEM: [UInt8], clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(CertificateError) -> SigningIdentity {
        let authority = try mappingCryptoErrors { () throws(CryptoError) in
            try TimeStampAuthority(
                certificate: try OpenSSLCertificate.all(fromPEM: certificatePEM, source: "the time-stamp certificate")[
                    0],
                key: try OpenSSLKey(privateKeyPEM: keyPEM), clock: clock)
        }
        return try SigningIdentity(key: key, signer: signer, chain: chain, timeStamps: authority)
    }

    /// The same identity, its PDF signatures time-stamped (PAdES baseline B-T) by the external RFC 3161 authority
    /// `name` (its URL), asked through `exchange` (DER request in, DER response out). Each answer is checked
    /// before use: granted, for this request (imprint and nonce), signed by a certificate that chains to one of
    /// the certificates in `rootsPEM` — the roots verifiers must trust for the time-stamps too.
    ///
    /// - Throws: ``CertificateError`` `.unreadableCertificate` when `rootsPEM` holds no certificate.
    public func timeStamping(
        authority name: String, rootsPEM: [UInt8], exchange: @escaping @Sendable ([UInt8]) throws -> [UInt8]
    ) throws(CertificateError) -> SigningIdentity {
        let authority = try mappingCryptoErrors { () throws(CryptoError) in
            try RemoteTimeStampAuthority(name: name, rootsPEM: rootsPEM, exchange: exchange)
        }
        return try SigningIdentity(key: key, signer: signer, chain: chain, timeStamps: authority)
    }

    /// Loads a PKCS#12 file; passphrase given by the caller (the CLI reads it from an environment variable).
    ///
    /// The certificate that matches the key becomes the signer; the other certificates form the chain, ordered
    /// from the signer's issuer upwards where their names allow.
    ///
    /// - Throws: ``CertificateError`` with `.wrongPassphrase` when the passphrase is wrong, `.unreadableKey` when the
    ///   bytes are not PKCS#12 or lack a key, `.unreadableCertificate` when they lack the key's certificate. The
    ///   passphrase never appears in the reason.
    public convenience init(pkcs12: [UInt8], passphrase: String) throws(CertificateError) {
        let contents = try mappingCryptoErrors { () throws(CryptoError) in
            try PKCS12Contents(der: pkcs12, passphrase: passphrase)
        }
        let (key, signer, others) = (contents.key, contents.certificate, contents.others)
        guard let key else { throw CertificateError(.unreadableKey, "the PKCS#12 file holds no private key") }
        guard let signer else {
            throw CertificateError(.unreadableCertificate, "the PKCS#12 file holds no certificate for its private key")
        }
        try self.init(key: key, signer: signer, chain: Self.issuanceOrder(from: signer, others: others))
    }

    /// `others` without the signer and repeats, ordered signer's issuer first, then its issuer, and so on;
    /// certificates outside that path follow in their original order.
    private static func issuanceOrder(from signer: OpenSSLCertificate, others: [OpenSSLCertificate])
        -> [OpenSSLCertificate]
    {
        var remaining: [OpenSSLCertificate] = []
        for certificate in others where !([signer] + remaining).contains(where: certificate.isSame) {
            remaining.append(certificate)
        }
        var ordered: [OpenSSLCertificate] = []
        var current = signer
        while let index = remaining.firstIndex(where: { $0.issued(current) && !$0.isSame(as: current) }) {
            current = remaining.remove(at: index)
            ordered.append(current)
        }
        return ordered + remaining
    }

    /// Detached CMS SignedData (DER) over `content`, PAdES baseline B-B: SHA-256, signed attributes exactly
    /// content-type, message-digest and ESS signing-certificate-v2 — no signing-time (EN 319 142-1 forbids it;
    /// the PDF's `/M` carries the time). The signer certificate and the chain are in `certificates`. With a
    /// time-stamp authority (``timeStamping(keyPEM:certificatePEM:clock:)``), baseline B-T: a signature
    /// time-stamp in the unsigned attributes.
    ///
    /// ECDSA keys give ecdsa-with-SHA256 signatures, RSA keys PKCS#1 v1.5 with SHA-256.
    ///
    /// - Throws: ``CertificateError`` (`.openSSL`) when OpenSSL fails, which does not happen with a loaded identity
    ///   short of running out of memory.
    public func signDetachedCMS(content: [UInt8]) throws(CertificateError) -> [UInt8] {
        try mappingCryptoErrors { () throws(CryptoError) in
            try CMSSigning.signDetached(
                sha256: SHA256.hash(content), signer: signer, key: key, chain: chain, timeStamps: timeStamps,
                signingCertificate: signingCertificate)
        }
    }

    /// The same signature as ``signDetachedCMS(content:)`` from the content's SHA-256 `digest` (32 bytes), for a
    /// caller that hashed the content itself.
    func signDetachedCMS(sha256 digest: [UInt8]) throws(CertificateError) -> [UInt8] {
        try mappingCryptoErrors { () throws(CryptoError) in
            try CMSSigning.signDetached(
                sha256: digest, signer: signer, key: key, chain: chain, timeStamps: timeStamps,
                signingCertificate: signingCertificate)
        }
    }

    /// ES256 signature for a JWS: ECDSA P-256 with SHA-256, returned as the 64-byte raw r‖s (RFC 7518 §3.4), always
    /// in low-S form (s ≤ n/2).
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) when the key is not ECDSA P-256.
    public func signES256(_ message: [UInt8]) throws(CertificateError) -> [UInt8] {
        guard isP256 else {
            throw CertificateError(
                .crypto, "ES256 needs an ECDSA P-256 key, not this identity's \(key.kindDescription)")
        }
        return try mappingCryptoErrors { () throws(CryptoError) in try ES256.raw(fromDER: try key.signSHA256(message)) }
    }
}

/// Checks of signatures and certificates, for the verifier.
public enum SignatureCheck {
    /// Verifies a raw r‖s ES256 signature over `message` with the public key of a DER X.509 certificate.
    ///
    /// Returns `false` for a wrong signature, a signature that is not 64 bytes or not in low-S form, a certificate
    /// that cannot be parsed, or a certificate whose key is not ECDSA P-256. Certificate validity is not checked here.
    public static func verifyES256(signature: [UInt8], message: [UInt8], certificateDER: [UInt8]) -> Bool {
        guard let key = ES256PublicKey(certificateDER: certificateDER) else { return false }
        return key.verify(signature: signature, message: message)
    }

    /// Whether a raw 64-byte r‖s P-256 signature is in low-S form (s ≤ n/2, n the order of P-256), the one of its
    /// two valid encodings that ES256 tokens and status lists may use; our signer always makes it.
    public static func isLowS(es256Signature raw: [UInt8]) -> Bool {
        guard raw.count == 64, let half = p256HalfOrder else { return false }
        let s = raw[32...]
        return s.elementsEqual(half) || s.lexicographicallyPrecedes(half)
    }

    /// n/2 of P-256, 32 bytes big-endian, computed by OpenSSL once.
    static var p256HalfOrder: [UInt8]? { ES256.p256HalfOrder }

    /// SHA-256 key id (lowercase hex) of a DER certificate.
    public static func keyID(ofCertificateDER der: [UInt8]) -> String {
        Digest.hex(Digest.sha256(der))
    }

    /// Parses one or more PEM certificates into DER blobs, in order.
    ///
    /// - Throws: ``CertificateError`` (`.unreadableCertificate`) when there is no certificate or a certificate block
    ///   is damaged.
    public static func certificatesDER(fromPEM pem: [UInt8]) throws(CertificateError) -> [[UInt8]] {
        try mappingCryptoErrors { () throws(CryptoError) in
            var ders: [[UInt8]] = []
            for certificate in try OpenSSLCertificate.all(fromPEM: pem, source: "the PEM text") {
                ders.append(try certificate.encodedDER())
            }
            return ders
        }
    }
}

/// The P-256 public key of a certificate, parsed once, for checking many ES256 signatures.
public final class ES256PublicKey: @unchecked Sendable {
    // Sendable: the key is only read after init, as CampusCrypto's documentation explains.
    private let key: OpenSSLKey

    /// The key of a DER certificate, or `nil` when it is not a readable certificate with a P-256 key.
    public init?(certificateDER: [UInt8]) {
        defer { OpenSSLErrorQueue.clear() }
        guard let key = OpenSSLCertificate(der: certificateDER)?.publicKey, key.isP256 else { return nil }
        self.key = key
    }

    /// Whether the raw 64-byte r‖s `signature` is a valid ES256 signature of `message` in low-S form (the
    /// high-S twin of a valid signature is refused, so that a signed text has one signature only).
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard signature.count == 64, SignatureCheck.isLowS(es256Signature: signature),
            let der = ES256.derSignature(raw: signature)
        else { return false }
        return ES256.verify(der: der, message: message, key: key)
    }
}
