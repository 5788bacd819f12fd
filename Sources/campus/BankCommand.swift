import ArgumentParser
import Assessment

struct BankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Work with question banks.",
        subcommands: [Validate.self, Import.self, Export.self, Stats.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check question bank files and folders; print every problem with file, line and column.",
            discussion: """
                Folders are searched recursively for *.yaml and *.yml files (*.blueprint.yaml files are \
                skipped); a folder without any is a problem. Each problem is printed as \
                `file:line:column: error: message`; the last line is always the summary \
                `N banks, M items, K problems`. Exit status 0 when every bank is valid, 1 otherwise.
                """
        )

        @Argument(help: "Bank files or folders.")
        var paths: [String]

        func run() throws {
            let (files, emptyFolders) = FileInput.bankFiles(in: paths)
            var items = 0
            var problems = 0
            for folder in emptyFolders {
                print("\(folder): error: no bank files (*.yaml, *.yml) under \(folder)")
                problems += 1
            }
            for file in files {
                let result = FileInput.readBank(file)
                items += result.itemCount
                problems += result.problems.count
                for problem in result.problems { print(problem) }
            }
            print("\(files.count) banks, \(items) items, \(problems) problems")
            if problems > 0 || files.isEmpty { throw ExitCode(1) }
        }
    }
}
