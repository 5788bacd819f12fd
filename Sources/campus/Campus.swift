import ArgumentParser

@main
struct Campus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campus",
        abstract: "KommunalCampus: question banks, exams, scoring and certificates."
    )
}
