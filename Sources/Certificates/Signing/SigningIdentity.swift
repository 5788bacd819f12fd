import Foundation
internal import COpenSSL

/// An issuer's private key and certificate chain, loaded once per process and reused for every signature.
///
/// It makes the two signatures a certificate carries: the PAdES signature inside the PDF
/// (``signDetachedCMS(content:)``) and the ES256 signature of the verification token (``signES256(_:)``).
/// The key is ECDSA P-256 (needed for ES256) or RSA (PDF signatures only).
public final class SigningIdentity: @unchecked Sendable {
    // Sendable: every stored property is a `let` set in init and never changed afterwards. The OpenSSL objects
    // behind `key`, `signer` and `chain` are only read after init: OpenSSL 3 lets threads share an EVP_PKEY for
    // signing and an X509 once its extension cache is filled (init fills it with X509_check_purpose); each
    // signature builds its own CMS structure and digest context.
    private let key: OpenSSLKey
    private let signer: OpenSSLCertificate
    private let chain: [OpenSSLCertificate]
    private let isP256: Bool

    /// DER of the signer certificate.
    public let certificateDER: [UInt8]
    /// DER of the further chain certificates (may include the root), in the order given.
    public let chainDER: [[UInt8]]
    /// Key id: lowercase hex SHA-256 of the signer certificate DER.
    public let keyID: String
    /// The signer certificate's subject common name (fallback: the whole subject as one line).
    public let subjectName: String

    /// Checks that `key` can sign and belongs to `signer`, and keeps all three for the life of the identity.
    init(key: OpenSSLKey, signer: OpenSSLCertificate, chain: [OpenSSLCertificate]) throws(CertificateError) {
        guard key.isRSA || EVP_PKEY_is_a(key.pointer, "EC") == 1 else {
            throw CertificateError(
                .crypto, "signing needs an ECDSA P-256 or an RSA private key, not an \(key.kindDescription)")
        }
        guard X509_check_private_key(signer.pointer, key.pointer) == 1 else {
            OpenSSLErrorQueue.clear()
            throw CertificateError(
                .crypto,
                "the private key does not belong to the signer certificate (the first certificate of the chain)")
        }
        // Fill each certificate's extension cache now, so that signing threads only ever read it.
        for certificate in [signer] + chain { _ = X509_check_purpose(certificate.pointer, -1, 0) }
        OpenSSLErrorQueue.clear()

        self.key = key
        self.signer = signer
        self.chain = chain
        isP256 = key.isP256
        certificateDER = try signer.der()
        var chainDER: [[UInt8]] = []
        for certificate in chain { chainDER.append(try certificate.der()) }
        self.chainDER = chainDER
        keyID = Digest.hex(Digest.sha256(certificateDER))
        subjectName = signer.subjectName
    }

