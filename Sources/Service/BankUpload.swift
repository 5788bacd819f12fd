import Assessment
import Foundation
import Interchange

/// The formats a bank upload may name: our YAML, every format `campus bank import` reads, or `auto`.
enum BankUploadFormat: String, CaseIterable, Sendable {
    case auto, yaml, gift
    case moodleXML = "moodle-xml"
    case aiken, qti21, qti30, ilias

    /// The importer's format, `nil` for `auto` and `yaml`.
    var importFormat: BankFormat? { BankFormat(rawValue: rawValue) }
}

/// What the validator or the importer said about an upload, question by question; stored with each version.
struct BankReport: Codable, Sendable, Equatable {
    /// One question (or one problem) of the source.
    struct Entry: Codable, Sendable, Equatable {
        /// The source file (or `package.zip:entry`).
        var file: String
        /// 1-based line in the source, when known.
        var line: Int?
        /// 1-based column in the source, when known.
        var column: Int?
        /// `imported`, `warning`, `skipped` or `error`.
        var outcome: String
        /// The question's title in the source.
        var label: String?
        /// The item id in the stored bank.
        var item: String?
        /// What was approximated, why it was skipped, or what is wrong.
        var messages: [String]
    }

    /// The format the upload was read as.
    var format: String
    /// Whether the bank was accepted (a refused upload stores nothing).
    var accepted: Bool
    /// Questions in the bank.
    var items: Int
    /// Questions imported with warnings.
    var warnings: Int
    /// Source questions not imported.
    var skipped: Int
    /// Problems that refused the upload.
    var errors: Int
    /// Every question or problem, in source order.
    var entries: [Entry]

    init(format: String, entries: [Entry]) {
        self.format = format
        self.entries = entries
        items = entries.filter { $0.outcome == "imported" || $0.outcome == "warning" }.count
        warnings = entries.filter { $0.outcome == "warning" }.count
        skipped = entries.filter { $0.outcome == "skipped" }.count
        errors = entries.filter { $0.outcome == "error" }.count
        accepted = errors == 0 && items > 0
    }

    /// The report as stored in the database (JSON, keys sorted).
    var stored: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The report of a stored version; an unreadable one becomes an empty report.
    static func parse(_ stored: String) -> BankReport {
        (try? JSONDecoder().decode(BankReport.self, from: Data(stored.utf8)))
            ?? BankReport(format: "unknown", entries: [])
    }
}

/// Reads an uploaded bank file as hostile input: our YAML through the validator, everything else through the
/// importer, and the result back through the validator. Nothing here stores anything.
enum BankUpload {
    /// A bank that may be stored.
    struct Accepted: Sendable {
        /// The bank.
        var bank: Bank
        /// Its YAML: the uploaded bytes for a YAML upload, the importer's YAML otherwise.
        var yaml: String
        /// The format it was read as (`yaml`, `gift`, …, `qti21`, `qti30`, `ilias`).
        var format: String
        /// What the validator or importer said.
        var report: BankReport
    }

    /// An upload checked: accepted, or refused with the report saying why.
    enum Outcome: Sendable {
        case accepted(Accepted)
        case refused(BankReport)
    }

    /// Checks `bytes` (at most ``Limits/bank``, the caller's check) named `name`.
    ///
    /// `bankID` replaces the id an import would derive (a YAML bank carries its own; a different one refuses it);
    /// `provider` is the provider an imported bank names when its source has none.
    static func check(
        _ bytes: [UInt8], name: String, format: BankUploadFormat, bankID: String?, provider: String
    ) -> Outcome {
        let isYAML =
            switch format {
            case .yaml: true
            case .auto: looksLikeBankYAML(bytes)
            default: false
            }
        return isYAML
            ? checkYAML(bytes, name: name, bankID: bankID)
            : checkImport(bytes, name: name, format: format.importFormat, bankID: bankID, provider: provider)
    }

    /// A file name from a browser or a query, fit to show: no folders, no control characters, at most 120 characters.
    static func displayName(_ raw: String?, fallback: String) -> String {
        let last = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(
            String.UnicodeScalarView(last.unicodeScalars.filter { $0.properties.generalCategory != .control })
        )
        .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? fallback : String(clean.prefix(120))
    }

    /// Whether text that is neither a zip nor XML has the top-level keys of our bank format.
    static func looksLikeBankYAML(_ bytes: [UInt8]) -> Bool {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard !body.starts(with: [0x50, 0x4B]) else { return false }
        let head = String(decoding: body.prefix(200_000), as: UTF8.self)
        guard head.first(where: { !$0.isWhitespace }) != "<" else { return false }
        return head.split(whereSeparator: \.isNewline).contains { line in
            line.wholeMatch(of: /(id|items)\s*:.*/) != nil
        }
    }

    static func checkYAML(_ bytes: [UInt8], name: String, bankID: String?) -> Outcome {
        let result = BankReader.read(bytes, file: name)
        guard let bank = result.bank else {
            let entries = result.problems.map {
                BankReport.Entry(
                    file: name, line: $0.line, column: $0.column, outcome: "error", label: nil, item: nil,
                    messages: [$0.message])
            }
            return .refused(BankReport(format: "yaml", entries: entries))
        }
        let yaml = String(decoding: bytes, as: UTF8.self)
        let lines = yaml.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var entries: [BankReport.Entry] = []
        // The line of each item is the line of its `id:`, searched in file order.
        var next = 0
        for item in bank.items {
            var line: Int?
            if let found = lines[next...].firstIndex(where: { Self.declares($0, id: item.id) }) {
                line = found + 1
                next = found + 1
            }
            entries.append(
                BankReport.Entry(
                    file: name, line: line, column: nil, outcome: "imported", label: Self.opening(item.stem),
                    item: item.id,
                    messages: []))
        }
        if let bankID, bankID != bank.id {
            entries.insert(
                BankReport.Entry(
                    file: name, line: 1, column: 1, outcome: "error", label: nil, item: nil,
                    messages: [
                        "the bank's id is '\(bank.id)', not '\(bankID)'; a YAML bank keeps the id its file gives"
                    ]),
                at: 0)
        }
        entries += mediaProblems(bank, file: name, lines: lines)
        let report = BankReport(format: "yaml", entries: entries)
        guard report.accepted else { return .refused(report) }
        return .accepted(Accepted(bank: bank, yaml: yaml, format: "yaml", report: report))
    }

