import Foundation
import Testing

/// A scratch folder for one test, with issuer keys when asked.
private struct Scratch {
    let folder: URL

    init(keys: Bool = false) throws {
        folder = try Campus.temporaryFolder()
        if keys {
            let made = try Campus.run(["keys", "init", "--dir", path("keys")])
            guard made.status == 0 else { throw CLIFailure(description: made.stderr) }
        }
    }

    struct CLIFailure: Error, CustomStringConvertible {
        let description: String
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Every entry below the folder (recursively), to show nothing was added, removed or left behind.
    func entries() -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
    }

    func write(_ text: String, _ name: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    func read(_ name: String) -> String? {
        (try? Data(contentsOf: folder.appendingPathComponent(name))).map { String(decoding: $0, as: UTF8.self) }
    }

    func makeFolder(_ name: String, holding file: String) throws {
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        try write("keep me", "\(name)/\(file)")
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A command that writes one file named by `--out`.
enum FileWriter: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case issue = "issue --out"
    case bankImport = "bank import --out"
    case bankExport = "bank export --out"
    case trustList = "keys trust-list --out"
    case credential = "credential export --out"

    var testDescription: String { rawValue }

    fileprivate var needsKeys: Bool { [.issue, .trustList, .credential].contains(self) }

    fileprivate func arguments(out: String, scratch: Scratch) throws -> [String] {
        switch self {
        case .issue:
            return [
                "issue", "--record", "question-banks/examples/record-scored.json", "--keys", scratch.path("keys"),
                "--out", out,
            ]
        case .bankImport:
            try scratch.write(BankImportCommandTests.gift, "fragen.txt")
            return ["bank", "import", scratch.path("fragen.txt"), "--out", out]
        case .bankExport:
            return ["bank", "export", "question-banks/ozg-onlinedienste.yaml", "--format", "qti30", "--out", out]
        case .trustList:
            return ["keys", "trust-list", "--dir", scratch.path("keys"), "--out", out]
        case .credential:
            let pdf = scratch.path("zertifikat.pdf")
            if !FileManager.default.fileExists(atPath: pdf) {
                let issued = try Campus.run([
                    "issue", "--record", "question-banks/examples/record-scored.json", "--keys", scratch.path("keys"),
                    "--out", pdf,
                ])
                guard issued.status == 0 else { throw Scratch.CLIFailure(description: issued.stderr) }
            }
            return ["credential", "export", "--pdf", pdf, "--keys", scratch.path("keys"), "--out", out]
        }
    }
}

@Suite("Commands never delete or half-write what the user did not ask to replace")
struct FileSafetyTests {
    @Test("a one-character folder or file name relative to the working folder (keys init --dir k, issue --out c)")
    func oneCharacterNames() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        func run(_ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = Campus.executable
            process.arguments = arguments
            process.currentDirectoryURL = scratch.folder
            process.environment = ProcessInfo.processInfo.environment.merging(["CAMPUS_BASE_URL": Campus.base]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try run(["keys", "init", "--dir", "k"]) == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("k/issuer.key")))
        let record = Campus.repository.appendingPathComponent("question-banks/examples/record-scored.json").path
        #expect(try run(["issue", "--record", record, "--keys", "k", "--out", "c"]) == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("c")))
    }

    /// Runs `writer` and expects a refusal that names `named` and says `says`, with no foreign wording.
    private func expectRefusal(
        _ writer: FileWriter, out: String, force: Bool, scratch: Scratch, named: String, says: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = scratch.entries()
        let output = try Campus.run(try writer.arguments(out: out, scratch: scratch) + (force ? ["--force"] : []))
        let text = output.stdout + output.stderr
        #expect(output.status != 0, "\(text)", sourceLocation: sourceLocation)
        #expect(
            output.stderr.contains(named) && output.stderr.contains(says), "\(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("Error Domain") && !text.contains("NSCocoaErrorDomain"), sourceLocation: sourceLocation)
        // Nothing added (no temporary or partial file), nothing removed.
        #expect(scratch.entries() == before, "\(scratch.entries())", sourceLocation: sourceLocation)
    }

    @Test(
        "an existing file is refused without --force and kept, and replaced with --force",
        arguments: FileWriter.allCases)
    func existingFile(writer: FileWriter) throws {
        let scratch = try Scratch(keys: writer.needsKeys)
        defer { scratch.cleanUp() }
        _ = try writer.arguments(out: "", scratch: scratch)  // sources first, so entries compare like for like
        try scratch.write("old content", "target")
        try expectRefusal(
            writer, out: scratch.path("target"), force: false, scratch: scratch, named: scratch.path("target"),
            says: "exists already; choose another path or give --force")
        #expect(scratch.read("target") == "old content")
        let before = scratch.entries()
        let replaced = try Campus.run(try writer.arguments(out: scratch.path("target"), scratch: scratch) + ["--force"])
        #expect(replaced.status == 0, "\(replaced.stdout)\(replaced.stderr)")
        #expect(scratch.read("target") != "old content")
        #expect((scratch.read("target") ?? "").count > 100)
        // Issuing records the id in the issuer's registry (keys/registry.json); nothing else is added.
        #expect(scratch.entries().filter { $0 != "keys/registry.json" } == before.filter { $0 != "keys/registry.json" })
    }

    @Test("a folder is never replaced, not even with --force", arguments: FileWriter.allCases)
    func existingFolder(writer: FileWriter) throws {
        let scratch = try Scratch(keys: writer.needsKeys)
        defer { scratch.cleanUp() }
        _ = try writer.arguments(out: "", scratch: scratch)
        try scratch.makeFolder("target", holding: "inside.txt")
        for force in [false, true] {
            try expectRefusal(
                writer, out: scratch.path("target"), force: force, scratch: scratch, named: scratch.path("target"),
                says: "is a folder")
            #expect(scratch.read("target/inside.txt") == "keep me")
        }
    }

    @Test("a symbolic link to a folder is refused and the folder kept", arguments: FileWriter.allCases)
    func linkToFolder(writer: FileWriter) throws {
        let scratch = try Scratch(keys: writer.needsKeys)
        defer { scratch.cleanUp() }
        _ = try writer.arguments(out: "", scratch: scratch)
        try scratch.makeFolder("real", holding: "inside.txt")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("link"), withDestinationPath: scratch.path("real"))
        try expectRefusal(
            writer, out: scratch.path("link"), force: true, scratch: scratch, named: scratch.path("link"),
            says: "is a folder")
        #expect(scratch.read("real/inside.txt") == "keep me")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path("link")) == scratch.path("real"))
    }

