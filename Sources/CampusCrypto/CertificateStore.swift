import Foundation
internal import COpenSSL

/// A `STACK_OF(X509)` that does not own its certificates: it keeps them alive while the stack lives.
final class CertificateStack {
    /// The owned stack (the certificates are not owned).
    let pointer: OpaquePointer
    /// The certificates pushed, kept alive as long as the stack.
    private let certificates: [OpenSSLCertificate]

    /// A stack of `certificates`, in order.
    ///
    /// - Throws: ``CryptoError`` (`.malformedSignature`, with OpenSSL's reasons) when OpenSSL cannot allocate it.
    init(_ certificates: [OpenSSLCertificate]) throws(CryptoError) {
        guard let stack = CCampus_sk_X509_new_null() else {
            throw .openSSL("OpenSSL could not allocate a certificate list", code: .malformedSignature)
        }
        pointer = stack
        self.certificates = certificates
        for certificate in certificates where CCampus_sk_X509_push(stack, certificate.pointer) <= 0 {
            throw .openSSL("OpenSSL could not collect \(certificates.count) certificates", code: .malformedSignature)
        }
    }

    deinit {
        CCampus_sk_X509_free(pointer)
    }
}

/// An OpenSSL certificate store (`X509_STORE`): the trust anchors and helper certificates chains are built from.
///
/// Configured and filled by its owner before it is shared; afterwards it is only read (see ``CampusCrypto``).
package final class CertificateStore: @unchecked Sendable {
    // Sendable: only `store`, a `let`, is stored; see the type's documentation.
    private let store: OpenSSLObject<OpaquePointer>

    /// An empty store for chains of at most `maximumDepth` intermediate certificates, with OpenSSL's purpose
    /// check off (any purpose; the caller checks key usage itself).
    ///
    /// - Throws: ``CryptoError`` (`.openSSL`) when OpenSSL cannot allocate or configure the store.
    package init(maximumDepth: Int32) throws(CryptoError) {
        guard let created = X509_STORE_new() else {
            throw .openSSL("OpenSSL could not allocate a certificate store")
        }
        let store = OpenSSLObject(created) { X509_STORE_free($0) }
        // Any purpose: OpenSSL's S/MIME purpose check would refuse issuer certificates without an e-mail EKU; the
        // verifier checks key usage itself. Chains longer than a few certificates are not ours.
        guard X509_STORE_set_purpose(store.pointer, X509_PURPOSE_ANY) == 1,
            X509_STORE_set_depth(store.pointer, maximumDepth) == 1
        else { throw .openSSL("OpenSSL could not configure the certificate store") }
        self.store = store
    }

    /// Adds `certificate` (before the store is shared).
    ///
    /// - Throws: ``CryptoError`` (`.openSSL`) with OpenSSL's reasons; the caller says which certificate.
    package func add(_ certificate: OpenSSLCertificate) throws(CryptoError) {
        guard X509_STORE_add_cert(store.pointer, certificate.pointer) == 1 else {
            throw .openSSL("OpenSSL could not add a certificate to the certificate store")
        }
    }

    /// Builds and verifies the chain from `certificate` to a certificate in the store, at `time` (seconds since
    /// 1970), with `intermediates` as untrusted helpers.
    ///
    /// - Returns: The verified chain, `certificate` first and the trusted certificate last; or why it failed.
    /// - Throws: ``CryptoError`` when OpenSSL cannot even start: `.malformedSignature` when it cannot collect the
    ///   intermediates, `.openSSL` otherwise (`role` names `certificate` in the reason).
    package func verify(
        _ certificate: OpenSSLCertificate,
        intermediates: [OpenSSLCertificate],
        at time: Int,
        role: String
    ) throws(CryptoError) -> Result<[OpenSSLCertificate], ChainFailure> {
        let untrusted = try CertificateStack(intermediates)
        guard let created = X509_STORE_CTX_new() else {
            throw .openSSL("OpenSSL could not allocate a certificate verification")
        }
        let context = OpenSSLObject(created) { X509_STORE_CTX_free($0) }
        guard X509_STORE_CTX_init(context.pointer, store.pointer, certificate.pointer, untrusted.pointer) == 1 else {
            throw .openSSL("OpenSSL could not start verifying the \(role)")
        }
        X509_STORE_CTX_set_time(context.pointer, 0, time_t(time))

        let verdict = withExtendedLifetime(untrusted) { X509_verify_cert(context.pointer) }
        let chain = Self.chain(of: context.pointer)
        guard verdict == 1 else {
            return .failure(ChainFailure(context: context.pointer, chain: chain))
        }
        OpenSSLErrorQueue.clear()
        return .success(chain)
    }

    /// The chain OpenSSL built so far (complete after a successful verification), each certificate shared.
    private static func chain(of context: OpaquePointer) -> [OpenSSLCertificate] {
        guard let stack = X509_STORE_CTX_get0_chain(context) else { return [] }
        var chain: [OpenSSLCertificate] = []
        for index in 0..<max(0, CCampus_sk_X509_num(stack)) {
            if let certificate = CCampus_sk_X509_value(stack, index) {
                chain.append(OpenSSLCertificate(sharing: certificate))
            }
        }
        return chain
    }
}

/// Why OpenSSL refused a chain, in terms the verifier turns into reasons.
package struct ChainFailure: Error {
    /// The kinds of refusal the verifier tells apart.
    package enum Kind: Sendable, Equatable {
        /// A certificate had expired at the time of the check.
        case expired
        /// A certificate was not yet valid at the time of the check.
        case notYetValid
        /// The issuer of a certificate is not in the store or among the intermediates.
        case issuerNotFound
        /// The chain ends at a self-signed certificate that is not in the store, or at one not trusted.
        case untrustedRoot
        /// The signature of the first certificate could not be verified (no issuer key found).
        case leafSignatureUnverifiable
        /// A certificate's signature does not verify with its issuer's key.
        case signatureFailure
        /// Anything else; ``ChainFailure/details`` says what.
        case other
    }

    /// What went wrong.
    package let kind: Kind
    /// How deep in the chain the failing certificate is (0: the certificate checked).
    package let depth: Int
    /// The certificate OpenSSL was checking when it failed, if it says.
    package let current: OpenSSLCertificate?
    /// The chain built so far, the checked certificate first.
    package let chain: [OpenSSLCertificate]
    /// OpenSSL's reason, followed by the reasons it queued (drained here).
    package let details: String

    /// Reads the failure from a verification context, draining the error queue.
    init(context: OpaquePointer, chain: [OpenSSLCertificate]) {
        let error = X509_STORE_CTX_get_error(context)
        depth = Int(X509_STORE_CTX_get_error_depth(context))
        current = X509_STORE_CTX_get_current_cert(context).map(OpenSSLCertificate.init(sharing:))
        let openSSLReason = X509_verify_cert_error_string(Int(error)).map { String(cString: $0) } ?? "error \(error)"
        let queued = OpenSSLErrorQueue.drain()
        details = queued.isEmpty ? openSSLReason : "\(openSSLReason); \(queued.joined(separator: "; "))"
        self.chain = chain
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED: kind = .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: kind = .notYetValid
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: kind = .issuerNotFound
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_CERT_UNTRUSTED:
            kind = .untrustedRoot
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: kind = .leafSignatureUnverifiable
        case X509_V_ERR_CERT_SIGNATURE_FAILURE: kind = .signatureFailure
        default: kind = .other
        }
    }
}
