import Foundation

/// What a test learns from work running on other threads: a flag raised once (the group-commit
/// writer has started a job) and a count (tasks that reached their request).
final class WriterProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var started = 0

    /// Raises the flag.
    func raise() { lock.withLock { raised = true } }

    /// Whether the flag is raised.
    var isRaised: Bool { lock.withLock { raised } }

    /// Counts one more.
    func increment() { lock.withLock { started += 1 } }

    /// The count so far.
    var count: Int { lock.withLock { started } }
}