    /// Loads a PEM private key (PKCS#8 or traditional, unencrypted) and a PEM chain: first certificate = signer,
    /// then intermediates/root.
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) when either PEM cannot be read, the key is encrypted or of an
    ///   unsupported type, or the key does not belong to the first certificate.
    public convenience init(keyPEM: [UInt8], chainPEM: [UInt8]) throws(CertificateError) {
        let key = try OpenSSLKey(privateKeyPEM: keyPEM)
        let certificates = try OpenSSLCertificate.all(fromPEM: chainPEM, source: "the certificate chain")
        let signer = certificates[0]
        var chain: [OpenSSLCertificate] = []
        // CMS refuses a certificate twice, so repeats (the signer listed again, say) are dropped here.
        for certificate in certificates.dropFirst() where !([signer] + chain).contains(where: certificate.isSame) {
            chain.append(certificate)
        }
        try self.init(key: key, signer: signer, chain: chain)
    }

    /// Loads a PKCS#12 file; passphrase given by the caller (the CLI reads it from an environment variable).
    ///
    /// The certificate that matches the key becomes the signer; the other certificates form the chain, ordered
    /// from the signer's issuer upwards where their names allow.
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) when the bytes are not PKCS#12, the passphrase is wrong, or the
    ///   file lacks a key or its certificate. The passphrase never appears in the reason.
    public convenience init(pkcs12: [UInt8], passphrase: String) throws(CertificateError) {
        OpenSSLErrorQueue.clear()
        guard let archive = decodeDER(pkcs12, { d2i_PKCS12(nil, $0, $1) }, release: PKCS12_free) else {
            throw .openSSL("the file is not a PKCS#12 (.p12/.pfx) archive")
        }
        let owner = OpenSSLObject(archive, release: PKCS12_free)
        var keyPointer: OpaquePointer? = nil
        var certificatePointer: OpaquePointer? = nil
        var stack: OpaquePointer? = nil
        guard PKCS12_parse(owner.pointer, passphrase, &keyPointer, &certificatePointer, &stack) == 1 else {
            if OpenSSLErrorQueue.lastIs(library: ERR_LIB_PKCS12, reason: PKCS12_R_MAC_VERIFY_FAILURE) {
                OpenSSLErrorQueue.clear()
                throw CertificateError(
                    .crypto, "the PKCS#12 passphrase is wrong (the file's integrity check failed); check the passphrase"
                )
            }
            throw .openSSL(
                "the PKCS#12 file could not be opened: check the passphrase; if the file uses legacy encryption"
                    + " (RC2), export it again with"
                    + " `openssl pkcs12 -export -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256`")
        }
        // Take ownership of everything PKCS12_parse handed out before checking what is missing.
        let key = keyPointer.map(OpenSSLKey.init(taking:))
        let signer = certificatePointer.map(OpenSSLCertificate.init(taking:))
        var others: [OpenSSLCertificate] = []
        if let stack {
            for index in 0..<max(0, CCampus_sk_X509_num(stack)) {
                if let certificate = CCampus_sk_X509_value(stack, index) {
                    others.append(OpenSSLCertificate(sharing: certificate))
                }
            }
            CCampus_sk_X509_pop_free(stack)
        }
        guard let key else { throw CertificateError(.crypto, "the PKCS#12 file holds no private key") }
        guard let signer else {
            throw CertificateError(.crypto, "the PKCS#12 file holds no certificate for its private key")
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
        OpenSSLErrorQueue.clear()
        return ordered + remaining
    }

    /// Detached CMS SignedData (DER) over `content`, PAdES baseline B-B: SHA-256, signed attributes exactly
    /// content-type, message-digest and ESS signing-certificate-v2 — no signing-time (EN 319 142-1 forbids it;
    /// the PDF's `/M` carries the time). The signer certificate and the chain are in `certificates`.
    ///
    /// ECDSA keys give ecdsa-with-SHA256 signatures, RSA keys PKCS#1 v1.5 with SHA-256.
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) when OpenSSL fails, which does not happen with a loaded identity
    ///   short of running out of memory.
    public func signDetachedCMS(content: [UInt8]) throws(CertificateError) -> [UInt8] {
        // CMS_PARTIAL: the signer is signed in CMS_final. CMS_CADES with an explicit SHA-256 digest: the
        // signing-certificate-v2 attribute (with SHA-1 OpenSSL would add version 1).
        let flags = UInt32(CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | CMS_CADES)
        guard let message = CMS_sign(nil, nil, nil, nil, flags) else {
            throw .openSSL("OpenSSL could not start a CMS signature")
        }
        let cms = OpenSSLObject(message, release: CMS_ContentInfo_free)
        guard
            let signerInfo = CMS_add1_signer(
                cms.pointer, signer.pointer, key.pointer, SHA256Algorithm.shared.pointer, flags)
        else { throw .openSSL("OpenSSL could not add the signer to the CMS signature") }
        for certificate in chain {
            guard CMS_add1_cert(cms.pointer, certificate.pointer) == 1 else {
                throw .openSSL("OpenSSL could not add a chain certificate to the CMS signature")
            }
        }
        try withReadOnlyBIO(over: content) { (bio) throws(CertificateError) in
            guard CMS_final(cms.pointer, bio, nil, flags) == 1 else {
                throw .openSSL("OpenSSL could not sign \(content.count) bytes as CMS")
            }
        }

        // OpenSSL 3.0 always adds signing-time while signing and has no flag against it: delete the attribute,
        // then sign the DER SET OF the remaining signed attributes again, exactly as a verifier will hash it.
        let signingTime = CMS_signed_get_attr_by_NID(signerInfo, NID_pkcs9_signingTime, -1)
        if signingTime >= 0 {
            X509_ATTRIBUTE_free(CMS_signed_delete_attr(signerInfo, signingTime))
            let signature = try key.signSHA256(try Self.signedAttributesDER(of: signerInfo))
            guard let field = CMS_SignerInfo_get0_signature(signerInfo),
                ASN1_STRING_set(field, signature, Int32(signature.count)) == 1
            else { throw .openSSL("OpenSSL could not store the CMS signature value") }
        }

        guard let der = encodeDER({ i2d_CMS_ContentInfo(cms.pointer, $0) }) else {
            throw .openSSL("OpenSSL could not encode the CMS signature as DER")
        }
        return der
    }

    /// The DER `SET OF Attribute` of a signer's signed attributes, the bytes its signature covers.
    ///
    /// OpenSSL does the encoding: each attribute is encoded on its own and re-read as an ASN.1 ANY, and
    /// `i2d_ASN1_SET_ANY` writes them as a SET OF, which it sorts into DER order.
    private static func signedAttributesDER(of signerInfo: OpaquePointer) throws(CertificateError) -> [UInt8] {
        guard let stack = CCampus_sk_ASN1_TYPE_new_null() else {
            throw .openSSL("OpenSSL could not allocate an attribute list")
        }
        let attributes = OpenSSLObject(stack, release: CCampus_sk_ASN1_TYPE_pop_free)
        for index in 0..<CMS_signed_get_attr_count(signerInfo) {
            guard let attribute = CMS_signed_get_attr(signerInfo, index),
                let der = encodeDER({ i2d_X509_ATTRIBUTE(attribute, $0) }),
                let element = decodeDER(der, { d2i_ASN1_TYPE(nil, $0, $1) }, release: ASN1_TYPE_free)
            else { throw .openSSL("OpenSSL could not encode signed attribute \(index + 1)") }
            guard CCampus_sk_ASN1_TYPE_push(attributes.pointer, element) > 0 else {
                ASN1_TYPE_free(element)
                throw .openSSL("OpenSSL could not collect the signed attributes")
            }
        }
        guard let set = encodeDER({ i2d_ASN1_SET_ANY(attributes.pointer, $0) }) else {
            throw .openSSL("OpenSSL could not encode the signed attributes as a DER SET")
        }
        return set
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
        let der = try key.signSHA256(message)
        guard let signature = decodeDER(der, { d2i_ECDSA_SIG(nil, $0, $1) }, release: ECDSA_SIG_free) else {
            throw .openSSL("OpenSSL returned an ECDSA signature it cannot read back")
        }
        let owner = OpenSSLObject(signature, release: ECDSA_SIG_free)
        var raw = [UInt8](repeating: 0, count: 64)
        // r and s belong to the ECDSA_SIG: keep it alive until both are copied.
        let written = withExtendedLifetime(owner) {
            var r: OpaquePointer? = nil
            var s: OpaquePointer? = nil
            ECDSA_SIG_get0(owner.pointer, &r, &s)
            return raw.withUnsafeMutableBufferPointer { buffer in
                (BN_bn2binpad(r, buffer.baseAddress, 32), BN_bn2binpad(s, buffer.baseAddress! + 32, 32))
            }
        }
        guard written == (32, 32) else { throw .openSSL("OpenSSL returned an ECDSA signature out of range") }
        return raw
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
    static let p256HalfOrder: [UInt8]? = {
        defer { OpenSSLErrorQueue.clear() }
        guard let created = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1) else { return nil }
        let group = OpenSSLObject(created, release: EC_GROUP_free)
        guard let order = EC_GROUP_get0_order(group.pointer), let copy = BN_dup(order) else { return nil }
        let half = OpenSSLObject(copy, release: BN_free)
        var bytes = [UInt8](repeating: 0, count: 32)
        guard BN_rshift1(half.pointer, half.pointer) == 1, BN_bn2binpad(half.pointer, &bytes, 32) == 32 else {
            return nil
        }
        return bytes
    }()

    /// The DER ECDSA-Sig-Value for a raw 64-byte r‖s, encoded by OpenSSL.
    static func derECDSASignature(raw: [UInt8]) -> [UInt8]? {
        guard let signature = ECDSA_SIG_new() else { return nil }
        let owner = OpenSSLObject(signature, release: ECDSA_SIG_free)
        let r = BN_bin2bn(raw, 32, nil)
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + 32, 32, nil) }
        // ECDSA_SIG_set0 takes ownership of both numbers only when it succeeds.
        guard let r, let s, ECDSA_SIG_set0(owner.pointer, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        return encodeDER({ i2d_ECDSA_SIG(owner.pointer, $0) })
    }

    /// SHA-256 key id (lowercase hex) of a DER certificate.
    public static func keyID(ofCertificateDER der: [UInt8]) -> String {
        Digest.hex(Digest.sha256(der))
    }

    /// Parses one or more PEM certificates into DER blobs, in order.
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) when there is no certificate or a certificate block is damaged.
    public static func certificatesDER(fromPEM pem: [UInt8]) throws(CertificateError) -> [[UInt8]] {
        var ders: [[UInt8]] = []
        for certificate in try OpenSSLCertificate.all(fromPEM: pem, source: "the PEM text") {
            ders.append(try certificate.der())
        }
        return ders
    }
}

