import Foundation

/// An ``ExternalSorter`` on a thread of its own: the caller adds values as it produces them
/// (handed over in batches), the thread sorts and spills the runs meanwhile, and the merged
/// values then come back in batches (``next()`` or ``sorted(_:)``) while the caller uses them.
/// The caller's thread (a database connection's) does none of the sorting.
///
/// Memory is bounded as the sorter's: one run, a read buffer per spilled run, and at most a few
/// batches waiting in each direction. ``stop()`` (or releasing the sorter) ends the thread early
/// and waits for it, so that the sorter's temporary files are closed.
final class BackgroundSorter<Element: BitwiseCopyable> {
    /// Values per batch handed over, in either direction.
    let batchSize: Int
    /// Values added so far.
    private(set) var count = 0
    private let input: BatchQueue<[Element]>
    private let output: BatchQueue<[Element]>
    private let done = DispatchSemaphore(value: 0)
    private let failure = FailureBox()
    private var pending: [Element] = []
    private var taking: [Element] = []
    private var takingIndex = 0
    private var addingEnded = false
    private var stopped = false

    /// Starts the thread.
    /// - Parameters:
    ///   - runLength: values per run of the sorter.
    ///   - batchSize: values per batch handed over.
    ///   - areInIncreasingOrder: a strict total order of the values.
    init(runLength: Int = 32_768, batchSize: Int = 4_096, by areInIncreasingOrder: @escaping (Element, Element) -> Bool) {
        self.batchSize = max(1, batchSize)
        let input = BatchQueue<[Element]>(capacity: 4)
        let output = BatchQueue<[Element]>(capacity: 4)
        self.input = input
        self.output = output
        // The thread holds the queues, not the sorter: releasing the sorter stops it.
        let work = Work(sorter: ExternalSorter(runLength: runLength, by: areInIncreasingOrder), batchSize: self.batchSize,
                        input: input, output: output, failure: failure, done: done)
        let thread = Thread { work.run() }
        thread.name = "qamtu-sort"
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit { stop() }

    /// Adds a value.
    /// - Throws: what stopped the thread (`StorageError.temporaryFile` when a run could not be
    ///   written); `StorageError.temporaryFile` too when values are added after the merge began.
    func add(_ value: Element) throws {
        guard !addingEnded else { throw StorageError.temporaryFile(reason: "a value was added to a sort already merged") }
        if pending.isEmpty { pending.reserveCapacity(batchSize) }
        pending.append(value)
        count += 1
        if pending.count == batchSize { try handOver() }
    }

    private func handOver() throws {
        guard !pending.isEmpty else { return }
        guard input.put(pending) else { throw stoppedError() }
        pending = []
    }

    /// The next value in sorted order (the first call ends the adding); nil after the last.
    /// - Throws: what stopped the thread.
    func next() throws -> Element? {
        if !addingEnded {
            try handOver()
            addingEnded = true
            input.finish()
        }
        if takingIndex == taking.count {
            guard let batch = output.take() else {
                stop()
                if let error = failure.error { throw error }
                return nil
            }
            taking = batch
            takingIndex = 0
        }
        defer { takingIndex += 1 }
        return taking[takingIndex]
    }

    /// Hands every value added to `body` in sorted order (no more may be added).
    /// - Throws: what stopped the thread; whatever `body` throws.
    func sorted(_ body: (Element) throws -> Void) throws {
        while let value = try next() { try body(value) }
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
        return failure.error ?? StorageError.temporaryFile(reason: "the sorting thread stopped")
    }

    /// What stopped the thread; written by it before it signals its end, read after.
    private final class FailureBox: @unchecked Sendable {
        var error: (any Error)?
    }

    /// The caller stopped taking.
    private struct Cancelled: Error {}

    /// The thread's side; only it touches the sorter.
    private final class Work: @unchecked Sendable {
        let sorter: ExternalSorter<Element>
        let batchSize: Int
        let input: BatchQueue<[Element]>
        let output: BatchQueue<[Element]>
        let failure: FailureBox
        let done: DispatchSemaphore

        init(sorter: ExternalSorter<Element>, batchSize: Int, input: BatchQueue<[Element]>, output: BatchQueue<[Element]>,
             failure: FailureBox, done: DispatchSemaphore) {
            self.sorter = sorter
            self.batchSize = batchSize
            self.input = input
            self.output = output
            self.failure = failure
            self.done = done
        }

        func run() {
            do {
                try sort()
            } catch {
                failure.error = error
            }
            // A failure releases a caller waiting to add or to take.
            input.cancel()
            output.finish()
            done.signal()
        }

        /// Adds what comes in, then hands the values out in order.
        private func sort() throws {
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
    }
}
