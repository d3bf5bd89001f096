import Foundation

/// Runs async work from a thread that may block: the store's methods are synchronous and are
/// called on threads of the core's `BlockingExecutor` (or the CLI's main thread), never on Swift's
/// cooperative pool, so they may wait for an async postgres-nio call here without starving it.
///
/// The async work runs on ``BridgeExecutor``'s threads, never on the cooperative pool, so a
/// caller that is itself on a cooperative thread (a test body) does not starve the work it waits
/// for; it still holds that thread while it waits, so async code should go through the core's
/// `BlockingExecutor` as it does for every store. Never call it from a ``BridgeExecutor`` job.
enum BlockingBridge {
    /// The result of the async work, handed from its task to the waiting thread.
    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// Runs `operation` in a task of its own and blocks the calling thread until it ends.
    /// - Returns: what `operation` returns.
    /// - Throws: what `operation` throws.
    static func run<T>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: BridgeExecutor.shared) {
            do { outcome.result = .success(try await operation()) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        done.wait()
        // The semaphore orders the task's write before this read.
        guard let result = outcome.result else { throw PostGISError.server(message: "async work ended without a result", sqlState: nil, sql: nil) }
        return try result.get()
    }
}
