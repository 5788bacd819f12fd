import Assessment
import Foundation

/// A question that cannot be converted, with the reason.
struct QTISkip: Error {
    var reason: String
}

/// What a content package knows about an item besides the item file.
struct QTIItemHints {
    var topic: String?
    var difficulty: Difficulty?
    /// The files of the package the item is in, by archive path (images are looked up here).
    var files: [String: Data] = [:]
    /// The item file's path in the package; image sources in its XHTML are relative to it.
    var itemPath = ""
}

/// A sample answer used to read and check scoring: our response and the QTI response variables it sets.
struct QTIProbe {
    var response: Response
    var values: [String: QTIValue]
    /// How the answer is described in messages.
    var label: String
}

/// A feedback element (`modalFeedback`, `feedbackBlock`, `feedbackInline`).
struct QTIFeedbackElement {
    var outcome: String
    var identifier: String
    var show: Bool
    var text: String
    var line: Int
    var used = false
}

/// Reads one QTI item (2.1 or 3.0) into one ``ImportedQuestion``.
struct QTIItemReader {
    let version: QTIVersion
    let names: QTINames
    let file: String
    let root: MarkupElement
    var warnings: [String] = []
    var responses: [String: QTIResponseDeclaration] = [:]
    var outcomes: [String: QTIOutcomeDeclaration] = [:]
    var feedbacks: [QTIFeedbackElement] = []
    var forms: [String: QTIForm] = [:]
    var scoreForm = QTIForm()
    /// The points the item declares (MAXSCORE, else SCORE's normalMaximum).
    var declaredPoints: Rational?
    /// Patterns evaluated with our own semantics (a bank `pattern` exported by us).
    var nativePatterns: Set<String> = []
    /// Whether a scoring approximation was already reported (then the check by samples is skipped).
    var scoringApproximated = false
    /// The images the item's texts embed.
    var media = MediaCollector()
    /// The files of the package, by archive path (empty for a lone item file).
    var packageFiles: [String: Data] = [:]

    static let supportedInteractions: Set<String> = [
        "choiceInteraction", "orderInteraction", "matchInteraction", "associateInteraction", "gapMatchInteraction",
        "textEntryInteraction", "inlineChoiceInteraction", "extendedTextInteraction",
    ]
    static let unsupportedInteractions: Set<String> = [
        "hottextInteraction", "hotspotInteraction", "selectPointInteraction", "graphicOrderInteraction",
        "graphicAssociateInteraction", "graphicGapMatchInteraction", "positionObjectInteraction",
        "positionObjectStage", "sliderInteraction", "drawingInteraction", "uploadInteraction", "mediaInteraction",
        "customInteraction", "portableCustomInteraction", "endAttemptInteraction",
    ]

    init(root: MarkupElement, file: String, version: QTIVersion) {
        self.root = root
        self.file = file
        self.version = version
        names = QTINames(version: version)
    }

    /// Reads the item; never throws (a question that cannot be converted is skipped with its reason).
    static func question(
        root: MarkupElement, file: String, location: SourceLocation, version: QTIVersion,
        itemIDs: inout IdentifierMaker, hints: QTIItemHints
    ) -> ImportedQuestion {
        var reader = QTIItemReader(root: root, file: file, version: version)
        let folder = hints.itemPath.lastIndex(of: "/").map { String(hints.itemPath[...$0]) } ?? ""
        let files = hints.files
        reader.packageFiles = files
        reader.media.lookup = { source in
            guard let path = MediaNames.archivePath(source, relativeTo: folder), let data = files[path] else {
                return nil
            }
            return MediaFile(data)
        }
        let label = reader.label
        do {
            let item = reader.embeddingRemainingImages(try reader.read(itemIDs: &itemIDs, hints: hints))
            var warnings: [String] = []
            for warning in reader.warnings where !warnings.contains(warning) { warnings.append(warning) }
            return ImportedQuestion(
                location: location, label: label,
                status: warnings.isEmpty ? .imported(item) : .importedWithWarnings(item, warnings),
                media: reader.media.media)
        } catch {
            return ImportedQuestion(location: location, label: label, status: .skipped(reason: error.reason))
        }
    }

    var label: String {
        let title = names.attribute(root, "title")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !title.isEmpty { return String(title.prefix(80)) }
        let identifier = names.attribute(root, "identifier") ?? ""
        return identifier.isEmpty ? "item at line \(root.line)" : identifier
    }

    // MARK: Reading

