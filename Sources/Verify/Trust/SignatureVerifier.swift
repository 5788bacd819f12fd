import Foundation
public import CampusCore
import Certificates
internal import CampusCrypto

/// Why a signature or certificate check failed: a stable code and a sentence a person understands, e.g. "the
/// signer certificate “…” expired on 2026-01-31 (checked at 2026-11-23)".
///
/// A struct with a code rather than an enum, so that new codes never break callers.
public typealias VerificationFailure = CampusError<VerificationErrorDomain>

/// The codes of ``VerificationFailure``.
public enum VerificationErrorDomain: ErrorDomain {
    /// `verify`.
    public static let name = "verify"
}

extension CampusError.Code where Domain == VerificationErrorDomain {
    /// The signature is not a detached CMS SignedData in DER with exactly one SHA-256 signer whose certificate
    /// it carries, or its signed attributes are missing or inconsistent. A signature in BER rather than DER has a
    /// reason starting "ambiguous structure: ".
    public static var malformedSignature: Self { Self("malformedSignature") }
    /// The document was changed after it was signed: its digest differs from the signed one, or the signature
    /// does not verify over the signed attributes.
    public static var documentChanged: Self { Self("documentChanged") }
    /// The signer's chain does not lead to a root on the trust list.
    public static var untrusted: Self { Self("untrusted") }
    /// The signer certificate or a certificate of its chain had expired at the time of the check.
    public static var certificateExpired: Self { Self("certificateExpired") }
    /// The signer certificate or a certificate of its chain was not yet valid at the time of the check.
    public static var certificateNotYetValid: Self { Self("certificateNotYetValid") }
    /// The signer certificate's key usage allows neither digitalSignature nor nonRepudiation, or it has an
    /// extended key usage without a document-signing purpose.
    public static var keyUsage: Self { Self("keyUsage") }
    /// The trust list itself is unusable: no certificate, damaged PEM, or no root certificate.
    public static var trustList: Self { Self("trustList") }
    /// The signer certificate or its chain breaks the signing policy: the signer is a CA certificate, a key
    /// is weaker than RSA-2048 or EC P-256, or a certificate is signed with a digest weaker than SHA-256.
    public static var certificatePolicy: Self { Self("certificatePolicy") }
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
    /// The signature's time-stamp, when it has one that verified: the chain was judged at its time.
    public internal(set) var timeStamp: SignatureTimeStamp? = nil
}

/// When a trusted time-stamp authority says a signature existed (PAdES B-T).
public struct SignatureTimeStamp: Sendable, Equatable {
    /// The time in the token (whole seconds).
    public let time: Date
    /// The time-stamp authority's name (its certificate's common name).
    public let authority: String
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
    /// A time as verdicts print it: `2026-12-04 14:03 UTC`.
    static func shown(_ time: Date) -> String {
        String(time.ISO8601Format().prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

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
            // With a signature time-stamp the signer's chain is judged when the signature was made (chain model).
            let stamp: VerifiedTimeStamp?
            do {
                stamp = try signature.timeStamp(trust: trust)
            } catch {
                // A signer that is not trusted at all is the first thing to say; else the time-stamp's failure.
                _ = try trust.verifiedSigner(
                    signature.signer, der: signature.signerDER, intermediates: signature.certificates,
                    intermediatesDER: signature.certificatesDER, at: time, role: "signer certificate")
                throw error
            }
            if let stamp, stamp.time > time {
                throw VerificationFailure(
                    .certificateNotYetValid,
                    "the signature was time-stamped at \(Self.shown(stamp.time)), after the time of this check "
                        + "(\(Self.shown(time)))")
            }
            var signer = try trust.verifiedSigner(
                signature.signer, der: signature.signerDER, intermediates: signature.certificates,
                intermediatesDER: signature.certificatesDER, at: stamp?.time ?? time, role: "signer certificate")
            signer.timeStamp = stamp.map { SignatureTimeStamp(time: $0.time, authority: $0.authority.subjectName) }
            try Self.checkCompromise(signer: signer, stamp: stamp, trust: trust)
            return .success(signer)
        } catch {
            return .failure(error)
        }
    }

