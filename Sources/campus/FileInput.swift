import Assessment
import Foundation

/// Reading user-named files with size bounds and messages that name the file.
enum FileInput {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads `path` fully, refusing files larger than `limit` bytes before reading them.
    static func read(_ path: String, limit: Int) throws(Failure) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(description: "\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw Failure(description: "\(path): is a folder, not a file") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limit else {
            throw Failure(
                description:
                    "\(path): file is \(size) bytes; at most \(limit) bytes (\(limit / 1_000_000) MB) are accepted")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure(description: "\(path): cannot be read (permission denied?)")
        }
        defer { try? handle.close() }
        do {
            // Read one byte past the limit so a file that grew after the size check is still refused.
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else {
                throw Failure(description: "\(path): file is larger than \(limit) bytes")
            }
            return data
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(path): cannot be read: \(FileOutput.reason(of: error))")
        }
    }

    /// Reads and validates one bank file.
    static func readBank(_ path: String) -> BankReadResult {
        do {
            let data = try read(path, limit: BankReader.maximumFileSize)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            return BankReader.read(Array(data), file: path, mediaDirectory: folder)
        } catch {
            return BankReadResult.failure(
                file: path, message: error.description.replacingOccurrences(of: "\(path): ", with: ""))
        }
    }

    /// Bank files named by `paths`: files as given, folders searched recursively for `*.yaml` and
    /// `*.yml` (skipping `*.blueprint.yaml`), in a stable order; and the folders that hold none.
    static func bankFiles(in paths: [String]) -> (files: [String], emptyFolders: [String]) {
        var files: [String] = []
        var emptyFolders: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            // A folder given through a symbolic link is searched too (the enumerator does not follow the link itself).
            let enumerator = FileManager.default.enumerator(
                atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                guard name.hasSuffix(".yaml") || name.hasSuffix(".yml"), !name.hasPrefix("."),
                    !name.hasSuffix(".blueprint.yaml"), !name.hasSuffix(".blueprint.yml")
                else { continue }
                found.append((path as NSString).appendingPathComponent(relative))
            }
            if found.isEmpty { emptyFolders.append(path) }
            files += found.sorted()
        }
        return (files, emptyFolders)
    }
}

extension BankReadResult {
    static func failure(file: String, message: String) -> BankReadResult {
        BankReadResult(
            bank: nil, problems: [BankProblem(file: file, line: 1, column: 1, message: message)], itemCount: 0)
    }
}
