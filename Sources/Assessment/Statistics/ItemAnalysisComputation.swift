/// Classical item analysis (as in Moodle's quiz statistics) from scored responses; no input or output.
///
/// Scores are exact `Rational`s; each is turned into a `Double` once and every figure is computed in
/// `Double` (correlations and square roots are not exact anyway), with two-pass sums around the mean.
/// All variances and standard deviations are population ones (divided by N). Every division is guarded:
/// an undefined figure (no responses, zero variance, fewer than two attempts) is nil, never NaN.
///
/// An attempt's total is the sum of its item scores. An item an attempt has no response to counts 0 in
/// the total and in Cronbach's alpha, and is left out of that item's n, facility, sd and discrimination.
/// A second response of one attempt to one item is ignored (readers report it as a problem).
public enum ItemAnalysis {
    /// Facility below this: the item is flagged as too hard.
    public static let hardFacility = 0.2
    /// Facility above this: the item is flagged as too easy.
    public static let easyFacility = 0.9
    /// Discrimination below this (but not negative): warning.
    public static let weakDiscrimination = 0.2
    /// Fewer responses than this: the item's figures are marked unreliable.
    public static let reliableResponses = 30
    /// Share of attempts in the upper and in the lower group.
    public static let groupShare = 0.27

    /// Analyses `responses` to `items` (responses to other items are ignored).
    public static func analyse(items: [AnalysedItem], responses: [ScoredResponse]) -> ItemAnalysisReport {
        var attemptIndex: [String: Int] = [:]
        var itemIndex: [String: Int] = [:]
        for (index, item) in items.enumerated() where itemIndex[item.id] == nil { itemIndex[item.id] = index }
        // Per item: (attempt, score, score ÷ max, chosen).
        var perItem = [[(attempt: Int, score: Double, relative: Double, chosen: [String]?)]](
            repeating: [], count: items.count)
        var seen = Set<Pair>()
        var totals: [Double] = []
        for response in responses {
            guard let item = itemIndex[response.item], response.max > .zero else { continue }
            let attempt: Int
            if let known = attemptIndex[response.attempt] {
                attempt = known
            } else {
                attempt = totals.count
                attemptIndex[response.attempt] = attempt
                totals.append(0)
            }
            guard seen.insert(Pair(attempt: attempt, item: item)).inserted else { continue }
            let score = response.score.doubleValue
            perItem[item].append((attempt, score, (response.score / response.max).doubleValue, response.chosen))
            totals[attempt] += score
        }
        let count = totals.count
        let (upper, lower) = groups(totals)
        var itemStatistics: [ItemStatistics] = []
        var itemVariances: [Double] = []
        for (index, item) in items.enumerated() {
            let rows = perItem[index]
            let scores = rows.map(\.score)
            let rests = rows.map { totals[$0.attempt] - $0.score }
            let facility = mean(rows.map(\.relative))
            let sd = variance(scores).map { $0.squareRoot() }
            let discrimination = pearson(scores, rests)
            let upperLower: Double?
            let upperRows = rows.filter { upper.contains($0.attempt) }
            let lowerRows = rows.filter { lower.contains($0.attempt) }
            if let high = mean(upperRows.map(\.relative)), let low = mean(lowerRows.map(\.relative)) {
                upperLower = high - low
            } else {
                upperLower = nil
            }
            var options: [OptionStatistics] = []
            for option in item.options ?? [] {
                func share(_ selection: [(attempt: Int, score: Double, relative: Double, chosen: [String]?)])
                    -> Double?
                {
                    let answered = selection.filter { $0.chosen != nil }
                    guard !answered.isEmpty else { return nil }
                    let choosing = answered.filter { $0.chosen?.contains(option) == true }.count
                    return Double(choosing) / Double(answered.count)
                }
                options.append(
                    OptionStatistics(
                        id: option, isCorrect: item.correct.contains(option), share: share(rows),
                        upperShare: share(upperRows), lowerShare: share(lowerRows)))
            }
            itemStatistics.append(
                ItemStatistics(
                    id: item.id, n: rows.count, facility: facility, sd: sd, discrimination: discrimination,
                    upperLower: upperLower, options: options,
                    flags: flags(n: rows.count, facility: facility, discrimination: discrimination, options: options)))
            // For alpha, a missing response counts 0 over all attempts.
            if count > 0 {
                let itemMean = scores.reduce(0, +) / Double(count)
                let squares = scores.reduce(0) { $0 + ($1 - itemMean) * ($1 - itemMean) }
                itemVariances.append((squares + Double(count - rows.count) * itemMean * itemMean) / Double(count))
            }
        }
        let totalVariance = variance(totals)
        let testSD = totalVariance.map { $0.squareRoot() }
        var alpha: Double?
        // Items nobody answered add nothing to the totals and are not counted in k.
        let k = perItem.filter { !$0.isEmpty }.count
        if k >= 2, let totalVariance, totalVariance > 0 {
            alpha = Double(k) / Double(k - 1) * (1 - itemVariances.reduce(0, +) / totalVariance)
        }
        var sem: Double?
        if let alpha, let testSD, alpha <= 1 { sem = testSD * (1 - alpha).squareRoot() }
        let test = TestStatistics(
            attempts: count, mean: mean(totals), sd: testSD, median: median(totals), alpha: alpha, sem: sem)
        return ItemAnalysisReport(test: test, items: itemStatistics, totals: totals)
    }

