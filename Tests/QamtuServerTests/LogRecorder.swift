import Foundation
import Logging

/// Keeps every line a `Logger` writes, at every level: the message, its metadata (the logger's
/// and the call's) and the source, for tests that look for what must never be logged.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    /// A logger at `trace` level writing here.
    var logger: Logger {
        var logger = Logger(label: "qamtu.test.recorded") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The lines so far.
    var lines: [String] { lock.withLock { recorded } }

    func append(_ line: String) { lock.withLock { recorded.append(line) } }
}
