import ArgumentParser
import Assessment
import Certificates
import Foundation

extension BankCommand {
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Item analysis of a bank from scored responses: facility, discrimination, distractors, alpha.",
            discussion: """
                RESPONSES.jsonl holds one JSON object per line: {"attempt": "A1", "item": "ITEM-ID", \
                "score": "1.5", "max": "2", "chosen": ["b"]} (score and max exact decimal strings, chosen \
                optional). A bad line is reported as `FILE:LINE: error: message` and skipped; the exit \
                status is then 1. Formulas and flag thresholds: question-banks/README.md.
                """
        )

        /// Largest responses file read.
        static let maximumFileSize = 64_000_000
        /// Longest line accepted.
        static let maximumLineLength = 16_384

        @Argument(help: "The bank file.")
        var bank: String

        @Argument(help: "The scored responses, JSON Lines.")
        var responses: String

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: "Write SVG charts into this folder.")
        var svg: String?

        @Flag(help: "Replace existing chart files.")
        var force = false

        func run() throws {
            let result = FileInput.readBank(bank)
            guard let bankValue = result.bank, result.problems.isEmpty else {
                for problem in result.problems { print(problem) }
                throw ExitCode(1)
            }
            let data: Data
            do {
                data = try FileInput.read(responses, limit: Self.maximumFileSize)
            } catch {
                print("\(responses): error: \(error.description.replacingOccurrences(of: "\(responses): ", with: ""))")
                throw ExitCode(1)
            }
            let (read, problems) = Self.parse(Array(data), file: responses, bank: bankValue)
            for problem in problems { print(TerminalSafe.text(problem)) }
            let report = ItemAnalysis.analyse(items: bankValue.items.map(AnalysedItem.init), responses: read)
            if let svg {
                do {
                    try FileOutput.prepareFolder(svg)
                    for (name, text) in ItemAnalysisCharts.charts(report) {
                        try FileOutput.write(text, to: (svg as NSString).appendingPathComponent(name), replace: force)
                    }
                } catch {
                    print("error: \(error.description)")
                    throw ExitCode(1)
                }
            }
            if json {
                print(try JSONOutput.encode(StatsJSON(report)))
            } else {
                for line in Self.table(report) { print(TerminalSafe.text(line)) }
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }

        private struct Line: Decodable {
            let attempt: String
            let item: String
            let score: String
            let max: String
            let chosen: [String]?
        }

        /// The valid responses and one `FILE:LINE: error: …` per bad line.
        static func parse(_ bytes: [UInt8], file: String, bank: Bank) -> ([ScoredResponse], [String]) {
            var items: [String: Item] = [:]
            for item in bank.items { items[item.id] = item }
            var responses: [ScoredResponse] = []
            var problems: [String] = []
            var firstLine: [String: Int] = [:]
            let decoder = JSONDecoder()
            for (index, slice) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .enumerated()
            {
                let number = index + 1
                func bad(_ message: String) { problems.append("\(file):\(number): error: \(message)") }
                var lineBytes = Array(slice)
                if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
                if lineBytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                guard lineBytes.count <= maximumLineLength else {
                    bad("line is \(lineBytes.count) bytes long; at most \(maximumLineLength) are accepted")
                    continue
                }
                if let syntax = JSONSyntax.problem(in: lineBytes) {
                    bad("column \(syntax.column): \(syntax.message)")
                    continue
                }
                guard let line = try? decoder.decode(Line.self, from: Data(lineBytes)) else {
                    bad(
                        #"expected an object {"attempt": "A1", "item": "ITEM-ID", "score": "1.5", "max": "2", "chosen": ["b"]} with strings for attempt, item, score and max"#
                    )
                    continue
                }
                guard !line.attempt.isEmpty, line.attempt.count <= 200 else {
                    bad("attempt must be a non-empty id of at most 200 characters")
                    continue
                }
                guard let item = items[line.item] else {
                    bad("item '\(line.item.prefix(80))' is not in the bank \(bank.id); check the bank version")
                    continue
                }
                guard let max = Rational(exactText: line.max), max > .zero else {
                    bad("max '\(line.max.prefix(40))' must be a decimal number above 0, e.g. \"2\" or \"1.5\"")
                    continue
                }
                guard let score = Rational(exactText: line.score), score >= .zero, score <= max else {
                    bad("score '\(line.score.prefix(40))' must be a decimal number from 0 to max (\(max.exactText))")
                    continue
                }
                if let chosen = line.chosen {
                    let known = Set(AnalysedItem(item).options ?? [])
                    if let unknown = chosen.first(where: { !known.contains($0) }) {
                        bad("chosen option '\(unknown.prefix(40))' is not an option of item \(item.id)")
                        continue
                    }
                }
                let key = "\(line.attempt)\u{0}\(line.item)"
                if let earlier = firstLine[key] {
                    bad(
                        "attempt \(line.attempt) answered item \(line.item) already at line \(earlier); keep one response"
                    )
                    continue
                }
                firstLine[key] = number
                responses.append(
                    ScoredResponse(attempt: line.attempt, item: line.item, score: score, max: max, chosen: line.chosen))
            }
            return (responses, problems)
        }

        static func format(_ value: Double?, places: Int = 2) -> String {
            guard let value else { return "–" }
            return String(format: "%.\(places)f", value)
        }

        static func table(_ report: ItemAnalysisReport) -> [String] {
            let test = report.test
            var lines = [
                "attempts \(test.attempts), mean \(format(test.mean)), sd \(format(test.sd)), median \(format(test.median)), alpha \(format(test.alpha)), SEM \(format(test.sem))",
                "item".padding(toLength: 20, withPad: " ", startingAt: 0)
                    + "     n  facility      sd  discrim.  upper-lower",
            ]
            for item in report.items {
                let id = item.id.count > 20 ? String(item.id.prefix(19)) + "…" : item.id
                lines.append(
                    id.padding(toLength: 20, withPad: " ", startingAt: 0) + String(item.n).leftPadded(to: 6)
                        + format(item.facility).leftPadded(to: 10) + format(item.sd).leftPadded(to: 8)
                        + format(item.discrimination).leftPadded(to: 10) + format(item.upperLower).leftPadded(to: 13))
                for option in item.options {
                    lines.append(
                        "    option \(option.id)\(option.isCorrect ? " (key)" : ""): all \(format(option.share)), upper \(format(option.upperShare)), lower \(format(option.lowerShare))"
                    )
                }
                for flag in item.flags {
                    lines.append("    \(flag.severity.rawValue): \(flag.code): \(flag.advice)")
                }
            }
            lines.append("– = undefined (too few attempts or no variance)")
            return lines
        }
    }
}

