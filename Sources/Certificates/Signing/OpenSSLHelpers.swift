import Foundation
internal import COpenSSL

// The Swift side of the OpenSSL layer: every C pointer lives in a `final class` that frees it in `deinit`,
// failures drain OpenSSL's error queue into a `CertificateError`, and bytes cross the boundary as `[UInt8]`.
// Nothing here is public, and no message built here ever contains key material or a passphrase.

// MARK: - Errors

extension CertificateError {
    /// A `.crypto` error for a failed OpenSSL call: `reason` says what we tried and what to do, followed by the
    /// reasons OpenSSL queued (library and reason names only, never key bytes or passphrases).
    ///
    /// Drains the thread's OpenSSL error queue, so that a later call does not report stale errors.
    static func openSSL(_ reason: String) -> CertificateError {
        let details = OpenSSLErrorQueue.drain()
        guard !details.isEmpty else { return CertificateError(.crypto, reason) }
        return CertificateError(.crypto, "\(reason) (OpenSSL: \(details.joined(separator: "; ")))")
    }
}

/// The thread-local error queue OpenSSL fills when a call fails.
/// Shared with the verifier (package access): the one place that drains OpenSSL's error queue.
package enum OpenSSLErrorQueue {
    /// Removes every queued error and returns one "library: reason" line for each distinct one, oldest first.
    package static func drain() -> [String] {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "reason \(ERR_GET_REASON(code))"
            let line = ERR_lib_error_string(code).map { "\(String(cString: $0)): \(reason)" } ?? reason
            if !lines.contains(line) { lines.append(line) }
        }
        return lines
    }

    /// Forgets every queued error (after a failure that is expected and handled, such as the end of a PEM file).
    package static func clear() {
        ERR_clear_error()
    }

    /// Whether the most recent queued error is `reason` from library `library` (without removing it).
    package static func lastIs(library: Int32, reason: Int32) -> Bool {
        let code = ERR_peek_last_error()
        return code != 0 && ERR_GET_LIB(code) == library && ERR_GET_REASON(code) == reason
    }

    /// Whether the queue is empty.
    package static var isEmpty: Bool { ERR_peek_error() == 0 }
}

// MARK: - Ownership of C pointers

/// Owns one OpenSSL object and frees it with the matching `*_free` function when the owner goes away.
///
/// For short-lived objects inside one function. Objects with behaviour of their own have their own
/// classes (``OpenSSLKey``, ``OpenSSLCertificate``, ``MemoryBIO``).
package final class OpenSSLObject<Pointer> {
    /// The owned pointer; valid as long as this owner is alive.
    package let pointer: Pointer
    private let release: (Pointer) -> Void

    /// Takes ownership of `pointer`.
    package init(_ pointer: Pointer, release: @escaping (Pointer) -> Void) {
        self.pointer = pointer
        self.release = release
    }

    deinit {
        release(pointer)
    }
}

/// The SHA-256 message digest, fetched from OpenSSL's default provider once per process.
///
/// `EVP_sha256()` would make OpenSSL look the implementation up again (under a lock) on every use.
package final class SHA256Algorithm: @unchecked Sendable {
    // Sendable: a fetched EVP_MD is immutable and reference-counted by OpenSSL; it is shared read-only.
    /// The fetched `EVP_MD`.
    package let pointer: OpaquePointer

    /// The process-wide instance.
    package static let shared = SHA256Algorithm()

    private init() {
        guard let fetched = EVP_MD_fetch(nil, "SHA256", nil) else {
            // The default provider always offers SHA-256; without it nothing in this layer can work.
            preconditionFailure("OpenSSL's default provider has no SHA-256: \(OpenSSLErrorQueue.drain())")
        }
        pointer = fetched
    }

    deinit {
        EVP_MD_free(pointer)
    }
}

// MARK: - Bytes

/// An OpenSSL memory BIO: bytes in (PEM to parse) or bytes out (PEM we write).
final class MemoryBIO {
    /// The owned `BIO`.
    let pointer: OpaquePointer

