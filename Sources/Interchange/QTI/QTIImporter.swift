import Assessment
import Foundation

/// Reads one IMS QTI 2.1 item file (`assessmentItem`, namespace `http://www.imsglobal.org/xsd/imsqti_v2p1`;
/// 2.0 and 2.2 items are read the same way) into one question.
///
/// Choice, order, match, associate (as matching), gap match, text entry and inline choice (as cloze) and
/// extended text (as essay) interactions are converted. Response processing is read from the standard
/// templates (`match_correct`, `map_response`) and from custom rules (conditions, `isNull`, `match`,
/// `equal` with tolerances, `stringMatch`, `patternMatch`, `member`, sums of `mapResponse`, clamping to
/// MAXSCORE/MINSCORE ...); the converted item's scoring is then checked against the file on sample answers.
enum QTI21Importer: QuestionImporter {
    static let format = BankFormat.qti21

    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion] {
        try QTIItemImport.questions(in: source, version: .qti21)
    }
}

/// Reads one 1EdTech QTI 3.0 item file (`qti-assessment-item`, namespace
/// `http://www.imsglobal.org/xsd/imsqtiasi_v3p0`) into one question; see ``QTI21Importer`` for what is read.
enum QTI30Importer: QuestionImporter {
    static let format = BankFormat.qti30

    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion] {
        try QTIItemImport.questions(in: source, version: .qti30)
    }
}

/// The shared implementation of both item importers.
enum QTIItemImport {
    static func questions(in source: ImportSource, version: QTIVersion) throws(ImportFailure) -> [ImportedQuestion] {
        var ids = IdentifierMaker()
        return [try question(in: source, version: version, itemIDs: &ids, hints: QTIItemHints())]
    }

    /// The root of an item file, checked to be the item root of `version` (or of any version when nil), and
    /// where its start tag begins.
    static func root(of source: ImportSource, version: QTIVersion?) throws(ImportFailure) -> (
        MarkupElement, QTIVersion, SourceLocation
    ) {
        let text = try source.text()
        let root = try QTIXML.parse(source)
        let location = startLocation(of: root.name, in: text, file: source.name) ?? root.location(in: source.name)
        guard let found = QTIVersion.ofItemRoot(root.localName), version == nil || found == version else {
            let expected = version.map { "<\($0.itemRootName)>" } ?? "<assessmentItem> or <qti-assessment-item>"
            var message = "the root element is <\(root.name)>; expected \(expected)"
            if root.localName == "assessmentTest" || root.localName == "qti-assessment-test" {
                message += " (tests are not imported; import the items or the content package)"
            } else if let found = QTIVersion.ofItemRoot(root.localName) {
                message +=
                    " (this is a \(found == .qti21 ? "QTI 2.1" : "QTI 3.0") item; use --format \(found.rawValue))"
            }
            throw ImportFailure(location, message)
        }
        return (root, found, location)
    }

    /// Where the start tag `<name` of the root element begins (the parser reports where the tag ends);
    /// comments, processing instructions and the document type declaration are skipped.
    static func startLocation(of name: String, in text: String, file: String) -> SourceLocation? {
        var line = 1
        var column = 1
        var index = text.startIndex
        let target = "<" + name
        func advance(to end: String.Index) {
            for character in text[index..<end] {
                if character == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            index = end
        }
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("<!--") || rest.hasPrefix("<?") || rest.hasPrefix("<!") {
                let terminator = rest.hasPrefix("<!--") ? "-->" : ">"
                guard let end = rest.range(of: terminator)?.upperBound else { return nil }
                advance(to: end)
                continue
            }
            if rest.hasPrefix(target) {
                let after = rest.dropFirst(target.count).first
                if after == nil || after == ">" || after == "/" || after?.isWhitespace == true {
                    return SourceLocation(file: file, line: line, column: column)
                }
            }
            advance(to: text.index(after: index))
        }
        return nil
    }

    static func question(
        in source: ImportSource, version: QTIVersion?, itemIDs: inout IdentifierMaker, hints: QTIItemHints
    ) throws(ImportFailure) -> ImportedQuestion {
        let (root, found, location) = try root(of: source, version: version)
        return QTIItemReader.question(
            root: root, file: source.name, location: location, version: found, itemIDs: &itemIDs, hints: hints)
    }
}