    private mutating func read(itemIDs: inout IdentifierMaker, hints: QTIItemHints) throws(QTISkip) -> Item {
        if names.attribute(root, "adaptive")?.lowercased() == "true" {
            throw QTISkip(reason: "adaptive items (several attempts with changing feedback) are not supported")
        }
        if let template = root.elements.first(where: {
            ["templateDeclaration", "templateProcessing"].contains(names.name($0))
        }) {
            throw QTISkip(
                reason: "template variables (randomised values, line \(template.line)) are not supported")
        }
        try readDeclarations()
        guard let body = names.child(root, "itemBody") else {
            throw QTISkip(reason: "the item has no itemBody")
        }
        if let printed = names.descendants(body, ["printedVariable", "templateBlock", "templateInline"]).first {
            throw QTISkip(reason: "<\(printed.name)> at line \(printed.line) (template values) is not supported")
        }
        readFeedbackElements(body: body)

        let interactions = names.descendants(
            body, Self.supportedInteractions.union(Self.unsupportedInteractions))
        if let unsupported = interactions.first(where: { Self.unsupportedInteractions.contains(names.name($0)) }) {
            throw QTISkip(reason: "<\(unsupported.name)> at line \(unsupported.line) is not supported")
        }
        let inline = interactions.filter {
            ["textEntryInteraction", "inlineChoiceInteraction"].contains(names.name($0))
        }
        let block = interactions.filter { interaction in !inline.contains { $0 === interaction } }
        if interactions.isEmpty {
            throw QTISkip(reason: "the item has no interaction (it is not a question)")
        }
        if block.count > 1 || (!block.isEmpty && !inline.isEmpty) {
            let kinds = interactions.map { "<\($0.name)>" }
            var unique: [String] = []
            for kind in kinds where !unique.contains(kind) { unique.append(kind) }
            throw QTISkip(
                reason: "several interactions in one item (\(unique.joined(separator: ", "))) are not supported")
        }

        let identifier = names.attribute(root, "identifier") ?? ""
        let id = itemIDs.make(from: Self.decoded(identifier), fallback: label)
        let isEssay = block.first.map { names.name($0) == "extendedTextInteraction" } ?? false
        try runResponseProcessing(essay: isEssay, interactions: interactions)

        var draft: Draft
        if let interaction = block.first {
            switch names.name(interaction) {
            case "choiceInteraction": draft = try readChoice(interaction, body: body)
            case "orderInteraction": draft = try readOrder(interaction, body: body)
            case "matchInteraction": draft = try readMatch(interaction, body: body)
            case "associateInteraction": draft = try readAssociate(interaction, body: body)
            case "gapMatchInteraction": draft = try readGapMatch(interaction, body: body)
            default: draft = try readEssay(interaction, body: body)
            }
        } else {
            draft = try readInline(inline, body: body)
        }
        if !isEssay {
            let rubric = rubric(body: body)
            if rubric.grader != nil { warnings.append("grader information (rubric for scorers) was dropped") }
            if let candidate = rubric.candidate {
                draft.stem = draft.stem.isEmpty ? candidate : draft.stem + "\n\n" + candidate
            }
        }
        let unused = feedbacks.filter { !$0.used && !$0.text.isEmpty }
        for feedback in unused where !isGeneral(feedback, draft: draft) {
            warnings.append(
                "feedback '\(feedback.identifier)' (line \(feedback.line)) is shown only for some answers and was dropped"
            )
        }
        let general = feedbacks.filter { !$0.used && !$0.text.isEmpty && isGeneral($0, draft: draft) }
        for index in feedbacks.indices where !feedbacks[index].used && isGeneral(feedbacks[index], draft: draft) {
            feedbacks[index].used = true
        }
        let generalFeedback = general.map(\.text).joined(separator: "\n\n")

        let topic = hints.topic.flatMap { IdentifierMaker.sanitized($0).isEmpty ? nil : IdentifierMaker.sanitized($0) }
        let item = Item(
            id: id, topic: topic ?? "imported", difficulty: hints.difficulty, points: draft.points, stem: draft.stem,
            feedback: Self.nonEmpty(generalFeedback), kind: draft.kind)
        if let problem = QTIItemLimits.problem(in: item) { throw QTISkip(reason: problem) }
        if !scoringApproximated, !draft.probes.isEmpty {
            try verify(item, probes: draft.probes, allOrNothing: draft.allOrNothing)
        }
        return item
    }

    /// What a kind reader produces.
    struct Draft {
        var kind: ItemKind
        var stem: String
        var points: Rational
        var probes: [QTIProbe]
        /// For ordering and matching: how an all-or-nothing file is described (what earns points, and
        /// what our partial credit is per).
        var allOrNothing: (what: String, partial: String)? = nil
    }

