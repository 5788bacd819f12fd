import Foundation
import Testing

@testable import Assessment
@testable import Interchange

private typealias F = ILIASFixtures

private func run(_ xml: String, name: String = "pool.xml") throws(ImportFailure) -> [ImportedQuestion] {
    try ILIASImporter.questions(in: ImportSource(name: name, data: Data(xml.utf8)))
}

@Suite("ILIAS question pool package")
struct ILIASPackageTests {
    static let folder = "1700000000__0__qpl_123"
    static let questionPath = "\(folder)/1700000000__0__qti_123.xml"
    static let poolPath = "\(folder)/\(folder).xml"

    private func package(_ files: [(String, String)], name: String = "pool.zip") throws -> ZipPackage {
        try ZipPackage(name: name, data: try ZipPackage.archive(files.map { ($0.0, Data($0.1.utf8)) }))
    }

    private func failure(_ zip: ZipPackage) -> ImportFailure? {
        do {
            _ = try ILIASPackage.questions(in: zip)
            return nil
        } catch {
            return error
        }
    }

    @Test("the pool title from the pool file; questions from the qti file, located inside the archive")
    func pool() throws {
        let zip = try package([
            (Self.poolPath, F.poolFile), (Self.questionPath, F.pool),
            ("\(Self.folder)/objects/il_0_mob_12/gebuehren.png", "png"),
        ])
        let result = try ILIASPackage.questions(in: zip)
        #expect(result.title == "Kommunalrecht Grundlagen")
        #expect(result.questions.count == 12)
        #expect(result.questions.allSatisfy { $0.location.file == "pool.zip:\(Self.questionPath)" })
        #expect(result.questions[0].status == (try run(F.pool))[0].status)
        // The second question's page holds a paragraph besides the question.
        #expect(result.questions[1].warnings == ["additional page content (<Paragraph>) from the pool file not kept"])
        #expect(result.questions[1].item?.id == "Zustaendigkeit-Meldewesen")
    }

    @Test("without the pool file the questions are read and there is no title")
    func questionsOnly() throws {
        let result = try ILIASPackage.questions(in: try package([(Self.questionPath, F.document(F.numeric))]))
        #expect(result.title == nil)
        #expect(result.questions.map(\.label) == ["Grunderwerbsteuer"])
    }

    @Test("an archive without an ILIAS question file, or with several, fails naming the archive")
    func missingOrSeveral() throws {
        #expect(
            failure(try package([(Self.poolPath, F.poolFile), ("__MACOSX/x__qti_1.xml", "")], name: "export.zip"))?
                .description
                == ImportFailure(
                    file: "export.zip", line: 1,
                    "no ILIAS question pool in the archive: expected a folder '<time>__<installation>__qpl_<id>' with "
                        + "'<time>__<installation>__qti_<id>.xml'"
                ).description)
        let other = "1700000001__0__qpl_124/1700000001__0__qti_124.xml"
        #expect(
            failure(try package([(Self.questionPath, F.pool), (other, F.pool)]))?.description
                == ImportFailure(
                    file: "pool.zip", line: 1,
                    "the archive holds 2 ILIAS question files (\(Self.questionPath), \(other)); import one pool at a time"
                ).description)
    }

    @Test("a damaged pool or question file fails naming the file inside the archive")
    func damagedFiles() throws {
        let wrongPool = try package([(Self.poolPath, "<Test/>"), (Self.questionPath, F.pool)])
        #expect(
            failure(wrongPool)?.description
                == ImportFailure(
                    file: "pool.zip:\(Self.poolPath)", line: 1, column: 6,
                    "the root element is <Test>, not <ContentObject>; this is not an ILIAS question pool file"
                ).description)
        let cut = try package([(Self.questionPath, "<questestinterop>\n<item ident=\"a\">")])
        #expect(
            failure(cut)?.description
                == ImportFailure(
                    file: "pool.zip:\(Self.questionPath)", line: 2, column: 17,
                    "not well-formed XML: the document ends before all elements are closed"
                ).description)
    }
}
