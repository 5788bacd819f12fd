import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Self-written items in the styles real exports use (ONYX/OpenOLAT custom rules, the standard templates)
/// plus broken ones.
enum QTIFixtures {
    static let header21 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="ITEM" title="TITLE" adaptive="false" timeDependent="false">
        """

    static let onyxSingleChoice = """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="sc_1" title="Hauptstadt"
            adaptive="false" timeDependent="false" toolName="ONYX Editor" toolVersion="7.9">
          <responseDeclaration identifier="RESPONSE_1" cardinality="single" baseType="identifier">
            <correctResponse><value>berlin</value></correctResponse>
          </responseDeclaration>
          <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>2.5</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="MINSCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="FEEDBACKBASIC" cardinality="single" baseType="identifier"><defaultValue><value>empty</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="FEEDBACKMODAL" cardinality="multiple" baseType="identifier"/>
          <itemBody>
            <p>Welche Stadt ist die <strong>Hauptstadt</strong> von Deutschland?</p>
            <choiceInteraction responseIdentifier="RESPONSE_1" shuffle="true" maxChoices="1">
              <simpleChoice identifier="bonn"><p>Bonn</p></simpleChoice>
              <simpleChoice identifier="berlin"><p>Berlin</p></simpleChoice>
              <simpleChoice identifier="koeln"><p>Köln</p></simpleChoice>
            </choiceInteraction>
          </itemBody>
          <responseProcessing>
            <responseCondition>
              <responseIf>
                <isNull><variable identifier="RESPONSE_1"/></isNull>
                <setOutcomeValue identifier="FEEDBACKBASIC"><baseValue baseType="identifier">empty</baseValue></setOutcomeValue>
              </responseIf>
              <responseElseIf>
                <match><variable identifier="RESPONSE_1"/><correct identifier="RESPONSE_1"/></match>
                <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><variable identifier="MAXSCORE"/></sum></setOutcomeValue>
                <setOutcomeValue identifier="FEEDBACKBASIC"><baseValue baseType="identifier">correct</baseValue></setOutcomeValue>
              </responseElseIf>
              <responseElse>
                <setOutcomeValue identifier="FEEDBACKBASIC"><baseValue baseType="identifier">incorrect</baseValue></setOutcomeValue>
              </responseElse>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <and><match><baseValue baseType="identifier">correct</baseValue><variable identifier="FEEDBACKBASIC"/></match></and>
                <setOutcomeValue identifier="FEEDBACKMODAL"><multiple><variable identifier="FEEDBACKMODAL"/><baseValue baseType="identifier">fb_correct</baseValue></multiple></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <and><match><baseValue baseType="identifier">incorrect</baseValue><variable identifier="FEEDBACKBASIC"/></match></and>
                <setOutcomeValue identifier="FEEDBACKMODAL"><multiple><variable identifier="FEEDBACKMODAL"/><baseValue baseType="identifier">fb_wrong</baseValue></multiple></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <gt><variable identifier="SCORE"/><variable identifier="MAXSCORE"/></gt>
                <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <lt><variable identifier="SCORE"/><variable identifier="MINSCORE"/></lt>
                <setOutcomeValue identifier="SCORE"><variable identifier="MINSCORE"/></setOutcomeValue>
              </responseIf>
            </responseCondition>
          </responseProcessing>
          <modalFeedback outcomeIdentifier="FEEDBACKMODAL" identifier="fb_correct" showHide="show" title="Richtig"><p>Genau, <em>Berlin</em>.</p></modalFeedback>
          <modalFeedback outcomeIdentifier="FEEDBACKMODAL" identifier="fb_wrong" showHide="show" title="Falsch"><p>Leider falsch.</p></modalFeedback>
        </assessmentItem>
        """

    static let openOLATMultipleResponse = """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="id-mr-7" title="Personenbezogene Daten"
            adaptive="false" timeDependent="false" toolName="OpenOLAT" toolVersion="15.5">
          <responseDeclaration identifier="RESPONSE_1" cardinality="multiple" baseType="identifier">
            <correctResponse><value>a</value><value>b</value></correctResponse>
            <mapping defaultValue="0">
              <mapEntry mapKey="a" mappedValue="1" caseSensitive="true"/>
              <mapEntry mapKey="b" mappedValue="1" caseSensitive="true"/>
              <mapEntry mapKey="c" mappedValue="-0.5" caseSensitive="true"/>
            </mapping>
          </responseDeclaration>
          <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0.0</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>2.0</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="MINSCORE" cardinality="single" baseType="float"><defaultValue><value>0.0</value></defaultValue></outcomeDeclaration>
          <itemBody>
            <p>Welche Angaben sind personenbezogen?</p>
            <choiceInteraction responseIdentifier="RESPONSE_1" shuffle="true" maxChoices="0">
              <simpleChoice identifier="a"><p>Name</p></simpleChoice>
              <simpleChoice identifier="b"><p>Kfz-Kennzeichen</p></simpleChoice>
              <simpleChoice identifier="c"><p>Durchschnittsalter</p></simpleChoice>
            </choiceInteraction>
          </itemBody>
          <responseProcessing>
            <responseCondition>
              <responseIf>
                <not><isNull><variable identifier="RESPONSE_1"/></isNull></not>
                <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><mapResponse identifier="RESPONSE_1"/></sum></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <gt><variable identifier="SCORE"/><variable identifier="MAXSCORE"/></gt>
                <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <lt><variable identifier="SCORE"/><variable identifier="MINSCORE"/></lt>
                <setOutcomeValue identifier="SCORE"><variable identifier="MINSCORE"/></setOutcomeValue>
              </responseIf>
            </responseCondition>
          </responseProcessing>
        </assessmentItem>
        """

    static let openOLATCloze = """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="fib-1" title="Lückentext"
            adaptive="false" timeDependent="false" toolName="OpenOLAT">
          <responseDeclaration identifier="RESPONSE_1" cardinality="single" baseType="string">
            <correctResponse><value>Aktenmäßigkeit</value></correctResponse>
            <mapping defaultValue="0">
              <mapEntry mapKey="Aktenmäßigkeit" mappedValue="1" caseSensitive="false"/>
              <mapEntry mapKey="Aktenmaessigkeit" mappedValue="0.5" caseSensitive="false"/>
            </mapping>
          </responseDeclaration>
          <responseDeclaration identifier="RESPONSE_2" cardinality="single" baseType="float">
            <correctResponse><value>72</value></correctResponse>
          </responseDeclaration>
          <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>3</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="SCORE_RESPONSE_1" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
          <outcomeDeclaration identifier="SCORE_RESPONSE_2" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
          <itemBody>
            <p>Der Grundsatz der <textEntryInteraction responseIdentifier="RESPONSE_1" expectedLength="15"/> verlangt
            Dokumentation. Meldefrist: <textEntryInteraction responseIdentifier="RESPONSE_2"/> Stunden.</p>
          </itemBody>
          <responseProcessing>
            <responseCondition>
              <responseIf>
                <not><isNull><variable identifier="RESPONSE_1"/></isNull></not>
                <setOutcomeValue identifier="SCORE_RESPONSE_1"><mapResponse identifier="RESPONSE_1"/></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <responseCondition>
              <responseIf>
                <equal toleranceMode="absolute" tolerance="2 2" includeLowerBound="true" includeUpperBound="true">
                  <variable identifier="RESPONSE_2"/><correct identifier="RESPONSE_2"/>
                </equal>
                <setOutcomeValue identifier="SCORE_RESPONSE_2"><baseValue baseType="float">2</baseValue></setOutcomeValue>
              </responseIf>
            </responseCondition>
            <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE_RESPONSE_1"/><variable identifier="SCORE_RESPONSE_2"/></sum></setOutcomeValue>
            <responseCondition>
              <responseIf>
                <gt><variable identifier="SCORE"/><variable identifier="MAXSCORE"/></gt>
                <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue>
              </responseIf>
            </responseCondition>
          </responseProcessing>
        </assessmentItem>
        """

    /// A plain single choice with the given response processing and declarations.
    static func choice(
        processing: String, maxScore: String? = nil, extraDeclarations: String = "", cardinality: String = "single",
        correct: [String] = ["A"], mapping: String = ""
    ) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="choice" title="Auswahl" adaptive="false" timeDependent="false">
          <responseDeclaration identifier="RESPONSE" cardinality="\(cardinality)" baseType="identifier">
            <correctResponse>\(correct.map { "<value>\($0)</value>" }.joined())</correctResponse>\(mapping)
          </responseDeclaration>
          <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>\(maxScore.map { "\n  <outcomeDeclaration identifier=\"MAXSCORE\" cardinality=\"single\" baseType=\"float\"><defaultValue><value>\($0)</value></defaultValue></outcomeDeclaration>" } ?? "")\(extraDeclarations)
          <itemBody>
            <choiceInteraction responseIdentifier="RESPONSE" maxChoices="\(cardinality == "single" ? 1 : 0)">
              <prompt>Welche Aussage stimmt?</prompt>
              <simpleChoice identifier="A">Ja</simpleChoice>
              <simpleChoice identifier="B">Nein</simpleChoice>
              <simpleChoice identifier="C">Vielleicht</simpleChoice>
            </choiceInteraction>
          </itemBody>
          \(processing)
        </assessmentItem>
        """
    }

    static let qti30Order = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="order-1" title="Reihenfolge" adaptive="false" time-dependent="false">
          <qti-response-declaration identifier="RESPONSE" cardinality="ordered" base-type="identifier">
            <qti-correct-response><qti-value>e1</qti-value><qti-value>e2</qti-value><qti-value>e3</qti-value></qti-correct-response>
          </qti-response-declaration>
          <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
          <qti-item-body>
            <qti-order-interaction response-identifier="RESPONSE" shuffle="true">
              <qti-prompt>Bringen Sie die Schritte in die richtige Reihenfolge.</qti-prompt>
              <qti-simple-choice identifier="e1">Eingang erfassen</qti-simple-choice>
              <qti-simple-choice identifier="e2">Vorgang bearbeiten</qti-simple-choice>
              <qti-simple-choice identifier="e3">Zur Akte nehmen</qti-simple-choice>
            </qti-order-interaction>
          </qti-item-body>
          <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
        </qti-assessment-item>
        """

    static let qti30Match = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="match-1" title="Reifegrade" adaptive="false" time-dependent="false">
          <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="directedPair">
            <qti-correct-response><qti-value>p1 r1</qti-value><qti-value>p2 r2</qti-value></qti-correct-response>
            <qti-mapping default-value="0">
              <qti-map-entry map-key="p1 r1" mapped-value="1"/><qti-map-entry map-key="p2 r2" mapped-value="1"/>
            </qti-mapping>
          </qti-response-declaration>
          <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
          <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>2</qti-value></qti-default-value></qti-outcome-declaration>
          <qti-item-body>
            <p>Ordnen Sie die Reifegrade zu.</p>
            <qti-match-interaction response-identifier="RESPONSE" shuffle="false" max-associations="2">
              <qti-simple-match-set>
                <qti-simple-associable-choice identifier="p1" match-max="1">Reifegrad 1</qti-simple-associable-choice>
                <qti-simple-associable-choice identifier="p2" match-max="1">Reifegrad 3</qti-simple-associable-choice>
              </qti-simple-match-set>
              <qti-simple-match-set>
                <qti-simple-associable-choice identifier="r1" match-max="1">Informationen online</qti-simple-associable-choice>
                <qti-simple-associable-choice identifier="r2" match-max="1">Digitale Abwicklung</qti-simple-associable-choice>
                <qti-simple-associable-choice identifier="r3" match-max="1">Nur Papier</qti-simple-associable-choice>
              </qti-simple-match-set>
            </qti-match-interaction>
          </qti-item-body>
          <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response"/>
        </qti-assessment-item>
        """

    static let qti30GapMatch = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="gm-1" title="Lücken ziehen" adaptive="false" time-dependent="false">
          <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="directedPair">
            <qti-correct-response><qti-value>W1 G1</qti-value><qti-value>W2 G2</qti-value></qti-correct-response>
            <qti-mapping default-value="0">
              <qti-map-entry map-key="W1 G1" mapped-value="1"/><qti-map-entry map-key="W2 G2" mapped-value="2"/>
            </qti-mapping>
          </qti-response-declaration>
          <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
          <qti-item-body>
            <qti-gap-match-interaction response-identifier="RESPONSE" shuffle="false">
              <qti-prompt>Ergänzen Sie.</qti-prompt>
              <qti-gap-text identifier="W1" match-max="1">Bund</qti-gap-text>
              <qti-gap-text identifier="W2" match-max="1">Länder</qti-gap-text>
              <qti-gap-text identifier="W3" match-max="1">Kommunen</qti-gap-text>
              <p>Das OZG verpflichtet <qti-gap identifier="G1"/> und <qti-gap identifier="G2"/>.</p>
            </qti-gap-match-interaction>
          </qti-item-body>
          <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"/>
        </qti-assessment-item>
        """

    static let qti30Essay = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="essay-1" title="Aufsatz" adaptive="false" time-dependent="false">
          <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string"/>
          <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float" external-scored="human"/>
          <qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>10</qti-value></qti-default-value></qti-outcome-declaration>
          <qti-item-body>
            <p>Erläutern Sie das Once-Only-Prinzip.</p>
            <qti-extended-text-interaction response-identifier="RESPONSE" placeholder-text="Ihre Antwort ..."/>
            <qti-rubric-block view="scorer" use="scoring"><qti-content-body><p>Volle Punktzahl für <strong>drei</strong> Aspekte.</p></qti-content-body></qti-rubric-block>
          </qti-item-body>
        </qti-assessment-item>
        """

    static let qti30InlineChoiceAndNumber = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="ic-1" title="Auswahl im Satz" adaptive="false" time-dependent="false">
          <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
            <qti-correct-response><qti-value>G</qti-value></qti-correct-response>
          </qti-response-declaration>
          <qti-response-declaration identifier="RESPONSE2" cardinality="single" base-type="float">
            <qti-correct-response><qti-value>3.5</qti-value></qti-correct-response>
          </qti-response-declaration>
          <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
          <qti-outcome-declaration identifier="FEEDBACK" cardinality="multiple" base-type="identifier"/>
          <qti-item-body>
            <p>Die DSGVO ist eine <qti-inline-choice-interaction response-identifier="RESPONSE" shuffle="false"><qti-inline-choice identifier="G">Verordnung</qti-inline-choice><qti-inline-choice identifier="R">Richtlinie</qti-inline-choice></qti-inline-choice-interaction> mit <qti-text-entry-interaction response-identifier="RESPONSE2"/> Prozent.</p>
          </qti-item-body>
          <qti-response-processing>
            <qti-response-condition>
              <qti-response-if>
                <qti-match><qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match>
                <qti-set-outcome-value identifier="SCORE"><qti-sum><qti-variable identifier="SCORE"/><qti-base-value base-type="float">1</qti-base-value></qti-sum></qti-set-outcome-value>
              </qti-response-if>
            </qti-response-condition>
            <qti-response-condition>
              <qti-response-if>
                <qti-equal tolerance-mode="relative" tolerance="10"><qti-variable identifier="RESPONSE2"/><qti-correct identifier="RESPONSE2"/></qti-equal>
                <qti-set-outcome-value identifier="SCORE"><qti-sum><qti-variable identifier="SCORE"/><qti-base-value base-type="float">1</qti-base-value></qti-sum></qti-set-outcome-value>
              </qti-response-if>
            </qti-response-condition>
            <qti-response-condition>
              <qti-response-if>
                <qti-match><qti-variable identifier="RESPONSE"/><qti-base-value base-type="identifier">R</qti-base-value></qti-match>
                <qti-set-outcome-value identifier="FEEDBACK"><qti-multiple><qti-variable identifier="FEEDBACK"/><qti-base-value base-type="identifier">FR</qti-base-value></qti-multiple></qti-set-outcome-value>
              </qti-response-if>
            </qti-response-condition>
          </qti-response-processing>
          <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="FR" show-hide="show"><qti-content-body><p>Eine Richtlinie muss umgesetzt werden.</p></qti-content-body></qti-modal-feedback>
        </qti-assessment-item>
        """

    static let associate = """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="assoc" title="Paare" adaptive="false" timeDependent="false">
          <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="pair">
            <correctResponse><value>DE Berlin</value><value>FR Paris</value></correctResponse>
            <mapping defaultValue="0"><mapEntry mapKey="DE Berlin" mappedValue="1"/><mapEntry mapKey="FR Paris" mappedValue="1"/></mapping>
          </responseDeclaration>
          <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
          <itemBody>
            <associateInteraction responseIdentifier="RESPONSE" shuffle="false" maxAssociations="2">
              <prompt>Ordnen Sie die Hauptstädte zu.</prompt>
              <simpleAssociableChoice identifier="DE" matchMax="1">Deutschland</simpleAssociableChoice>
              <simpleAssociableChoice identifier="FR" matchMax="1">Frankreich</simpleAssociableChoice>
              <simpleAssociableChoice identifier="Berlin" matchMax="1">Berlin</simpleAssociableChoice>
              <simpleAssociableChoice identifier="Paris" matchMax="1">Paris</simpleAssociableChoice>
              <simpleAssociableChoice identifier="Rom" matchMax="1">Rom</simpleAssociableChoice>
            </associateInteraction>
          </itemBody>
          <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"/>
        </assessmentItem>
        """

    /// A text entry item with the given response processing (string response RESPONSE).
    static func textEntry(_ processing: String, mapping: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="te" title="Texteingabe" adaptive="false" timeDependent="false">
          <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">\(mapping)</responseDeclaration>
          <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
          <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>1</value></defaultValue></outcomeDeclaration>
          <itemBody><p>Antwort: <textEntryInteraction responseIdentifier="RESPONSE"/></p></itemBody>
          <responseProcessing>\(processing)</responseProcessing>
        </assessmentItem>
        """
    }
}

