import Foundation
import Testing

@testable import Assessment
@testable import Interchange

private func zip(_ files: [(String, String)]) throws -> ZipPackage {
    let data = try ZipPackage.archive(files.map { ($0.0, Data($0.1.utf8)) })
    return try ZipPackage(name: "pool.zip", data: data)
}

private func manifest(_ resources: String, metadata: String = "", base: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M1">
      <metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion>\(metadata)</metadata>
      <organizations/>
      <resources\(base)>
    \(resources)
      </resources>
    </manifest>
    """
}

private func packageFailure(_ archive: ZipPackage) -> ImportFailure? {
    do {
        _ = try QTIPackage.questions(in: archive)
        return nil
    } catch {
        return error
    }
}

@Suite("QTI content packages")
struct QTIPackageTests {
    @Test("items are read in manifest order, dispatched by their root; other resources are ignored")
    func itemsInOrder() throws {
        let resources = """
                <resource identifier="R2" type="imsqti_item_xmlv3p0" href="items/order.xml"><file href="items/order.xml"/></resource>
                <resource identifier="T" type="imsqti_test_xmlv2p1" href="test.xml"/>
                <resource identifier="W" type="webcontent" href="media/bild.png"/>
                <resource identifier="R1" type="imsqti_item_xmlv2p1" href="items/Frage%201.xml"/>
            """
        let archive = try zip([
            ("imsmanifest.xml", manifest(resources)), ("items/order.xml", QTIFixtures.qti30Order),
            ("items/Frage 1.xml", QTIFixtures.onyxSingleChoice), ("test.xml", "<assessmentTest/>"),
        ])
        #expect(QTIPackage.isPackage(archive))
        let package = try QTIPackage(archive)
        #expect(package.items.map(\.path) == ["items/order.xml", "items/Frage 1.xml"])
        #expect(package.itemSources.map(\.name) == ["pool.zip:items/order.xml", "pool.zip:items/Frage 1.xml"])
        #expect(package.items.map(\.version) == [.qti30, .qti21])
        #expect(package.items.first?.location == SourceLocation(file: "pool.zip:imsmanifest.xml", line: 6, column: 5))
        let (metadata, questions) = try QTIPackage.questions(in: archive)
        #expect(metadata == nil)
        #expect(questions.map(\.label) == ["Reihenfolge", "Hauptstadt"])
        #expect(questions.map(\.location.file) == ["pool.zip:items/order.xml", "pool.zip:items/Frage 1.xml"])
        #expect(questions.compactMap(\.item).map(\.topic) == ["imported", "imported"])
    }

    @Test("a manifest in a folder and xml:base resolve hrefs relative to it")
    func nestedManifest() throws {
        let resources = """
                <resource identifier="R1" type="imsqti_item_xmlv2p1" xml:base="fragen/" href="./mr.xml"/>
            """
        let archive = try zip([
            ("export/imsmanifest.xml", manifest(resources, base: " xml:base=\"pool/\"")),
            ("export/pool/fragen/mr.xml", QTIFixtures.openOLATMultipleResponse),
        ])
        let package = try QTIPackage(archive)
        #expect(package.manifestPath == "export/imsmanifest.xml")
        #expect(package.items.map(\.path) == ["export/pool/fragen/mr.xml"])
        #expect(try QTIPackage.questions(in: archive).questions.first?.item?.id == "id-mr-7")
    }

    @Test(
        "unsafe hrefs are refused with the manifest line",
        arguments: ["../../etc/passwd", "/etc/passwd", "http://example.org/item.xml", "items/%2E%2E/%2E%2E/x.xml"])
    func unsafeHref(href: String) throws {
        let resources = "    <resource identifier=\"R1\" type=\"imsqti_item_xmlv2p1\" href=\"\(href)\"/>"
        let archive = try zip([("imsmanifest.xml", manifest(resources)), ("items/a.xml", QTIFixtures.onyxSingleChoice)])
        #expect(
            packageFailure(archive)?.description
                == ImportFailure(
                    file: "pool.zip:imsmanifest.xml", line: 6, column: 5,
                    "resource 'R1' has the unsafe href '\(href)' (absolute, external or with '..')"
                ).description)
    }

    @Test("a missing item file or href is a failure naming the manifest line")
    func missingFile() throws {
        let missing = "    <resource identifier=\"R1\" type=\"imsqti_item_xmlv2p1\" href=\"items/fehlt.xml\"/>"
        #expect(
            packageFailure(try zip([("imsmanifest.xml", manifest(missing))]))?.description
                == ImportFailure(
                    file: "pool.zip:imsmanifest.xml", line: 6, column: 5,
                    "resource 'R1' refers to 'items/fehlt.xml', which is not in the archive"
                ).description)
        let noHref = "    <resource identifier=\"R1\" type=\"imsqti_item_xmlv2p1\"/>"
        #expect(
            packageFailure(try zip([("imsmanifest.xml", manifest(noHref))]))?.description
                == ImportFailure(file: "pool.zip:imsmanifest.xml", line: 6, column: 5, "resource 'R1' has no href")
                .description)
    }

    @Test("an archive without a manifest, or with a broken one, is a failure")
    func brokenManifest() throws {
        #expect(
            packageFailure(try zip([("items/a.xml", QTIFixtures.onyxSingleChoice)]))?.description
                == ImportFailure(
                    file: "pool.zip", line: 1, "the archive has no imsmanifest.xml; it is not a QTI content package"
                ).description)
        #expect(
            packageFailure(try zip([("imsmanifest.xml", "<manifest>\n<resources>\n</manifest>")]))?.description
                == ImportFailure(
                    file: "pool.zip:imsmanifest.xml", line: 3, column: 12,
                    "not well-formed XML: an end tag does not match the open element"
                ).description)
        #expect(
            packageFailure(try zip([("imsmanifest.xml", "<?xml version=\"1.0\"?>\n<questestinterop/>")]))?.description
                == ImportFailure(
                    file: "pool.zip:imsmanifest.xml", line: 2, column: 1,
                    "the root element is <questestinterop>; expected <manifest>"
                ).description)
    }

    @Test("an item file that cannot be read is skipped with the reason and its location")
    func brokenItem() throws {
        let resources = """
                <resource identifier="R1" type="imsqti_item_xmlv2p1" href="a.xml"/>
                <resource identifier="R2" type="imsqti_item_xmlv2p1" href="b.xml"/>
            """
        let archive = try zip([
            ("imsmanifest.xml", manifest(resources)), ("a.xml", "<assessmentItem>\n<itemBody>\n</assessmentItem>"),
            ("b.xml", QTIFixtures.onyxSingleChoice),
        ])
        let questions = try QTIPackage.questions(in: archive).questions
        #expect(questions.count == 2)
        #expect(questions[0].location == SourceLocation(file: "pool.zip:a.xml", line: 3, column: 18))
        #expect(questions[0].label == "R1")
        #expect(
            questions[0].status == .skipped(reason: "not well-formed XML: an end tag does not match the open element"))
        #expect(questions[1].item?.id == "sc_1")
    }

    @Test("item ids stay unique across the package")
    func uniqueIDs() throws {
        let resources = """
                <resource identifier="R1" type="imsqti_item_xmlv2p1" href="a.xml"/>
                <resource identifier="R2" type="imsqti_item_xmlv2p1" href="b.xml"/>
            """
        let archive = try zip([
            ("imsmanifest.xml", manifest(resources)), ("a.xml", QTIFixtures.onyxSingleChoice),
            ("b.xml", QTIFixtures.onyxSingleChoice),
        ])
        #expect(try QTIPackage.questions(in: archive).questions.compactMap(\.item).map(\.id) == ["sc_1", "sc_1-2"])
    }

    @Test("our metadata: bank fields from the manifest, topic and difficulty from each resource")
    func metadata() throws {
        let metadata = """
            <kc:bank xmlns:kc="https://kommunalcampus.de/xsd/qti-bank/v1" id="b1" title="Titel &amp; mehr" language="de" provider="Akademie" version="2.0"/>
            """
        let resources = """
                <resource identifier="R1" type="imsqti_item_xmlv2p1" href="a.xml">
                  <metadata><kc:item xmlns:kc="https://kommunalcampus.de/xsd/qti-bank/v1" topic="Datenschutz-Grundlagen" difficulty="hard"/></metadata>
                </resource>
            """
        let archive = try zip([
            ("imsmanifest.xml", manifest(resources, metadata: metadata)), ("a.xml", QTIFixtures.onyxSingleChoice),
        ])
        let (bank, questions) = try QTIPackage.questions(in: archive)
        #expect(
            bank == BankMetadata(id: "b1", title: "Titel & mehr", language: "de", provider: "Akademie", version: "2.0"))
        #expect(questions.first?.item?.topic == "Datenschutz-Grundlagen")
        #expect(questions.first?.item?.difficulty == .hard)
    }

    @Test("the exporter writes standard QTI element names only", arguments: QTIVersion.allCases)
    func standardNames(version: QTIVersion) throws {
        let qti21: Set<String> = [
            "assessmentItem", "responseDeclaration", "outcomeDeclaration", "correctResponse", "value", "defaultValue",
            "mapping", "mapEntry", "itemBody", "div", "p", "span", "choiceInteraction", "simpleChoice",
            "orderInteraction", "matchInteraction", "simpleMatchSet", "simpleAssociableChoice", "textEntryInteraction",
            "inlineChoiceInteraction", "inlineChoice", "extendedTextInteraction", "rubricBlock", "responseProcessing",
            "responseCondition", "responseIf", "responseElse", "setOutcomeValue", "variable", "baseValue", "sum",
            "product", "divide", "match", "correct", "member", "not", "and", "equal", "stringMatch", "patternMatch",
            "gte", "lte", "gt", "lt", "isNull", "mapResponse", "multiple", "index", "modalFeedback",
        ]
        // The XHTML that rendered Markdown uses is part of QTI's content model in both versions.
        let xhtml: Set<String> = ["p", "ul", "ol", "li", "em", "strong", "code", "pre", "a", "img"]
        let allowed = Set(qti21.map(version.elementName)).union(version == .qti30 ? ["qti-content-body"] : [])
            .union(xhtml)
        var generator = QTIBankGenerator(seed: "names")
        let bank = generator.bank(items: 60)
        var seen = Set<String>()
        for item in bank.items {
            let xml = try QTIExporter.itemXML(item, version: version, language: "de")
            let root = try QTIXML.parse(ImportSource(name: "x.xml", data: Data(xml.utf8)))
            var stack = [root]
            while let element = stack.popLast() {
                seen.insert(element.name)
                stack += element.elements
            }
        }
        #expect(seen.subtracting(allowed).isEmpty, "\(seen.subtracting(allowed).sorted())")
        #expect(seen.contains(version.elementName("matchInteraction")))
    }

    /// A deflate stream that never ends (a non-final stored block) made ZIPFoundation's Linux inflate loop
    /// forever; libzip bounds inflation by the compressed size and checks size and CRC-32 instead.
    @Test("a never-ending deflate stream is read to its declared size, not inflated forever")
    func neverEndingDeflate() {
        let archive = Data(
            base64Encoded:
                "UEsDBBQAAAAIAAAAAADtN8mLEAAAAAsAAAAPAAAAaW1zbWFuaWZlc3QueG1sAP//AAA8bWFuaWZlc3QvPlBLAQIUABQAAAAIAAAAAADtN8mLEAAAAAsAAAAPAAAAAAAAAAAAAAAAAAAAAABpbXNtYW5pZmVzdC54bWxQSwUGAAAAAAEAAQA9AAAAPQAAAAAA"
        )
        let package = try? ZipPackage(name: "endless.zip", data: archive ?? Data())
        #expect(package?.files == ["imsmanifest.xml": Data("<manifest/>".utf8)])
    }

    @Test("a processing instruction without content is refused before it reaches the parser")
    func emptyProcessingInstruction() {
        let source = ImportSource(
            name: "pi.xml", data: Data("<?xml version=\"1.0\"?>\n<assessmentItem>\n  <?x?></assessmentItem>".utf8))
        #expect { try QTI21Importer.questions(in: source) } throws: {
            ($0 as? ImportFailure)?.description
                == ImportFailure(
                    file: "pi.xml", line: 3, column: 3,
                    "not well-formed XML: a processing instruction without content ('<?name?>') is not accepted"
                ).description
        }
    }

    @Test("texts XML cannot hold are refused by the exporter")
    func controlCharacters() {
        let item = Item(
            id: "x", topic: "t", points: .one, stem: "Glocke \u{07}",
            kind: .essay(responseTemplate: nil, graderInfo: nil))
        let bank = Bank(id: "b", title: "B", language: "de", provider: "P", version: "1", items: [item])
        #expect { try QTIExporter.package(bank, version: .qti21) } throws: {
            ($0 as? QTIExportError)?.code == .qtiExport
        }
    }
}
