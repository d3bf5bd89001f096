import Foundation

/// Standard error output and terminal detection.
enum Terminal {
    /// True when standard error is a terminal (progress lines are shown only then).
    static let stderrIsTerminal = isatty(2) == 1

    /// Prints `error: MESSAGE` on standard error.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }

    /// Prints a line on standard error.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Rewrites the current terminal line (no newline), for progress.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + message).utf8))
    }

    /// Clears the progress line.
    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