private func importItem(_ xml: String, version: QTIVersion = .qti21, name: String = "item.xml") throws
    -> ImportedQuestion
{
    let source = ImportSource(name: name, data: Data(xml.utf8))
    let questions =
        version == .qti21 ? try QTI21Importer.questions(in: source) : try QTI30Importer.questions(in: source)
    #expect(questions.count == 1)
    guard let question = questions.first else { throw QTISkip(reason: "no question") }
    return question
}

private func failure(_ xml: String, version: QTIVersion = .qti21, name: String = "item.xml") -> ImportFailure? {
    do {
        _ = try importItem(xml, version: version, name: name)
        return nil
    } catch let error as ImportFailure {
        return error
    } catch {
        return nil
    }
}

private func skipReason(_ question: ImportedQuestion) -> String? {
    if case .skipped(let reason) = question.status { return reason }
    return nil
}

@Suite("QTI 2.1 and 3.0 item import")
struct QTIImporterTests {
    @Test("ONYX single choice: isNull/match rules, MAXSCORE clamping, correct/incorrect feedback")
    func onyxSingleChoice() throws {
        let question = try importItem(QTIFixtures.onyxSingleChoice, name: "onyx.xml")
        #expect(question.location == SourceLocation(file: "onyx.xml", line: 2, column: 1))
        #expect(question.label == "Hauptstadt")
        #expect(question.warnings.isEmpty)
        let expected = Item(
            id: "sc_1", topic: "imported", points: Rational(5, 2),
            stem: "Welche Stadt ist die **Hauptstadt** von Deutschland?",
            kind: .singleChoice(
                options: [
                    Choice(id: "bonn", text: "Bonn", feedback: "Leider falsch."),
                    Choice(id: "berlin", text: "Berlin", feedback: "Genau, *Berlin*."),
                    Choice(id: "koeln", text: "Köln", feedback: "Leider falsch."),
                ], correct: "berlin"))
        #expect(question.status == .imported(expected))
    }

