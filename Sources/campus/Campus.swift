import ArgumentParser
import Foundation

@main
struct Campus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campus",
        abstract: "KommunalCampus: question banks, self-tests, exams, grading and certificates.",
        discussion: """
            Question banks are YAML files (see question-banks/README.md). Typical use:

              campus bank validate question-banks/
              campus quiz question-banks/datenschutz-dsgvo.yaml --count 10
              campus exam draw question-banks/ozg-onlinedienste.yaml --count 12 --seed 2026-11-23
              campus grade question-banks/examples/gradebook.json
              campus keys init --dir keys --base https://campus.example.de
              campus issue --gradebook question-banks/examples/gradebook.json --keys keys --out-dir out
              campus verify out/l-0001.pdf --trust keys/root.pem
              campus serve --demo
            """,
        subcommands: [
            BankCommand.self, QuizCommand.self, ExamCommand.self, GradeCommand.self, KeysCommand.self,
            IssueCommand.self, VerifyCommand.self, StatusCommand.self, BenchCommand.self, ServeCommand.self,
            AuditCommand.self, CredentialCommand.self,
        ]
    )

    /// Runs the command; `campus verify` reports usage errors with exit status 2 (its documented contract).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            if CommandLine.arguments.dropFirst().first == "verify", exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
