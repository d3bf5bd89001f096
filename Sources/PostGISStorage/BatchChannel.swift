import Foundation

/// A bounded queue from an async producer (a task reading rows from the server) to a blocking
/// consumer (the store's caller): the producer waits, without blocking a thread, while
/// `capacity` batches are queued, so that a streamed query holds at most that many batches in
/// memory (and postgres-nio stops reading the socket, so the server waits too).
///
/// The consumer may stop early (``cancel()``): the producer's next ``send(_:)`` returns false.
final class BatchChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Element] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waitingSender: CheckedContinuation<Void, Never>?
    /// The most batches queued at once.
    let capacity: Int

    init(capacity: Int = 4) { self.capacity = max(1, capacity) }

    /// Queues `element`, waiting while the queue is full.
    /// - Returns: false when the consumer has stopped (the producer should stop too).
    func send(_ element: Element) async -> Bool {
        while true {
            if let queued = enqueue(element) { return queued }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                park(continuation)
            }
        }
    }

    /// Queues `element` when there is room: true when queued, false when the consumer has
    /// stopped, nil when the queue is full.
    private func enqueue(_ element: Element) -> Bool? {
        condition.lock()
        defer { condition.unlock() }
        if cancelled { return false }
        guard queue.count < capacity else { return nil }
        queue.append(element)
        condition.signal()
        return true
    }

    /// Keeps the sender's continuation until the consumer takes a batch (or resumes it at once
    /// when room was made or the consumer stopped in the meantime).
    private func park(_ continuation: CheckedContinuation<Void, Never>) {
        condition.lock()
        if cancelled || queue.count < capacity {
            condition.unlock()
            continuation.resume()
        } else {
            waitingSender = continuation
            condition.unlock()
        }
    }

    /// Ends the stream, with the producer's error if it failed.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, blocking until one is queued; nil at the end of the stream.
    /// - Throws: the producer's error, after the batches queued before it.
    func receive() throws -> Element? {
        condition.lock()
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let element = queue.removeFirst()
            let sender = waitingSender
            waitingSender = nil
            condition.unlock()
            sender?.resume()
            return element
        }
        let error = failure
        condition.unlock()
        if let error { throw error }
        return nil
    }

    /// Stops the stream from the consumer's side: queued batches are dropped, the producer is
    /// woken and its next send returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        let sender = waitingSender
        waitingSender = nil
        condition.unlock()
        sender?.resume()
    }

    /// Waits until the producer has finished (after ``cancel()``, so that no task outlives its query).
    func waitUntilFinished() {
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
