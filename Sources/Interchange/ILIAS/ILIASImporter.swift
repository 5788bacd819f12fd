import Assessment
import Foundation

/// Reads ILIAS question pool exports: QTI 1.2 `questestinterop` files whose `item`s carry ILIAS metadata
/// (`itemmetadata/qtimetadata/qtimetadatafield` with `QUESTIONTYPE`, `textgaprating`, `points`, ...).
///
/// Converted: single choice (points on any option), multiple choice (points for ticked and unticked options),
/// cloze (text, select and numeric gaps), ordering, free text (as essay), numeric, matching (one term per
/// definition, equal points per pair) and text subset with one answer field. Everything else is skipped with
/// its reason. ILIAS points are kept exactly: options and answers carry their points as a fraction of the
/// question's maximum, which is what ILIAS itself computes (for multiple choice the sum over the options of the
/// larger of ticked and unticked points).
///
/// Use ``ILIASPackage`` for the zip archive ILIAS writes (`<ts>__<inst>__qpl_<id>/…qti_<id>.xml`).
enum ILIASImporter: QuestionImporter {
    /// ILIAS question pool (QTI 1.2).
    static let format = BankFormat.ilias
    /// Most items read from one file.
    static let maximumItems = BankReader.maximumItems

    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion] {
        try questions(in: source, extraWarnings: [:])
    }

    /// The questions of `source`; `extraWarnings` (by item `ident`) are added to imported items, e.g. about
    /// page content that the pool file holds next to a question.
    static func questions(
        in source: ImportSource, extraWarnings: [String: [String]], files: [String: Data] = [:], folder: String = ""
    ) throws(ImportFailure) -> [ImportedQuestion] {
        let root = try parseDocument(source)
        guard root.localName == "questestinterop" else {
            throw ImportFailure(
                root.location(in: source.name),
                "the root element is <\(root.name)>, not <questestinterop>; this is not an ILIAS question pool "
                    + "(QTI 1.2) export")
        }
        let items = collectItems(in: root)
        if items.count > maximumItems {
            throw ImportFailure(
                items[maximumItems].location(in: source.name),
                "the file holds more than \(maximumItems) questions; split the pool")
        }
        var ids = IdentifierMaker()
        var results: [ImportedQuestion] = []
        results.reserveCapacity(items.count)
        for (index, element) in items.enumerated() {
            var reader = ILIASItemReader(item: element, files: files, folder: folder)
            let label = reader.label
            let status: ImportStatus
            do {
                let converted = try reader.convert()
                let title = element.attributes["title"] ?? ""
                let fallback = element.attributes["ident"] ?? "ilias-\(index + 1)"
                let item = Item(
                    id: ids.make(from: title, fallback: fallback), topic: "imported", points: converted.points,
                    stem: converted.stem, feedback: converted.feedback, kind: converted.kind)
                var warnings = reader.warnings
                if let ident = element.attributes["ident"], let extra = extraWarnings[ident] {
                    warnings += extra
                }
                warnings = unique(warnings)
                status = warnings.isEmpty ? .imported(item) : .importedWithWarnings(item, warnings)
            } catch {
                status = .skipped(reason: error.reason)
            }
            results.append(
                ImportedQuestion(
                    location: element.location(in: source.name), label: label, status: status,
                    media: reader.media.media))
        }
        return results
    }

    /// `source` parsed after checking that it is UTF-8 (as ILIAS writes it) and that it is complete.
    ///
    /// FoundationXML's parser traps on some invalid UTF-8 (in element names), so the bytes are validated before it
    /// sees them; and it accepts documents whose elements are never closed, so a file that does not end with its
    /// root's end tag (a cut-off export) is refused here.
    static func parseDocument(_ source: ImportSource) throws(ImportFailure) -> MarkupElement {
        guard source.data.count <= ImportSource.maximumSize else { return try XMLTree.parse(source) }
        _ = try source.text()
        let root = try XMLTree.parse(source)
        try checkComplete(source, root: root)
        return root
    }

    private static func checkComplete(_ source: ImportSource, root: MarkupElement) throws(ImportFailure) {
        var bytes = source.data[...]
        for _ in 0..<100 {
            while let last = bytes.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 {
                bytes = bytes.dropLast()
            }
            guard bytes.suffix(3).elementsEqual("-->".utf8),
                let comment = bytes.lastRange(of: Data("<!--".utf8))
            else { break }
            bytes = bytes[..<comment.lowerBound]
        }
        if bytes.suffix(root.name.utf8.count + 3).elementsEqual("</\(root.name)>".utf8) { return }
        if root.children.isEmpty, bytes.suffix(2).elementsEqual("/>".utf8),
            let open = bytes.lastIndex(of: UInt8(ascii: "<")),
            bytes[open...].starts(with: "<\(root.name)".utf8)
        {
            return
        }
        let line = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = bytes.lastIndex(of: 0x0A).map { bytes.index(after: $0) } ?? bytes.startIndex
        let column = String(decoding: bytes[lineStart...], as: UTF8.self).count + 1
        throw ImportFailure(
            file: source.name, line: line, column: column,
            "the file ends before </\(root.name)>; it is incomplete (cut off?) or damaged")
    }

    /// The `item`s of the document in order, including those inside `assessment`/`section` (ILIAS test exports).
    static func collectItems(in root: MarkupElement) -> [MarkupElement] {
        var found: [MarkupElement] = []
        // Nesting is bounded by `XMLTree.maximumDepth`.
        func visit(_ element: MarkupElement) {
            for child in element.elements {
                switch child.localName {
                case "item": found.append(child)
                case "assessment", "section", "objectbank": visit(child)
                default: break
                }
            }
        }
        visit(root)
        return found
    }

    /// `warnings` without repeats, first occurrence kept.
    static func unique(_ warnings: [String]) -> [String] {
        var seen = Set<String>()
        return warnings.filter { seen.insert($0).inserted }
    }
}

/// Why one ILIAS item is not converted.
struct ILIASSkip: Error {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// Numbers as ILIAS writes them, read exactly and within bounds that keep all later arithmetic exact.
enum ILIASNumber {
    /// Points: a decimal (`1`, `-0.5`, `2,25`) with at most 6 integer and 8 fractional digits, no exponent.
    static func points(_ text: String) -> Rational? {
        decimal(text, integerDigits: 6)
    }

    /// A numeric answer or bound: a decimal with at most 9 integer and 8 fractional digits, no exponent.
    static func value(_ text: String) -> Rational? {
        decimal(text, integerDigits: 9)
    }

    private static func decimal(_ text: String, integerDigits: Int) -> Rational? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 40 else { return nil }
        var body = Substring(trimmed)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," })
        guard (1...2).contains(parts.count) else { return nil }
        let whole = parts[0].drop { $0 == "0" }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(parts[0].isEmpty && fraction.isEmpty), whole.count <= integerDigits, fraction.count <= 8,
            (parts[0] + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return Rational(decimal: trimmed)
    }

    /// `numerator / denominator` when the reduced result fits, `nil` otherwise (or when `denominator` is 0).
    static func quotient(_ numerator: Rational, _ denominator: Rational) -> Rational? {
        guard denominator != .zero else { return nil }
        return Rational.exactly(
            Int128(numerator.numerator) * Int128(denominator.denominator),
            Int128(numerator.denominator) * Int128(denominator.numerator))
    }

    /// `value` as ILIAS would print it, for messages.
    static func text(_ value: Rational) -> String { value.exactText }
}