    @Test("OpenOLAT multiple response: sum of mapResponse, credits relative to MAXSCORE, negative mapping")
    func openOLATMultipleResponse() throws {
        let question = try importItem(QTIFixtures.openOLATMultipleResponse)
        guard case .imported(let item) = question.status,
            case .multipleResponse(let options, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(item.points == Rational(2))
        #expect(options.map(\.credit) == [Rational(1, 2), Rational(1, 2), Rational(-1, 4)])
        #expect(options.allSatisfy { $0.uncheckedCredit == nil })
        #expect(correct == ["a", "b"])
    }

    @Test("OpenOLAT cloze: text gap from a case-insensitive mapping, numeric gap with absolute tolerance")
    func openOLATCloze() throws {
        let question = try importItem(QTIFixtures.openOLATCloze)
        let expected = Item(
            id: "fib-1", topic: "imported", points: Rational(3),
            stem: "Der Grundsatz der {{1}} verlangt Dokumentation. Meldefrist: {{2}} Stunden.",
            kind: .cloze(gaps: [
                Gap(
                    id: "1",
                    kind: .text(
                        answers: [
                            TextAnswer("Aktenmäßigkeit"), TextAnswer("Aktenmaessigkeit", credit: Rational(1, 2)),
                        ],
                        caseSensitive: false)),
                Gap(
                    id: "2", weight: Rational(2),
                    kind: .numeric(answers: [NumericAnswer(Rational(72), tolerance: .absolute(Rational(2)))])),
            ]))
        #expect(question.status == .imported(expected))
    }

    @Test(
        "match_correct is recognised in every spelling of its URL",
        arguments: [
            "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
            "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct.xml",
            "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
            "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct", "match_correct",
            "http://www.imsglobal.org/question/qti_v2p1/rptemplates/CC2_match",
        ])
    func matchCorrectVariants(url: String) throws {
        let question = try importItem(QTIFixtures.choice(processing: "<responseProcessing template=\"\(url)\"/>"))
        guard case .imported(let item) = question.status, case .singleChoice(let options, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(item.points == .one)
        #expect(correct == "A")
        #expect(options.allSatisfy { $0.credit == nil })
        #expect(item.stem == "Welche Aussage stimmt?")
    }

    @Test(
        "map_response is recognised in every spelling of its URL; credits are exact",
        arguments: [
            "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
            "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml", "map_response.xml",
        ])
    func mapResponseVariants(url: String) throws {
        let mapping = """
            <mapping defaultValue="0" lowerBound="0"><mapEntry mapKey="A" mappedValue="3" caseSensitive="true"/><mapEntry mapKey="B" mappedValue="0.9999999" caseSensitive="true"/></mapping>
            """
        let xml = QTIFixtures.choice(
            processing: "<responseProcessing template=\"\(url)\"/>", maxScore: "3", mapping: mapping)
        let question = try importItem(xml)
        guard case .imported(let item) = question.status, case .singleChoice(let options, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(item.points == Rational(3))
        #expect(options.map(\.credit) == [.one, Rational(9_999_999, 30_000_000), nil])
        #expect(correct == "A")
    }

    @Test("match_correct with MAXSCORE other than 1 gives MAXSCORE and says so")
    func matchCorrectWithMaxScore() throws {
        let xml = QTIFixtures.choice(
            processing: "<responseProcessing template=\"match_correct\"/>", maxScore: "2")
        let question = try importItem(xml)
        #expect(question.item?.points == Rational(2))
        #expect(
            question.warnings == [
                "the match_correct template gives 1 point for a correct answer; the item's MAXSCORE 2 is given instead"
            ])
    }

    @Test("map_response_point and unknown templates are skipped with the reason")
    func unsupportedTemplates() throws {
        let point = try importItem(
            QTIFixtures.choice(processing: "<responseProcessing template=\"map_response_point.xml\"/>"))
        #expect(skipReason(point) == "the map_response_point template (areas on an image) is not supported")
        let unknown = try importItem(
            QTIFixtures.choice(processing: "<responseProcessing template=\"http://example.org/rp/my_template\"/>"))
        #expect(
            skipReason(unknown)
                == "the response processing template 'http://example.org/rp/my_template' is not supported")
    }

    @Test("multiple response with match_correct: all-or-nothing replaced by partial credit, with a warning")
    func multipleResponseAllOrNothing() throws {
        let xml = QTIFixtures.choice(
            processing: "<responseProcessing template=\"match_correct\"/>", cardinality: "multiple",
            correct: ["A", "C"])
        let question = try importItem(xml)
        guard case .importedWithWarnings(let item, let warnings) = question.status,
            case .multipleResponse(let options, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(correct == ["A", "C"])
        #expect(options.allSatisfy { $0.credit == nil })
        #expect(
            warnings == [
                "all-or-nothing scoring (points only for exactly the correct options) was replaced by partial credit per option"
            ])
    }

    @Test("custom rules: unchecked credit from `not member`, clamped at 0 and MAXSCORE")
    func uncheckedCredit() throws {
        let rules = """
            <responseProcessing>
              <responseCondition><responseIf><member><baseValue baseType="identifier">A</baseValue><variable identifier="RESPONSE"/></member>
                <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum></setOutcomeValue></responseIf></responseCondition>
              <responseCondition><responseIf><not><member><baseValue baseType="identifier">B</baseValue><variable identifier="RESPONSE"/></member></not>
                <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><divide><baseValue baseType="float">1</baseValue><baseValue baseType="float">3</baseValue></divide></sum></setOutcomeValue></responseIf></responseCondition>
              <responseCondition><responseIf><member><baseValue baseType="identifier">C</baseValue><variable identifier="RESPONSE"/></member>
                <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">-2</baseValue></sum></setOutcomeValue></responseIf></responseCondition>
              <responseCondition><responseIf><lt><variable identifier="SCORE"/><baseValue baseType="float">0</baseValue></lt>
                <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue></responseIf></responseCondition>
              <responseCondition><responseIf><gte><variable identifier="SCORE"/><variable identifier="MAXSCORE"/></gte>
                <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue></responseIf></responseCondition>
            </responseProcessing>
            """
        let question = try importItem(
            QTIFixtures.choice(processing: rules, maxScore: "2", cardinality: "multiple", correct: ["A"]))
        guard case .imported(let item) = question.status, case .multipleResponse(let options, _) = item.kind else {
            Issue.record("\(question.status)")
            return
        }
        #expect(options.map(\.credit) == [Rational(1, 2), nil, Rational(-1)])
        #expect(options.map(\.uncheckedCredit) == [nil, Rational(1, 6), nil])
    }

    @Test("QTI 3.0 order interaction with match_correct: all-or-nothing replaced by credit per element")
    func qti30Order() throws {
        let question = try importItem(QTIFixtures.qti30Order, version: .qti30)
        let expected = Item(
            id: "order-1", topic: "imported", points: .one,
            stem: "Bringen Sie die Schritte in die richtige Reihenfolge.",
            kind: .ordering(
                elements: [
                    Choice(id: "e1", text: "Eingang erfassen"), Choice(id: "e2", text: "Vorgang bearbeiten"),
                    Choice(id: "e3", text: "Zur Akte nehmen"),
                ], correctOrder: ["e1", "e2", "e3"]))
        #expect(
            question.status
                == .importedWithWarnings(
                    expected,
                    [
                        "all-or-nothing scoring (points only for the entire order) was replaced by partial credit per element in place"
                    ]))
    }

