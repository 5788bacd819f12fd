import Assessment
import Foundation
import Storage

/// The item analysis of one bank version as pages show it, to providers and to the quality board: built from the
/// stored attempts (submitted, not voided; self-tests when asked), the same figures as `campus bank stats`.
enum ItemAnalysisView {
    /// The analysis of `version` and the data of the `stats` partial; items link to `#item-ID` on the page.
    static func data(
        version: BankVersion, bank: Bank, includeSelfTests: Bool, site: Site, strings: Strings
    ) async throws -> [String: Any] {
        let attempts = try await site.database.attempts.attempts(
            organisation: version.organisation, bankID: version.bankID, version: version.version)
        let responses = ItemAnalysis.responses(from: attempts, bank: bank, includeSelfTests: includeSelfTests)
        let report = ItemAnalysis.analyse(items: bank.items.map(AnalysedItem.init), responses: responses)
        let test = report.test
        var data: [String: Any] = [
            "attempts": test.attempts, "has_attempts": test.attempts > 0, "self_tests": includeSelfTests,
            "mean": figure(test.mean), "sd": figure(test.sd), "median": figure(test.median),
            "alpha": figure(test.alpha), "sem": figure(test.sem),
        ]
        data["items"] = report.items.map { item -> [String: Any] in
            [
                "id": item.id, "anchor": ReviewRoutes.anchor(item.id), "n": item.n,
                "facility": figure(item.facility), "sd": figure(item.sd),
                "discrimination": figure(item.discrimination), "upper_lower": figure(item.upperLower),
                "flags": item.flags.map { flag in
                    ["severity": flag.severity.rawValue, "advice": advice(flag, strings: strings)]
                },
                "flagged": item.flags.contains { $0.severity != .unreliable },
            ]
        }
        data["charts"] =
            test.attempts > 0
            ? ItemAnalysisCharts.charts(report).map { name, svg in
                [
                    "name": name, "alt": strings.text(chartKey(name)),
                    "source": "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString(),
                ]
            } : []
        return data
    }

    /// A figure with three decimals, or "–" where it is undefined (zero variance, too few attempts).
    static func figure(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.3f", value)
    }

    /// The flag's advice in the page's language (the library's English sentence when no text exists).
    static func advice(_ flag: ItemFlag, strings: Strings) -> String {
        let parts = flag.code.split(separator: ":", maxSplits: 1).map(String.init)
        let key = "stats_flag_\(parts[0].replacingOccurrences(of: "-", with: "_"))"
        let text = strings.text(key, parts.count > 1 ? parts[1] : "", String(ItemAnalysis.reliableResponses))
        return text == key ? flag.advice : text
    }

    static func chartKey(_ name: String) -> String {
        switch name {
        case "items.svg": "stats_chart_items"
        case "scores.svg": "stats_chart_scores"
        default: "stats_chart_distractors"
        }
    }
}
