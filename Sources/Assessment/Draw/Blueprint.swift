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
    public static func parse(_ text: String) throws(AssessmentError) -> Blueprint {
        guard text.utf8.count <= 1_000_000 else {
            throw AssessmentError(.blueprint, "blueprint file is larger than 1 MB")
        }
        let file: BlueprintFile
        do {
            file = try YAMLDecoder().decode(BlueprintFile.self, from: text)
        } catch let error as DecodingError {
            throw AssessmentError(.blueprint, "blueprint is malformed: \(DecodingProblem.describe(error))")
        } catch {
            throw AssessmentError(.blueprint, "blueprint is not valid YAML or JSON: \(error)")
        }
        guard !file.pools.isEmpty else { throw AssessmentError(.blueprint, "blueprint has no pools") }
        for (index, pool) in file.pools.enumerated() where pool.count < 1 || pool.count > 5_000 {
            throw AssessmentError(
                .blueprint, "pool \(index + 1) must draw between 1 and 5000 items (found \(pool.count))")
        }
        // Bounded before any arithmetic: minutes are turned into seconds below.
        if let minutes = file.timeLimitMinutes, minutes <= 0 || minutes > maximumTimeLimitMinutes {
            throw AssessmentError(
                .blueprint,
                "timeLimitMinutes must be from 1 to \(maximumTimeLimitMinutes) (one week) (found \(minutes))")
        }
        if let limit = file.attemptLimit, limit <= 0 || limit > maximumAttemptLimit {
            throw AssessmentError(
                .blueprint, "attemptLimit must be from 1 to \(maximumAttemptLimit) (found \(limit))")
        }
        var threshold = Rational(50)
        if let spelled = file.passThreshold {
            guard let value = Rational(decimal: spelled), !spelled.contains(","), value >= .zero, value <= Rational(100)
            else {
                throw AssessmentError(
                    .blueprint, "passThreshold must be a percentage from 0 to 100 (found \(spelled.prefix(40)))")
            }
            threshold = value
        }
        return Blueprint(
            pools: file.pools.map { Pool(topic: $0.topic, difficulty: $0.difficulty, count: $0.count) },
            shuffleItems: file.shuffleItems ?? true, shuffleOptions: file.shuffleOptions ?? true,
            timeLimit: file.timeLimitMinutes.map { .seconds($0 * 60) }, attemptLimit: file.attemptLimit,
            passThreshold: threshold)
    }
}

private struct BlueprintFile: Decodable {
    struct PoolFile: Decodable {
        var topic: String?
        var difficulty: Difficulty?
        var count: Int
    }
    var pools: [PoolFile]
    var shuffleItems: Bool?
    var shuffleOptions: Bool?
    var timeLimitMinutes: Int?
    var attemptLimit: Int?
    /// Read as text and parsed exactly: a YAML float such as `.nan` or `1e308` has no exact value.
    var passThreshold: String?
}
