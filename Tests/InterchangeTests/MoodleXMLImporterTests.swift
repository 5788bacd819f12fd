import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// Self-written Moodle XML fixtures (German, as our providers write them).
enum MoodleFixtures {
    /// Wraps question elements into a quiz file; the first question element starts on line 3.
    static func quiz(_ body: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n" + body + "</quiz>\n"
    }

    static let singleChoice = quiz(
        """
          <question type="category">
            <category>
              <text>$course$/top/Kommunalrecht/Haushalt und Finanzen</text>
            </category>
            <info format="html"><text>Fragen zum Gemeindehaushalt</text></info>
          </question>
          <question type="multichoice">
            <name>
              <text>Haushaltsgrundsätze</text>
            </name>
            <questiontext format="html">
              <text><![CDATA[<p>Welcher Grundsatz verlangt, dass <strong>alle</strong> Erträge und Aufwendungen im Haushalt stehen?</p>]]></text>
            </questiontext>
            <generalfeedback format="html">
              <text><![CDATA[<p>Siehe § 93 GemO.</p>]]></text>
            </generalfeedback>
            <defaultgrade>2.0000000</defaultgrade>
            <penalty>0.3333333</penalty>
            <hidden>0</hidden>
            <idnumber></idnumber>
            <single>true</single>
            <shuffleanswers>true</shuffleanswers>
            <answernumbering>abc</answernumbering>
            <showstandardinstruction>0</showstandardinstruction>
            <correctfeedback format="html">
              <text>Ihre Antwort ist richtig.</text>
            </correctfeedback>
            <partiallycorrectfeedback format="html">
              <text>Ihre Antwort ist teilweise richtig.</text>
            </partiallycorrectfeedback>
            <incorrectfeedback format="html">
              <text>Ihre Antwort ist falsch.</text>
            </incorrectfeedback>
            <shownumcorrect/>
            <answer fraction="100" format="html">
              <text><![CDATA[<p>Vollständigkeit</p>]]></text>
              <feedback format="html">
                <text><![CDATA[<p>Richtig.</p>]]></text>
              </feedback>
            </answer>
            <answer fraction="0" format="html">
              <text>Jährlichkeit</text>
              <feedback format="html">
                <text></text>
              </feedback>
            </answer>
            <answer fraction="0" format="html">
              <text>Sparsamkeit</text>
              <feedback format="html"><text/></feedback>
            </answer>
            <hint format="html">
              <text>Denken Sie an die Bruttoveranschlagung.</text>
            </hint>
          </question>

        """)

    static let multipleResponse = quiz(
        """
          <question type="multichoice">
            <name><text>Pflichtaufgaben</text></name>
            <questiontext format="html"><text><![CDATA[<p>Welche Aufgaben sind <em>Pflichtaufgaben</em> der Gemeinde?</p>]]></text></questiontext>
            <defaultgrade>3</defaultgrade>
            <penalty>0</penalty>
            <single>false</single>
            <shuffleanswers>1</shuffleanswers>
            <answernumbering>123</answernumbering>
            <answer fraction="33.33333"><text>Feuerwehr</text></answer>
            <answer fraction="33.33333"><text>Schulträgerschaft</text></answer>
            <answer fraction="33.33334"><text>Abwasserbeseitigung</text></answer>
            <answer fraction="-100"><text>Theater</text><feedback><text>Eine freiwillige Aufgabe.</text></feedback></answer>
          </question>

        """)

    static let unusualFractions = quiz(
        """
          <question type="multichoice">
            <name><text>Gewichtung</text></name>
            <questiontext format="html"><text>Welche Angaben gehören in den Bescheid?</text></questiontext>
            <single>false</single>
            <shuffleanswers>true</shuffleanswers>
            <answer fraction="37"><text>Tenor</text></answer>
            <answer fraction="83.33333"><text>Begründung</text></answer>
            <answer fraction="66.666"><text>Rechtsbehelfsbelehrung</text></answer>
            <answer fraction="0.5"><text>Datum</text></answer>
            <answer fraction="-33.333"><text>Lieblingsfarbe</text></answer>
          </question>

        """)

    static let trueFalse = quiz(
        """
          <question type="truefalse">
            <name><text>Amtszeit</text></name>
            <questiontext format="moodle_auto_format"><text>Die Amtszeit des Bürgermeisters beträgt in Rheinland-Pfalz 8 Jahre.</text></questiontext>
            <defaultgrade>1</defaultgrade>
            <penalty>1</penalty>
            <answer fraction="0"><text>true</text><feedback><text>Nein, es sind 8 Jahre nur in manchen Ländern.</text></feedback></answer>
            <answer fraction="100"><text>false</text><feedback><text>Richtig.</text></feedback></answer>
          </question>
          <question type="truefalse">
            <name><text>Alte Datei</text></name>
            <questiontext format="html"><text>Der Gemeinderat wird für fünf Jahre gewählt.</text></questiontext>
            <penalty>0</penalty>
            <answer fraction="50"><text>Wahr</text></answer>
            <answer fraction="0"><text>Falsch</text></answer>
          </question>

        """)

    static let shortAnswer = quiz(
        """
          <question type="shortanswer">
            <name><text>Landeshauptstadt</text></name>
            <questiontext format="plain_text"><text>Wie heißt die Landeshauptstadt von Rheinland-Pfalz?</text></questiontext>
            <defaultgrade>1.5</defaultgrade>
            <penalty>0.0000000</penalty>
            <usecase>1</usecase>
            <answer fraction="100"><text>Mainz</text><feedback><text>Genau.</text></feedback></answer>
            <answer fraction="50"><text>Mainz *</text></answer>
            <answer fraction="0"><text>*</text><feedback><text>Leider falsch.</text></feedback></answer>
          </question>
          <question type="shortanswer">
            <name><text>Reihenfolge</text></name>
            <questiontext format="html"><text>Nennen Sie das Beschlussorgan der Gemeinde.</text></questiontext>
            <penalty>0</penalty>
            <usecase>0</usecase>
            <answer fraction="0"><text>*rat</text><feedback><text>Welcher Rat?</text></feedback></answer>
            <answer fraction="100"><text>Gemeinderat</text></answer>
            <answer fraction="100"><text>Stern \\* Stern</text></answer>
          </question>

        """)

    static let numerical = quiz(
        """
          <question type="numerical">
            <name><text>Grundsteuer</text></name>
            <questiontext format="html"><text><![CDATA[<p>Messbetrag 200 €, Hebesatz 400 %. Wie hoch ist die Grundsteuer in €?</p>]]></text></questiontext>
            <defaultgrade>2</defaultgrade>
            <penalty>0.1</penalty>
            <answer fraction="100"><text>800</text><tolerance>0</tolerance><feedback format="html"><text>Richtig: 200 × 4.</text></feedback></answer>
            <answer fraction="50"><text>8</text><tolerance>0.5</tolerance><feedback format="html"><text>Faktor 100 vergessen?</text></feedback></answer>
            <answer fraction="0"><text>*</text><tolerance>0</tolerance><feedback format="html"><text>Nein.</text></feedback></answer>
            <units>
              <unit><multiplier>1</multiplier><unit_name>€</unit_name></unit>
              <unit><multiplier>100</multiplier><unit_name>ct</unit_name></unit>
            </units>
            <unitgradingtype>1</unitgradingtype>
            <unitpenalty>0.1000000</unitpenalty>
            <showunits>0</showunits>
            <unitsleft>0</unitsleft>
          </question>
          <question type="numerical">
            <name><text>Quorum</text></name>
            <questiontext format="html"><text>Wie viel Prozent beträgt das Quorum?</text></questiontext>
            <penalty>0</penalty>
            <answer fraction="50"><text>10</text><tolerance>5</tolerance></answer>
            <answer fraction="100"><text>9,5</text><tolerance>0.25</tolerance></answer>
          </question>

        """)

