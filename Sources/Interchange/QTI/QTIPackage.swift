import Assessment
import Foundation

/// The bank fields our exporter keeps in a content package's manifest (`<kc:bank>`).
struct BankMetadata: Sendable, Equatable {
    var id: String
    var title: String
    var language: String
    var provider: String
    var version: String

    init(id: String, title: String, language: String, provider: String, version: String) {
        self.id = id
        self.title = title
        self.language = language
        self.provider = provider
        self.version = version
    }
}

/// An IMS content package of QTI items (`imsmanifest.xml` plus item files), as QTI 2.1 and 3.0 tools export
/// question pools.
struct QTIPackage: Sendable {
    /// One item resource of the manifest.
    struct ItemResource: Sendable, Equatable {
        /// The resource identifier in the manifest.
        var identifier: String
        /// The item file's path inside the archive (resolved against the manifest's folder and `xml:base`).
        var path: String
        /// The QTI version the resource type names.
        var version: QTIVersion
        /// Topic from our item metadata, if the package was written by ``QTIExporter``.
        var topic: String?
        /// Difficulty from our item metadata.
        var difficulty: Difficulty?
        /// Where the resource is declared in the manifest.
        var location: SourceLocation
    }

    /// The archive.
    let archive: ZipPackage
    /// The manifest's path inside the archive.
    let manifestPath: String
    /// Bank metadata, if our exporter wrote the package.
    let metadata: BankMetadata?
    /// The item resources in manifest order.
    let items: [ItemResource]

    static let itemTypes: [(prefix: String, version: QTIVersion)] = [
        ("imsqti_item_xmlv2p", .qti21), ("imsqti_item_xmlv3p", .qti30),
    ]

    /// Reads the manifest of `archive`.
    ///
    /// - Throws: ``ImportFailure`` when there is no readable manifest, or a resource's `href` is unsafe or
    ///   names a file that is not in the archive (with the manifest line).
    init(_ archive: ZipPackage) throws(ImportFailure) {
        self.archive = archive
        var manifestPath = "imsmanifest.xml"
        if archive.files[manifestPath] == nil {
            let nested = archive.files.keys.filter { $0.hasSuffix("/imsmanifest.xml") }.sorted()
            guard nested.count == 1, let only = nested.first else {
                throw ImportFailure(
                    file: archive.name, line: 1,
                    nested.isEmpty
                        ? "the archive has no imsmanifest.xml; it is not a QTI content package"
                        : "the archive has several imsmanifest.xml files (\(nested.joined(separator: ", ")))")
            }
            manifestPath = only
        }
        self.manifestPath = manifestPath
        guard let source = archive.source(manifestPath) else {
            throw ImportFailure(file: archive.name, line: 1, "the archive has no imsmanifest.xml")
        }
        let lines = try source.text().split(separator: "\n", omittingEmptySubsequences: false)
        let root = try QTIXML.parse(source)
        guard root.localName == "manifest" else {
            throw ImportFailure(
                QTIXML.startLocation(of: root, lines: lines, file: source.name),
                "the root element is <\(root.name)>; expected <manifest>")
        }
        let folder = manifestPath.lastIndex(of: "/").map { String(manifestPath[...$0]) } ?? ""
        metadata = root.element("metadata").flatMap(Self.bankMetadata)
        var items: [ItemResource] = []
        guard let resources = root.element("resources") else {
            self.items = []
            return
        }
        let resourcesBase = resources.attributes["xml:base"] ?? ""
        for resource in resources.elements("resource") {
            let type = (resource.attributes["type"] ?? "").lowercased()
            guard let version = Self.itemTypes.first(where: { type.hasPrefix($0.prefix) })?.version else { continue }
            let identifier = resource.attributes["identifier"] ?? ""
            let location = QTIXML.startLocation(of: resource, lines: lines, file: source.name)
            let named = identifier.isEmpty ? "the resource" : "resource '\(identifier)'"
            guard let href = resource.attributes["href"] ?? resource.element("file")?.attributes["href"], !href.isEmpty
            else {
                throw ImportFailure(location, "\(named) has no href")
            }
            guard let path = Self.resolve(href, base: folder + resourcesBase + (resource.attributes["xml:base"] ?? ""))
            else {
                throw ImportFailure(
                    location, "\(named) has the unsafe href '\(href)' (absolute, external or with '..')")
            }
            guard archive.files[path] != nil else {
                throw ImportFailure(location, "\(named) refers to '\(href)', which is not in the archive")
            }
            var topic: String? = nil
            var difficulty: Difficulty? = nil
            if let item = resource.element("metadata")?.elements.first(where: { $0.localName == "item" }) {
                topic = item.attributes["topic"]
                difficulty = item.attributes["difficulty"].flatMap(Difficulty.init(rawValue:))
            }
            items.append(
                ItemResource(
                    identifier: identifier, path: path, version: version, topic: topic, difficulty: difficulty,
                    location: location))
        }
        self.items = items
    }

