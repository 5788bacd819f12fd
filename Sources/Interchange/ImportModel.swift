import Assessment
public import CampusCore
import Foundation

/// A question-bank format that `campus bank import` reads.
public enum BankFormat: String, Sendable, CaseIterable {
    /// Moodle GIFT text.
    case gift
    /// Moodle XML (`<quiz>`).
    case moodleXML = "moodle-xml"
    /// Aiken text (`A)` options and `ANSWER:`).
    case aiken
    /// IMS QTI 2.1 `assessmentItem`.
    case qti21
    /// 1EdTech QTI 3.0 `qti-assessment-item`.
    case qti30
    /// ILIAS question pool (QTI 1.2 `questestinterop`).
    case ilias
}

/// Where something is in an import source: a file (or zip entry `package.zip:items/q1.xml`), line and column.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file name as the user gave it, with the entry path for files inside a zip.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    /// Creates a location.
    init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// An import source that cannot be read at all: it is not well-formed in its format, too large, or unsafe.
///
/// The shared error shape (``InterchangeError`` with code ``CampusError/Code/unreadableSource``: equal when the
/// codes are, with the source location in our code for debugging) plus where in the imported file the problem is.
public struct ImportFailure: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// The code, what is wrong (the reason, in words a provider can act on) and where in our code it was found.
    public var error: InterchangeError

    /// What is wrong, in words a provider can act on.
    public var message: String { error.reason }
    /// The kind of failure: ``CampusError/Code/unreadableSource``.
    public var code: InterchangeError.Code { error.code }

    /// Creates a failure; `sourceFile`/`sourceLine` record where in our code it was made.
    init(_ location: SourceLocation, _ message: String, sourceFile: String = #fileID, sourceLine: UInt = #line) {
        self.location = location
        self.error = InterchangeError(.unreadableSource, message, file: sourceFile, line: sourceLine)
    }

    /// Creates a failure at `line`/`column` of `file`.
    init(
        file: String, line: Int, column: Int = 1, _ message: String, sourceFile: String = #fileID,
        sourceLine: UInt = #line
    ) {
        self.init(
            SourceLocation(file: file, line: line, column: column), message, sourceFile: sourceFile,
            sourceLine: sourceLine)
    }

    /// Whether the two failures have the same code (the locations and messages may differ).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// `file:line:column: error: message`.
    public var description: String { "\(location): error: \(message)" }

    /// The description followed by the shared error's debug form.
    public var debugDescription: String { "\(description) [\(error.debugDescription)]" }
}

/// What happened to one source question.
public enum ImportStatus: Sendable, Equatable {
    /// Converted without loss.
    case imported(Item)
    /// Converted, but something was approximated or left out; each warning says what.
    case importedWithWarnings(Item, [String])
    /// Not converted, with the reason.
    case skipped(reason: String)
}

/// The outcome for one question of the source, in source order.
public struct ImportedQuestion: Sendable, Equatable {
    /// Where the question starts in the source.
    public var location: SourceLocation
    /// The question's name or title in the source (or its first words when it has none).
    public var label: String
    /// What happened.
    public var status: ImportStatus
    /// The images the item embeds, by the path its texts refer to them with (`media/karte.png`).
    var media: [String: Data]

    /// Creates an outcome.
    init(location: SourceLocation, label: String, status: ImportStatus, media: [String: Data] = [:]) {
        self.location = location
        self.label = label
        self.status = status
        self.media = media
    }

    /// The converted item, if the question was imported.
    var item: Item? {
        switch status {
        case .imported(let item), .importedWithWarnings(let item, _): item
        case .skipped: nil
        }
    }

    /// Warnings (empty unless imported with warnings).
    var warnings: [String] {
        if case .importedWithWarnings(_, let warnings) = status { return warnings }
        return []
    }
}

/// One file to import: its name for messages and its bytes.
struct ImportSource: Sendable {
    /// Largest single source file or zip entry read, in bytes.
    static let maximumSize = 20_000_000

    /// The name used in messages (path, or `archive.zip:entry`).
    var name: String
    /// The raw bytes.
    var data: Data

