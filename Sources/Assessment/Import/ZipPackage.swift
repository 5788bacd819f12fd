import Foundation
internal import ZIPFoundation

/// The files of a zip package, read with limits so that a hostile archive cannot exhaust memory or
/// escape its folder: entry count, per-entry and total uncompressed size, compression ratio, and
/// entry paths (no absolute paths, no `..`).
public struct ZipPackage: Sendable {
    /// Largest archive file read, in bytes.
    public static let maximumArchiveSize = 100_000_000
    /// Most entries read from one archive.
    public static let maximumEntries = 5_000
    /// Most uncompressed bytes in all entries together.
    public static let maximumTotalSize = 200_000_000
    /// Highest uncompressed/compressed ratio accepted for an entry larger than 1 MB.
    public static let maximumCompressionRatio: UInt64 = 200

    /// The archive's name as given by the user.
    public let name: String
    /// Regular files by their path inside the archive (directories are left out).
    public let files: [String: Data]

    /// Whether `data` starts like a zip archive.
    public static func looksLikeZip(_ data: Data) -> Bool {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06])
    }

    /// Reads every file of the archive `data`.
    ///
    /// - Throws: ``ImportFailure`` naming the archive (and entry) when it is damaged or breaks a limit.
    public init(name: String, data: Data) throws(ImportFailure) {
        self.name = name
        func failure(_ message: String) -> ImportFailure { ImportFailure(file: name, line: 1, message) }
        guard data.count <= Self.maximumArchiveSize else {
            throw failure("the archive is \(data.count) bytes; at most \(Self.maximumArchiveSize) bytes are read")
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw failure("not a readable zip archive")
        }
        var files: [String: Data] = [:]
        var count = 0
        var total: UInt64 = 0
        for entry in archive {
            count += 1
            guard count <= Self.maximumEntries else {
                throw failure("the archive has more than \(Self.maximumEntries) entries")
            }
            let path = entry.path
            guard Self.isSafe(path) else {
                throw failure("entry '\(path)' has an unsafe path (absolute or with '..'); the archive is refused")
            }
            guard entry.type == .file else { continue }
            let declared = entry.uncompressedSize
            guard declared <= UInt64(ImportSource.maximumSize) else {
                throw failure("entry '\(path)' is \(declared) bytes; at most \(ImportSource.maximumSize) are read")
            }
            if declared > 1_000_000, declared / max(entry.compressedSize, 1) > Self.maximumCompressionRatio {
                throw failure(
                    "entry '\(path)' expands \(declared / max(entry.compressedSize, 1)) times; a zip bomb is refused")
            }
            var content = Data()
            let limit = min(UInt64(ImportSource.maximumSize), UInt64(Self.maximumTotalSize) - total)
            do {
                let checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard UInt64(content.count + chunk.count) <= limit else { throw ZipLimitExceeded() }
                    content.append(chunk)
                }
                guard checksum == entry.checksum else { throw ZipChecksumMismatch() }
            } catch is ZipChecksumMismatch {
                throw failure("entry '\(path)' is damaged (its CRC-32 checksum does not match)")
            } catch is ZipLimitExceeded {
                throw failure("entry '\(path)' holds more data than it declares or than the limits allow")
            } catch {
                throw failure("entry '\(path)' is damaged and cannot be read")
            }
            total += UInt64(content.count)
            files[path] = content
        }
        self.files = files
    }

    /// Whether an entry path stays inside the archive's folder.
    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("\\"), !path.contains("\0") else { return false }
        if path.count >= 2, path.dropFirst().first == ":" { return false }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        return !components.contains("..")
    }

    /// The source for the file at `path` inside the archive, named `archive.zip:path` in messages.
    public func source(_ path: String) -> ImportSource? {
        files[path].map { ImportSource(name: "\(name):\(path)", data: $0) }
    }

    /// Writes `files` (path → content, deflated, in the given order) as a zip archive.
    public static func archive(_ files: [(path: String, data: Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in files {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                })
        }
        guard let result = archive.data else { throw ZipWriteFailed() }
        return result
    }
}

private struct ZipLimitExceeded: Error {}
private struct ZipChecksumMismatch: Error {}

/// Writing a zip archive in memory failed.
public struct ZipWriteFailed: Error, CustomStringConvertible {
    public var description: String { "the zip archive could not be written" }
}