    @Test("QTI 3.0 match interaction with a directed-pair mapping")
    func qti30Match() throws {
        let question = try importItem(QTIFixtures.qti30Match, version: .qti30)
        guard case .imported(let item) = question.status,
            case .matching(let premises, let responses, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(premises.map(\.id) == ["p1", "p2"])
        #expect(responses.map(\.text) == ["Informationen online", "Digitale Abwicklung", "Nur Papier"])
        #expect(correct == ["p1": "r1", "p2": "r2"])
        #expect(item.points == Rational(2))
    }

    @Test("QTI 3.0 gap match: each gap a drop-down of the gap texts, weighted by its points")
    func qti30GapMatch() throws {
        let question = try importItem(QTIFixtures.qti30GapMatch, version: .qti30)
        guard case .importedWithWarnings(let item, let warnings) = question.status, case .cloze(let gaps) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(item.stem == "Ergänzen Sie.\n\nDas OZG verpflichtet {{G1}} und {{G2}}.")
        #expect(item.points == Rational(3))
        #expect(gaps.map(\.weight) == [Rational(1), Rational(2)])
        guard case .choice(let options, let correct) = gaps[1].kind else {
            Issue.record("gap kind")
            return
        }
        #expect(options.map(\.text) == ["Bund", "Länder", "Kommunen"])
        #expect(options.map(\.credit) == [nil, .one, nil])
        #expect(correct == "W2")
        #expect(warnings == ["gap texts that could be used only a limited number of times are offered in every gap"])
    }

    @Test("QTI 3.0 essay: rubric for scorers becomes grader information, placeholder the template")
    func qti30Essay() throws {
        let question = try importItem(QTIFixtures.qti30Essay, version: .qti30)
        let expected = Item(
            id: "essay-1", topic: "imported", points: Rational(10), stem: "Erläutern Sie das Once-Only-Prinzip.",
            kind: .essay(responseTemplate: "Ihre Antwort ...", graderInfo: "Volle Punktzahl für **drei** Aspekte."))
        #expect(
            question.status
                == .importedWithWarnings(expected, ["the placeholder text was imported as the response template"]))
    }

