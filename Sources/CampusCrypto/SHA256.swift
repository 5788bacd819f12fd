internal import COpenSSL

/// SHA-256 computed with OpenSSL.
package enum SHA256 {
    /// The SHA-256 digest of `bytes` (32 bytes), hashed in place when the bytes are contiguous.
    package static func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// The SHA-256 digest of `parts` hashed one after the other, as if joined (no copy is made).
    package static func hash(parts: [ArraySlice<UInt8>]) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("OpenSSL could not allocate a digest") }
        defer { EVP_MD_CTX_free(context) }
        var succeeded = EVP_DigestInit_ex(context, SHA256Algorithm.shared.pointer, nil) == 1
        for part in parts where succeeded {
            succeeded = part.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) == 1 }
        }
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        if succeeded {
            succeeded = output.withUnsafeMutableBufferPointer {
                EVP_DigestFinal_ex(context, $0.baseAddress, &length) == 1
            }
        }
        // Digesting fails only when the library cannot allocate; that is not recoverable.
        precondition(succeeded && length == 32, "OpenSSL could not compute SHA-256")
        return output
    }

    private static func hash(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let succeeded = output.withUnsafeMutableBufferPointer { out in
            EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, SHA256Algorithm.shared.pointer, nil)
                == 1
        }
        // EVP_Digest with SHA-256 fails only when the library cannot allocate; that is not recoverable.
        precondition(succeeded && length == 32, "OpenSSL could not compute SHA-256")
        return output
    }
}

/// A SHA-256 computation fed piece by piece, whose state can be copied: a prefix many messages share is hashed
/// once, and each message continues from a copy.
package final class SHA256Hasher: @unchecked Sendable {
    // Sendable: `update` and `finish` change the context and are for the owner alone; a hasher shared between
    // threads is only ever copied (`EVP_MD_CTX_copy_ex` reads its source), as the documentation of `copy()` says.
    private let context: OpaquePointer

    /// A hasher that has seen no bytes yet.
    package init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, SHA256Algorithm.shared.pointer, nil) == 1
        else { preconditionFailure("OpenSSL could not start SHA-256") }
        self.context = context
    }

    private init(context: OpaquePointer) {
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Feeds `bytes` (a slice is hashed in place).
    package func update(_ bytes: ArraySlice<UInt8>) {
        let succeeded = bytes.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) == 1 }
        // Updating SHA-256 fails only when the library is broken; that is not recoverable.
        precondition(succeeded, "OpenSSL could not compute SHA-256")
    }

    /// A new hasher in this one's state; safe while other threads copy the same hasher, as long as none updates
    /// or finishes it.
    package func copy() -> SHA256Hasher {
        guard let copied = EVP_MD_CTX_new() else { preconditionFailure("OpenSSL could not allocate a digest") }
        guard EVP_MD_CTX_copy_ex(copied, context) == 1 else {
            EVP_MD_CTX_free(copied)
            preconditionFailure("OpenSSL could not copy a SHA-256 state")
        }
        return SHA256Hasher(context: copied)
    }

    /// The digest of everything fed (32 bytes); the hasher is spent afterwards.
    package func finish() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let succeeded = output.withUnsafeMutableBufferPointer {
            EVP_DigestFinal_ex(context, $0.baseAddress, &length) == 1
        }
        precondition(succeeded && length == 32, "OpenSSL could not compute SHA-256")
        return output
    }
}
