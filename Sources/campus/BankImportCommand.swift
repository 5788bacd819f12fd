import ArgumentParser
import Assessment
import Foundation
import Interchange

extension BankFormat: ExpressibleByArgument {}

/// `--format` of `campus bank import`: a format or `auto`.
enum ImportFormatChoice: ExpressibleByArgument, Equatable {
    case auto
    case format(BankFormat)

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let format = BankFormat(rawValue: argument) {
            self = .format(format)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["auto"] + BankFormat.allCases.map(\.rawValue) }
    var defaultValueDescription: String { "auto" }
}

extension BankCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert questions from Moodle, ILIAS, OpenOLAT/Onyx and QTI tools into a native bank.",
            discussion: """
                Reads GIFT, Moodle XML, Aiken, QTI 2.1 and 3.0 items, QTI content packages (zip with \
                imsmanifest.xml) and ILIAS question pool exports (xml or zip). With --format auto (the default) the \
                format is told from each file's content, not its name.

                For every source question one line says what happened:
                  FILE:LINE:COL: imported 'TITLE' as ID
                  FILE:LINE:COL: warning: 'TITLE' imported as ID: WHAT WAS APPROXIMATED
                  FILE:LINE:COL: skipped 'TITLE': REASON
                The last line is `imported N, warnings W, skipped S`: N questions are in the bank, W of them \
                with warnings, S were not imported.

                A file that cannot be parsed is reported as `FILE:LINE:COL: error: MESSAGE`; then no bank is \
                written and the exit status is 1. The exit status is 0 when at least one question was imported \
                and every file was parsed. The bank is written only then, and never over an existing file unless \
                --force is given. A file without questions (only categories or comments) prints `no questions \
                found in FILE`; when no file has any, nothing is written and the exit status is 0.

                Images the sources embed (Moodle XML <file>, files of QTI and ILIAS zip packages, data: URIs) are \
                written to media/ next to --out and referred to as ![alt](media/NAME); a file already there with \
                other content is never overwritten (the new one is renamed). An image the source does not hold \
                keeps its reference, with a warning saying where to put the file.
                """
        )

        @Argument(help: "Files to import (any mix of formats; zip packages are read directly).")
        var files: [String]

        @Option(help: "The source format: auto, gift, moodle-xml, aiken, qti21, qti30 or ilias.")
        var format: ImportFormatChoice = .auto

        @Option(help: "Where to write the native bank (YAML).")
        var out: String

        @Option(help: "Bank id (default: from the source's metadata or the --out file name).")
        var id: String?

        @Option(help: "Bank title (default: from the source, else the id).")
        var title: String?

        @Option(help: "Language tag of the questions (default: from the source, else de).")
        var language: String?

        @Option(help: "Education provider that owns the bank (default: from the source, else 'unbekannt').")
        var provider: String?

        @Option(name: .customLong("bank-version"), help: "Bank version (default: from the source, else 1.0.0).")
        var bankVersion: String?

        @Flag(help: "Overwrite --out if it exists.")
        var force = false

        func run() throws {
            try FileOutput.checkWritable(out, replace: force)
            let settings = BankImportSettings(
                id: id, title: title, language: language, provider: provider, version: bankVersion)
            do {
                try settings.validate()
            } catch {
                let flag = error.setting == .version ? "--bank-version" : "--\(error.setting.rawValue)"
                throw CLIError("\(flag) \(error.message)")
            }
            let chosen: BankFormat? = if case .format(let format) = format { format } else { nil }
            var imported: [ImportedFile] = []
            var failures = 0
            for (index, file) in files.enumerated() {
                if files.count > 1 { printError("[\(index + 1)/\(files.count)] reading \(file)") }
                do {
                    let data = try FileInput.read(file, limit: ZipPackage.maximumArchiveSize)
                    let read = try BankImport.read(name: file, data: data, format: chosen)
                    if read.questions.isEmpty { printError("no questions found in \(file)") }
                    imported.append(read)
                } catch let failure as FileInput.Failure {
                    failures += 1
                    print("\(file):1:1: error: \(failure.description.replacingOccurrences(of: "\(file): ", with: ""))")
                } catch let failure as ImportFailure {
                    failures += 1
                    print(failure.description)
                }
            }
            let defaultID = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
            let assembled = BankImport.assemble(
                imported, settings: settings, defaultID: defaultID,
                existingMedia: { path in BankCommand.existingFile(path, in: folder) })
            let (bank, outcomes) = (assembled.bank, assembled.outcomes)
            var warned = 0
            var skipped = 0
            for outcome in outcomes {
                switch outcome.status {
                case .imported(let item):
                    print("\(outcome.location): imported '\(outcome.label)' as \(item.id)")
                case .importedWithWarnings(let item, let warnings):
                    warned += 1
                    for warning in warnings {
                        print("\(outcome.location): warning: '\(outcome.label)' imported as \(item.id): \(warning)")
                    }
                case .skipped(let reason):
                    skipped += 1
                    print("\(outcome.location): skipped '\(outcome.label)': \(reason)")
                }
            }
            let importedCount = bank?.items.count ?? 0
            print("imported \(importedCount), warnings \(warned), skipped \(skipped)")
            if failures > 0 {
                printError("no bank written: \(failures) file\(failures == 1 ? "" : "s") could not be parsed")
                throw ExitCode(1)
            }
            guard let bank else {
                // Files without any question (only categories or comments) are not an error.
                if outcomes.isEmpty { return }
                printError("no bank written: no question could be imported")
                throw ExitCode(1)
            }
            let yaml: String
            do {
                yaml = try BankWriter.yaml(bank)
            } catch {
                throw CLIError("the bank could not be written: \(error.reason)")
            }
            if !assembled.media.isEmpty {
                let media = folder.appendingPathComponent("media").path
                switch FileOutput.existing(media) {
                case .folder, .nothing: break
                default:
                    throw CLIError(
                        "\(media): is not a folder (a link or a file); images are written only into a real "
                            + "media folder next to --out")
                }
            }
            do {
                for (path, data) in assembled.media.sorted(by: { $0.key < $1.key }) {
                    let target = folder.appendingPathComponent(path).path
                    try FileOutput.prepareFolder(FileOutput.parentFolder(of: target))
                    // The same image from an earlier import stays; a different file is never replaced (the
                    // import renamed the new one then).
                    if FileOutput.existing(target) == .file,
                        (try? FileInput.read(target, limit: BankMedia.maximumFileSize)) == data
                    {
                        continue
                    }
                    try FileOutput.write([UInt8](data), to: target, replace: false)
                }
            } catch {
                throw CLIError(error.description)
            }
            if !assembled.media.isEmpty {
                let count = assembled.media.count
                printError(
                    "wrote \(count) image\(count == 1 ? "" : "s") to \(folder.appendingPathComponent("media").path)")
            }
            try FileOutput.write(yaml, to: out, replace: force)
            printError(
                "wrote \(out) (bank '\(bank.id)', \(bank.items.count) items); check it with: campus bank validate \(out)"
            )
        }
    }

    /// The bytes of the file at the bank-relative `path` in `folder`, if there is a regular file (bounded).
    fileprivate static func existingFile(_ path: String, in folder: URL) -> Data? {
        let target = folder.appendingPathComponent(path).path
        // lstat: a symbolic link (even a dangling one) is something there, never written through.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else { return nil }
        // A folder, a link or an unreadable file there is never overwritten: report it as different bytes.
        guard attributes[.type] as? FileAttributeType == .typeRegular,
            let data = try? FileInput.read(target, limit: BankMedia.maximumFileSize)
        else { return Data([0]) }
        return data
    }
}

