import Assessment
import Foundation

/// Why a Moodle question is not converted; becomes ``ImportStatus/skipped(reason:)``.
struct MoodleSkip: Error, Equatable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// What a question type's converter produces; the general feedback and id are added by the importer.
struct MoodleConversion {
    var stem: String
    var points: Rational
    var kind: ItemKind
}

/// One `<question>` element being converted: the readers every question type shares and the warnings so far.
struct MoodleQuestion {
    let element: MarkupElement
    let type: String
    /// Format of the question text (`html`, `moodle_auto_format`, `plain_text`, `markdown`, ...); the default for
    /// feedback and answers that name none.
    let textFormat: String
    private(set) var warnings: [String] = []
    /// The images the question's texts embed, found among its `<file>` elements.
    let media: MediaCollector

    init(element: MarkupElement, type: String) {
        self.element = element
        self.type = type
        textFormat = Self.format(of: element.element("questiontext"), default: "html")
        var files: [String: MarkupElement] = [:]
        for file in element.descendants("file") {
            let reference = Self.reference(of: file)
            if files[reference] == nil { files[reference] = file }
        }
        media = MediaCollector { source in
            let decoded = source.removingPercentEncoding ?? source
            guard let file = files[decoded] ?? files[source], !Self.isOversized(file) else { return nil }
            let payload = Self.directText(file).filter { !$0.isWhitespace }
            return Data(base64Encoded: payload).map { MediaFile($0) }
        }
    }

    /// `@@PLUGINFILE@@/path/name`, the way Moodle's texts refer to a `<file>`.
    static func reference(of file: MarkupElement) -> String {
        let name = file.attributes["name"]?.trimmingCharacters(in: .whitespaces) ?? ""
        var path = file.attributes["path"]?.trimmingCharacters(in: .whitespaces) ?? "/"
        if !path.hasPrefix("/") { path = "/" + path }
        if !path.hasSuffix("/") { path += "/" }
        return "@@PLUGINFILE@@\(path)\(name.isEmpty ? "(unnamed)" : name)"
    }

    /// Whether the base64 payload of `file` holds more than ``maximumFileSize`` bytes (measured, not decoded).
    static func isOversized(_ file: MarkupElement) -> Bool {
        var characters = 0
        for child in file.children {
            if case .text(let text) = child { characters += text.utf8.count }
        }
        return characters / 4 * 3 > maximumFileSize
    }