    static func declares(_ line: Substring, id: String) -> Bool {
        guard let match = line.wholeMatch(of: /\s*(?:-\s+)?id\s*:\s*(.*?)\s*/) else { return false }
        var value = match.1
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = value.dropFirst().dropLast()
        }
        return value == id
    }

    static func checkImport(
        _ bytes: [UInt8], name: String, format: BankFormat?, bankID: String?, provider: String
    ) -> Outcome {
        let label = format?.rawValue ?? "auto"
        func refusal(_ line: Int?, _ message: String) -> Outcome {
            .refused(
                BankReport(
                    format: label,
                    entries: [
                        BankReport.Entry(
                            file: name, line: line, column: line == nil ? nil : 1, outcome: "error", label: nil,
                            item: nil, messages: [message])
                    ]))
        }
        let settings = BankImportSettings(id: bankID, provider: provider)
        do {
            try settings.validate()
        } catch {
            return refusal(nil, error.description)
        }
        let file: ImportedFile
        do {
            file = try BankImport.read(name: name, data: Data(bytes), format: format)
        } catch {
            return .refused(
                BankReport(
                    format: label,
                    entries: [
                        BankReport.Entry(
                            file: error.location.file, line: error.location.line, column: error.location.column,
                            outcome: "error", label: nil, item: nil, messages: [error.message])
                    ]))
        }
        let defaultID = ((name as NSString).lastPathComponent as NSString).deletingPathExtension
        let assembled = BankImport.assemble(
            [file], settings: settings, defaultID: defaultID, existingMedia: { _ in nil })
        let detected = file.format.rawValue
        var entries: [BankReport.Entry] = assembled.outcomes.map { outcome in
            var entry = BankReport.Entry(
                file: outcome.location.file, line: outcome.location.line, column: outcome.location.column,
                outcome: "imported", label: outcome.label, item: nil, messages: [])
            switch outcome.status {
            case .imported(let item):
                entry.item = item.id
            case .importedWithWarnings(let item, let warnings):
                entry.item = item.id
                entry.outcome = "warning"
                entry.messages = warnings
            case .skipped(let reason):
                entry.outcome = "skipped"
                entry.messages = [reason]
            }
            let item: Item? =
                switch outcome.status {
                case .imported(let item), .importedWithWarnings(let item, _): item
                case .skipped: nil
                }
            if let item, !Self.images(in: item).isEmpty {
                entry.outcome = "error"
                entry.messages.append(Self.noImages(Self.images(in: item)))
            }
            return entry
        }
        guard let bank = assembled.bank else {
            if entries.isEmpty { return refusal(nil, "the file holds no question") }
            entries.append(
                BankReport.Entry(
                    file: name, line: nil, column: nil, outcome: "error", label: nil, item: nil,
                    messages: ["no question could be imported"]))
            return .refused(BankReport(format: detected, entries: entries))
        }
        let report = BankReport(format: detected, entries: entries)
        guard report.accepted, assembled.media.isEmpty else { return .refused(report) }
        // What the importer made goes through the validator like any upload.
        let yaml: String
        do {
            yaml = try BankWriter.yaml(bank)
        } catch {
            return refusal(nil, "the imported bank could not be written as YAML: \(error.reason)")
        }
        let check = BankReader.read(Array(yaml.utf8), file: name)
        guard let stored = check.bank else {
            let problems = check.problems.map { "\($0.line):\($0.column): \($0.message)" }
            return refusal(nil, "the imported bank breaks the bank format: \(problems.joined(separator: "; "))")
        }
        return .accepted(Accepted(bank: stored, yaml: yaml, format: detected, report: report))
    }

    /// The first words of a question's stem, to name it in a report.
    static func opening(_ stem: String) -> String {
        let line = stem.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 80 ? String(trimmed.prefix(79)) + "…" : trimmed
    }

    /// The images the item's texts refer to.
    static func images(in item: Item) -> [String] {
        item.markdownTexts.flatMap { MarkdownImage.all(in: $0).map(\.target) }
    }

    static func noImages(_ targets: [String]) -> String {
        "refers to \(targets.joined(separator: ", ")); the service does not store images yet, so banks with "
            + "images are refused (remove the image, or keep the bank as a file for `campus bank export`)"
    }

    /// An error for every line of a YAML bank that refers to an image.
    static func mediaProblems(_ bank: Bank, file: String, lines: [Substring]) -> [BankReport.Entry] {
        var entries: [BankReport.Entry] = []
        for item in bank.items {
            let targets = images(in: item)
            guard !targets.isEmpty else { continue }
            let line = lines.firstIndex { line in targets.contains { line.contains("](\($0)") } }.map { $0 + 1 }
            entries.append(
                BankReport.Entry(
                    file: file, line: line, column: nil, outcome: "error", label: Self.opening(item.stem),
                    item: item.id,
                    messages: [noImages(targets)]))
        }
        return entries
    }
}
