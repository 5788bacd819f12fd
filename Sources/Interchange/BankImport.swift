import Assessment
import Foundation

/// One source file read by ``BankImport/read(name:data:format:)``.
public struct ImportedFile: Sendable {
    /// The file name as given.
    var name: String
    /// The format it was read as.
    public internal(set) var format: BankFormat
    /// Every source question in order.
    public var questions: [ImportedQuestion]
    /// Bank metadata, when the source carries it (our own QTI export does).
    var metadata: BankMetadata?
    /// A title for the bank found in the source (an ILIAS pool's title), if any.
    var title: String?
}

/// What an import assembled: the bank, the outcome of every question, and the images to write next to the bank.
public struct ImportedBank: Sendable {
    /// The bank, `nil` when no question was imported.
    public var bank: Bank?
    /// The final outcome of every source question, in order.
    public var outcomes: [ImportedQuestion]
    /// New files to write, by path relative to the bank file (`media/karte.png`); files already there with
    /// the same bytes are not repeated.
    public var media: [String: Data]
}

/// Settings for the bank that an import builds; `nil` fields take the source's metadata or a default.
public struct BankImportSettings: Sendable {
    /// Bank id; default: derived from the output file name.
    var id: String?
    /// Title; default: the source's title, else the id.
    var title: String?
    /// Language tag; default: the source's, else `de`.
    var language: String?
    /// Provider; default: the source's, else `unbekannt`.
    var provider: String?
    /// Version; default: the source's, else `1.0.0`.
    var version: String?

    /// Creates settings.
    public init(
        id: String? = nil, title: String? = nil, language: String? = nil, provider: String? = nil,
        version: String? = nil
    ) {
        self.id = id
        self.title = title
        self.language = language
        self.provider = provider
        self.version = version
    }
}

/// Format detection, dispatch to the importers, and assembly of one valid bank from many files.
public enum BankImport {
    /// The format of `data`, judged by its content (never the file name); `nil` when it is not recognised.
    static func detectFormat(_ data: Data) -> BankFormat? {
        if ZipPackage.looksLikeZip(data) {
            guard let package = try? ZipPackage(name: "", data: data) else { return nil }
            return detectFormat(package)
        }
        var bytes = data.prefix(64_000)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let head = String(decoding: bytes, as: UTF8.self)
        if let root = rootElementName(head) {
            switch root.split(separator: ":").last.map(String.init) ?? root {
            case "quiz", "question": return .moodleXML
            case "questestinterop": return .ilias
            case "assessmentItem": return .qti21
            case "qti-assessment-item": return .qti30
            default: return nil
            }
        }
        return detectText(head)
    }

    /// The format of a zip package: an ILIAS pool export (qpl and qti files) or a QTI content package.
    static func detectFormat(_ package: ZipPackage) -> BankFormat? {
        let names = package.files.keys.map { ($0 as NSString).lastPathComponent }
        if names.contains(where: { $0.contains("__qpl_") && $0.hasSuffix(".xml") })
            && names.contains(where: { $0.contains("__qti_") && $0.hasSuffix(".xml") })
        {
            return .ilias
        }
        guard let manifest = package.files.first(where: { ($0.key as NSString).lastPathComponent == "imsmanifest.xml" })
        else { return nil }
        let text = String(decoding: manifest.value.prefix(200_000), as: UTF8.self)
        if text.contains("imsqti_item_xmlv3p0") || text.contains("imsqtiasi_v3p0") { return .qti30 }
        if text.contains("imsqti_item_xmlv2p1") || text.contains("imsqti_v2p1") { return .qti21 }
        return nil
    }