    /// Creates a source.
    init(name: String, data: Data) {
        self.name = name
        self.data = data
    }

    /// The bytes as UTF-8 text without a byte-order mark, or a failure naming the first bad byte's line.
    func text() throws(ImportFailure) -> String {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Find the line of the first invalid byte for the message.
        var line = 1
        var start = bytes.startIndex
        for index in bytes.indices {
            if bytes[index] == 0x0A {
                if String(validating: bytes[start...index], as: UTF8.self) == nil { break }
                line += 1
                start = bytes.index(after: index)
            }
        }
        throw ImportFailure(file: name, line: line, "the file is not UTF-8 text; save it as UTF-8 and import again")
    }
}

/// Converts one source file into questions.
protocol QuestionImporter {
    /// The format this importer reads.
    static var format: BankFormat { get }
    /// Every question of `source`, in order, each imported, imported with warnings, or skipped.
    ///
    /// - Throws: ``ImportFailure`` when the source cannot be parsed at all (with file, line and column).
    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion]
}

/// Makes item, option and gap ids that satisfy the bank format from names found in a source.
public struct IdentifierMaker: Sendable {
    private var taken: Set<String> = []
    /// The next suffix to try per base id, so that many equal names cost linear time.
    private var nextSuffix: [String: Int] = [:]

    /// An empty maker.
    init() {}

    /// An id derived from `name` (letters, digits, `-`, `_`, `.`; umlauts transliterated; max 64), made
    /// unique among the ids this maker returned by appending `-2`, `-3`, ...; `fallback` when nothing is left.
    mutating func make(from name: String, fallback: String) -> String {
        var base = Self.sanitized(name)
        if base.isEmpty { base = Self.sanitized(fallback) }
        if base.isEmpty { base = "item" }
        var candidate = base
        var counter = nextSuffix[base] ?? 2
        while taken.contains(candidate) {
            let suffix = "-\(counter)"
            candidate = String(base.prefix(64 - suffix.count)) + suffix
            counter += 1
        }
        if candidate != base { nextSuffix[base] = counter }
        taken.insert(candidate)
        return candidate
    }

    /// `name` reduced to id characters, at most 64.
    public static func sanitized(_ name: String) -> String {
        var result = ""
        var pendingDash = false
        for character in name {
            let replacement: String
            switch character {
            case "ä", "Ä": replacement = "ae"
            case "ö", "Ö": replacement = "oe"
            case "ü", "Ü": replacement = "ue"
            case "ß": replacement = "ss"
            default:
                if character.isASCII, character.isLetter || character.isNumber || "-_.".contains(character) {
                    replacement = String(character)
                } else {
                    replacement = ""
                }
            }
            if replacement.isEmpty {
                pendingDash = !result.isEmpty
                continue
            }
            if pendingDash {
                result += "-"
                pendingDash = false
            }
            result += replacement
            if result.count >= 64 { break }
        }
        return String(result.prefix(64))
    }
}

/// Moodle's question-category paths, as GIFT `$CATEGORY:` lines and Moodle XML categories write them.
enum MoodleCategoryPath {
    /// The topic for a path such as `$course$/top/Kommunalrecht/Haushalt`: its last component as an id
    /// (Moodle writes a `/` inside a name as `//`), or `imported` when there is none. The context
    /// (`$course$`, `$system$`, ...) and its root category `top` are not topics.
    static func topic(from path: String) -> String {
        var components: [String] = []
        var current = ""
        var characters = Array(path)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "/" {
                if characters.first == "/" {
                    current.append("/")
                    characters = characters.dropFirst()
                } else {
                    components.append(current)
                    current = ""
                }
            } else {
                current.append(character)
            }
        }
        components.append(current)
        var names = components.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }[...]
        while let first = names.first, first.count > 1, first.hasPrefix("$"), first.hasSuffix("$") {
            names = names.dropFirst()
        }
        if names.first == "top" { names = names.dropFirst() }
        guard let last = names.last else { return "imported" }
        let topic = IdentifierMaker.sanitized(last)
        return topic.isEmpty ? "imported" : topic
    }
}