    @Test("QTI 3.0 inline choice and numeric text entry (relative tolerance in percent) become a cloze")
    func qti30InlineChoiceAndNumber() throws {
        let question = try importItem(QTIFixtures.qti30InlineChoiceAndNumber, version: .qti30)
        let expected = Item(
            id: "ic-1", topic: "imported", points: Rational(2),
            stem: "Die DSGVO ist eine {{RESPONSE}} mit {{RESPONSE2}} Prozent.",
            kind: .cloze(gaps: [
                Gap(
                    id: "RESPONSE",
                    kind: .choice(
                        options: [
                            Choice(id: "G", text: "Verordnung"),
                            Choice(id: "R", text: "Richtlinie", feedback: "Eine Richtlinie muss umgesetzt werden."),
                        ], correct: "G")),
                Gap(
                    id: "RESPONSE2",
                    kind: .numeric(answers: [NumericAnswer(Rational(7, 2), tolerance: .relative(Rational(1, 10)))])),
            ]))
        #expect(question.status == .imported(expected))
    }

    @Test("associate interaction: pairs read as premise → response, with a warning")
    func associate() throws {
        let question = try importItem(QTIFixtures.associate)
        guard case .importedWithWarnings(let item, let warnings) = question.status,
            case .matching(let premises, let responses, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(premises.map(\.id) == ["DE", "FR"])
        #expect(responses.map(\.id) == ["Berlin", "Paris", "Rom"])
        #expect(correct == ["DE": "Berlin", "FR": "Paris"])
        #expect(warnings == ["the associate interaction was imported as matching (premises: 'DE', 'FR')"])
    }

    @Test("text entry: stringMatch answers, substring as wildcard, patterns, best answer wins")
    func textEntryRules() throws {
        let rules = """
            <responseCondition><responseIf><stringMatch caseSensitive="false"><variable identifier="RESPONSE"/><baseValue baseType="string">Berlin</baseValue></stringMatch>
              <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf>
            <responseElseIf><stringMatch caseSensitive="false" substring="true"><variable identifier="RESPONSE"/><baseValue baseType="string">berl</baseValue></stringMatch>
              <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0.5</baseValue></setOutcomeValue></responseElseIf></responseCondition>
            """
        let question = try importItem(QTIFixtures.textEntry(rules))
        guard case .imported(let item) = question.status, case .cloze(let gaps) = item.kind,
            case .text(let answers, let caseSensitive) = gaps.first?.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(answers == [TextAnswer("Berlin"), TextAnswer("*berl*", credit: Rational(1, 2), wildcard: true)])
        #expect(caseSensitive == false)
        #expect(item.stem == "Antwort: {{RESPONSE}}")
    }

    @Test("a foreign pattern becomes an exact answer when it is literal, otherwise it is refused in a gap")
    func foreignPattern() throws {
        let literal = try importItem(
            QTIFixtures.textEntry(
                """
                <responseCondition><responseIf><patternMatch pattern="Ber.*"><variable identifier="RESPONSE"/></patternMatch>
                  <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition>
                """))
        guard case .cloze(let gaps) = literal.item?.kind, case .text(let answers, _) = gaps.first?.kind else {
            Issue.record("\(literal.status)")
            return
        }
        #expect(answers == [TextAnswer("Ber*", wildcard: true)])
        let regex = try importItem(
            QTIFixtures.textEntry(
                """
                <responseCondition><responseIf><patternMatch pattern="[0-9]+"><variable identifier="RESPONSE"/></patternMatch>
                  <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition>
                """))
        #expect(skipReason(regex) == "a regular-expression answer in gap 'RESPONSE' cannot be represented")
    }

    @Test("numeric interval written with gte/lte becomes a value with absolute tolerance")
    func numericInterval() throws {
        let xml = """
            \(QTIFixtures.header21)
              <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float"/>
              <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
              <itemBody><p>Wert: <textEntryInteraction responseIdentifier="RESPONSE"/></p></itemBody>
              <responseProcessing>
                <responseCondition><responseIf>
                  <and><gte><variable identifier="RESPONSE"/><baseValue baseType="float">9.5</baseValue></gte>
                       <lte><variable identifier="RESPONSE"/><baseValue baseType="float">10.5</baseValue></lte></and>
                  <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
                </responseIf></responseCondition>
              </responseProcessing>
            </assessmentItem>
            """
        let question = try importItem(xml)
        guard case .cloze(let gaps) = question.item?.kind else {
            Issue.record("\(question.status)")
            return
        }
        #expect(
            gaps.first?.kind == .numeric(answers: [NumericAnswer(Rational(10), tolerance: .absolute(Rational(1, 2)))]))
        #expect(question.warnings.isEmpty)
    }

