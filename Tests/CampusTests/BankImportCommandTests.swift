import Assessment
import Foundation
import Testing

@Suite("campus bank import and export")
struct BankImportCommandTests {
    static let gift = """
        // Kategorie und zwei Fragen
        $CATEGORY: $course$/top/Verwaltung: OZG/Onlinedienste

        ::OZG-Abkürzung::Wofür steht **OZG**?{
          =Onlinezugangsgesetz#Richtig.
          ~Ordnungszuständigkeitsgesetz#Nein.
        }

        ::Rechnen::Wie viele Leistungen umfasste der OZG-Katalog ursprünglich?{#575:0}

        ::Beschreibung::Dieser Abschnitt behandelt Nutzerkonten.
        """

    static let aiken = """
        Welche Behörde überwacht den Datenschutz in einem Land?
        A) Die Landesdatenschutzbeauftragte
        B) Das Finanzamt
        C) Die Polizei
        ANSWER: A

        Welches Format dient der Langzeitarchivierung?
        A. PDF/A
        B. DOCX
        ANSWER: A
        """

    static let moodle = """
        <?xml version="1.0" encoding="UTF-8"?>
        <quiz>
          <question type="truefalse">
            <name><text>E-Akte Pflicht</text></name>
            <questiontext format="html"><text><![CDATA[<p>Die E-Akte ist in Bundesbehörden <b>Pflicht</b>.</p><img src="@@PLUGINFILE@@/karte.png" alt="Karte">]]></text></questiontext>
            <defaultgrade>2</defaultgrade>
            <answer fraction="100"><text>true</text><feedback><text>Richtig, EGovG § 6.</text></feedback></answer>
            <answer fraction="0"><text>false</text><feedback><text>Doch.</text></feedback></answer>
          </question>
          <question type="calculated">
            <name><text>Formel</text></name>
            <questiontext format="html"><text>{a} + {b}?</text></questiontext>
          </question>
        </quiz>
        """

    @Test("a mix of GIFT, Aiken and Moodle XML becomes one valid bank, with a line per source question")
    func importMix() throws {
        let folder = try Campus.temporaryFolder()
        let files = [("fragen.txt", Self.gift), ("aiken.txt", Self.aiken), ("moodle.xml", Self.moodle)]
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let out = folder.appendingPathComponent("importiert.yaml")
        let result = try Campus.run(
            ["bank", "import"] + files.map { folder.appendingPathComponent($0.0).path } + [
                "--out", out.path, "--provider", "Musterakademie",
            ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let lines = result.lines
        #expect(lines.last == "imported 5, warnings 1, skipped 2")
        #expect(lines.contains { $0.hasPrefix("\(folder.path)/fragen.txt:4:1: imported 'OZG-Abkürzung' as ") })
        #expect(lines.contains { $0.hasPrefix("\(folder.path)/fragen.txt:") && $0.contains("skipped 'Beschreibung'") })
        #expect(
            lines.contains {
                $0.hasPrefix("\(folder.path)/moodle.xml:3:3: warning: 'E-Akte Pflicht' imported as E-Akte-Pflicht: ")
                    && $0.contains("@@PLUGINFILE@@/karte.png not embedded")
            })
        #expect(
            lines.contains {
                $0.contains("moodle.xml:") && $0.contains("skipped 'Formel'") && $0.contains("calculated")
            })
        // The image the Moodle file does not hold keeps its reference: the validator names it until it is there.
        let missing = try Campus.run(["bank", "validate", out.path])
        #expect(missing.status == 1)
        #expect(
            missing.lines.contains {
                $0.hasPrefix("\(out.path):")
                    && $0.hasSuffix(
                        ": error: image media/karte.png not found (put the file there, next to the bank, or remove the reference)"
                    )
            }, "\(missing.stdout)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("media"), withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: folder.appendingPathComponent("media/karte.png"))
        let validate = try Campus.run(["bank", "validate", out.path])
        #expect(validate.status == 0, "\(validate.stdout)")
        let bank = try #require(BankReader.read(Array(try Data(contentsOf: out)), file: out.path).bank)
        #expect(bank.id == "importiert")
        #expect(bank.provider == "Musterakademie")
        #expect(bank.items.count == 5)
        #expect(bank.items.first { $0.stem.contains("Pflicht") }?.points == Rational(2))
    }

