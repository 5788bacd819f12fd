import Assessment
import Foundation

/// Collects the images one source question refers to, under safe names in the bank's `media/` folder.
///
/// An image whose bytes the source holds (a Moodle `<file>`, a file of a zip package, a `data:` URI) is
/// embedded: its text becomes `![alt](media/NAME)` and its bytes are kept for writing next to the bank. An
/// image the source does not hold keeps the same reference, with a warning that says where to put the file;
/// the validator reports it until the file is there. Alternative text stays inside the image reference.
final class MediaCollector {
    /// The bytes (and a better file name, if the source has one) for an image source as written in the text
    /// (`@@PLUGINFILE@@/a.png`, `images/a.png`, `il_0_mob_12`), if the source holds them. Importers may set it
    /// anew for each text.
    var lookup: (String) -> MediaFile?
    /// Embedded files by bank-relative path (`media/a.png`).
    private(set) var media: [String: Data] = [:]
    /// The sources (as written) whose bytes were embedded.
    private(set) var embeddedSources: Set<String> = []
    private var total = 0

    /// A collector that finds image bytes with `lookup`.
    init(lookup: @escaping (String) -> MediaFile? = { _ in nil }) {
        self.lookup = lookup
    }

    /// The Markdown for an image and, when it could not be embedded, the warning that says so.
    func image(source rawSource: String, alt: String) -> (markdown: String, warning: String?) {
        let source = rawSource.trimmingCharacters(in: .whitespacesAndNewlines)
        var data: Data?
        var name = Self.fileName(from: source)
        if source.lowercased().hasPrefix("data:") {
            (data, name) = Self.dataURI(source)
        } else if !source.isEmpty, let found = lookup(source) {
            data = found.data
            if let better = found.name, !better.isEmpty { name = MediaNames.sanitized(better) }
        }
        let shown = source.lowercased().hasPrefix("data:") ? "data: URI" : (source.isEmpty ? "(no source)" : source)
        guard let data else {
            return (
                MarkdownImage.markdown(alt: alt, target: "media/\(name)"),
                "image \(shown) not embedded (the source does not contain it); save it as media/\(name) next to "
                    + "the bank"
            )
        }
        guard data.count <= BankMedia.maximumFileSize, total + data.count <= BankMedia.maximumTotalSize else {
            return (
                MarkdownImage.markdown(alt: alt, target: "media/\(name)"),
                "image \(shown) not embedded (larger than \(BankMedia.maximumFileSize / 1_000_000) MB, or more than "
                    + "\(BankMedia.maximumTotalSize / 1_000_000) MB of images); save it as media/\(name) next to the bank"
            )
        }
        let path = add(name: name, data: data)
        embeddedSources.insert(source)
        return (MarkdownImage.markdown(alt: alt, target: path), nil)
    }

    /// Keeps `data` under the bank-relative `path` as written in a text of our own export (`media/a.png`),
    /// or under a new name when `path` is not a safe relative path or is taken by other bytes.
    func keep(path: String, data: Data) -> String {
        // Only `media/NAME`: images are written into that one folder, never into subfolders.
        guard MarkdownImage.pathProblem(path) == nil, path.hasPrefix("media/"),
            path.dropFirst("media/".count).allSatisfy({ $0 != "/" }),
            MediaNames.sanitized(String(path.dropFirst("media/".count))) == path.dropFirst("media/".count)
        else {
            return add(name: Self.fileName(from: path), data: data)
        }
        if media[path] == data { return path }
        let free = MediaNames.free(path) { media[$0] == nil }
        media[free] = data
        total += data.count
        return free
    }

    /// Keeps `data` as `media/name`, reusing the path of identical bytes and renaming on a clash.
    func add(name: String, data: Data) -> String {
        if let same = media.first(where: { $0.value == data }) { return same.key }
        let path = MediaNames.free("media/\(name)") { media[$0] == nil }
        media[path] = data
        total += data.count
        return path
    }

    /// A safe file name for an image source: its last path component, percent-decoded, reduced to letters,
    /// digits, `-`, `_` and one extension; never hidden, never empty.
    static func fileName(from source: String) -> String {
        var last = source.split(whereSeparator: { $0 == "?" || $0 == "#" }).first.map(String.init) ?? source
        last = last.removingPercentEncoding ?? last
        last = last.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return MediaNames.sanitized(last)
    }

