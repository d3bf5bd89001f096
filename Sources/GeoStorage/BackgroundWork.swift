import Foundation

/// A computation run on a thread of its own while the caller does something else; ``value()``
/// waits for its result. For CPU work inside a write transaction (which must stay on its
/// connection's thread), not for async code.
final class BackgroundWork<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Value?
    /// Whether ``value()`` has waited already (read and written by the caller's thread only).
    private var waited = false

    /// Starts `work` on a new thread.
    init(_ work: @escaping () -> Value) {
        let box = WorkBox(work)
        let thread = Thread { [self] in
            result = box.work()
            done.signal()
        }
        thread.name = "qamtu-background"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The result, once the work has finished (waits for it the first time).
    func value() -> Value {
        if !waited {
            done.wait()
            waited = true
        }
        // The semaphore orders the thread's write of `result` before this read.
        guard let result else { preconditionFailure("the background work ended without a result") }
        return result
    }

    /// Hands the (non-Sendable) closure to the thread.
    private final class WorkBox: @unchecked Sendable {
        let work: () -> Value
        init(_ work: @escaping () -> Value) { self.work = work }
    }
}
