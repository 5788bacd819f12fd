import ArgumentParser
import Assessment
import Certificates
import Foundation

struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Decide the certificate tier each learner of a course earned.",
        discussion: """
            Reads a gradebook (format in README.md, example in question-banks/examples/gradebook.json) and \
            prints, per learner, every tier met and why the next one was not. A learner with a bad entry \
            is reported with the field at fault and does not stop the others; the exit status is then 1.
            """
    )

    @Argument(help: "The gradebook JSON file.")
    var gradebook: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let data = try JSONInput.read(gradebook, limit: Gradebook.maximumSize)
        let book: Gradebook
        do {
            book = try Gradebook.parse(data)
        } catch {
            throw JSONInput.failure(gradebook, error.reason)
        }
        let report = GradeReport(book)
        let (graded, invalid) = (report.learners, report.invalid)
        if json {
            print(try JSONOutput.encode(report))
        } else {
            // Names, titles and ids come from the gradebook: escape what a terminal would act on.
            func say(_ line: String) { print(TerminalSafe.text(line)) }
            say("\(book.course.title) — \(book.course.provider) (\(book.course.start) – \(book.course.end))")
            for learner in graded {
                let tier = learner.tier.flatMap(Tier.init(rawValue:))
                var headline = "\(learner.id)  \(learner.name): "
                if !learner.awaitingGrading.isEmpty {
                    say(headline + "awaiting grading — \(learner.awaitingGrading.joined(separator: "; "))")
                    continue
                }
                headline += tier.map { "\($0.germanName) (\($0.rawValue))" } ?? "no tier"
                if let ects = learner.ects { headline += ", \(Self.show(ects)) ECTS" }
                headline +=
                    " — \(Self.show(learner.percent)) % (\(Self.show(learner.points))/\(Self.show(learner.maximum)) points)"
                say(headline)
                if !learner.reasonsMet.isEmpty { say("    met: \(learner.reasonsMet.joined(separator: "; "))") }
                if !learner.reasonsNotNext.isEmpty {
                    let next =
                        tier.flatMap { current in Tier.allCases.first { $0 > current } }
                        ?? (tier == nil ? .attendance : nil)
                    say("    not \(next?.rawValue ?? "next"): \(learner.reasonsNotNext.joined(separator: "; "))")
                }
            }
            for entry in invalid { say("\(entry.learner): error: \(entry.problem)") }
            let pending = graded.count { !$0.awaitingGrading.isEmpty }
            let counts = Tier.allCases.reversed().map { tier in
                "\(tier.rawValue) \(graded.count { $0.tier == tier.rawValue })"
            }
            say(
                "\(graded.count + invalid.count) learners: \(counts.joined(separator: ", ")), "
                    + "no tier \(graded.count { $0.tier == nil && $0.awaitingGrading.isEmpty }), "
                    + (pending > 0 ? "awaiting grading \(pending), " : "") + "invalid \(invalid.count)")
        }
        if !invalid.isEmpty { throw ExitCode(1) }
    }

    /// Rounded to 2 decimals for people; JSON carries 4.
    private static func show(_ value: Decimal) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 2, .plain)
        return "\(rounded)"
    }
}
