import Foundation
import Certificates
internal import SwiftASN1
internal import COpenSSL

// The Swift side of the verifier's OpenSSL layer: every C pointer lives in a `final class` that frees it in
// `deinit`, failures drain OpenSSL's error queue into a `VerificationFailure`, and bytes cross the boundary as
// `[UInt8]`. Nothing here is public. The error queue and the generic owner come from the signing layer in
// `Certificates` (package access); what only verification needs is here.

// MARK: - Errors

extension VerificationFailure {
    /// A failure for an OpenSSL call that returned an error: `reason` first, then the reasons OpenSSL queued
    /// (library and reason names only).
    ///
    /// Drains the thread's OpenSSL error queue, so that a later call does not report stale errors.
    static func openSSL(_ code: Code, _ reason: String) -> VerificationFailure {
        let details = OpenSSLErrorQueue.drain()
        guard !details.isEmpty else { return VerificationFailure(code, reason) }
        return VerificationFailure(code, "\(reason) (OpenSSL: \(details.joined(separator: "; ")))")
    }
}

// MARK: - Ownership of C pointers

/// A `STACK_OF(X509)` that does not own its certificates: the caller keeps them alive while the stack lives.
final class CertificateStack {
    /// The owned stack (the certificates are not owned).
    let pointer: OpaquePointer
    /// The certificates pushed, kept alive as long as the stack.
    private let certificates: [VerifierCertificate]

    /// A stack of `certificates`, in order.
    init(_ certificates: [VerifierCertificate]) throws(VerificationFailure) {
        guard let stack = CCampus_sk_X509_new_null() else {
            throw .openSSL(.malformedSignature, "OpenSSL could not allocate a certificate list")
        }
        pointer = stack
        self.certificates = certificates
        for certificate in certificates where CCampus_sk_X509_push(stack, certificate.pointer) <= 0 {
            throw .openSSL(.malformedSignature, "OpenSSL could not collect \(certificates.count) certificates")
        }
    }

    deinit {
        CCampus_sk_X509_free(pointer)
    }
}

// MARK: - DER

/// The object an OpenSSL `d2i_*` function decodes from the start of `der`, and how many bytes it used; `nil`
/// when decoding fails.
///
/// `decode` receives a cursor to the bytes and their count.
func verifierDecodeDERPrefix<Object>(
    _ der: UnsafeBufferPointer<UInt8>,
    _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> Object?
) -> (object: Object, used: Int)? {
    guard let start = der.baseAddress, !der.isEmpty else { return nil }
    var cursor: UnsafePointer<UInt8>? = start
    guard let object = decode(&cursor, der.count), let end = cursor else { return nil }
    return (object, end - start)
}

// MARK: - Certificates

/// An X.509 certificate as an OpenSSL `X509`.
final class VerifierCertificate: @unchecked Sendable {
    // Sendable: only `pointer`, a `let`, is stored. A certificate is shared between threads only through the trust
    // list's caches, which fill its extension cache first (``cacheExtensions()``); after that OpenSSL only reads an
    // X509 during verification, and its reference count is atomic.
    /// The owned `X509` (one reference).
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Shares `pointer` with its current owner (OpenSSL counts the references).
    convenience init(sharing pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.init(taking: pointer)
    }

    deinit {
        X509_free(pointer)
    }

    /// Parses exactly one DER certificate; `nil` for anything else (trailing bytes included).
    convenience init?(der: [UInt8]) {
        let decoded = der.withUnsafeBufferPointer { buffer in
            verifierDecodeDERPrefix(buffer) { d2i_X509(nil, $0, $1) }
        }
        guard let decoded else { return nil }
        guard decoded.used == der.count else {
            X509_free(decoded.object)
            return nil
        }
        self.init(taking: decoded.object)
    }

