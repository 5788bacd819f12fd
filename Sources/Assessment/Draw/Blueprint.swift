import Foundation
internal import Yams

/// How to assemble an exam from a bank: which pools to draw from, and the rules of the attempt.
public struct Blueprint: Sendable, Equatable {
    /// A set of items selected by topic and/or difficulty, and how many to draw from it.
    public struct Pool: Sendable, Equatable, CustomStringConvertible {
        /// Topic to draw from; `nil` draws from every topic.
        public var topic: String?
        /// Difficulty to draw; `nil` draws any difficulty.
        public var difficulty: Difficulty?
        /// Items to draw.
        public var count: Int

        /// Creates a pool.
        public init(topic: String? = nil, difficulty: Difficulty? = nil, count: Int) {
            self.topic = topic
            self.difficulty = difficulty
            self.count = count
        }

        func admits(_ item: Item) -> Bool {
            (topic == nil || item.topic == topic) && (difficulty == nil || item.difficulty == difficulty)
        }

        /// `topic 'x', difficulty 'hard'`, or `all topics`.
        public var description: String {
            var parts: [String] = []
            parts.append(topic.map { "topic '\($0)'" } ?? "all topics")
            if let difficulty { parts.append("difficulty '\(difficulty.rawValue)'") }
            return parts.joined(separator: ", ")
        }
    }

    /// Pools in the order their items appear (unless `shuffleItems`).
    public var pools: [Pool]
    /// Whether drawn items are put in random order.
    public var shuffleItems: Bool
    /// Whether options, matching responses are shown in random order (ordering elements always are).
    public var shuffleOptions: Bool
    /// Time limit of one attempt, if any.
    public var timeLimit: Duration?
    /// Attempts a learner may start, if limited.
    public var attemptLimit: Int?
    /// Percentage of the maximum needed to pass.
    public var passThreshold: Rational

    /// Creates a blueprint.
    public init(
        pools: [Pool], shuffleItems: Bool = true, shuffleOptions: Bool = true, timeLimit: Duration? = nil,
        attemptLimit: Int? = nil, passThreshold: Rational = Rational(50)
    ) {
        self.pools = pools
        self.shuffleItems = shuffleItems
        self.shuffleOptions = shuffleOptions
        self.timeLimit = timeLimit
        self.attemptLimit = attemptLimit
        self.passThreshold = passThreshold
    }

    /// Longest time limit a blueprint may set, in minutes (one week).
    public static let maximumTimeLimitMinutes = 10_080
    /// Most attempts a blueprint may allow.
    public static let maximumAttemptLimit = 1_000

    /// A blueprint drawing `count` items from the whole bank, shuffled, no limits.
    public static func random(count: Int) -> Blueprint {
        Blueprint(pools: [Pool(count: count)])
    }

    /// Parses a blueprint file (YAML or JSON), e.g.
    ///
    /// ```yaml
    /// pools:
    ///   - { topic: rechtsgrundlagen, count: 3 }
    ///   - { topic: nutzerkonten, difficulty: hard, count: 1 }
    /// shuffleItems: true
    /// shuffleOptions: true
    /// timeLimitMinutes: 30
    /// attemptLimit: 2
    /// passThreshold: 60
    /// ```
    ///
    /// Every number is range-checked before it is used.
    ///
    /// - Throws: ``AssessmentError`` with code `.blueprint` whose reason is
    ///   `file:line:column: error: message`, `file` being the name given.
    public static func parse(_ text: String, file: String = "blueprint") throws(AssessmentError) -> Blueprint {
        let bytes = Array(text.utf8)
        guard bytes.count <= 1_000_000 else {
            throw AssessmentError(.blueprint, "\(file):1:1: error: blueprint file is larger than 1 MB")
        }
        if let refusal = YAMLGuard.check(bytes, file: file) {
            throw AssessmentError(.blueprint, refusal.description)
        }
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw AssessmentError(.blueprint, BankReader.problem(from: error, file: file).description)
        } catch {
            throw AssessmentError(.blueprint, "\(file):1:1: error: blueprint is not valid YAML or JSON: \(error)")
        }
        let reader = BlueprintReader(file: file)
        guard let root = composed else { throw reader.failure(nil, "blueprint is empty; it needs 'pools'") }
        return try reader.read(root)
    }
}

/// Reads a composed blueprint, failing with the position of the first problem.
private struct BlueprintReader {
    let file: String
    static let keys = ["pools", "shuffleItems", "shuffleOptions", "timeLimitMinutes", "attemptLimit", "passThreshold"]
    static let poolKeys = ["topic", "difficulty", "count"]
    static let maximumPools = 1_000