    static func decoded(_ identifier: String) -> String {
        identifier.hasPrefix("_") && identifier.count > 1 ? String(identifier.dropFirst()) : identifier
    }

    /// The value, or a skip when checked arithmetic overflowed.
    static func exact(_ value: Rational?) throws(QTISkip) -> Rational {
        guard let value else { throw QTISkip(reason: QTIArithmetic.tooLarge) }
        return value
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    // MARK: Declarations

    private mutating func readDeclarations() throws(QTISkip) {
        for element in root.elements {
            switch names.name(element) {
            case "responseDeclaration":
                let declaration = try readResponseDeclaration(element)
                guard responses[declaration.identifier] == nil, outcomes[declaration.identifier] == nil else {
                    throw QTISkip(
                        reason: "variable '\(declaration.identifier)' is declared twice (line \(element.line))")
                }
                responses[declaration.identifier] = declaration
            case "outcomeDeclaration":
                guard let identifier = names.attribute(element, "identifier"), !identifier.isEmpty else {
                    throw QTISkip(reason: "outcomeDeclaration at line \(element.line) has no identifier")
                }
                guard responses[identifier] == nil, outcomes[identifier] == nil else {
                    throw QTISkip(reason: "variable '\(identifier)' is declared twice (line \(element.line))")
                }
                let cardinality = names.attribute(element, "cardinality") ?? "single"
                let baseType = names.attribute(element, "baseType").flatMap(QTIBaseType.init(rawValue:))
                let defaultValue = try values(
                    names.child(element, "defaultValue"), baseType: baseType, cardinality: cardinality)
                let normalMaximum = names.attribute(element, "normalMaximum").flatMap(QTIValueParsing.number)
                outcomes[identifier] = QTIOutcomeDeclaration(
                    identifier: identifier, cardinality: cardinality, baseType: baseType, defaultValue: defaultValue,
                    normalMaximum: normalMaximum, line: element.line)
            default:
                break
            }
        }
        if let maximum = outcomes["MAXSCORE"], maximum.isNumeric, let value = maximum.defaultValue.number {
            declaredPoints = value
        } else if let score = outcomes["SCORE"], let normalMaximum = score.normalMaximum {
            declaredPoints = normalMaximum
        }
    }

    private func readResponseDeclaration(_ element: MarkupElement) throws(QTISkip) -> QTIResponseDeclaration {
        guard let identifier = names.attribute(element, "identifier"), !identifier.isEmpty else {
            throw QTISkip(reason: "responseDeclaration at line \(element.line) has no identifier")
        }
        let cardinality = names.attribute(element, "cardinality") ?? "single"
        guard ["single", "multiple", "ordered"].contains(cardinality) else {
            throw QTISkip(
                reason:
                    "response '\(identifier)' (line \(element.line)) has cardinality '\(cardinality)', which is not supported"
            )
        }
        let baseTypeName = names.attribute(element, "baseType") ?? ""
        guard let baseType = QTIBaseType(rawValue: baseTypeName) else {
            throw QTISkip(
                reason: "response '\(identifier)' (line \(element.line)) has no supported baseType ('\(baseTypeName)')")
        }
        let correct = try values(names.child(element, "correctResponse"), baseType: baseType, cardinality: cardinality)
        let defaultValue = try values(
            names.child(element, "defaultValue"), baseType: baseType, cardinality: cardinality)
        var mapping: QTIMapping? = nil
        if let mappingElement = names.child(element, "mapping") {
            mapping = try readMapping(mappingElement, baseType: baseType, response: identifier)
        }
        return QTIResponseDeclaration(
            identifier: identifier, cardinality: cardinality, baseType: baseType, correct: correct, mapping: mapping,
            defaultValue: defaultValue, line: element.line)
    }

    private func readMapping(_ element: MarkupElement, baseType: QTIBaseType, response: String) throws(QTISkip)
        -> QTIMapping
    {
        func number(_ name: String) throws(QTISkip) -> Rational? {
            guard let text = names.attribute(element, name) else { return nil }
            guard let value = QTIValueParsing.number(text) else {
                throw QTISkip(
                    reason: "mapping of '\(response)' (line \(element.line)): \(name) '\(text)' is not a number")
            }
            return value
        }
        var entries: [QTIMapping.Entry] = []
        for entry in names.children(element, "mapEntry") {
            guard let keyText = names.attribute(entry, "mapKey"), let key = baseType.parse(keyText) else {
                throw QTISkip(
                    reason: "mapEntry at line \(entry.line) has no valid mapKey for a \(baseType.rawValue) response")
            }
            guard let valueText = names.attribute(entry, "mappedValue"), let value = QTIValueParsing.number(valueText)
            else {
                throw QTISkip(reason: "mapEntry at line \(entry.line) has no valid mappedValue")
            }
            let caseSensitive = (names.attribute(entry, "caseSensitive") ?? "true").lowercased() != "false"
            entries.append(QTIMapping.Entry(key: key, value: value, caseSensitive: caseSensitive, line: entry.line))
        }
        return QTIMapping(
            entries: entries, defaultValue: try number("defaultValue") ?? .zero, lowerBound: try number("lowerBound"),
            upperBound: try number("upperBound"))
    }

    private func values(_ element: MarkupElement?, baseType: QTIBaseType?, cardinality: String) throws(QTISkip)
        -> QTIValue
    {
        guard let element else { return .null }
        var scalars: [QTIScalar] = []
        for value in names.children(element, "value") {
            let type = names.attribute(value, "baseType").flatMap(QTIBaseType.init(rawValue:)) ?? baseType
            guard let type, let scalar = type.parse(value.text) else {
                throw QTISkip(
                    reason:
                        "\(names.name(element)) at line \(value.line): '\(value.text)' is not a valid \(baseType?.rawValue ?? "value")"
                )
            }
            scalars.append(scalar)
        }
        if cardinality == "single" { return scalars.first.map(QTIValue.single) ?? .null }
        return .container(scalars, ordered: cardinality == "ordered")
    }

    // MARK: Response processing

    private mutating func runResponseProcessing(essay: Bool, interactions: [MarkupElement]) throws(QTISkip) {
        var runner = QTIRuleRunner(names: names, responses: responses, outcomes: outcomes)
        if let processing = names.child(root, "responseProcessing") {
            if !processing.elements.isEmpty {
                runner.run(processing.elements)
            } else if let url = names.attribute(processing, "template") {
                guard let template = QTITemplate(url: url) else {
                    throw QTISkip(reason: "the response processing template '\(url)' is not supported")
                }
                var correctPoints = Rational.one
                if template == .matchCorrect, let declaredPoints, declaredPoints != .one {
                    correctPoints = declaredPoints
                    warnings.append(
                        "the match_correct template gives 1 point for a correct answer; the item's MAXSCORE \(declaredPoints.exactText) is given instead"
                    )
                }
                runner.runTemplate(template, correctPoints: correctPoints, line: processing.line)
            } else if !essay {
                try scoreByDeclarations(&runner, interactions: interactions, line: processing.line)
            }
        } else if !essay {
            try scoreByDeclarations(&runner, interactions: interactions, line: root.line)
        }
        if let fatal = runner.fatal { throw QTISkip(reason: fatal) }
        warnings += runner.ignored
        outcomes = runner.outcomes
        forms = runner.forms
        scoreForm = forms["SCORE"] ?? QTIForm()
        var visited = Set<ObjectIdentifier>()
        if let problem = scoreForm.firstUnsupported(visited: &visited) {
            throw QTISkip(reason: "the score cannot be converted: \(problem)")
        }
        if !essay, outcomes["SCORE"] == nil {
            throw QTISkip(reason: "the item declares no SCORE outcome")
        }
    }

    /// No response processing: score each response by its mapping, else by its correct response.
    private mutating func scoreByDeclarations(
        _ runner: inout QTIRuleRunner, interactions: [MarkupElement], line: Int
    ) throws(QTISkip) {
        var identifiers: [String] = []
        for interaction in interactions {
            if let identifier = names.attribute(interaction, "responseIdentifier"), !identifiers.contains(identifier) {
                identifiers.append(identifier)
            }
        }
        var form = QTIForm()
        var how: Set<String> = []
        for identifier in identifiers {
            guard let declaration = responses[identifier] else { continue }
            if declaration.mapping != nil {
                form.terms += runner.mapForm(identifier).terms
                how.insert("mapping")
            } else if !declaration.correct.isNull {
                let condition = QTISym.call(
                    "match", [QTISym(.response(identifier)), .constant(declaration.correct, fromCorrect: true)])
                let points = identifiers.count == 1 ? (declaredPoints ?? .one) : .one
                form.terms.append(
                    QTITerm(literals: [QTILiteral(condition: condition, positive: true)], scale: points, leaf: .unit))
                how.insert("correct response")
            } else {
                throw QTISkip(
                    reason:
                        "the item has no response processing and response '\(identifier)' has neither a correct response nor a mapping"
                )
            }
        }
        warnings.append(
            "the item has no response processing; it is scored by its declared \(how.sorted().joined(separator: " and "))"
        )
        if outcomes["SCORE"] == nil {
            outcomes["SCORE"] = QTIOutcomeDeclaration(
                identifier: "SCORE", cardinality: "single", baseType: .float, defaultValue: .number(.zero),
                normalMaximum: nil, line: line)
        }
        runner = QTIRuleRunner(names: names, responses: responses, outcomes: outcomes)
        runner.setForm("SCORE", form)
    }

    /// The score form without the clamps around the whole of it (and the mapping bounds of a lone
    /// `mapResponse`), with the clamp bounds found.
    func unclampedScore() -> QTIForm {
        var form = scoreForm
        for _ in 0..<20 {
            let significant = form.terms.filter { !Self.isZero($0) }
            guard significant.count == 1, let term = significant.first, term.scale > .zero,
                case .clamp(_, _, let inner) = term.leaf, Self.onlyNotNull(term.literals),
                let scaled = inner.scaled(by: term.scale)
            else { break }
            form = scaled.guarded(by: term.literals)
        }
        return form
    }

    /// Whether every literal only says "the response is not NULL".
    static func onlyNotNull(_ literals: [QTILiteral]) -> Bool {
        literals.allSatisfy { $0.condition.callName == "isNull" && !$0.positive }
    }

    static func isZero(_ term: QTITerm) -> Bool {
        if term.scale == .zero { return true }
        if case .value(let sym) = term.leaf, let value = sym.constantValue {
            return value.number == .zero || value.isNull
        }
        return false
    }

    // MARK: Evaluation helpers

    func evaluator(_ values: [String: QTIValue]) -> QTIEvaluator {
        var mappings: [String: QTIMapping] = [:]
        for (identifier, declaration) in responses {
            if let mapping = declaration.mapping { mappings[identifier] = mapping }
        }
        return QTIEvaluator(responses: values, mappings: mappings, nativePatterns: nativePatterns)
    }

    /// The value of a numeric form for some response values.
    func number(_ form: QTIForm, _ values: [String: QTIValue]) throws(QTISkip) -> Rational {
        var evaluator = evaluator(values)
        do {
            return try evaluator.number(form)
        } catch {
            throw QTISkip(reason: "the score cannot be evaluated: \(error.message)")
        }
    }

    func value(of term: QTITerm, _ values: [String: QTIValue]) throws(QTISkip) -> Rational? {
        var evaluator = evaluator(values)
        do {
            guard try evaluator.holds(term.literals) else { return nil }
            return try QTIEvaluator.exact(term.scale.times(try evaluator.number(term.leaf)))
        } catch {
            throw QTISkip(reason: "the score cannot be evaluated: \(error.message)")
        }
    }

    // MARK: Feedback

    private mutating func readFeedbackElements(body: MarkupElement) {
        var elements = names.children(root, "modalFeedback")
        elements += names.descendants(body, ["feedbackBlock", "feedbackInline"])
        for element in elements {
            let outcome = names.attribute(element, "outcomeIdentifier") ?? ""
            let identifier = names.attribute(element, "identifier") ?? ""
            let show = (names.attribute(element, "showHide") ?? "show").lowercased() != "hide"
            let text = Self.nonEmpty(markdown(names.contentNodes(element), dropFeedback: true)) ?? ""
            feedbacks.append(
                QTIFeedbackElement(outcome: outcome, identifier: identifier, show: show, text: text, line: element.line)
            )
        }
    }

    /// Whether feedback `index` is shown for the response values.
    func isShown(_ feedback: QTIFeedbackElement, _ values: [String: QTIValue]) -> Bool? {
        guard let declaration = outcomes[feedback.outcome], let form = forms[feedback.outcome] else { return nil }
        var evaluator = evaluator(values)
        do {
            let contained: Bool
            if declaration.isNumeric {
                let number = try evaluator.number(form)
                contained = QTIValueParsing.number(feedback.identifier) == number
            } else {
                let values = try evaluator.values(form)
                let present = declaration.cardinality == "single" ? Array(values.suffix(1)) : values
                contained = present.contains { $0.text == feedback.identifier }
            }
            return contained == feedback.show
        } catch {
            return nil
        }
    }

    /// Shown for every sample answer of the item.
    func isGeneral(_ feedback: QTIFeedbackElement, draft: Draft) -> Bool {
        if draft.probes.isEmpty {
            // An essay: shown whatever was written.
            let samples: [[String: QTIValue]] = [
                Dictionary(uniqueKeysWithValues: responses.keys.map { ($0, QTIValue.single(.string("Text"))) })
            ]
            return samples.allSatisfy { isShown(feedback, $0) == true }
        }
        return draft.probes.allSatisfy { isShown(feedback, $0.values) == true }
    }

    /// Feedback shown exactly for the probes where `selects` holds, joined; marks them used.
    mutating func feedback(where selects: (QTIProbe) -> Bool, probes: [QTIProbe], among candidates: [Int]? = nil)
        -> String?
    {
        var texts: [String] = []
        for index in candidates ?? Array(feedbacks.indices) where !feedbacks[index].used {
            let feedback = feedbacks[index]
            guard !feedback.text.isEmpty else { continue }
            var matches = true
            var anyShown = false
            var allShown = true
            for probe in probes {
                guard let shown = isShown(feedback, probe.values) else {
                    matches = false
                    break
                }
                anyShown = anyShown || shown
                allShown = allShown && shown
                if shown != selects(probe) {
                    matches = false
                    break
                }
            }
            if matches, anyShown, !allShown {
                texts.append(feedback.text)
                feedbacks[index].used = true
            }
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n\n")
    }

    // MARK: Check by samples

    /// Compares the converted item's scores with the file's on sample answers; a difference becomes a warning.
    private mutating func verify(_ item: Item, probes: [QTIProbe], allOrNothing: (what: String, partial: String)?)
        throws(QTISkip)
    {
        let scorer = ItemScorer(item: item)
        var differences: [String] = []
        var fileScores: [Rational] = []
        for probe in probes {
            let ours = scorer.score(probe.response).points
            let theirs = try number(scoreForm, probe.values)
            fileScores.append(theirs)
            if ours != theirs {
                differences.append(
                    "\(probe.label): the file gives \(theirs.formatted(places: 4)), the import \(ours.formatted(places: 4)) points"
                )
            }
        }
        guard let first = differences.first else { return }
        if let allOrNothing, fileScores.first == item.points, fileScores.dropFirst().allSatisfy({ $0 == .zero }) {
            warnings.append(
                "all-or-nothing scoring (points only for \(allOrNothing.what)) was replaced by partial credit per \(allOrNothing.partial)"
            )
            return
        }
        warnings.append(
            "the scoring differs from the file for \(differences.count) of \(probes.count) sample answers (e.g. \(first))"
        )
    }

    // MARK: Body text

    enum BodyAction {
        case keep
        case drop
        case replace(String)
        /// Keep the element's content without the element.
        case unwrap
    }

    indirect enum CleanNode {
        case text(String)
        case element(name: String, attributes: [String: String], children: [CleanNode])
    }

    static let feedbackNames: Set<String> = ["feedbackInline", "feedbackBlock", "modalFeedback", "rubricBlock"]

    /// Markdown for body nodes: a lone `kc-markdown` element's text verbatim, otherwise the XHTML reduced
    /// to Markdown (its warnings are added).
    mutating func markdown(
        _ nodes: [MarkupNode], dropFeedback: Bool = true, action: (MarkupElement) -> BodyAction = { _ in .keep }
    ) -> String {
        let cleaned = clean(nodes, depth: 0) { element in
            if dropFeedback, Self.feedbackNames.contains(names.name(element)) { return .drop }
            return action(element)
        }
        if let verbatim = Self.verbatim(cleaned) { return embedImages(in: verbatim) }
        var html = ""
        Self.serialize(cleaned, into: &html)
        let (markdown, htmlWarnings) = HTMLText.markdown(from: html, media: media)
        warnings += htmlWarnings
        return markdown
    }

    private func clean(_ nodes: [MarkupNode], depth: Int, action: (MarkupElement) -> BodyAction) -> [CleanNode] {
        guard depth < 200 else { return [] }
        var result: [CleanNode] = []
        for node in nodes {
            switch node {
            case .text(let text):
                result.append(.text(text))
            case .element(let element):
                switch action(element) {
                case .drop:
                    continue
                case .replace(let text):
                    result.append(.text(text))
                case .unwrap:
                    result += clean(element.children, depth: depth + 1, action: action)
                case .keep:
                    let children = clean(element.children, depth: depth + 1, action: action)
                    let name = element.localName
                    let isMarkdown = Self.classes(element.attributes["class"]).contains("kc-markdown")
                    if ["p", "div", "span"].contains(name), !isMarkdown, !element.children.isEmpty,
                        children.allSatisfy({
                            if case .text(let text) = $0 { text.allSatisfy(\.isWhitespace) } else { false }
                        })
                    {
                        continue  // emptied by the removals
                    }
                    result.append(.element(name: name, attributes: element.attributes, children: children))
                }
            }
        }
        return result
    }

    /// `item` with the images its texts name by a package path but that no reading embedded yet (Markdown
    /// kept as text, such as an inline choice of our own export) embedded from the package.
    func embeddingRemainingImages(_ item: Item) -> Item {
        guard !packageFiles.isEmpty else { return item }
        var renames: [String: String] = [:]
        for text in item.markdownTexts {
            for image in MarkdownImage.all(in: text) where media.media[image.target] == nil {
                guard renames[image.target] == nil, let data = packageFiles[image.target] else { continue }
                renames[image.target] = media.keep(path: image.target, data: data)
            }
        }
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

    /// `markdown` (our own export's verbatim text) with its images, which the package holds at the
    /// bank-relative path the text names, embedded; a missing image is a warning.
    mutating func embedImages(in markdown: String) -> String {
        var result = markdown
        for image in MarkdownImage.all(in: markdown).reversed() {
            guard let data = packageFiles[image.target] else {
                let warning = "image \(image.target) not embedded (the package does not contain it)"
                if !warnings.contains(warning) { warnings.append(warning) }
                continue
            }
            let path = media.keep(path: image.target, data: data)
            if path != image.target {
                result.replaceSubrange(image.range, with: MarkdownImage.markdown(alt: image.alt, target: path))
            }
        }
        return result
    }

    static func classes(_ value: String?) -> [String] {
        (value ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// The text of a lone `kc-markdown` element that holds only text.
    static func verbatim(_ nodes: [CleanNode]) -> String? {
        let significant = nodes.filter {
            if case .text(let text) = $0 { !text.allSatisfy(\.isWhitespace) } else { true }
        }
        guard significant.count == 1, case .element(let name, let attributes, let children) = significant[0],
            name == "div" || name == "span", classes(attributes["class"]).contains("kc-markdown")
        else { return nil }
        // Our export renders the Markdown as XHTML and keeps the source in an attribute.
        if let source = attributes["data-kc-markdown"] { return source }
        var text = ""
        for child in children {
            guard case .text(let part) = child else { return nil }
            text += part
        }
        return text
    }

    static func serialize(_ nodes: [CleanNode], into result: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                result += XMLTree.escape(text)
            case .element(let name, let attributes, let children):
                result += "<\(name)"
                for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
                    result += " \(key)=\"\(XMLTree.escape(value, attribute: true))\""
                }
                if children.isEmpty {
                    result += "/>"
                } else {
                    result += ">"
                    serialize(children, into: &result)
                    result += "</\(name)>"
                }
            }
        }
    }

    /// The item's stem: the body without `interaction` (its prompt appended), rubric blocks and feedback.
    mutating func stem(body: MarkupElement, interaction: MarkupElement, extraDrops: Set<String> = []) -> String {
        let names = self.names
        var text = markdown(body.children) { element in
            if element === interaction { return .drop }
            if names.name(element) == "rubricBlock" { return .drop }
            if Self.classes(element.attributes["class"]).contains(where: extraDrops.contains) { return .drop }
            return .keep
        }
        if let prompt = names.child(interaction, "prompt") {
            let promptText = markdown(prompt.children)
            if !promptText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                text =
                    text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                    ? promptText : text + "\n\n" + promptText
            }
        }
        return text
    }

    /// Rubric blocks: those for scorers become grader information, those for candidates join the stem.
    mutating func rubric(body: MarkupElement) -> (grader: String?, candidate: String?) {
        var grader: [String] = []
        var candidate: [String] = []
        for block in names.descendants(body, ["rubricBlock"]) {
            let views = Self.classes(names.attribute(block, "view"))
            let text = markdown(names.contentNodes(block))
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            if views.contains("scorer") || views.contains("tutor") {
                grader.append(text)
            } else if views.contains("candidate") {
                candidate.append(text)
            } else {
                warnings.append(
                    "rubric block at line \(block.line) for \(views.joined(separator: ", ")) was dropped")
            }
        }
        return (
            grader.isEmpty ? nil : grader.joined(separator: "\n\n"),
            candidate.isEmpty ? nil : candidate.joined(separator: "\n\n")
        )
    }

    /// The texts of the choices of an interaction, with their ids.
    mutating func options(_ elements: [MarkupElement], what: String) throws(QTISkip) -> [QTIOption] {
        try options(elements, what: what) { reader, element in reader.markdown(element.children) }
    }

    /// The choices of an inline choice or gap match, whose texts are plain (trimmed unless we wrote them).
    mutating func plainOptions(_ elements: [MarkupElement], what: String) throws(QTISkip) -> [QTIOption] {
        try options(elements, what: what) { reader, element in
            let text = reader.plainText(element)
            return reader.isOurs ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    private mutating func options(
        _ elements: [MarkupElement], what: String, text readText: (inout Self, MarkupElement) -> String
    ) throws(QTISkip) -> [QTIOption] {
        var ids = IdentifierMaker()
        var result: [QTIOption] = []
        for (index, element) in elements.enumerated() {
            guard let identifier = names.attribute(element, "identifier"), !identifier.isEmpty else {
                throw QTISkip(reason: "\(what) at line \(element.line) has no identifier")
            }
            guard !result.contains(where: { $0.qti == identifier }) else {
                throw QTISkip(reason: "\(what) identifier '\(identifier)' (line \(element.line)) is used twice")
            }
            let text = readText(&self, element)
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw QTISkip(reason: "\(what) '\(identifier)' at line \(element.line) has no text")
            }
            let id = ids.make(from: Self.decoded(identifier), fallback: "option-\(index + 1)")
            result.append(QTIOption(qti: identifier, id: id, text: text, line: element.line))
        }
        return result
    }

    /// Plain text of an inline choice or gap text: verbatim when it is only text.
    mutating func plainText(_ element: MarkupElement) -> String {
        let children = element.children
        if children.allSatisfy({ if case .text = $0 { true } else { false } }) {
            return element.text
        }
        return markdown(children)
    }

    func response(of interaction: MarkupElement) throws(QTISkip) -> QTIResponseDeclaration {
        guard let identifier = names.attribute(interaction, "responseIdentifier") else {
            throw QTISkip(reason: "<\(interaction.name)> at line \(interaction.line) has no responseIdentifier")
        }
        guard let declaration = responses[identifier] else {
            throw QTISkip(
                reason:
                    "<\(interaction.name)> at line \(interaction.line) uses response '\(identifier)', which is not declared"
            )
        }
        return declaration
    }

    func points(probes: [QTIProbe]) throws(QTISkip) -> Rational {
        if let declaredPoints {
            try QTIItemLimits.checkPoints(declaredPoints)
            return declaredPoints
        }
        var best = Rational.zero
        for probe in probes { best = max(best, try number(scoreForm, probe.values)) }
        if best == .zero { return .one }
        try QTIItemLimits.checkPoints(best)
        return best
    }
}

/// An option, premise, response, element or gap text read from an interaction.
struct QTIOption {
    var qti: String
    var id: String
    var text: String
    var line: Int
}

/// The bank format's limits (``BankRules``), checked before an item is handed over, and the precision QTI scoring
/// needs.
enum QTIItemLimits {
    static func checkPoints(_ points: Rational) throws(QTISkip) {
        if let problem = BankRules.points(points, spelled: points.exactText) {
            throw QTISkip(reason: problem)
        }
    }

    /// Why the numbers of an item are too large or too precise to be written exactly, or to score safely (the
    /// denominators of points, credits and weights must have a common multiple of at most 10⁹).
    static func numbers(in item: Item) -> String? {
        var scored: [Rational] = [item.points]
        var all: [Rational] = [item.points]
        func credit(_ value: Rational?) {
            guard let value else { return }
            scored.append(value)
            all.append(value)
        }
        func choices(_ list: [Choice]) {
            for choice in list {
                credit(choice.credit)
                credit(choice.uncheckedCredit)
            }
        }
        func numeric(_ answers: [NumericAnswer]) {
            for answer in answers {
                credit(answer.credit)
                all.append(answer.value)
                switch answer.tolerance {
                case .exact: break
                case .absolute(let value), .relative(let value): all.append(value)
                }
            }
        }
        switch item.kind {
        case .singleChoice(let options, _), .multipleResponse(let options, _): choices(options)
        case .numeric(let answers, _): numeric(answers)
        case .shortText(let answers, _, _):
            for answer in answers { credit(answer.credit) }
        case .cloze(let gaps):
            for gap in gaps {
                scored.append(gap.weight)
                all.append(gap.weight)
                switch gap.kind {
                case .choice(let options, _): choices(options)
                case .text(let answers, _):
                    for answer in answers { credit(answer.credit) }
                case .numeric(let answers): numeric(answers)
                }
            }
        case .trueFalse, .matching, .ordering, .essay:
            break
        }
        for value in all where !value.isQTISized || Rational(exactText: value.exactText) != value {
            return "the number \(value) is too large or too precise to be written exactly"
        }
        var multiple: Int128 = 1
        for value in scored {
            let denominator = Int128(value.denominator)
            var (a, b) = (multiple, denominator)
            while b != 0 { (a, b) = (b, a % b) }
            multiple = multiple / a * denominator
            if multiple > 1_000_000_000 { return QTIArithmetic.tooLarge }
        }
        return nil
    }

    /// Why the item breaks a rule of the bank format (``Item/problems()``) or QTI's precision, if it does.
    static func problem(in item: Item) -> String? {
        item.problems().first?.description ?? numbers(in: item)
    }
}
