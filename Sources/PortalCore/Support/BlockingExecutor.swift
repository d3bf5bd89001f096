import Foundation
import GeoModel

/// Threads of their own for blocking work: SQLite reads and writes, file output, and the
/// CPU-parallel loops of the engines (`DispatchQueue.concurrentPerform`).
///
/// Swift's cooperative thread pool has one thread per core; a task that blocks one of them (on
/// disk, a lock or a parallel loop) starves every other task, and a server stops accepting
/// requests. ``run(_:)`` hands the work to one of these threads and suspends the calling task
/// until it is done, so the cooperative pool stays free.
public final class BlockingExecutor: @unchecked Sendable {
    /// The executor the core's async entry points use: as many threads as the machine has cores
    /// (at least two), so that that many use cases run at once and more wait their turn.
    public static let shared = BlockingExecutor(threads: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let jobs = WorkQueue<() -> Void>()

    /// Starts `threads` threads (at least one) that live as long as the process (they keep the
    /// executor alive).
    public init(threads: Int) {
        for index in 0..<max(1, threads) {
            let thread = Thread { self.work() }
            thread.name = "qamtu-blocking-\(index)"
            thread.start()
        }
    }

    /// Whether the calling code runs on a thread of an executor (or a detached stream thread),
    /// not on Swift's cooperative pool.
    public static var isOnOwnThread: Bool { Thread.current.threadDictionary[ownThreadKey] as? Bool == true }

    private static let ownThreadKey = "qamtu.blocking-executor"

    private func work() {
        Thread.current.threadDictionary[Self.ownThreadKey] = true
        while true { jobs.take()() }
    }

    /// Queues `job` for one of the threads.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.put(job)
    }

    /// Runs `job` on a thread of its own, outside the executor: for work that may wait for a
    /// slow reader (a streamed export blocked on backpressure), which must not hold one of the
    /// executor's threads while other use cases queue behind it.
    public static func detach(_ job: @escaping @Sendable () -> Void) {
        let thread = Thread {
            Thread.current.threadDictionary[ownThreadKey] = true
            job()
        }
        thread.name = "qamtu-stream"
        thread.start()
    }

    /// Runs `body` on one of the executor's threads and returns its result; the calling task is
    /// suspended (not blocked) meanwhile.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            submit {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
