import Dispatch
import Foundation
import GeoModel

/// Ctrl-C (SIGINT) or SIGTERM while a command writes `-o FILE`: the command's temporary
/// `FILE.partial` is removed, `error: interrupted: … nothing was written to FILE` goes to standard
/// error, and the process exits with 128 + the signal (130 for Ctrl-C; ``ErrorReporting``) — a
/// file the user asked for is never left half-written under any name.
///
/// The handlers run on a dispatch queue of their own while the command's threads keep writing, so
/// they stop the process with `_exit` (no unwinding, no flushing of streams another thread is
/// writing). Installed once per output file, before the file is created, so that a signal in
/// between cannot leave it behind; a FILE already moved into place is complete and is kept, and
/// the message says so (``FilePlacement`` decides which, under one lock with the move).
enum PartialOutputCleanup {
    /// The installed signal sources; kept for the life of the process (a released source stops).
    private static let installed = Installed()

    /// Catches SIGINT and SIGTERM from now on: removes `partial` and exits.
    /// - Parameters:
    ///   - partial: the temporary file (`FILE.partial`).
    ///   - output: the file as the user named it, for the message.
    static func install(removing partial: String, output: String) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                // Under FilePlacement's lock: either the file was complete and moved into place
                // before the signal (it is kept), or it never will be.
                if FilePlacement.shared.stop(checking: output) {
                    FileHandle.standardError.write(Data("error: interrupted after \(output) was written completely; it is kept\n".utf8))
                } else {
                    unlink(partial)
                    FileHandle.standardError.write(Data("error: interrupted: nothing was written to \(output)\n".utf8))
                }
                _exit(ErrorReporting.exitCode(stoppedBy: number))
            }
            source.resume()
            sources.append(source)
        }
        installed.append(sources)
    }

    /// Signal sources behind a lock.
    private final class Installed: @unchecked Sendable {
        private let lock = NSLock()
        private var sources: [any DispatchSourceSignal] = []

        func append(_ more: [any DispatchSourceSignal]) {
            lock.lock()
            defer { lock.unlock() }
            sources += more
        }
    }
}
