import Assessment
import Certificates
import Foundation

/// Reading user-named JSON files (records, gradebooks) with errors that point into the file.
enum JSONInput {
    /// Reads `path`; a JSON syntax error or a member twice in one object is reported as `FILE:LINE:COLUMN: error: …`
    /// (a member name shown terminal-safe).
    static func read(_ path: String, limit: Int) throws -> Data {
        let data = try FileInput.read(path, limit: limit)
        if let problem = JSONSyntax.problem(in: Array(data)) {
            throw CLIError("\(path):\(problem.line):\(problem.column): error: \(TerminalSafe.text(problem.message))")
        }
        return data
    }

    /// An error naming `path` on every line of `reason` (a reason may list several problems, one per line).
    static func failure(_ path: String, _ reason: String) -> CLIError {
        CLIError(reason.split(separator: "\n").map { "\(path): error: \($0)" }.joined(separator: "\n"))
    }
}
