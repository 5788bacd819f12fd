import Assessment
import Foundation
import TestSupport
import Testing

@Suite("The item analysis agrees with numpy and scipy to 1e-9")
struct BankStatsCrossCheckTests {
    /// Independent computation: pearsonr of item against rest score, alpha from the variance formula.
    static let script = """
        import json, sys
        import numpy as np
        from scipy import stats
        data = json.load(open(sys.argv[1]))
        m = np.array(data["scores"], dtype=float)
        maxima = np.array(data["max"], dtype=float)
        totals = m.sum(axis=1)
        k = m.shape[1]
        items = []
        for j in range(k):
            rest = totals - m[:, j]
            items.append({"facility": float(np.mean(m[:, j] / maxima[j])), "sd": float(np.std(m[:, j])),
                          "discrimination": float(stats.pearsonr(m[:, j], rest)[0])})
        alpha = k / (k - 1) * (1 - m.var(axis=0).sum() / totals.var())
        print(json.dumps({"mean": float(totals.mean()), "sd": float(totals.std()), "median": float(np.median(totals)),
                          "alpha": float(alpha), "sem": float(totals.std() * np.sqrt(1 - alpha)), "items": items}))
        """

    /// 41 attempts on six items: four dichotomous, an essay with quarter points out of 4 and one out of 2.5,
    /// drawn from a fixed linear congruential sequence so that items correlate with an ability.
    static func scores() -> (matrix: [[Rational]], maxima: [Rational]) {
        var state: UInt64 = 20_261_202
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(UInt64(1) << 53)
        }
        let maxima = [Rational(1), Rational(1), Rational(1), Rational(1), Rational(4), Rational(5, 2)]
        var matrix: [[Rational]] = []
        for _ in 0..<41 {
            let ability = next()
            var row: [Rational] = []
            for (index, maximum) in maxima.enumerated() {
                let chance = 0.25 + 0.5 * ability + 0.3 * (next() - 0.5) - 0.05 * Double(index)
                if maximum == Rational(1) {
                    row.append(next() < chance ? Rational(1) : Rational(0))
                } else {
                    let steps = Int((maximum * Rational(4)).doubleValue)
                    let value = Swift.max(0, Swift.min(steps, Int((chance * Double(steps)).rounded())))
                    row.append(Rational(value, 4))
                }
            }
            matrix.append(row)
        }
        return (matrix, maxima)
    }

    @Test("facility, sd, item–rest r, mean, sd, median, alpha and SEM match scipy")
    func crossCheck() throws {
        let (matrix, maxima) = Self.scores()
        var responses: [ScoredResponse] = []
        for (attempt, row) in matrix.enumerated() {
            for (item, score) in row.enumerated() {
                responses.append(
                    ScoredResponse(attempt: "A\(attempt)", item: "q\(item)", score: score, max: maxima[item]))
            }
        }
        let report = ItemAnalysis.analyse(
            items: maxima.indices.map { AnalysedItem(id: "q\($0)") }, responses: responses)

        let folder = try Campus.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scriptURL = folder.appendingPathComponent("crosscheck.py")
        let dataURL = folder.appendingPathComponent("scores.json")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        // Every score is a finite decimal, so its exact text is a JSON number.
        let rows = matrix.map { "[" + $0.map(\.exactText).joined(separator: ",") + "]" }
        let json =
            #"{"scores": ["# + rows.joined(separator: ",") + #"], "max": ["#
            + maxima.map(\.exactText).joined(separator: ",") + "]}"
        try json.write(to: dataURL, atomically: true, encoding: .utf8)

        let output = try ExternalTool.run("python3", [scriptURL.path, dataURL.path])
        let expected = try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        func agree(_ ours: Double?, _ theirs: Any?, _ name: String) {
            guard let ours, let theirs = theirs as? Double else {
                Issue.record("\(name): ours \(String(describing: ours)), scipy \(String(describing: theirs))")
                return
            }
            #expect(abs(ours - theirs) <= 1e-9, "\(name): ours \(ours), scipy \(theirs)")
        }
        agree(report.test.mean, expected["mean"], "mean")
        agree(report.test.sd, expected["sd"], "sd")
        agree(report.test.median, expected["median"], "median")
        agree(report.test.alpha, expected["alpha"], "alpha")
        agree(report.test.sem, expected["sem"], "sem")
        let items = try #require(expected["items"] as? [[String: Any]])
        #expect(items.count == report.items.count)
        for (ours, theirs) in zip(report.items, items) {
            agree(ours.facility, theirs["facility"], "\(ours.id) facility")
            agree(ours.sd, theirs["sd"], "\(ours.id) sd")
            agree(ours.discrimination, theirs["discrimination"], "\(ours.id) discrimination")
        }
        // The data is not degenerate: alpha and every correlation are defined and differ between items.
        #expect(Set(report.items.compactMap(\.discrimination)).count == maxima.count)
    }
}
