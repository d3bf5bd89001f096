import Foundation

/// A bound on the large pages streamed at once: each holds a thread of its own and a read
/// connection while its client reads, so a burst of slow clients must not start threads without
/// end. A stream beyond the bound is refused (503) and the client may retry.
final class StreamGate: @unchecked Sendable {
    /// Streams allowed at once.
    let capacity: Int
    private let lock = NSLock()
    private var open = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Takes a place; false when all are taken.
    func enter() -> Bool {
        lock.withLock {
            guard open < capacity else { return false }
            open += 1
            return true
        }
    }

    /// Gives a place back.
    func leave() { lock.withLock { open -= 1 } }
}
