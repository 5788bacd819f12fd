import Assessment
import Foundation

/// An ILIAS question pool export: a zip with a folder `<ts>__<inst>__qpl_<id>/` holding the pool file
/// `<ts>__<inst>__qpl_<id>.xml` (an ILIAS `ContentObject` with the pool's title and its pages) and the questions
/// in `<ts>__<inst>__qti_<id>.xml`.
struct ILIASPackage {
    /// The pool's title (from the pool file, when there is one) and its questions.
    ///
    /// - Throws: ``ImportFailure`` naming the archive when it holds no (or more than one) ILIAS question file,
    ///   or naming the file when the pool or question file cannot be read.
    static func questions(
        in zip: ZipPackage
    ) throws(ImportFailure) -> (title: String?, questions: [ImportedQuestion]) {
        let questionFiles = zip.files.keys.filter(isQuestionFile).sorted()
        guard let questionPath = questionFiles.first, let questionSource = zip.source(questionPath) else {
            throw ImportFailure(
                file: zip.name, line: 1,
                "no ILIAS question pool in the archive: expected a folder '<time>__<installation>__qpl_<id>' "
                    + "with '<time>__<installation>__qti_<id>.xml'")
        }
        guard questionFiles.count == 1 else {
            throw ImportFailure(
                file: zip.name, line: 1,
                "the archive holds \(questionFiles.count) ILIAS question files (\(questionFiles.prefix(3).joined(separator: ", ")))"
                    + "; import one pool at a time")
        }
        var title: String? = nil
        var pageWarnings: [String: [String]] = [:]
        if let poolSource = zip.source(poolPath(for: questionPath)) {
            (title, pageWarnings) = try readPool(poolSource)
        }
        let folder = questionPath.lastIndex(of: "/").map { String(questionPath[...$0]) } ?? ""
        let questions = try ILIASImporter.questions(
            in: questionSource, extraWarnings: pageWarnings, files: zip.files, folder: folder)
        return (title, questions)
    }

    /// Whether `path` names an ILIAS question file (`…__qti_<id>.xml`, not in a `__MACOSX` folder).
    static func isQuestionFile(_ path: String) -> Bool {
        guard !path.hasPrefix("__MACOSX/") else { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.contains("__qti_") && name.lowercased().hasSuffix(".xml")
    }

    /// The pool file next to the question file `path`.
    static func poolPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return folder + name.replacingOccurrences(of: "__qti_", with: "__qpl_")
    }

    /// The pool title and, per question ident, warnings about content its page holds besides the question.
    static func readPool(_ source: ImportSource) throws(ImportFailure) -> (String?, [String: [String]]) {
        let root = try ILIASImporter.parseDocument(source)
        guard root.localName == "ContentObject" else {
            throw ImportFailure(
                root.location(in: source.name),
                "the root element is <\(root.name)>, not <ContentObject>; this is not an ILIAS question pool file")
        }
        let title = root.element("MetaData")?.element("General")?.childText("Title")?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var warnings: [String: [String]] = [:]
        for page in root.elements("PageObject").prefix(BankReader.maximumItems) {
            let contents = page.elements("PageContent")
            guard let ref = contents.lazy.compactMap({ $0.element("Question")?.attributes["QRef"] }).first else {
                continue
            }
            var kinds = Set<String>()
            for content in contents where content.element("Question") == nil {
                let hasText = !content.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                let hasMedia = !content.descendants("MediaObject").isEmpty
                guard hasText || hasMedia else { continue }
                for element in content.elements { kinds.insert(element.localName) }
            }
            if !kinds.isEmpty {
                let names = kinds.sorted().map { "<\($0)>" }.joined(separator: ", ")
                warnings[ref, default: []].append("additional page content (\(names)) from the pool file not kept")
            }
        }
        return ((title?.isEmpty ?? true) ? nil : title, warnings)
    }
}
