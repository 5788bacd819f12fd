import Foundation
import Testing

@testable import Assessment
@testable import Interchange

/// A tiny PNG header and GIF header: enough bytes to tell files apart.
private let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
private let gif = Data("GIF89a".utf8)

private func gift(_ text: String) throws -> [ImportedQuestion] {
    try GIFTImporter.questions(in: ImportSource(name: "fragen.gift", data: Data(text.utf8)))
}

private func moodle(_ xml: String) throws -> [ImportedQuestion] {
    try MoodleXMLImporter.questions(in: ImportSource(name: "fragen.xml", data: Data(xml.utf8)))
}

/// `text` with every Markdown image removed: what a learner reads as prose.
private func prose(_ text: String) -> String {
    var result = text
    for image in MarkdownImage.all(in: text).reversed() { result.removeSubrange(image.range) }
    return result
}

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("media-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

private let mediaBank = Bank(
    id: "bilder", title: "Bilder", language: "de", provider: "Akademie", version: "1.0.0",
    items: [
        Item(
            id: "karte", topic: "geo", points: Rational(1),
            stem: "Welcher **Kreis** ist *markiert*?\n\n![Karte des Landes](media/karte.png)\n\n- eins\n- zwei",
            feedback: "Siehe `Karte` und [Portal](https://example.org/a?b=1&c=2).",
            kind: .singleChoice(
                options: [
                    Choice(id: "a", text: "![](media/wappen-a.gif)"), Choice(id: "b", text: "Kreis <B> & Co"),
                ], correct: "a")),
        Item(
            id: "wieder", topic: "geo", points: Rational(2), stem: "Noch einmal: ![Karte](media/karte.png)",
            kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil)),
    ])

private let mediaFiles = ["media/karte.png": png, "media/wappen-a.gif": gif]

@Suite("Images survive import and export")
struct ImportMediaTests {
    // MARK: GIFT

