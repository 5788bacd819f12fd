import Foundation
internal import Yams

/// The outcome of reading one bank file: the bank when it is valid, and every problem found.
public struct BankReadResult: Sendable {
    /// The bank, present only when `problems` is empty.
    public let bank: Bank?
    /// Every problem, in file order.
    public let problems: [BankProblem]
    /// Number of items the file lists (valid or not).
    public let itemCount: Int

    /// Creates a result.
    public init(bank: Bank?, problems: [BankProblem], itemCount: Int) {
        self.bank = problems.isEmpty ? bank : nil
        self.problems = problems
        self.itemCount = itemCount
    }
}

/// Reads and validates question banks in the YAML format of `question-banks/README.md`.
///
/// Reading never throws and never traps on any input: everything wrong is a ``BankProblem`` with
/// file, line and column.
public enum BankReader {
    /// Largest bank file accepted, in bytes.
    public static let maximumFileSize = YAMLGuard.maximumBytes
    /// Largest number of items in one bank.
    public static let maximumItems = 5_000

    /// Reads the bank in `bytes`; `file` is the name used in problem reports.
    public static func read(_ bytes: [UInt8], file: String) -> BankReadResult {
        if let refusal = YAMLGuard.check(bytes, file: file) {
            return BankReadResult(bank: nil, problems: [refusal], itemCount: 0)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8Offset(bytes)
            let (line, column) = position(ofByte: offset, in: bytes)
            return failure(file, line, column, "file is not valid UTF-8 (bad byte at offset \(offset))")
        }
        let root: Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else {
                return failure(
                    file, 1, 1, "file is empty; a bank needs id, title, language, provider, version and items")
            }
            root = parsed
        } catch let error as YamlError {
            return BankReadResult(bank: nil, problems: [problem(from: error, file: file)], itemCount: 0)
        } catch {
            return failure(file, 1, 1, "bad YAML: \(error)")
        }
        var reader = NodeReader(file: file)
        let bank = reader.readBank(root)
        return BankReadResult(
            bank: reader.problems.isEmpty ? bank : nil,
            problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) },
            itemCount: reader.itemCount)
    }

    private static func failure(_ file: String, _ line: Int, _ column: Int, _ message: String) -> BankReadResult {
        BankReadResult(
            bank: nil, problems: [BankProblem(file: file, line: line, column: column, message: message)], itemCount: 0)
    }

    static func problem(from error: YamlError, file: String) -> BankProblem {
        func clean(_ text: String) -> String {
            text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\(clean($0.text)) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return BankProblem(
                file: file, line: mark.line, column: mark.column, message: "bad YAML: \(clean(problem))\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return BankProblem(
                file: file, line: context.mark.line, column: context.mark.column,
                message:
                    "bad YAML: duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping")
        case .reader(let problem, let offset, _, _):
            return BankProblem(
                file: file, line: 1, column: 1,
                message: "bad YAML: \(clean(problem))\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return BankProblem(file: file, line: 1, column: 1, message: "bad YAML: \(clean(error.description))")
        }
    }

    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    private static func position(ofByte offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
