import Foundation
import Certificates
internal import COpenSSL

/// Why a signature or certificate check failed: a stable code and a sentence a person understands.
///
/// A struct with a code rather than an enum, so that new codes never break callers.
public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of check failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The signature is not a detached CMS SignedData in DER with exactly one SHA-256 signer whose certificate
        /// it carries, or its signed attributes are missing or inconsistent. A signature in BER rather than DER has a
        /// reason starting "ambiguous structure: ".
        public static let malformedSignature = Code(name: "malformedSignature")
        /// The document was changed after it was signed: its digest differs from the signed one, or the signature
        /// does not verify over the signed attributes.
        public static let documentChanged = Code(name: "documentChanged")
        /// The signer's chain does not lead to a root on the trust list.
        public static let untrusted = Code(name: "untrusted")
        /// The signer certificate or a certificate of its chain had expired at the time of the check.
        public static let certificateExpired = Code(name: "certificateExpired")
        /// The signer certificate or a certificate of its chain was not yet valid at the time of the check.
        public static let certificateNotYetValid = Code(name: "certificateNotYetValid")
        /// The signer certificate's key usage allows neither digitalSignature nor nonRepudiation, or it has an
        /// extended key usage without a document-signing purpose.
        public static let keyUsage = Code(name: "keyUsage")
        /// The trust list itself is unusable: no certificate, damaged PEM, or no root certificate.
        public static let trustList = Code(name: "trustList")
        /// The signer certificate or its chain breaks the signing policy: the signer is a CA certificate, a key
        /// is weaker than RSA-2048 or EC P-256, or a certificate is signed with a digest weaker than SHA-256.
        public static let certificatePolicy = Code(name: "certificatePolicy")
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence a person can act on, e.g. "the signer certificate “…” expired on 2026-01-31 (checked at
    /// 2026-11-23)".
    public let reason: String

    /// Creates a failure with a code and a human-readable reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}

/// The verified signer of a CMS signature (or a verified issuer certificate).
public struct VerifiedSigner: Sendable, Equatable {
    /// DER of the signer certificate.
    public let certificateDER: [UInt8]
    /// SHA-256 of ``certificateDER`` (32 bytes).
    public let thumbprint: [UInt8]
    /// The signer certificate's subject common name (fallback: the whole subject on one line).
    public let subjectName: String
    /// The end of the signer certificate's validity.
    public let notAfter: Date
    /// The common name (fallback: the subject on one line) of the trusted root the chain ends in.
    public let rootSubjectName: String
    /// SHA-256 of the DER of the trusted root the chain ends in, the root's entry on the trust list (32 bytes).
    public let rootThumbprint: [UInt8]
    /// The trust-list entry the decision rests on: the checked certificate's own entry when it is on the trust
    /// list (an issuer certificate found by a token's key id), otherwise the root's.
    public let trustListEntry: TrustListEntry
}

/// A certificate on the trust list, as a person can check it: its name and SHA-256 thumbprint.
public struct TrustListEntry: Sendable, Equatable {
    /// The certificate's subject common name (fallback: the whole subject on one line).
    public let name: String
    /// SHA-256 of the certificate's DER (32 bytes).
    public let thumbprint: [UInt8]
    /// The thumbprint in lower-case hexadecimal, as reasons print it.
    public var thumbprintHex: String { Digest.hex(thumbprint) }
}

/// Checks of PAdES signatures and issuer certificates against a ``TrustList``, with OpenSSL.
///
/// Both checks are safe to call from many threads at once with the same trust list, and never crash or hang on
/// hostile input: anything that is not what they expect is a ``VerificationFailure``.
public enum SignatureVerifier {
    /// The largest CMS signature accepted (a P-256 signature with two certificates is about 1.2 KB).
    static let maximumSignatureSize = 64 * 1024

