import Foundation

/// A flag raised from any thread (a Ctrl-C handler, another task) and read by a running write
/// between rows; the write that honours it lowers it when it ends.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    /// Raises the flag.
    func raise() { lock.withLock { raised = true } }

    /// Whether the flag was raised.
    var isRaised: Bool { lock.withLock { raised } }

    /// Lowers the flag.
    func lower() { lock.withLock { raised = false } }
}