    @Test("an <img> in a GIFT text without [html] becomes an image reference with a warning, not a raw tag")
    func giftImageWithoutHTML() throws {
        let questions = try gift(
            """
            ::Wappen::Welches Wappen? <img src\\="https\\://example.org/bilder/wappen.png" alt\\="Löwe">{=Bayern ~Hessen}

            ::Markdown::[markdown]Welche **Karte**?<IMG SRC\\="karte.jpg">{=Nord ~Süd}

            ::Plain::[plain]Was bedeutet <img>?{=Bild ~Text}
            """)
        #expect(questions.count == 3)
        #expect(questions[0].item?.stem == "Welches Wappen? ![Löwe](media/wappen.png)")
        #expect(
            questions[0].warnings == [
                "image https://example.org/bilder/wappen.png not embedded (the source does not contain it); save it "
                    + "as media/wappen.png next to the bank"
            ])
        #expect(questions[1].item?.stem == "Welche **Karte**?![](media/karte.jpg)")
        #expect(questions[1].warnings.count == 1)
        // Plain text shows the tag as text in Moodle too.
        #expect(questions[2].item?.stem == "Was bedeutet <img>?")
        #expect(questions[2].warnings.isEmpty)
    }

    @Test("a GIFT choice that is only an image keeps its question; data: URIs are embedded")
    func giftImageOnlyChoices() throws {
        let question = try #require(
            try gift(
                """
                ::Wappen::[html]Welches ist das Wappen?{
                  =<img src\\="data\\:image/png;base64,iVBORw0KGgoAAAAA" alt\\="Löwe">
                  ~<img src\\="data\\:image/gif;base64,R0lGODlh" alt\\="Adler">
                }
                """
            ).first)
        let item = try #require(question.item)
        guard case .singleChoice(let options, let correct) = item.kind else {
            Issue.record("not a single choice: \(item.kind)")
            return
        }
        #expect(options.map(\.text) == ["![Löwe](media/image.png)", "![Adler](media/image.gif)"])
        #expect(correct == "a")
        #expect(question.warnings.isEmpty)
        #expect(
            question.media == [
                "media/image.png": Data(base64Encoded: "iVBORw0KGgoAAAAA"), "media/image.gif": gif,
            ])
    }

    @Test("alt text stays inside the image reference and never becomes prose that could give the answer away")
    func altTextIsNotProse() throws {
        let question = try #require(
            try gift(
                """
                ::Hinweis::[html]<p>Welche Stadt?</p><img src\\="stadt.png" alt\\="Die Antwort ist Mainz">{=Mainz ~Trier}
                """
            ).first)
        let stem = try #require(question.item?.stem)
        #expect(stem.contains("![Die Antwort ist Mainz](media/stadt.png)"))
        #expect(!prose(stem).contains("Antwort"))
        let alt = HTMLText.markdown(from: #"<p>A <img src="x.png" alt="[1] \ Text"> B</p>"#).markdown
        #expect(alt == #"A ![\[1\] \\ Text](media/x.png) B"#)
        #expect(MarkdownImage.all(in: alt).map(\.alt) == [#"[1] \ Text"#])
    }

    @Test("a GIFT file of only categories or comments holds no questions, an empty one is still refused")
    func giftWithoutQuestions() throws {
        #expect(try gift("$CATEGORY: $course$/top/Haushalt\n\n$CATEGORY: $course$/top/Recht\n").isEmpty)
        #expect(try gift("// nur ein Kommentar\n// und noch einer\n").isEmpty)
        #expect(BankImport.detectFormat(Data("// nur ein Kommentar\n".utf8)) == .gift)
        #expect(BankImport.detectFormat(Data("$CATEGORY: top/Haushalt\n".utf8)) == .gift)
        #expect(throws: ImportFailure.self) { try gift(" \n") }
    }

    // MARK: Moodle XML

    @Test("Moodle XML images in <file> elements are embedded, also when an answer is only an image")
    func moodleEmbedded() throws {
        let question = try #require(
            try moodle(
                """
                <quiz>
                  <question type="multichoice">
                    <name><text>Wappen</text></name>
                    <questiontext format="html"><text><![CDATA[<p>Welches Wappen? <img src="@@PLUGINFILE@@/sub/bild.png" alt="Karte"></p>]]></text>
                      <file name="bild.png" path="/sub/" encoding="base64">\(png.base64EncodedString())</file>
                    </questiontext>
                    <shuffleanswers>1</shuffleanswers>
                    <answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/bild.png">]]></text>
                      <file name="bild.png" path="/" encoding="base64">\(gif.base64EncodedString())</file></answer>
                    <answer fraction="0" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/..%2F..%2F.geheim.png">]]></text>
                      <file name="../../.geheim.png" path="/" encoding="base64">\(png.base64EncodedString())</file></answer>
                  </question>
                </quiz>
                """
            ).first)
        let item = try #require(question.item)
        #expect(item.stem == "Welches Wappen? ![Karte](media/bild.png)")
        guard case .singleChoice(let options, _) = item.kind else {
            Issue.record("not a single choice")
            return
        }
        // Same name, other bytes: renamed; same bytes as another image: shared; unsafe name: sanitised.
        #expect(options.map(\.text) == ["![](media/bild-2.png)", "![](media/bild.png)"])
        #expect(question.media == ["media/bild.png": png, "media/bild-2.png": gif])
        #expect(question.warnings.isEmpty, "\(question.warnings)")
    }

    @Test("a Moodle XML file whose root is a single <question> is recognised and read")
    func moodleSingleQuestion() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <question type="truefalse">
              <name><text>Einzeln</text></name>
              <questiontext format="html"><text>Die Erde ist rund.</text></questiontext>
              <answer fraction="100"><text>true</text></answer>
              <answer fraction="0"><text>false</text></answer>
            </question>
            """
        #expect(BankImport.detectFormat(Data(xml.utf8)) == .moodleXML)
        let file = try BankImport.read(name: "eine.xml", data: Data(xml.utf8), format: nil)
        #expect(file.format == .moodleXML)
        #expect(file.questions.map(\.label) == ["Einzeln"])
        #expect(file.questions.first?.item?.kind == .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
        let forced = try BankImport.read(name: "eine.xml", data: Data(xml.utf8), format: .moodleXML)
        #expect(forced.questions.count == 1)
    }

    // MARK: Names and limits

    @Test("media names are sanitised: no path, no hidden files, no absolute paths, one extension")
    func names() {
        #expect(MediaCollector.fileName(from: "@@PLUGINFILE@@/..%2F..%2Fetc%2Fpasswd") == "passwd.bin")
        #expect(MediaCollector.fileName(from: "/abs/.versteckt.PNG") == "versteckt.png")
        #expect(MediaCollector.fileName(from: "images/Straßen Karte (alt).jpg?v=2") == "Strassen-Karte-alt.jpg")
        #expect(MediaCollector.fileName(from: "...") == "image.bin")
        #expect(MediaCollector.fileName(from: "C:\\Bilder\\plan.gif") == "plan.gif")
        for name in ["../x.png", ".x", "/", "a/../../b.png", ""] {
            let sanitised = MediaNames.sanitized((name as NSString).lastPathComponent)
            #expect(!sanitised.hasPrefix(".") && !sanitised.contains("/") && !sanitised.contains(".."), "\(name)")
        }
    }

    @Test("an image larger than the limit is not embedded; the reference and a warning remain")
    func sizeLimit() {
        let large = Data(count: BankMedia.maximumFileSize + 1)
        let collector = MediaCollector { _ in MediaFile(large) }
        let (markdown, warning) = collector.image(source: "gross.png", alt: "Plan")
        #expect(markdown == "![Plan](media/gross.png)")
        #expect(warning?.contains("not embedded (larger than 10 MB") == true)
        #expect(collector.media.isEmpty)
    }

    // MARK: Assembly

    @Test("assembly renames clashing images across files and beside the bank, and never overwrites a file")
    func placement() throws {
        func file(_ name: String, _ data: Data) -> ImportedFile {
            let item = Item(
                id: name, topic: "t", points: .one, stem: "Bild: ![A](media/bild.png)",
                kind: .trueFalse(correct: true, feedbackTrue: nil, feedbackFalse: nil))
            return ImportedFile(
                name: name, format: .gift,
                questions: [
                    ImportedQuestion(
                        location: SourceLocation(file: name, line: 1), label: name, status: .imported(item),
                        media: ["media/bild.png": data])
                ])
        }
        let onDisk = Data("schon da".utf8)
        let result = BankImport.assemble(
            [file("eins", png), file("zwei", gif), file("drei", png), file("vier", onDisk)],
            settings: BankImportSettings(), defaultID: "b",
            existingMedia: { $0 == "media/bild.png" ? onDisk : nil })
        let stems = result.bank?.items.map(\.stem)
        #expect(
            stems == [
                "Bild: ![A](media/bild-2.png)", "Bild: ![A](media/bild-3.png)", "Bild: ![A](media/bild-2.png)",
                "Bild: ![A](media/bild.png)",
            ])
        #expect(result.media == ["media/bild-2.png": png, "media/bild-3.png": gif])
    }

    // MARK: Validator

    @Test("the validator reports every image that is not a file next to the bank, with file, line and column")
    func validator() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("media"), withIntermediateDirectories: true)
        try png.write(to: folder.appendingPathComponent("media/da.png"))
        let yaml = """
            id: b
            title: B
            language: de
            provider: P
            version: 1.0.0
            items:
              - id: q1
                type: true-false
                topic: t
                points: 1
                stem: "Da ![x](media/da.png) und fehlt ![y](media/fehlt.png)"
                answer: true
              - id: q2
                type: single-choice
                topic: t
                points: 1
                stem: Frage
                options:
                  - { id: a, text: "![](../ausserhalb.png)" }
                  - { id: b, text: "![](https://example.org/x.png)" }
                answer: a
            """
        let result = BankReader.read(Array(yaml.utf8), file: "bank.yaml", mediaDirectory: folder)
        #expect(result.bank == nil)
        #expect(
            result.problems.map(\.description) == [
                "bank.yaml:11:11: error: image media/fehlt.png not found (put the file there, next to the bank, or "
                    + "remove the reference)",
                "bank.yaml:19:24: error: image ../ausserhalb.png must stay inside the bank's folder: no '..', hidden "
                    + "or empty path components",
                "bank.yaml:20:24: error: image https://example.org/x.png must be a path relative to the bank file, "
                    + "such as media/karte.png (no URL, no absolute path)",
            ])
        try png.write(to: folder.appendingPathComponent("media/fehlt.png"))
        let fixed = yaml.replacingOccurrences(of: "../ausserhalb.png", with: "media/da.png")
            .replacingOccurrences(of: "https://example.org/x.png", with: "media/fehlt.png")
        #expect(BankReader.read(Array(fixed.utf8), file: "bank.yaml", mediaDirectory: folder).problems == [])
    }

    // MARK: QTI

    @Test("the QTI export packs the images and renders Markdown; our import gives back the bank and the bytes")
    func qtiRoundTrip() throws {
        for version in [QTIVersion.qti30, .qti21] {
            let data = try QTIExporter.package(mediaBank, version: version, media: mediaFiles)
            let archive = try ZipPackage(name: "bilder.zip", data: data)
            #expect(archive.files["media/karte.png"] == png)
            #expect(archive.files["media/wappen-a.gif"] == gif)
            let item = String(decoding: try #require(archive.files["items/item-0001.xml"]), as: UTF8.self)
            #expect(item.contains("<strong>Kreis</strong>"))
            #expect(item.contains("<em>markiert</em>"))
            #expect(item.contains("<img src=\"../media/karte.png\" alt=\"Karte des Landes\"/>"))
            #expect(item.contains("<ul><li>eins</li><li>zwei</li></ul>"))
            #expect(item.contains("Kreis &lt;B&gt; &amp; Co"))
            // The body as an LMS shows it: no Markdown marks outside the kept source.
            let body = String(
                item[try #require(item.range(of: "<itemBody") ?? item.range(of: "<qti-item-body")).lowerBound...])
            let xhtml = body.replacingOccurrences(
                of: #" data-kc-markdown="[^"]*""#, with: "", options: .regularExpression)
            #expect(!xhtml.contains("**") && !xhtml.contains("!["))
            let manifest = String(decoding: try #require(archive.files["imsmanifest.xml"]), as: UTF8.self)
            #expect(manifest.contains("<file href=\"media/karte.png\"/>"))
            let file = try BankImport.read(name: "bilder.zip", data: data, format: nil)
            let result = BankImport.assemble(
                [file], settings: BankImportSettings(), defaultID: "x", existingMedia: { _ in nil })
            #expect(result.bank == mediaBank)
            #expect(result.media == mediaFiles)
            #expect(result.outcomes.allSatisfy { $0.warnings.isEmpty })
        }
    }

    @Test("an image in a cloze drop-down option (plain text in QTI) travels with the package too")
    func qtiClozeOptionImage() throws {
        let bank = Bank(
            id: "l", title: "L", language: "de", provider: "P", version: "1",
            items: [
                Item(
                    id: "c", topic: "t", points: .one, stem: "Wappen: {{w}}",
                    kind: .cloze(gaps: [
                        Gap(
                            id: "w",
                            kind: .choice(
                                options: [
                                    Choice(id: "a", text: "![A](media/karte.png)"), Choice(id: "b", text: "Keins"),
                                ],
                                correct: "a"))
                    ]))
            ])
        let data = try QTIExporter.package(bank, version: .qti30, media: ["media/karte.png": png])
        let file = try BankImport.read(name: "l.zip", data: data, format: nil)
        let result = BankImport.assemble(
            [file], settings: BankImportSettings(), defaultID: "x", existingMedia: { _ in nil })
        #expect(result.bank == bank)
        #expect(result.media == ["media/karte.png": png])
    }

    @Test("the export refuses a bank whose image is missing")
    func qtiMissingImage() {
        #expect {
            try QTIExporter.package(mediaBank, version: .qti30, media: ["media/karte.png": png])
        } throws: {
            ($0 as? QTIExportError)?.code == .qtiExport
                && "\($0)" == "item 'karte': image media/wappen-a.gif not found next to the bank"
        }
    }

    @Test("a foreign QTI package's XHTML images are embedded from the package, relative to the item file")
    func qtiForeignPackage() throws {
        let data = try QTIExporter.package(mediaBank, version: .qti21, media: mediaFiles)
        let archive = try ZipPackage(name: "bilder.zip", data: data)
        var files = archive.files
        // A tool that kept our XHTML but not the Markdown source.
        let item = String(decoding: try #require(files["items/item-0002.xml"]), as: UTF8.self)
            .replacingOccurrences(of: #" data-kc-markdown="[^"]*""#, with: "", options: .regularExpression)
        files["items/item-0002.xml"] = Data(item.utf8)
        let repacked = try ZipPackage.archive(files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let questions = try BankImport.read(name: "fremd.zip", data: repacked, format: nil).questions
        #expect(questions[1].item?.stem == "Noch einmal: ![Karte](media/karte.png)")
        #expect(questions[1].media == ["media/karte.png": png])
        #expect(questions[1].warnings.isEmpty)
    }

    // MARK: ILIAS

    @Test("ILIAS zip exports: images of objects/ and base64 matimages are embedded")
    func iliasZip() throws {
        let folder = "1700000000__0__qpl_123"
        let choice = ILIASFixtures.item(
            "SINGLE CHOICE QUESTION", title: "Wappen", ident: "il_0_qst_2",
            flow: ILIASFixtures.text("Welches Wappen?")
                + """
                <response_lid ident="MCSR" rcardinality="Single"><render_choice shuffle="No">\
                <response_label ident="0"><material><matimage imagtype="image/png" label="loewe.png" \
                embedded="base64">\(png.base64EncodedString())</matimage></material></response_label>\
                <response_label ident="1"><material><mattext>Adler</mattext></material></response_label>\
                </render_choice></response_lid>
                """,
            conditions: ILIASFixtures.condition("MCSR", "0", points: "1")
                + ILIASFixtures.condition("MCSR", "1", points: "0"))
        let zip = try ZipPackage(
            name: "pool.zip",
            data: try ZipPackage.archive([
                (
                    "\(folder)/1700000000__0__qti_123.xml",
                    Data(ILIASFixtures.document(ILIASFixtures.htmlSingleChoice, choice).utf8)
                ),
                ("\(folder)/objects/il_0_mob_12/gebuehren.png", gif),
            ]))
        let questions = try ILIASPackage.questions(in: zip).questions
        #expect(
            questions[0].item?.stem
                == "Welche Gebühr gilt laut *Tabelle*?\n\n | Ausweis | 37 €\n\n![](media/gebuehren.png)")
        #expect(questions[0].media == ["media/gebuehren.png": gif])
        #expect(!questions[0].warnings.contains { $0.contains("image") })
        guard case .singleChoice(let options, _) = questions[1].item?.kind else {
            Issue.record("not a single choice: \(questions[1].status)")
            return
        }
        #expect(options.map(\.text) == ["![](media/loewe.png)", "Adler"])
        #expect(questions[1].media == ["media/loewe.png": png])
    }
}
