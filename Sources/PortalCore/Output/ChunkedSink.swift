import Foundation
import GeoModel

/// An ``OutputSink`` that an async reader drains chunk by chunk, with backpressure: an HTTP
/// response body streaming an export.
///
/// The writer runs on a thread of its own (see ``BlockingExecutor``) and blocks in `write` while
/// more than ``maximumQueuedBytes`` wait to be read, so memory stays flat however large the
/// output and however slow the client. The reader calls ``next()`` (or iterates the sink) and
/// gets chunks of about ``chunkBytes``; after the last one, nil, or the writer's error. A reader
/// that goes away calls ``cancel()``; the writer's next `write` then throws, and it stops.
public final class ChunkedSink: OutputSink, AsyncSequence, @unchecked Sendable {
    /// The chunks handed to the reader.
    public typealias Element = [UInt8]

    /// Bytes per chunk handed to the reader (the last one may be shorter).
    public let chunkBytes: Int
    /// Bytes that may wait for the reader before `write` blocks.
    public let maximumQueuedBytes: Int

    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var queueHead = 0
    private var queuedBytes = 0
    private var pending: [UInt8] = []
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?
    private var waiter: CheckedContinuation<[UInt8]?, any Error>?
    private var written = 0
    private var peak = 0

    /// A sink handing out chunks of `chunkBytes`, with at most `maximumQueuedBytes` waiting.
    public init(chunkBytes: Int = 1 << 16, maximumQueuedBytes: Int = 1 << 20) {
        self.chunkBytes = Swift.max(1, chunkBytes)
        self.maximumQueuedBytes = Swift.max(self.chunkBytes, maximumQueuedBytes)
        pending.reserveCapacity(self.chunkBytes)
    }

    /// `response`.
    public var displayName: String { "response" }

    /// Bytes written so far.
    public var bytesWritten: Int { condition.withLock { written } }

    /// Whether the writer has finished (with or without an error).
    public var isFinished: Bool { condition.withLock { finished } }

    /// The most bytes that ever waited for the reader (queued chunks and the chunk being filled).
    public var peakQueuedBytes: Int { condition.withLock { peak } }

    /// Copies `bytes` into chunks; blocks while the reader is more than ``maximumQueuedBytes`` behind.
    /// - Throws: `GeoModelError.unreadable` when the reader has cancelled.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(GeoModelError) {
        condition.lock()
        defer { condition.unlock() }
        var rest = bytes[...]
        while !rest.isEmpty {
            if cancelled { throw .unreadable(file: displayName, line: nil, message: "the reader went away") }
            let take = Swift.min(rest.count, chunkBytes - pending.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            written += take
            if pending.count == chunkBytes { enqueuePending() }
            while queuedBytes > maximumQueuedBytes && !cancelled { condition.wait() }
        }
    }

    /// Hands the last partial chunk to the reader and ends the stream (the reader gets nil next).
    public func finish() throws(GeoModelError) {
        condition.withLock {
            guard !finished else { return }
            if !pending.isEmpty { enqueuePending() }
            finished = true
            resumeWaiterIfDone()
        }
    }

    /// Ends the stream with `error`: the reader gets the chunks already queued, then the error.
    public func finish(throwing error: any Error) {
        condition.withLock {
            guard !finished else { return }
            finished = true
            failure = error
            resumeWaiterIfDone()
        }
    }

    /// Called by a reader that stops reading: queued chunks are dropped and the writer's next
    /// `write` throws.
    public func cancel() {
        let waiting: CheckedContinuation<[UInt8]?, any Error>? = condition.withLock {
            cancelled = true
            queue.removeAll()
            queueHead = 0
            queuedBytes = 0
            condition.broadcast()
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(throwing: CancellationError())
    }

    /// The next chunk, nil after the last one. One reader at a time; a reader whose task is
    /// cancelled cancels the sink (the writer stops) and gets `CancellationError`.
    /// - Throws: the writer's error (see ``finish(throwing:)``), after the chunks before it;
    ///   `CancellationError`; `GeoModelError.unreadable` when another `next()` is already waiting.
    public func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                condition.lock()
                defer { condition.unlock() }
                if let chunk = dequeue() {
                    continuation.resume(returning: chunk)
                } else if finished {
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else if cancelled {
                    continuation.resume(throwing: CancellationError())
                } else if waiter != nil {
                    continuation.resume(throwing: GeoModelError.unreadable(file: displayName, line: nil,
                                                                           message: "another reader is already waiting"))
                } else {
                    waiter = continuation
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Iterates the chunks (see ``next()``).
    public struct AsyncIterator: AsyncIteratorProtocol {
        let sink: ChunkedSink

        /// The next chunk, nil after the last one.
        public mutating func next() async throws -> [UInt8]? { try await sink.next() }
    }

    /// An iterator over the chunks.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(sink: self) }

    /// Queues the chunk being filled, or hands it to a waiting reader (lock held).
    private func enqueuePending() {
        let chunk = pending
        pending.removeAll(keepingCapacity: true)
        peak = Swift.max(peak, queuedBytes + chunk.count)
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: chunk)
        } else if !cancelled {
            queue.append(chunk)
            queuedBytes += chunk.count
        }
    }

    /// The oldest queued chunk, waking a blocked writer (lock held).
    private func dequeue() -> [UInt8]? {
        guard queueHead < queue.count else { return nil }
        let chunk = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        queuedBytes -= chunk.count
        condition.broadcast()
        return chunk
    }

    /// Ends a waiting reader's wait when the stream is over (lock held).
    private func resumeWaiterIfDone() {
        guard let waiter, queueHead == queue.count else { return }
        self.waiter = nil
        if let failure { waiter.resume(throwing: failure) } else { waiter.resume(returning: nil) }
    }
}
