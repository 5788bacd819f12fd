internal import COpenSSL

/// What a PKCS#12 (.p12/.pfx) archive holds, opened with its passphrase.
package struct PKCS12Contents {
    /// The private key, if the archive holds one.
    package let key: OpenSSLKey?
    /// The certificate that matches the key, if any.
    package let certificate: OpenSSLCertificate?
    /// The other certificates, in the archive's order.
    package let others: [OpenSSLCertificate]

    /// Opens a DER PKCS#12 archive.
    ///
    /// - Throws: ``CryptoError`` with `.wrongPassphrase` when the integrity check fails, `.unreadableKey` when the
    ///   bytes are not PKCS#12 or cannot be opened otherwise. The passphrase never appears in the reason.
    package init(der pkcs12: [UInt8], passphrase: String) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        guard let archive = decodeDER(pkcs12, { d2i_PKCS12(nil, $0, $1) }, release: PKCS12_free) else {
            throw .openSSL("the file is not a PKCS#12 (.p12/.pfx) archive", code: .unreadableKey)
        }
        let owner = OpenSSLObject(archive, release: PKCS12_free)
        var keyPointer: OpaquePointer? = nil
        var certificatePointer: OpaquePointer? = nil
        var stack: OpaquePointer? = nil
        guard PKCS12_parse(owner.pointer, passphrase, &keyPointer, &certificatePointer, &stack) == 1 else {
            if OpenSSLErrorQueue.lastIs(library: ERR_LIB_PKCS12, reason: PKCS12_R_MAC_VERIFY_FAILURE) {
                OpenSSLErrorQueue.clear()
                throw CryptoError(
                    .wrongPassphrase,
                    "the PKCS#12 passphrase is wrong (the file's integrity check failed); check the passphrase")
            }
            throw .openSSL(
                "the PKCS#12 file could not be opened: check the passphrase; if the file uses legacy encryption"
                    + " (RC2), export it again with"
                    + " `openssl pkcs12 -export -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256`",
                code: .unreadableKey)
        }
        // Take ownership of everything PKCS12_parse handed out before the caller checks what is missing.
        key = keyPointer.map(OpenSSLKey.init(taking:))
        certificate = certificatePointer.map(OpenSSLCertificate.init(taking:))
        var others: [OpenSSLCertificate] = []
        if let stack {
            for index in 0..<max(0, CCampus_sk_X509_num(stack)) {
                if let certificate = CCampus_sk_X509_value(stack, index) {
                    others.append(OpenSSLCertificate(sharing: certificate))
                }
            }
            CCampus_sk_X509_pop_free(stack)
        }
        self.others = others
    }
}