    @Test("no response processing: scored by the correct response, with a warning")
    func noResponseProcessing() throws {
        let question = try importItem(QTIFixtures.choice(processing: ""))
        #expect(question.item.map { if case .singleChoice(_, "A") = $0.kind { true } else { false } } == true)
        #expect(
            question.warnings == ["the item has no response processing; it is scored by its declared correct response"])
    }

    @Test("feedbackInline through FEEDBACK = RESPONSE goes to its option; unconditional modal feedback is general")
    func inlineFeedback() throws {
        let xml = """
            \(QTIFixtures.header21)
              <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
                <correctResponse><value>ja</value></correctResponse>
              </responseDeclaration>
              <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
              <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
              <outcomeDeclaration identifier="FEEDBACKMODAL" cardinality="multiple" baseType="identifier"/>
              <itemBody>
                <choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
                  <prompt>Gilt die DSGVO unmittelbar?</prompt>
                  <simpleChoice identifier="ja">Ja<feedbackInline outcomeIdentifier="FEEDBACK" identifier="ja" showHide="show">Richtig, als Verordnung.</feedbackInline></simpleChoice>
                  <simpleChoice identifier="nein">Nein<feedbackInline outcomeIdentifier="FEEDBACK" identifier="nein" showHide="show">Doch.</feedbackInline></simpleChoice>
                </choiceInteraction>
              </itemBody>
              <responseProcessing>
                <setOutcomeValue identifier="FEEDBACK"><variable identifier="RESPONSE"/></setOutcomeValue>
                <setOutcomeValue identifier="FEEDBACKMODAL"><multiple><variable identifier="FEEDBACKMODAL"/><baseValue baseType="identifier">allgemein</baseValue></multiple></setOutcomeValue>
                <responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
                  <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf></responseCondition>
              </responseProcessing>
              <modalFeedback outcomeIdentifier="FEEDBACKMODAL" identifier="allgemein" showHide="show"><p>Art. 288 AEUV.</p></modalFeedback>
            </assessmentItem>
            """
        let question = try importItem(xml)
        let expected = Item(
            id: "ITEM", topic: "imported", points: .one, stem: "Gilt die DSGVO unmittelbar?",
            feedback: "Art. 288 AEUV.",
            kind: .singleChoice(
                options: [
                    Choice(id: "ja", text: "Ja", feedback: "Richtig, als Verordnung."),
                    Choice(id: "nein", text: "Nein", feedback: "Doch."),
                ], correct: "ja"))
        #expect(question.status == .imported(expected))
    }

    @Test("multiple response: feedback shown when an option is ticked belongs to that option")
    func multipleResponseFeedback() throws {
        let rules = """
            <responseProcessing template="map_response"/>
            """
        let mapping = """
            <mapping defaultValue="0" lowerBound="0"><mapEntry mapKey="A" mappedValue="1" caseSensitive="true"/><mapEntry mapKey="B" mappedValue="-1" caseSensitive="true"/></mapping>
            """
        var xml = QTIFixtures.choice(processing: rules, cardinality: "multiple", mapping: mapping)
        xml = xml.replacingOccurrences(
            of: "<responseProcessing template=\"map_response\"/>",
            with: """
                <responseProcessing>
                  <responseCondition><responseIf><isNull><variable identifier="RESPONSE"/></isNull>
                    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue></responseIf>
                  <responseElse><setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/></setOutcomeValue></responseElse></responseCondition>
                  <responseCondition><responseIf><member><baseValue baseType="identifier">B</baseValue><variable identifier="RESPONSE"/></member>
                    <setOutcomeValue identifier="FEEDBACK"><multiple><variable identifier="FEEDBACK"/><baseValue baseType="identifier">fb-b</baseValue></multiple></setOutcomeValue></responseIf></responseCondition>
                </responseProcessing>
                <modalFeedback outcomeIdentifier="FEEDBACK" identifier="fb-b" showHide="show">Nein ist falsch.</modalFeedback>
                """
        ).replacingOccurrences(
            of: "<itemBody>",
            with:
                "<outcomeDeclaration identifier=\"FEEDBACK\" cardinality=\"multiple\" baseType=\"identifier\"/>\n<itemBody>"
        )
        let question = try importItem(xml)
        guard case .imported(let item) = question.status, case .multipleResponse(let options, let correct) = item.kind
        else {
            Issue.record("\(question.status)")
            return
        }
        #expect(options.map(\.feedback) == [nil, "Nein ist falsch.", nil])
        #expect(options.map(\.credit) == [.one, Rational(-1), nil])
        #expect(correct == ["A"])
    }

    @Test("QTI 2.1 essay: the response's default value is the template, scorer rubric the grader information")
    func essayTemplate() throws {
        let xml = """
            \(QTIFixtures.header21)
              <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
                <defaultValue><value>Einleitung:
            Hauptteil:</value></defaultValue>
              </responseDeclaration>
              <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
              <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>4.5</value></defaultValue></outcomeDeclaration>
              <itemBody>
                <p>Beschreiben Sie <em>zwei</em> Vorteile der E-Akte.</p>
                <extendedTextInteraction responseIdentifier="RESPONSE" expectedLines="8"/>
                <rubricBlock view="scorer"><p>Je Vorteil 2,25 Punkte.</p></rubricBlock>
              </itemBody>
            </assessmentItem>
            """
        let expected = Item(
            id: "ITEM", topic: "imported", points: Rational(9, 2), stem: "Beschreiben Sie *zwei* Vorteile der E-Akte.",
            kind: .essay(responseTemplate: "Einleitung:\nHauptteil:", graderInfo: "Je Vorteil 2,25 Punkte."))
        #expect(try importItem(xml).status == .imported(expected))
    }

    @Test("a cloze scored all or nothing across gaps becomes credit per gap, with a warning")
    func clozeAllOrNothing() throws {
        let xml = """
            \(QTIFixtures.header21)
              <responseDeclaration identifier="R1" cardinality="single" baseType="string"><correctResponse><value>Bund</value></correctResponse></responseDeclaration>
              <responseDeclaration identifier="R2" cardinality="single" baseType="integer"><correctResponse><value>16</value></correctResponse></responseDeclaration>
              <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
              <itemBody><p>Der <textEntryInteraction responseIdentifier="R1"/> und <textEntryInteraction responseIdentifier="R2"/> Länder.</p></itemBody>
              <responseProcessing>
                <responseCondition><responseIf>
                  <and><match><variable identifier="R1"/><correct identifier="R1"/></match><match><variable identifier="R2"/><correct identifier="R2"/></match></and>
                  <setOutcomeValue identifier="SCORE"><baseValue baseType="float">2</baseValue></setOutcomeValue>
                </responseIf></responseCondition>
              </responseProcessing>
            </assessmentItem>
            """
        let expected = Item(
            id: "ITEM", topic: "imported", points: Rational(2), stem: "Der {{R1}} und {{R2}} Länder.",
            kind: .cloze(gaps: [
                Gap(id: "R1", kind: .text(answers: [TextAnswer("Bund")], caseSensitive: true)),
                Gap(id: "R2", kind: .numeric(answers: [NumericAnswer(Rational(16))])),
            ]))
        #expect(
            try importItem(xml).status
                == .importedWithWarnings(
                    expected,
                    ["all-or-nothing scoring (points only when every gap is right) was replaced by credit per gap"]))
    }

    // MARK: Invalid rule structures

    @Test("an unknown operator in the score skips the question, naming operator and line")
    func unknownOperator() throws {
        let rules = """
            <responseProcessing>
              <responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
                <setOutcomeValue identifier="SCORE"><customOperator class="x"><baseValue baseType="float">1</baseValue></customOperator></setOutcomeValue>
              </responseIf></responseCondition>
            </responseProcessing>
            """
        let question = try importItem(QTIFixtures.choice(processing: rules))
        #expect(
            skipReason(question)
                == "the score cannot be converted: the operator <customOperator> at line 17 is not supported")
    }

    @Test("a match against an undeclared response skips the question")
    func undeclaredResponse() throws {
        let rules = """
            <responseProcessing>
              <responseCondition><responseIf><match><variable identifier="RESPONSE_9"/><baseValue baseType="identifier">A</baseValue></match>
                <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
              </responseIf></responseCondition>
            </responseProcessing>
            """
        let question = try importItem(QTIFixtures.choice(processing: rules))
        #expect(
            skipReason(question) == "the score cannot be converted: variable 'RESPONSE_9' at line 16 is not declared")
    }

    @Test("setting an undeclared variable: ignored with a warning unless it is SCORE")
    func undeclaredOutcome() throws {
        let rules = """
            <responseProcessing>
              <setOutcomeValue identifier="FEEDBACKX"><baseValue baseType="identifier">x</baseValue></setOutcomeValue>
              <responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
                <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
              </responseIf></responseCondition>
            </responseProcessing>
            """
        let question = try importItem(QTIFixtures.choice(processing: rules))
        #expect(question.item != nil)
        #expect(
            question.warnings == [
                "setOutcomeValue at line 16 sets 'FEEDBACKX', which is not declared; the rule is ignored"
            ])

        let undeclaredScore = QTIFixtures.choice(processing: rules)
            .replacingOccurrences(
                of: "<outcomeDeclaration identifier=\"SCORE\" cardinality=\"single\" baseType=\"float\"/>", with: "")
        #expect(
            skipReason(try importItem(undeclaredScore))
                == "setOutcomeValue at line 18 sets 'SCORE', which is not declared")
    }

    @Test("a responseElse before responseIf, and a rule that is not a rule, are reported")
    func invalidStructure() throws {
        let misplaced = """
            <responseProcessing><responseCondition><responseElse><setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseElse></responseCondition></responseProcessing>
            """
        #expect(
            skipReason(try importItem(QTIFixtures.choice(processing: misplaced)))
                == "<responseElse> at line 15 is out of place in responseCondition")
        let notARule = "<responseProcessing><match/></responseProcessing>"
        #expect(
            skipReason(try importItem(QTIFixtures.choice(processing: notARule)))
                == "the rule <match> at line 15 is not supported")
    }

    @Test("points outside the bank's limits skip the question", arguments: ["0", "-1", "1000.5", "0.12345"])
    func invalidPoints(maxScore: String) throws {
        let question = try importItem(
            QTIFixtures.choice(processing: "<responseProcessing template=\"match_correct\"/>", maxScore: maxScore))
        let reason = skipReason(question) ?? ""
        let positive = (Rational(decimal: maxScore) ?? .zero) > .zero
        let expected =
            positive
            ? "points must be at most 1000 with at most 4 decimal places (found \(maxScore))"
            : "points must be greater than 0 (found \(maxScore))"
        #expect(reason == expected)
    }

    // MARK: Unsupported items

    @Test("unsupported interactions, several interactions, randomised and adaptive items are skipped")
    func unsupportedItems() throws {
        let hotspot = """
            \(QTIFixtures.header21)
              <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"/>
              <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
              <itemBody><hotspotInteraction responseIdentifier="RESPONSE" maxChoices="1"><object data="map.png" type="image/png"/></hotspotInteraction></itemBody>
            </assessmentItem>
            """
        #expect(skipReason(try importItem(hotspot)) == "<hotspotInteraction> at line 5 is not supported")
        let text = """
            \(QTIFixtures.header21)
              <itemBody><p>Nur Information.</p></itemBody>
            </assessmentItem>
            """
        #expect(skipReason(try importItem(text)) == "the item has no interaction (it is not a question)")
        let two = QTIFixtures.choice(processing: "")
            .replacingOccurrences(
                of: "</itemBody>", with: "<extendedTextInteraction responseIdentifier=\"RESPONSE\"/></itemBody>")
        #expect(
            skipReason(try importItem(two))
                == "several interactions in one item (<choiceInteraction>, <extendedTextInteraction>) are not supported"
        )
        let randomised = QTIFixtures.choice(processing: "")
            .replacingOccurrences(
                of: "<itemBody>",
                with: "<templateDeclaration identifier=\"X\" cardinality=\"single\" baseType=\"integer\"/>\n<itemBody>")
        #expect(
            skipReason(try importItem(randomised)) == "template variables (randomised values, line 7) are not supported"
        )
        let adaptive = QTIFixtures.choice(processing: "").replacingOccurrences(
            of: "adaptive=\"false\"", with: "adaptive=\"true\"")
        #expect(
            skipReason(try importItem(adaptive))
                == "adaptive items (several attempts with changing feedback) are not supported")
    }

    @Test("HTML in the question is reduced to Markdown with warnings")
    func htmlWarnings() throws {
        let xml = QTIFixtures.choice(processing: "<responseProcessing template=\"match_correct\"/>")
            .replacingOccurrences(
                of: "<choiceInteraction",
                with:
                    "<table><tr><td>a</td><td>b</td></tr></table><p><img src=\"images/karte.png\" alt=\"Karte\"/></p>\n<choiceInteraction"
            )
        let question = try importItem(xml)
        #expect(
            question.warnings == [
                "image images/karte.png not embedded (the source does not contain it); save it as media/karte.png "
                    + "next to the bank",
                "HTML formatting reduced to Markdown (<table> dropped)",
            ])
        #expect(question.item?.stem.contains("![Karte](media/karte.png)") == true)
    }

    @Test("feedback that cannot be attached is reported, not dropped silently")
    func unattachableFeedback() throws {
        let xml = QTIFixtures.choice(
            processing: """
                <responseProcessing>
                  <responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
                    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
                    <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">correct</baseValue></setOutcomeValue>
                  </responseIf></responseCondition>
                </responseProcessing>
                <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">Richtig!</modalFeedback>
                """,
            extraDeclarations:
                "\n  <outcomeDeclaration identifier=\"FEEDBACK\" cardinality=\"single\" baseType=\"identifier\"/>",
            cardinality: "multiple")
        let question = try importItem(xml)
        #expect(
            question.warnings.contains("feedback 'correct' (line 22) is shown only for some answers and was dropped"))
    }

    // MARK: Files that cannot be read

    @Test("not well-formed XML is a failure with line, column and message")
    func malformed() {
        let xml =
            "<?xml version=\"1.0\"?>\n<assessmentItem identifier=\"x\">\n  <itemBody>\n    <p>Text</itemBody>\n</assessmentItem>\n"
        #expect(
            failure(xml, name: "kaputt.xml")?.description
                == ImportFailure(
                    file: "kaputt.xml", line: 4, column: 23,
                    "not well-formed XML: an end tag does not match the open element"
                ).description)
        let unclosed = "<assessmentItem identifier=\"x\">\n<itemBody><p>a</p>\n"
        #expect(
            failure(unclosed, name: "offen.xml")?.description
                == ImportFailure(
                    file: "offen.xml", line: 2, column: 19,
                    "not well-formed XML: the document ends before all elements are closed"
                ).description)
    }

    @Test("another root element is a failure naming it")
    func wrongRoot() {
        let test =
            "<?xml version=\"1.0\"?>\n<!-- <assessmentItem> -->\n<assessmentTest identifier=\"t\" title=\"T\"/>\n"
        #expect(
            failure(test, name: "test.xml")?.description
                == ImportFailure(
                    file: "test.xml", line: 3, column: 1,
                    "the root element is <assessmentTest>; expected <assessmentItem> (tests are not imported; import the items or the content package)"
                ).description)
        #expect(
            failure(QTIFixtures.onyxSingleChoice, version: .qti30, name: "onyx.xml")?.description
                == ImportFailure(
                    file: "onyx.xml", line: 2, column: 1,
                    "the root element is <assessmentItem>; expected <qti-assessment-item> (this is a QTI 2.1 item; use --format qti21)"
                ).description)
    }

    @Test("a file that is not UTF-8 is a failure")
    func notUTF8() {
        let source = ImportSource(name: "latin1.xml", data: Data([0x3C, 0x61, 0x3E, 0xE9, 0x3C, 0x2F, 0x61, 0x3E]))
        #expect {
            try QTI21Importer.questions(in: source)
        } throws: {
            ($0 as? ImportFailure)?.description
                == ImportFailure(
                    file: "latin1.xml", line: 1, "the file is not UTF-8 text; save it as UTF-8 and import again"
                ).description
        }
    }
}