    /// An empty, writable memory BIO.
    init() throws(CertificateError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("OpenSSL could not allocate a memory buffer") }
        pointer = bio
    }

    /// A memory BIO holding a copy of `bytes`, ready to be read.
    convenience init(copying bytes: [UInt8]) throws(CertificateError) {
        try self.init()
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { BIO_write(pointer, $0.baseAddress, Int32(clamping: $0.count)) }
        guard written == bytes.count else { throw .openSSL("OpenSSL could not buffer \(bytes.count) bytes") }
    }

    deinit {
        BIO_free(pointer)
    }

    /// Everything written to the BIO and not yet read.
    var bytes: [UInt8] {
        var data: UnsafeMutablePointer<CChar>? = nil
        let count = CCampus_BIO_get_mem_data(pointer, &data)
        guard count > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// Everything written to the BIO, as text (PEM is ASCII).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Runs `body` with a read-only memory BIO over `bytes` without copying them; the BIO must not escape `body`.
func withReadOnlyBIO<Result>(
    over bytes: [UInt8],
    _ body: (OpaquePointer) throws(CertificateError) -> Result
) throws(CertificateError) -> Result {
    guard bytes.count <= Int32.max else {
        throw CertificateError(.crypto, "\(bytes.count) bytes are more than OpenSSL's buffers take (2 GiB)")
    }
    return try bytes.withUnsafeBufferPointer { (buffer) throws(CertificateError) -> Result in
        // BIO_new_mem_buf needs a non-NULL pointer even for no bytes.
        let base = buffer.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!
        guard let bio = BIO_new_mem_buf(base, Int32(buffer.count)) else {
            throw .openSSL("OpenSSL could not wrap \(buffer.count) bytes in a buffer")
        }
        let owner = OpenSSLObject(bio) { BIO_free($0) }
        return try withExtendedLifetime(owner) { () throws(CertificateError) in try body(bio) }
    }
}

/// The DER encoding an OpenSSL `i2d_*` function produces, or `nil` when it fails.
///
/// `encode` is called twice, as the i2d convention wants: with `nil` for the length, then with a cursor into
/// a buffer of that length.
package func encodeDER(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
    let length = encode(nil)
    guard length > 0 else { return nil }
    var bytes = [UInt8](repeating: 0, count: Int(length))
    let written = bytes.withUnsafeMutableBufferPointer { buffer in
        var cursor = buffer.baseAddress
        return encode(&cursor)
    }
    return written == length ? bytes : nil
}

/// The object an OpenSSL `d2i_*` function decodes from `der`, or `nil` when it fails or bytes are left over.
///
/// `decode` receives a cursor to the bytes and their count; `release` frees an object refused for
/// trailing bytes.
func decodeDER<Object>(
    _ der: [UInt8],
    _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> Object?,
    release: (Object) -> Void
) -> Object? {
    guard !der.isEmpty else { return nil }
    return der.withUnsafeBufferPointer { buffer -> Object? in
        guard let start = buffer.baseAddress else { return nil }
        var cursor: UnsafePointer<UInt8>? = start
        guard let object = decode(&cursor, buffer.count) else { return nil }
        guard cursor == start + buffer.count else {
            release(object)
            return nil
        }
        return object
    }
}

// MARK: - Keys

/// A private (or public) key as an OpenSSL `EVP_PKEY`.
final class OpenSSLKey {
    /// The owned `EVP_PKEY`.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Reads an unencrypted PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or traditional (`BEGIN EC PRIVATE KEY`,
    /// `BEGIN RSA PRIVATE KEY`). Other PEM blocks before it (a certificate, say) are skipped.
    convenience init(privateKeyPEM pem: [UInt8]) throws(CertificateError) {
        if pem.containsASCII("ENCRYPTED") {
            throw CertificateError(
                .crypto,
                "the private key PEM is encrypted; give it unencrypted (openssl pkey -in key.pem -out plain.pem)"
                    + " or use a PKCS#12 file with a passphrase")
        }
        OpenSSLErrorQueue.clear()
        let bio = try MemoryBIO(copying: pem)
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, CCampus_pem_no_password, nil) else {
            throw .openSSL(
                "the private key is not a readable PEM key (expected -----BEGIN PRIVATE KEY----- or"
                    + " -----BEGIN EC PRIVATE KEY-----)")
        }
        self.init(taking: key)
    }

    /// A new ECDSA key on the NIST P-256 curve.
    static func generateP256() throws(CertificateError) -> OpenSSLKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .openSSL("OpenSSL could not start generating an EC key")
        }
        let owner = OpenSSLObject(context, release: EVP_PKEY_CTX_free)
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(owner.pointer) == 1,
            EVP_PKEY_CTX_set_group_name(owner.pointer, "P-256") == 1,
            EVP_PKEY_generate(owner.pointer, &key) == 1,
            let key
        else { throw .openSSL("OpenSSL could not generate an ECDSA P-256 key") }
        return OpenSSLKey(taking: key)
    }

    /// The private key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    func pkcs8PEM() throws(CertificateError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PKCS8PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw .openSSL("OpenSSL could not write the private key as PKCS#8")
        }
        return bio.text
    }

    /// Whether this is an elliptic-curve key on NIST P-256 (prime256v1, secp256r1).
    var isP256: Bool {
        guard EVP_PKEY_is_a(pointer, "EC") == 1 else { return false }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1 else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ["prime256v1", "P-256", "secp256r1"].contains(group)
    }

    /// Whether this is an RSA key (PKCS#1 `rsaEncryption`).
    var isRSA: Bool { EVP_PKEY_is_a(pointer, "RSA") == 1 }

    /// A short description for error messages, such as "EC key (256 bits)"; never key material.
    var kindDescription: String {
        let type = EVP_PKEY_get0_type_name(pointer).map { String(cString: $0) } ?? "unknown"
        return "\(type) key (\(EVP_PKEY_get_bits(pointer)) bits)"
    }

    /// The DER signature OpenSSL makes over `message` with SHA-256 (ECDSA: a DER ECDSA-Sig-Value in low-S form,
    /// s ≤ n/2, so that every signature has one encoding; RSA: PKCS#1 v1.5).
    func signSHA256(_ message: [UInt8]) throws(CertificateError) -> [UInt8] {
        let signature = try signSHA256AsOpenSSLDoes(message)
        guard EVP_PKEY_is_a(pointer, "EC") == 1 else { return signature }
        return try lowS(signature)
    }

    /// The name of the curve of an EC key, such as "prime256v1"; `nil` for other keys.
    var curveName: String? {
        guard EVP_PKEY_is_a(pointer, "EC") == 1 else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1, length < name.count else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `der`, an ECDSA-Sig-Value made with this key, with s replaced by n − s when s > n/2 (n the curve order).
    private func lowS(_ der: [UInt8]) throws(CertificateError) -> [UInt8] {
        guard let curve = curveName, case let nid = OBJ_txt2nid(curve), nid != NID_undef,
            let created = EC_GROUP_new_by_curve_name(nid)
        else { throw .openSSL("OpenSSL does not know the curve of the \(kindDescription)") }
        let group = OpenSSLObject(created, release: EC_GROUP_free)
        guard let signature = decodeDER(der, { d2i_ECDSA_SIG(nil, $0, $1) }, release: ECDSA_SIG_free),
            let order = EC_GROUP_get0_order(group.pointer), let halfCreated = BN_dup(order)
        else { throw .openSSL("OpenSSL returned an ECDSA signature it cannot read back") }
        let owner = OpenSSLObject(signature, release: ECDSA_SIG_free)
        let half = OpenSSLObject(halfCreated, release: BN_free)
        guard BN_rshift1(half.pointer, half.pointer) == 1 else { throw .openSSL("OpenSSL could not halve the order") }
        var r: OpaquePointer? = nil
        var s: OpaquePointer? = nil
        ECDSA_SIG_get0(owner.pointer, &r, &s)
        guard let r, let s else { throw .openSSL("OpenSSL returned an ECDSA signature without r or s") }
        guard BN_cmp(s, half.pointer) > 0 else { return der }
        // ECDSA_SIG_set0 takes ownership of both new numbers only when it succeeds.
        guard let newR = BN_dup(r), let newS = BN_new() else { throw .openSSL("OpenSSL could not copy a number") }
        guard BN_sub(newS, order, s) == 1, ECDSA_SIG_set0(owner.pointer, newR, newS) == 1 else {
            BN_free(newR)
            BN_free(newS)
            throw .openSSL("OpenSSL could not put an ECDSA signature into low-S form")
        }
        guard let normalised = encodeDER({ i2d_ECDSA_SIG(owner.pointer, $0) }) else {
            throw .openSSL("OpenSSL could not encode an ECDSA signature")
        }
        return normalised
    }

    /// The DER signature exactly as OpenSSL makes it over `message` with SHA-256.
    private func signSHA256AsOpenSSLDoes(_ message: [UInt8]) throws(CertificateError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("OpenSSL could not allocate a digest context") }
        let owner = OpenSSLObject(context, release: EVP_MD_CTX_free)
        guard EVP_DigestSignInit(owner.pointer, nil, SHA256Algorithm.shared.pointer, nil, pointer) == 1 else {
            throw .openSSL("OpenSSL could not start a SHA-256 signature with the \(kindDescription)")
        }
        return try message.withUnsafeBufferPointer { input throws(CertificateError) in
            var length = 0
            guard EVP_DigestSign(owner.pointer, nil, &length, input.baseAddress, input.count) == 1 else {
                throw .openSSL("OpenSSL could not size a signature with the \(kindDescription)")
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(owner.pointer, &signature, &length, input.baseAddress, input.count) == 1 else {
                throw .openSSL("OpenSSL could not sign with the \(kindDescription)")
            }
            signature.removeSubrange(length...)
            return signature
        }
    }
}

