package import CampusCore
internal import COpenSSL

/// The one Swift module that talks to OpenSSL (libcrypto); `Certificates` and `Verify` use it through Swift
/// values only, and no C type appears in its package API.
///
/// Layering: `COpenSSL` (system library and `shim.h` for the macros Swift cannot import) → the owners here, one
/// `final class` per OpenSSL object that frees it in `deinit` (``OpenSSLCertificate``, ``OpenSSLKey``,
/// ``CertificateStore``, ``SignedCMS``; short-lived objects through a generic owner) → ``CryptoError`` values,
/// made at the point of failure from OpenSSL's error queue (``OpenSSLErrorQueue``).
///
/// Thread safety, for every type here that is `Sendable`: OpenSSL 3 is thread-safe for objects that threads
/// only read, and its reference counts are atomic. The objects that threads share are
/// - the fetched SHA-256 `EVP_MD` (immutable once fetched);
/// - `EVP_PKEY`s of a loaded signing identity and of ES256 public keys (signing and verifying only read a key;
///   every operation builds its own `EVP_MD_CTX` or CMS structure);
/// - `X509`s of a signing identity, a trust list and its certificate cache: each is shared only after
///   ``OpenSSLCertificate/cacheExtensions()`` filled its extension cache, the one part OpenSSL would otherwise
///   fill lazily (a write) on first use;
/// - the `X509_STORE` of a trust list, configured and filled in init and only read afterwards (lookups take the
///   store's own lock); every verification uses its own `X509_STORE_CTX`.
/// Everything else (BIOs, CMS structures, digest contexts, stacks) lives inside one call on one thread. The
/// error queue is thread-local, so draining it at the point of failure reports that thread's failure only.
package enum CampusCrypto {
    /// The OpenSSL version this process is linked against, e.g. `OpenSSL 3.0.19 1 Jul 2025`.
    package static var openSSLVersion: String {
        String(cString: OpenSSL_version(OPENSSL_VERSION))
    }
}

/// The codes of ``CryptoError``.
package enum CryptoErrorDomain: ErrorDomain {
    /// `crypto`.
    package static let name = "crypto"
}

extension CampusError.Code where Domain == CryptoErrorDomain {
    /// A PKCS#12 file's integrity check failed: the passphrase is wrong.
    package static var wrongPassphrase: Self { Self("wrongPassphrase") }
    /// The private key does not belong to the certificate it is given with.
    package static var keyMismatch: Self { Self("keyMismatch") }
    /// A private key (PEM or PKCS#12) could not be read, is encrypted or of a kind we cannot sign with.
    package static var unreadableKey: Self { Self("unreadableKey") }
    /// A certificate (PEM or DER) could not be read, or there was none.
    package static var unreadableCertificate: Self { Self("unreadableCertificate") }
    /// A CMS signature is not the structure we accept.
    package static var malformedSignature: Self { Self("malformedSignature") }
    /// A CMS signature does not match what it signs.
    package static var signatureMismatch: Self { Self("signatureMismatch") }
    /// The input is larger than OpenSSL takes (a buffer over 2 GiB, a name over 64 characters).
    package static var tooLarge: Self { Self("tooLarge") }
    /// OpenSSL itself failed (allocation, encoding, an internal error); ``CryptoError/details`` says why.
    package static var openSSL: Self { Self("openSSL") }
    /// A password is longer than ``Passwords/maximumLength``.
    package static var passwordTooLong: Self { Self("passwordTooLong") }
    /// libargon2 could not hash (out of memory, a parameter out of range).
    package static var passwordHashing: Self { Self("passwordHashing") }
    /// The system's random generator failed.
    package static var randomUnavailable: Self { Self("randomUnavailable") }
    /// A certificate cannot serve its purpose (a time-stamp certificate without the timeStamping usage).
    package static var unsuitableCertificate: Self { Self("unsuitableCertificate") }
    /// A time stamp was asked for outside the time-stamp certificate's validity.
    package static var timeStampOutsideValidity: Self { Self("timeStampOutsideValidity") }
    /// An external time-stamp authority could not be reached, refused, or answered with a token that does not
    /// verify.
    package static var timeStampAuthority: Self { Self("timeStampAuthority") }
}

/// Why a cryptographic step failed: a code callers map to their own errors, and a sentence a user can act on.
///
/// The shared error shape (``CampusError``: code, reason, source location; equal when the codes are) plus what
/// OpenSSL queued. Never shown as is: `Certificates` and `Verify` map it to their own errors. Reasons never
/// contain key material or a passphrase.
package struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of step failed.
    package typealias Code = CampusError<CryptoErrorDomain>.Code

    /// The code, the reason (what we tried and, where the user can help, what to do) and where it was made.
    package let error: CampusError<CryptoErrorDomain>
    /// The reasons OpenSSL queued ("library: reason", distinct, oldest first); empty when it queued none.
    package let details: [String]

    /// The kind of failure.
    package var code: Code { error.code }
    /// What we tried and, where the user can help, what to do.
    package var reason: String { error.reason }

    /// An error with no OpenSSL details.
    package init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.init(code, reason, details: [], file: file, line: line)
    }

    /// An error with the given OpenSSL details.
    package init(_ code: Code, _ reason: String, details: [String], file: String = #fileID, line: UInt = #line) {
        self.error = CampusError(code, reason, file: file, line: line)
        self.details = details
    }

    /// An error for a failed OpenSSL call: drains the thread's OpenSSL error queue into ``details`` here, at the
    /// point of failure, so that a later call does not report stale errors.
    package static func openSSL(
        _ reason: String, code: Code = .openSSL, file: String = #fileID, line: UInt = #line
    ) -> CryptoError {
        CryptoError(code, reason, details: OpenSSLErrorQueue.drain(), file: file, line: line)
    }

    /// Whether the two errors have the same code.
    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistent with `==`.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// `reason` followed by the OpenSSL details, as users see it.
    package var description: String { described(reason) }

    /// The shared error's debug form followed by the OpenSSL details.
    package var debugDescription: String { described(error.debugDescription) }

    /// `other` (a caller's own wording of the failure) followed by the OpenSSL details.
    package func described(_ other: String) -> String {
        details.isEmpty ? other : "\(other) (OpenSSL: \(details.joined(separator: "; ")))"
    }
}

/// The thread-local error queue OpenSSL fills when a call fails; the one place that reads it.
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
    static func lastIs(library: Int32, reason: Int32) -> Bool {
        let code = ERR_peek_last_error()
        return code != 0 && ERR_GET_LIB(code) == library && ERR_GET_REASON(code) == reason
    }

    /// Whether the queue is empty.
    static var isEmpty: Bool { ERR_peek_error() == 0 }
}