    @Test("a missing folder, or a file used as a folder, is a clear error", arguments: FileWriter.allCases)
    func missingOrFileParent(writer: FileWriter) throws {
        let scratch = try Scratch(keys: writer.needsKeys)
        defer { scratch.cleanUp() }
        _ = try writer.arguments(out: "", scratch: scratch)
        try expectRefusal(
            writer, out: scratch.path("missing/out"), force: false, scratch: scratch, named: scratch.path("missing"),
            says: "does not exist; create it first")
        try scratch.write("plain", "plain")
        try expectRefusal(
            writer, out: scratch.path("plain/out"), force: true, scratch: scratch, named: scratch.path("plain"),
            says: "is not a folder")
        #expect(scratch.read("plain") == "plain")
    }

    @Test("a folder that cannot be written, even by root (/proc), is a clear error", arguments: FileWriter.allCases)
    func unwritableFolder(writer: FileWriter) throws {
        let scratch = try Scratch(keys: writer.needsKeys)
        defer { scratch.cleanUp() }
        _ = try writer.arguments(out: "", scratch: scratch)
        // /proc exists and is a folder, so the command gets as far as creating its temporary file there.
        #expect(FileManager.default.fileExists(atPath: "/proc/self"))
        let target = "/proc/campus-\(UUID().uuidString).out"
        try expectRefusal(
            writer, out: target, force: false, scratch: scratch, named: target,
            says: "cannot write into the folder /proc")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("keys init refuses a file as its folder, and replaces no key without --force")
    func keysInit() throws {
        let scratch = try Scratch(keys: true)
        defer { scratch.cleanUp() }
        try scratch.write("plain", "plain")
        let onFile = try Campus.run(["keys", "init", "--dir", scratch.path("plain")])
        #expect(onFile.status != 0)
        #expect(onFile.stderr.contains("\(scratch.path("plain")): is a file, not a folder"), "\(onFile.stderr)")
        #expect(scratch.read("plain") == "plain")

        let keys = ["keys/issuer.key", "keys/issuer.pem", "keys/root.pem"].map { scratch.read($0) }
        let before = scratch.entries()
        let again = try Campus.run(["keys", "init", "--dir", scratch.path("keys")])
        #expect(again.status != 0)
        // Every existing file is named at once, and none of them is touched.
        for name in ["issuer.key", "issuer.pem", "root.pem"] {
            #expect(again.stderr.contains("\(scratch.path("keys/\(name)")): exists already"), "\(again.stderr)")
        }
        #expect(["keys/issuer.key", "keys/issuer.pem", "keys/root.pem"].map { scratch.read($0) } == keys)
        #expect(scratch.entries() == before)

        let forced = try Campus.run(["keys", "init", "--dir", scratch.path("keys"), "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(scratch.read("keys/issuer.key") != keys[0])
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.path("keys/issuer.key"))[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
        #expect(scratch.entries() == before)
    }

    @Test("keys init never replaces a folder or a link to one where a key file goes, not even with --force")
    func keysInitFolderInPlace() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try scratch.makeFolder("keys/issuer.key", holding: "inside.txt")
        try scratch.makeFolder("real", holding: "inside.txt")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("keys/root.pem"), withDestinationPath: scratch.path("real"))
        let before = scratch.entries()
        let output = try Campus.run(["keys", "init", "--dir", scratch.path("keys"), "--force"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("\(scratch.path("keys/issuer.key")): is a folder"), "\(output.stderr)")
        #expect(output.stderr.contains("\(scratch.path("keys/root.pem")): is a folder"), "\(output.stderr)")
        #expect(scratch.entries() == before)
        #expect(scratch.read("keys/issuer.key/inside.txt") == "keep me")
        #expect(scratch.read("real/inside.txt") == "keep me")
    }

    @Test("keys init in a folder that cannot be created says why, for root too")
    func keysInitUncreatable() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try scratch.write("plain", "plain")
        for dir in [scratch.path("plain/keys"), "/proc/campus-\(UUID().uuidString)/keys"] {
            let output = try Campus.run(["keys", "init", "--dir", dir])
            #expect(output.status != 0)
            #expect(output.stderr.contains("\(dir): the folder cannot be created"), "\(output.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir))
        }
        #expect(scratch.read("plain") == "plain")
        #expect(scratch.entries() == ["plain"])
    }

    @Test("issue --out-dir refuses a file, creates a missing folder and replaces PDFs only with --force")
    func issueOutDir() throws {
        let scratch = try Scratch(keys: true)
        defer { scratch.cleanUp() }
        let gradebook = [
            "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", scratch.path("keys"),
        ]
        try scratch.write("plain", "plain")
        for dir in [scratch.path("plain"), scratch.path("plain/out")] {
            let before = scratch.entries()
            let output = try Campus.run(gradebook + ["--out-dir", dir, "--force"])
            #expect(output.status != 0)
            #expect(output.stderr.contains(dir) && output.stderr.contains("not a folder"), "\(output.stderr)")
            #expect(scratch.entries() == before)
        }
        #expect(scratch.read("plain") == "plain")
        let proc = "/proc/campus-\(UUID().uuidString)"
        let unwritable = try Campus.run(gradebook + ["--out-dir", proc])
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("\(proc): the folder cannot be created"), "\(unwritable.stderr)")

        let created = try Campus.run(gradebook + ["--out-dir", scratch.path("new/out")])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.path("new/out/l-0001.pdf")))

        try scratch.makeFolder("out", holding: "notes.txt")
        try scratch.write("old certificate", "out/l-0001.pdf")
        let before = scratch.entries()
        let refused = try Campus.run(gradebook + ["--out-dir", scratch.path("out")])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(scratch.path("out/l-0001.pdf")): exists already"), "\(refused.stderr)")
        #expect(scratch.read("out/l-0001.pdf") == "old certificate")
        // The other learners are issued; nothing that was there is changed or removed.
        #expect(Set(before).isSubset(of: Set(scratch.entries())))
        #expect(scratch.read("out/notes.txt") == "keep me")
        let replaced = try Campus.run(gradebook + ["--out-dir", scratch.path("out"), "--force"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(scratch.read("out/l-0001.pdf")?.hasPrefix("%PDF") == true)
        #expect(scratch.read("out/notes.txt") == "keep me")
    }

    @Test("no command shows a raw Foundation error for a bad path")
    func noFoundationErrors() throws {
        let scratch = try Scratch(keys: true)
        defer { scratch.cleanUp() }
        try scratch.write("plain", "plain")
        try scratch.makeFolder("folder", holding: "inside.txt")
        let keys = scratch.path("keys")
        let record = "question-banks/examples/record-scored.json"
        let bank = "question-banks/ozg-onlinedienste.yaml"
        let runs: [[String]] = [
            ["keys", "init", "--dir", scratch.path("plain")],
            ["keys", "init", "--dir", scratch.path("plain/keys")],
            ["keys", "init", "--dir", "/proc/campus-keys"],
            ["issue", "--record", record, "--keys", keys, "--out", scratch.path("folder"), "--force"],
            ["issue", "--record", record, "--keys", keys, "--out", scratch.path("plain/x.pdf")],
            ["issue", "--record", scratch.path("folder"), "--keys", keys, "--out", scratch.path("x.pdf")],
            ["issue", "--record", scratch.path("missing.json"), "--keys", keys, "--out", scratch.path("x.pdf")],
            ["issue", "--record", record, "--keys", scratch.path("plain"), "--out", scratch.path("x.pdf")],
            ["issue", "--record", record, "--keys", keys, "--out", "/proc/campus.pdf"],
            [
                "issue", "--gradebook", "question-banks/examples/gradebook.json", "--keys", keys, "--out-dir",
                scratch.path("plain"),
            ],
            ["issue", "--gradebook", scratch.path("folder"), "--keys", keys, "--out-dir", scratch.path("o")],
            ["grade", scratch.path("folder")],
            ["grade", scratch.path("missing.json")],
            ["bank", "export", bank, "--format", "qti30", "--out", scratch.path("folder"), "--force"],
            ["bank", "export", bank, "--format", "qti30", "--out", "/proc/campus.zip"],
            ["bank", "export", scratch.path("folder"), "--format", "qti30", "--out", scratch.path("x.zip")],
            ["bank", "import", bank, "--out", scratch.path("folder"), "--force"],
            ["bank", "import", scratch.path("folder"), "--out", scratch.path("x.yaml")],
            ["bank", "validate", scratch.path("missing.yaml")],
            ["exam", "draw", bank, "--count", "2", "--blueprint", scratch.path("folder")],
        ]
        for arguments in runs {
            let output = try Campus.run(arguments)
            let text = output.stdout + output.stderr
            #expect(output.status != 0, "\(arguments): \(text)")
            #expect(!text.contains("Error Domain") && !text.contains("NSCocoaErrorDomain"), "\(arguments): \(text)")
        }
        #expect(scratch.read("folder/inside.txt") == "keep me")
        #expect(scratch.read("plain") == "plain")
    }
}
