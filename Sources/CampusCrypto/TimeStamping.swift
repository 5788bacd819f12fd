import Foundation
internal import COpenSSL

/// A time-stamp authority in this process (RFC 3161): it signs time-stamp tokens over SHA-256 imprints with its
/// own key and certificate, without any network. The certificate must be for time stamping only (extended key
/// usage timeStamping, critical — OpenSSL refuses anything else).
///
/// One OpenSSL response context serves every token; it keeps state per request, so tokens are made one at a time
/// (a token costs well under a tenth of a millisecond).
package final class TimeStampAuthority: @unchecked Sendable {
    // Sendable: `context` is only used under `lock`; `pendingTime` is written and read (by the time callback)
    // under the same lock; the certificate and key are shared read-only.
    private let context: OpaquePointer
    private let lock = NSLock()
    private let certificate: OpenSSLCertificate
    private let key: OpenSSLKey
    private let clock: @Sendable () -> Date
    /// The time of the token being made (whole seconds), read by the time callback.
    private var pendingTime: Int = 0
    /// The TSA certificate's validity: a token is never dated outside it.
    private let validity: ClosedRange<Date>

    /// The policy of our tokens: an OID under the UUID arc (ITU-T X.667), made once for this project.
    package static let policy = "2.25.317906918998410922622667500115819403265"

    /// A TSA signing with `key` under `certificate` (whose chain the verifier knows), dating tokens by `clock`.
    ///
    /// - Throws: ``CryptoError`` `.keyMismatch` when the key does not belong to the certificate,
    ///   `.unsuitableCertificate` when OpenSSL refuses it for time stamping (it must carry only the critical
    ///   timeStamping EKU), `.openSSL` when OpenSSL fails.
    package init(certificate: OpenSSLCertificate, key: OpenSSLKey, clock: @escaping @Sendable () -> Date)
        throws(CryptoError)
    {
        guard key.belongs(to: certificate) else {
            throw CryptoError(.keyMismatch, "the time-stamp key does not belong to the time-stamp certificate")
        }
        guard let notBefore = certificate.notBefore, let notAfter = certificate.notAfter, notBefore <= notAfter else {
            throw .openSSL("the time-stamp certificate's validity cannot be read")
        }
        OpenSSLErrorQueue.clear()
        guard let created = TS_RESP_CTX_new() else { throw .openSSL("OpenSSL could not start a time-stamp authority") }
        context = created
        self.certificate = certificate
        self.key = key
        self.clock = clock
        validity = notBefore...notAfter
        certificate.cacheExtensions()
        let sha256 = SHA256Algorithm.shared.pointer
        guard TS_RESP_CTX_set_signer_cert(context, certificate.pointer) == 1 else {
            OpenSSLErrorQueue.clear()
            throw CryptoError(
                .unsuitableCertificate,
                "the time-stamp certificate is not for time stamping (it needs the extended key usage timeStamping, "
                    + "critical and alone)")
        }
        guard let policy = OBJ_txt2obj(Self.policy, 1) else { throw .openSSL("OpenSSL could not read the policy") }
        defer { ASN1_OBJECT_free(policy) }
        guard TS_RESP_CTX_set_signer_key(context, key.pointer) == 1,
            TS_RESP_CTX_set_signer_digest(context, sha256) == 1,
            TS_RESP_CTX_set_ess_cert_id_digest(context, sha256) == 1,
            TS_RESP_CTX_set_def_policy(context, policy) == 1,
            TS_RESP_CTX_add_md(context, sha256) == 1,
            TS_RESP_CTX_set_accuracy(context, 1, 0, 0) == 1
        else { throw .openSSL("OpenSSL could not set up the time-stamp authority") }
        // The time of each token comes from `clock` (through `pendingTime`), its serial number from 128 random bits.
        TS_RESP_CTX_set_time_cb(
            context,
            { _, data, seconds, microseconds in
                guard let data, let seconds, let microseconds else { return 0 }
                let authority = Unmanaged<TimeStampAuthority>.fromOpaque(data).takeUnretainedValue()
                seconds.pointee = authority.pendingTime
                microseconds.pointee = 0
                return 1
            }, Unmanaged.passUnretained(self).toOpaque())
        TS_RESP_CTX_set_serial_cb(
            context,
            { _, _ in
                var bytes = [UInt8](repeating: 0, count: 16)
                guard RAND_bytes(&bytes, 16) == 1, let number = BN_bin2bn(bytes, 16, nil) else { return nil }
                defer { BN_free(number) }
                return BN_to_ASN1_INTEGER(number, nil)
            }, nil)
    }

    deinit {
        TS_RESP_CTX_free(context)
    }

    /// A time-stamp token (DER `ContentInfo` of SignedData with a TSTInfo) over the SHA-256 `imprint`, dated now
    /// by the clock, with the TSA certificate in it.
    ///
    /// - Throws: ``CryptoError`` `.timeStampOutsideValidity` when now is outside the TSA certificate's validity (no
    ///   token it could not vouch for), `.openSSL` when OpenSSL fails (or the imprint is not 32 bytes).
    package func token(imprint: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard imprint.count == 32 else {
            throw .openSSL("a time-stamp imprint is a SHA-256 digest of 32 bytes, not \(imprint.count)")
        }
        let now = clock()
        guard validity.contains(now) else {
            throw CryptoError(
                .timeStampOutsideValidity,
                "the time-stamp certificate is valid from \(validity.lowerBound.formatted(.iso8601)) to "
                    + "\(validity.upperBound.formatted(.iso8601)), not at \(now.formatted(.iso8601)): "
                    + "make a new one with `campus keys init` or `campus keys rotate`")
        }
        let request = try Self.request(imprint: imprint)
        lock.lock()
        defer { lock.unlock() }
        OpenSSLErrorQueue.clear()
        pendingTime = CertificateBuilder.timeT(now)
        let response = try withReadOnlyBIO(over: request) { (bio) throws(CryptoError) -> OpaquePointer in
            guard let response = TS_RESP_create_response(context, bio) else {
                throw .openSSL("OpenSSL could not make a time-stamp token")
            }
            return response
        }
        defer { TS_RESP_free(response) }
        guard let status = TS_RESP_get_status_info(response),
            ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status)) == Int(TS_STATUS_GRANTED),
            let token = TS_RESP_get_token(response),
            let der = encodeDER({ i2d_PKCS7(token, $0) })
        else { throw .openSSL("the time-stamp authority refused the request") }
        return der
    }

    /// A DER RFC 3161 request for `imprint` (SHA-256), asking for the TSA certificate in the token.
    private static func request(imprint: [UInt8]) throws(CryptoError) -> [UInt8] {
        let request = try TimeStampRequest(imprint: imprint)
        guard TS_REQ_set_cert_req(request.pointer, 1) == 1,
            let der = encodeDER({ i2d_TS_REQ(request.pointer, $0) })
        else { throw .openSSL("OpenSSL could not make a time-stamp request") }
        return der
    }
}

