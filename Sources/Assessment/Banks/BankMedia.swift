import Foundation
internal import Yams

/// A Markdown image `![alt](target)` in a bank text.
public struct MarkdownImage: Sendable, Equatable {
    /// The alternative text, unescaped.
    public var alt: String
    /// The target as written: for a bank, a path relative to the bank file such as `media/karte.png`.
    public var target: String
    /// Where the image starts and ends in the text it was found in.
    public var range: Range<String.Index>

    /// Every image in `text`, in order. Only the plain form is read: `![alt](target)` or
    /// `![alt](target "title")`, with `\]` for a bracket inside the alternative text.
    public static func all(in text: String) -> [MarkdownImage] {
        guard text.contains("![") else { return [] }
        var images: [MarkdownImage] = []
        var index = text.startIndex
        while let start = text[index...].range(of: "![") {
            var cursor = start.upperBound
            var alt = ""
            var closed = false
            while cursor < text.endIndex {
                let character = text[cursor]
                if character == "\\", text.index(after: cursor) < text.endIndex {
                    alt.append(text[text.index(after: cursor)])
                    cursor = text.index(cursor, offsetBy: 2)
                    continue
                }
                if character == "]" {
                    closed = true
                    break
                }
                if character == "\n" && alt.hasSuffix("\n") { break }
                alt.append(character)
                cursor = text.index(after: cursor)
            }
            let open = closed ? text.index(after: cursor) : text.endIndex
            guard closed, open < text.endIndex, text[open] == "(" else {
                index = start.upperBound
                continue
            }
            let targetStart = text.index(after: open)
            let targetEnd = text[targetStart...].firstIndex { $0 == ")" || $0.isWhitespace } ?? text.endIndex
            guard targetEnd > targetStart, let close = text[targetEnd...].firstIndex(of: ")") else {
                index = start.upperBound
                continue
            }
            let end = text.index(after: close)
            images.append(
                MarkdownImage(alt: alt, target: String(text[targetStart..<targetEnd]), range: start.lowerBound..<end))
            index = end
        }
        return images
    }

    /// `![alt](target)` with the characters of `alt` that would end it escaped.
    public static func markdown(alt: String, target: String) -> String {
        var escaped = ""
        for character in alt where character != "\n" && character != "\r" {
            if character == "]" || character == "[" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "![\(escaped)](\(target))"
    }

    /// Why `target` cannot name a file in the bank's folder, or `nil` when it can: it must be a relative
    /// path (no scheme, no leading `/`), with no `..`, empty or hidden (`.name`) components.
    public static func pathProblem(_ target: String) -> String? {
        if target.contains(":") || target.hasPrefix("/") || target.contains("\\") {
            return "must be a path relative to the bank file, such as media/karte.png (no URL, no absolute path)"
        }
        let components = target.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) {
            return "must stay inside the bank's folder: no '..', hidden or empty path components"
        }
        return nil
    }
}

/// Checks that every image a bank refers to is a file next to it.
public enum BankMedia {
    /// Largest media file accepted by import and export, in bytes.
    public static let maximumFileSize = 10_000_000
    /// Largest total of media accepted by one import or export, in bytes.
    public static let maximumTotalSize = 100_000_000

    /// Every image target referred to in the item texts of `bank`, in order and without repetition.
    public static func references(in bank: Bank) -> [String] {
        var seen: Set<String> = []
        var targets: [String] = []
        for item in bank.items {
            for text in item.markdownTexts {
                for image in MarkdownImage.all(in: text) where seen.insert(image.target).inserted {
                    targets.append(image.target)
                }
            }
        }
        return targets
    }

    /// A problem for every image in the YAML text `bytes` that is not a regular file in `directory`
    /// (`image media/x.png not found`), or whose path leaves the folder.
    public static func problems(in bytes: [UInt8], file: String, directory: URL) -> [BankProblem] {
        guard let text = String(validating: bytes, as: UTF8.self), text.contains("!["),
            let root = try? Yams.compose(yaml: text)
        else { return [] }
        var problems: [BankProblem] = []
        var pending: [Node] = [root]
        var visited = 0
        while let node = pending.popLast(), visited < 1_000_000 {
            visited += 1
            switch node {
            case .scalar(let scalar):
                for image in MarkdownImage.all(in: scalar.string) {
                    let line = node.mark?.line ?? 1
                    let column = node.mark?.column ?? 1
                    if let problem = MarkdownImage.pathProblem(image.target) {
                        problems.append(
                            BankProblem(
                                file: file, line: line, column: column, message: "image \(image.target) \(problem)"))
                        continue
                    }
                    var isDirectory: ObjCBool = false
                    let path = directory.appendingPathComponent(image.target).path
                    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                        || isDirectory.boolValue
                    {
                        problems.append(
                            BankProblem(
                                file: file, line: line, column: column,
                                message:
                                    "image \(image.target) not found (put the file there, next to the bank, "
                                    + "or remove the reference)"))
                    }
                }
            case .mapping(let mapping):
                for (key, value) in mapping.reversed() {
                    pending.append(value)
                    _ = key
                }
            case .sequence(let sequence):
                pending.append(contentsOf: sequence.reversed())
            default:
                break
            }
        }
        return problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }
}

extension BankReader {
    /// Reads the bank in `bytes` like ``read(_:file:)`` and also checks that every image it refers to
    /// (`![alt](media/x.png)`) is a file relative to `directory`, the folder of the bank file.
    public static func read(_ bytes: [UInt8], file: String, mediaDirectory directory: URL) -> BankReadResult {
        let result = read(bytes, file: file)
        let media = BankMedia.problems(in: bytes, file: file, directory: directory)
        guard !media.isEmpty else { return result }
        return BankReadResult(
            bank: result.bank,
            problems: (result.problems + media).sorted { ($0.line, $0.column) < ($1.line, $1.column) },
            itemCount: result.itemCount)
    }
}

extension Item {
    /// Every Markdown text of the item: stem, feedback, and the texts and feedback of its choices and answers.
    public var markdownTexts: [String] {
        var texts = [stem] + [feedback].compactMap { $0 }
        func add(_ choices: [Choice]) {
            for choice in choices { texts += [choice.text] + [choice.feedback].compactMap { $0 } }
        }
        switch kind {
        case .singleChoice(let options, _), .multipleResponse(let options, _): add(options)
        case .trueFalse(_, let feedbackTrue, let feedbackFalse):
            texts += [feedbackTrue, feedbackFalse].compactMap { $0 }
        case .numeric(let answers, _): texts += answers.compactMap(\.feedback)
        case .shortText(let answers, _, _): texts += answers.compactMap(\.feedback)
        case .matching(let premises, let responses, _):
            add(premises)
            add(responses)
        case .ordering(let elements, _): add(elements)
        case .cloze(let gaps):
            for gap in gaps {
                switch gap.kind {
                case .choice(let options, _): add(options)
                case .text(let answers, _): texts += answers.compactMap(\.feedback)
                case .numeric(let answers): texts += answers.compactMap(\.feedback)
                }
            }
        case .essay(let template, let graderInfo): texts += [template, graderInfo].compactMap { $0 }
        }
        return texts
    }
}
