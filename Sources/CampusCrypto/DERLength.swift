internal import COpenSSL

/// The length of the DER structure at the start of a buffer, read by OpenSSL's ASN.1 header parser.
package enum DERLength {
    /// Header plus content length of the DER SEQUENCE (definite length) at the start of `bytes`, or `nil` when
    /// there is none or it claims more bytes than `bytes` has.
    package static func of(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let start = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = start
            var length = 0
            var tag: Int32 = 0
            var tagClass: Int32 = 0
            let result = ASN1_get_object(&cursor, &length, &tag, &tagClass, buffer.count)
            // 0x80 flags an error; 0x21 (constructed, indefinite length) is not DER.
            guard result & 0x80 == 0, result != 0x21, tag == 16, length >= 0 else {
                ERR_clear_error()
                return nil
            }
            guard let end = cursor else { return nil }
            // OpenSSL flags a length beyond the buffer, but the sum is checked here too, without overflow.
            let header = start.distance(to: end)
            guard header >= 0, header <= buffer.count, length <= buffer.count - header else { return nil }
            return header + length
        }
    }
}