    mutating func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }

    // MARK: Texts

    /// The `format` attribute of a text-bearing element, or `fallback`.
    static func format(of element: MarkupElement?, default fallback: String) -> String {
        let format = element?.attributes["format"]?.trimmingCharacters(in: .whitespaces) ?? ""
        return format.isEmpty ? fallback : format
    }

    /// The text of an element's `<text>` child (or its own text when it has none), trimmed as Moodle does.
    static func rawText(_ element: MarkupElement?) -> String {
        guard let element else { return "" }
        let text = element.element("text")?.text ?? directText(element)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The element's own character data, without that of child elements.
    static func directText(_ element: MarkupElement) -> String {
        var result = ""
        for child in element.children {
            if case .text(let text) = child { result += text }
        }
        return result
    }

    /// `raw` in `format` as Markdown: HTML is reduced (with its warnings), the other formats are kept as text.
    mutating func markdown(raw: String, format: String) -> String {
        switch format {
        case "moodle_auto_format", "plain_text", "markdown", "wiki_like":
            return raw.trimmingCharacters(in: .whitespacesAndNewlines)
        default:
            // `html`, and whatever Moodle does not know, which it reads as HTML.
            let (markdown, warnings) = HTMLText.markdown(from: raw, media: media)
            for warning in warnings { warn(warning) }
            return markdown
        }
    }

    /// The Markdown of a text-bearing child element such as `<questiontext>` or `<feedback>`.
    mutating func markdown(of element: MarkupElement?) -> String {
        guard let element else { return "" }
        return markdown(raw: Self.rawText(element), format: Self.format(of: element, default: textFormat))
    }

    /// Like ``markdown(of:)``, `nil` when empty.
    mutating func optionalMarkdown(of element: MarkupElement?) -> String? {
        let text = markdown(of: element)
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text
    }

    /// The question text as Markdown; a question without text is skipped.
    mutating func stem() throws(MoodleSkip) -> String {
        let stem = markdown(of: element.element("questiontext"))
        guard !stem.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw MoodleSkip("the question text is empty")
        }
        return stem
    }

    /// The text of a plain child element such as `<usecase>`, trimmed; `nil` when absent.
    func value(_ name: String) -> String? {
        element.element(name).map { Self.rawText($0) }
    }

    /// Moodle's reading of a yes/no setting: `false`, `0` and empty are no (`trans_single`).
    func flag(_ name: String, default fallback: Bool) -> Bool {
        guard let text = value(name) else { return fallback }
        return !(text.isEmpty || text == "0" || text == "false")
    }

    // MARK: Numbers

    /// `<defaultgrade>` as the item's points; 1 (Moodle's default mark) when absent.
    func points() throws(MoodleSkip) -> Rational {
        guard let element = element.element("defaultgrade") else { return .one }
        let spelled = Self.rawText(element)
        guard !spelled.isEmpty else { return .one }
        guard let points = MoodleNumber.decimal(spelled) else {
            throw MoodleSkip("default grade '\(spelled)' is not a number (line \(element.line))")
        }
        if let problem = BankRules.points(points, spelled: spelled) {
            throw MoodleSkip("default grade \(spelled) cannot be kept: \(problem)")
        }
        return points
    }

    /// The fraction of an `<answer>`, reported when it is not one of Moodle's grade values.
    mutating func fraction(of answer: MarkupElement) throws(MoodleSkip) -> Rational {
        let spelled = answer.attributes["fraction"]
        guard let fraction = MoodleGrades.fraction(percent: spelled) else {
            throw MoodleSkip("answer fraction '\(spelled ?? "")' is not a number (line \(answer.line))")
        }
        if let problem = BankRules.credit("credit", fraction, spelled: fraction.exactText) {
            throw MoodleSkip("answer fraction \(spelled ?? "") (line \(answer.line)) cannot be kept: \(problem)")
        }
        if !MoodleGrades.isStandard(fraction) {
            warn("fraction \(MoodleNumber.text(fraction)) is not one of Moodle's grade values; kept as is")
        }
        return fraction
    }

    // MARK: What every question type may carry

    /// Warnings for the settings and parts our banks have no place for.
    mutating func commonWarnings() {
        if let spelled = value("penalty"), !spelled.isEmpty, MoodleNumber.decimal(spelled) != .zero {
            warn("penalty \(spelled) for retries not kept (attempts are scored once)")
        }
        let feedbacks = [
            ("correctfeedback", "correct answers"), ("partiallycorrectfeedback", "partially correct answers"),
            ("incorrectfeedback", "incorrect answers"),
        ]
        for (name, what) in feedbacks {
            guard let feedback = element.element(name) else { continue }
            let raw = Self.rawText(feedback)
            let text =
                Self.format(of: feedback, default: textFormat) == "html" ? HTMLText.markdown(from: raw).markdown : raw
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                warn("combined feedback for \(what) dropped")
            }
        }
        let hints = element.elements("hint").count
        if hints > 0 { warn(hints == 1 ? "1 hint for retries dropped" : "\(hints) hints for retries dropped") }
        let tags = (element.elements("tags") + element.elements("coursetags")).flatMap { $0.elements("tag") }
            .map { Self.rawText($0) }.filter { !$0.isEmpty }
        if !tags.isEmpty { warn("tags \(tags.joined(separator: ", ")) not kept") }
        if flag("hidden", default: false) { warn("the question is hidden in Moodle; imported as a normal item") }
        if let idNumber = value("idnumber"), !idNumber.isEmpty { warn("Moodle ID number \(idNumber) not kept") }
    }

    /// Largest embedded file whose size is looked at; bigger payloads are reported without being read.
    static let maximumFileSize = 5_000_000

    /// One warning per embedded `<file>` that no text embeds as an image.
    mutating func fileWarnings() {
        let embedded = Set(media.embeddedSources.map { $0.removingPercentEncoding ?? $0 })
        for file in element.descendants("file") {
            let reference = Self.reference(of: file)
            guard !embedded.contains(reference) else { continue }
            let kind = Self.isImage(reference) ? "image" : "file"
            if Self.isOversized(file) {
                warn("\(kind) \(reference) not embedded (larger than 5 MB; its data was not read)")
            } else if !mentions(reference) {
                warn("\(kind) \(reference) not embedded")
            }
        }
    }

    /// The old-style question image (`<image>` with `<image_base64>`, Moodle 1.x) as Markdown to follow the
    /// question text; embedded when its data is there, else a reference with a warning.
    mutating func legacyImage() -> String? {
        guard let image = value("image"), !image.isEmpty else { return nil }
        let payload = element.element("image_base64").map { Self.directText($0).filter { !$0.isWhitespace } } ?? ""
        if !payload.isEmpty, payload.utf8.count <= Self.maximumFileSize / 3 * 4 + 4,
            let data = Data(base64Encoded: payload)
        {
            return MarkdownImage.markdown(
                alt: "", target: media.add(name: MediaCollector.fileName(from: image), data: data))
        }
        let (markdown, warning) = media.image(source: image, alt: "")
        if let warning { warn(warning) }
        return markdown
    }

    /// Whether an earlier warning (from the HTML) already names `reference`, also percent-encoded.
    private func mentions(_ reference: String) -> Bool {
        warnings.contains { warning in
            for prefix in ["image ", "file "] where warning.hasPrefix(prefix) && warning.contains(" not embedded") {
                let named = warning.dropFirst(prefix.count).components(separatedBy: " not embedded")[0]
                if named == reference || named.removingPercentEncoding == reference { return true }
            }
            return false
        }
    }

    static func isImage(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff"].contains {
            lower.hasSuffix($0)
        }
    }
}

/// Option ids `a` ... `t` (items have at most 20 options).
enum MoodleIDs {
    static func letter(_ index: Int) -> String {
        guard (0..<26).contains(index), let scalar = Unicode.Scalar(UInt32(97 + index)) else { return "o\(index + 1)" }
        return String(Character(scalar))
    }
}
