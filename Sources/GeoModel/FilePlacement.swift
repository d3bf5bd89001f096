import Foundation

/// Moving finished output files into place, and stopping that for good when a front end is
/// interrupted: an interrupt handler learns under one lock whether a file was already complete
/// (it is kept and reported so), or makes sure it never will be (its temporary file is removed),
/// so that a signal arriving as an export finishes is never reported wrongly.
public final class FilePlacement: @unchecked Sendable {
    /// The process's one record.
    public static let shared = FilePlacement()

    private let lock = NSLock()
    private var placed: Set<String> = []
    private var stopped = false

    private init() {}

    /// Renames `temporary` to `final` unless placement was stopped.
    /// - Returns: 0 when moved, `rename`'s -1 (with `errno`) when it failed, nil when stopped.
    public func move(_ temporary: String, to final: String) -> Int32? {
        lock.withLock {
            guard !stopped else { return nil }
            let rc = rename(temporary, final)
            if rc == 0 { placed.insert(final) }
            return rc
        }
    }

    /// Stops every later move into place; returns whether `path` was already moved into place.
    public func stop(checking path: String) -> Bool {
        lock.withLock {
            stopped = true
            return placed.contains(path)
        }
    }
}
