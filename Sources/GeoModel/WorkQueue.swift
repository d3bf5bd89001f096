import Foundation

/// A first-in, first-out queue that threads take from, blocking while it is empty: the job
/// queue of executors whose threads live as long as the process (the core's blocking executor,
/// the PostGIS store's bridge). Taken elements are dropped in amortised constant time.
public final class WorkQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var head = 0

    public init() {}

    /// Appends `element` and wakes one waiting thread.
    public func put(_ element: Element) {
        condition.lock()
        elements.append(element)
        condition.signal()
        condition.unlock()
    }

    /// The oldest element, waiting for one when the queue is empty.
    public func take() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while head == elements.count { condition.wait() }
        let element = elements[head]
        head += 1
        if head > 1024 && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }
}
