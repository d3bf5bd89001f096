import Foundation

/// Runs async work from a synchronous command (the CLI's root is synchronous): the calling thread
/// waits while the work runs on Swift's cooperative pool, which it never blocks.
enum AsyncBridge {
    /// Runs `body` to completion and returns or rethrows its outcome.
    static func wait(_ body: @escaping @Sendable () async throws -> Void) throws {
        final class Outcome: @unchecked Sendable { var error: (any Error)? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await body() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}
