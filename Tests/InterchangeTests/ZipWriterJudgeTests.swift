import Foundation
import TestSupport
import Testing

@testable import Assessment
@testable import Interchange

/// Python's `zipfile` checks every entry's CRC-32 (`testzip`), extracts the archive into a folder and prints
/// one line per entry: its compression method and its name.
private let pythonJudge = """
    import sys, zipfile
    archive = zipfile.ZipFile(sys.argv[1])
    bad = archive.testzip()
    if bad is not None:
        sys.exit("damaged entry: " + bad)
    archive.extractall(sys.argv[2])
    lines = ["%d %s" % (info.compress_type, info.filename) for info in archive.infolist()]
    sys.stdout.buffer.write("\\n".join(lines).encode("utf-8"))
    """

/// What Python's `zipfile` found in `data`: the entries in archive order (compression method, path) and the
/// extracted files by path.
private func judge(_ data: Data) throws -> (entries: [String], files: [String: Data]) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zip-judge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = folder.appendingPathComponent("package.zip")
    try data.write(to: archive)
    let extracted = folder.appendingPathComponent("files")
    let output = try ExternalTool.run("python3", ["-c", pythonJudge, archive.path, extracted.path])
    let entries = output.split(separator: "\n").map(String.init)
    var files: [String: Data] = [:]
    for entry in entries {
        let path = String(entry.drop(while: { $0 != " " }).dropFirst())
        files[path] = try Data(contentsOf: extracted.appendingPathComponent(path))
    }
    return (entries, files)
}

@Suite("Zip packages judged by Python's zipfile")
struct ZipWriterJudgeTests {
    @Test(
        "an exported QTI package is a valid zip whose deflated files are those our reader sees",
        arguments: QTIVersion.allCases)
    func exportedPackage(version: QTIVersion) throws {
        var generator = QTIBankGenerator(seed: "zip-judge-\(version)")
        let bank = generator.bank(items: 12)
        let data = try QTIExporter.package(bank, version: version)
        let (entries, files) = try judge(data)
        let ours = try ZipPackage(name: "bank.zip", data: data)
        #expect(files == ours.files)
        #expect(
            entries
                == ["8 imsmanifest.xml"] + (1...12).map { "8 items/item-\(String(format: "%04d", $0)).xml" })
    }

    @Test("empty, incompressible and non-ASCII named files, a repeated path and an empty archive are written validly")
    func awkwardContents() throws {
        var random = SeededGenerator(seed: "zip-judge-bytes")
        let noise = Data((0..<300_000).map { _ in UInt8(truncatingIfNeeded: random.uniform(below: 256)) })
        let data = try ZipPackage.archive([
            ("leer.txt", Data()), ("medien/rauschen.bin", noise), ("Fragen/Übung 1.xml", Data("<a/>".utf8)),
            ("leer.txt", Data("zweimal".utf8)),
        ])
        let (entries, files) = try judge(data)
        #expect(entries == ["8 leer.txt", "8 medien/rauschen.bin", "8 Fragen/Übung 1.xml"])
        #expect(
            files == [
                "leer.txt": Data("zweimal".utf8), "medien/rauschen.bin": noise, "Fragen/Übung 1.xml": Data("<a/>".utf8),
            ])
        #expect(try ZipPackage(name: "a.zip", data: data).files == files)
        let empty = try ZipPackage.archive([])
        #expect(try judge(empty).entries == [])
        #expect(try ZipPackage(name: "leer.zip", data: empty).files.isEmpty)
    }
}
