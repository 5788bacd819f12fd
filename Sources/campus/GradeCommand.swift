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
        let rules = book.course.rules
        var graded: [GradeOutput.Learner] = []
        var invalid: [GradeOutput.Invalid] = []
        for entry in book.entries {
            switch entry {
            case .learner(let learner, _):
                let result = rules.grade(learner)
                graded.append(
                    GradeOutput.Learner(
                        id: learner.id, name: learner.name, tier: result.highest?.rawValue,
                        tiersMet: result.tiersMet.map(\.rawValue), points: result.points.jsonNumber,
                        maximum: result.maximum.jsonNumber, percent: result.percent.jsonNumber,
                        contentViewed: learner.contentViewed.jsonNumber, ects: result.ects?.jsonNumber,
                        reasonsMet: result.reasonsMet, reasonsNotNext: result.reasonsNotNext,
                        awaitingGrading: result.awaitingGrading))
            case .invalid(let label, let problem):
                invalid.append(GradeOutput.Invalid(learner: label, problem: problem))
            }
        }
        if json {
            let output = GradeOutput(
                course: GradeOutput.Course(
                    id: book.course.id, title: book.course.title, provider: book.course.provider,
                    ects: rules.ects?.jsonNumber,
                    thresholds: [
                        "attendance": rules.thresholds.attendance.jsonNumber,
                        "scored": rules.thresholds.scored.jsonNumber,
                        "qualified": rules.thresholds.qualified.jsonNumber,
                    ]),
                learners: graded, invalid: invalid)
            print(try JSONOutput.encode(output))
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

struct GradeOutput: Encodable {
    struct Course: Encodable {
        let id, title, provider: String
        let ects: Decimal?
        let thresholds: [String: Decimal]
    }
    struct Learner: Encodable {
        let id, name: String
        let tier: String?
        let tiersMet: [String]
        let points, maximum, percent, contentViewed: Decimal
        let ects: Decimal?
        let reasonsMet, reasonsNotNext: [String]
        let awaitingGrading: [String]
    }
    struct Invalid: Encodable {
        let learner, problem: String
    }
    let course: Course
    let learners: [Learner]
    let invalid: [Invalid]
}

extension Rational {
    /// Rounded to 4 decimals for JSON and display; decisions are made on the exact value.
    var jsonNumber: Decimal {
        Decimal(string: formatted(places: 4), locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }
}
