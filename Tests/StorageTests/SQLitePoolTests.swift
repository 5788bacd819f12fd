import Foundation
import TestSupport
import Testing

@testable import Storage

/// The SQLite pool closes every connection it opened, also one the background checkpoint gives back while the
/// pool is being closed (a connection dropped unclosed stops the process).
@Suite("SQLite connection pool")
struct SQLitePoolTests {
    @Test("closing while checkpoints run closes every connection, whoever gives it back last")
    func closeDuringCheckpoints() async throws {
        for round in 0..<60 {
            let location = try await TestDatabase.make(.sqlite)
            defer { TestDatabase.discard(location) }
            guard case .sqlite(let path) = location else { return }
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let pool = SQLitePool(path: path, logger: TestDatabase.logger)
            // Several idle connections: closing them takes a while, and a checkpoint gives its own back meanwhile.
            var opened = [try await pool.acquire()]
            for _ in 0..<4 { opened.append(try await pool.acquire()) }
            for connection in opened { await pool.release(connection) }
            opened.removeAll()
            async let checkpoints: Void = {
                for _ in 0..<3 { await pool.checkpoint() }
            }()
            if round % 2 == 0 { await Task.yield() }
            await pool.closeAll()
            await checkpoints
        }
    }
}
