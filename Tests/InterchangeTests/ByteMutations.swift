@testable import Assessment
@testable import Interchange

/// Seeded byte mutations shared by the importers' fuzz tests.
enum ByteMutations {
    /// `bytes` after 1 to `maximumEdits` edits, each one of: overwrite a byte with a random byte, delete a run,
    /// duplicate a run, cut off the tail, or insert one of `tokens` (the format's syntax, to reach deep paths).
    static func mutate(
        _ bytes: [UInt8], using generator: inout SeededGenerator, tokens: [String], maximumEdits: Int = 4,
        maximumRun: Int = 40
    ) -> [UInt8] {
        let tokens = tokens.map { Array($0.utf8) }
        var bytes = bytes
        for _ in 0..<(1 + generator.uniform(below: maximumEdits)) {
            guard !bytes.isEmpty else { break }
            let position = generator.uniform(below: bytes.count)
            let run = min(bytes.count, position + 1 + generator.uniform(below: maximumRun))
            switch generator.uniform(below: 5) {
            case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            case 1: bytes.removeSubrange(position..<run)
            case 2: bytes.insert(contentsOf: bytes[position..<run], at: position)
            case 3: bytes.removeSubrange(position...)
            default: bytes.insert(contentsOf: tokens[generator.uniform(below: tokens.count)], at: position)
            }
        }
        return bytes
    }
}