    static let matching = quiz(
        """
          <question type="matching">
            <name><text>Organe</text></name>
            <questiontext format="html"><text>Ordnen Sie die Aufgaben zu.</text></questiontext>
            <defaultgrade>4</defaultgrade>
            <penalty>0.3333333</penalty>
            <shuffleanswers>true</shuffleanswers>
            <subquestion format="html"><text><![CDATA[<p>Gemeinderat</p>]]></text><answer><text>Beschlussorgan</text></answer></subquestion>
            <subquestion format="html"><text>Bürgermeister</text><answer><text>Verwaltungsleitung</text></answer></subquestion>
            <subquestion format="html"><text>Hauptausschuss</text><answer><text>Beschlussorgan</text></answer></subquestion>
            <subquestion format="html"><text></text><answer><text>Rechtsaufsicht</text></answer></subquestion>
            <subquestion format="html"><text></text><answer><text></text></answer></subquestion>
          </question>

        """)

    static let ordering = quiz(
        """
          <question type="ordering">
            <name><text>Verwaltungsverfahren</text></name>
            <questiontext format="html"><text>Bringen Sie die Schritte in die richtige Reihenfolge.</text></questiontext>
            <defaultgrade>3</defaultgrade>
            <penalty>0</penalty>
            <layouttype>VERTICAL</layouttype>
            <selecttype>ALL</selecttype>
            <selectcount>0</selectcount>
            <gradingtype>ABSOLUTE_POSITION</gradingtype>
            <showgrading>SHOW</showgrading>
            <numberingstyle>none</numberingstyle>
            <answer fraction="1.0000000" format="moodle_auto_format"><text>Antrag</text></answer>
            <answer fraction="2.0000000" format="moodle_auto_format"><text>Anhörung</text></answer>
            <answer fraction="3.0000000" format="moodle_auto_format"><text>Bescheid</text></answer>
          </question>
          <question type="ordering">
            <name><text>Teilmenge</text></name>
            <questiontext format="html"><text>Ordnen Sie die Ebenen von oben nach unten.</text></questiontext>
            <penalty>0</penalty>
            <selecttype>RANDOM</selecttype>
            <selectcount>3</selectcount>
            <answer fraction="1"><text>Bund</text></answer>
            <answer fraction="2"><text>Land</text></answer>
            <answer fraction="3"><text>Kreis</text></answer>
            <answer fraction="4"><text>Gemeinde</text></answer>
          </question>

        """)

    static let essay = quiz(
        """
          <question type="essay">
            <name><text>Bürgerbegehren</text></name>
            <questiontext format="html"><text><![CDATA[<p>Erläutern Sie das Bürgerbegehren.</p>]]></text></questiontext>
            <defaultgrade>10</defaultgrade>
            <penalty>0</penalty>
            <responseformat>editor</responseformat>
            <responserequired>1</responserequired>
            <responsefieldlines>15</responsefieldlines>
            <minwordlimit></minwordlimit>
            <maxwordlimit>300</maxwordlimit>
            <attachments>1</attachments>
            <attachmentsrequired>1</attachmentsrequired>
            <graderinfo format="html"><text><![CDATA[<p>Erwartet: Quorum, Frist, Kostendeckungsvorschlag.</p>]]></text></graderinfo>
            <responsetemplate format="html"><text><![CDATA[<p>Voraussetzungen:</p>]]></text></responsetemplate>
          </question>

        """)