    /// The bytes and a file name for a `data:image/png;base64,...` URI; no bytes when it is not one.
    static func dataURI(_ source: String) -> (Data?, String) {
        guard let comma = source.firstIndex(of: ",") else { return (nil, "image.bin") }
        let header = source[source.index(source.startIndex, offsetBy: 5)..<comma].lowercased()
        let parts = header.split(separator: ";")
        let type = parts.first.map(String.init) ?? ""
        let extensions = [
            "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg", "image/webp": "webp",
        ]
        let name = "image.\(extensions[type] ?? "bin")"
        guard parts.contains("base64"), source.utf8.count <= BankMedia.maximumFileSize * 4 / 3 + 200 else {
            return (nil, name)
        }
        let payload = source[source.index(after: comma)...].filter { !$0.isWhitespace }
        return (Data(base64Encoded: String(payload)), name)
    }
}

/// An image's bytes found in an import source (`nil` when the source names the file but does not hold it),
/// with its file name when the reference does not carry one.
struct MediaFile {
    var data: Data?
    var name: String?

    init(_ data: Data?, name: String? = nil) {
        self.data = data
        self.name = name
    }
}

/// File names for media: sanitising and finding a free name.
enum MediaNames {
    /// `name` reduced to a safe file name: `[A-Za-z0-9_-]` plus one extension, at most 64 characters.
    static func sanitized(_ name: String) -> String {
        var stem = name
        var ext = ""
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            stem = String(name[..<dot])
            ext = IdentifierMaker.sanitized(String(name[name.index(after: dot)...])).lowercased()
                .replacingOccurrences(of: ".", with: "")
        }
        var base = IdentifierMaker.sanitized(stem).replacingOccurrences(of: ".", with: "-")
        while base.hasPrefix("-") || base.hasPrefix("_") { base.removeFirst() }
        if base.isEmpty { base = "image" }
        if ext.isEmpty { ext = "bin" }
        return String(base.prefix(50)) + "." + String(ext.prefix(10))
    }

    /// The archive path of `source` (an `<img src>`) relative to the folder `base` of the file that names it;
    /// `..` may climb inside the archive, never out of it. `nil` for URLs, absolute paths and escapes.
    static func archivePath(_ source: String, relativeTo base: String) -> String? {
        let decoded = source.removingPercentEncoding ?? source
        guard !decoded.contains(":"), !decoded.hasPrefix("/"), !decoded.contains("\\"), !decoded.contains("\0")
        else { return nil }
        var components: [Substring] = base.split(separator: "/")
        for component in decoded.split(separator: "/") {
            if component == "." { continue }
            if component == ".." {
                guard components.popLast() != nil else { return nil }
                continue
            }
            components.append(component)
        }
        let path = components.joined(separator: "/")
        return path.isEmpty || !ZipPackage.isSafe(path) ? nil : path
    }

    /// `path`, or `path` with `-2`, `-3`, ... before its extension: the first for which `isFree` holds.
    static func free(_ path: String, isFree: (String) -> Bool) -> String {
        guard !isFree(path) else { return path }
        let ext = (path as NSString).pathExtension
        let base = (path as NSString).deletingPathExtension
        var counter = 2
        while true {
            let candidate = "\(base)-\(counter)" + (ext.isEmpty ? "" : ".\(ext)")
            if isFree(candidate) { return candidate }
            counter += 1
        }
    }
}

/// The media of an import placed in the bank's folder: clashes with other questions' files, and with
/// different files already on disk, are renamed (and the references with them); nothing is overwritten.
struct MediaPlacement {
    /// The bytes already at a bank-relative path on disk, if any.
    private let lookup: (String) -> Data?
    /// What `lookup` said, so that each path on disk is read once.
    private var seen: [String: Data?] = [:]
    /// Files to write, by bank-relative path.
    private(set) var files: [String: Data] = [:]
    /// The path of each content placed so far (written now or already on disk).
    private var pathOfContent: [Data: String] = [:]
    private var total = 0

    init(existing: @escaping (String) -> Data?) {
        lookup = existing
    }

    private mutating func existing(_ path: String) -> Data? {
        if let known = seen[path] { return known }
        let found = lookup(path)
        seen[path] = found
        return found
    }

