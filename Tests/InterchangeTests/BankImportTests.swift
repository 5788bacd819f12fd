import Foundation
import Testing

@testable import Assessment
@testable import Interchange

private let giftSample = """
    $CATEGORY: $course$/top/Akte

    ::Grundsatz::Welcher Grundsatz verlangt, dass Verwaltungshandeln dokumentiert wird?{
      =Aktenmäßigkeit
      ~Mündlichkeit
    }

    ::Frist::Wie viele Jahre? {#10:1}
    """

private let aikenSample = """
    Wofür steht OZG?
    A) Onlinezugangsgesetz
    B) Ordnungsgesetz
    ANSWER: A
    """

private let moodleSample = """
    <?xml version="1.0" encoding="UTF-8"?>
    <quiz>
      <question type="shortanswer">
        <name><text>Grundsatz</text></name>
        <questiontext format="plain_text"><text>Welcher Grundsatz?</text></questiontext>
        <answer fraction="100"><text>Aktenmäßigkeit</text></answer>
      </question>
    </quiz>
    """

private let qti21Sample = """
    <?xml version="1.0" encoding="UTF-8"?>
    <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q1" title="Wahr" adaptive="false" timeDependent="false">
      <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
        <correctResponse><value>A</value></correctResponse>
      </responseDeclaration>
      <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
      <itemBody>
        <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
          <prompt>Ist die E-Akte Pflicht?</prompt>
          <simpleChoice identifier="A">Ja</simpleChoice>
          <simpleChoice identifier="B">Nein</simpleChoice>
        </choiceInteraction>
      </itemBody>
      <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
    </assessmentItem>
    """

private let qti30Sample = """
    <?xml version="1.0" encoding="UTF-8"?>
    <qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="q1" title="Wahr" adaptive="false" time-dependent="false">
      <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
        <qti-correct-response><qti-value>A</qti-value></qti-correct-response>
      </qti-response-declaration>
      <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
      <qti-item-body>
        <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
          <qti-prompt>Ist die E-Akte Pflicht?</qti-prompt>
          <qti-simple-choice identifier="A">Ja</qti-simple-choice>
          <qti-simple-choice identifier="B">Nein</qti-simple-choice>
        </qti-choice-interaction>
      </qti-item-body>
      <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
    </qti-assessment-item>
    """

private let iliasSample = """
    <?xml version="1.0" encoding="utf-8"?>
    <!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">
    <questestinterop>
      <item ident="il_0_qst_1" title="Aktenplan">
        <itemmetadata><qtimetadata>
          <qtimetadatafield><fieldlabel>QUESTIONTYPE</fieldlabel><fieldentry>SINGLE CHOICE QUESTION</fieldentry></qtimetadatafield>
        </qtimetadata></itemmetadata>
        <presentation label="Aktenplan"><flow>
          <material><mattext texttype="text/plain">Was ordnet der Aktenplan?</mattext></material>
          <response_lid ident="MCSR" rcardinality="Single"><render_choice shuffle="No">
            <response_label ident="0"><material><mattext texttype="text/plain">Schriftgut</mattext></material></response_label>
            <response_label ident="1"><material><mattext texttype="text/plain">Personal</mattext></material></response_label>
          </render_choice></response_lid>
        </flow></presentation>
        <resprocessing>
          <outcomes><decvar/></outcomes>
          <respcondition continue="Yes"><conditionvar><varequal respident="MCSR">0</varequal></conditionvar><setvar action="Add">2</setvar></respcondition>
          <respcondition continue="Yes"><conditionvar><varequal respident="MCSR">1</varequal></conditionvar><setvar action="Add">0</setvar></respcondition>
        </resprocessing>
      </item>
    </questestinterop>
    """

private let samples: [(BankFormat, String)] = [
    (.gift, giftSample), (.aiken, aikenSample), (.moodleXML, moodleSample), (.qti21, qti21Sample),
    (.qti30, qti30Sample), (.ilias, iliasSample),
]

