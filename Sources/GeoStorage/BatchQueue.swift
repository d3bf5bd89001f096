import Foundation

/// A bounded first-in first-out queue between two threads: ``put(_:)`` waits while `capacity`
/// elements wait, ``take()`` waits while none does. The producer ends it with ``finish()``; the
/// consumer gives up with ``cancel()``, which drops what waits and makes every later
/// ``put(_:)`` return false at once.
final class BatchQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Appends `element`, waiting for room; false (and nothing appended) once the queue is cancelled.
    func put(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while elements.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// The oldest element, waiting for one; nil once the queue is finished and empty, or cancelled.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while elements.isEmpty && !finished && !cancelled { condition.wait() }
        guard !cancelled, !elements.isEmpty else { return nil }
        let element = elements.removeFirst()
        condition.broadcast()
        return element
    }

    /// Whether the consumer gave up (``cancel()``).
    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// No more elements will come.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stops taking: waiting elements are dropped and producers are released.
    func cancel() {
        condition.lock()
        cancelled = true
        elements = []
        condition.broadcast()
        condition.unlock()
    }
}
