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

    @Test("a GIFT file with only categories imports nothing, says so, writes nothing and exits 0")
    func noQuestions() throws {
        let folder = try Campus.temporaryFolder()
        let file = folder.appendingPathComponent("kategorien.gift")
        try "// Export\n$CATEGORY: $course$/top/Haushalt\n\n$CATEGORY: $course$/top/Recht\n".write(
            to: file, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("bank.yaml")
        let result = try Campus.run(["bank", "import", file.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.lines == ["imported 0, warnings 0, skipped 0"])
        #expect(result.stderr.contains("no questions found in \(file.path)"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    static let imageBank = """
        id: bilder
        title: Bilder
        language: de
        provider: Akademie
        version: 1.0.0
        items:
          - id: karte
            type: single-choice
            topic: geo
            points: 1
            stem: "Welcher **Kreis** ist markiert?\\n\\n![Karte des Landes](media/karte.png)"
            options:
              - { id: a, text: "![Wappen A](media/wappen.gif)" }
              - { id: b, text: Nordkreis }
            answer: a
        """

    @Test("a bank with images exports them into the QTI package and imports back to the same bank and bytes")
    func imagesRoundTrip() throws {
        let folder = try Campus.temporaryFolder()
        let bank = folder.appendingPathComponent("bilder.yaml")
        try Self.imageBank.write(to: bank, atomically: true, encoding: .utf8)
        let media = folder.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        let karte = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        let wappen = Data("GIF89a-wappen".utf8)
        try karte.write(to: media.appendingPathComponent("karte.png"))
        try wappen.write(to: media.appendingPathComponent("wappen.gif"))
        let validate = try Campus.run(["bank", "validate", bank.path])
        #expect(validate.status == 0, "\(validate.stdout)")
        let original = try #require(BankReader.read(Array(try Data(contentsOf: bank)), file: "b").bank)
        for format in ["qti30", "qti21"] {
            let package = folder.appendingPathComponent("bilder-\(format).zip")
            let export = try Campus.run(["bank", "export", bank.path, "--format", format, "--out", package.path])
            #expect(export.status == 0, "\(export.stdout)\n\(export.stderr)")
            let target = folder.appendingPathComponent("zurueck-\(format)")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let back = target.appendingPathComponent("bank.yaml")
            let reimport = try Campus.run(["bank", "import", package.path, "--out", back.path])
            #expect(reimport.status == 0, "\(reimport.stdout)\n\(reimport.stderr)")
            #expect(reimport.lines.last == "imported 1, warnings 0, skipped 0")
            #expect(reimport.stderr.contains("wrote 2 images to \(target.appendingPathComponent("media").path)"))
            let reread = try #require(BankReader.read(Array(try Data(contentsOf: back)), file: "b").bank)
            #expect(reread == original)
            #expect(try Data(contentsOf: target.appendingPathComponent("media/karte.png")) == karte)
            #expect(try Data(contentsOf: target.appendingPathComponent("media/wappen.gif")) == wappen)
            #expect(try Campus.run(["bank", "validate", back.path]).status == 0)
            // Importing again beside a different karte.png keeps that file and renames the new one.
            let other = Data("andere Karte".utf8)
            try other.write(to: target.appendingPathComponent("media/karte.png"))
            let again = try Campus.run(["bank", "import", package.path, "--out", back.path, "--force"])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            #expect(again.stderr.contains("wrote 1 image to "))
            #expect(try Data(contentsOf: target.appendingPathComponent("media/karte.png")) == other)
            #expect(try Data(contentsOf: target.appendingPathComponent("media/karte-2.png")) == karte)
            let renamed = try #require(BankReader.read(Array(try Data(contentsOf: back)), file: "b").bank)
            #expect(renamed.items.first?.stem.hasSuffix("![Karte des Landes](media/karte-2.png)") == true)
        }
    }

    @Test("a missing image is a validator error with its position, and the export refuses the bank")
    func missingImage() throws {
        let folder = try Campus.temporaryFolder()
        let bank = folder.appendingPathComponent("bilder.yaml")
        try Self.imageBank.write(to: bank, atomically: true, encoding: .utf8)
        let validate = try Campus.run(["bank", "validate", bank.path])
        #expect(validate.status == 1)
        #expect(
            validate.lines == [
                "\(bank.path):11:11: error: image media/karte.png not found (put the file there, next to the bank, "
                    + "or remove the reference)",
                "\(bank.path):13:24: error: image media/wappen.gif not found (put the file there, next to the bank, "
                    + "or remove the reference)",
                "1 banks, 1 items, 2 problems",
            ])
        let package = folder.appendingPathComponent("bilder.zip")
        let export = try Campus.run(["bank", "export", bank.path, "--format", "qti30", "--out", package.path])
        #expect(export.status == 1)
        #expect(!FileManager.default.fileExists(atPath: package.path))
        // A link that leads out of the bank's folder is not packed.
        let outside = try Campus.temporaryFolder().appendingPathComponent("geheim.txt")
        try "geheim".write(to: outside, atomically: true, encoding: .utf8)
        let media = folder.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: media.appendingPathComponent("karte.png"), withDestinationURL: outside)
        try Data("GIF89a".utf8).write(to: media.appendingPathComponent("wappen.gif"))
        let linked = try Campus.run(["bank", "export", bank.path, "--format", "qti30", "--out", package.path])
        #expect(linked.status != 0)
        #expect(
            linked.stderr.contains("image media/karte.png: leads outside the bank's folder through a symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: package.path))
    }

    @Test("images embedded in Moodle XML are written to media/ next to the bank, which then validates")
    func moodleImages() throws {
        let folder = try Campus.temporaryFolder()
        let file = folder.appendingPathComponent("frage.xml")
        let png = Data([0x89, 0x50, 0x4E, 0x47, 9, 9])
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <question type="truefalse">
          <name><text>Wappen</text></name>
          <questiontext format="html"><text><![CDATA[<p>Ist das das Wappen von Mainz?</p><p><img src="@@PLUGINFILE@@/Wappen%20Mainz.png" alt="Wappen"></p>]]></text>
            <file name="Wappen Mainz.png" path="/" encoding="base64">\(png.base64EncodedString())</file></questiontext>
          <answer fraction="100"><text>true</text></answer>
          <answer fraction="0"><text>false</text></answer>
        </question>
        """.write(to: file, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("bank.yaml")
        let result = try Campus.run(["bank", "import", file.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.lines.last == "imported 1, warnings 0, skipped 0")
        #expect(try Data(contentsOf: folder.appendingPathComponent("media/Wappen-Mainz.png")) == png)
        let bank = try #require(BankReader.read(Array(try Data(contentsOf: out)), file: "b").bank)
        #expect(bank.items.first?.stem == "Ist das das Wappen von Mainz?\n\n![Wappen](media/Wappen-Mainz.png)")
        #expect(try Campus.run(["bank", "validate", out.path]).status == 0)
    }
}