// MARK: - Certificates

/// An X.509 certificate as an OpenSSL `X509`.
final class OpenSSLCertificate {
    /// The owned `X509`.
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

    /// Parses one DER certificate.
    convenience init(der: [UInt8]) throws(CertificateError) {
        guard let certificate = decodeDER(der, { d2i_X509(nil, $0, $1) }, release: X509_free) else {
            throw .openSSL("the bytes are not one DER X.509 certificate")
        }
        self.init(taking: certificate)
    }

    /// Every certificate in a PEM text, in order. `source` names the input in error messages.
    ///
    /// - Throws: when a certificate block is damaged or there is none at all.
    static func all(fromPEM pem: [UInt8], source: String) throws(CertificateError) -> [OpenSSLCertificate] {
        OpenSSLErrorQueue.clear()
        let bio = try MemoryBIO(copying: pem)
        var certificates: [OpenSSLCertificate] = []
        while let certificate = PEM_read_bio_X509(bio.pointer, nil, CCampus_pem_no_password, nil) {
            certificates.append(OpenSSLCertificate(taking: certificate))
        }
        // Reading ends with PEM_R_NO_START_LINE when no further block follows; any other error is damage.
        if !OpenSSLErrorQueue.isEmpty && !OpenSSLErrorQueue.lastIs(library: ERR_LIB_PEM, reason: PEM_R_NO_START_LINE) {
            throw .openSSL("certificate \(certificates.count + 1) of \(source) is damaged PEM")
        }
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else {
            throw CertificateError(
                .crypto, "\(source) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// The DER encoding.
    func der() throws(CertificateError) -> [UInt8] {
        guard let der = encodeDER({ i2d_X509(pointer, $0) }) else {
            throw .openSSL("OpenSSL could not encode a certificate as DER")
        }
        return der
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`).
    func pem() throws(CertificateError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509(bio.pointer, pointer) == 1 else {
            throw .openSSL("OpenSSL could not write a certificate as PEM")
        }
        return bio.text
    }

    /// The subject's common name, or the whole subject on one line when it has none.
    var subjectName: String {
        guard let name = X509_get_subject_name(pointer) else { return "" }
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
        guard let bio = try? MemoryBIO(), X509_NAME_print_ex(bio.pointer, name, 0, CCampus_XN_FLAG_ONELINE_UTF8()) >= 0
        else {
            OpenSSLErrorQueue.clear()
            return ""
        }
        return bio.text
    }

    /// Whether `self` issued `subject` (names match and, when present, the key identifiers).
    func issued(_ subject: OpenSSLCertificate) -> Bool {
        X509_check_issued(pointer, subject.pointer) == X509_V_OK
    }

    /// Whether both are the same certificate.
    func isSame(as other: OpenSSLCertificate) -> Bool {
        X509_cmp(pointer, other.pointer) == 0
    }
}

extension [UInt8] {
    /// Whether the bytes contain `text` (ASCII) anywhere.
    func containsASCII(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, count >= needle.count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
