import CampusCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing user-named files so that nothing the user did not ask to replace is ever lost.
///
/// Every write goes to a temporary file in the target's own folder, is flushed to disk and is then
/// renamed into place in one step: a failure leaves the old file (or nothing) and no partial file.
/// A folder is never removed or replaced, an existing file only with `replace`, and every failure
/// names the path and says what to do.
enum FileOutput {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// What is at a path, without following a final symbolic link.
    enum Existing: Equatable {
        case nothing
        case file
        case folder
        /// A symbolic link, to a folder when `toFolder`.
        case link(toFolder: Bool)
        case other
    }

    /// What is at `path` now.
    static func existing(_ path: String) -> Existing {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .nothing }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFLNK:
            var target = stat()
            let toFolder = stat(path, &target) == 0 && (target.st_mode & S_IFMT) == S_IFDIR
            return .link(toFolder: toFolder)
        default: return .other
        }
    }

    /// Refuses to go on when `path` cannot be written as a file: it is a folder (or a link to one),
    /// it exists and `replace` is false, or its folder is missing. Call before long work so the
    /// user learns of the problem before anything is computed.
    static func checkWritable(_ path: String, replace: Bool, option: String = "--force") throws(Failure) {
        guard !path.isEmpty else { throw Failure(description: "the output path is empty; give the path of a file") }
        guard !path.hasSuffix("/"), !["", ".", ".."].contains((path as NSString).lastPathComponent) else {
            throw Failure(description: "\(path): names a folder; give the path of a file to write")
        }
        switch existing(path) {
        case .folder, .link(toFolder: true):
            throw Failure(
                description: "\(path): is a folder; give the path of a file to write (a folder is never replaced)")
        case .other:
            throw Failure(description: "\(path): is not a regular file; give the path of a file to write")
        case .file, .link(toFolder: false):
            if !replace {
                throw Failure(
                    description: "\(path): exists already; choose another path or give \(option) to replace it")
            }
        case .nothing:
            break
        }
        let folder = parentFolder(of: path)
        switch existing(folder) {
        case .folder, .link(toFolder: true): break
        case .nothing:
            throw Failure(description: "\(path): the folder \(folder) does not exist; create it first")
        default:
            throw Failure(description: "\(path): \(folder) is not a folder")
        }
    }

    /// Writes `bytes` to `path` atomically with the given permission bits.
    ///
    /// Without `replace`, an existing file is never touched (the rename refuses to replace it even when
    /// it appears between the check and the rename).
    static func write(
        _ bytes: [UInt8], to path: String, replace: Bool, mode: mode_t = 0o644, option: String = "--force"
    ) throws(Failure) {
        try checkWritable(path, replace: replace, option: option)
        let folder = parentFolder(of: path)
        let name = (path as NSString).lastPathComponent
        var template = Array(((folder as NSString).appendingPathComponent(".\(name).XXXXXX")).utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw Failure(description: "\(path): cannot write into the folder \(folder): \(lastErrorText())")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var keepTemporary = false
        defer {
            if !keepTemporary { unlink(temporary) }
        }
        var failure: String?
        if fchmod(descriptor, mode) != 0 { failure = lastErrorText() }
        if failure == nil {
            do {
                try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: bytes)
            } catch {
                failure = reason(of: error)
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = lastErrorText() }
        if close(descriptor) != 0, failure == nil { failure = lastErrorText() }
        if let failure {
            throw Failure(description: "\(path): cannot be written: \(failure); nothing was changed")
        }
        if replace {
            guard rename(temporary, path) == 0 else {
                throw Failure(description: "\(path): cannot be replaced: \(lastErrorText()); nothing was changed")
            }
            keepTemporary = true  // renamed: the temporary name is gone
        } else {
            // link(2) refuses an existing target atomically, so a file that appeared meanwhile survives.
            guard link(temporary, path) == 0 else {
                if errno == EEXIST {
                    throw Failure(
                        description: "\(path): exists already; choose another path or give \(option) to replace it")
                }
                throw Failure(description: "\(path): cannot be written: \(lastErrorText()); nothing was changed")
            }
        }
        syncFolder(folder)
    }

    /// Writes UTF-8 `text` to `path` atomically.
    static func write(
        _ text: String, to path: String, replace: Bool, mode: mode_t = 0o644, option: String = "--force"
    ) throws(Failure) {
        try write(Array(text.utf8), to: path, replace: replace, mode: mode, option: option)
    }

    /// Makes sure `path` is a folder, creating it (and missing parents) when it does not exist.
    /// A file at `path` is an error; nothing is removed.
    static func prepareFolder(_ path: String) throws(Failure) {
        guard !path.isEmpty else { throw Failure(description: "the folder path is empty; give a folder") }
        switch existing(path) {
        case .folder, .link(toFolder: true):
            return
        case .nothing:
            // Missing folders are made one by one, so that a failure says which and why (errno).
            var missing: [String] = []
            var current = path
            while existing(current) == .nothing {
                missing.append(current)
                let parent = parentFolder(of: current)
                guard parent != current else { break }
                current = parent
            }
            switch existing(current) {
            case .folder, .link(toFolder: true), .nothing: break
            default:
                throw Failure(description: "\(path): the folder cannot be created: \(current) is a file, not a folder")
            }
            for folder in missing.reversed() where mkdir(folder, 0o755) != 0 && errno != EEXIST {
                throw Failure(description: "\(path): the folder cannot be created: \(lastErrorText())")
            }
        default:
            throw Failure(description: "\(path): is a file, not a folder; give a folder (it is created when missing)")
        }
    }

    /// The folder that holds `path` (`.` for a bare file name).
    static func parentFolder(of path: String) -> String {
        let folder = FilePath.folder(of: path)
        return folder.isEmpty ? "." : folder
    }

    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func lastErrorText() -> String {
        String(cString: strerror(errno))
    }

    /// A short reason for a Foundation error, without its domain and code.
    static func reason(of error: any Error) -> String {
        let fromFoundation = error is CocoaError || error is POSIXError || type(of: error) is NSError.Type
        if !fromFoundation { return String(describing: error) }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        switch nsError.code {
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
        case NSFileWriteFileExistsError: return "a file of that name exists"
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or folder"
        case NSFileWriteOutOfSpaceError: return "the disk is full"
        case NSFileWriteVolumeReadOnlyError: return "the disk is read-only"
        default: return "the file system refused it (error \(nsError.code))"
        }
    }
}
