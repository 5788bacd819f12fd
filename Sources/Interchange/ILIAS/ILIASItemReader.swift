import Assessment
import Foundation

/// Text as ILIAS writes it into `material`: `mattext` runs (HTML or plain) and notes about media left out.
struct ILIASText {
    /// The runs in order, each with whether it is HTML (`texttype="text/xhtml"`).
    var fragments: [(text: String, isHTML: Bool)] = []
    /// Warnings about what reading left out (audio, video, ...), given when the text is used.
    var notes: [String] = []
    /// The `matimage`s: `label` (what an `<img src>` in the HTML names), `uri` (a file of the export) and
    /// the base64 payload of an embedded image.
    var images: [(label: String, uri: String, base64: String?)] = []

    /// The runs joined as ILIAS joins them.
    var raw: String { fragments.map(\.text).joined() }
    /// Whether any run is HTML.
    var isHTML: Bool { fragments.contains { $0.isHTML } }
}

/// One `respcondition` of an item's `resprocessing`, reduced to the forms ILIAS writes.
struct ILIASCondition {
    enum Test: Equatable {
        /// `<varequal>value</varequal>` (ordering adds `index`).
        case equal(String, index: String?)
        /// `<not><varequal>value</varequal></not>`.
        case notEqual(String)
        /// `<vargte>` and/or `<varlte>` (inclusive bounds).
        case range(lower: String?, upper: String?)
        /// `<varsubset>value</varsubset>`.
        case subset(String)
        /// Anything else (combinations with `and`/`or`, `other`, ...).
        case other
    }

    /// The response the condition tests (`respident`), if it names one.
    let respident: String?
    let test: Test
    /// `setvar` actions and values in order.
    let setvars: [(action: String, value: String)]
    /// `displayfeedback linkrefid`s.
    let feedbackRefs: [String]
    let line: Int

    /// Whether the condition tests the response `ident` (or names none).
    func refers(to ident: String) -> Bool {
        guard let respident, !respident.isEmpty else { return true }
        return respident == ident
    }

    /// The points the condition adds, `nil` when it sets none (a feedback-only condition).
    func points() throws(ILIASSkip) -> Rational? {
        guard !setvars.isEmpty else { return nil }
        var total = Rational.zero
        for (action, text) in setvars {
            guard let value = ILIASNumber.points(text) else {
                throw ILIASSkip(
                    "points '\(text.prefix(40))' at line \(line) cannot be read exactly (a decimal number with at "
                        + "most 8 decimal places is expected)")
            }
            switch action.lowercased() {
            case "", "add", "set": total += value
            case "subtract": total = total - value
            default: throw ILIASSkip("the scoring action '\(action.prefix(40))' at line \(line) is not supported")
            }
        }
        return total
    }
}

/// What one item becomes.
struct ILIASConverted {
    var stem: String
    var points: Rational
    var kind: ItemKind
    var feedback: String? = nil
}

/// Converts one ILIAS `item`, collecting warnings; the question-type converters are in
/// `ILIASQuestionKinds.swift`.
struct ILIASItemReader {
    /// Most `respcondition`s, `response_label`s or metadata fields read from one item.
    static let maximumParts = 2_000
    /// Feedback idents ILIAS uses for its two generic feedbacks.
    static let allCorrectFeedback = "response_allcorrect"
    static let notAllCorrectFeedback = "response_onenotcorrect"

    let item: MarkupElement
    /// `qtimetadatafield`s by `fieldlabel` (first occurrence).
    let metadata: [String: String]
    let conditions: [ILIASCondition]
    private(set) var warnings: [String] = []
    /// Indices of `conditions` a converter has accounted for.
    var consumed = Set<Int>()
    private var usedFeedback = Set<String>()
    private let feedbackElements: [(ident: String, element: MarkupElement)]
    private let referencedFeedback: Set<String>
    private let tooLarge: Bool
    /// The images the item's texts embed.
    let media = MediaCollector()
    /// The files of the export (zip), by archive path, and the folder of the question file in it.
    private let packageFiles: [String: Data]
    private let packageFolder: String