    static let cloze = quiz(
        #"""
          <question type="cloze">
            <name><text>Lückentext Kommunalverfassung</text></name>
            <questiontext format="html">
              <text><![CDATA[<p>Die Gemeinde wird vom {2:MULTICHOICE:=Bürgermeister#Richtig~Landrat#Nein, das ist der Kreis~%50%Beigeordneten} vertreten.</p><p>Sitz der Landesregierung: {1:SHORTANSWER:=Mainz~%50%Maintz#Tippfehler}.</p><p>Ein Ortsgemeinderat hat mindestens {1:NUMERICAL:=6:0~%50%8:1} Mitglieder.</p>]]></text>
            </questiontext>
            <generalfeedback format="html"><text></text></generalfeedback>
            <penalty>0.3333333</penalty>
            <hidden>0</hidden>
          </question>

        """#)

    static let clozeVariants = quiz(
        ##"""
          <question type="multianswer">
            <name><text>Varianten</text></name>
            <questiontext format="html">
              <text><![CDATA[<p>{1:MCV:=ja~nein} {1:MCH:=ja~nein} {1:MULTICHOICE_V:=ja~nein} {1:MULTICHOICE_H:=ja~nein} {1:MCS:=ja~nein} {1:MULTICHOICE_S:=ja~nein} {1:SAC:=GemO} {1:SHORTANSWER_C:=KAG} {1:SA:=a\}b\~c\#d\/e\"f\\g \* *} {1:NM:=1,5:0,1} {:SA:=ohne Gewicht} {3:SA:=Stra&#223;e} {x:SA:=kein Gap}</p>]]></text>
            </questiontext>
            <penalty>0</penalty>
          </question>

        """##)

    static let unsupported = quiz(
        """
          <question type="description">
            <name><text>Hinweis</text></name>
            <questiontext format="html"><text>Die folgenden Fragen betreffen die GemO.</text></questiontext>
          </question>
          <question type="calculated"><name><text>Berechnet</text></name><questiontext><text>{a} + {b}?</text></questiontext></question>
          <question type="calculatedsimple"><name><text>Einfach berechnet</text></name><questiontext><text>x</text></questiontext></question>
          <question type="calculatedmulti"><name><text>Berechnet MC</text></name><questiontext><text>x</text></questiontext></question>
          <question type="randomsamatch"><name><text>Zufallszuordnung</text></name><questiontext><text>x</text></questiontext></question>
          <question type="ddwtos"><name><text>Ziehen</text></name><questiontext><text>x</text></questiontext></question>
          <question type="ddmarker"><name><text>Markieren</text></name><questiontext><text>x</text></questiontext></question>
          <question type="ddimageortext"><name><text>Bild</text></name><questiontext><text>x</text></questiontext></question>
          <question type="random"><name><text>Zufall</text></name><questiontext><text>0</text></questiontext></question>
          <question type="stack"><name><text>STACK</text></name><questiontext><text>x</text></questiontext></question>
          <question><name><text>Ohne Typ</text></name></question>

        """)

    static let gapSelect = quiz(
        """
          <question type="gapselect">
            <name><text>Lücken wählen</text></name>
            <questiontext format="html"><text><![CDATA[<p>Der [[1]] beschließt, der [[2]] führt aus; Aufsicht hat die [[3]].</p>]]></text></questiontext>
            <defaultgrade>3</defaultgrade>
            <penalty>0</penalty>
            <shuffleanswers>0</shuffleanswers>
            <selectoption><text>Gemeinderat</text><group>1</group></selectoption>
            <selectoption><text>Bürgermeister</text><group>1</group></selectoption>
            <selectoption><text>Kommunalaufsicht</text><group>2</group></selectoption>
            <selectoption><text>Landtag</text><group>2</group></selectoption>
          </question>

        """)

    static let formats = quiz(
        """
          <question type="shortanswer">
            <name><text>Escaped HTML</text></name>
            <questiontext format="html"><text>&lt;p&gt;Zinsen &amp;amp; Tilgung &amp;lt;b&amp;gt;&lt;/p&gt;</text></questiontext>
            <penalty>0</penalty>
            <answer fraction="100"><text>Annuität</text></answer>
          </question>
          <question type="shortanswer">
            <name><text>CDATA</text></name>
            <questiontext format="html"><text><![CDATA[<p>Der Operator &amp;lt; vergleicht, &lt;b&gt; ist kein Tag.</p>]]></text></questiontext>
            <penalty>0</penalty>
            <answer fraction="100"><text>kleiner</text></answer>
          </question>
          <question type="shortanswer">
            <name><text>Klartext</text></name>
            <questiontext format="plain_text"><text>Was bedeutet &lt;b&gt; in HTML &amp;amp; Co.?</text></questiontext>
            <penalty>0</penalty>
            <answer fraction="100"><text>fett</text></answer>
          </question>
          <question type="shortanswer">
            <name><text>Markdown</text></name>
            <questiontext format="markdown"><text>Was ist **Satzungsrecht**?</text></questiontext>
            <penalty>0</penalty>
            <answer fraction="100"><text>Selbstverwaltung</text></answer>
          </question>
          <question type="shortanswer">
            <name><text>Tabelle</text></name>
            <questiontext format="html"><text><![CDATA[<table><tr><td>Ertrag</td><td>100</td></tr></table><p>Summe?</p>]]></text></questiontext>
            <penalty>0</penalty>
            <answer fraction="100"><text>100</text></answer>
          </question>

        """)

    static let files = quiz(
        """
          <question type="shortanswer">
            <name><text>Wappen</text></name>
            <questiontext format="html">
              <text><![CDATA[<p>Wessen Wappen? <img src="@@PLUGINFILE@@/Wappen%20Mainz.png" alt="Wappen"></p>]]></text>
              <file name="Wappen Mainz.png" path="/" encoding="base64">iVBORw0KGgo=</file>
              <file name="Satzung.pdf" path="/" encoding="base64">JVBERi0=</file>
            </questiontext>
            <penalty>0</penalty>
            <answer fraction="100"><text>Mainz</text></answer>
          </question>

        """)

    static let all = [
        singleChoice, multipleResponse, unusualFractions, trueFalse, shortAnswer, numerical, matching, ordering, essay,
        cloze, clozeVariants, unsupported, gapSelect, formats, files,
    ]
}

@Suite("Moodle XML import")
struct MoodleXMLImporterTests {
    private func importing(_ xml: String, name: String = "fragen.xml") throws -> [ImportedQuestion] {
        try MoodleXMLImporter.questions(in: ImportSource(name: name, data: Data(xml.utf8)))
    }

    private func failure(_ data: Data, name: String = "fragen.xml") -> ImportFailure? {
        do {
            _ = try MoodleXMLImporter.questions(in: ImportSource(name: name, data: data))
            return nil
        } catch {
            return error
        }
    }

    private func percent(_ value: Int) -> Rational { Rational(value, 100) }

    // MARK: Multiple choice

    @Test func singleChoiceWithCategoryFeedbackAndPoints() throws {
        let questions = try importing(MoodleFixtures.singleChoice)
        #expect(questions.count == 1)
        let question = try #require(questions.first)
        #expect(question.label == "Haushaltsgrundsätze")
        #expect(question.location == SourceLocation(file: "fragen.xml", line: 9, column: 3))
        let expected = Item(
            id: "Haushaltsgrundsaetze", topic: "Haushalt-und-Finanzen", points: Rational(2),
            stem: "Welcher Grundsatz verlangt, dass **alle** Erträge und Aufwendungen im Haushalt stehen?",
            feedback: "Siehe § 93 GemO.",
            kind: .singleChoice(
                options: [
                    Choice(id: "a", text: "Vollständigkeit", feedback: "Richtig."),
                    Choice(id: "b", text: "Jährlichkeit"),
                    Choice(id: "c", text: "Sparsamkeit"),
                ], correct: "a"))
        #expect(
            question.status
                == .importedWithWarnings(
                    expected,
                    [
                        "penalty 0.3333333 for retries not kept (attempts are scored once)",
                        "combined feedback for correct answers dropped",
                        "combined feedback for partially correct answers dropped",
                        "combined feedback for incorrect answers dropped",
                        "1 hint for retries dropped",
                    ]))
    }

    @Test func multipleResponseKeepsEveryFractionExactly() throws {
        let question = try #require(try importing(MoodleFixtures.multipleResponse).first)
        let item = try #require(question.item)
        #expect(item.points == Rational(3))
        #expect(item.stem == "Welche Aufgaben sind *Pflichtaufgaben* der Gemeinde?")
        guard case .multipleResponse(let options, let correct) = item.kind else {
            Issue.record("expected multiple response, got \(item.kind)")
            return
        }
        #expect(
            options.map(\.credit) == [
                Rational(3_333_333, 10_000_000), Rational(3_333_333, 10_000_000), Rational(3_333_334, 10_000_000),
                Rational(-1),
            ])
        #expect(options.map(\.uncheckedCredit) == [nil, nil, nil, nil])
        #expect(options[3].feedback == "Eine freiwillige Aufgabe.")
        #expect(correct == ["a", "b", "c"])
        #expect(question.warnings == ["answer numbering 123 not kept (answers are labelled A, B, C, ...)"])
    }

    @Test func fractionsOutsideMoodlesGradesAreKeptAndReported() throws {
        let question = try #require(try importing(MoodleFixtures.unusualFractions).first)
        guard case .multipleResponse(let options, _) = question.item?.kind else {
            Issue.record("expected multiple response")
            return
        }
        #expect(
            options.map(\.credit) == [
                percent(37), Rational(8_333_333, 10_000_000), Rational(66_666, 100_000), Rational(5, 1000),
                Rational(-33_333, 100_000),
            ])
        #expect(
            question.warnings == [
                "fraction 0.37 is not one of Moodle's grade values; kept as is",
                "fraction 0.005 is not one of Moodle's grade values; kept as is",
            ])
        // No <defaultgrade>: Moodle's default mark 1, without a warning.
        #expect(question.item?.points == .one)
    }

    @Test func moodlesGradeValuesIncludingOlderRoundings() throws {
        for spelled in [
            "1", "0.9", "0.8333333", "0.83333", "0.8", "0.75", "0.7", "0.6666667", "0.66666", "0.66667", "0.6",
            "0.5", "0.4", "0.3333333", "0.33333", "0.3", "0.25", "0.2", "0.1666667", "0.16666", "0.16667",
            "0.1428571", "0.14285", "0.14286", "0.125", "0.1111111", "0.11111", "0.1", "0.05", "0", "-0.05",
            "-0.3333333", "-0.5", "-1",
        ] {
            let value = try #require(Rational(decimal: spelled))
            #expect(MoodleGrades.isStandard(value), "\(spelled)")
        }
        for spelled in ["0.37", "0.3333", "0.15", "1.5", "-0.37", "0.0001", "0.99"] {
            let value = try #require(Rational(decimal: spelled))
            #expect(!MoodleGrades.isStandard(value), "\(spelled)")
        }
    }

    @Test func singleChoiceWithPartialAndNegativeCredit() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="multichoice">
                <name><text>Abzug</text></name>
                <questiontext format="html"><text>Wer erlässt die Haushaltssatzung?</text></questiontext>
                <penalty>0</penalty>
                <shuffleanswers>false</shuffleanswers>
                <answernumbering>none</answernumbering>
                <answer fraction="100"><text>Gemeinderat</text></answer>
                <answer fraction="50"><text>Hauptausschuss</text></answer>
                <answer fraction="-50"><text>Landrat</text></answer>
                <answer fraction="0"><text></text></answer>
                <answer fraction="10"><text>  </text></answer>
              </question>

            """)
        let question = try #require(try importing(xml).first)
        #expect(
            question.item?.kind
                == .singleChoice(
                    options: [
                        Choice(id: "a", text: "Gemeinderat", credit: .one),
                        Choice(id: "b", text: "Hauptausschuss", credit: percent(50)),
                        Choice(id: "c", text: "Landrat", credit: percent(-50)),
                    ], correct: "a"))
        #expect(
            question.warnings == [
                "answer 5 has no text; dropped",
                "Moodle shows the answers in a fixed order (shuffleanswers off); a draw shuffles them unless the blueprint turns shuffleOptions off",
                "answer numbering none not kept (answers are labelled A, B, C, ...)",
                "negative fractions score 0 here (Moodle gives the question negative marks for them)",
            ])
    }

    @Test func multipleChoiceThatCannotBeKept() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="multichoice">
                <name><text>Nur eine</text></name>
                <questiontext><text>Frage</text></questiontext>
                <answer fraction="100"><text>Antwort</text></answer>
              </question>
              <question type="multichoice">
                <name><text>Keine richtig</text></name>
                <questiontext><text>Frage</text></questiontext>
                <answer fraction="0"><text>A</text></answer>
                <answer fraction="-100"><text>B</text></answer>
              </question>
              <question type="multichoice">
                <name><text>Bild</text></name>
                <questiontext><text>Frage</text></questiontext>
                <answer fraction="100"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text></answer>
                <answer fraction="0"><text>B</text></answer>
              </question>
              <question type="multichoice">
                <name><text>Punkte</text></name>
                <questiontext><text>Frage</text></questiontext>
                <defaultgrade>0</defaultgrade>
                <answer fraction="100"><text>A</text></answer>
                <answer fraction="0"><text>B</text></answer>
              </question>
              <question type="multichoice">
                <name><text>Dezimalen</text></name>
                <questiontext><text>Frage</text></questiontext>
                <defaultgrade>1.00001</defaultgrade>
              </question>
              <question type="multichoice">
                <name><text>Bruch</text></name>
                <questiontext><text>Frage</text></questiontext>
                <answer fraction="viel"><text>A</text></answer>
              </question>
              <question type="multichoice">
                <name><text>Ohne Text</text></name>
                <questiontext format="html"><text><![CDATA[<p></p>]]></text></questiontext>
              </question>

            """)
        let reasons = try importing(xml).map(\.status)
        #expect(
            reasons == [
                .skipped(reason: "'options' needs at least 2 entries (found 1)"),
                .skipped(reason: "no answer has a positive fraction"),
                // An answer that is only an image keeps its question, with the reference and a warning.
                .importedWithWarnings(
                    Item(
                        id: "Bild", topic: "imported", points: .one, stem: "Frage",
                        kind: .singleChoice(
                            options: [Choice(id: "a", text: "![](media/a.png)"), Choice(id: "b", text: "B")],
                            correct: "a")),
                    [
                        "image @@PLUGINFILE@@/a.png not embedded (the source does not contain it); save it as "
                            + "media/a.png next to the bank",
                        "Moodle shows the answers in a fixed order (shuffleanswers off); a draw shuffles them unless "
                            + "the blueprint turns shuffleOptions off",
                    ]),
                .skipped(
                    reason:
                        "default grade 0 cannot be kept: points must be greater than 0 (found 0)"
                ),
                .skipped(
                    reason:
                        "default grade 1.00001 cannot be kept: points must be at most 1000 with at most 4 decimal places (found 1.00001)"
                ),
                .skipped(reason: "answer fraction 'viel' is not a number (line 35)"),
                .skipped(reason: "the question text is empty"),
            ])
    }

    // MARK: True/false, short answer, numerical

    @Test func trueFalseWithFeedbackForBothAnswers() throws {
        let questions = try importing(MoodleFixtures.trueFalse)
        let first = try #require(questions.first)
        #expect(
            first.item
                == Item(
                    id: "Amtszeit", topic: "imported", points: .one,
                    stem: "Die Amtszeit des Bürgermeisters beträgt in Rheinland-Pfalz 8 Jahre.",
                    kind: .trueFalse(
                        correct: false, feedbackTrue: "Nein, es sind 8 Jahre nur in manchen Ländern.",
                        feedbackFalse: "Richtig.")))
        #expect(first.warnings == ["penalty 1 for retries not kept (attempts are scored once)"])
        let old = try #require(questions.last)
        #expect(old.item?.kind == .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
        #expect(
            old.warnings == [
                "answers are not named true and false; the first is taken as true, as Moodle does",
                "true/false fractions 0.5 (true), 0 (false) read as Moodle does: the statement is true",
            ])
    }

    @Test func shortAnswerWithCaseWildcardsAndCredits() throws {
        let questions = try importing(MoodleFixtures.shortAnswer)
        let first = try #require(questions.first)
        #expect(
            first.status
                == .imported(
                    Item(
                        id: "Landeshauptstadt", topic: "imported", points: Rational(3, 2),
                        stem: "Wie heißt die Landeshauptstadt von Rheinland-Pfalz?",
                        kind: .shortText(
                            answers: [
                                TextAnswer("Mainz", credit: .one, feedback: "Genau."),
                                TextAnswer("Mainz *", credit: percent(50), wildcard: true),
                                TextAnswer("*", credit: .zero, feedback: "Leider falsch.", wildcard: true),
                            ], pattern: nil, caseSensitive: true))))
        let second = try #require(questions.last)
        #expect(
            second.item?.kind
                == .shortText(
                    answers: [
                        TextAnswer("*rat", credit: .zero, feedback: "Welcher Rat?", wildcard: true),
                        TextAnswer("Gemeinderat", credit: .one),
                        TextAnswer("Stern \\* Stern", credit: .one, wildcard: true),
                    ], pattern: nil, caseSensitive: false))
        #expect(
            second.warnings == [
                "answer 1 (fraction 0) also matches answer 2 (fraction 1): Moodle gives the first match, here the best match counts"
            ])
    }

    @Test func numericalWithTolerancesWeightsAnyNumberAndUnits() throws {
        let questions = try importing(MoodleFixtures.numerical)
        let first = try #require(questions.first)
        #expect(
            first.item
                == Item(
                    id: "Grundsteuer", topic: "imported", points: Rational(2),
                    stem: "Messbetrag 200 €, Hebesatz 400 %. Wie hoch ist die Grundsteuer in €?",
                    kind: .numeric(
                        answers: [
                            NumericAnswer(
                                Rational(800), tolerance: .exact, credit: .one, feedback: "Richtig: 200 × 4."),
                            NumericAnswer(
                                Rational(8), tolerance: .absolute(Rational(1, 2)), credit: percent(50),
                                feedback: "Faktor 100 vergessen?"),
                            NumericAnswer(
                                .zero, tolerance: .absolute(Rational(1_000_000_000_000)), credit: .zero,
                                feedback: "Nein."),
                        ], unit: "€")))
        #expect(
            first.warnings == [
                "answer * (any number) kept as 0 ± 1000000000000, which covers every number a learner can enter",
                "unit ct (multiplier 100) not kept",
                "penalty 0.1000000 for a wrong or missing unit not kept (units are not graded)",
                "penalty 0.1 for retries not kept (attempts are scored once)",
            ])
        let second = try #require(questions.last)
        #expect(
            second.item?.kind
                == .numeric(
                    answers: [
                        NumericAnswer(Rational(10), tolerance: .absolute(Rational(5)), credit: percent(50)),
                        NumericAnswer(Rational(19, 2), tolerance: .absolute(Rational(1, 4)), credit: .one),
                    ], unit: nil))
        #expect(
            second.warnings == [
                "answer 1 (fraction 0.5) also matches answer 2 (fraction 1): Moodle gives the first match, here the best match counts"
            ])
    }

    // MARK: Matching, ordering, essay

    @Test func matchingWithSharedAnswersAndDistractors() throws {
        let question = try #require(try importing(MoodleFixtures.matching).first)
        #expect(
            question.item
                == Item(
                    id: "Organe", topic: "imported", points: Rational(4), stem: "Ordnen Sie die Aufgaben zu.",
                    kind: .matching(
                        premises: [
                            Choice(id: "p1", text: "Gemeinderat"), Choice(id: "p2", text: "Bürgermeister"),
                            Choice(id: "p3", text: "Hauptausschuss"),
                        ],
                        responses: [
                            Choice(id: "r1", text: "Beschlussorgan"), Choice(id: "r2", text: "Verwaltungsleitung"),
                            Choice(id: "r3", text: "Rechtsaufsicht"),
                        ],
                        correct: ["p1": "r1", "p2": "r2", "p3": "r1"])))
        #expect(question.warnings == ["penalty 0.3333333 for retries not kept (attempts are scored once)"])
    }

    @Test func orderingByAbsolutePositionImportsWithoutLoss() throws {
        let questions = try importing(MoodleFixtures.ordering)
        let first = try #require(questions.first)
        #expect(
            first.status
                == .imported(
                    Item(
                        id: "Verwaltungsverfahren", topic: "imported", points: Rational(3),
                        stem: "Bringen Sie die Schritte in die richtige Reihenfolge.",
                        kind: .ordering(
                            elements: [
                                Choice(id: "e1", text: "Antrag"), Choice(id: "e2", text: "Anhörung"),
                                Choice(id: "e3", text: "Bescheid"),
                            ], correctOrder: ["e1", "e2", "e3"]))))
        let second = try #require(questions.last)
        #expect(
            second.item?.kind
                == .ordering(
                    elements: [
                        Choice(id: "e1", text: "Bund"), Choice(id: "e2", text: "Land"), Choice(id: "e3", text: "Kreis"),
                        Choice(id: "e4", text: "Gemeinde"),
                    ], correctOrder: ["e1", "e2", "e3", "e4"]))
        #expect(
            second.warnings == [
                "ordering grading RELATIVE_NEXT_EXCLUDE_LAST not kept; scored here by absolute position (a share of the points for each item in its right place)",
                "Moodle shows only 3 of the 4 items (select type RANDOM); here all items are ordered",
            ])
    }

    @Test func essayWithTemplateGraderInfoAndRequiredAttachment() throws {
        let question = try #require(try importing(MoodleFixtures.essay).first)
        #expect(
            question.item
                == Item(
                    id: "Buergerbegehren", topic: "imported", points: Rational(10),
                    stem: "Erläutern Sie das Bürgerbegehren.",
                    kind: .essay(
                        responseTemplate: "Voraussetzungen:",
                        graderInfo: "Erwartet: Quorum, Frist, Kostendeckungsvorschlag.")))
        #expect(
            question.warnings == [
                "Moodle requires 1 attachment; file uploads are not supported (the learner answers in text)",
                "maximum of 300 words not kept",
            ])
    }

    // MARK: Cloze

    @Test func clozeWithWeightedGapsOfEveryKind() throws {
        let question = try #require(try importing(MoodleFixtures.cloze).first)
        #expect(question.label == "Lückentext Kommunalverfassung")
        #expect(
            question.item
                == Item(
                    id: "Lueckentext-Kommunalverfassung", topic: "imported", points: Rational(4),
                    stem:
                        "Die Gemeinde wird vom {{g1}} vertreten.\n\nSitz der Landesregierung: {{g2}}.\n\nEin Ortsgemeinderat hat mindestens {{g3}} Mitglieder.",
                    kind: .cloze(gaps: [
                        Gap(
                            id: "g1", weight: Rational(2),
                            kind: .choice(
                                options: [
                                    Choice(id: "a", text: "Bürgermeister", feedback: "Richtig", credit: .one),
                                    Choice(
                                        id: "b", text: "Landrat", feedback: "Nein, das ist der Kreis", credit: .zero),
                                    Choice(id: "c", text: "Beigeordneten", credit: percent(50)),
                                ], correct: "a")),
                        Gap(
                            id: "g2",
                            kind: .text(
                                answers: [
                                    TextAnswer("Mainz", credit: .one),
                                    TextAnswer("Maintz", credit: percent(50), feedback: "Tippfehler"),
                                ], caseSensitive: false)),
                        Gap(
                            id: "g3",
                            kind: .numeric(answers: [
                                NumericAnswer(Rational(6), tolerance: .exact, credit: .one),
                                NumericAnswer(Rational(8), tolerance: .absolute(.one), credit: percent(50)),
                            ])),
                    ])))
        #expect(question.warnings == ["penalty 0.3333333 for retries not kept (attempts are scored once)"])
        // The stem and gaps are what the bank validator accepts.
        #expect(ClozeText.placeholders(in: question.item?.stem ?? "") == ["g1", "g2", "g3"])
    }

    @Test func clozeVariantsEscapesAndWeights() throws {
        let question = try #require(try importing(MoodleFixtures.clozeVariants).first)
        let item = try #require(question.item)
        guard case .cloze(let gaps) = item.kind else {
            Issue.record("expected cloze")
            return
        }
        #expect(gaps.count == 12)
        #expect(item.points == Rational(14))
        #expect(item.stem == (1...12).map { "{{g\($0)}}" }.joined(separator: " ") + " {x:SA:=kein Gap}")
        let yesNo = GapKind.choice(
            options: [Choice(id: "a", text: "ja"), Choice(id: "b", text: "nein")], correct: "a")
        for index in 0..<6 { #expect(gaps[index].kind == yesNo) }
        #expect(gaps[6].kind == .text(answers: [TextAnswer("GemO")], caseSensitive: true))
        #expect(gaps[7].kind == .text(answers: [TextAnswer("KAG")], caseSensitive: true))
        #expect(
            gaps[8].kind
                == .text(
                    answers: [TextAnswer(##"a}b~c#d/e"f\g \* *"##, wildcard: true)], caseSensitive: false))
        #expect(
            gaps[9].kind == .numeric(answers: [NumericAnswer(Rational(3, 2), tolerance: .absolute(Rational(1, 10)))]))
        #expect(gaps[10].kind == .text(answers: [TextAnswer("ohne Gewicht")], caseSensitive: false))
        #expect(gaps[10].weight == .one)
        #expect(gaps[11].kind == .text(answers: [TextAnswer("Straße")], caseSensitive: false))
        #expect(gaps[11].weight == Rational(3))
        #expect(
            question.warnings == [
                "answers of gap 5 are shown in a fixed order here (Moodle shuffles them)",
                "answers of gap 6 are shown in a fixed order here (Moodle shuffles them)",
            ])
    }

    @Test func clozeQuestionsThatCannotBeKept() throws {
        let xml = MoodleFixtures.quiz(
            #"""
              <question type="cloze">
                <name><text>Mehrfachauswahl</text></name>
                <questiontext format="html"><text>Richtig sind {1:SA:=ja} und {2:MULTIRESPONSE:=A~=B~C}.</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Mehrfach kurz</text></name>
                <questiontext format="html"><text>{1:MRH:%50%A~%50%B~C}</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Ohne volle Punkte</text></name>
                <questiontext format="html"><text>{1:SA:%50%Mainz}</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Keine Lücke</text></name>
                <questiontext format="html"><text>Nur Text {mit} Klammern.</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Doppelte Klammern</text></name>
                <questiontext format="html"><text>Text {{g1}} und {1:SA:=x}</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Gewicht null</text></name>
                <questiontext format="html"><text>{0:SA:=x}</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Keine Zahl</text></name>
                <questiontext format="html"><text>{1:NM:=drei}</text></questiontext>
              </question>
              <question type="cloze">
                <name><text>Ein Angebot</text></name>
                <questiontext format="html"><text>{1:MC:=nur}</text></questiontext>
              </question>

            """#)
        #expect(
            try importing(xml).map(\.status) == [
                .skipped(
                    reason:
                        "gap 2 is a MULTIRESPONSE gap (several answers can be ticked), which cloze items do not support"
                ),
                .skipped(
                    reason: "gap 1 is a MRH gap (several answers can be ticked), which cloze items do not support"),
                .skipped(reason: "gap 1 has no answer worth 100 % (Moodle refuses such a cloze question)"),
                .skipped(reason: "the cloze text has no gaps such as {1:SHORTANSWER:=answer}"),
                .skipped(
                    reason:
                        "the gaps could not be placed in the text (it contains {{ or }} of its own, or a gap lies in an HTML comment, script or style)"
                ),
                .skipped(reason: "gap 1 has weight 0"),
                .skipped(reason: "answer 'drei' in gap 1 is not a number"),
                .skipped(reason: "gap 1 is a drop-down with fewer than 2 answers"),
            ])
    }

    @Test func clozeNegativeFractionsAnyNumberAndDefaultGrade() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="cloze">
                <name><text>Abzüge</text></name>
                <questiontext format="moodle_auto_format"><text>{2:MC:=Kreis~%-50%Bund} und {1:NM:=12:0.5~*#Irgendeine Zahl}</text></questiontext>
                <defaultgrade>5</defaultgrade>
                <penalty>0</penalty>
              </question>

            """)
        let question = try #require(try importing(xml).first)
        #expect(question.item?.points == Rational(3))
        #expect(question.item?.stem == "{{g1}} und {{g2}}")
        #expect(
            question.item?.kind
                == .cloze(gaps: [
                    Gap(
                        id: "g1", weight: Rational(2),
                        kind: .choice(
                            options: [
                                Choice(id: "a", text: "Kreis", credit: .one),
                                Choice(id: "b", text: "Bund", credit: percent(-50)),
                            ], correct: "a")),
                    Gap(
                        id: "g2",
                        kind: .numeric(answers: [
                            NumericAnswer(Rational(12), tolerance: .absolute(Rational(1, 2)), credit: .one),
                            NumericAnswer(
                                .zero, tolerance: .absolute(Rational(1_000_000_000_000)), credit: .zero,
                                feedback: "Irgendeine Zahl"),
                        ])),
                ]))
        #expect(
            question.warnings == [
                "negative fractions in gap 1 count as 0 for the gap here (Moodle subtracts them from the other gaps)",
                "answer * (any number) in gap 2 kept as 0 ± 1000000000000, which covers every number a learner can enter",
                "default grade 5 ignored: Moodle scores a cloze question by its gap weights (3 points)",
            ])
    }

    @Test func clozeSyntaxParser() {
        let text = Array(#"A {1:SA:=x\}y#fb~%33,5%z} B {2:MC:~=a} {1:SA:&amp;#~=b}"#.unicodeScalars)
        let gaps = MoodleCloze.gaps(in: text)
        #expect(gaps.map(\.weight) == [1, 2, 1])
        #expect(
            gaps.first?.alternatives == [
                MoodleCloze.Alternative(fraction: .one, answer: #"x\}y"#, feedback: "fb"),
                MoodleCloze.Alternative(fraction: Rational(335, 1000), answer: "z", feedback: nil),
            ])
        // An answer may start with any character; `~` right after the type is the first answer's text.
        #expect(gaps.dropFirst().first?.alternatives.map(\.answer) == ["~=a"])
        #expect(gaps.last?.alternatives.map(\.answer) == ["&amp;#", "b"])
        #expect(MoodleCloze.unescaped(##"\}\~\#\/\"\\\*\x"##) == ##"}~#/"\\*\x"##)
        #expect(MoodleCloze.gaps(in: Array("{1:SA:=offen".unicodeScalars)).isEmpty)
        #expect(MoodleCloze.gaps(in: Array("{1:sa:=klein}".unicodeScalars)).isEmpty)
    }

    // MARK: Select missing words

    @Test func gapSelectBecomesClozeWithChoiceGaps() throws {
        let question = try #require(try importing(MoodleFixtures.gapSelect).first)
        let council = Choice(id: "a", text: "Gemeinderat")
        let mayor = Choice(id: "b", text: "Bürgermeister")
        let supervision = [Choice(id: "a", text: "Kommunalaufsicht"), Choice(id: "b", text: "Landtag")]
        #expect(
            question.status
                == .imported(
                    Item(
                        id: "Luecken-waehlen", topic: "imported", points: Rational(3),
                        stem: "Der {{g1}} beschließt, der {{g2}} führt aus; Aufsicht hat die {{g3}}.",
                        kind: .cloze(gaps: [
                            Gap(id: "g1", kind: .choice(options: [council, mayor], correct: "a")),
                            Gap(id: "g2", kind: .choice(options: [council, mayor], correct: "b")),
                            Gap(id: "g3", kind: .choice(options: supervision, correct: "a")),
                        ]))))
    }

    // MARK: Unsupported types

    @Test func unsupportedTypesAreSkippedWithTheirReason() throws {
        let questions = try importing(MoodleFixtures.unsupported)
        #expect(
            questions.map(\.label) == [
                "Hinweis", "Berechnet", "Einfach berechnet", "Berechnet MC", "Zufallszuordnung", "Ziehen", "Markieren",
                "Bild", "Zufall", "STACK", "Ohne Typ",
            ])
        #expect(
            questions.map(\.status) == [
                .skipped(reason: "description is not a question (it has no points)"),
                .skipped(reason: "calculated question type is not supported"),
                .skipped(reason: "calculatedsimple question type is not supported"),
                .skipped(reason: "calculatedmulti question type is not supported"),
                .skipped(reason: "randomsamatch question type is not supported"),
                .skipped(reason: "ddwtos question type is not supported"),
                .skipped(reason: "ddmarker question type is not supported"),
                .skipped(reason: "ddimageortext question type is not supported"),
                .skipped(reason: "random question type is not supported"),
                .skipped(reason: "stack question type is not supported"),
                .skipped(reason: "the question has no type"),
            ])
        #expect(questions.map(\.location.line) == [3, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    }

    // MARK: Texts, files, names

    @Test func textFormatsAndEntitiesAreDecodedOnce() throws {
        let questions = try importing(MoodleFixtures.formats)
        #expect(
            questions.map { $0.item?.stem } == [
                "Zinsen & Tilgung <b>",
                "Der Operator &lt; vergleicht, <b> ist kein Tag.",
                "Was bedeutet <b> in HTML &amp; Co.?",
                "Was ist **Satzungsrecht**?",
                "| Ertrag | 100\n\nSumme?",
            ])
        #expect(
            questions.map(\.warnings) == [
                [], [], [], [], ["HTML formatting reduced to Markdown (<table> dropped)"],
            ])
    }

    @Test func embeddedFilesAreReportedOnce() throws {
        let question = try #require(try importing(MoodleFixtures.files).first)
        // The image the text shows is embedded; the file no text shows is reported.
        #expect(question.item?.stem == "Wessen Wappen? ![Wappen](media/Wappen-Mainz.png)")
        #expect(question.media == ["media/Wappen-Mainz.png": Data(base64Encoded: "iVBORw0KGgo=")])
        #expect(question.warnings == ["file @@PLUGINFILE@@/Satzung.pdf not embedded"])
    }

    @Test func largeEmbeddedFilesAreNotRead() throws {
        let payload = String(repeating: "QUJD", count: 1_750_001)  // 7,000,004 base64 characters, over 5 MB
        let xml = MoodleFixtures.quiz(
            """
              <question type="essay">
                <name><text>Plan</text></name>
                <questiontext format="html"><text>Beschreiben Sie den Plan.</text><file name="plan.png" path="/" encoding="base64">\(payload)</file></questiontext>
              </question>

            """)
        let question = try #require(try importing(xml).first)
        #expect(
            question.warnings == [
                "image @@PLUGINFILE@@/plan.png not embedded (larger than 5 MB; its data was not read)"
            ])
    }

    @Test func namesLabelsIdsTopicsAndLocations() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="truefalse">
                <name><text>Frage</text></name>
                <questiontext><text>Erste Aussage.</text></questiontext>
                <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
              </question>
              <question type="category"><category><text>$course$/top/Recht//Ordnung</text></category></question>
              <question type="truefalse">
                <name><text>Frage</text></name>
                <questiontext><text>Zweite Aussage.</text></questiontext>
                <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
              </question>
              <question type="category"><category><text>$course$/top</text></category></question>
              <question
                  type="truefalse">
                <questiontext format="html"><text><![CDATA[<p>Eine Aussage ohne Namen, die länger als vierzig Zeichen ist.</p>]]></text></questiontext>
                <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
              </question>
              <question type="category"><category><text>$system$/top/Öffentliches Recht/Satzung</text></category></question>
              <question type="truefalse"><name><text>  </text></name><questiontext><text>Kurz.</text></questiontext>
                <answer fraction="100"><text>true</text></answer></question>
              <question type="truefalse"><questiontext><text></text></questiontext></question>

            """)
        let questions = try importing(xml, name: "export/kommunal.xml")
        #expect(
            questions.map(\.label) == [
                "Frage", "Frage", "Eine Aussage ohne Namen, die länger als…", "Kurz.", "question 5",
            ])
        #expect(
            questions.map { $0.item?.id } == [
                "Frage", "Frage-2", "Eine-Aussage-ohne-Namen-die-laenger-als", "Kurz.", nil,
            ])
        #expect(questions.map { $0.item?.topic } == ["imported", "Recht-Ordnung", "imported", "Satzung", nil])
        #expect(
            questions.map(\.location) == [
                SourceLocation(file: "export/kommunal.xml", line: 3, column: 3),
                SourceLocation(file: "export/kommunal.xml", line: 9, column: 3),
                SourceLocation(file: "export/kommunal.xml", line: 15, column: 3),
                SourceLocation(file: "export/kommunal.xml", line: 21, column: 3),
                SourceLocation(file: "export/kommunal.xml", line: 23, column: 3),
            ])
        #expect(questions.last?.status == .skipped(reason: "the question text is empty"))
    }

    @Test func locationOnMinifiedLines() throws {
        let xml =
            #"<quiz><question type="description"><questiontext><text>x</text></questiontext></question><question type="random"/></quiz>"#
        let questions = try importing(xml)
        #expect(questions.map(\.location.column) == [7, 90])
        #expect(questions.map(\.location.line) == [1, 1])
    }

    // MARK: Files that cannot be read

    @Test func notWellFormed() {
        let mismatched = MoodleFixtures.quiz("  <question type=\"truefalse\">\n  </frage>\n")
        let failure = failure(Data(mismatched.utf8))
        #expect(failure?.location.file == "fragen.xml")
        #expect(failure?.location.line == 4)
        #expect(failure?.message == "not well-formed XML: an end tag does not match the open element")
    }

    @Test func truncatedFile() {
        let truncated = String(MoodleFixtures.singleChoice.prefix(600))
        let failure = failure(Data(truncated.utf8))
        #expect(failure?.message == "not well-formed XML: the document ends before all elements are closed")
        #expect((failure?.location.line ?? 0) >= 10)
        let unclosed = "<quiz>\n  <question type=\"truefalse\">\n</quiz>\n"
        #expect(self.failure(Data(unclosed.utf8))?.location == SourceLocation(file: "fragen.xml", line: 3, column: 8))
    }

    @Test func rootThatIsNotAQuiz() {
        let xml = "<?xml version=\"1.0\"?>\n<!-- QTI -->\n  <questestinterop>\n  </questestinterop>\n"
        #expect(
            failure(Data(xml.utf8))?.description
                == ImportFailure(
                    file: "fragen.xml", line: 3, column: 3,
                    "the root element is <questestinterop>, not <quiz> or <question>; this is not a Moodle XML question file"
                ).description)
    }

    @Test func notUTF8() {
        var data = Data("<quiz>\n<question type=\"truefalse\">\n<name><text>Gr".utf8)
        data.append(0xFC)  // ISO-8859-1 ü
        data.append(contentsOf: Data("n</text></name></question>\n</quiz>\n".utf8))
        #expect(
            failure(data)?.description
                == ImportFailure(
                    file: "fragen.xml", line: 3, "the file is not UTF-8 text; save it as UTF-8 and import again"
                ).description)
    }

    @Test func declaredLatin1IsRead() throws {
        var data = Data(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<quiz><question type=\"truefalse\"><name><text>Gr".utf8)
        data.append(0xFC)
        data.append(
            contentsOf: Data("n</text></name><questiontext><text>Aussage</text></questiontext></question></quiz>".utf8))
        let questions = try MoodleXMLImporter.questions(in: ImportSource(name: "alt.xml", data: data))
        #expect(questions.first?.label == "Grün")
    }

    @Test func emptyFileAndEntityDeclarations() {
        #expect(failure(Data())?.location.line == 1)
        let entities = "<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [\n<!ENTITY a \"aaaa\">\n]>\n<quiz>&a;</quiz>\n"
        #expect(
            failure(Data(entities.utf8))?.description
                == ImportFailure(
                    file: "fragen.xml", line: 3, "the document declares XML entities, which are not accepted"
                ).description)
    }

    @Test func emptyQuizHasNoQuestions() throws {
        #expect(try importing("<quiz>\n</quiz>").isEmpty)
        #expect(
            try importing(
                MoodleFixtures.quiz(
                    "  <question type=\"category\"><category><text>$course$/top/A</text></category></question>\n")
            ).isEmpty)
    }

    @Test func hugeNumbersAreRefusedNotTrapped() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="numerical">
                <name><text>Riesig</text></name>
                <questiontext><text>Zahl?</text></questiontext>
                <answer fraction="100"><text>123456789012.123456789012</text></answer>
              </question>
              <question type="multichoice">
                <name><text>Winzig</text></name>
                <questiontext><text>Frage</text></questiontext>
                <answer fraction="0.000000000000000001"><text>A</text></answer>
                <answer fraction="100"><text>B</text></answer>
              </question>

            """)
        #expect(
            try importing(xml).map(\.status) == [
                .skipped(reason: "answer '123456789012.123456789012' is not a number (line 6)"),
                .skipped(reason: "answer fraction '0.000000000000000001' is not a number (line 11)"),
            ])
    }

    // MARK: Robustness

    @Test func seededMutationsNeverCrash() throws {
        var generator = SeededGenerator(seed: "moodle-xml-fuzz")
        let fixtures = MoodleFixtures.all.map { Array($0.utf8) }
        let tokens = [
            "<", ">", "</", "{", "}", "~", "#", "=", "%", "&", "\\", "\"", "]]>", "<![CDATA[", "&amp;", "[[1]]",
            "{1:MC:", "%-50%", "fraction=\"", "\u{FF}",
        ]
        var outcomes = 0
        var failures = 0
        for round in 0..<2_000 {
            let bytes = ByteMutations.mutate(fixtures[round % fixtures.count], using: &generator, tokens: tokens)
            do {
                let questions = try MoodleXMLImporter.questions(in: ImportSource(name: "fuzz.xml", data: Data(bytes)))
                outcomes += questions.count
                for question in questions {
                    #expect(question.location.line >= 1 && question.location.column >= 1)
                    guard let item = question.item else { continue }
                    #expect(item.points > .zero)
                    #expect(NodeReader.isIdentifier(item.id) && NodeReader.isIdentifier(item.topic))
                    #expect(item.problems().isEmpty)
                    if case .cloze(let gaps) = item.kind {
                        #expect(ClozeText.placeholders(in: item.stem) == gaps.map(\.id))
                    }
                }
            } catch {
                failures += 1
                #expect(!error.message.isEmpty && error.location.line >= 1)
            }
        }
        #expect(outcomes > 0 && failures > 0)
    }
}

