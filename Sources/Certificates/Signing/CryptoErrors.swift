internal import CampusCrypto

extension CertificateError {
    /// The certificate error for a failure in the OpenSSL layer, with the same reason (OpenSSL's own reasons
    /// appended), made at `file`/`line` (the OpenSSL layer's own location is in the crypto error).
    init(_ error: CryptoError, file: String = #fileID, line: UInt = #line) {
        let code: Code
        switch error.code {
        case .wrongPassphrase: code = .wrongPassphrase
        case .keyMismatch: code = .keyMismatch
        case .unreadableKey: code = .unreadableKey
        case .unreadableCertificate: code = .unreadableCertificate
        case .tooLarge, .unsuitableCertificate, .timeStampOutsideValidity, .timeStampAuthority: code = .crypto
        default: code = .openSSL  // malformedSignature, signatureMismatch, openSSL
        }
        // OpenSSL failing on its own is not something the input caused: say what to do about it.
        let advice =
            code == .openSSL
            ? "; this is a failure inside OpenSSL, not in the input: check that OpenSSL 3 (libcrypto) is installed"
                + " intact and memory is available, then try again"
            : ""
        self.init(code, error.description + advice, file: file, line: line)
    }
}

/// Runs `body`, turning a ``CryptoError`` into the matching ``CertificateError``.
func mappingCryptoErrors<Result>(
    file: String = #fileID, line: UInt = #line, _ body: () throws(CryptoError) -> Result
) throws(CertificateError) -> Result {
    do {
        return try body()
    } catch {
        throw CertificateError(error, file: file, line: line)
    }
}
