import ArgumentParser
import Assessment
import Foundation

struct ExamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exam",
        abstract: "Assemble exams from question banks.",
        subcommands: [Draw.self]
    )

    struct Draw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw an exam deterministically: the same bank version, blueprint and seed give the same exam.",
            discussion: """
                A proctor can replay a draw with the same seed. The JSON output lists the drawn item ids \
                in order, each with the display order of its options (matching responses, ordering elements).
                """
        )

        @Argument(help: "The question bank file.")
        var bank: String

        @Option(help: "Blueprint file (YAML or JSON) naming the pools to draw from.")
        var blueprint: String?

        @Option(help: "Draw this many items from the whole bank instead of a blueprint.")
        var count: Int?

        @Option(help: "Seed text; the same seed replays the same exam.")
        var seed: String

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard (blueprint == nil) != (count == nil) else {
                throw ValidationError("Give either --blueprint FILE or --count N.")
            }
            if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
        }

        func run() throws {
            let bank = try loadBank(bank)
            let plan: Blueprint
            if let blueprint {
                let data = try FileInput.read(blueprint, limit: 1_000_000)
                do {
                    plan = try Blueprint.parse(String(decoding: data, as: UTF8.self), file: blueprint)
                } catch {
                    throw CLIError(error.reason)
                }
            } else {
                plan = .random(count: count ?? 1)
            }
            let draw: ExamDraw
            do {
                draw = try ExamDraw(bank: bank, blueprint: plan, seed: seed)
            } catch {
                throw CLIError(error.reason)
            }
            if json {
                let output = DrawOutput(
                    bank: draw.bankID, bankVersion: draw.bankVersion, seed: draw.seed,
                    timeLimitMinutes: plan.timeLimit.map { Int($0.components.seconds / 60) },
                    attemptLimit: plan.attemptLimit, passThreshold: plan.passThreshold.doubleValue,
                    items: draw.items.map { DrawOutput.Item(id: $0.itemID, optionOrder: $0.choiceOrder) })
                print(try JSONOutput.encode(output))
            } else {
                print(
                    "\(bank.title) (\(draw.bankID) \(draw.bankVersion)), seed \(draw.seed): \(draw.items.count) items")
                for (index, drawn) in draw.items.enumerated() {
                    let order = drawn.choiceOrder.isEmpty ? "" : "  order: \(drawn.choiceOrder.joined(separator: " "))"
                    print("\(String(index + 1).leftPadded(to: 3)). \(drawn.itemID)\(order)")
                }
            }
        }
    }
}

struct DrawOutput: Encodable {
    struct Item: Encodable {
        let id: String
        let optionOrder: [String]
    }
    let bank: String
    let bankVersion: String
    let seed: String
    let timeLimitMinutes: Int?
    let attemptLimit: Int?
    let passThreshold: Double
    let items: [Item]
}

/// Loads a bank or fails with every problem listed.
func loadBank(_ path: String) throws -> Bank {
    let result = FileInput.readBank(path)
    guard let bank = result.bank else {
        throw CLIError(
            result.problems.map(\.description).joined(separator: "\n")
                + "\n\(path) has \(result.problems.count) problem(s); run `campus bank validate \(path)`")
    }
    return bank
}

/// A failure reported to the user as one message and exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum JSONOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