    /// Verifies a detached CMS signature (DER, at most 64 KB) over `content`.
    ///
    /// Checks, in this order, each failure with its own code:
    /// 1. the signature is a DER ContentInfo (checked by re-encoding it; BER fails with a reason starting
    ///    "ambiguous structure: ") holding a detached SignedData of id-data with exactly one signer,
    ///    SHA-256 as digest, signed attributes with content-type id-data, and the signer's certificate among its
    ///    `certificates` (``VerificationFailure/Code/malformedSignature``). Zero bytes after the structure — the
    ///    padding of a PDF's `/Contents` — are ignored;
    /// 2. the signature value verifies over the signed attributes, and the message-digest attribute is the
    ///    SHA-256 of `content` (``VerificationFailure/Code/documentChanged``);
    /// 3. the signing-certificate(-v2) attribute names the signer certificate
    ///    (``VerificationFailure/Code/malformedSignature``);
    /// 4. the signer's chain, built from the signature's `certificates` and the trust list, ends at a root on
    ///    `trust` (``VerificationFailure/Code/untrusted``), and every certificate of it is valid at `time`
    ///    (``VerificationFailure/Code/certificateExpired``, ``VerificationFailure/Code/certificateNotYetValid``);
    ///    OpenSSL's S/MIME purpose check is not applied;
    /// 5. the signing policy: the signer certificate is not a CA (``VerificationFailure/Code/certificatePolicy``),
    ///    has a key usage extension with digitalSignature or nonRepudiation and, when it has an extended key
    ///    usage, a document-signing purpose among it (``VerificationFailure/Code/keyUsage``); every key of the chain
    ///    is RSA of at least 2048 bits or EC P-256/P-384, and every certificate but the root is signed with SHA-256
    ///    or stronger (``VerificationFailure/Code/certificatePolicy``);
    /// 6. the root the chain ends in is on the trust list by its SHA-256 thumbprint, not only by its name
    ///    (``VerificationFailure/Code/untrusted``).
    ///
    /// - Parameters:
    ///   - cms: The DER CMS signature (a PDF's `/Contents`, decoded from hex).
    ///   - content: The signed bytes (a PDF's byte ranges, concatenated); they are hashed in place, not copied.
    ///   - trust: The roots to trust.
    ///   - time: When the certificates must be valid (usually now).
    ///
    /// The certificates a signature carries are parsed once per trust list, and a signer whose chain verified is
    /// remembered with the span in which its chain is valid; so after the first document of an issuer, a check
    /// costs about one SHA-256 pass over `content` and one signature verification.
    public static func verifyDetachedCMS(
        _ cms: [UInt8],
        content: [UInt8],
        trust: TrustList,
        at time: Date
    ) -> Result<VerifiedSigner, VerificationFailure> {
        verifyDetachedCMS(cms, contentParts: [content[...]], trust: trust, at: time)
    }

    /// The same check with the signed content given as parts (a PDF's two byte ranges), hashed in place.
    public static func verifyDetachedCMS(
        _ cms: [UInt8],
        contentParts content: [ArraySlice<UInt8>],
        trust: TrustList,
        at time: Date
    ) -> Result<VerifiedSigner, VerificationFailure> {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        do throws(VerificationFailure) {
            let signature = try DetachedSignature(der: cms, trust: trust)
            try signature.verify(content: content)
            try signature.checkSigningCertificateAttribute()
            return .success(
                try trust.verifiedSigner(
                    signature.signer, der: signature.signerDER, intermediates: signature.certificates,
                    intermediatesDER: signature.certificatesDER, at: time, role: "signer certificate"))
        } catch {
            return .failure(error)
        }
    }

