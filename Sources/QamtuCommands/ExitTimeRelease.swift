import Foundation

/// Keeps large values alive until the process exits, when the executable asks for it.
///
/// Releasing a million sites, their k-d trees and a hundred thousand results takes a command
/// about a tenth of a second just before it exits, when the operating system reclaims the
/// memory at once anyway (compilers skip the same work with `-disable-free`). The `qamtu`
/// executable turns this on; library callers and tests, which run many commands in one
/// process, keep freeing normally.
public enum ExitTimeRelease {
    private final class Kept: @unchecked Sendable {
        let lock = NSLock()
        var enabled = false
        var values: [Any] = []
    }

    private static let kept = Kept()

    /// Lets ``keep(_:)`` hold values until the process exits (call once, from `main`).
    public static func enable() {
        kept.lock.withLock { kept.enabled = true }
    }

    /// Holds `value` until exit when enabled; otherwise does nothing.
    static func keep(_ value: Any) {
        kept.lock.withLock { if kept.enabled { kept.values.append(value) } }
    }
}