    @Test("a file that cannot be parsed is reported with file:line:column, exit 1, and no bank is written")
    func unparseable() throws {
        let folder = try Campus.temporaryFolder()
        let broken = folder.appendingPathComponent("kaputt.xml")
        try "<?xml version=\"1.0\"?>\n<quiz>\n  <question type=\"truefalse\">\n</quiz>\n".write(
            to: broken, atomically: true, encoding: .utf8)
        let good = folder.appendingPathComponent("gut.txt")
        try Self.aiken.write(to: good, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("bank.yaml")
        let result = try Campus.run(["bank", "import", good.path, broken.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.lines.contains { $0.hasPrefix("\(broken.path):4:") && $0.contains(": error: ") })
        #expect(result.stderr.contains("no bank written"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("the format is told from the content, not the name; unknown content asks for --format")
    func detection() throws {
        let folder = try Campus.temporaryFolder()
        let disguised = folder.appendingPathComponent("fragen.xml")
        try Self.aiken.write(to: disguised, atomically: true, encoding: .utf8)
        let prose = folder.appendingPathComponent("notizen.txt")
        try "Nur ein paar Notizen ohne Fragen.\n".write(to: prose, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("bank.yaml")
        let ok = try Campus.run(["bank", "import", disguised.path, "--out", out.path])
        #expect(ok.status == 0, "\(ok.stdout)\n\(ok.stderr)")
        #expect(ok.lines.last == "imported 2, warnings 0, skipped 0")
        let unknown = try Campus.run(["bank", "import", prose.path, "--out", out.path, "--force"])
        #expect(unknown.status == 1)
        #expect(unknown.lines.contains { $0.hasPrefix("\(prose.path):1:1: error: cannot tell the format") })
        let existing = try Campus.run(["bank", "import", disguised.path, "--out", out.path])
        #expect(existing.status != 0)
        #expect(existing.stderr.contains("exists already"))
    }

    @Test("every sample bank exported as QTI 3.0 and 2.1 imports back to the same bank")
    func exportRoundTrip() throws {
        let folder = try Campus.temporaryFolder()
        let banks = try FileManager.default.contentsOfDirectory(
            atPath: Campus.repository.appendingPathComponent("question-banks").path
        ).filter { $0.hasSuffix(".yaml") }
        #expect(banks.count >= 4)
        for name in banks {
            let source = Campus.repository.appendingPathComponent("question-banks/\(name)")
            let original = try #require(BankReader.read(Array(try Data(contentsOf: source)), file: name).bank)
            for format in ["qti30", "qti21"] {
                let package = folder.appendingPathComponent("\(name)-\(format).zip")
                let export = try Campus.run(
                    ["bank", "export", source.path, "--format", format, "--out", package.path])
                #expect(export.status == 0, "\(export.stdout)\n\(export.stderr)")
                let back = folder.appendingPathComponent("\(name)-\(format).yaml")
                let reimport = try Campus.run(["bank", "import", package.path, "--out", back.path])
                #expect(reimport.status == 0, "\(reimport.stdout)\n\(reimport.stderr)")
                #expect(reimport.lines.last == "imported \(original.items.count), warnings 0, skipped 0")
                let reread = try #require(BankReader.read(Array(try Data(contentsOf: back)), file: name).bank)
                #expect(reread == original, "\(name) as \(format)")
            }
        }
    }
}

@Suite("campus quiz with cloze and essay items")
struct QuizClozeEssayTests {
    @Test("cloze gaps are answered in one line; an essay waits for a grader")
    func clozeAndEssay() throws {
        let folder = try Campus.temporaryFolder()
        let cloze = folder.appendingPathComponent("cloze.yaml")
        try """
        id: cloze-bank
        title: Lückentext
        language: de
        provider: Test
        version: "1"
        items:
          - id: c1
            type: cloze
            topic: t
            points: 3
            stem: "Die {{art}} wird nach {{frist}} Jahren {{was}}."
            gaps:
              - { id: art, type: choice, options: [{ id: akte, text: Akte }, { id: mail, text: E-Mail }], answer: akte }
              - { id: frist, type: numeric, answer: 10 }
              - { id: was, type: text, accepted: [ausgesondert] }
        """.write(to: cloze, atomically: true, encoding: .utf8)
        let result = try Campus.run(["quiz", cloze.path, "--seed", "s"], input: "ß; 10; x\nA; 10,0; Ausgesondert\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Die [1] wird nach [2] Jahren [3]."))
        #expect(result.stdout.contains("[1] A) Akte   B) E-Mail"))
        #expect(result.stdout.contains("Antworten für alle Lücken durch ; getrennt"))
        #expect(result.stdout.contains("✓ Richtig (3/3)"))

        let essay = folder.appendingPathComponent("essay.yaml")
        try """
        id: essay-bank
        title: Freitext
        language: de
        provider: Test
        version: "1"
        items:
          - { id: e1, type: essay, topic: t, points: 2, stem: Begründen Sie. }
        """.write(to: essay, atomically: true, encoding: .utf8)
        let essayRun = try Campus.run(["quiz", essay.path, "--seed", "s"], input: "Weil es schneller geht.\n")
        #expect(essayRun.status == 0)
        #expect(essayRun.stdout.contains("Wird von einer Person bewertet; zählt erst danach."))
        #expect(essayRun.stdout.contains("Ergebnis: 0 von 2 Punkten"))
    }
}

@Suite("campus grade with essays awaiting grading")
struct GradeAwaitingTests {
    @Test("a learner whose exam awaits essay grading gets no tier yet; the others are decided")
    func awaiting() throws {
        let folder = try Campus.temporaryFolder()
        let book = folder.appendingPathComponent("gradebook.json")
        try """
        {
          "course": {
            "id": "k1", "title": "Kurs", "provider": "Akademie", "start": "2026-09-01", "end": "2026-11-30",
            "assessments": [ { "id": "pruefung", "kind": "exam", "maxPoints": 10 } ]
          },
          "learners": [
            { "id": "l1", "name": "Anna Alt", "contentViewed": 90,
              "attempts": [ { "assessment": "pruefung", "points": 4, "awaitingGrading": true } ] },
            { "id": "l2", "name": "Bernd Berg", "contentViewed": 90,
              "attempts": [ { "assessment": "pruefung", "points": 6 } ] }
          ]
        }
        """.write(to: book, atomically: true, encoding: .utf8)
        let result = try Campus.run(["grade", book.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.contains("l1  Anna Alt: awaiting grading — final exam awaits the grading of essays"))
        #expect(result.lines.contains { $0.hasPrefix("l2  Bernd Berg: Teilnahmebestätigung mit Punktzahlen (scored)") })
        #expect(result.lines.last?.contains("awaiting grading 1") == true)
    }
}