    /// Every certificate in a PEM text, in order, read without copying the text.
    ///
    /// - Throws: ``VerificationFailure`` (`.trustList`) when a certificate block is damaged or there is none.
    static func all(fromPEM pem: [UInt8], source: String) throws(VerificationFailure) -> [VerifierCertificate] {
        guard pem.count <= Int32.max else {
            throw VerificationFailure(.trustList, "\(source) is larger than 2 GiB; it cannot be a list of certificates")
        }
        OpenSSLErrorQueue.clear()
        let result = pem.withUnsafeBufferPointer { buffer -> Result<[VerifierCertificate], VerificationFailure> in
            // BIO_new_mem_buf needs a non-NULL pointer even for no bytes.
            let base = buffer.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!
            guard let created = BIO_new_mem_buf(base, Int32(buffer.count)) else {
                return .failure(.openSSL(.trustList, "OpenSSL could not wrap \(source) in a buffer"))
            }
            let bio = OpenSSLObject(created) { BIO_free($0) }
            var certificates: [VerifierCertificate] = []
            while let certificate = PEM_read_bio_X509(bio.pointer, nil, CCampus_pem_no_password, nil) {
                certificates.append(VerifierCertificate(taking: certificate))
            }
            return .success(certificates)
        }
        let certificates = try result.get()
        // Reading ends with PEM_R_NO_START_LINE when no further block follows; any other error is damage.
        if !OpenSSLErrorQueue.isEmpty
            && !OpenSSLErrorQueue.lastIs(library: ERR_LIB_PEM, reason: PEM_R_NO_START_LINE)
        {
            throw .openSSL(
                .trustList,
                "certificate \(certificates.count + 1) of \(source) is damaged PEM; replace the file with the"
                    + " certificates as published")
        }
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else {
            throw VerificationFailure(
                .trustList, "\(source) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// The DER encoding, or `nil` when OpenSSL cannot encode it (it can, for a certificate it parsed).
    var der: [UInt8]? {
        encodeDER { i2d_X509(pointer, $0) }
    }

    /// The subject's common name, or the whole subject on one line when it has none.
    var subjectName: String {
        Self.readableName(X509_get_subject_name(pointer))
    }

    /// The issuer's common name (as written in this certificate), or its whole name on one line.
    var issuerName: String {
        Self.readableName(X509_get_issuer_name(pointer))
    }

    /// The end of the validity period, or `nil` when the field cannot be read.
    var notAfter: Date? {
        X509_get0_notAfter(pointer).flatMap(Self.date(of:))
    }

    /// The start of the validity period, or `nil` when the field cannot be read.
    var notBefore: Date? {
        X509_get0_notBefore(pointer).flatMap(Self.date(of:))
    }

    /// The key usage bits (`KU_*`), or `nil` when the certificate has no key usage extension.
    ///
    /// A certificate whose extensions OpenSSL finds invalid reports no bits (an empty set), never `nil`.
    var keyUsage: UInt32? {
        let bits = X509_get_key_usage(pointer)
        OpenSSLErrorQueue.clear()
        return bits == UInt32.max ? nil : bits
    }

    /// Whether the certificate is self-signed (names and key identifiers match; the signature is not checked).
    var isSelfSigned: Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_self_signed(pointer, 0) == 1
    }

    /// Whether the certificate is a CA certificate: basicConstraints CA:TRUE (critical or not, whatever its key
    /// usage), keyCertSign, or a self-signed version 1 certificate.
    var isCA: Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_get_extension_flags(pointer) & UInt32(EXFLAG_CA) != 0 || X509_check_ca(pointer) != 0
    }

    /// The purposes of the extended key usage extension, as dotted object identifiers; `nil` without the
    /// extension, `[]` when it is there but unreadable (so that an unreadable extension allows nothing).
    var extendedKeyUsage: [String]? {
        defer { OpenSSLErrorQueue.clear() }
        var critical: Int32 = 0
        guard let raw = X509_get_ext_d2i(pointer, NID_ext_key_usage, &critical, nil) else {
            return critical == -1 ? nil : []
        }
        let stack = OpenSSLObject(OpaquePointer(raw)) { EXTENDED_KEY_USAGE_free($0) }
        var purposes: [String] = []
        for index in 0..<max(0, CCampus_sk_ASN1_OBJECT_num(stack.pointer)) {
            guard let object = CCampus_sk_ASN1_OBJECT_value(stack.pointer, index) else { continue }
            var text = [CChar](repeating: 0, count: 128)
            let length = OBJ_obj2txt(&text, Int32(text.count), object, 1)
            guard length > 0, Int(length) < text.count else { continue }
            purposes.append(String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return purposes
    }

    /// The public key's kind and size for reasons, e.g. "an RSA key of 1024 bits", and whether it is strong
    /// enough to sign documents: RSA of at least 2048 bits, or EC on P-256 or P-384.
    var publicKeyStrength: (acceptable: Bool, description: String) {
        defer { OpenSSLErrorQueue.clear() }
        guard let key = X509_get0_pubkey(pointer) else { return (false, "an unreadable public key") }
        let bits = Int(EVP_PKEY_get_bits(key))
        if EVP_PKEY_is_a(key, "RSA") == 1 {
            return (bits >= 2048, "an RSA key of \(bits) bits")
        }
        if EVP_PKEY_is_a(key, "EC") == 1 {
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1, length < name.count else {
                return (false, "an EC key on an unnamed curve")
            }
            let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let accepted = ["prime256v1", "P-256", "secp256r1", "secp384r1", "P-384"].contains(group)
            return (accepted, "an EC key on the curve \(group)")
        }
        let type = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
        return (false, "a key of type \(type) (\(bits) bits)")
    }

    /// The name of the algorithm the certificate is signed with (e.g. "ecdsa-with-SHA1"), and whether its
    /// digest is SHA-256 or stronger (SHA-384, SHA-512, SHA3-256 and longer).
    var signatureStrength: (acceptable: Bool, algorithm: String) {
        defer { OpenSSLErrorQueue.clear() }
        let algorithm =
            OBJ_nid2ln(X509_get_signature_nid(pointer)).map { String(cString: $0) } ?? "an unknown algorithm"
        var digest: Int32 = NID_undef
        guard X509_get_signature_info(pointer, &digest, nil, nil, nil) == 1 else { return (false, algorithm) }
        let strong = [NID_sha256, NID_sha384, NID_sha512, NID_sha3_256, NID_sha3_384, NID_sha3_512]
        return (strong.contains(digest), algorithm)
    }

    /// Whether both certificates have the same subject name (compared as OpenSSL compares names).
    func hasSameSubject(as other: VerifierCertificate) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_subject_name(other.pointer)) == 0
    }

    /// Whether this certificate's subject is the name `certificate` gives as its issuer.
    func isNamedIssuer(of certificate: VerifierCertificate) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(certificate.pointer)) == 0
    }

    /// Fills the certificate's extension cache, so that threads that verify with it only ever read it.
    func cacheExtensions() {
        _ = X509_check_purpose(pointer, -1, 0)
        OpenSSLErrorQueue.clear()
    }

    private static func readableName(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        if index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) {
            var utf8: UnsafeMutablePointer<UInt8>? = nil
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            if length >= 0, let utf8 {
                defer { CCampus_OPENSSL_free(utf8) }
                return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
            }
        }
        OpenSSLErrorQueue.clear()
        guard let created = BIO_new(BIO_s_mem()) else {
            OpenSSLErrorQueue.clear()
            return ""
        }
        let bio = OpenSSLObject(created) { BIO_free($0) }
        guard X509_NAME_print_ex(bio.pointer, name, 0, CCampus_XN_FLAG_ONELINE_UTF8()) >= 0 else {
            OpenSSLErrorQueue.clear()
            return ""
        }
        var data: UnsafeMutablePointer<CChar>? = nil
        let count = CCampus_BIO_get_mem_data(bio.pointer, &data)
        guard count > 0, let data else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    private static func date(of time: UnsafePointer<ASN1_TIME>) -> Date? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

