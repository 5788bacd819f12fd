import Assessment
import Foundation

/// Writes a bank as an IMS QTI 2.1 or 1EdTech QTI 3.0 content package (a zip with `imsmanifest.xml` and one
/// item file per item) that other tools can read and that ``QTIPackage`` reads back without loss.
///
/// Every item uses standard QTI constructs; what QTI cannot say is kept in `kc-` class names and in the
/// manifest (namespace `https://kommunalcampus.de/xsd/qti-bank/v1`):
///
/// - Texts are Markdown rendered as XHTML (paragraphs, lists, emphasis, code, links, images) inside
///   `<div class="kc-markdown" data-kc-markdown="SOURCE">`; the exact Markdown source in the attribute is
///   what our import reads back. Inline choices hold their text directly (QTI allows only text there), and a
///   cloze stem stays Markdown text around its interactions.
/// - Images (`![alt](media/x.png)`) are packed at their bank-relative path and listed as files of the
///   items using them; the XHTML refers to them relative to the item file (`../media/x.png`).
/// - Bank id, title, language, provider and version: `<kc:bank>` in the manifest metadata; topic and
///   difficulty: `<kc:item>` in each item resource's metadata.
/// - Identifiers that do not start with a letter get a leading `_` (QTI identifiers are XML names);
///   gap responses are `RESPONSE_<gap id>`, each gap's credit is the outcome `CREDIT_<gap id>`.
/// - Single choice: `match_correct` (custom rules when the item is not worth 1 point) or a mapping with one
///   entry per option that has a credit; custom rules (`match`, `divide`) when a credit × points is not a
///   finite decimal. Multiple response: a mapping, or custom rules (`member`, `not member` for unchecked
///   credit); an item scored by our default rule is marked `kc-default-scoring`. True/false: a choice of
///   `true`/`false` marked `kc-true-false`.
/// - Numeric: a float text entry marked `kc-numeric`, one rule per accepted value (`equal` with its
///   tolerance, relative tolerances in percent) that applies only when no better value matches; a tolerance
///   that is not a finite decimal is written as an exact interval (`gte`/`lte`) and reads back as absolute;
///   the unit as `<span class="kc-unit">`.
/// - Short text: a string text entry marked `kc-short-text` (`kc-case-sensitive`): a mapping when it says
///   everything, otherwise `stringMatch` rules; wildcard answers as `patternMatch` in a canonical form; the
///   bank's `pattern` as a `patternMatch` rule (marked `kc-pattern`, written as is).
/// - Matching: `matchInteraction` with directed pairs, P/n per right pair. Ordering: `orderInteraction`
///   with one rule per position (`index`), P/n per element in place.
/// - Cloze: the stem as a `kc-markdown` div with inline `textEntryInteraction`/`inlineChoiceInteraction`;
///   each gap's credit is computed into its `CREDIT_` outcome, clamped to 0...1 and weighted into SCORE;
///   the weight is also written as the class `kc-weight-<w>`.
/// - Essay: `extendedTextInteraction`; the response template is the response's default value, grader
///   information a `rubricBlock view="scorer"`.
/// - Feedback: `modalFeedback` shown through the multiple outcome FEEDBACK.
public enum QTIExporter {
    static let toolName = "KommunalCampus"
    static let toolVersion = "1"
    /// The namespace of our manifest extension.
    static let extensionNamespace = "https://kommunalcampus.de/xsd/qti-bank/v1"

    /// The content package for `bank` in `version`, with the images its texts refer to.
    ///
    /// `media` holds the bytes of every image by the bank-relative path the texts use (`media/karte.png`,
    /// see ``BankMedia/references(in:)``); each is packed at that path and listed with the items using it.
    ///
    /// - Throws: ``QTIExportError`` when a text holds characters XML cannot carry (control characters), or
    ///   an image the bank refers to is not in `media`.
    public static func package(_ bank: Bank, version: QTIVersion, media: [String: Data] = [:]) throws -> Data {
        var files: [(path: String, data: Data)] = []
        var resources: [(identifier: String, href: String, item: Item)] = []
        var packed: Set<String> = []
        for (index, item) in bank.items.enumerated() {
            let number = String(format: "%04d", index + 1)
            let href = "items/item-\(number).xml"
            files.append((href, Data(try itemXML(item, version: version, language: bank.language).utf8)))
            resources.append(("ITEM-\(number)", href, item))
            for target in imageTargets(of: item) where packed.insert(target).inserted {
                guard MarkdownImage.pathProblem(target) == nil, let data = media[target] else {
                    throw QTIExportError(.qtiExport, "item '\(item.id)': image \(target) not found next to the bank")
                }
                files.append((target, data))
            }
        }
        files.insert(("imsmanifest.xml", Data(try manifest(bank, version: version, resources: resources).utf8)), at: 0)
        return try ZipPackage.archive(files)
    }

