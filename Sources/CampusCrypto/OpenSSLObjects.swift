import Foundation
internal import COpenSSL

// The owners of OpenSSL objects: every C pointer lives in a `final class` that frees it in `deinit`, failures
// drain OpenSSL's error queue into a `CryptoError`, and bytes cross the boundary as `[UInt8]`. Nothing here is
// public, and no message built here ever contains key material or a passphrase. Thread safety: see
// ``CampusCrypto``.

// MARK: - Ownership of C pointers

/// Owns one OpenSSL object and frees it with the matching `*_free` function when the owner goes away.
///
/// For short-lived objects inside one function. Objects with behaviour of their own have their own
/// classes (``OpenSSLKey``, ``OpenSSLCertificate``, ``MemoryBIO``).
final class OpenSSLObject<Pointer> {
    /// The owned pointer; valid as long as this owner is alive.
    let pointer: Pointer
    private let release: (Pointer) -> Void

    /// Takes ownership of `pointer`.
    init(_ pointer: Pointer, release: @escaping (Pointer) -> Void) {
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
final class SHA256Algorithm: @unchecked Sendable {
    // Sendable: a fetched EVP_MD is immutable and reference-counted by OpenSSL; it is shared read-only.
    /// The fetched `EVP_MD`.
    let pointer: OpaquePointer

    /// The process-wide instance.
    static let shared = SHA256Algorithm()

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
    init() throws(CryptoError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("OpenSSL could not allocate a memory buffer") }
        pointer = bio
    }

    /// A memory BIO holding a copy of `bytes`, ready to be read.
    convenience init(copying bytes: [UInt8]) throws(CryptoError) {
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
    _ body: (OpaquePointer) throws(CryptoError) -> Result
) throws(CryptoError) -> Result {
    guard bytes.count <= Int32.max else {
        throw CryptoError(.tooLarge, "\(bytes.count) bytes are more than OpenSSL's buffers take (2 GiB)")
    }
    return try bytes.withUnsafeBufferPointer { (buffer) throws(CryptoError) -> Result in
        // BIO_new_mem_buf needs a non-NULL pointer even for no bytes.
        let base = buffer.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!
        guard let bio = BIO_new_mem_buf(base, Int32(buffer.count)) else {
            throw .openSSL("OpenSSL could not wrap \(buffer.count) bytes in a buffer")
        }
        let owner = OpenSSLObject(bio) { BIO_free($0) }
        return try withExtendedLifetime(owner) { () throws(CryptoError) in try body(bio) }
    }
}

/// The DER encoding an OpenSSL `i2d_*` function produces, or `nil` when it fails.
///
/// `encode` is called twice, as the i2d convention wants: with `nil` for the length, then with a cursor into
/// a buffer of that length.
func encodeDER(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
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
    let decoded = der.withUnsafeBufferPointer { decodeDERPrefix($0, decode) }
    guard let decoded else { return nil }
    guard decoded.used == der.count else {
        release(decoded.object)
        return nil
    }
    return decoded.object
}

/// The object an OpenSSL `d2i_*` function decodes from the start of `der`, and how many bytes it used; `nil`
/// when decoding fails.
///
/// `decode` receives a cursor to the bytes and their count.
func decodeDERPrefix<Object>(
    _ der: UnsafeBufferPointer<UInt8>,
    _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> Object?
) -> (object: Object, used: Int)? {
    guard let start = der.baseAddress, !der.isEmpty else { return nil }
    var cursor: UnsafePointer<UInt8>? = start
    guard let object = decode(&cursor, der.count), let end = cursor else { return nil }
    return (object, end - start)
}

/// The order n of each elliptic curve keys were used on, and n/2, as big-endian bytes of n's length: OpenSSL
/// builds a curve's group (a few tens of microseconds) once per curve here, not once per signature.
final class CurveOrders: @unchecked Sendable {
    // Sendable: `orders` is only read and written under `lock`.
    private let lock = NSLock()
    private var orders: [Int32: (order: [UInt8], half: [UInt8])] = [:]

    /// The process-wide cache.
    static let shared = CurveOrders()

    /// n and n/2 of the curve with OpenSSL's `nid`; `nil` when OpenSSL does not know it.
    func order(ofCurve nid: Int32) -> (order: [UInt8], half: [UInt8])? {
        if let known = lock.withLock({ orders[nid] }) { return known }
        defer { OpenSSLErrorQueue.clear() }
        guard let created = EC_GROUP_new_by_curve_name(nid) else { return nil }
        let group = OpenSSLObject(created, release: EC_GROUP_free)
        guard let order = EC_GROUP_get0_order(group.pointer), let copy = BN_dup(order) else { return nil }
        let half = OpenSSLObject(copy, release: BN_free)
        let length = (BN_num_bits(order) + 7) / 8
        var orderBytes = [UInt8](repeating: 0, count: Int(length))
        var halfBytes = orderBytes
        guard BN_bn2binpad(order, &orderBytes, length) == length, BN_rshift1(half.pointer, half.pointer) == 1,
            BN_bn2binpad(half.pointer, &halfBytes, length) == length
        else { return nil }
        lock.withLock { orders[nid] = (orderBytes, halfBytes) }
        return (orderBytes, halfBytes)
    }
}

// MARK: - Keys

/// A private (or public) key as an OpenSSL `EVP_PKEY`.
package final class OpenSSLKey: @unchecked Sendable {
    // Sendable: only `let`s are stored, and after init OpenSSL only reads the key (see CampusCrypto).
    /// The owned `EVP_PKEY`.
    let pointer: OpaquePointer
    /// The OpenSSL id of an EC key's curve (`NID_undef` for other keys), read once: every signature's low-S form
    /// needs it.
    private let curveID: Int32

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        curveID = Self.curveName(of: pointer).map { OBJ_txt2nid($0) } ?? NID_undef
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Reads an unencrypted PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or traditional (`BEGIN EC PRIVATE KEY`,
    /// `BEGIN RSA PRIVATE KEY`). Other PEM blocks before it (a certificate, say) are skipped.
    package convenience init(privateKeyPEM pem: [UInt8]) throws(CryptoError) {
        if pem.containsASCII("ENCRYPTED") {
            throw CryptoError(
                .unreadableKey,
                "the private key PEM is encrypted; give it unencrypted (openssl pkey -in key.pem -out plain.pem)"
                    + " or use a PKCS#12 file with a passphrase")
        }
        OpenSSLErrorQueue.clear()
        let bio = try MemoryBIO(copying: pem)
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, CCampus_pem_no_password, nil) else {
            throw .openSSL(
                "the private key is not a readable PEM key (expected -----BEGIN PRIVATE KEY----- or"
                    + " -----BEGIN EC PRIVATE KEY-----)",
                code: .unreadableKey)
        }
        self.init(taking: key)
    }

    /// A new ECDSA key on the NIST P-256 curve.
    package static func generateP256() throws(CryptoError) -> OpenSSLKey {
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
    package func pkcs8PEM() throws(CryptoError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PKCS8PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw .openSSL("OpenSSL could not write the private key as PKCS#8")
        }
        return bio.text
    }

    /// Whether this is an elliptic-curve key on NIST P-256 (prime256v1, secp256r1).
    package var isP256: Bool {
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

    /// Whether this is an elliptic-curve key (any curve).
    package var isEC: Bool { EVP_PKEY_is_a(pointer, "EC") == 1 }

    /// Whether this private key belongs to `certificate` (its public key is the certificate's).
    package func belongs(to certificate: OpenSSLCertificate) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_check_private_key(certificate.pointer, pointer) == 1
    }

    /// Whether this is an RSA key (PKCS#1 `rsaEncryption`).
    package var isRSA: Bool { EVP_PKEY_is_a(pointer, "RSA") == 1 }

    /// A short description for error messages, such as "EC key (256 bits)"; never key material.
    package var kindDescription: String {
        let type = EVP_PKEY_get0_type_name(pointer).map { String(cString: $0) } ?? "unknown"
        return "\(type) key (\(EVP_PKEY_get_bits(pointer)) bits)"
    }

    /// The DER signature OpenSSL makes over `message` with SHA-256 (ECDSA: a DER ECDSA-Sig-Value in low-S form,
    /// s ≤ n/2, so that every signature has one encoding; RSA: PKCS#1 v1.5).
    package func signSHA256(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let signature = try signSHA256AsOpenSSLDoes(message)
        guard EVP_PKEY_is_a(pointer, "EC") == 1 else { return signature }
        return try lowS(signature)
    }

    /// The name of the curve of an EC key, such as "prime256v1"; `nil` for other keys.
    var curveName: String? { Self.curveName(of: pointer) }

    /// The name of the curve of the EC key `pointer`; `nil` for other keys.
    private static func curveName(of pointer: OpaquePointer) -> String? {
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
    private func lowS(_ der: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard curveID != NID_undef, let (order, half) = CurveOrders.shared.order(ofCurve: curveID)
        else { throw .openSSL("OpenSSL does not know the curve of the \(kindDescription)") }
        guard let signature = decodeDER(der, { d2i_ECDSA_SIG(nil, $0, $1) }, release: ECDSA_SIG_free) else {
            throw .openSSL("OpenSSL returned an ECDSA signature it cannot read back")
        }
        let owner = OpenSSLObject(signature, release: ECDSA_SIG_free)
        var r: OpaquePointer? = nil
        var s: OpaquePointer? = nil
        ECDSA_SIG_get0(owner.pointer, &r, &s)
        guard let r, let s else { throw .openSSL("OpenSSL returned an ECDSA signature without r or s") }
        var sBytes = [UInt8](repeating: 0, count: half.count)
        guard BN_bn2binpad(s, &sBytes, Int32(sBytes.count)) == Int32(sBytes.count) else {
            throw .openSSL("OpenSSL returned an ECDSA signature out of range")
        }
        guard half.lexicographicallyPrecedes(sBytes) else { return der }
        // ECDSA_SIG_set0 takes ownership of both new numbers only when it succeeds.
        guard let newR = BN_dup(r), let newS = BN_bin2bn(order, Int32(order.count), nil) else {
            throw .openSSL("OpenSSL could not copy a number")
        }
        guard BN_sub(newS, newS, s) == 1, ECDSA_SIG_set0(owner.pointer, newR, newS) == 1 else {
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
    private func signSHA256AsOpenSSLDoes(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("OpenSSL could not allocate a digest context") }
        let owner = OpenSSLObject(context, release: EVP_MD_CTX_free)
        guard EVP_DigestSignInit(owner.pointer, nil, SHA256Algorithm.shared.pointer, nil, pointer) == 1 else {
            throw .openSSL("OpenSSL could not start a SHA-256 signature with the \(kindDescription)")
        }
        return try message.withUnsafeBufferPointer { input throws(CryptoError) in
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
package final class OpenSSLCertificate: @unchecked Sendable {
    // Sendable: only `pointer`, a `let`, is stored. A certificate is shared between threads only after its
    // extension cache is filled (``cacheExtensions()``); after that OpenSSL only reads an X509, and its reference
    // count is atomic (see CampusCrypto).
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
    package convenience init?(der: [UInt8]) {
        guard let certificate = decodeDER(der, { d2i_X509(nil, $0, $1) }, release: X509_free) else { return nil }
        self.init(taking: certificate)
    }

    /// Every certificate in a PEM text, in order, read without copying the text. `source` names the input in
    /// error messages; `damagedAdvice` is added to the reason for a damaged block (say what to do).
    ///
    /// - Throws: ``CryptoError`` (`.unreadableCertificate`) when a certificate block is damaged or there is none
    ///   at all, `.tooLarge` for more than 2 GiB.
    package static func all(fromPEM pem: [UInt8], source: String, damagedAdvice: String = "") throws(CryptoError)
        -> [OpenSSLCertificate]
    {
        guard pem.count <= Int32.max else {
            throw CryptoError(.tooLarge, "\(source) is larger than 2 GiB; it cannot be a list of certificates")
        }
        OpenSSLErrorQueue.clear()
        let certificates = try withReadOnlyBIO(over: pem) { bio in
            var certificates: [OpenSSLCertificate] = []
            while let certificate = PEM_read_bio_X509(bio, nil, CCampus_pem_no_password, nil) {
                certificates.append(OpenSSLCertificate(taking: certificate))
            }
            return certificates
        }
        // Reading ends with PEM_R_NO_START_LINE when no further block follows; any other error is damage.
        if !OpenSSLErrorQueue.isEmpty && !OpenSSLErrorQueue.lastIs(library: ERR_LIB_PEM, reason: PEM_R_NO_START_LINE) {
            throw .openSSL(
                "certificate \(certificates.count + 1) of \(source) is damaged PEM\(damagedAdvice)",
                code: .unreadableCertificate)
        }
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else {
            throw CryptoError(
                .unreadableCertificate, "\(source) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// The DER encoding, or `nil` when OpenSSL cannot encode it (it can, for a certificate it parsed).
    package var der: [UInt8]? {
        encodeDER { i2d_X509(pointer, $0) }
    }

    /// The DER encoding.
    package func encodedDER() throws(CryptoError) -> [UInt8] {
        guard let der else { throw .openSSL("OpenSSL could not encode a certificate as DER") }
        return der
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`).
    package func pem() throws(CryptoError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509(bio.pointer, pointer) == 1 else {
            throw .openSSL("OpenSSL could not write a certificate as PEM")
        }
        return bio.text
    }

    /// The public key, or `nil` when it cannot be read.
    package var publicKey: OpenSSLKey? {
        defer { OpenSSLErrorQueue.clear() }
        return X509_get_pubkey(pointer).map(OpenSSLKey.init(taking:))
    }

    /// The subject's common name, or the whole subject on one line when it has none.
    package var subjectName: String {
        Self.readableName(X509_get_subject_name(pointer))
    }

    /// The issuer's common name (as written in this certificate), or its whole name on one line.
    package var issuerName: String {
        Self.readableName(X509_get_issuer_name(pointer))
    }

    /// The end of the validity period, or `nil` when the field cannot be read.
    package var notAfter: Date? {
        X509_get0_notAfter(pointer).flatMap(Self.date(of:))
    }

    /// The start of the validity period, or `nil` when the field cannot be read.
    package var notBefore: Date? {
        X509_get0_notBefore(pointer).flatMap(Self.date(of:))
    }

    /// The serial number as uppercase hexadecimal (as OpenSSL prints it), or `nil` when it cannot be read.
    package var serialNumberHex: String? {
        defer { OpenSSLErrorQueue.clear() }
        guard let integer = X509_get0_serialNumber(pointer), let number = ASN1_INTEGER_to_BN(integer, nil) else {
            return nil
        }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return nil }
        defer { CCampus_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    /// The key usage bits, or `nil` when the certificate has no key usage extension.
    ///
    /// A certificate whose extensions OpenSSL finds invalid reports no bits (an empty set), never `nil`.
    package var keyUsage: KeyUsage? {
        let bits = X509_get_key_usage(pointer)
        OpenSSLErrorQueue.clear()
        return bits == UInt32.max ? nil : KeyUsage(rawValue: bits)
    }

    /// Whether the certificate is self-signed (names and key identifiers match; the signature is not checked).
    package var isSelfSigned: Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_self_signed(pointer, 0) == 1
    }

    /// Whether the certificate is a CA certificate: basicConstraints CA:TRUE (critical or not, whatever its key
    /// usage), keyCertSign, or a self-signed version 1 certificate.
    package var isCA: Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_get_extension_flags(pointer) & UInt32(EXFLAG_CA) != 0 || X509_check_ca(pointer) != 0
    }

    /// The purposes of the extended key usage extension, as dotted object identifiers; `nil` without the
    /// extension, `[]` when it is there but unreadable (so that an unreadable extension allows nothing).
    package var extendedKeyUsage: [String]? {
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
    package var publicKeyStrength: (acceptable: Bool, description: String) {
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
    package var signatureStrength: (acceptable: Bool, algorithm: String) {
        defer { OpenSSLErrorQueue.clear() }
        let algorithm =
            OBJ_nid2ln(X509_get_signature_nid(pointer)).map { String(cString: $0) } ?? "an unknown algorithm"
        var digest: Int32 = NID_undef
        guard X509_get_signature_info(pointer, &digest, nil, nil, nil) == 1 else { return (false, algorithm) }
        let strong = [NID_sha256, NID_sha384, NID_sha512, NID_sha3_256, NID_sha3_384, NID_sha3_512]
        return (strong.contains(digest), algorithm)
    }

    /// Whether `self` issued `subject` (names match and, when present, the key identifiers).
    package func issued(_ subject: OpenSSLCertificate) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_check_issued(pointer, subject.pointer) == X509_V_OK
    }

    /// Whether both are the same certificate.
    package func isSame(as other: OpenSSLCertificate) -> Bool {
        X509_cmp(pointer, other.pointer) == 0
    }

    /// Whether both certificates have the same subject name (compared as OpenSSL compares names).
    package func hasSameSubject(as other: OpenSSLCertificate) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_subject_name(other.pointer)) == 0
    }

    /// Whether this certificate's subject is the name `certificate` gives as its issuer.
    package func isNamedIssuer(of certificate: OpenSSLCertificate) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(certificate.pointer)) == 0
    }

    /// Fills the certificate's extension cache, so that threads that use it afterwards only ever read it.
    package func cacheExtensions() {
        _ = X509_check_purpose(pointer, -1, 0)
        OpenSSLErrorQueue.clear()
    }

    /// The subject's organization (O), if it has one.
    package var subjectOrganization: String? {
        Self.field(X509_get_subject_name(pointer), nid: NID_organizationName)
    }

    /// The first value of field `nid` in `name`, as UTF-8.
    private static func field(_ name: OpaquePointer?, nid: Int32) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        if index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) {
            var utf8: UnsafeMutablePointer<UInt8>? = nil
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            if length >= 0, let utf8 {
                defer { CCampus_OPENSSL_free(utf8) }
                return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
            }
        }
        OpenSSLErrorQueue.clear()
        return nil
    }

    private static func readableName(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        if let commonName = field(name, nid: NID_commonName) { return commonName }
        guard let bio = try? MemoryBIO(), X509_NAME_print_ex(bio.pointer, name, 0, CCampus_XN_FLAG_ONELINE_UTF8()) >= 0
        else {
            OpenSSLErrorQueue.clear()
            return ""
        }
        return bio.text
    }

    static func date(of time: UnsafePointer<ASN1_TIME>) -> Date? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// The bits of a certificate's key usage extension that our checks read.
package struct KeyUsage: OptionSet, Sendable {
    package let rawValue: UInt32
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    /// digitalSignature.
    package static let digitalSignature = KeyUsage(rawValue: UInt32(KU_DIGITAL_SIGNATURE))
    /// nonRepudiation (contentCommitment).
    package static let nonRepudiation = KeyUsage(rawValue: UInt32(KU_NON_REPUDIATION))
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