    /// Checks a certificate taken from the trust list (for a QR token signed by an issuer key).
    ///
    /// It must chain to a root on `trust` (intermediates may come from the list too;
    /// ``VerificationFailure/Code/untrusted``), every certificate of the chain must be valid at `time`
    /// (``VerificationFailure/Code/certificateExpired``, ``VerificationFailure/Code/certificateNotYetValid``),
    /// and it must meet the same signing policy as a PDF signer (see
    /// ``verifyDetachedCMS(_:content:trust:at:)``, steps 5 and 6). Bytes that are not exactly one DER certificate are
    /// ``VerificationFailure/Code/malformedSignature``.
    public static func verifyIssuerCertificate(
        _ der: [UInt8],
        trust: TrustList,
        at time: Date
    ) -> Result<VerifiedSigner, VerificationFailure> {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        do throws(VerificationFailure) {
            guard der.count <= maximumSignatureSize, let certificate = trust.certificate(der: der) else {
                throw .openSSL(.malformedSignature, "the issuer certificate is not one DER X.509 certificate")
            }
            return .success(
                try trust.verifiedSigner(
                    certificate, der: der, intermediates: [], intermediatesDER: [], at: time,
                    role: "issuer certificate"))
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - The parsed signature

/// A parsed detached CMS SignedData with exactly one signer whose certificate it carries.
final class DetachedSignature {
    /// The owned `CMS_ContentInfo` (without its certificates when they could be split off).
    private let contentInfo: OpenSSLObject<OpaquePointer>
    /// The one `CMS_SignerInfo`, owned by `contentInfo`.
    private let signerInfo: OpaquePointer
    /// The certificates of the CMS `certificates` field, in order.
    let certificates: [VerifierCertificate]
    /// Their DER, in the same order.
    let certificatesDER: [[UInt8]]
    /// The signer certificate, one of `certificates`.
    let signer: VerifierCertificate
    /// Its DER.
    let signerDER: [UInt8]

    /// Parses `der` and checks its structure; certificates are taken from (and added to) `trust`'s cache.
    ///
    /// - Throws: ``VerificationFailure`` (`.malformedSignature`) for anything but a DER ContentInfo with a
    ///   detached SignedData of id-data, exactly one SHA-256 signer, signed attributes (content-type id-data among
    ///   them) and the signer's certificate.
    init(der: [UInt8], trust: TrustList) throws(VerificationFailure) {
        guard !der.isEmpty else {
            throw VerificationFailure(.malformedSignature, "the signature is empty")
        }
        guard der.count <= SignatureVerifier.maximumSignatureSize else {
            throw VerificationFailure(
                .malformedSignature,
                "the signature is \(der.count) bytes long; a CMS signature of a certificate is at most"
                    + " \(SignatureVerifier.maximumSignatureSize) bytes")
        }
        // A DER SEQUENCE with a definite length; BER's indefinite length (CMS streaming) is not DER.
        guard der[0] == 0x30, der.count >= 2 else {
            throw VerificationFailure(
                .malformedSignature, "the signature is not a DER CMS structure (it must start with a SEQUENCE)")
        }
        guard der[1] != 0x80 else { throw Self.notDER }

        // OpenSSL reads the structure without its certificates when they can be split off (see
        // SignedDataCertificates); otherwise the whole of it, and then it says what is wrong.
        let split = SignedDataCertificates.split(der)
        let parsed = split?.withoutCertificates ?? der
        let decoded = parsed.withUnsafeBufferPointer { buffer in
            verifierDecodeDERPrefix(buffer) { d2i_CMS_ContentInfo(nil, $0, $1) }
        }
        guard let decoded else {
            throw .openSSL(.malformedSignature, "the signature is not a readable CMS structure")
        }
        let contentInfo = OpenSSLObject(decoded.object) { CMS_ContentInfo_free($0) }
        guard split == nil || decoded.used == parsed.count else {
            throw VerificationFailure(.malformedSignature, "the signature is not a readable CMS structure")
        }
        // DER has one encoding for every value: OpenSSL's encoding of what it read must be the bytes it read.
        // (The certificates split off are DER by swift-asn1's reading.)
        let reencoded = encodeDER { i2d_CMS_ContentInfo(contentInfo.pointer, $0) }
        guard let reencoded, reencoded.elementsEqual(parsed[0..<decoded.used]) else { throw Self.notDER }
        let used = split?.used ?? decoded.used
        guard der[used...].allSatisfy({ $0 == 0 }) else {
            throw VerificationFailure(
                .malformedSignature,
                "the signature has \(der.count - used) bytes after its CMS structure that are not padding")
        }

        let type = CMS_get0_type(contentInfo.pointer).map { OBJ_obj2nid($0) } ?? NID_undef
        guard type == NID_pkcs7_signed else {
            let name = OBJ_nid2ln(type).map { String(cString: $0) } ?? "unknown"
            throw VerificationFailure(.malformedSignature, "the signature is CMS \(name), not signed data")
        }
        guard CMS_is_detached(contentInfo.pointer) == 1 else {
            throw VerificationFailure(
                .malformedSignature, "the signature embeds its content; a PDF signature must be detached")
        }
        let signerInfos = CMS_get0_SignerInfos(contentInfo.pointer)
        let signerCount = CCampus_sk_CMS_SignerInfo_num(signerInfos)
        guard signerCount == 1, let signerInfo = CCampus_sk_CMS_SignerInfo_value(signerInfos, 0) else {
            throw VerificationFailure(
                .malformedSignature, "the signature has \(max(0, signerCount)) signers; exactly one is expected")
        }

        var digestAlgorithm: UnsafeMutablePointer<X509_ALGOR>? = nil
        CMS_SignerInfo_get0_algs(signerInfo, nil, nil, &digestAlgorithm, nil)
        var digestObject: OpaquePointer? = nil
        if let digestAlgorithm { X509_ALGOR_get0(&digestObject, nil, nil, digestAlgorithm) }
        let digest = digestObject.map { OBJ_obj2nid($0) } ?? NID_undef
        guard digest == NID_sha256 else {
            let name = OBJ_nid2sn(digest).map { String(cString: $0) } ?? "an unknown digest"
            throw VerificationFailure(.malformedSignature, "the signature uses \(name); SHA-256 is expected")
        }
        guard CMS_signed_get_attr_count(signerInfo) > 0 else {
            throw VerificationFailure(
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
            throw VerificationFailure(
                .malformedSignature,
                "the signature's content type is not id-data in both the content info and the signed content-type"
                    + " attribute")
        }

        let (certificates, certificatesDER) = try Self.certificates(
            split: split, contentInfo: contentInfo.pointer, trust: trust)
        // Match the signer identifier against the certificates; this also loads the signer's public key.
        let stack = try CertificateStack(certificates)
        guard CMS_set1_signers_certs(contentInfo.pointer, stack.pointer, 0) >= 0 else {
            throw .openSSL(.malformedSignature, "the signature's signer could not be matched to a certificate")
        }
        var publicKey: OpaquePointer? = nil
        var signerPointer: OpaquePointer? = nil
        CMS_SignerInfo_get0_algs(signerInfo, &publicKey, &signerPointer, nil, nil)
        guard let signerPointer, let index = certificates.firstIndex(where: { $0.pointer == signerPointer }) else {
            throw VerificationFailure(.malformedSignature, "the signature does not carry its signer's certificate")
        }
        guard publicKey != nil else {
            throw .openSSL(.malformedSignature, "the public key of the signer certificate cannot be read")
        }

        self.contentInfo = contentInfo
        self.signerInfo = signerInfo
        self.certificates = certificates
        self.certificatesDER = certificatesDER
        signer = certificates[index]
        signerDER = certificatesDER[index]
    }

    /// The failure for a signature in BER (indefinite or over-long lengths, unsorted sets …) rather than DER.
    static let notDER = VerificationFailure(
        .malformedSignature,
        "ambiguous structure: the signature is BER, not DER (OpenSSL encodes what it read differently); a CMS"
            + " signature must be DER, which has one encoding for every value")

    /// The certificates of the signature and their DER: from the split-off field through `trust`'s cache, or
    /// from the parsed structure.
    private static func certificates(
        split: SignedDataCertificates?,
        contentInfo: OpaquePointer,
        trust: TrustList
    ) throws(VerificationFailure) -> ([VerifierCertificate], [[UInt8]]) {
        if let split {
            var certificates: [VerifierCertificate] = []
            for (index, der) in split.certificates.enumerated() {
                guard let certificate = trust.certificate(der: der) else {
                    throw .openSSL(
                        .malformedSignature, "certificate \(index + 1) of the signature is not a readable certificate")
                }
                certificates.append(certificate)
            }
            return (certificates, split.certificates)
        }
        guard let created = CMS_get1_certs(contentInfo) else { return ([], []) }
        let stack = OpenSSLObject(created) { CCampus_sk_X509_pop_free($0) }
        var certificates: [VerifierCertificate] = []
        var ders: [[UInt8]] = []
        for index in 0..<max(0, CCampus_sk_X509_num(stack.pointer)) {
            guard let pointer = CCampus_sk_X509_value(stack.pointer, index) else { continue }
            let certificate = VerifierCertificate(sharing: pointer)
            guard let der = certificate.der else {
                throw .openSSL(.malformedSignature, "certificate \(index + 1) of the signature cannot be encoded")
            }
            certificates.append(certificate)
            ders.append(der)
        }
        return (certificates, ders)
    }

    /// Verifies the signature over the signed attributes and the message-digest attribute against `content`.
    ///
    /// - Throws: ``VerificationFailure`` (`.documentChanged`) when either does not match, `.malformedSignature`
    ///   when the attributes break CMS's rules or the signature cannot be checked at all.
    func verify(content: [ArraySlice<UInt8>]) throws(VerificationFailure) {
        let verdict = withExtendedLifetime(contentInfo) { CMS_SignerInfo_verify(signerInfo) }
        guard verdict == 1 else {
            if OpenSSLErrorQueue.lastIs(library: ERR_LIB_CMS, reason: CMS_R_VERIFICATION_FAILURE) {
                OpenSSLErrorQueue.clear()
                throw VerificationFailure(
                    .documentChanged,
                    "the document was changed after it was signed (the signature value does not match the"
                        + " signed attributes)")
            }
            throw .openSSL(.malformedSignature, "the signature's signed attributes cannot be verified")
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
                .malformedSignature, "the signature has no single 32-byte SHA-256 message-digest attribute")
        }
        guard Digest.sha256(parts: content) == signedDigest else {
            throw VerificationFailure(
                .documentChanged,
                "the document was changed after it was signed (its SHA-256 digest differs from the signed one)")
        }
    }

    /// Checks that the ESS signing-certificate-v2 (or v1) attribute names the signer certificate, so that the
    /// certificate cannot be swapped for another one with the same key.
    ///
    /// - Throws: ``VerificationFailure`` (`.malformedSignature`) when the attribute is missing, unreadable or names
    ///   another certificate.
    func checkSigningCertificateAttribute() throws(VerificationFailure) {
        try withExtendedLifetime(contentInfo) { () throws(VerificationFailure) in
            let version2 = try Self.decodedAttribute(
                of: signerInfo, nid: NID_id_smime_aa_signingCertificateV2, name: "signing-certificate-v2",
                decode: { d2i_ESS_SIGNING_CERT_V2(nil, $0, $1) }, release: ESS_SIGNING_CERT_V2_free)
            let version1 = try Self.decodedAttribute(
                of: signerInfo, nid: NID_id_smime_aa_signingCertificate, name: "signing-certificate",
                decode: { d2i_ESS_SIGNING_CERT(nil, $0, $1) }, release: ESS_SIGNING_CERT_free)
            guard version1 != nil || version2 != nil else {
                throw VerificationFailure(
                    .malformedSignature, "the signature has no signing-certificate-v2 attribute (PAdES needs one)")
            }
            // The signer first, then the other certificates the attribute may name.
            let others = certificates.filter { $0 !== signer }
            let chain = try CertificateStack([signer] + others)
            guard OSSL_ESS_check_signing_certs(version1?.pointer, version2?.pointer, chain.pointer, 1) == 1 else {
                throw .openSSL(
                    .malformedSignature,
                    "the signature's signing-certificate attribute does not name the certificate it carries"
                        + " for the signer")
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
    ) throws(VerificationFailure) -> OpenSSLObject<OpaquePointer>? {
        guard CMS_signed_get_attr_by_NID(signerInfo, nid, -1) >= 0 else { return nil }
        guard let raw = CMS_signed_get0_data_by_OBJ(signerInfo, OBJ_nid2obj(nid), -3, V_ASN1_SEQUENCE) else {
            throw .openSSL(.malformedSignature, "the signature's \(name) attribute is not a single value")
        }
        let der = bytes(of: raw)
        let decoded = der.withUnsafeBufferPointer { buffer in verifierDecodeDERPrefix(buffer, decode) }
        guard let decoded else {
            throw .openSSL(.malformedSignature, "the signature's \(name) attribute cannot be read")
        }
        let owner = OpenSSLObject(decoded.object, release: release)
        guard decoded.used == der.count else {
            throw VerificationFailure(.malformedSignature, "the signature's \(name) attribute has trailing bytes")
        }
        return owner
    }
}