/// The `--json` shape of `campus bank stats`; undefined figures are null.
struct StatsJSON: Encodable {
    struct Test: Encodable {
        let attempts: Int
        let mean, sd, median, alpha, sem: Double?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(mean, forKey: .mean)
            try container.encode(sd, forKey: .sd)
            try container.encode(median, forKey: .median)
            try container.encode(alpha, forKey: .alpha)
            try container.encode(sem, forKey: .sem)
        }
        enum CodingKeys: String, CodingKey { case attempts, mean, sd, median, alpha, sem }
    }
    struct Option: Encodable {
        let id: String
        let share, upperShare, lowerShare: Double?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(share, forKey: .share)
            try container.encode(upperShare, forKey: .upperShare)
            try container.encode(lowerShare, forKey: .lowerShare)
        }
        enum CodingKeys: String, CodingKey { case id, share, upperShare, lowerShare }
    }
    struct Item: Encodable {
        let id: String
        let n: Int
        let facility, sd, discrimination, upperLower: Double?
        let flags: [String]
        let options: [Option]
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(n, forKey: .n)
            try container.encode(facility, forKey: .facility)
            try container.encode(sd, forKey: .sd)
            try container.encode(discrimination, forKey: .discrimination)
            try container.encode(upperLower, forKey: .upperLower)
            try container.encode(flags, forKey: .flags)
            try container.encode(options, forKey: .options)
        }
        enum CodingKeys: String, CodingKey { case id, n, facility, sd, discrimination, upperLower, flags, options }
    }
    let test: Test
    let items: [Item]

    init(_ report: ItemAnalysisReport) {
        let t = report.test
        test = Test(attempts: t.attempts, mean: t.mean, sd: t.sd, median: t.median, alpha: t.alpha, sem: t.sem)
        items = report.items.map { item in
            Item(
                id: item.id, n: item.n, facility: item.facility, sd: item.sd, discrimination: item.discrimination,
                upperLower: item.upperLower, flags: item.flags.map(\.code),
                options: item.options.map {
                    Option(id: $0.id, share: $0.share, upperShare: $0.upperShare, lowerShare: $0.lowerShare)
                })
        }
    }
}