    /// A signature by a key announced as compromised counts only when a time-stamp proves it was made before
    /// that date (and the time-stamp's own key was not compromised by then).
    static func checkCompromise(signer: VerifiedSigner, stamp: VerifiedTimeStamp?, trust: TrustList)
        throws(VerificationFailure)
    {
        if let stamp, let der = stamp.authority.der, let since = trust.compromisedSince[Digest.sha256(der)],
            stamp.time >= since
        {
            throw VerificationFailure(
                .untrusted,
                "the time-stamp authority's key was announced compromised since \(shown(since)); its time-stamp "
                    + "of \(shown(stamp.time)) proves nothing")
        }
        guard let since = trust.compromisedSince[signer.thumbprint] else { return }
        guard let stamp else {
            throw VerificationFailure(
                .untrusted,
                "the issuer key was announced compromised since \(shown(since)), and the signature has no "
                    + "time-stamp proving it was made before")
        }
        guard stamp.time < since else {
            throw VerificationFailure(
                .untrusted,
                "the issuer key was announced compromised since \(shown(since)); this signature was time-stamped "
                    + "at \(shown(stamp.time)), after that")
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
            let signer = try trust.verifiedSigner(
                certificate, der: der, intermediates: [], intermediatesDER: [], at: time, role: "issuer certificate")
            if let since = trust.compromisedSince[signer.thumbprint] {
                throw VerificationFailure(
                    .untrusted,
                    "the issuer key was announced compromised since \(shown(since)); a QR code alone cannot prove it "
                        + "was made before: verify the PDF, whose time-stamp can")
            }
            return .success(signer)
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - The parsed signature

/// A parsed detached CMS SignedData with exactly one signer whose certificate it carries.
final class DetachedSignature {
    /// The parsed structure (OpenSSL's, in CampusCrypto).
    private let cms: SignedCMS

    /// The certificates of the CMS `certificates` field, in order.
    var certificates: [OpenSSLCertificate] { cms.certificates }
    /// Their DER, in the same order.
    var certificatesDER: [[UInt8]] { cms.certificatesDER }
    /// The signer certificate, one of `certificates`.
    var signer: OpenSSLCertificate { cms.signer }
    /// Its DER.
    var signerDER: [UInt8] { cms.signerDER }

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
        guard der[1] != 0x80 else { throw VerificationFailure(.malformedSignature, SignedCMS.notDER) }

        // OpenSSL reads the structure without its certificates when they can be split off (see
        // SignedDataCertificates); otherwise the whole of it, and then it says what is wrong.
        let split = SignedDataCertificates.split(der)
        do {
            cms = try SignedCMS(
                der: der, split: split.map { ($0.withoutCertificates, $0.certificates, $0.used) },
                certificate: { trust.certificate(der: $0) })
        } catch {
            throw VerificationFailure(.malformedSignature, error)
        }
    }

    /// The signature's time-stamp token, verified: over this signature value, by a time-stamp authority whose
    /// certificate chains to a root on `trust` and was valid when the token was made; `nil` without a token.
    ///
    /// - Throws: ``VerificationFailure`` (`.malformedSignature`) when the token is there but does not verify.
    func timeStamp(trust: TrustList) throws(VerificationFailure) -> VerifiedTimeStamp? {
        do {
            guard let token = try cms.timeStampToken() else { return nil }
            return try TimeStampVerification.verify(
                token: token, signatureValue: cms.signatureValue, roots: trust.roots)
        } catch {
            throw VerificationFailure(
                .malformedSignature, "the signature's time-stamp does not verify: \(error.reason)")
        }
    }

    /// Verifies the signature over the signed attributes and the message-digest attribute against `content`.
    ///
    /// - Throws: ``VerificationFailure`` (`.documentChanged`) when either does not match, `.malformedSignature`
    ///   when the attributes break CMS's rules or the signature cannot be checked at all.
    func verify(content: [ArraySlice<UInt8>]) throws(VerificationFailure) {
        do {
            try cms.verify(content: content)
        } catch {
            throw VerificationFailure(.malformedSignature, error)
        }
    }

    /// Checks that the ESS signing-certificate-v2 (or v1) attribute names the signer certificate, so that the
    /// certificate cannot be swapped for another one with the same key.
    ///
    /// - Throws: ``VerificationFailure`` (`.malformedSignature`) when the attribute is missing, unreadable or names
    ///   another certificate.
    func checkSigningCertificateAttribute() throws(VerificationFailure) {
        do {
            try cms.checkSigningCertificateAttribute()
        } catch {
            throw VerificationFailure(.malformedSignature, error)
        }
    }
}
