import Assessment
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads Moodle XML question files (`<quiz>` with `<question type="...">` elements).
///
/// Category questions set the topic of the questions after them (the last component of their path); they
/// produce no outcome of their own. Every other `<question>` becomes exactly one ``ImportedQuestion``.
/// Supported: multichoice (single and multiple), truefalse, shortanswer, numerical, matching, ordering, essay,
/// cloze (multianswer) and gapselect. Option grades are kept exactly (`33.33333` % stays 3333333/10000000);
/// whatever Moodle does that a bank cannot is named in a warning.
enum MoodleXMLImporter: QuestionImporter {
    static let format = BankFormat.moodleXML

    static func questions(in source: ImportSource) throws(ImportFailure) -> [ImportedQuestion] {
        let root = try XMLTree.parse(source)
        var startTags = MoodleStartTags(source.data)
        // A single question saved on its own has <question> as its root.
        guard root.localName == "quiz" || root.localName == "question" else {
            throw ImportFailure(
                startTags.location(of: root, in: source.name),
                "the root element is <\(root.name)>, not <quiz> or <question>; this is not a Moodle XML question file")
        }
        let elements = root.localName == "quiz" ? root.elements : [root]
        var topic = "imported"
        var identifiers = IdentifierMaker()
        var results: [ImportedQuestion] = []
        var number = 0
        for element in elements where element.localName == "question" {
            let type = element.attributes["type"]?.trimmingCharacters(in: .whitespaces) ?? ""
            if type == "category" {
                topic = Self.topic(fromCategory: element)
                continue
            }
            number += 1
            let name = Self.collapsed(MoodleQuestion.rawText(element.element("name")))
            let label = name.isEmpty ? Self.fallbackLabel(element, number: number) : name
            let status: ImportStatus
            var question = MoodleQuestion(element: element, type: type)
            do throws(MoodleSkip) {
                var conversion = try convert(&question)
                if let image = question.legacyImage() { conversion.stem += "\n\n" + image }
                let feedback = question.optionalMarkdown(of: element.element("generalfeedback"))
                question.commonWarnings()
                question.fileWarnings()
                // A placeholder id until the item is known to fit a bank, so a skipped question takes no id.
                var item = Item(
                    id: "question-\(number)", topic: topic, points: conversion.points, stem: conversion.stem,
                    feedback: feedback, kind: conversion.kind)
                if let problem = item.problems().first { throw MoodleSkip(problem.description) }
                item.id = identifiers.make(from: name.isEmpty ? label : name, fallback: "question-\(number)")
                status = question.warnings.isEmpty ? .imported(item) : .importedWithWarnings(item, question.warnings)
            } catch {
                status = .skipped(reason: error.reason)
            }
            results.append(
                ImportedQuestion(
                    location: startTags.location(of: element, in: source.name), label: label, status: status,
                    media: question.media.media))
        }
        return results
    }

    // MARK: Types

    private static func convert(_ question: inout MoodleQuestion) throws(MoodleSkip) -> MoodleConversion {
        switch question.type {
        case "multichoice": return try MoodleChoiceTypes.multichoice(&question)
        case "truefalse": return try MoodleChoiceTypes.trueFalse(&question)
        case "matching", "match": return try MoodleChoiceTypes.matching(&question)
        case "ordering": return try MoodleChoiceTypes.ordering(&question)
        case "gapselect": return try MoodleChoiceTypes.gapSelect(&question)
        case "shortanswer": return try MoodleTextTypes.shortAnswer(&question)
        case "numerical": return try MoodleTextTypes.numerical(&question)
        case "essay": return try MoodleTextTypes.essay(&question)
        case "cloze", "multianswer": return try MoodleCloze.convert(&question)
        case "description": throw MoodleSkip("description is not a question (it has no points)")
        case "": throw MoodleSkip("the question has no type")
        default: throw MoodleSkip("\(question.type) question type is not supported")
        }
    }

    // MARK: Categories and labels

    /// The topic for a category path such as `$course$/top/Kommunalrecht/Haushalt`: its last component
    /// (Moodle writes a `/` inside a name as `//`), or `imported` when there is none.
    static func topic(fromCategory element: MarkupElement) -> String {
        MoodleCategoryPath.topic(from: MoodleQuestion.rawText(element.element("category")))
    }

    private static func fallbackLabel(_ element: MarkupElement, number: Int) -> String {
        let text = element.element("questiontext")
        let raw = MoodleQuestion.rawText(text)
        let plain = MoodleQuestion.format(of: text, default: "html") == "html" ? HTMLText.markdown(from: raw).0 : raw
        let words = collapsed(plain)
        guard !words.isEmpty else { return "question \(number)" }
        guard words.count > 40 else { return words }
        return String(words.prefix(40)).trimmingCharacters(in: .whitespaces) + "…"

    }

    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: File checks
}
