internal import COpenSSL

/// ES256 (ECDSA P-256 with SHA-256) signatures in the raw 64-byte r‖s form of RFC 7518 §3.4.
package enum ES256 {
    /// The raw r‖s form of `der`, a DER ECDSA-Sig-Value made with a P-256 key.
    ///
    /// - Throws: ``CryptoError`` (`.openSSL`) when OpenSSL cannot read the signature back or r or s is out of range.
    package static func raw(fromDER der: [UInt8]) throws(CryptoError) -> [UInt8] {
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

    /// n/2 of P-256, 32 bytes big-endian, computed by OpenSSL once.
    package static let p256HalfOrder: [UInt8]? = CurveOrders.shared.order(ofCurve: NID_X9_62_prime256v1)?.half

    /// The DER ECDSA-Sig-Value for a raw 64-byte r‖s, encoded by OpenSSL.
    package static func derSignature(raw: [UInt8]) -> [UInt8]? {
        guard raw.count == 64, let signature = ECDSA_SIG_new() else { return nil }
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

    /// Whether `der` is a valid SHA-256 ECDSA signature of `message` by `key` (a public key).
    package static func verify(der: [UInt8], message: [UInt8], key: OpenSSLKey) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard let context = EVP_MD_CTX_new() else { return false }
        let owner = OpenSSLObject(context, release: EVP_MD_CTX_free)
        guard EVP_DigestVerifyInit(owner.pointer, nil, SHA256Algorithm.shared.pointer, nil, key.pointer) == 1 else {
            return false
        }
        return message.withUnsafeBufferPointer { input in
            EVP_DigestVerify(owner.pointer, der, der.count, input.baseAddress, input.count) == 1
        }
    }
}
