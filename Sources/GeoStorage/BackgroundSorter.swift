import Foundation

/// An ``ExternalSorter`` on a thread of its own: the caller adds values as it produces them
/// (handed over in batches), the thread sorts and spills the runs meanwhile, and ``sorted(_:)``
/// then streams the merged values back in batches while the caller uses them. The caller's
/// thread (a database connection's) does none of the sorting.
///
/// Memory is bounded as the sorter's: one run, a read buffer per spilled run, and at most a few
/// batches waiting in each direction. ``stop()`` ends the thread early (on any error of the
/// caller) and waits for it, so that the sorter's temporary files are closed.
final class BackgroundSorter<Element: BitwiseCopyable>: @unchecked Sendable {
    /// Values per batch handed over, in either direction.
    let batchSize: Int
    private let input = BatchQueue<[Element]>(capacity: 4)
    private let output = BatchQueue<[Element]>(capacity: 4)
    private let done = DispatchSemaphore(value: 0)
    /// What stopped the thread (set before it releases the queues).
    private var failure: (any Error)?
    private var pending: [Element] = []
    private var stopped = false

    /// Starts the thread.
    /// - Parameters:
    ///   - runLength: values per run of the sorter.
    ///   - batchSize: values per batch handed over.
    ///   - areInIncreasingOrder: a strict total order of the values.
    init(runLength: Int = 32_768, batchSize: Int = 4_096, by areInIncreasingOrder: @escaping (Element, Element) -> Bool) {
        self.batchSize = max(1, batchSize)
        let work = Work(sorter: ExternalSorter(runLength: runLength, by: areInIncreasingOrder))
        let thread = Thread { [self] in
            do {
                try sort(work.sorter)
            } catch {
                failure = error
            }
            // A failure releases a caller waiting to add or to take.
            input.cancel()
            output.finish()
            done.signal()
        }
        thread.name = "qamtu-sort"
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit { stop() }

    /// The thread: adds what comes in, then hands the values out in order.
    private func sort(_ sorter: ExternalSorter<Element>) throws {
        while let batch = input.take() {
            for value in batch { try sorter.add(value) }
        }
        guard !input.isCancelled else { return }
        var batch: [Element] = []
        batch.reserveCapacity(batchSize)
        try sorter.sorted { value in
            batch.append(value)
            if batch.count == batchSize {
                guard output.put(batch) else { throw Cancelled() }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = output.put(batch) }
    }

    /// Adds a value.
    /// - Throws: what stopped the thread (`StorageError.temporaryFile` when a run could not be written).
    func add(_ value: Element) throws {
        if pending.isEmpty { pending.reserveCapacity(batchSize) }
        pending.append(value)
        if pending.count == batchSize { try handOver() }
    }

    private func handOver() throws {
        guard !pending.isEmpty else { return }
        guard input.put(pending) else { throw stoppedError() }
        pending = []
    }

    /// Hands every value added to `body` in sorted order (no more may be added).
    /// - Throws: what stopped the thread; whatever `body` throws.
    func sorted(_ body: (Element) throws -> Void) throws {
        try handOver()
        input.finish()
        while let batch = output.take() {
            for value in batch { try body(value) }
        }
        stop()
        if let failure { throw failure }
    }

    /// Ends the thread (dropping what waits) and waits for it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        input.cancel()
        output.cancel()
        done.wait()
    }

    /// The error to report when the thread no longer takes values.
    private func stoppedError() -> any Error {
        stop()
        // The semaphore orders the thread's write of `failure` before this read.
        return failure ?? StorageError.temporaryFile(reason: "the sorting thread stopped")
    }

    /// The caller stopped taking.
    private struct Cancelled: Error {}

    /// Hands the (non-Sendable) sorter to the thread, which alone uses it.
    private final class Work: @unchecked Sendable {
        let sorter: ExternalSorter<Element>
        init(sorter: ExternalSorter<Element>) { self.sorter = sorter }
    }
}
