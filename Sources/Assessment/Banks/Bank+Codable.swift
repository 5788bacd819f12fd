/// Item kinds are stored as `{"type": <bank file type name>, …key fields}`; sets are written sorted.
extension ItemKind: Codable {
    enum CodingKeys: String, CodingKey {
        case type, options, correct, feedbackTrue, feedbackFalse, answers, unit, pattern, caseSensitive
        case premises, responses, elements, correctOrder, gaps, responseTemplate, graderInfo
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .type)
        guard let type = ItemType(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown item type '\(name)'; expected one of "
                    + ItemType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        switch type {
        case .singleChoice:
            self = .singleChoice(
                options: try container.decode([Choice].self, forKey: .options),
                correct: try container.decode(String.self, forKey: .correct))
        case .multipleResponse:
            let correct = try container.decode([String].self, forKey: .correct)
            guard Set(correct).count == correct.count else {
                throw DecodingError.dataCorruptedError(
                    forKey: .correct, in: container, debugDescription: "a correct option is listed twice")
            }
            self = .multipleResponse(
                options: try container.decode([Choice].self, forKey: .options), correct: Set(correct))
        case .trueFalse:
            self = .trueFalse(
                correct: try container.decode(Bool.self, forKey: .correct),
                feedbackTrue: try container.decodeIfPresent(String.self, forKey: .feedbackTrue),
                feedbackFalse: try container.decodeIfPresent(String.self, forKey: .feedbackFalse))
        case .numeric:
            self = .numeric(
                answers: try container.decode([NumericAnswer].self, forKey: .answers),
                unit: try container.decodeIfPresent(String.self, forKey: .unit))
        case .shortText:
            self = .shortText(
                answers: try container.decode([TextAnswer].self, forKey: .answers),
                pattern: try container.decodeIfPresent(String.self, forKey: .pattern),
                caseSensitive: try container.decode(Bool.self, forKey: .caseSensitive))
        case .matching:
            self = .matching(
                premises: try container.decode([Choice].self, forKey: .premises),
                responses: try container.decode([Choice].self, forKey: .responses),
                correct: try container.decode([String: String].self, forKey: .correct))
        case .ordering:
            self = .ordering(
                elements: try container.decode([Choice].self, forKey: .elements),
                correctOrder: try container.decode([String].self, forKey: .correctOrder))
        case .cloze:
            self = .cloze(gaps: try container.decode([Gap].self, forKey: .gaps))
        case .essay:
            self = .essay(
                responseTemplate: try container.decodeIfPresent(String.self, forKey: .responseTemplate),
                graderInfo: try container.decodeIfPresent(String.self, forKey: .graderInfo))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .singleChoice(let options, let correct):
            try container.encode(options, forKey: .options)
            try container.encode(correct, forKey: .correct)
        case .multipleResponse(let options, let correct):
            try container.encode(options, forKey: .options)
            try container.encode(correct.sorted(), forKey: .correct)
        case .trueFalse(let correct, let feedbackTrue, let feedbackFalse):
            try container.encode(correct, forKey: .correct)
            try container.encodeIfPresent(feedbackTrue, forKey: .feedbackTrue)
            try container.encodeIfPresent(feedbackFalse, forKey: .feedbackFalse)
        case .numeric(let answers, let unit):
            try container.encode(answers, forKey: .answers)
            try container.encodeIfPresent(unit, forKey: .unit)
        case .shortText(let answers, let pattern, let caseSensitive):
            try container.encode(answers, forKey: .answers)
            try container.encodeIfPresent(pattern, forKey: .pattern)
            try container.encode(caseSensitive, forKey: .caseSensitive)
        case .matching(let premises, let responses, let correct):
            try container.encode(premises, forKey: .premises)
            try container.encode(responses, forKey: .responses)
            try container.encode(correct, forKey: .correct)
        case .ordering(let elements, let correctOrder):
            try container.encode(elements, forKey: .elements)
            try container.encode(correctOrder, forKey: .correctOrder)
        case .cloze(let gaps):
            try container.encode(gaps, forKey: .gaps)
        case .essay(let responseTemplate, let graderInfo):
            try container.encodeIfPresent(responseTemplate, forKey: .responseTemplate)
            try container.encodeIfPresent(graderInfo, forKey: .graderInfo)
        }
    }
}

/// Gap kinds are stored as `{"type": "choice" | "text" | "numeric", …key fields}`.
extension GapKind: Codable {
    enum CodingKeys: String, CodingKey {
        case type, options, correct, answers, caseSensitive
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "choice":
            self = .choice(
                options: try container.decode([Choice].self, forKey: .options),
                correct: try container.decode(String.self, forKey: .correct))
        case "text":
            self = .text(
                answers: try container.decode([TextAnswer].self, forKey: .answers),
                caseSensitive: try container.decode(Bool.self, forKey: .caseSensitive))
        case "numeric":
            self = .numeric(answers: try container.decode([NumericAnswer].self, forKey: .answers))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown gap type '\(other)'; expected choice, text or numeric")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .choice(let options, let correct):
            try container.encode("choice", forKey: .type)
            try container.encode(options, forKey: .options)
            try container.encode(correct, forKey: .correct)
        case .text(let answers, let caseSensitive):
            try container.encode("text", forKey: .type)
            try container.encode(answers, forKey: .answers)
            try container.encode(caseSensitive, forKey: .caseSensitive)
        case .numeric(let answers):
            try container.encode("numeric", forKey: .type)
            try container.encode(answers, forKey: .answers)
        }
    }
}

/// Stored as `"exact"`, `{"absolute": "0.5"}` or `{"relative": "0.01"}`; a tolerance is never negative.
extension Tolerance: Codable {
    enum CodingKeys: String, CodingKey {
        case absolute, relative
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == "exact" else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "a tolerance is \"exact\", {\"absolute\": …} or {\"relative\": …}")
            }
            self = .exact
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let key: CodingKeys = container.contains(.absolute) ? .absolute : .relative
        let value = try container.decode(Rational.self, forKey: key)
        guard value >= .zero, container.allKeys.count == 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "a tolerance is one value of at least 0")
        }
        self = key == .absolute ? .absolute(value) : .relative(value)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .exact:
            var single = encoder.singleValueContainer()
            try single.encode("exact")
        case .absolute(let value):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .absolute)
        case .relative(let value):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .relative)
        }
    }
}

/// A stored bank is checked like a bank file: the bank's own fields, every item by the one item validator
/// (``Item/problems()``), and unique item ids. A stored bank that breaks a rule is refused, never loaded.
extension Bank {
    private enum StoredKeys: String, CodingKey {
        case id, title, language, provider, version, items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: StoredKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            title: try container.decode(String.self, forKey: .title),
            language: try container.decode(String.self, forKey: .language),
            provider: try container.decode(String.self, forKey: .provider),
            version: try container.decode(String.self, forKey: .version),
            items: try container.decode([Item].self, forKey: .items))
        var problems = BankRules.headerProblems(of: self).map(\.description)
        var seen: Set<String> = []
        for item in items {
            if !seen.insert(item.id).inserted { problems.append("item id '\(item.id)' is used twice") }
            problems += item.problems().map { "item '\(item.id)': \($0.description)" }
        }
        guard problems.isEmpty else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a stored bank breaks the bank rules: " + problems.joined(separator: "; ")))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: StoredKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(language, forKey: .language)
        try container.encode(provider, forKey: .provider)
        try container.encode(version, forKey: .version)
        try container.encode(items, forKey: .items)
    }
}
