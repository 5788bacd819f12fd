import Foundation

/// Runs outside validators (zbarimg, pdfsig, qpdf …) from tests.
enum ExternalTool {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `tool` with `arguments` and returns its standard output.
    ///
    /// A missing tool is an error (tests fail rather than skip, under CI and elsewhere); `make test`
    /// installs every tool the tests use.
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        guard let path = locate(tool) else {
            throw Failure(description: "\(tool) is not installed; run `make test`, which installs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(tool) exited with \(process.terminationStatus): "
                    + String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
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