    private static func bankMetadata(_ element: MarkupElement) -> BankMetadata? {
        guard let bank = element.elements.first(where: { $0.localName == "bank" }),
            let id = bank.attributes["id"], let title = bank.attributes["title"],
            let language = bank.attributes["language"], let provider = bank.attributes["provider"],
            let version = bank.attributes["version"]
        else { return nil }
        return BankMetadata(id: id, title: title, language: language, provider: provider, version: version)
    }

    /// The archive path of `href` relative to `base`, or nil when it would leave the archive.
    static func resolve(_ href: String, base: String) -> String? {
        let decoded = href.removingPercentEncoding ?? href
        guard !decoded.contains("://"), !decoded.hasPrefix("/"), !decoded.hasPrefix("\\"), !decoded.contains("\0"),
            !(base.contains("://") || base.hasPrefix("/"))
        else { return nil }
        var baseFolder = base.removingPercentEncoding ?? base
        if !baseFolder.isEmpty, !baseFolder.hasSuffix("/") { baseFolder += "/" }
        var components: [Substring] = []
        for component in (baseFolder + decoded).split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { return nil }
            components.append(component)
        }
        let path = components.joined(separator: "/")
        guard !path.isEmpty, ZipPackage.isSafe(path) else { return nil }
        return path
    }

    /// The item file of `item`.
    func source(of item: ItemResource) -> ImportSource? {
        archive.source(item.path)
    }

    /// The item files in manifest order (named `archive.zip:path`).
    var itemSources: [ImportSource] {
        items.compactMap { source(of: $0) }
    }

    /// Whether `archive` is a content package: it has an `imsmanifest.xml` at its top or in one folder.
    static func isPackage(_ archive: ZipPackage) -> Bool {
        archive.files["imsmanifest.xml"] != nil
            || archive.files.keys.filter { $0.hasSuffix("/imsmanifest.xml") }.count == 1
    }

    /// Every item of the package converted, in manifest order, each dispatched by its root element to the
    /// QTI 2.1 or 3.0 reader; an item file that cannot be read is skipped with the reason.
    ///
    /// - Throws: ``ImportFailure`` when the manifest cannot be read (see ``init(_:)``).
    static func questions(in archive: ZipPackage) throws(ImportFailure) -> (
        metadata: BankMetadata?, questions: [ImportedQuestion]
    ) {
        let package = try QTIPackage(archive)
        var ids = IdentifierMaker()
        var questions: [ImportedQuestion] = []
        for item in package.items {
            guard let source = package.source(of: item) else { continue }
            do {
                questions.append(
                    try QTIItemImport.question(
                        in: source, version: nil, itemIDs: &ids,
                        hints: QTIItemHints(
                            topic: item.topic, difficulty: item.difficulty, files: archive.files, itemPath: item.path)))
            } catch {
                questions.append(
                    ImportedQuestion(
                        location: error.location, label: item.identifier.isEmpty ? item.path : item.identifier,
                        status: .skipped(reason: error.message)))
            }
        }
        return (package.metadata, questions)
    }
}
