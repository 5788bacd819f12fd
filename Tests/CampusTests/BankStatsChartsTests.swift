import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("campus bank stats --svg writes charts that are well-formed and render")
struct BankStatsChartsTests {
    final class ParserProblem: NSObject, XMLParserDelegate {
        var problem: String?
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            problem = "line \(parser.lineNumber): \(parseError)"
        }
    }

    @Test("scatter, histogram and one distractor chart per choice item; rsvg-convert renders each to PNG")
    func charts() throws {
        let files = try StatsFixture.write(StatsFixture.lines)
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let charts = files.folder.appendingPathComponent("charts")
        let output = try Campus.run(["bank", "stats", files.bank, files.responses, "--svg", charts.path])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: charts.path).sorted()
        #expect(names == ["distractors-q1.svg", "items.svg", "scores.svg"])
        for name in names {
            let svg = charts.appendingPathComponent(name)
            let parser = try #require(XMLParser(contentsOf: svg))
            let delegate = ParserProblem()
            parser.delegate = delegate
            #expect(parser.parse(), "\(name): \(delegate.problem ?? "not well-formed")")
            let png = files.folder.appendingPathComponent(name + ".png")
            try ExternalTool.run("rsvg-convert", ["--format", "png", "--output", png.path, svg.path])
            let bytes = try Data(contentsOf: png)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) did not render to a PNG")
            #expect(bytes.count > 1000, "\(name) rendered to an almost empty PNG")
        }
        let scatter = try String(contentsOf: charts.appendingPathComponent("items.svg"), encoding: .utf8)
        #expect(scatter.contains("<title>q1</title>") && scatter.contains("<title>essay</title>"))
    }

    @Test("existing charts are replaced only with --force, and a file in place of the folder is refused")
    func replaceOnlyWithForce() throws {
        let files = try StatsFixture.write(StatsFixture.lines)
        defer { try? FileManager.default.removeItem(at: files.folder) }
        let charts = files.folder.appendingPathComponent("charts").path
        #expect(try Campus.run(["bank", "stats", files.bank, files.responses, "--svg", charts]).status == 0)
        let again = try Campus.run(["bank", "stats", files.bank, files.responses, "--svg", charts])
        #expect(again.status == 1)
        #expect(
            again.lines.first
                == "error: \(charts)/items.svg: exists already; choose another path or give --force to replace it")
        let forced = try Campus.run(["bank", "stats", files.bank, files.responses, "--svg", charts, "--force"])
        #expect(forced.status == 0)
        let onFile = try Campus.run(["bank", "stats", files.bank, files.responses, "--svg", files.bank])
        #expect(onFile.status == 1)
        #expect(FileManager.default.fileExists(atPath: files.bank))
    }
}
