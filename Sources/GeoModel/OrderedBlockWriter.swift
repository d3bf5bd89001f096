import Foundation

/// Hands out block indices to worker threads and lets each worker write its finished block to an
/// ``OutputSink`` in index order: the worker holding block `k` waits until blocks `0..<k` are
/// written. Formatting therefore goes on in the other workers while one writes, the output is the
/// same as a sequential run, and memory holds one block per worker.
///
/// ```swift
/// let blocks = OrderedBlockWriter(sink: sink, blockCount: n)
/// DispatchQueue.concurrentPerform(iterations: 2) { _ in
///     var buffer = JSONBuffer(capacity: 1 << 20)
///     while let k = blocks.claim() {
///         buffer.removeAll()
///         format(block: k, into: &buffer)
///         do { try blocks.write(block: k) { sink throws(GeoModelError) in try sink.drain(&buffer) } }
///         catch { blocks.fail(error); return }
///     }
/// }
/// try blocks.finish()
/// ```
/// After a failure every worker stops (``claim()`` returns nil, waiting writers throw) and
/// ``finish()`` rethrows the first error.
public final class OrderedBlockWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private let sink: OutputSink
    private let blockCount: Int
    private var nextToClaim = 0
    private var nextToWrite = 0
    private var failure: (any Error)?

    /// Creates a writer for `blockCount` blocks going to `sink`.
    public init(sink: OutputSink, blockCount: Int) {
        self.sink = sink
        self.blockCount = blockCount
    }

    /// The next block to produce, or nil when all are taken or a worker failed.
    public func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard failure == nil, nextToClaim < blockCount else { return nil }
        nextToClaim += 1
        return nextToClaim - 1
    }

    /// Waits for block `k`'s turn, then calls `body` with the sink. Only the block whose turn it is
    /// touches the sink; `body` runs outside the lock, so other workers claim and wait meanwhile.
    /// When `body` throws, the failure is recorded (as by ``fail(_:)``) and rethrown.
    /// - Throws: the first failure of any worker, or what `body` throws.
    public func write(block k: Int, _ body: (OutputSink) throws -> Void) throws {
        condition.lock()
        while nextToWrite != k && failure == nil { condition.wait() }
        if let failure {
            condition.unlock()
            throw failure
        }
        condition.unlock()
        do {
            try body(sink)
        } catch {
            fail(error)
            throw error
        }
        condition.lock()
        nextToWrite += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Records the first error and wakes every waiting worker.
    public func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Rethrows the first failure, if any.
    /// - Throws: also `GeoModelError.unreadable` when some block was never written (a worker
    ///   stopped without calling ``fail(_:)``).
    public func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        if nextToWrite != blockCount {
            throw GeoModelError.unreadable(file: sink.displayName, line: nil,
                                           message: "only \(nextToWrite) of \(blockCount) blocks were written")
        }
    }
}