    /// Reads one file (or zip package) as `format`, or as the detected format when `format` is `nil`.
    ///
    /// - Throws: ``ImportFailure`` when the format cannot be told or the file cannot be parsed.
    public static func read(name: String, data: Data, format: BankFormat?) throws(ImportFailure) -> ImportedFile {
        if ZipPackage.looksLikeZip(data) {
            let package = try ZipPackage(name: name, data: data)
            guard let detected = detectFormat(package) else {
                throw ImportFailure(
                    file: name, line: 1,
                    "the zip archive is neither a QTI content package (imsmanifest.xml) nor an ILIAS pool export "
                        + "(*__qpl_*.xml with *__qti_*.xml)")
            }
            let chosen = format ?? detected
            switch chosen {
            case .qti21, .qti30:
                let result = try QTIPackage.questions(in: package)
                return ImportedFile(
                    name: name, format: chosen, questions: result.questions, metadata: result.metadata, title: nil)
            case .ilias:
                let result = try ILIASPackage.questions(in: package)
                return ImportedFile(name: name, format: .ilias, questions: result.questions, title: result.title)
            case .gift, .moodleXML, .aiken:
                throw ImportFailure(
                    file: name, line: 1,
                    "a zip archive cannot be read as \(chosen.rawValue); only qti21, qti30 and ilias")
            }
        }
        guard data.count <= ImportSource.maximumSize else {
            throw ImportFailure(
                file: name, line: 1,
                "the file is \(data.count) bytes; at most \(ImportSource.maximumSize) bytes are read")
        }
        guard let chosen = format ?? detectFormat(data) else {
            throw ImportFailure(
                file: name, line: 1,
                "cannot tell the format from the content; give --format (gift, moodle-xml, aiken, qti21, qti30, ilias)")
        }
        let source = ImportSource(name: name, data: data)
        let questions: [ImportedQuestion]
        switch chosen {
        case .gift: questions = try GIFTImporter.questions(in: source)
        case .moodleXML: questions = try MoodleXMLImporter.questions(in: source)
        case .aiken: questions = try AikenImporter.questions(in: source)
        case .qti21: questions = try QTI21Importer.questions(in: source)
        case .qti30: questions = try QTI30Importer.questions(in: source)
        case .ilias: questions = try ILIASImporter.questions(in: source)
        }
        return ImportedFile(name: name, format: chosen, questions: questions)
    }

    /// Builds one bank from the imported files.
    ///
    /// Item ids are made unique across files (a renamed id is a warning). Every item is checked against
    /// the bank format (``Item/problems()``); an item that breaks it is skipped with the validator's message,
    /// so the bank written is always valid and nothing is dropped silently.
    ///
    /// - Returns: the bank (`nil` when no question was imported) and the final outcome of every question.
    static func assemble(_ files: [ImportedFile], settings: BankImportSettings, defaultID: String) -> (
        bank: Bank?, outcomes: [ImportedQuestion]
    ) {
        let result = assemble(files, settings: settings, defaultID: defaultID, existingMedia: { _ in nil })
        return (result.bank, result.outcomes)
    }