// MARK: - The certificates of a CMS signature

/// A CMS ContentInfo with SignedData, split into the same structure without its `certificates` field and the DER
/// of each certificate in that field.
///
/// Parsing a certificate is the most expensive part of reading a signature with OpenSSL 3.0 (it decodes the public
/// key through its provider machinery), and every certificate PDF carries the same few certificates. Splitting
/// them off lets the verifier parse each distinct certificate once and reuse it. The DER is read and written by
/// swift-asn1.
struct SignedDataCertificates {
    /// The ContentInfo without the `certificates` field, re-encoded with the new lengths.
    let withoutCertificates: [UInt8]
    /// The DER of every certificate in the field, in order.
    let certificates: [[UInt8]]
    /// How many bytes of the input the ContentInfo takes.
    let used: Int

    private static let contextZero = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    /// Splits `der`, or returns `nil` when it is not laid out as `SEQUENCE { OID, [0] { SEQUENCE { version,
    /// digestAlgorithms, encapContentInfo, [0] certificates, … } } }` with only plain certificates in the field
    /// (the caller then lets OpenSSL read the whole structure and report what is wrong).
    static func split(_ der: [UInt8]) -> SignedDataCertificates? {
        guard let used = DERLength.of(der), used <= der.count,
            let root = try? DER.parse(der[0..<used]), root.identifier == .sequence,
            case .constructed(let top) = root.content
        else { return nil }
        let topNodes = Array(top)
        guard topNodes.count == 2, topNodes[0].identifier == .objectIdentifier,
            topNodes[1].identifier == contextZero, case .constructed(let explicit) = topNodes[1].content
        else { return nil }
        let explicitNodes = Array(explicit)
        guard explicitNodes.count == 1, explicitNodes[0].identifier == .sequence,
            case .constructed(let signedData) = explicitNodes[0].content
        else { return nil }
        // version, digestAlgorithms, encapContentInfo, then [0] IMPLICIT SET OF CertificateChoices.
        let fields = Array(signedData)
        guard fields.count >= 5, fields[3].identifier == contextZero, case .constructed(let field) = fields[3].content,
            !fields[4...].contains(where: { $0.identifier == contextZero })
        else { return nil }
        var certificates: [[UInt8]] = []
        for certificate in field {
            guard certificate.identifier == .sequence else { return nil }
            certificates.append(Array(certificate.encodedBytes))
        }
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { outer in
            outer.serializeRawBytes(topNodes[0].encodedBytes)
            outer.appendConstructedNode(identifier: contextZero) { wrapper in
                wrapper.appendConstructedNode(identifier: .sequence) { content in
                    for (index, node) in fields.enumerated() where index != 3 {
                        content.serializeRawBytes(node.encodedBytes)
                    }
                }
            }
        }
        return SignedDataCertificates(
            withoutCertificates: serializer.serializedBytes, certificates: certificates, used: used)
    }
}

// MARK: - Time

enum VerificationTime {
    /// `date` in whole seconds since 1970 for OpenSSL, clamped to years OpenSSL can compare (0000–9999).
    static func timeT(_ date: Date) -> time_t {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return seconds < 0 ? -62_167_219_200 : 253_402_300_799 }
        return time_t(min(max(seconds.rounded(.down), -62_167_219_200), 253_402_300_799))
    }

    /// The UTC calendar day of `date`, as `2026-01-31`.
    static func day(_ date: Date) -> String {
        var seconds = timeT(date)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "\(date)" }
        let year = padded(Int(parts.tm_year) + 1900, 4)
        let month = padded(Int(parts.tm_mon) + 1, 2)
        let day = padded(Int(parts.tm_mday), 2)
        return "\(year)-\(month)-\(day)"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