/// An RFC 3161 request (`TS_REQ`, version 1) for a SHA-256 imprint: what a token is asked for, and what a
/// verifier expects of one.
final class TimeStampRequest {
    /// The owned request.
    let pointer: OpaquePointer

    /// A request for the SHA-256 `imprint`.
    init(imprint: [UInt8]) throws(CryptoError) {
        guard let requestCreated = TS_REQ_new(), let imprintCreated = TS_MSG_IMPRINT_new(),
            let algorithmCreated = X509_ALGOR_new()
        else { throw .openSSL("OpenSSL could not allocate a time-stamp request") }
        pointer = requestCreated
        let messageImprint = OpenSSLObject(imprintCreated, release: TS_MSG_IMPRINT_free)
        let algorithm = OpenSSLObject(algorithmCreated, release: X509_ALGOR_free)
        var digest = imprint
        // Each setter copies what it is given.
        guard X509_ALGOR_set0(algorithm.pointer, OBJ_nid2obj(NID_sha256), V_ASN1_UNDEF, nil) == 1,
            TS_MSG_IMPRINT_set_algo(messageImprint.pointer, algorithm.pointer) == 1,
            TS_MSG_IMPRINT_set_msg(messageImprint.pointer, &digest, Int32(digest.count)) == 1,
            TS_REQ_set_version(pointer, 1) == 1,
            TS_REQ_set_msg_imprint(pointer, messageImprint.pointer) == 1
        else { throw .openSSL("OpenSSL could not make a time-stamp request") }
    }