    func failure(_ node: Node?, _ message: String, sourceFile: String = #fileID, sourceLine: UInt = #line)
        -> AssessmentError
    {
        let problem = BankProblem(
            file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message)
        return AssessmentError(.blueprint, problem.description, file: sourceFile, line: sourceLine)
    }

    func read(_ root: Node) throws(AssessmentError) -> Blueprint {
        let fields = try mapping(root, what: "a blueprint", allowed: Self.keys)
        guard let poolsNode = fields["pools"] else { throw failure(root, "blueprint has no 'pools'") }
        guard case .sequence(let entries) = poolsNode else { throw failure(poolsNode, "'pools' must be a list") }
        guard !entries.isEmpty else { throw failure(poolsNode, "blueprint has no pools") }
        guard entries.count <= Self.maximumPools else {
            throw failure(poolsNode, "blueprint has \(entries.count) pools; at most \(Self.maximumPools) are allowed")
        }
        var pools: [Blueprint.Pool] = []
        for (index, entry) in entries.enumerated() {
            let pool = try mapping(entry, what: "a pool", allowed: Self.poolKeys)
            var difficulty: Difficulty? = nil
            if let node = pool["difficulty"] {
                let name = try scalar(node, "difficulty")
                guard let value = Difficulty(rawValue: name) else {
                    throw failure(node, "difficulty '\(name.prefix(40))' is not one of easy, medium, hard")
                }
                difficulty = value
            }
            guard let countNode = pool["count"] else { throw failure(entry, "pool \(index + 1) has no 'count'") }
            let count = try integer(countNode, "pool \(index + 1) must draw", 1...5_000, unit: " items")
            var topic: String? = nil
            if let node = pool["topic"] { topic = try scalar(node, "topic") }
            pools.append(Blueprint.Pool(topic: topic, difficulty: difficulty, count: count))
        }
        var minutes: Int? = nil
        if let node = fields["timeLimitMinutes"] {
            // Bounded before it is turned into seconds.
            minutes = try integer(
                node, "timeLimitMinutes must be", 1...Blueprint.maximumTimeLimitMinutes, unit: " (one week at most)")
        }
        var attempts: Int? = nil
        if let node = fields["attemptLimit"] {
            attempts = try integer(node, "attemptLimit must be", 1...Blueprint.maximumAttemptLimit, unit: "")
        }
        var threshold = Rational(50)
        if let node = fields["passThreshold"] {
            let spelled = try scalar(node, "passThreshold")
            guard let value = Rational(decimal: spelled), !spelled.contains(","), value >= .zero,
                value <= Rational(100)
            else {
                throw failure(
                    node, "passThreshold must be a percentage from 0 to 100 (found \(spelled.prefix(40)))")
            }
            threshold = value
        }
        var shuffleItems = true
        if let node = fields["shuffleItems"] { shuffleItems = try flag(node, "shuffleItems") }
        var shuffleOptions = true
        if let node = fields["shuffleOptions"] { shuffleOptions = try flag(node, "shuffleOptions") }
        return Blueprint(
            pools: pools, shuffleItems: shuffleItems, shuffleOptions: shuffleOptions,
            timeLimit: minutes.map { .seconds($0 * 60) }, attemptLimit: attempts, passThreshold: threshold)
    }

    private func mapping(_ node: Node, what: String, allowed: [String]) throws(AssessmentError) -> [String: Node] {
        guard let map = node.mapping else { throw failure(node, "expected \(what) as a mapping of keys to values") }
        var fields: [String: Node] = [:]
        for (keyNode, valueNode) in map {
            guard let key = keyNode.scalar?.string, allowed.contains(key) else {
                let name = keyNode.scalar?.string.prefix(40) ?? "?"
                throw failure(
                    keyNode, "unknown key '\(name)' in \(what) (allowed: \(allowed.joined(separator: ", ")))")
            }
            fields[key] = valueNode
        }
        return fields
    }

    private func scalar(_ node: Node, _ what: String) throws(AssessmentError) -> String {
        guard case .scalar(let value) = node else {
            throw failure(node, "\(what) must be a single value, not a list or mapping")
        }
        return value.string
    }

    /// A whole number within `range`; `what` starts the message (`pool 1 must draw`).
    private func integer(_ node: Node, _ what: String, _ range: ClosedRange<Int>, unit: String) throws(AssessmentError)
        -> Int
    {
        let spelled = try scalar(node, what)
        guard let value = Int(spelled.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw failure(
                node,
                "\(what) a whole number from \(range.lowerBound) to \(range.upperBound)\(unit) (found \(spelled.prefix(40)))"
            )
        }
        return value
    }

    private func flag(_ node: Node, _ what: String) throws(AssessmentError) -> Bool {
        let spelled = try scalar(node, what)
        switch spelled.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw failure(node, "\(what) must be true or false (found '\(spelled.prefix(40))')")
        }
    }
}
