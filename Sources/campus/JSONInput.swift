import Assessment
import Foundation

/// Reading user-named JSON files (records, gradebooks) with errors that point into the file.
enum JSONInput {
    /// Reads `path`; a JSON syntax error is reported as `FILE:LINE:COLUMN: error: …`.
    static func read(_ path: String, limit: Int) throws -> Data {
        let data = try FileInput.read(path, limit: limit)
        if let problem = JSONSyntax.problem(in: Array(data)) {
            throw CLIError("\(path):\(problem.line):\(problem.column): error: \(problem.message)")
        }
        return data
    }

    /// An error naming `path` on every line of `reason` (a reason may list several problems, one per line).
    static func failure(_ path: String, _ reason: String) -> CLIError {
        CLIError(reason.split(separator: "\n").map { "\(path): error: \($0)" }.joined(separator: "\n"))
    }
}