    deinit {
        TS_REQ_free(pointer)
    }
}

/// A signature time-stamp token that verified: when it says the signature existed, and who vouches for that.
package struct VerifiedTimeStamp {
    /// The token's genTime (whole seconds).
    package let time: Date
    /// The time-stamp authority's certificate (the token's signer).
    package let authority: OpenSSLCertificate
}

/// Checks RFC 3161 signature time-stamp tokens.
package enum TimeStampVerification {
    /// Largest token read (a token with a chain of RSA certificates is a few kilobytes).
    package static let maximumTokenSize = 32 * 1024

    /// Verifies `token` as a time-stamp over `signatureValue`: its imprint is the SHA-256 of those bytes, its
    /// signature is the TSA's, and the TSA's certificate (purpose timeStamping) chains to one of `roots` and is
    /// valid at the token's own time (chain model: a token made while its certificate was valid stays valid).
    ///
    /// - Throws: ``CryptoError`` (`.malformedSignature`) for a token that is not one DER time-stamp token or does
    ///   not verify, with OpenSSL's reason.
    package static func verify(token: [UInt8], signatureValue: [UInt8], roots: [OpenSSLCertificate])
        throws(CryptoError) -> VerifiedTimeStamp
    {
        OpenSSLErrorQueue.clear()
        guard token.count <= maximumTokenSize,
            let parsed = decodeDER(token, { d2i_PKCS7(nil, $0, $1) }, release: PKCS7_free)
        else { throw CryptoError(.malformedSignature, "the time-stamp token is not one DER structure") }
        let signed = OpenSSLObject(parsed, release: PKCS7_free)
        guard let info = PKCS7_to_TS_TST_INFO(signed.pointer) else {
            throw .openSSL("the time-stamp token holds no time-stamp information", code: .malformedSignature)
        }
        defer { TS_TST_INFO_free(info) }
        guard let generated = TS_TST_INFO_get_time(info), let time = OpenSSLCertificate.date(of: generated) else {
            throw CryptoError(.malformedSignature, "the time-stamp token's time cannot be read")
        }

        // The expected request: the SHA-256 of the signature value; no policy (an external TSA has its own).
        let request = try TimeStampRequest(imprint: SHA256.hash(signatureValue))
        guard let storeCreated = X509_STORE_new() else {
            throw .openSSL("OpenSSL could not allocate a time-stamp check", code: .malformedSignature)
        }
        var store: OpaquePointer? = storeCreated
        defer { if let store { X509_STORE_free(store) } }
        guard let contextCreated = TS_REQ_to_TS_VERIFY_CTX(request.pointer, nil) else {
            throw .openSSL("OpenSSL could not set up a time-stamp check", code: .malformedSignature)
        }
        let context = OpenSSLObject(contextCreated, release: TS_VERIFY_CTX_free)
        for root in roots where X509_STORE_add_cert(storeCreated, root.pointer) != 1 {
            throw .openSSL("OpenSSL could not add a root to the time-stamp check", code: .malformedSignature)
        }
        // The TSA's chain is judged at the token's own time.
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(storeCreated), time_t(CertificateBuilder.timeT(time)))
        _ = TS_VERIFY_CTX_add_flags(context.pointer, Int32(TS_VFY_SIGNATURE))
        _ = TS_VERIFY_CTX_set_store(context.pointer, storeCreated)
        store = nil  // the context owns it now
        guard TS_RESP_verify_token(context.pointer, signed.pointer) == 1 else {
            let reasons = OpenSSLErrorQueue.drain()
            if reasons.contains(where: { $0.contains("certificate verify error") }) {
                throw CryptoError(
                    .malformedSignature,
                    "the time-stamp authority's certificate does not chain to a root you trust (give its root with "
                        + "--trust) or was not valid at the token's time",
                    details: reasons)
            }
            throw CryptoError(.malformedSignature, "the time-stamp token does not verify", details: reasons)
        }
        guard let signers = PKCS7_get0_signers(signed.pointer, nil, 0) else {
            throw .openSSL("the time-stamp token's signer cannot be read", code: .malformedSignature)
        }
        defer { CCampus_sk_X509_free(signers) }
        guard CCampus_sk_X509_num(signers) == 1, let authority = CCampus_sk_X509_value(signers, 0) else {
            throw CryptoError(.malformedSignature, "the time-stamp token has not exactly one signer")
        }
        return VerifiedTimeStamp(time: time, authority: OpenSSLCertificate(sharing: authority))
    }
}