extension BankCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a bank as a QTI content package (zip) that LMSs and `campus bank import` read.",
            discussion: """
                Every item type is written with standard QTI interactions and response processing; texts are \
                rendered as XHTML (the exact Markdown is kept for our own import), and the images the bank refers \
                to (media/...) are packed with the items. `campus bank import` reads the package back to the same \
                bank and images.
                """
        )

        @Argument(help: "The native bank file (YAML).")
        var bank: String

        @Option(help: "qti30 (1EdTech QTI 3.0) or qti21 (IMS QTI 2.1).")
        var format: QTIVersion

        @Option(help: "Where to write the zip package.")
        var out: String

        @Flag(help: "Overwrite --out if it exists.")
        var force = false

        func run() throws {
            try FileOutput.checkWritable(out, replace: force)
            let result = FileInput.readBank(bank)
            for problem in result.problems { print(problem) }
            guard let parsed = result.bank, result.problems.isEmpty else {
                printError("no package written: fix the bank first")
                throw ExitCode(1)
            }
            let folder = URL(fileURLWithPath: bank).deletingLastPathComponent()
            var media: [String: Data] = [:]
            var total = 0
            let root = folder.resolvingSymlinksInPath().path + "/"
            for path in BankMedia.references(in: parsed) {
                let file = folder.appendingPathComponent(path).path
                // A link may not bring a file from outside the bank's folder into the package.
                guard URL(fileURLWithPath: file).resolvingSymlinksInPath().path.hasPrefix(root) else {
                    throw CLIError("image \(path): leads outside the bank's folder through a symbolic link")
                }
                let data: Data
                do {
                    data = try FileInput.read(file, limit: BankMedia.maximumFileSize)
                } catch {
                    throw CLIError("image \(path): \(error.description)")
                }
                total += data.count
                guard total <= BankMedia.maximumTotalSize else {
                    throw CLIError(
                        "the bank's images are larger than \(BankMedia.maximumTotalSize / 1_000_000) MB together")
                }
                media[path] = data
            }
            let data: Data
            do {
                data = try QTIExporter.package(parsed, version: format, media: media)
            } catch {
                throw CLIError("the package could not be written: \(FileOutput.reason(of: error))")
            }
            try FileOutput.write([UInt8](data), to: out, replace: force)
            print("exported \(parsed.items.count) items of bank '\(parsed.id)' as \(format.rawValue) to \(out)")
        }
    }
}

extension QTIVersion: ExpressibleByArgument {}