    /// Places the media of one question and returns its item with references renamed; `nil` when the
    /// media would exceed the limit of one import.
    mutating func place(_ media: [String: Data], in item: Item) -> Item? {
        guard !media.isEmpty else { return item }
        var renames: [String: String] = [:]
        var added: [String: Data] = [:]
        var contents: [Data: String] = [:]
        var size = 0
        for (path, data) in media.sorted(by: { $0.key < $1.key }) {
            if let same = pathOfContent[data] ?? contents[data] {
                renames[path] = same
                continue
            }
            var candidate = path
            var counter = 2
            while files[candidate] != nil || added[candidate] != nil
                || (existing(candidate).map { $0 != data } ?? false)
            {
                let ext = (path as NSString).pathExtension
                candidate = (path as NSString).deletingPathExtension + "-\(counter)" + (ext.isEmpty ? "" : ".\(ext)")
                counter += 1
            }
            renames[path] = candidate
            contents[data] = candidate
            if existing(candidate) == nil {
                added[candidate] = data
                size += data.count
            }
        }
        guard total + size <= BankMedia.maximumTotalSize else { return nil }
        total += size
        files.merge(added) { first, _ in first }
        pathOfContent.merge(contents) { first, _ in first }
        guard renames.contains(where: { $0.key != $0.value }) else { return item }
        return item.mappingTexts { text in
            var result = text
            for image in MarkdownImage.all(in: text).reversed() {
                guard let renamed = renames[image.target], renamed != image.target else { continue }
                result.replaceSubrange(image.range, with: MarkdownImage.markdown(alt: image.alt, target: renamed))
            }
            return result
        }
    }
}

extension Item {
    /// The item with `transform` applied to each of its Markdown texts (see ``Item/markdownTexts``).
    func mappingTexts(_ transform: (String) -> String) -> Item {
        func choices(_ list: [Choice]) -> [Choice] {
            list.map { choice in
                var copy = choice
                copy.text = transform(choice.text)
                copy.feedback = choice.feedback.map(transform)
                return copy
            }
        }
        func texts(_ list: [TextAnswer]) -> [TextAnswer] {
            list.map { answer in
                var copy = answer
                copy.feedback = answer.feedback.map(transform)
                return copy
            }
        }
        func numbers(_ list: [NumericAnswer]) -> [NumericAnswer] {
            list.map { answer in
                var copy = answer
                copy.feedback = answer.feedback.map(transform)
                return copy
            }
        }
        var item = self
        item.stem = transform(stem)
        item.feedback = feedback.map(transform)
        switch kind {
        case .singleChoice(let options, let correct):
            item.kind = .singleChoice(options: choices(options), correct: correct)
        case .multipleResponse(let options, let correct):
            item.kind = .multipleResponse(options: choices(options), correct: correct)
        case .trueFalse(let correct, let feedbackTrue, let feedbackFalse):
            item.kind = .trueFalse(
                correct: correct, feedbackTrue: feedbackTrue.map(transform), feedbackFalse: feedbackFalse.map(transform)
            )
        case .numeric(let answers, let unit): item.kind = .numeric(answers: numbers(answers), unit: unit)
        case .shortText(let answers, let pattern, let caseSensitive):
            item.kind = .shortText(answers: texts(answers), pattern: pattern, caseSensitive: caseSensitive)
        case .matching(let premises, let responses, let correct):
            item.kind = .matching(premises: choices(premises), responses: choices(responses), correct: correct)
        case .ordering(let elements, let order): item.kind = .ordering(elements: choices(elements), correctOrder: order)
        case .cloze(let gaps):
            item.kind = .cloze(
                gaps: gaps.map { gap in
                    var copy = gap
                    switch gap.kind {
                    case .choice(let options, let correct):
                        copy.kind = .choice(options: choices(options), correct: correct)
                    case .text(let answers, let caseSensitive):
                        copy.kind = .text(answers: texts(answers), caseSensitive: caseSensitive)
                    case .numeric(let answers): copy.kind = .numeric(answers: numbers(answers))
                    }
                    return copy
                })
        case .essay(let template, let graderInfo):
            item.kind = .essay(responseTemplate: template.map(transform), graderInfo: graderInfo.map(transform))
        }
        return item
    }
}
