import Assessment
internal import CLibZip
import Foundation

/// The files of a zip package, read (libzip) with limits so that a hostile archive cannot exhaust memory or
/// escape its folder: entry count, per-entry and total uncompressed size, compression ratio, and
/// entry paths (no absolute paths, no `..`).
public struct ZipPackage: Sendable {
    /// Largest archive file read, in bytes.
    public static let maximumArchiveSize = 100_000_000
    /// Most entries read from one archive.
    static let maximumEntries = 5_000
    /// Most uncompressed bytes in all entries together.
    static let maximumTotalSize = 200_000_000
    /// Highest uncompressed/compressed ratio accepted for an entry larger than 1 MB.
    static let maximumCompressionRatio: UInt64 = 200

    /// The archive's name as given by the user.
    let name: String
    /// Regular files by their path inside the archive (directories are left out).
    let files: [String: Data]

    /// Whether `data` starts like a zip archive.
    static func looksLikeZip(_ data: Data) -> Bool {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06])
    }

    /// Reads every file of the archive `data` (with libzip, which bounds inflation by the compressed size and
    /// checks every entry's CRC-32).
    ///
    /// - Throws: ``ImportFailure`` naming the archive (and entry) when it is damaged or breaks a limit.
    init(name: String, data: Data) throws(ImportFailure) {
        self.name = name
        guard data.count <= Self.maximumArchiveSize else {
            throw ImportFailure(
                file: name, line: 1,
                "the archive is \(data.count) bytes; at most \(Self.maximumArchiveSize) bytes are read")
        }
        let result = data.withUnsafeBytes { buffer in Self.readEntries(buffer) }
        switch result {
        case .success(let files): self.files = files
        case .failure(let message): throw ImportFailure(file: name, line: 1, message)
        }
    }

    private enum ReadResult {
        case success([String: Data])
        case failure(String)
    }

    private static func readEntries(_ buffer: UnsafeRawBufferPointer) -> ReadResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .failure("not a readable zip archive") }
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(base, zip_uint64_t(buffer.count), 0, &error) else {
            return .failure("not a readable zip archive")
        }
        guard let archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) else {
            zip_source_free(source)
            return .failure("not a readable zip archive")
        }
        defer { zip_discard(archive) }
        let count = zip_get_num_entries(archive, 0)
        guard count >= 0 else { return .failure("not a readable zip archive") }
        guard count <= Int64(maximumEntries) else {
            return .failure("the archive has more than \(maximumEntries) entries")
        }
        var files: [String: Data] = [:]
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for index in 0..<zip_uint64_t(count) {
            guard let rawName = zip_get_name(archive, index, zip_flags_t(ZIP_FL_ENC_GUESS)) else {
                return .failure("entry \(index + 1) has no readable name")
            }
            let path = String(cString: rawName)
            guard isSafe(path) else {
                return .failure("entry '\(path)' has an unsafe path (absolute or with '..'); the archive is refused")
            }
            if path.hasSuffix("/") { continue }
            var stat = zip_stat_t()
            zip_stat_init(&stat)
            guard zip_stat_index(archive, index, 0, &stat) == 0 else {
                return .failure("entry '\(path)' is damaged and cannot be read")
            }
            let declared = stat.size
            guard declared <= UInt64(ImportSource.maximumSize) else {
                return .failure("entry '\(path)' is \(declared) bytes; at most \(ImportSource.maximumSize) are read")
            }
            let ratio = declared / max(stat.comp_size, 1)
            if declared > 1_000_000, ratio > maximumCompressionRatio {
                return .failure("entry '\(path)' expands \(ratio) times; a zip bomb is refused")
            }
            guard let file = zip_fopen_index(archive, index, 0) else {
                let code = zip_error_code_zip(zip_get_error(archive))
                return .failure(
                    code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD
                        ? "entry '\(path)' is encrypted; export the package without a password"
                        : "entry '\(path)' is damaged or uses an unsupported compression method")
            }
            defer { zip_fclose(file) }
            let limit = min(ImportSource.maximumSize, maximumTotalSize - total)
            var content = Data()
            while true {
                let read = chunk.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, zip_uint64_t($0.count)) }
                if read < 0 {
                    let code = zip_error_code_zip(zip_file_get_error(file))
                    return .failure(
                        code == ZIP_ER_CRC
                            ? "entry '\(path)' is damaged (its CRC-32 checksum does not match)"
                            : "entry '\(path)' is damaged and cannot be read")
                }
                if read == 0 { break }
                guard content.count + Int(read) <= limit else {
                    return .failure("entry '\(path)' holds more data than it declares or than the limits allow")
                }
                content.append(contentsOf: chunk[0..<Int(read)])
            }
            guard UInt64(content.count) == declared else {
                return .failure("entry '\(path)' holds more data than it declares or than the limits allow")
            }
            total += content.count
            files[path] = content
        }
        return .success(files)
    }

    /// Whether an entry path stays inside the archive's folder.
    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("\\"), !path.contains("\0") else { return false }
        if path.count >= 2, path.dropFirst().first == ":" { return false }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        return !components.contains("..")
    }

    /// The source for the file at `path` inside the archive, named `archive.zip:path` in messages.
    func source(_ path: String) -> ImportSource? {
        files[path].map { ImportSource(name: "\(name):\(path)", data: $0) }
    }

    /// Writes `files` (path → content, deflated, in the given order; a repeated path keeps its last content) as a
    /// zip archive, in memory, with libzip.
    ///
    /// - Throws: ``ZipWriteFailed`` when libzip cannot build the archive (out of memory).
    static func archive(_ files: [(path: String, data: Data)]) throws -> Data {
        // libzip removes an archive left without entries instead of writing one; the empty archive is its end
        // record alone.
        guard !files.isEmpty else { return Data([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)) }
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let target = zip_source_buffer_create(nil, 0, 0, &error) else { throw InterchangeError.zipWriteFailed() }
        zip_source_keep(target)
        defer { zip_source_free(target) }
        guard let archive = zip_open_from_source(target, ZIP_TRUNCATE, &error) else {
            throw InterchangeError.zipWriteFailed()
        }
        for (path, data) in files {
            guard add(path, data, to: archive) else {
                zip_discard(archive)
                throw InterchangeError.zipWriteFailed()
            }
        }
        guard zip_close(archive) == 0 else {
            zip_discard(archive)
            throw InterchangeError.zipWriteFailed()
        }
        return try written(target)
    }

    /// Adds one deflated entry; libzip owns (and frees) a copy of the content until the archive is closed.
    private static func add(_ path: String, _ data: Data, to archive: OpaquePointer) -> Bool {
        var copy: UnsafeMutableRawPointer?
        if !data.isEmpty {
            guard let memory = malloc(data.count) else { return false }
            data.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            copy = memory
        }
        guard let source = zip_source_buffer(archive, copy, zip_uint64_t(data.count), 1) else {
            free(copy)
            return false
        }
        let index = zip_file_add(archive, path, source, zip_flags_t(ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE))
        guard index >= 0 else {
            zip_source_free(source)
            return false
        }
        return zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_DEFLATE, 0) == 0
    }

    /// The bytes libzip wrote into the in-memory source `target`.
    private static func written(_ target: OpaquePointer) throws -> Data {
        guard zip_source_open(target) == 0 else { throw InterchangeError.zipWriteFailed() }
        defer { zip_source_close(target) }
        var result = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = chunk.withUnsafeMutableBytes { zip_source_read(target, $0.baseAddress!, zip_uint64_t($0.count)) }
            guard read >= 0 else { throw InterchangeError.zipWriteFailed() }
            if read == 0 { return result }
            result.append(contentsOf: chunk[0..<Int(read)])
        }
    }
}
