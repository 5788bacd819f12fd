import Foundation
import Logging
import Storage

/// The sample banks `campus serve --demo` offers the demo provider.
enum DemoBanks {
    /// Where the sample banks are looked for: `question-banks/` under the working directory (the repository's
    /// folder when the service is started from a checkout).
    static let folder = "question-banks"

    /// Stores every `question-banks/*.yaml` as version 1 of a bank of the demo organisation, when that organisation
    /// has no bank yet (so a restart adds nothing, and a provider's own versions stay the newest). A missing
    /// folder or a bank that does not validate is a warning in the log: the service starts without it.
    static func load(site: Site) async {
        let organisation = DemoData.organisation
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(folder)
        do {
            guard try await site.database.banks.latestVersions(organisation: organisation.id).isEmpty else { return }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
                site.logger.warning(
                    "demo banks not loaded: no folder question-banks/ in the working directory",
                    metadata: ["folder": "\(directory.path)"])
                return
            }
            for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
                let path = directory.appendingPathComponent(name).path
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                guard attributes?[.type] as? FileAttributeType == .typeRegular,
                    let size = attributes?[.size] as? Int, size <= Limits.bank,
                    let data = FileManager.default.contents(atPath: path)
                else {
                    site.logger.warning(
                        "demo bank skipped: not a readable file of at most 5 MB", metadata: ["file": "\(path)"])
                    continue
                }
                switch BankUpload.check(
                    Array(data), name: name, format: .yaml, bankID: nil, provider: organisation.name)
                {
                case .refused(let report):
                    site.logger.warning(
                        "demo bank skipped: it does not validate",
                        metadata: ["file": "\(path)", "problems": "\(report.errors)"])
                case .accepted(let accepted):
                    let (version, _) = try await site.database.banks.add(
                        organisation: organisation.id, bankID: accepted.bank.id, title: accepted.bank.title,
                        sourceFormat: accepted.format, sourceName: name, yaml: accepted.yaml,
                        itemCount: accepted.bank.items.count, report: accepted.report.stored, actor: "system")
                    // The demo's quality board approved the sample banks, so the demo course may use them for
                    // homework and the final exam. Another node starting at once may have approved it first.
                    if try await site.database.reviews.state(
                        organisation: organisation.id, bankID: version.bankID, version: version.version) == .draft
                    {
                        do {
                            try await site.database.reviews.decide(
                                organisation: organisation.id, bankID: version.bankID, version: version.version,
                                approve: true, comment: "Beispiel-Fragenpool der Demo", reviewer: DemoData.reviewer)
                        } catch let error as StorageError where error.code == .conflict {}
                    }
                    site.logger.info(
                        "demo bank loaded",
                        metadata: ["bank": "\(version.bankID)", "version": "\(version.version)"])
                }
            }
        } catch {
            site.logger.warning("demo banks not loaded", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