/// Where signature time-stamps come from: the authority in this process or an external one (RFC 3161).
package protocol TimeStampSource: Sendable {
    /// A DER time-stamp token over the SHA-256 `imprint`, with the authority's certificate in it.
    func token(imprint: [UInt8]) throws(CryptoError) -> [UInt8]
}

extension TimeStampAuthority: TimeStampSource {}

/// An external RFC 3161 time-stamp authority, reached through `exchange` (the caller's transport: it sends a DER
/// `TimeStampReq` and returns the DER `TimeStampResp`, for example by HTTP POST as RFC 3161 §3.4 describes).
///
/// Every answer is hostile until checked: it must be at most ``maximumResponseSize`` bytes, one DER response
/// with the status granted, and its token must answer this request (version, imprint, the request's 64-bit
/// nonce) and verify against `roots` now, so that a token a verifier will refuse is never put into a signature.
package struct RemoteTimeStampAuthority: TimeStampSource {
    /// Sends a request and returns the answer, or throws (no connection, an HTTP error) with a readable reason.
    package typealias Exchange = @Sendable ([UInt8]) throws -> [UInt8]

    /// Largest response read.
    package static let maximumResponseSize = 64 * 1024

    /// The authority as users know it (its URL), for messages.
    package let name: String
    private let exchange: Exchange
    private let roots: [OpenSSLCertificate]

    /// An external authority called `name`, reached through `exchange`, whose certificate must chain to one of
    /// the certificates in `rootsPEM`.
    ///
    /// - Throws: ``CryptoError`` `.unreadableCertificate` when `rootsPEM` holds no readable certificate.
    package init(name: String, rootsPEM: [UInt8], exchange: @escaping Exchange) throws(CryptoError) {
        self.name = name
        self.exchange = exchange
        roots = try OpenSSLCertificate.all(fromPEM: rootsPEM, source: "the time-stamp authority's roots")
        for root in roots { root.cacheExtensions() }
    }

    /// Asks the authority for a token over `imprint` (SHA-256) and checks the answer.
    ///
    /// - Throws: ``CryptoError`` `.timeStampAuthority` when the exchange fails, the authority refuses, or its
    ///   answer is malformed, for another request, or does not verify against the roots.
    package func token(imprint: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard imprint.count == 32 else {
            throw .openSSL("a time-stamp imprint is a SHA-256 digest of 32 bytes, not \(imprint.count)")
        }
        OpenSSLErrorQueue.clear()
        let request = try TimeStampRequest(imprint: imprint)
        let nonce = try Passwords.randomBytes(8)
        guard let nonceNumber = BN_bin2bn(nonce, 8, nil) else { throw .openSSL("OpenSSL could not make a nonce") }
        defer { BN_free(nonceNumber) }
        guard let nonceInteger = BN_to_ASN1_INTEGER(nonceNumber, nil) else {
            throw .openSSL("OpenSSL could not make a nonce")
        }
        defer { ASN1_INTEGER_free(nonceInteger) }
        guard TS_REQ_set_nonce(request.pointer, nonceInteger) == 1, TS_REQ_set_cert_req(request.pointer, 1) == 1,
            let requestDER = encodeDER({ i2d_TS_REQ(request.pointer, $0) })
        else { throw .openSSL("OpenSSL could not make a time-stamp request") }

        let answer: [UInt8]
        do {
            answer = try exchange(requestDER)
        } catch {
            throw CryptoError(
                .timeStampAuthority,
                "the time-stamp authority \(name) could not be asked: \(error); check the address and the network, "
                    + "or leave out --tsa to use the keys folder's own time-stamp authority")
        }
        guard answer.count <= Self.maximumResponseSize else {
            throw CryptoError(
                .timeStampAuthority,
                "the time-stamp authority \(name) answered with \(answer.count) bytes, more than the "
                    + "\(Self.maximumResponseSize) a time-stamp response may have")
        }
        guard let parsed = decodeDER(answer, { d2i_TS_RESP(nil, $0, $1) }, release: TS_RESP_free) else {
            throw CryptoError(
                .timeStampAuthority,
                "the time-stamp authority \(name) did not answer with an RFC 3161 time-stamp response")
        }
        let response = OpenSSLObject(parsed, release: TS_RESP_free)
        let statusInfo = TS_RESP_get_status_info(response.pointer)
        let status = statusInfo.map { ASN1_INTEGER_get(TS_STATUS_INFO_get0_status($0)) } ?? -1
        // granted (0) or grantedWithMods (1); anything else is a refusal.
        guard status == 0 || status == 1 else {
            let statuses = ["rejection", "waiting", "revocationWarning", "revocationNotification"]
            let word = (2...5).contains(status) ? statuses[status - 2] : "status \(status)"
            throw CryptoError(
                .timeStampAuthority, "the time-stamp authority \(name) refused the request (\(word))")
        }

        guard let storeCreated = X509_STORE_new() else { throw .openSSL("OpenSSL could not allocate a check") }
        var store: OpaquePointer? = storeCreated
        defer { if let store { X509_STORE_free(store) } }
        for root in roots where X509_STORE_add_cert(storeCreated, root.pointer) != 1 {
            throw .openSSL("OpenSSL could not add a root to the time-stamp check")
        }
        // First that the answer is for this request (version, imprint, nonce), then its signature and the TSA's
        // chain to the roots, now.
        guard let requestContext = TS_REQ_to_TS_VERIFY_CTX(request.pointer, nil) else {
            throw .openSSL("OpenSSL could not set up a time-stamp check")
        }
        let requestCheck = OpenSSLObject(requestContext, release: TS_VERIFY_CTX_free)
        guard TS_RESP_verify_response(requestCheck.pointer, response.pointer) == 1 else {
            let reasons = OpenSSLErrorQueue.drain()
            throw CryptoError(
                .timeStampAuthority,
                "the time-stamp authority \(name) answered with a token for another request "
                    + "(\(reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")))")
        }
        guard let signatureContext = TS_VERIFY_CTX_new() else {
            throw .openSSL("OpenSSL could not set up a time-stamp check")
        }
        let signatureCheck = OpenSSLObject(signatureContext, release: TS_VERIFY_CTX_free)
        _ = TS_VERIFY_CTX_set_flags(signatureCheck.pointer, Int32(TS_VFY_SIGNATURE))
        _ = TS_VERIFY_CTX_set_store(signatureCheck.pointer, storeCreated)
        store = nil  // the context owns it now
        guard TS_RESP_verify_response(signatureCheck.pointer, response.pointer) == 1 else {
            let reasons = OpenSSLErrorQueue.drain()
            throw CryptoError(
                .timeStampAuthority,
                "the time-stamp authority \(name) answered with a token that does not verify against its roots "
                    + "(\(reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; "))): give the root "
                    + "of its certificate with --tsa-root FILE, and give verifiers the same root")
        }
        guard let token = TS_RESP_get_token(response.pointer), let der = encodeDER({ i2d_PKCS7(token, $0) }) else {
            throw .openSSL("OpenSSL could not encode the time-stamp token")
        }
        return der
    }
}
