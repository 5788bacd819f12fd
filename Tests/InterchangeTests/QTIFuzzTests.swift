import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Seeded random mutations of item files and packages: the readers must never crash, and every result is
/// either an `ImportFailure` or a list of outcomes whose items respect the bank format's limits.
@Suite("QTI fuzzing")
struct QTIFuzzTests {
    static let tokens: [String] = [
        "<", ">", "</", "/>", "&amp;", "&#0;", "<!--", "-->", "]]>", "\"", "'", "<value>", "</value>", "0", "-1",
        "1e12", "NaN", "<responseCondition>", "<responseIf>", "<setOutcomeValue identifier=\"SCORE\">",
        "<baseValue baseType=\"float\">", "<variable identifier=\"RESPONSE\"/>", "<divide>", "<sum>",
        "<!ENTITY x \"y\">", "qti-", "identifier=\"\"", "\u{FFFD}", "ä", "999999999999.999999999999",
        "0.000000000001e-12", "1e12", "<product><baseValue baseType=\"float\">1e12</baseValue>",
    ]

    static func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + random.uniform(below: 3)) {
            guard !bytes.isEmpty else { break }
            let position = random.uniform(below: bytes.count)
            switch random.uniform(below: 6) {
            case 0:
                bytes[position] = UInt8(random.uniform(below: 256))
            case 1:
                let length = min(1 + random.uniform(below: 40), bytes.count - position)
                bytes.removeSubrange(position..<(position + length))
            case 2:
                let length = min(1 + random.uniform(below: 200), bytes.count - position)
                bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
            case 3:
                bytes.removeSubrange(position...)
            case 4:
                bytes.insert(contentsOf: Array(tokens[random.uniform(below: tokens.count)].utf8), at: position)
            default:
                // Swap two ranges of digits or names by copying a nearby chunk over.
                let other = random.uniform(below: bytes.count)
                let length = min(1 + random.uniform(below: 12), bytes.count - max(position, other))
                if length > 0 {
                    bytes.replaceSubrange(position..<(position + length), with: bytes[other..<(other + length)])
                }
            }
        }
        return bytes
    }

    static func check(_ questions: [ImportedQuestion]) {
        for question in questions {
            guard let item = question.item else { continue }
            #expect(QTIItemLimits.problem(in: item) == nil)
            #expect(NodeReader.isIdentifier(item.id))
            #expect(item.points > .zero)
        }
    }

    static func seeds() throws -> [(String, QTIVersion)] {
        var seeds: [(String, QTIVersion)] = [
            (QTIFixtures.onyxSingleChoice, .qti21), (QTIFixtures.openOLATMultipleResponse, .qti21),
            (QTIFixtures.openOLATCloze, .qti21), (QTIFixtures.associate, .qti21), (QTIFixtures.qti30Order, .qti30),
            (QTIFixtures.qti30Match, .qti30), (QTIFixtures.qti30GapMatch, .qti30), (QTIFixtures.qti30Essay, .qti30),
            (QTIFixtures.qti30InlineChoiceAndNumber, .qti30),
        ]
        var generator = QTIBankGenerator(seed: "fuzz-seeds")
        for (index, item) in generator.bank(items: 12).items.enumerated() {
            let version: QTIVersion = index.isMultiple(of: 2) ? .qti21 : .qti30
            seeds.append((try QTIExporter.itemXML(item, version: version, language: "de"), version))
        }
        return seeds
    }

    @Test("2,000 mutations of item files: a failure or outcomes, never a crash")
    func itemMutations() throws {
        let seeds = try Self.seeds()
        var random = SeededGenerator(seed: "qti-item-fuzz")
        var failures = 0
        var imported = 0
        for round in 0..<2_000 {
            let (xml, version) = seeds[round % seeds.count]
            let bytes = Self.mutate(Array(xml.utf8), &random)
            let source = ImportSource(name: "fuzz.xml", data: Data(bytes))
            do {
                let questions =
                    version == .qti21
                    ? try QTI21Importer.questions(in: source) : try QTI30Importer.questions(in: source)
                #expect(questions.count == 1)
                Self.check(questions)
                imported += questions.compactMap(\.item).count
            } catch {
                #expect(error.location.line >= 1 && error.location.column >= 1)
                failures += 1
            }
        }
        #expect(failures > 0 && imported > 0)
    }

    @Test(
        "hostile numbers are refused or kept exactly, never trap",
        arguments: [
            "<baseValue baseType=\"float\">0.000000000001e-12</baseValue>",
            "<baseValue baseType=\"float\">999999999999.999999999999</baseValue>",
            "<product><baseValue baseType=\"float\">1e12</baseValue><baseValue baseType=\"float\">1e12</baseValue><baseValue baseType=\"float\">1e12</baseValue></product>",
            "<divide><baseValue baseType=\"float\">1</baseValue><baseValue baseType=\"float\">0.000000000001</baseValue></divide>",
            "<sum><divide><baseValue baseType=\"float\">1</baseValue><baseValue baseType=\"float\">999999999989</baseValue></divide><divide><baseValue baseType=\"float\">1</baseValue><baseValue baseType=\"float\">999999999959</baseValue></divide></sum>",
            "<divide><baseValue baseType=\"float\">1</baseValue><baseValue baseType=\"float\">999999937</baseValue></divide>",
            "<subtract><baseValue baseType=\"float\">-1e12</baseValue><baseValue baseType=\"float\">1e12</baseValue></subtract>",
            "<round><baseValue baseType=\"float\">-999999999999.5</baseValue></round>",
        ])
    func hostileNumbers(value: String) throws {
        for cardinality in ["single", "multiple"] {
            let condition =
                cardinality == "single"
                ? "<match><variable identifier=\"RESPONSE\"/><baseValue baseType=\"identifier\">B</baseValue></match>"
                : "<member><baseValue baseType=\"identifier\">B</baseValue><variable identifier=\"RESPONSE\"/></member>"
            let rules = """
                <responseProcessing>
                  <responseCondition><responseIf>\(condition)
                    <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/>\(value)</sum></setOutcomeValue>
                  </responseIf></responseCondition>
                  <responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
                    <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum></setOutcomeValue>
                  </responseIf></responseCondition>
                </responseProcessing>
                """
            for maxScore in [nil, "1", "0.0001"] {
                let xml = QTIFixtures.choice(processing: rules, maxScore: maxScore, cardinality: cardinality)
                let questions = try QTI21Importer.questions(in: ImportSource(name: "n.xml", data: Data(xml.utf8)))
                Self.check(questions)
            }
            let mapped = QTIFixtures.choice(
                processing: "<responseProcessing template=\"map_response\"/>", cardinality: cardinality,
                mapping:
                    "<mapping><mapEntry mapKey=\"A\" mappedValue=\"0.333333333333333\"/><mapEntry mapKey=\"B\" mappedValue=\"0.000000000000001\"/><mapEntry mapKey=\"C\" mappedValue=\"999999999999\"/></mapping>"
            )
            Self.check(try QTI21Importer.questions(in: ImportSource(name: "m.xml", data: Data(mapped.utf8))))
        }
        let tolerance = QTIFixtures.textEntry(
            """
            <responseCondition><responseIf><equal toleranceMode="relative" tolerance="1e12 0.000000000000001"><variable identifier="RESPONSE"/>\(value)</equal>
              <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition>
            """
        ).replacingOccurrences(of: "baseType=\"string\"", with: "baseType=\"float\"")
        Self.check(try QTI21Importer.questions(in: ImportSource(name: "t.xml", data: Data(tolerance.utf8))))
    }

    @Test("mutations of a content package: of the zip bytes, the manifest and the item files")
    func packageMutations() throws {
        var generator = QTIBankGenerator(seed: "qti-package-fuzz")
        let bank = generator.bank(items: 6)
        let data = try QTIExporter.package(bank, version: .qti21)
        let archive = try ZipPackage(name: "bank.zip", data: data)
        let files = archive.files.sorted { $0.key < $1.key }
        var random = SeededGenerator(seed: "qti-package-fuzz")
        for round in 0..<400 {
            var mutated: Data
            switch round % 3 {
            case 0:
                mutated = Data(Self.mutate(Array(data), &random))
            default:
                let target = round % 3 == 1 ? "imsmanifest.xml" : files[random.uniform(below: files.count)].key
                mutated = try ZipPackage.archive(
                    files.map { ($0.key, $0.key == target ? Data(Self.mutate(Array($0.value), &random)) : $0.value) })
            }
            do {
                let package = try ZipPackage(name: "fuzz.zip", data: mutated)
                let (_, questions) = try QTIPackage.questions(in: package)
                Self.check(questions)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
    }
}