extension MoodleXMLImporterTests {
    @Test func locationsCountCharactersNotBytes() throws {
        let xml = "<quiz><!-- ääää --><question type=\"random\"/><!--€€--><question\n type=\"random\"/></quiz>"
        let questions = try importing(xml)
        #expect(
            questions.map(\.location) == [
                SourceLocation(file: "fragen.xml", line: 1, column: 20),
                SourceLocation(file: "fragen.xml", line: 1, column: 54),
            ])
    }

    @Test func manyQuestionsOnOneLineAreFast() throws {
        let question = #"<question type="random"><name><text>Zufall</text></name></question>"#
        let xml = "<quiz>" + String(repeating: question, count: 3_000) + "</quiz>"
        var questions: [ImportedQuestion] = []
        questions = try importing(xml)
        #expect(questions.count == 3_000)
        #expect(questions.last?.location.column == 6 + 2_999 * question.unicodeScalars.count + 1)
    }
}

extension MoodleXMLImporterTests {
    @Test func settingsWithoutAPlaceInTheBankAreNamed() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="multichoice">
                <name><text>Einstellungen</text></name>
                <questiontext format="html"><text>Wer wählt den Bürgermeister?</text></questiontext>
                <image>alt/wahl.gif</image>
                <image_base64>R0lGODlh</image_base64>
                <penalty>0.3333333</penalty>
                <hidden>1</hidden>
                <idnumber>KR-17</idnumber>
                <shuffleanswers>true</shuffleanswers>
                <answer fraction="100"><text>Die Bürger</text></answer>
                <answer fraction="0"><text>Der Rat</text></answer>
                <hint format="html"><text>Direktwahl?</text></hint>
                <hint format="html"><text>Urwahl!</text></hint>
                <tags><tag><text>Wahlen</text></tag><tag><text>GemO</text></tag></tags>
                <coursetags><tag><text>Kurs 3</text></tag></coursetags>
              </question>