    /// Builds one bank from the imported files, like ``assemble(_:settings:defaultID:)``, and places the
    /// images the items embed: `existingMedia` gives the bytes already at a bank-relative path next to the
    /// bank (`media/a.png`); a clash with a different file there or between questions is renamed (`a-2.png`)
    /// together with the references to it, so no file is overwritten.
    public static func assemble(
        _ files: [ImportedFile], settings: BankImportSettings, defaultID: String,
        existingMedia: @escaping (String) -> Data?
    ) -> ImportedBank {
        let metadata = files.lazy.compactMap(\.metadata).first
        let id =
            settings.id ?? metadata?.id
            ?? (IdentifierMaker.sanitized(defaultID).isEmpty ? "imported-bank" : IdentifierMaker.sanitized(defaultID))
        let bankHeader = Bank(
            id: id, title: settings.title ?? metadata?.title ?? files.lazy.compactMap(\.title).first ?? id,
            language: settings.language ?? metadata?.language ?? "de",
            provider: settings.provider ?? metadata?.provider ?? "unbekannt",
            version: settings.version ?? metadata?.version ?? "1.0.0", items: [])
        var items: [Item] = []
        var usedIDs: [String: String] = [:]
        var outcomes: [ImportedQuestion] = []
        var placement = MediaPlacement(existing: existingMedia)
        for file in files {
            for var question in file.questions {
                guard var item = question.item else {
                    outcomes.append(question)
                    continue
                }
                var warnings = question.warnings
                if let firstFile = usedIDs[item.id] {
                    var maker = IdentifierMaker()
                    for used in usedIDs.keys { _ = maker.make(from: used, fallback: used) }
                    let renamed = maker.make(from: item.id, fallback: "item")
                    warnings.append(
                        "id '\(item.id)' is already used by a question of \(firstFile); renamed to '\(renamed)'")
                    item.id = renamed
                }
                if let problem = validationProblem(item, header: bankHeader) {
                    question.status = .skipped(reason: "the converted item breaks the bank format: \(problem)")
                    outcomes.append(question)
                    continue
                }
                guard let placed = placement.place(question.media, in: item) else {
                    question.status = .skipped(
                        reason:
                            "its images would exceed \(BankMedia.maximumTotalSize / 1_000_000) MB of images in one import"
                    )
                    outcomes.append(question)
                    continue
                }
                item = placed
                usedIDs[item.id] = file.name
                items.append(item)
                question.status = warnings.isEmpty ? .imported(item) : .importedWithWarnings(item, warnings)
                outcomes.append(question)
            }
        }
        guard !items.isEmpty else { return ImportedBank(bank: nil, outcomes: outcomes, media: [:]) }
        var bank = bankHeader
        bank.items = items
        return ImportedBank(bank: bank, outcomes: outcomes, media: placement.files)
    }

    /// The first problem the bank format finds with `item` in a bank with `header`, or `nil` when a bank may hold it.
    static func validationProblem(_ item: Item, header: Bank) -> String? {
        (BankRules.headerProblems(of: header) + item.problems()).first?.message
    }

    /// The name of the first element of an XML text, skipping the declaration, comments and DOCTYPE.
    static func rootElementName(_ text: String) -> String? {
        var rest = text[...].drop { $0.isWhitespace }
        guard rest.hasPrefix("<") else { return nil }
        while rest.hasPrefix("<") {
            if rest.hasPrefix("<?") {
                guard let end = rest.range(of: "?>") else { return nil }
                rest = rest[end.upperBound...].drop { $0.isWhitespace }
            } else if rest.hasPrefix("<!--") {
                guard let end = rest.range(of: "-->") else { return nil }
                rest = rest[end.upperBound...].drop { $0.isWhitespace }
            } else if rest.hasPrefix("<!") {
                guard let end = rest.firstIndex(of: ">") else { return nil }
                // A DOCTYPE with an internal subset ends at "]>".
                if let bracket = rest.firstIndex(of: "["), bracket < end, let close = rest.range(of: "]>") {
                    rest = rest[close.upperBound...].drop { $0.isWhitespace }
                } else {
                    rest = rest[rest.index(after: end)...].drop { $0.isWhitespace }
                }
            } else {
                let name = rest.dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
                return name.isEmpty ? nil : String(name)
            }
        }
        return nil
    }

    /// GIFT or Aiken, told apart by their marks: GIFT answer braces, titles or categories; Aiken `ANSWER:` lines.
    static func detectText(_ text: String) -> BankFormat? {
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Only `//` comments: GIFT's comment syntax (Aiken has none).
        if !lines.isEmpty && lines.allSatisfy({ $0.hasPrefix("//") }) { return .gift }
        var aikenAnswers = 0
        var aikenOptions = 0
        var giftMarks = 0
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).prefix(2_000) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("//") { continue }
            if line.range(of: #"^ANSWER\s*:\s*[A-Z]\s*$"#, options: .regularExpression) != nil { aikenAnswers += 1 }
            if line.range(of: #"^[A-Z][.)]\s+\S"#, options: .regularExpression) != nil { aikenOptions += 1 }
            if line.hasPrefix("::") || line.hasPrefix("$CATEGORY:") || line.contains("{") { giftMarks += 1 }
        }
        if giftMarks > 0 && giftMarks >= aikenAnswers { return .gift }
        if aikenAnswers > 0 && aikenOptions >= 2 * aikenAnswers { return .aiken }
        return nil
    }
}
