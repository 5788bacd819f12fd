import ArgumentParser

@main
struct Campus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campus",
        abstract: "KommunalCampus: question banks, self-tests, exams, grading and certificates.",
        discussion: """
            Question banks are YAML files (see question-banks/README.md). Typical use:

              campus bank validate question-banks/
              campus quiz question-banks/datenschutz-dsgvo.yaml --count 10
              campus exam draw question-banks/ozg-onlinedienste.yaml --count 12 --seed 2026-11-23
              campus grade question-banks/examples/gradebook.json
            """,
        subcommands: [
            BankCommand.self, QuizCommand.self, ExamCommand.self, GradeCommand.self, KeysCommand.self,
            IssueCommand.self,
            BenchCommand.self,
        ]
    )
}
