internal import CArgon2
internal import COpenSSL

/// Password hashing with Argon2id (libargon2, RFC 9106) and random secrets from OpenSSL's generator.
package enum Passwords {
    /// Argon2id cost: 64 MiB of memory, 3 passes, 1 lane (RFC 9106's second recommended option, scaled to a
    /// 2-core server: about 0.25 s per hash on the project's build machine).
    package struct Cost: Sendable, Equatable {
        /// Memory in KiB.
        package var memoryKiB: UInt32
        /// Passes over the memory.
        package var iterations: UInt32
        /// Degree of parallelism.
        package var lanes: UInt32

        /// What the service uses.
        package static let standard = Cost(memoryKiB: 65_536, iterations: 3, lanes: 1)
        /// A cheap cost for tests and demo data only (still Argon2id, still salted).
        package static let testing = Cost(memoryKiB: 1_024, iterations: 1, lanes: 1)
    }

    /// The longest password accepted (bytes of UTF-8); longer input is refused before hashing.
    package static let maximumLength = 1_024

    /// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password` with a fresh 16-byte salt.
    package static func hash(_ password: String, cost: Cost = .standard) throws(CryptoError) -> String {
        let bytes = Array(password.utf8)
        guard bytes.count <= maximumLength else {
            throw CryptoError(.passwordTooLong, "the password is longer than \(maximumLength) bytes")
        }
        let salt = try randomBytes(16)
        let hashLength = 32
        let encodedLength = argon2_encodedlen(
            cost.iterations, cost.memoryKiB, cost.lanes, UInt32(salt.count), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let status = bytes.withUnsafeBytes { passwordBuffer in
            salt.withUnsafeBytes { saltBuffer in
                argon2id_hash_encoded(
                    cost.iterations, cost.memoryKiB, cost.lanes, passwordBuffer.baseAddress, passwordBuffer.count,
                    saltBuffer.baseAddress, saltBuffer.count, hashLength, &encoded, encodedLength)
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw CryptoError(.passwordHashing, "Argon2id failed: \(String(cString: argon2_error_message(status)))")
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the PHC string `encoded`; a malformed or non-Argon2id string never matches.
    package static func verify(_ password: String, against encoded: String) -> Bool {
        let bytes = Array(password.utf8)
        guard bytes.count <= maximumLength, encoded.hasPrefix("$argon2id$"), encoded.utf8.count < 512 else {
            return false
        }
        let status = bytes.withUnsafeBytes { passwordBuffer in
            argon2id_verify(encoded, passwordBuffer.baseAddress, passwordBuffer.count)
        }
        return status == ARGON2_OK.rawValue
    }

    /// `count` bytes from OpenSSL's cryptographically secure generator.
    package static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        guard count > 0, count <= 1_024 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard status == 1 else {
            throw CryptoError(.randomUnavailable, "the system's random generator is unavailable")
        }
        return bytes
    }

    /// A random secret of `byteCount` bytes as lowercase hex (session ids, API tokens, CSRF tokens).
    package static func randomToken(byteCount: Int = 32) throws(CryptoError) -> String {
        hex(try randomBytes(byteCount))
    }

    /// The lowercase hex SHA-256 of `text`'s UTF-8 bytes: how secrets (session ids, API tokens) are stored.
    package static func storedDigest(of text: String) -> String {
        hex(SHA256.hash(Array(text.utf8)))
    }

    /// `bytes` as lowercase hex.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
