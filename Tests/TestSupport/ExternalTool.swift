import Foundation

/// Runs outside validators (zbarimg, pdfsig, pyhanko, qpdf, openssl …) from tests.
///
/// A missing tool is an error: tests fail rather than skip, under CI and elsewhere; `make test` installs
/// every tool the tests use.
public enum ExternalTool {
    /// Why a tool could not be run or failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `tool` with `arguments` and returns its standard output; a non-zero exit status throws with
    /// the tool's standard error.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let result = try execute(tool, arguments, mergeErrors: false)
        guard result.status == 0 else {
            throw Failure(description: "\(tool) exited with \(result.status): \(result.errors)")
        }
        return result.output
    }

    /// Runs `tool` and returns standard output and standard error together, whatever the exit status
    /// (for judges such as pyHanko that report a bad signature with a non-zero status).
    public static func output(_ tool: String, _ arguments: [String]) throws -> String {
        try execute(tool, arguments, mergeErrors: true).output
    }

    private static func execute(_ tool: String, _ arguments: [String], mergeErrors: Bool) throws
        -> (status: Int32, output: String, errors: String)
    {
        guard let path = locate(tool) else {
            throw Failure(description: "\(tool) is not installed; run `make test`, which installs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        // Standard error goes to a file, so that a tool writing much to both streams cannot block.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw Failure(description: "cannot create \(errorFile.path) for \(tool)'s messages")
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        process.standardError = mergeErrors ? output : errorHandle
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), errors)
    }

    private static func locate(_ tool: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