            """)
        let question = try #require(try importing(xml).first)
        #expect(question.item != nil)
        #expect(
            question.warnings == [
                "penalty 0.3333333 for retries not kept (attempts are scored once)",
                "2 hints for retries dropped",
                "tags Wahlen, GemO, Kurs 3 not kept",
                "the question is hidden in Moodle; imported as a normal item",
                "Moodle ID number KR-17 not kept",
            ])
        // The old-style question image is embedded after the question text.
        #expect(question.item?.stem == "Wer wählt den Bürgermeister?\n\n![](media/wahl.gif)")
        #expect(question.media == ["media/wahl.gif": Data(base64Encoded: "R0lGODlh")])
    }

    @Test func essayWithoutTextOptionalAttachmentsAndWordLimit() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="essay">
                <name><text>Nur Dateien</text></name>
                <questiontext format="html"><text>Laden Sie Ihren Entwurf hoch.</text></questiontext>
                <penalty>0</penalty>
                <responseformat>noinline</responseformat>
                <minwordlimit>50</minwordlimit>
                <attachments>-1</attachments>
                <attachmentsrequired>0</attachmentsrequired>
                <graderinfo format="html"><text></text></graderinfo>
                <responsetemplate format="html"><text></text></responsetemplate>
              </question>

            """)
        let question = try #require(try importing(xml).first)
        #expect(question.item?.kind == .essay(responseTemplate: nil, graderInfo: nil))
        #expect(
            question.warnings == [
                "Moodle takes attachments only, no text; here the learner answers in text",
                "optional attachments not supported (the learner answers in text)",
                "minimum of 50 words not kept",
            ])
    }

    @Test func numericalUnitsOnTheLeftInstructionsAndOldAnswers() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="numerical">
                <name><text>Einheiten</text></name>
                <questiontext format="html"><text>Wie hoch ist die Umlage?</text></questiontext>
                <penalty>0</penalty>
                <answer fraction="100">1500<tolerance>10</tolerance></answer>
                <answer fraction="0"><text></text><feedback><text>Leer</text></feedback></answer>
                <units>
                  <unit><multiplier>0.001</multiplier><unit_name>T€</unit_name></unit>
                  <unit><multiplier>1</multiplier><unit_name>€</unit_name></unit>
                </units>
                <unitgradingtype>0</unitgradingtype>
                <unitsleft>1</unitsleft>
                <instructions format="html"><text>Ohne Tausenderpunkt.</text></instructions>
              </question>
              <question type="numerical">
                <name><text>Toleranz</text></name>
                <questiontext><text>Zahl?</text></questiontext>
                <answer fraction="100"><text>3</text><tolerance>-1</tolerance></answer>
              </question>

            """)
        let questions = try importing(xml)
        let first = try #require(questions.first)
        #expect(
            first.item?.kind
                == .numeric(
                    answers: [NumericAnswer(Rational(1500), tolerance: .absolute(Rational(10)), credit: .one)],
                    unit: "€"))
        #expect(
            first.warnings == [
                "answer 2 has no text; dropped",
                "unit T€ (multiplier 0.001) not kept",
                "the unit stands left of the number in Moodle; here it follows the number",
                "unit instructions dropped",
            ])
        #expect(questions.last?.status == .skipped(reason: "tolerance -1 is negative (line 20)"))
    }

    @Test func gapSelectThatShufflesOrCannotBeKept() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="gapselect">
                <name><text>Gemischt</text></name>
                <questiontext format="html"><text>[[2]] oder [[1]]</text></questiontext>
                <penalty>0</penalty>
                <shuffleanswers>1</shuffleanswers>
                <selectoption><text>Kreis</text><group>1</group></selectoption>
                <selectoption><text>Land</text><group>1</group></selectoption>
              </question>
              <question type="gapselect">
                <name><text>Einzeln</text></name>
                <questiontext format="html"><text>Nur [[1]]</text></questiontext>
                <selectoption><text>Kreis</text><group>1</group></selectoption>
                <selectoption><text>Land</text><group>2</group></selectoption>
              </question>
              <question type="gapselect">
                <name><text>Fehlt</text></name>
                <questiontext format="html"><text>[[3]]</text></questiontext>
                <selectoption><text>Kreis</text><group>1</group></selectoption>
              </question>

            """)
        let questions = try importing(xml)
        #expect(questions.first?.item?.stem == "{{g1}} oder {{g2}}")
        #expect(questions.first?.warnings == ["choices are shown in a fixed order here (Moodle shuffles them)"])
        #expect(
            questions.dropFirst().map(\.status) == [
                .skipped(reason: "'options' needs at least 2 entries (found 1) (at gaps.g1.options)"),
                .skipped(reason: "gap [[3]] refers to a choice that does not exist"),
            ])
    }

    @Test func orderingGradedAllOrNothing() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="ordering">
                <name><text>Alles oder nichts</text></name>
                <questiontext><text>Reihenfolge?</text></questiontext>
                <penalty>0</penalty>
                <selecttype>EXACT</selecttype>
                <gradingtype>ALL_OR_NOTHING</gradingtype>
                <answer><text>Erstens</text></answer>
                <answer><text>Zweitens</text></answer>
              </question>
              <question type="ordering">
                <name><text>Zu wenig</text></name>
                <questiontext><text>Reihenfolge?</text></questiontext>
                <answer><text>Nur eins</text></answer>
                <answer><text> </text></answer>
              </question>

            """)
        let questions = try importing(xml)
        #expect(
            questions.first?.warnings == [
                "ordering grading ALL_OR_NOTHING not kept; scored here by absolute position (a share of the points for each item in its right place)"
            ])
        #expect(questions.last?.status == .skipped(reason: "an ordering question needs at least 2 items (found 1)"))
    }

    @Test func matchingThatCannotBeKept() throws {
        let xml = MoodleFixtures.quiz(
            """
              <question type="matching">
                <name><text>Ohne Antwort</text></name>
                <questiontext><text>Zuordnen</text></questiontext>
                <subquestion><text>Rat</text><answer><text></text></answer></subquestion>
              </question>
              <question type="matching">
                <name><text>Nur Ablenker</text></name>
                <questiontext><text>Zuordnen</text></questiontext>
                <subquestion><text></text><answer><text>Ablenker</text></answer></subquestion>
              </question>

            """)
        #expect(
            try importing(xml).map(\.status) == [
                .skipped(reason: "subquestion 1 has no matching answer"),
                .skipped(reason: "the matching question has no subquestions"),
            ])
    }
}

extension MoodleXMLImporterTests {
    @Test func hostileTextsStayFast() throws {
        let braces = String(repeating: "{1:SA:=a~", count: 15_000)
        let manyAnswers = (0..<3_000).map {
            "<answer fraction=\"\($0 % 2 == 0 ? 0 : 100)\"><text>*\($0)*</text></answer>"
        }
        let xml = MoodleFixtures.quiz(
            """
              <question type="cloze"><name><text>Klammern</text></name>
                <questiontext format="plain_text"><text>\(braces) {1:SA:=x}</text></questiontext></question>
              <question type="shortanswer"><name><text>Viele</text></name>
                <questiontext><text>Frage</text></questiontext>\(manyAnswers.joined())</question>

            """)
        var questions: [ImportedQuestion] = []
        questions = try importing(xml)
        #expect(
            questions.first?.status == .skipped(reason: "the cloze text has no gaps such as {1:SHORTANSWER:=answer}"))
        #expect(
            questions.last?.warnings == [
                "answer 3 (fraction 0) also matches answer 22 (fraction 1): Moodle gives the first match, here the best match counts"
            ])
    }
}