    /// The bank-relative image paths of `item`, in order, without repetition.
    static func imageTargets(of item: Item) -> [String] {
        var seen: Set<String> = []
        return item.markdownTexts.flatMap { MarkdownImage.all(in: $0).map(\.target) }.filter {
            seen.insert($0).inserted
        }
    }

    /// The item file for `item`.
    static func itemXML(_ item: Item, version: QTIVersion, language: String) throws -> String {
        var writer = QTIItemWriter(version: version, item: item, language: language)
        try writer.write()
        return writer.xml.output
    }

    static func manifest(
        _ bank: Bank, version: QTIVersion, resources: [(identifier: String, href: String, item: Item)]
    ) throws -> String {
        var xml = QTIXMLWriter(version: .qti21)
        xml.output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        try xml.open(
            "manifest",
            [
                ("xmlns", version.manifestNamespace), ("xmlns:kc", extensionNamespace),
                ("identifier", "MANIFEST-" + encode(bank.id)),
            ])
        try xml.open("metadata")
        try xml.leaf("schema", text: version == .qti21 ? "QTIv2.1 Package" : "QTI Package")
        try xml.leaf("schemaversion", text: version == .qti21 ? "1.0.0" : "3.0.0")
        try xml.leaf(
            "kc:bank",
            [
                ("id", bank.id), ("title", bank.title), ("language", bank.language), ("provider", bank.provider),
                ("version", bank.version),
            ])
        xml.close("metadata")
        try xml.leaf("organizations")
        try xml.open("resources")
        for resource in resources {
            try xml.open(
                "resource",
                [("identifier", resource.identifier), ("type", version.itemResourceType), ("href", resource.href)])
            try xml.open("metadata")
            try xml.leaf(
                "kc:item",
                [("topic", resource.item.topic), ("difficulty", resource.item.difficulty?.rawValue)])
            xml.close("metadata")
            try xml.leaf("file", [("href", resource.href)])
            for image in imageTargets(of: resource.item) { try xml.leaf("file", [("href", image)]) }
            xml.close("resource")
        }
        xml.close("resources")
        xml.close("manifest")
        return xml.output
    }

    /// A QTI identifier for one of our ids (which may start with a digit, `-`, `.` or `_`).
    static func encode(_ id: String) -> String {
        guard let first = id.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return "_" + id }
        return id
    }
}

/// A small XML writer: indented elements, escaped text and attributes (line breaks and tabs in attributes
/// and carriage returns everywhere as character references, so that they read back unchanged), names
/// converted for QTI 3.0.
struct QTIXMLWriter {
    let version: QTIVersion
    var output = ""
    private var depth = 0

    init(version: QTIVersion) {
        self.version = version
    }

    static func check(_ text: String) throws {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0xFFFE || value == 0xFFFF {
                throw QTIExportError(
                    .qtiExport,
                    "the text '\(text.prefix(40))' contains the control character U+\(String(value, radix: 16, uppercase: true)), which XML cannot hold"
                )
            }
        }
    }

    static func text(_ text: String) throws -> String {
        try check(text)
        return XMLTree.escape(text).replacingOccurrences(of: "\r", with: "&#13;")
    }

    static func attribute(_ text: String) throws -> String {
        try check(text)
        return XMLTree.escape(text, attribute: true).replacingOccurrences(of: "\r", with: "&#13;")
            .replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(of: "\t", with: "&#9;")
    }

    private func start(_ name: String, _ attributes: [(String, String?)]) throws -> String {
        var tag = "<" + version.elementName(name)
        for (key, value) in attributes {
            guard let value else { continue }
            let attributeName = key.hasPrefix("xmlns") ? key : version.attributeName(key)
            tag += " \(attributeName)=\"\(try Self.attribute(value))\""
        }
        return tag
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    mutating func open(_ name: String, _ attributes: [(String, String?)] = []) throws {
        output += indent + (try start(name, attributes)) + ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        output += indent + "</\(version.elementName(name))>\n"
    }

    /// An element with text content (or empty).
    mutating func leaf(_ name: String, _ attributes: [(String, String?)] = [], text: String? = nil) throws {
        let tag = try start(name, attributes)
        if let text {
            output += indent + tag + ">" + (try Self.text(text)) + "</\(version.elementName(name))>\n"
        } else {
            output += indent + tag + "/>\n"
        }
    }

    /// Markup written on one line as it is (the caller escaped its text).
    mutating func line(_ markup: String) {
        output += indent + markup + "\n"
    }

    /// An inline start tag, for mixed content written on one line.
    func inlineStart(_ name: String, _ attributes: [(String, String?)] = [], empty: Bool = false) throws -> String {
        try start(name, attributes) + (empty ? "/>" : ">")
    }

    func inlineEnd(_ name: String) -> String { "</\(version.elementName(name))>" }
}
