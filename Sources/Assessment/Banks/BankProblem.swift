/// One problem found in a bank file, with the position a provider needs to fix it.
public struct BankProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public let file: String
    /// 1-based line.
    public let line: Int
    /// 1-based column (in Unicode scalars, as libyaml counts).
    public let column: Int
    /// What is wrong, in words a provider can act on.
    public let message: String

    /// Creates a problem report.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: error: message`, the form editors and CI logs link to.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}
