import Foundation
import GeoModel

/// Threads of their own for the async side of ``BlockingBridge``: the tasks that talk to
/// PostgreSQL (queries, the connection pool's run loop) prefer this executor, so that they never
/// need Swift's cooperative pool.
///
/// The store's blocking methods may be called from a thread of that pool (a test body, an async
/// caller that does not use the core's `BlockingExecutor`); with every pool thread waiting for a
/// query whose continuation needed the pool, nothing would run. Jobs here never block (they
/// await postgres-nio and hand rows over), so two threads serve every connection.
final class BridgeExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor of every PostGIS database of the process.
    static let shared = BridgeExecutor(threads: 2)

    private let jobs = WorkQueue<UnownedJob>()

    private init(threads: Int) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "qamtu-postgis-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        jobs.put(UnownedJob(job))
    }

    private func work() {
        while true {
            jobs.take().runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
