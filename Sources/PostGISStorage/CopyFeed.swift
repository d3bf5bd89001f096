import Foundation

/// A bounded queue from a blocking producer (an import validating and encoding rows on its
/// caller's thread) to an async consumer (the task writing them into a `COPY … FROM STDIN`), so
/// that PostgreSQL parses and stores one piece while Swift reads and validates the next.
///
/// The producer waits while ``capacity`` pieces are queued (memory stays flat); it ends the feed
/// with ``finish(_:)``, handing the consumer what it needs after the rows (or the error that
/// stopped it). The consumer may stop early (``abandon()``): the producer's next ``send(_:)``
/// returns false.
final class CopyFeed<End: Sendable>: @unchecked Sendable {
    /// What ``receive()`` gives: the next piece of rows, or the end of the feed.
    enum Item {
        case piece([UInt8])
        case end(Result<End, any Error>)
    }

    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var end: Result<End, any Error>?
    private var abandoned = false
    private var waitingReceiver: CheckedContinuation<Void, Never>?
    /// The most pieces queued at once.
    let capacity: Int

    init(capacity: Int = 4) { self.capacity = max(1, capacity) }

    /// Queues `piece`, blocking the calling thread while the queue is full.
    /// - Returns: false when the consumer has stopped (the producer should stop too).
    func send(_ piece: [UInt8]) -> Bool {
        condition.lock()
        while queue.count >= capacity && !abandoned { condition.wait() }
        guard !abandoned else {
            condition.unlock()
            return false
        }
        queue.append(piece)
        let receiver = waitingReceiver
        waitingReceiver = nil
        condition.unlock()
        receiver?.resume()
        return true
    }

    /// Ends the feed: the consumer receives `end` after the pieces queued.
    func finish(_ end: Result<End, any Error>) {
        condition.lock()
        if self.end == nil { self.end = end }
        let receiver = waitingReceiver
        waitingReceiver = nil
        condition.unlock()
        receiver?.resume()
    }

    /// The next piece, or the end once every piece was received; waits (without blocking a
    /// thread) while the queue is empty.
    func receive() async -> Item {
        while true {
            if let item = dequeue() { return item }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                park(continuation)
            }
        }
    }

    /// Stops the feed from the consumer's side: a producer waiting in ``send(_:)`` wakes up and
    /// every later ``send(_:)`` returns false.
    func abandon() {
        condition.lock()
        abandoned = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func dequeue() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        if !queue.isEmpty {
            let piece = queue.removeFirst()
            condition.signal()
            return .piece(piece)
        }
        return end.map { .end($0) }
    }

    private func park(_ continuation: CheckedContinuation<Void, Never>) {
        condition.lock()
        if !queue.isEmpty || end != nil {
            condition.unlock()
            continuation.resume()
            return
        }
        waitingReceiver = continuation
        condition.unlock()
    }
}