    init(item: MarkupElement, files: [String: Data] = [:], folder: String = "") {
        self.item = item
        packageFiles = files
        packageFolder = folder
        var metadata: [String: String] = [:]
        var conditions: [ILIASCondition] = []
        var feedbacks: [(ident: String, element: MarkupElement)] = []
        var fieldCount = 0
        var conditionCount = 0
        for part in item.elements {
            switch part.localName {
            case "itemmetadata":
                for field in part.elements.lazy.filter({ $0.localName == "qtimetadata" }).flatMap(\.elements) {
                    fieldCount += 1
                    guard fieldCount <= Self.maximumParts, field.localName == "qtimetadatafield" else { continue }
                    guard let label = field.childText("fieldlabel")?.trimmingCharacters(in: .whitespacesAndNewlines),
                        !label.isEmpty, metadata[label] == nil
                    else { continue }
                    metadata[label] = field.childText("fieldentry") ?? ""
                }
            case "resprocessing":
                for condition in part.elements where condition.localName == "respcondition" {
                    conditionCount += 1
                    guard conditionCount <= Self.maximumParts else { break }
                    conditions.append(Self.condition(condition))
                }
            case "itemfeedback":
                feedbacks.append((part.attributes["ident"] ?? "", part))
            default:
                break
            }
        }
        self.metadata = metadata
        self.conditions = conditions
        feedbackElements = Array(feedbacks.prefix(Self.maximumParts))
        referencedFeedback = Set(conditions.flatMap(\.feedbackRefs))
        tooLarge =
            conditionCount > Self.maximumParts || fieldCount > Self.maximumParts
            || feedbacks.count > Self.maximumParts
    }

