import Assessment
import Foundation

/// The QTI version of an item file or content package.
public enum QTIVersion: String, Sendable, CaseIterable {
    /// IMS QTI 2.1 (`assessmentItem`, camel-case names).
    case qti21
    /// 1EdTech QTI 3.0 (`qti-assessment-item`, kebab-case names with the `qti-` prefix).
    case qti30

    /// The bank format of items in this version.
    var format: BankFormat {
        switch self {
        case .qti21: .qti21
        case .qti30: .qti30
        }
    }

    /// The item namespace.
    var itemNamespace: String {
        switch self {
        case .qti21: "http://www.imsglobal.org/xsd/imsqti_v2p1"
        case .qti30: "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
        }
    }

    /// The item schema location.
    var itemSchemaLocation: String {
        switch self {
        case .qti21: "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd"
        case .qti30: "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
        }
    }

    /// The content-package manifest namespace.
    var manifestNamespace: String {
        switch self {
        case .qti21: "http://www.imsglobal.org/xsd/imscp_v1p1"
        case .qti30: "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
        }
    }

    /// The manifest resource type of an item.
    var itemResourceType: String {
        switch self {
        case .qti21: "imsqti_item_xmlv2p1"
        case .qti30: "imsqti_item_xmlv3p0"
        }
    }

    /// The root element name of an item.
    var itemRootName: String {
        switch self {
        case .qti21: "assessmentItem"
        case .qti30: "qti-assessment-item"
        }
    }

    /// The base of the response-processing template URLs this version's exports use.
    var templateBase: String {
        switch self {
        case .qti21: "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
        case .qti30: "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
        }
    }

    /// The version whose item root element is `localName`, if any.
    static func ofItemRoot(_ localName: String) -> QTIVersion? {
        switch localName {
        case "assessmentItem": .qti21
        case "qti-assessment-item": .qti30
        default: nil
        }
    }

    // MARK: Names

    /// Element names that are XHTML (or MathML) in both versions and never carry the `qti-` prefix.
    private static let plainElements: Set<String> = [
        "div", "span", "p", "br", "img", "a", "em", "strong", "b", "i", "u", "sub", "sup", "code", "pre", "ul", "ol",
        "li", "table", "tr", "td", "th", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "math",
        "object", "hr", "dl", "dt", "dd", "small", "big", "tt", "q", "cite", "abbr", "acronym", "dfn", "kbd", "samp",
        "var", "address", "caption", "col", "colgroup", "tfoot", "label", "audio", "video", "source", "track",
        "figure", "figcaption", "section", "article", "aside", "header", "footer", "nav", "bdo", "bdi", "ruby", "rt",
        "rp",
    ]

    /// The canonical (QTI 2.1, camel-case) name of an element read in this version.
    func canonicalElementName(_ element: MarkupElement) -> String {
        let local = element.localName
        guard self == .qti30, local.hasPrefix("qti-") else { return local }
        return Self.camelCase(String(local.dropFirst(4)))
    }

    /// The name to write for the canonical element name `name`.
    func elementName(_ name: String) -> String {
        guard self == .qti30, !Self.plainElements.contains(name) else { return name }
        return "qti-" + Self.kebabCase(name)
    }

    /// The name to write for the canonical attribute name `name`.
    func attributeName(_ name: String) -> String {
        guard self == .qti30, !name.contains(":") else { return name }
        return Self.kebabCase(name)
    }

    /// The value of the canonical attribute `name` of `element` (kebab-case in QTI 3.0; both spellings read).
    func attribute(_ element: MarkupElement, _ name: String) -> String? {
        if let value = element.attributes[attributeName(name)] { return value }
        return element.attributes[name]
    }

    /// `choiceInteraction` → `choice-interaction`.
    static func kebabCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase, character.isASCII {
                if !result.isEmpty { result += "-" }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `choice-interaction` → `choiceInteraction`.
    static func camelCase(_ name: String) -> String {
        var result = ""
        var upperNext = false
        for character in name {
            if character == "-" {
                upperNext = true
            } else if upperNext {
                result += character.uppercased()
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Reading helpers that hide the naming difference between the versions: every lookup uses the canonical
/// (QTI 2.1) name.
struct QTINames {
    let version: QTIVersion

    func name(_ element: MarkupElement) -> String { version.canonicalElementName(element) }

    func attribute(_ element: MarkupElement, _ name: String) -> String? { version.attribute(element, name) }

    func children(_ element: MarkupElement, _ name: String) -> [MarkupElement] {
        element.elements.filter { self.name($0) == name }
    }

    func child(_ element: MarkupElement, _ name: String) -> MarkupElement? {
        element.elements.first { self.name($0) == name }
    }

    func descendants(_ element: MarkupElement, _ names: Set<String>, limit: Int = 100_000) -> [MarkupElement] {
        var found: [MarkupElement] = []
        var stack = Array(element.elements.reversed())
        var visited = 0
        while let next = stack.popLast(), visited < limit {
            visited += 1
            if names.contains(name(next)) { found.append(next) }
            stack.append(contentsOf: next.elements.reversed())
        }
        return found
    }

    /// The children of a feedback or rubric element, looking through QTI 3.0's `qti-content-body`.
    func contentNodes(_ element: MarkupElement) -> [MarkupNode] {
        let significant = element.children.filter { node in
            if case .text(let text) = node { return !text.allSatisfy(\.isWhitespace) }
            return true
        }
        if significant.count == 1, case .element(let only) = significant[0], name(only) == "contentBody" {
            return only.children
        }
        return element.children
    }
}

/// Response-processing templates the importer knows, by the last component of their URL.
enum QTITemplate: Equatable {
    case matchCorrect
    case mapResponse
    case mapResponsePoint

    /// The template named by `url` in any of its spellings (2.1, 3.0, with or without `.xml`, short names,
    /// Common Cartridge variants).
    init?(url: String) {
        var name = url.trimmingCharacters(in: .whitespacesAndNewlines)
        if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
            name = String(name[name.index(after: slash)...])
        }
        if let query = name.firstIndex(where: { $0 == "?" || $0 == "#" }) { name = String(name[..<query]) }
        name = name.lowercased()
        if name.hasSuffix(".xml") { name = String(name.dropLast(4)) }
        name = name.replacingOccurrences(of: "-", with: "_")
        switch name {
        case "match_correct", "cc2_match", "cc2_match_basic": self = .matchCorrect
        case "map_response", "cc2_map_response": self = .mapResponse
        case "map_response_point": self = .mapResponsePoint
        default: return nil
        }
    }

    /// The file name of the template.
    var fileName: String {
        switch self {
        case .matchCorrect: "match_correct"
        case .mapResponse: "map_response"
        case .mapResponsePoint: "map_response_point"
        }
    }
}