    private struct Pair: Hashable {
        let attempt: Int
        let item: Int
    }

    /// The upper and lower 27 % of attempts by total (ties broken by attempt order); empty below two attempts.
    static func groups(_ totals: [Double]) -> (upper: Set<Int>, lower: Set<Int>) {
        guard totals.count >= 2 else { return ([], []) }
        let size = min(totals.count / 2, Swift.max(1, Int((Double(totals.count) * groupShare).rounded())))
        let order = totals.indices.sorted { totals[$0] != totals[$1] ? totals[$0] > totals[$1] : $0 < $1 }
        return (Set(order.prefix(size)), Set(order.suffix(size)))
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Population variance (divided by N); nil without values.
    static func variance(_ values: [Double]) -> Double? {
        guard let average = mean(values) else { return nil }
        return values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Pearson's r; nil for fewer than two pairs or when either side does not vary.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2, let mx = mean(x), let my = mean(y) else { return nil }
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        let r = sxy / (sxx * syy).squareRoot()
        guard r.isFinite else { return nil }
        return Swift.min(1, Swift.max(-1, r))
    }

    static func flags(n: Int, facility: Double?, discrimination: Double?, options: [OptionStatistics]) -> [ItemFlag] {
        var flags: [ItemFlag] = []
        if let discrimination, discrimination < 0 {
            flags.append(
                ItemFlag(
                    code: "negative-discrimination", severity: .error,
                    advice:
                        "Strong candidates do worse on this item than weak ones; check the key for a mistake and the wording for a trap."
                ))
        } else if let discrimination, discrimination < weakDiscrimination {
            flags.append(
                ItemFlag(
                    code: "weak-discrimination", severity: .warning,
                    advice:
                        "The item hardly separates strong from weak candidates; sharpen the question or its distractors."
                ))
        }
        if let facility, facility < hardFacility {
            flags.append(
                ItemFlag(
                    code: "too-hard", severity: .warning,
                    advice: "Few candidates score on this item; check the key and whether the course teaches it."))
        } else if let facility, facility > easyFacility {
            flags.append(
                ItemFlag(
                    code: "too-easy", severity: .warning,
                    advice: "Nearly everyone scores on this item; make the distractors more plausible or drop it."))
        }
        for option in options where !option.isCorrect {
            if option.share == 0 {
                flags.append(
                    ItemFlag(
                        code: "unused-distractor:\(option.id)", severity: .warning,
                        advice: "Nobody chose option \(option.id); replace it with a plausible wrong answer."))
            } else if let upper = option.upperShare, let lower = option.lowerShare, upper > lower {
                flags.append(
                    ItemFlag(
                        code: "upper-distractor:\(option.id)", severity: .warning,
                        advice:
                            "Strong candidates chose option \(option.id) more often than weak ones; check whether it is also correct or ambiguous."
                    ))
            }
        }
        if n < reliableResponses {
            flags.append(
                ItemFlag(
                    code: "few-responses", severity: .unreliable,
                    advice:
                        "Fewer than \(reliableResponses) responses; treat these figures as a hint and collect more before changing the item."
                ))
        }
        return flags
    }
}

extension ItemAnalysis {
    /// The scored responses of stored attempts at `bank`, in the form ``analyse(items:responses:)`` reads: one per
    /// drawn item of every submitted attempt that was not voided (self-tests only when `includeSelfTests`). An essay
    /// still awaiting its grade, and an attempt that cannot be restored against `bank`, contribute nothing.
    public static func responses(
        from attempts: [StoredAttempt], bank: Bank, includeSelfTests: Bool
    ) -> [ScoredResponse] {
        var responses: [ScoredResponse] = []
        for stored in attempts.sorted(by: { $0.id < $1.id }) {
            guard case .submitted = stored.state, includeSelfTests || stored.kind != .selfTest,
                let attempt = try? Attempt(restoring: stored, bank: bank)
            else { continue }
            let score = attempt.score
            for drawn in stored.draw.items where !score.awaitingGrading.contains(drawn.itemID) {
                guard let itemScore = score.items[drawn.itemID] else { continue }
                var chosen: [String]?
                switch stored.answers[drawn.itemID] {
                case .choice(let id)?: chosen = [id]
                case .choices(let ids)?: chosen = ids.sorted()
                default: chosen = nil
                }
                responses.append(
                    ScoredResponse(
                        attempt: stored.id, item: drawn.itemID, score: itemScore.points, max: itemScore.maximum,
                        chosen: chosen))
            }
        }
        return responses
    }
}
