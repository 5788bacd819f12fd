import Foundation

/// Standalone SVG charts of an item analysis: plain SVG 1.1, no scripts, no external references.
public enum ItemAnalysisCharts {
    /// File name and SVG text of every chart: `items.svg` (facility × discrimination with the flag
    /// zones), `scores.svg` (histogram of total scores) and `distractors-ITEM.svg` per choice item.
    public static func charts(_ report: ItemAnalysisReport) -> [(String, String)] {
        var charts = [("items.svg", scatter(report)), ("scores.svg", histogram(report.totals))]
        for item in report.items where !item.options.isEmpty {
            charts.append(("distractors-\(fileSafe(item.id)).svg", distractors(item)))
        }
        return charts
    }

    /// `id` as a file-name part: ASCII letters, digits, `-`, `_` and `.`, anything else as `_`, at most 64.
    public static func fileSafe(_ id: String) -> String {
        String(
            id.unicodeScalars.prefix(64).map { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default:
                // Characters XML 1.0 forbids are replaced.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || (0xFFFE...0xFFFF).contains(scalar.value) {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func document(width: Int, height: Int, title: String, body: [String]) -> String {
        ([
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">",
            "<title>\(escape(title))</title>",
            "<rect width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>",
            "<text x=\"\(width / 2)\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(escape(title))</text>",
        ]
            + body + ["</svg>", ""]).joined(separator: "\n")
    }

    /// Facility (x, 0…1) against discrimination (y, −1…1); red and amber zones where items are flagged.
    static func scatter(_ report: ItemAnalysisReport) -> String {
        let (left, top, size) = (60.0, 40.0, 400.0)
        func x(_ facility: Double) -> Double { left + facility * size }
        func y(_ discrimination: Double) -> Double { top + (1 - discrimination) / 2 * size }
        var body = [
            // Zones: negative discrimination (error), weak discrimination, too hard, too easy.
            "<rect x=\"\(number(left))\" y=\"\(number(y(0)))\" width=\"\(number(size))\" height=\"\(number(y(-1) - y(0)))\" fill=\"#f4c7c3\"/>",
            "<rect x=\"\(number(left))\" y=\"\(number(y(ItemAnalysis.weakDiscrimination)))\" width=\"\(number(size))\" height=\"\(number(y(0) - y(ItemAnalysis.weakDiscrimination)))\" fill=\"#fce8b2\"/>",
            "<rect x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(x(ItemAnalysis.hardFacility) - left))\" height=\"\(number(size))\" fill=\"#fce8b2\" fill-opacity=\"0.6\"/>",
            "<rect x=\"\(number(x(ItemAnalysis.easyFacility)))\" y=\"\(number(top))\" width=\"\(number(left + size - x(ItemAnalysis.easyFacility)))\" height=\"\(number(size))\" fill=\"#fce8b2\" fill-opacity=\"0.6\"/>",
            "<rect x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(size))\" height=\"\(number(size))\" fill=\"none\" stroke=\"black\"/>",
            "<text x=\"\(number(left + size / 2))\" y=\"\(number(top + size + 32))\" text-anchor=\"middle\">facility (mean score ÷ max)</text>",
            "<text x=\"16\" y=\"\(number(top + size / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(number(top + size / 2)))\">discrimination (item–rest r)</text>",
        ]
        for tick in [0.0, 0.2, 0.5, 0.9, 1.0] {
            body.append(
                "<text x=\"\(number(x(tick)))\" y=\"\(number(top + size + 14))\" text-anchor=\"middle\" font-size=\"10\">\(tick)</text>"
            )
        }
        for tick in [-1.0, 0.0, 0.2, 1.0] {
            body.append(
                "<text x=\"\(number(left - 4))\" y=\"\(number(y(tick) + 4))\" text-anchor=\"end\" font-size=\"10\">\(tick)</text>"
            )
        }
        for item in report.items {
            guard let facility = item.facility, let discrimination = item.discrimination else { continue }
            body.append(
                "<circle cx=\"\(number(x(facility)))\" cy=\"\(number(y(discrimination)))\" r=\"4\" fill=\"#1a5fb4\"><title>\(escape(item.id))</title></circle>"
            )
            body.append(
                "<text x=\"\(number(x(facility) + 6))\" y=\"\(number(y(discrimination) - 6))\" font-size=\"10\">\(escape(String(item.id.prefix(24))))</text>"
            )
        }
        return document(width: 500, height: 490, title: "Items: facility × discrimination", body: body)
    }

    /// Histogram of the attempts' total scores in up to 20 bins.
    static func histogram(_ totals: [Double]) -> String {
        let (left, top, width, height) = (60.0, 40.0, 400.0, 300.0)
        var body = [
            "<line x1=\"\(number(left))\" y1=\"\(number(top + height))\" x2=\"\(number(left + width))\" y2=\"\(number(top + height))\" stroke=\"black\"/>",
            "<text x=\"\(number(left + width / 2))\" y=\"\(number(top + height + 32))\" text-anchor=\"middle\">total score</text>",
        ]
        if let low = totals.min(), let high = totals.max() {
            let bins = high > low ? 20 : 1
            let step = high > low ? (high - low) / Double(bins) : 1
            var counts = [Int](repeating: 0, count: bins)
            for total in totals {
                let bin = high > low ? Swift.min(bins - 1, Int((total - low) / step)) : 0
                counts[bin] += 1
            }
            let most = Double(counts.max() ?? 1)
            let barWidth = width / Double(bins)
            for (index, count) in counts.enumerated() where count > 0 {
                let barHeight = Double(count) / most * height
                body.append(
                    "<rect x=\"\(number(left + Double(index) * barWidth + 1))\" y=\"\(number(top + height - barHeight))\" width=\"\(number(barWidth - 2))\" height=\"\(number(barHeight))\" fill=\"#1a5fb4\"><title>\(count)</title></rect>"
                )
            }
            body.append(
                "<text x=\"\(number(left))\" y=\"\(number(top + height + 14))\" font-size=\"10\">\(number(low))</text>")
            body.append(
                "<text x=\"\(number(left + width))\" y=\"\(number(top + height + 14))\" text-anchor=\"end\" font-size=\"10\">\(number(high))</text>"
            )
            body.append(
                "<text x=\"\(number(left - 4))\" y=\"\(number(top + 4))\" text-anchor=\"end\" font-size=\"10\">\(Int(most))</text>"
            )
        }
        return document(width: 500, height: 390, title: "Total scores (\(totals.count) attempts)", body: body)
    }

    /// Per option: bars for the share of all, of the upper and of the lower group choosing it.
    static func distractors(_ item: ItemStatistics) -> String {
        let (left, top, width) = (100.0, 50.0, 360.0)
        let rowHeight = 42.0
        var body = [
            "<rect x=\"\(number(left))\" y=\"30\" width=\"10\" height=\"10\" fill=\"#1a5fb4\"/><text x=\"\(number(left + 14))\" y=\"39\" font-size=\"10\">all</text>",
            "<rect x=\"\(number(left + 50))\" y=\"30\" width=\"10\" height=\"10\" fill=\"#26a269\"/><text x=\"\(number(left + 64))\" y=\"39\" font-size=\"10\">upper 27 %</text>",
            "<rect x=\"\(number(left + 140))\" y=\"30\" width=\"10\" height=\"10\" fill=\"#c01c28\"/><text x=\"\(number(left + 154))\" y=\"39\" font-size=\"10\">lower 27 %</text>",
        ]
        for (index, option) in item.options.prefix(50).enumerated() {
            let rowTop = top + Double(index) * rowHeight
            body.append(
                "<text x=\"\(number(left - 6))\" y=\"\(number(rowTop + 22))\" text-anchor=\"end\">\(escape(String(option.id.prefix(12))))\(option.isCorrect ? " ✓" : "")</text>"
            )
            for (row, (share, colour)) in [
                (option.share, "#1a5fb4"), (option.upperShare, "#26a269"), (option.lowerShare, "#c01c28"),
            ].enumerated() {
                let value = share ?? 0
                body.append(
                    "<rect x=\"\(number(left))\" y=\"\(number(rowTop + 4 + Double(row) * 11))\" width=\"\(number(Swift.max(0, Swift.min(1, value)) * width))\" height=\"10\" fill=\"\(colour)\"/>"
                )
                body.append(
                    "<text x=\"\(number(left + width + 4))\" y=\"\(number(rowTop + 13 + Double(row) * 11))\" font-size=\"9\">\(share.map { String(format: "%.0f %%", $0 * 100) } ?? "–")</text>"
                )
            }
        }
        let height = Int(top + Double(Swift.min(item.options.count, 50)) * rowHeight + 20)
        return document(width: 520, height: height, title: "Options of \(String(item.id.prefix(60)))", body: body)
    }
}