/// The P-256 public key of a certificate, parsed once, for checking many ES256 signatures.
public final class ES256PublicKey: @unchecked Sendable {
    // Sendable: the key is only read after init; OpenSSL 3 allows concurrent verification with one EVP_PKEY.
    private let key: OpenSSLKey

    /// The key of a DER certificate, or `nil` when it is not a readable certificate with a P-256 key.
    public init?(certificateDER: [UInt8]) {
        defer { OpenSSLErrorQueue.clear() }
        guard let certificate = try? OpenSSLCertificate(der: certificateDER),
            let publicKey = X509_get_pubkey(certificate.pointer)
        else { return nil }
        let key = OpenSSLKey(taking: publicKey)
        guard key.isP256 else { return nil }
        self.key = key
    }

    /// Whether the raw 64-byte r‖s `signature` is a valid ES256 signature of `message` in low-S form (the
    /// high-S twin of a valid signature is refused, so that a signed text has one signature only).
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard signature.count == 64, SignatureCheck.isLowS(es256Signature: signature),
            let der = SignatureCheck.derECDSASignature(raw: signature),
            let context = EVP_MD_CTX_new()
        else { return false }
        let owner = OpenSSLObject(context, release: EVP_MD_CTX_free)
        guard EVP_DigestVerifyInit(owner.pointer, nil, SHA256Algorithm.shared.pointer, nil, key.pointer) == 1 else {
            return false
        }
        return message.withUnsafeBufferPointer { input in
            EVP_DigestVerify(owner.pointer, der, der.count, input.baseAddress, input.count) == 1
        }
    }
}
