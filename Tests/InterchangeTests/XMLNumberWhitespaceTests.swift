import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// `text` with white space (space, tab, line feed as XML Schema collapses it) around every number that
/// `pattern` captures as group 2 between groups 1 and 3.
private func padded(_ text: String, _ pattern: String) -> String {
    text.replacingOccurrences(of: pattern, with: "$1 \t$2\n $3", options: .regularExpression)
}

/// The statuses of `questions` (locations move when a line feed is added).
private func statuses(_ questions: [ImportedQuestion]) -> [ImportStatus] {
    questions.map(\.status)
}

@Suite("XML importers read numbers with surrounding white space")
struct XMLNumberWhitespaceTests {
    /// Numeric attributes of QTI 2.1 and 3.0 (camelCase and kebab-case).
    static let qtiAttributes =
        #"( (?:mappedValue|mapped-value|defaultValue|default-value|lowerBound|lower-bound|upperBound|upper-bound|"#
        + #"tolerance|maxChoices|max-choices|minChoices|min-choices|matchMax|match-max|n|normalMaximum|"#
        + #"normal-maximum)=")([-+0-9.eE ]+)(")"#
    /// Numeric element content.
    static let numericContent = #"(>)([-+]?[0-9]+(?:\.[0-9]+)?)(</)"#

    @Test("QTI 2.1 mapped values, bounds, tolerances, limits and values with white space read as without")
    func qti21() throws {
        for xml in [QTIFixtures.openOLATMultipleResponse, QTIFixtures.openOLATCloze, QTIFixtures.onyxSingleChoice] {
            let spaced = padded(padded(xml, Self.qtiAttributes), Self.numericContent)
            #expect(spaced != xml)
            let plain = try QTI21Importer.questions(in: ImportSource(name: "a.xml", data: Data(xml.utf8)))
            let read = try QTI21Importer.questions(in: ImportSource(name: "a.xml", data: Data(spaced.utf8)))
            #expect(plain.first?.item != nil)
            #expect(statuses(read) == statuses(plain))
        }
    }

    @Test(
        "QTI 3.0 items (mapped-value=\" 0.6667\" and friends) read as without white space",
        arguments: [
            QTIVersion.qti30, .qti21,
        ])
    func exportedItems(version: QTIVersion) throws {
        let items = [
            Item(
                id: "mr", topic: "imported", points: Rational(3), stem: "Welche?",
                kind: .multipleResponse(
                    options: [
                        Choice(id: "a", text: "A", credit: Rational(2, 3)),
                        Choice(id: "b", text: "B", credit: Rational(1, 3)),
                        Choice(id: "c", text: "C", credit: Rational(-1, 2)),
                    ], correct: ["a", "b"])),
            Item(
                id: "num", topic: "t", points: Rational(2), stem: "Wie viel?",
                kind: .numeric(
                    answers: [
                        NumericAnswer(Rational(72), tolerance: .absolute(Rational(2))),
                        NumericAnswer(Rational(70), tolerance: .relative(Rational(1, 20)), credit: Rational(1, 2)),
                    ], unit: nil)),
            Item(
                id: "cloze", topic: "t", points: Rational(4), stem: "Frist {{f}} und {{n}}",
                kind: .cloze(gaps: [
                    Gap(
                        id: "f", weight: Rational(2),
                        kind: .text(answers: [TextAnswer("Woche", credit: Rational(2, 3))], caseSensitive: false)),
                    Gap(id: "n", kind: .numeric(answers: [NumericAnswer(Rational(5, 2))])),
                ])),
            Item(
                id: "ord", topic: "t", points: Rational(1), stem: "Ordnen",
                kind: .ordering(
                    elements: [Choice(id: "x", text: "X"), Choice(id: "y", text: "Y")], correctOrder: ["x", "y"])),
        ]
        for var item in items {
            // A lone item file has no manifest to carry the topic.
            item.topic = "imported"
            let xml = try QTIExporter.itemXML(item, version: version, language: "de")
            let spaced = padded(padded(xml, Self.qtiAttributes), Self.numericContent)
            #expect(spaced != xml)
            let source = ImportSource(name: "a.xml", data: Data(spaced.utf8))
            let read =
                version == .qti30 ? try QTI30Importer.questions(in: source) : try QTI21Importer.questions(in: source)
            #expect(read.first?.item == item, "\(item.id): \(read.first?.status as Any)")
        }
    }

    @Test("Moodle XML fractions, grades, tolerances and counts with white space read as without")
    func moodle() throws {
        for xml in MoodleFixtures.all {
            var spaced = padded(xml, #"( (?:fraction)=")([-+0-9.]+)(")"#)
            spaced = padded(spaced, Self.numericContent)
            let plain = try MoodleXMLImporter.questions(in: ImportSource(name: "m.xml", data: Data(xml.utf8)))
            let read = try MoodleXMLImporter.questions(in: ImportSource(name: "m.xml", data: Data(spaced.utf8)))
            #expect(statuses(read) == statuses(plain))
        }
    }

    @Test("ILIAS points, bounds and limits with white space read as without")
    func ilias() throws {
        var spaced = padded(
            ILIASFixtures.pool, #"(<(?:setvar action="Add"|vargte [^>]*|varlte [^>]*)>)([-+0-9.,]+)(</)"#)
        spaced = padded(spaced, #"( (?:maxchars|maxnumber|minnumber)=")([0-9]+)(")"#)
        #expect(spaced != ILIASFixtures.pool)
        let plain = try ILIASImporter.questions(in: ImportSource(name: "p.xml", data: Data(ILIASFixtures.pool.utf8)))
        let read = try ILIASImporter.questions(in: ImportSource(name: "p.xml", data: Data(spaced.utf8)))
        #expect(plain.contains { $0.item != nil })
        #expect(statuses(read) == statuses(plain))
    }

    @Test("integers collapse XML white space and stay bounded")
    func integers() {
        #expect(XMLNumber.integer(" 3\n") == 3)
        #expect(XMLNumber.integer("\t-2 ") == -2)
        #expect(XMLNumber.integer("1 2") == nil)
        #expect(XMLNumber.integer("9999999999") == nil)
        #expect(XMLNumber.integer("") == nil)
        #expect(XMLNumber.integer("\u{00A0}3") == nil)
    }
}
