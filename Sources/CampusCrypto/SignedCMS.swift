internal import COpenSSL

/// A parsed detached CMS SignedData with exactly one signer whose certificate it carries (for verification).
package final class SignedCMS {
    /// The owned `CMS_ContentInfo` (without its certificates when they could be split off).
    private let contentInfo: OpenSSLObject<OpaquePointer>
    /// The one `CMS_SignerInfo`, owned by `contentInfo`.
    private let signerInfo: OpaquePointer
    /// The certificates of the CMS `certificates` field, in order.
    package let certificates: [OpenSSLCertificate]
    /// Their DER, in the same order.
    package let certificatesDER: [[UInt8]]
    /// The signer certificate, one of `certificates`.
    package let signer: OpenSSLCertificate
    /// Its DER.
    package let signerDER: [UInt8]

    /// Parses `der` (its first bytes already checked by the caller) and checks its structure.
    ///
    /// - Parameters:
    ///   - split: `der` without its `certificates` field, the DER of each certificate in that field, and how many
    ///     bytes of `der` the structure takes; `nil` when the caller could not split them off, and then OpenSSL
    ///     reads the whole structure and says what is wrong.
    ///   - certificate: The parsed certificate for a DER certificate of the split-off field (from a cache), or
    ///     `nil` when it is not exactly one certificate.
    /// - Throws: ``CryptoError`` (`.malformedSignature`) for anything but a DER ContentInfo with a detached
    ///   SignedData of id-data, exactly one SHA-256 signer, signed attributes (content-type id-data among them) and
    ///   the signer's certificate.
    package init(
        der: [UInt8],
        split: (withoutCertificates: [UInt8], certificates: [[UInt8]], used: Int)?,
        certificate: (_ der: [UInt8]) -> OpenSSLCertificate?
    ) throws(CryptoError) {
        let parsed = split?.withoutCertificates ?? der
        let decoded = parsed.withUnsafeBufferPointer { buffer in
            decodeDERPrefix(buffer) { d2i_CMS_ContentInfo(nil, $0, $1) }
        }
        guard let decoded else {
            throw .openSSL("the signature is not a readable CMS structure", code: .malformedSignature)
        }
        let contentInfo = OpenSSLObject(decoded.object) { CMS_ContentInfo_free($0) }
        guard split == nil || decoded.used == parsed.count else {
            throw CryptoError(.malformedSignature, "the signature is not a readable CMS structure")
        }
        // DER has one encoding for every value: OpenSSL's encoding of what it read must be the bytes it read.
        // (The certificates split off are DER by swift-asn1's reading.)
        let reencoded = encodeDER { i2d_CMS_ContentInfo(contentInfo.pointer, $0) }
        guard let reencoded, reencoded.elementsEqual(parsed[0..<decoded.used]) else { throw Self.notDER }
        let used = split?.used ?? decoded.used
        guard der[used...].allSatisfy({ $0 == 0 }) else {
            throw CryptoError(
                .malformedSignature,
                "the signature has \(der.count - used) bytes after its CMS structure that are not padding")
        }

        let type = CMS_get0_type(contentInfo.pointer).map { OBJ_obj2nid($0) } ?? NID_undef
        guard type == NID_pkcs7_signed else {
            let name = OBJ_nid2ln(type).map { String(cString: $0) } ?? "unknown"
            throw CryptoError(.malformedSignature, "the signature is CMS \(name), not signed data")
        }
        guard CMS_is_detached(contentInfo.pointer) == 1 else {
            throw CryptoError(
                .malformedSignature, "the signature embeds its content; a PDF signature must be detached")
        }
        let signerInfos = CMS_get0_SignerInfos(contentInfo.pointer)
        let signerCount = CCampus_sk_CMS_SignerInfo_num(signerInfos)
        guard signerCount == 1, let signerInfo = CCampus_sk_CMS_SignerInfo_value(signerInfos, 0) else {
            throw CryptoError(
                .malformedSignature, "the signature has \(max(0, signerCount)) signers; exactly one is expected")
        }

        var digestAlgorithm: UnsafeMutablePointer<X509_ALGOR>? = nil
        CMS_SignerInfo_get0_algs(signerInfo, nil, nil, &digestAlgorithm, nil)
        var digestObject: OpaquePointer? = nil
        if let digestAlgorithm { X509_ALGOR_get0(&digestObject, nil, nil, digestAlgorithm) }
        let digest = digestObject.map { OBJ_obj2nid($0) } ?? NID_undef
        guard digest == NID_sha256 else {
            let name = OBJ_nid2sn(digest).map { String(cString: $0) } ?? "an unknown digest"
            throw CryptoError(.malformedSignature, "the signature uses \(name); SHA-256 is expected")
        }
        guard CMS_signed_get_attr_count(signerInfo) > 0 else {
            throw CryptoError(
                .malformedSignature,
                "the signature has no signed attributes (content-type, message-digest and"
                    + " signing-certificate-v2 are expected)")
        }
        // PAdES signs plain data; the signed content-type attribute must say so too (RFC 5652 §11.1), since the
        // eContentType itself is not signed.
        let contentType = CMS_get0_eContentType(contentInfo.pointer).map { OBJ_obj2nid($0) } ?? NID_undef
        let signedContentType =
            CMS_signed_get0_data_by_OBJ(signerInfo, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT)
            .map { OBJ_obj2nid(OpaquePointer($0)) } ?? NID_undef
        guard contentType == NID_pkcs7_data, signedContentType == NID_pkcs7_data else {
            throw CryptoError(
                .malformedSignature,
                "the signature's content type is not id-data in both the content info and the signed content-type"
                    + " attribute")
        }

        let (certificates, certificatesDER) = try Self.certificates(
            split: split?.certificates, contentInfo: contentInfo.pointer, certificate: certificate)
        // Match the signer identifier against the certificates; this also loads the signer's public key.
        let stack = try CertificateStack(certificates)
        guard CMS_set1_signers_certs(contentInfo.pointer, stack.pointer, 0) >= 0 else {
            throw .openSSL("the signature's signer could not be matched to a certificate", code: .malformedSignature)
        }
        var publicKey: OpaquePointer? = nil
        var signerPointer: OpaquePointer? = nil
        CMS_SignerInfo_get0_algs(signerInfo, &publicKey, &signerPointer, nil, nil)
        guard let signerPointer, let index = certificates.firstIndex(where: { $0.pointer == signerPointer }) else {
            throw CryptoError(.malformedSignature, "the signature does not carry its signer's certificate")
        }
        guard publicKey != nil else {
            throw .openSSL("the public key of the signer certificate cannot be read", code: .malformedSignature)
        }

        self.contentInfo = contentInfo
        self.signerInfo = signerInfo
        self.certificates = certificates
        self.certificatesDER = certificatesDER
        signer = certificates[index]
        signerDER = certificatesDER[index]
    }

    /// The content octets of the signer's signature value (what a signature time-stamp's imprint covers).
    package var signatureValue: [UInt8] {
        guard let field = CMS_SignerInfo_get0_signature(signerInfo), let bytes = ASN1_STRING_get0_data(field) else {
            return []
        }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(field))))
    }

    /// The DER of the signature time-stamp token (unsigned attribute id-aa-signatureTimeStampToken), or `nil`
    /// when the signature has none.
    ///
    /// - Throws: ``CryptoError`` (`.malformedSignature`) when the attribute is there more than once, holds more
    ///   than one value or not a SEQUENCE.
    package func timeStampToken() throws(CryptoError) -> [UInt8]? {
        let object = OBJ_nid2obj(NID_id_smime_aa_timeStampToken)
        guard CMS_unsigned_get_attr_by_OBJ(signerInfo, object, -1) >= 0 else { return nil }
        // -3: exactly one attribute of this type with exactly one value.
        guard let value = CMS_unsigned_get0_data_by_OBJ(signerInfo, object, -3, V_ASN1_SEQUENCE) else {
            throw CryptoError(
                .malformedSignature, "the signature's time-stamp attribute is there twice or holds several values")
        }
        let sequence = value.assumingMemoryBound(to: ASN1_STRING.self)
        guard let bytes = ASN1_STRING_get0_data(sequence) else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(sequence))))
    }

    /// The failure for a signature in BER (indefinite or over-long lengths, unsorted sets …) rather than DER.
    package static let notDER = CryptoError(
        .malformedSignature,
        "ambiguous structure: the signature is BER, not DER (OpenSSL encodes what it read differently); a CMS"
            + " signature must be DER, which has one encoding for every value")

    /// The certificates of the signature and their DER: from the split-off field through `certificate` (a
    /// cache), or from the parsed structure.
    private static func certificates(
        split: [[UInt8]]?,
        contentInfo: OpaquePointer,
        certificate parse: (_ der: [UInt8]) -> OpenSSLCertificate?
    ) throws(CryptoError) -> ([OpenSSLCertificate], [[UInt8]]) {
        if let split {
            var certificates: [OpenSSLCertificate] = []
            for (index, der) in split.enumerated() {
                guard let certificate = parse(der) else {
                    throw .openSSL(
                        "certificate \(index + 1) of the signature is not a readable certificate",
                        code: .malformedSignature)
                }
                certificates.append(certificate)
            }
            return (certificates, split)
        }
        guard let created = CMS_get1_certs(contentInfo) else { return ([], []) }
        let stack = OpenSSLObject(created) { CCampus_sk_X509_pop_free($0) }
        var certificates: [OpenSSLCertificate] = []
        var ders: [[UInt8]] = []
        for index in 0..<max(0, CCampus_sk_X509_num(stack.pointer)) {
            guard let pointer = CCampus_sk_X509_value(stack.pointer, index) else { continue }
            let certificate = OpenSSLCertificate(sharing: pointer)
            guard let der = certificate.der else {
                throw .openSSL("certificate \(index + 1) of the signature cannot be encoded", code: .malformedSignature)
            }
            certificates.append(certificate)
            ders.append(der)
        }
        return (certificates, ders)
    }

    /// Verifies the signature over the signed attributes and the message-digest attribute against `content`.
    ///
    /// - Throws: ``CryptoError`` (`.signatureMismatch`) when either does not match, `.malformedSignature`
    ///   when the attributes break CMS's rules or the signature cannot be checked at all.
    package func verify(content: [ArraySlice<UInt8>]) throws(CryptoError) {
        let verdict = withExtendedLifetime(contentInfo) { CMS_SignerInfo_verify(signerInfo) }
        guard verdict == 1 else {
            if OpenSSLErrorQueue.lastIs(library: ERR_LIB_CMS, reason: CMS_R_VERIFICATION_FAILURE) {
                OpenSSLErrorQueue.clear()
                throw CryptoError(
                    .signatureMismatch,
                    "the document was changed after it was signed (the signature value does not match the"
                        + " signed attributes)")
            }
            throw .openSSL("the signature's signed attributes cannot be verified", code: .malformedSignature)
        }

        let signedDigest = withExtendedLifetime(contentInfo) { () -> [UInt8]? in
            guard
                let raw = CMS_signed_get0_data_by_OBJ(
                    signerInfo, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING)
            else { return nil }
            return Self.bytes(of: raw)
        }
        guard let signedDigest, signedDigest.count == 32 else {
            throw .openSSL(
                "the signature has no single 32-byte SHA-256 message-digest attribute", code: .malformedSignature)
        }
        guard SHA256.hash(parts: content) == signedDigest else {
            throw CryptoError(
                .signatureMismatch,
                "the document was changed after it was signed (its SHA-256 digest differs from the signed one)")
        }
    }

    /// Checks that the ESS signing-certificate-v2 (or v1) attribute names the signer certificate, so that the
    /// certificate cannot be swapped for another one with the same key.
    ///
    /// - Throws: ``CryptoError`` (`.malformedSignature`) when the attribute is missing, unreadable or names
    ///   another certificate.
    package func checkSigningCertificateAttribute() throws(CryptoError) {
        try withExtendedLifetime(contentInfo) { () throws(CryptoError) in
            let version2 = try Self.decodedAttribute(
                of: signerInfo, nid: NID_id_smime_aa_signingCertificateV2, name: "signing-certificate-v2",
                decode: { d2i_ESS_SIGNING_CERT_V2(nil, $0, $1) }, release: ESS_SIGNING_CERT_V2_free)
            let version1 = try Self.decodedAttribute(
                of: signerInfo, nid: NID_id_smime_aa_signingCertificate, name: "signing-certificate",
                decode: { d2i_ESS_SIGNING_CERT(nil, $0, $1) }, release: ESS_SIGNING_CERT_free)
            guard version1 != nil || version2 != nil else {
                throw CryptoError(
                    .malformedSignature, "the signature has no signing-certificate-v2 attribute (PAdES needs one)")
            }
            // The signer first, then the other certificates the attribute may name.
            let others = certificates.filter { $0 !== signer }
            let chain = try CertificateStack([signer] + others)
            guard OSSL_ESS_check_signing_certs(version1?.pointer, version2?.pointer, chain.pointer, 1) == 1 else {
                throw .openSSL(
                    "the signature's signing-certificate attribute does not name the certificate it carries"
                        + " for the signer", code: .malformedSignature)
            }
        }
    }

    /// The bytes of an `ASN1_STRING` that OpenSSL returned as `void *`.
    private static func bytes(of raw: UnsafeMutableRawPointer) -> [UInt8] {
        let string = raw.assumingMemoryBound(to: ASN1_STRING.self)
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    /// The single-valued signed attribute `nid`, a DER SEQUENCE, decoded with `decode`; `nil` when absent.
    private static func decodedAttribute(
        of signerInfo: OpaquePointer,
        nid: Int32,
        name: String,
        decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?,
        release: @escaping (OpaquePointer) -> Void
    ) throws(CryptoError) -> OpenSSLObject<OpaquePointer>? {
        guard CMS_signed_get_attr_by_NID(signerInfo, nid, -1) >= 0 else { return nil }
        guard let raw = CMS_signed_get0_data_by_OBJ(signerInfo, OBJ_nid2obj(nid), -3, V_ASN1_SEQUENCE) else {
            throw .openSSL("the signature's \(name) attribute is not a single value", code: .malformedSignature)
        }
        let der = bytes(of: raw)
        let decoded = der.withUnsafeBufferPointer { buffer in decodeDERPrefix(buffer, decode) }
        guard let decoded else {
            throw .openSSL("the signature's \(name) attribute cannot be read", code: .malformedSignature)
        }
        let owner = OpenSSLObject(decoded.object, release: release)
        guard decoded.used == der.count else {
            throw CryptoError(.malformedSignature, "the signature's \(name) attribute has trailing bytes")
        }
        return owner
    }
}