    private static func condition(_ element: MarkupElement) -> ILIASCondition {
        let tests = element.element("conditionvar")?.elements ?? []
        var respident: String? = nil
        var test = ILIASCondition.Test.other
        if tests.count == 1, let only = tests.first {
            respident = only.attributes["respident"]
            let value = only.text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch only.localName {
            case "varequal":
                test = .equal(value, index: only.attributes["index"])
            case "varsubset":
                test = .subset(value)
            case "vargte":
                test = .range(lower: value, upper: nil)
            case "varlte":
                test = .range(lower: nil, upper: value)
            case "not":
                if only.elements.count == 1, let inner = only.elements.first, inner.localName == "varequal" {
                    respident = inner.attributes["respident"]
                    test = .notEqual(inner.text.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            default:
                break
            }
        } else if tests.count == 2, let lower = tests.first(where: { $0.localName == "vargte" }),
            let upper = tests.first(where: { $0.localName == "varlte" }),
            lower.attributes["respident"] == upper.attributes["respident"]
        {
            respident = lower.attributes["respident"]
            test = .range(
                lower: lower.text.trimmingCharacters(in: .whitespacesAndNewlines),
                upper: upper.text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let setvars = element.elements("setvar").map { ($0.attributes["action"] ?? "", $0.text) }
        let feedbackRefs = element.elements("displayfeedback").compactMap { $0.attributes["linkrefid"] }
            .filter { !$0.isEmpty }
        return ILIASCondition(
            respident: respident, test: test, setvars: setvars, feedbackRefs: feedbackRefs, line: element.line)
    }

    /// The question's title, or its first words when it has none.
    var label: String {
        if let title = item.attributes["title"]?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty {
            return String(title.prefix(200))
        }
        if let first = item.element("presentation")?.descendants("mattext").first {
            let text = HTMLText.markdown(from: String(first.text.prefix(2_000))).markdown
            let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            if !words.isEmpty { return words.count > 40 ? String(words.prefix(40)) + "…" : words }
        }
        if let ident = item.attributes["ident"], !ident.isEmpty { return String(ident.prefix(200)) }
        return "question without title"
    }

    // MARK: Conversion

    /// Converts the item by its ILIAS question type.
    mutating func convert() throws(ILIASSkip) -> ILIASConverted {
        guard !tooLarge else {
            throw ILIASSkip(
                "the question has more than \(Self.maximumParts) scoring rules, feedbacks or metadata fields")
        }
        guard let presentation = item.element("presentation") else {
            throw ILIASSkip("the question has no <presentation>")
        }
        let type = try questionType(presentation)
        var converted: ILIASConverted
        switch type {
        case "SINGLE CHOICE QUESTION": converted = try singleChoice(presentation)
        case "MULTIPLE CHOICE QUESTION": converted = try multipleChoice(presentation)
        case "CLOZE QUESTION": converted = try cloze(presentation)
        case "ORDERING QUESTION": converted = try ordering(presentation)
        case "TEXT QUESTION": converted = try essay(presentation)
        case "NUMERIC QUESTION": converted = try numeric(presentation)
        case "MATCHING QUESTION": converted = try matching(presentation)
        case "TEXTSUBSET QUESTION": converted = try textSubset(presentation)
        default: throw ILIASSkip("\(type) is not supported")
        }
        try checkAllScoringUsed()
        if let general = try generalFeedback() {
            converted.feedback = [converted.feedback, general].compactMap { $0 }.joined(separator: "\n\n")
        }
        noteLeftOutParts(presentation)
        return converted
    }

    /// `QUESTIONTYPE` from the metadata, or the type the presentation implies for items without it.
    private func questionType(_ presentation: MarkupElement) throws(ILIASSkip) -> String {
        if let type = metadata["QUESTIONTYPE"]?.trimmingCharacters(in: .whitespacesAndNewlines), !type.isEmpty {
            return String(type.uppercased().prefix(100))
        }
        let responses = flow(presentation).compactMap { entry -> MarkupElement? in
            if case .response(let response) = entry { return response }
            return nil
        }
        if responses.count == 1, let response = responses.first {
            switch (response.localName, response.attributes["rcardinality"]?.lowercased()) {
            case ("response_lid", "single"): return "SINGLE CHOICE QUESTION"
            case ("response_lid", "multiple"): return "MULTIPLE CHOICE QUESTION"
            case ("response_lid", "ordered"): return "ORDERING QUESTION"
            case ("response_num", _): return "NUMERIC QUESTION"
            default: break
            }
        }
        throw ILIASSkip("the question type cannot be determined (the item has no QUESTIONTYPE metadata)")
    }

    /// A scoring rule that no converter accounted for would change the points: refuse rather than lose it.
    private func checkAllScoringUsed() throws(ILIASSkip) {
        for (index, condition) in conditions.enumerated() where !consumed.contains(index) {
            guard let points = try condition.points(), points != .zero else { continue }
            throw ILIASSkip("the scoring rule at line \(condition.line) cannot be represented")
        }
    }

    /// Hints and suggested solutions (materials of the responses, as ILIAS writes them) are not part of a bank
    /// item; say so.
    private mutating func noteLeftOutParts(_ presentation: MarkupElement) {
        let hints = item.elements("solutionhint").count
        if hints > 0 { warnings.append(hints == 1 ? "1 hint not kept" : "\(hints) hints not kept") }
        for entry in flow(presentation) {
            guard case .response(let response) = entry else { continue }
            for material in response.elements("material") {
                for text in material.elements("mattext") where text.attributes["label"] == "suggested_solution" {
                    let link = text.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    warnings.append("suggested solution \(link.prefix(80)) not kept")
                }
            }
        }
    }

    // MARK: Presentation

    enum FlowEntry {
        case material(MarkupElement)
        case response(MarkupElement)
    }

    /// The `material` and `response_*` elements of the presentation in order, nested `flow`s flattened.
    func flow(_ presentation: MarkupElement) -> [FlowEntry] {
        var entries: [FlowEntry] = []
        func visit(_ element: MarkupElement) {
            for child in element.elements {
                let name = child.localName
                if name == "flow" {
                    visit(child)
                } else if name == "material" {
                    entries.append(.material(child))
                } else if name.hasPrefix("response_") {
                    entries.append(.response(child))
                }
            }
        }
        visit(presentation)
        return entries
    }

    /// The question text (all materials of the flow) and its only response, which must be one of `kinds`.
    mutating func stemAndResponse(
        _ presentation: MarkupElement, kinds: Set<String>
    ) throws(ILIASSkip) -> (stem: String, response: MarkupElement) {
        var text = ILIASText()
        var responses: [MarkupElement] = []
        for entry in flow(presentation) {
            switch entry {
            case .material(let material): Self.read(material, into: &text)
            case .response(let response): responses.append(response)
            }
        }
        guard let response = responses.first, kinds.contains(response.localName) else {
            let expected = kinds.sorted().map { "<\($0)>" }.joined(separator: " or ")
            throw ILIASSkip("the question has no \(expected)")
        }
        guard responses.count == 1 else {
            throw ILIASSkip("the question has \(responses.count) answer fields; one is expected")
        }
        let stem = try markdown(text, what: "the question text")
        guard !stem.isEmpty else { throw ILIASSkip("the question has no text") }
        return (stem, response)
    }

    /// Reads a `material` (nested materials included) into `text`.
    static func read(_ material: MarkupElement, into text: inout ILIASText) {
        for child in material.elements {
            switch child.localName {
            case "mattext", "matemtext":
                let label = child.attributes["label"]
                if label == "answerdepth" || label == "suggested_solution" { continue }
                let type = (child.attributes["texttype"] ?? "").lowercased()
                text.fragments.append((child.text, type.contains("html")))
            case "matbreak":
                text.fragments.append(("\n", false))
            case "matimage":
                let embedded = (child.attributes["embedded"] ?? "").lowercased() == "base64"
                text.images.append(
                    (
                        (child.attributes["label"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                        (child.attributes["uri"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                        embedded ? child.text : nil
                    ))
            case "mataudio":
                text.notes.append(mediaNote("audio", child))
            case "matvideo":
                text.notes.append(mediaNote("video", child))
            case "matapplet":
                text.notes.append(mediaNote("applet", child))
            case "material":
                read(child, into: &text)
            case "mat_extension":
                text.notes.append("material extension <mat_extension> dropped")
            default:
                break
            }
        }
    }

    /// Reads the materials inside `element` (directly or in `flow_mat`s).
    static func readContent(_ element: MarkupElement, into text: inout ILIASText) {
        for child in element.elements {
            switch child.localName {
            case "material": read(child, into: &text)
            case "flow_mat", "flow_label": readContent(child, into: &text)
            default: break
            }
        }
    }

    private static func mediaNote(_ kind: String, _ element: MarkupElement) -> String {
        let name = [element.attributes["label"], element.attributes["uri"]].compactMap { $0 }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
        guard let name else { return "\(kind) without a name not embedded" }
        return "\(kind) \(name.prefix(200)) not embedded"
    }

    /// The Markdown of `text` (HTML reduced), adding its warnings.
    mutating func markdown(_ text: ILIASText, what: String) throws(ILIASSkip) -> String {
        let raw = text.raw
        guard raw.utf8.count <= 20 * BankRules.maximumTextLength else {
            throw ILIASSkip("\(what) is too long (\(raw.utf8.count) bytes)")
        }
        warnings += text.notes
        let images = text.images
        let files = packageFiles
        let folder = packageFolder
        media.lookup = { source in
            let image = images.first { $0.label == source || $0.uri == source }
            if let payload = image?.base64 {
                guard payload.utf8.count <= BankMedia.maximumFileSize / 3 * 4 + 1_000 else { return nil }
                return Data(base64Encoded: payload.filter { !$0.isWhitespace }).map {
                    MediaFile($0, name: image?.label)
                }
            }
            let uri = image.map { $0.uri.isEmpty ? source : $0.uri } ?? source
            let data = MediaNames.archivePath(uri, relativeTo: folder).flatMap { files[$0] }
            return MediaFile(data, name: (uri as NSString).lastPathComponent)
        }
        var result: String
        if text.isHTML {
            let converted = HTMLText.markdown(from: raw, media: media)
            warnings += converted.warnings
            result = converted.markdown
        } else {
            result = HTMLText.decodeEntities(raw).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // Images the HTML does not show (an option's picture) follow the text.
        for image in images where !image.label.isEmpty || !image.uri.isEmpty {
            let source = image.label.isEmpty ? image.uri : image.label
            guard !raw.contains("src=\"\(source)\""), !raw.contains("src='\(source)'") else {
                continue
            }
            let (markdown, warning) = media.image(source: source, alt: "")
            if let warning { warnings.append(warning) }
            result += (result.isEmpty ? "" : " ") + markdown
        }
        if let problem = BankRules.tooLong(what, result) { throw ILIASSkip(problem) }
        return result
    }

    // MARK: Options

    /// A `response_label` with its ident and content.
    struct Label {
        let ident: String
        let element: MarkupElement
        let text: ILIASText
    }

    /// The `response_label`s of `response` with unique, non-empty idents.
    func labels(of response: MarkupElement) throws(ILIASSkip) -> [Label] {
        let elements = response.descendants("response_label")
        guard elements.count <= Self.maximumParts else {
            throw ILIASSkip("the question has more than \(Self.maximumParts) answers")
        }
        var labels: [Label] = []
        var seen = Set<String>()
        for element in elements {
            let ident = (element.attributes["ident"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !ident.isEmpty else { throw ILIASSkip("an answer at line \(element.line) has no ident") }
            guard seen.insert(ident).inserted else {
                throw ILIASSkip("the answer ident '\(ident.prefix(40))' is used twice")
            }
            var text = ILIASText()
            Self.readContent(element, into: &text)
            labels.append(Label(ident: ident, element: element, text: text))
        }
        return labels
    }

    /// Choices (ids from the idents, Markdown text) for `labels`; every option needs text.
    mutating func choices(_ labels: [Label], what: String = "option") throws(ILIASSkip) -> [Choice] {
        var ids = IdentifierMaker()
        var choices: [Choice] = []
        for label in labels {
            let text = try markdown(label.text, what: "\(what) '\(label.ident.prefix(40))'")
            guard !text.isEmpty else {
                throw ILIASSkip("\(what) '\(label.ident.prefix(40))' has no text (images are not embedded)")
            }
            choices.append(Choice(id: ids.make(from: label.ident, fallback: what), text: text))
        }
        return choices
    }

    // MARK: Points

    /// `points` when they fit a bank item (greater than 0, at most 1000, at most 4 decimal places).
    func itemPoints(_ points: Rational) throws(ILIASSkip) -> Rational {
        guard points > .zero else {
            throw ILIASSkip(
                points == .zero
                    ? "the question gives no points"
                    : "the question gives no points (its maximum is \(ILIASNumber.text(points)))")
        }
        if let problem = BankRules.points(points, spelled: ILIASNumber.text(points)) {
            throw ILIASSkip("the question's points cannot be kept: \(problem)")
        }
        return points
    }

    /// `points` as a fraction of `maximum` (which is > 0), exact.
    /// A gap's answers with their credits (points / the best answer's points) and that maximum, the gap's weight.
    func weighted<Answer>(
        _ answers: [(answer: Answer, points: Rational)], name: String, setCredit: (inout Answer, Rational) -> Void
    ) throws(ILIASSkip) -> ([Answer], Rational) {
        guard !answers.isEmpty else { throw ILIASSkip("\(name) has no answer") }
        try checkCount(answers.count, "answers in \(name)", key: "answers", minimum: 1)
        let maximum = answers.map(\.points).max() ?? .zero
        guard maximum > .zero else { throw ILIASSkip("\(name) gives no points") }
        var result: [Answer] = []
        for (answer, points) in answers {
            var answer = answer
            setCredit(&answer, try credit(points, of: maximum))
            result.append(answer)
        }
        return (result, maximum)
    }

    func credit(_ points: Rational, of maximum: Rational) throws(ILIASSkip) -> Rational {
        guard points.magnitude <= maximum * Rational(1000), let credit = ILIASNumber.quotient(points, maximum) else {
            throw ILIASSkip(
                "\(ILIASNumber.text(points)) points cannot be expressed as a share of "
                    + "\(ILIASNumber.text(maximum)) points")
        }
        return credit
    }

    /// Whether text answers compare case-sensitively under the ILIAS rating in metadata field `key`; warns about
    /// ratings that are approximated.
    mutating func caseSensitive(ratingKey key: String) -> Bool {
        let rating = (metadata[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        switch rating {
        case "", "ci":
            return false
        case "cs":
            return true
        case "l1", "l2", "l3", "l4", "l5":
            warnings.append("Levenshtein rating approximated by exact comparison")
            return false
        default:
            warnings.append("text rating '\(rating.prefix(20))' approximated by case-insensitive comparison")
            return false
        }
    }

    mutating func warn(_ warning: String) {
        warnings.append(warning)
    }

    // MARK: Feedback

    /// The Markdown of the feedbacks `condition` points to (the two generic feedbacks excluded), marking them used.
    mutating func feedback(of condition: ILIASCondition) throws(ILIASSkip) -> String? {
        var texts: [String] = []
        for ref in condition.feedbackRefs
        where ref != Self.allCorrectFeedback && ref != Self.notAllCorrectFeedback && !usedFeedback.contains(ref) {
            guard let element = feedbackElements.first(where: { $0.ident == ref })?.element else { continue }
            usedFeedback.insert(ref)
            var text = ILIASText()
            Self.readContent(element, into: &text)
            let markdown = try markdown(text, what: "feedback '\(ref.prefix(40))'")
            if !markdown.isEmpty { texts.append(markdown) }
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n\n")
    }

    /// Feedback no converter placed: unconditional feedback becomes the item's feedback; conditional feedback
    /// that has text is dropped with a warning.
    private mutating func generalFeedback() throws(ILIASSkip) -> String? {
        var general: [String] = []
        for (ident, element) in feedbackElements where !usedFeedback.contains(ident) {
            usedFeedback.insert(ident)
            var text = ILIASText()
            Self.readContent(element, into: &text)
            let hasText = !HTMLText.markdown(from: String(text.raw.prefix(50_000))).markdown.isEmpty
            guard hasText || !text.notes.isEmpty else { continue }
            if ident == Self.allCorrectFeedback {
                warnings.append("feedback for fully correct answers dropped")
            } else if ident == Self.notAllCorrectFeedback {
                warnings.append("feedback for answers that are not fully correct dropped")
            } else if referencedFeedback.contains(ident) || ident.hasPrefix("response_") {
                warnings.append("feedback '\(ident.prefix(40))' dropped")
            } else {
                let markdown = try markdown(text, what: "feedback '\(ident.prefix(40))'")
                if !markdown.isEmpty { general.append(markdown) }
            }
        }
        let joined = general.joined(separator: "\n\n")
        if let problem = BankRules.tooLong("the feedback", joined) { throw ILIASSkip(problem) }
        return joined.isEmpty ? nil : joined
    }
}
