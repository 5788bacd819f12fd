internal import COpenSSL

/// Detached CMS SignedData made with OpenSSL, for PAdES signatures.
package enum CMSSigning {
    /// Detached CMS SignedData (DER) over `content`, PAdES baseline B-B: SHA-256, signed attributes exactly
    /// content-type, message-digest and ESS signing-certificate-v2 — no signing-time (EN 319 142-1 forbids it;
    /// the PDF's `/M` carries the time). `signer` and `chain` are in `certificates`.
    ///
    /// ECDSA keys give ecdsa-with-SHA256 signatures (low-S), RSA keys PKCS#1 v1.5 with SHA-256.
    ///
    /// With `timeStamps`, the signature gets a signature time-stamp (PAdES baseline B-T): an RFC 3161 token over
    /// the SHA-256 of the signature value, in the unsigned attribute id-aa-signatureTimeStampToken.
    ///
    /// - Throws: ``CryptoError`` (`.openSSL`) when OpenSSL fails, which does not happen with a key that belongs to
    ///   `signer` short of running out of memory; what the time-stamp authority throws.
    package static func signDetached(
        content: [UInt8],
        signer: OpenSSLCertificate,
        key: OpenSSLKey,
        chain: [OpenSSLCertificate],
        timeStamps: (any TimeStampSource)? = nil
    ) throws(CryptoError) -> [UInt8] {
        try signDetached(
            sha256: SHA256.hash(content), signer: signer, key: key, chain: chain, timeStamps: timeStamps)
    }

    /// The same signature as ``signDetached(content:signer:key:chain:timeStamps:)`` from the content's SHA-256
    /// `digest`, for a caller that hashed the content itself (a PDF's byte ranges, partly hashed once for many).
    ///
    /// - Throws: ``CryptoError`` (`.openSSL`) when `digest` is not 32 bytes or OpenSSL fails; what the time-stamp
    ///   authority throws.
    package static func signDetached(
        sha256 digest: [UInt8],
        signer: OpenSSLCertificate,
        key: OpenSSLKey,
        chain: [OpenSSLCertificate],
        timeStamps: (any TimeStampSource)? = nil,
        signingCertificate: [UInt8]? = nil
    ) throws(CryptoError) -> [UInt8] {
        guard digest.count == 32 else {
            throw .openSSL("a SHA-256 digest has 32 bytes, not \(digest.count)")
        }
        // CMS_PARTIAL: OpenSSL neither hashes nor signs; CMS_final would add signing-time, which OpenSSL 3.0 always
        // adds and EN 319 142-1 forbids. CMS_CADES with an explicit SHA-256 digest: the signing-certificate-v2
        // attribute (with SHA-1 OpenSSL would add version 1) — or the same attribute as made once for `signer`.
        let flags = UInt32(
            CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | (signingCertificate == nil ? CMS_CADES : 0))
        guard let message = CMS_sign(nil, nil, nil, nil, flags) else {
            throw .openSSL("OpenSSL could not start a CMS signature")
        }
        let cms = OpenSSLObject(message, release: CMS_ContentInfo_free)
        guard
            let signerInfo = CMS_add1_signer(
                cms.pointer, signer.pointer, key.pointer, SHA256Algorithm.shared.pointer, flags)
        else { throw .openSSL("OpenSSL could not add the signer to the CMS signature") }
        if let signingCertificate {
            guard
                CMS_signed_add1_attr_by_NID(
                    signerInfo, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, signingCertificate,
                    Int32(signingCertificate.count)) == 1
            else { throw .openSSL("OpenSSL could not add the signing-certificate attribute to the CMS signature") }
        }
        for certificate in chain {
            guard CMS_add1_cert(cms.pointer, certificate.pointer) == 1 else {
                throw .openSSL("OpenSSL could not add a chain certificate to the CMS signature")
            }
        }
        // The two attributes CMS_final would add besides signing-time, then the signature over the DER SET OF
        // the signed attributes, exactly as a verifier hashes it.
        guard let data = OBJ_nid2obj(NID_pkcs7_data),
            CMS_signed_add1_attr_by_NID(
                signerInfo, NID_pkcs9_contentType, V_ASN1_OBJECT, UnsafeRawPointer(data), -1) == 1,
            CMS_signed_add1_attr_by_NID(signerInfo, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest, 32) == 1
        else { throw .openSSL("OpenSSL could not add the signed attributes to the CMS signature") }
        let signature = try key.signSHA256(try signedAttributesDER(of: signerInfo))
        guard let field = CMS_SignerInfo_get0_signature(signerInfo),
            ASN1_STRING_set(field, signature, Int32(signature.count)) == 1
        else { throw .openSSL("OpenSSL could not store the CMS signature value") }

        if let timeStamps {
            // The imprint covers the signature value's content octets, as RFC 3161 (appendix A) and EN 319 122 say.
            let token = try timeStamps.token(imprint: SHA256.hash(signature))
            guard
                CMS_unsigned_add1_attr_by_NID(
                    signerInfo, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token, Int32(token.count)) == 1
            else { throw .openSSL("OpenSSL could not add the time-stamp token to the CMS signature") }
        }

        guard let der = encodeDER({ i2d_CMS_ContentInfo(cms.pointer, $0) }) else {
            throw .openSSL("OpenSSL could not encode the CMS signature as DER")
        }
        return der
    }

    /// The DER value of the signing-certificate-v2 attribute (RFC 5035, ESS) for `signer` with a SHA-256 hash and its
    /// issuer and serial number, as OpenSSL makes it for CAdES: made once, for ``signDetached(sha256:signer:key:chain:timeStamps:signingCertificate:)``.
    package static func signingCertificateV2(of signer: OpenSSLCertificate) throws(CryptoError) -> [UInt8] {
        guard let made = OSSL_ESS_signing_cert_v2_new_init(SHA256Algorithm.shared.pointer, signer.pointer, nil, 1)
        else { throw .openSSL("OpenSSL could not make the signing-certificate attribute") }
        defer { ESS_SIGNING_CERT_V2_free(made) }
        guard let der = encodeDER({ i2d_ESS_SIGNING_CERT_V2(made, $0) }) else {
            throw .openSSL("OpenSSL could not encode the signing-certificate attribute")
        }
        return der
    }

    /// The DER `SET OF Attribute` of a signer's signed attributes, the bytes its signature covers.
    ///
    /// OpenSSL does the encoding: each attribute is encoded on its own and re-read as an ASN.1 ANY, and
    /// `i2d_ASN1_SET_ANY` writes them as a SET OF, which it sorts into DER order.
    private static func signedAttributesDER(of signerInfo: OpaquePointer) throws(CryptoError) -> [UInt8] {
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
}
