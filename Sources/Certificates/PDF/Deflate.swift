internal import CCampusZlib

/// zlib (RFC 1950) compression for PDF `/FlateDecode` streams.
enum Deflate {
    /// Compresses `bytes` at the default level.
    static func compress(_ bytes: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), level)
            }
        }
        // compressBound guarantees room; zlib fails here only when out of memory.
        precondition(status == Z_OK, "zlib could not compress a stream (status \(status))")
        output.removeLast(output.count - Int(capacity))
        return output
    }

    /// Compresses a short message (a token of a few hundred bytes, at most 2 KiB for the same output) at `level`,
    /// with a window just large enough for it and a smaller hash table: the same stream as with zlib's defaults
    /// but for the header's window size, without setting up (and clearing) their quarter megabyte of state for
    /// every token.
    static func compressShort(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        // A match may reach back the window size less zlib's look-ahead of 262 bytes. Memory level 6 keeps room
        // for 4,095 symbols in one block, so that up to 2 KiB is never split into blocks where the defaults would
        // not split it.
        var windowBits: Int32 = 9
        while windowBits < 15 && (1 << windowBits) - 262 < bytes.count { windowBits += 1 }
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, windowBits, 6, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { preconditionFailure("zlib could not start compressing (out of memory)") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound guarantees room for the whole stream in one call.
        precondition(status == Z_STREAM_END, "zlib could not compress a token (status \(status))")
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// Decompresses a zlib stream, refusing output beyond `limit` bytes.
    static func decompress(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        return input.withUnsafeMutableBufferPointer { inputBuffer -> [UInt8]? in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { return nil }
                if status == Z_STREAM_END { return output }
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) { return nil }
            }
        }
    }
}