@Suite("Bank import: detection, dispatch and assembly")
struct BankImportTests {
    @Test("every format is told from its content, whatever the file is called")
    func detection() throws {
        for (format, text) in samples {
            #expect(BankImport.detectFormat(Data(text.utf8)) == format, "\(format)")
            let file = try BankImport.read(name: "datei.txt", data: Data(text.utf8), format: nil)
            #expect(file.format == format)
            #expect(!file.questions.isEmpty, "\(format)")
            #expect(file.questions.allSatisfy { $0.item != nil }, "\(format): \(file.questions)")
        }
        #expect(BankImport.detectFormat(Data("Einfach nur Text.\nOhne Fragen.\n".utf8)) == nil)
        #expect(BankImport.detectFormat(Data("<html><body/></html>".utf8)) == nil)
        #expect(throws: ImportFailure.self) {
            try BankImport.read(name: "x.txt", data: Data("Notizen".utf8), format: nil)
        }
    }

    @Test("zip packages are told apart: QTI content package versus other archives")
    func zipDetection() throws {
        let bank = Bank(
            id: "b", title: "B", language: "de", provider: "P", version: "1",
            items: [
                Item(
                    id: "i1", topic: "t", points: Rational(2), stem: "Stimmt das?",
                    kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
            ])
        for version in QTIVersion.allCases {
            let package = try QTIExporter.package(bank, version: version)
            #expect(BankImport.detectFormat(package)?.rawValue == version.rawValue)
            let file = try BankImport.read(name: "p.zip", data: package, format: nil)
            #expect(file.metadata?.id == "b")
        }
        let other = try ZipPackage.archive([("readme.txt", Data("hallo".utf8))])
        #expect(BankImport.detectFormat(other) == nil)
        #expect(throws: ImportFailure.self) { try BankImport.read(name: "o.zip", data: other, format: nil) }
        #expect(throws: ImportFailure.self) { try BankImport.read(name: "o.zip", data: other, format: .gift) }
    }

    @Test("ids are unique across files (renames are warned) and the bank takes settings before metadata")
    func assembly() throws {
        let first = try BankImport.read(name: "a.gift", data: Data(giftSample.utf8), format: .gift)
        let second = try BankImport.read(name: "b.gift", data: Data(giftSample.utf8), format: .gift)
        let (bank, outcomes) = BankImport.assemble(
            [first, second], settings: BankImportSettings(provider: "Akademie"), defaultID: "meine bank")
        let built = try #require(bank)
        #expect(built.id == "meine-bank")
        #expect(built.provider == "Akademie")
        #expect(built.language == "de")
        #expect(Set(built.items.map(\.id)).count == 4)
        #expect(outcomes.count == 4)
        #expect(
            outcomes[2].warnings.contains {
                $0.hasPrefix("id 'Grundsatz' is already used by a question of a.gift; renamed to")
            })
        let yaml = try BankWriter.yaml(built)
        #expect(BankReader.read(Array(yaml.utf8), file: "b.yaml").bank == built)
    }

    @Test("an item the bank format refuses is skipped with the validator's reason, never written")
    func invalidItemsAreSkipped() {
        let bad = Item(
            id: "x", topic: "t", points: Rational(2000), stem: "?",
            kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
        let file = ImportedFile(
            name: "f", format: .gift,
            questions: [
                ImportedQuestion(location: SourceLocation(file: "f", line: 3), label: "X", status: .imported(bad))
            ])
        let (bank, outcomes) = BankImport.assemble([file], settings: BankImportSettings(), defaultID: "b")
        #expect(bank == nil)
        guard case .skipped(let reason) = outcomes.first?.status else {
            Issue.record("not skipped")
            return
        }
        #expect(reason.hasPrefix("the converted item breaks the bank format: points must be at most 1000"))
    }

    @Test("seeded random mutations of every format never crash import with auto detection")
    func mutationFuzz() {
        var generator = SeededGenerator(seed: "bank-import-fuzz")
        var outcomes = 0
        var failures = 0
        for round in 0..<1_500 {
            let bytes = ByteMutations.mutate(
                Array(samples[round % samples.count].1.utf8), using: &generator,
                tokens: ["{", "}", "<", ">", "=", "~", "#", ":", "%", "\\", "\n", "</item>", "ANSWER: A"],
                maximumEdits: 6, maximumRun: 16)
            do {
                let file = try BankImport.read(name: "m", data: Data(bytes), format: nil)
                outcomes += file.questions.count
                _ = BankImport.assemble([file], settings: BankImportSettings(), defaultID: "m")
            } catch {
                failures += 1
                #expect(!error.message.isEmpty)
            }
        }
        #expect(outcomes > 0)
        #expect(failures > 0)
    }
}
