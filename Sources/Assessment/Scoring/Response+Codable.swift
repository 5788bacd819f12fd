/// Stored as `{"type": …, "value": …}`; sets are written sorted so that equal responses encode alike.
extension Response: Codable {
    enum CodingKeys: String, CodingKey {
        case type, value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "choice": self = .choice(try container.decode(String.self, forKey: .value))
        case "choices":
            let ids = try container.decode([String].self, forKey: .value)
            guard Set(ids).count == ids.count else {
                throw DecodingError.dataCorruptedError(
                    forKey: .value, in: container, debugDescription: "ticked options are listed twice")
            }
            self = .choices(Set(ids))
        case "truth": self = .truth(try container.decode(Bool.self, forKey: .value))
        case "number": self = .number(try container.decode(Rational.self, forKey: .value))
        case "text": self = .text(try container.decode(String.self, forKey: .value))
        case "matches": self = .matches(try container.decode([String: String].self, forKey: .value))
        case "order": self = .order(try container.decode([String].self, forKey: .value))
        case "gaps": self = .gaps(try container.decode([String: String].self, forKey: .value))
        case "essay": self = .essay(try container.decode(String.self, forKey: .value))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown response type '\(type)'; expected choice, choices, truth, number, text, "
                    + "matches, order, gaps or essay")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .choice(let id):
            try container.encode("choice", forKey: .type)
            try container.encode(id, forKey: .value)
        case .choices(let ids):
            try container.encode("choices", forKey: .type)
            try container.encode(ids.sorted(), forKey: .value)
        case .truth(let value):
            try container.encode("truth", forKey: .type)
            try container.encode(value, forKey: .value)
        case .number(let value):
            try container.encode("number", forKey: .type)
            try container.encode(value, forKey: .value)
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .value)
        case .matches(let pairs):
            try container.encode("matches", forKey: .type)
            try container.encode(pairs, forKey: .value)
        case .order(let ids):
            try container.encode("order", forKey: .type)
            try container.encode(ids, forKey: .value)
        case .gaps(let given):
            try container.encode("gaps", forKey: .type)
            try container.encode(given, forKey: .value)
        case .essay(let text):
            try container.encode("essay", forKey: .type)
            try container.encode(text, forKey: .value)
        }
    }
}

extension ItemScore: Codable {
    enum CodingKeys: String, CodingKey {
        case points, maximum, verdict
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let points = try container.decode(Rational.self, forKey: .points)
        let maximum = try container.decode(Rational.self, forKey: .maximum)
        let verdict = try container.decode(Verdict.self, forKey: .verdict)
        guard maximum >= .zero, points >= .zero, points <= maximum else {
            throw DecodingError.dataCorruptedError(
                forKey: .points, in: container, debugDescription: "points must lie between 0 and the maximum")
        }
        let consistent =
            switch verdict {
            case .unanswered, .awaitingGrading: points == .zero
            case .correct: points == maximum
            case .incorrect: points == .zero
            case .partiallyCorrect: points > .zero && points < maximum
            }
        guard consistent else {
            throw DecodingError.dataCorruptedError(
                forKey: .verdict, in: container,
                debugDescription: "verdict '\(verdict.rawValue)' does not fit \(points) of \(maximum) points")
        }
        self.points = points
        self.maximum = maximum
        self.verdict = verdict
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(points, forKey: .points)
        try container.encode(maximum, forKey: .maximum)
        try container.encode(verdict, forKey: .verdict)
    }
}
