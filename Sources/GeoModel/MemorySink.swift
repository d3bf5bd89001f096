import Foundation

/// An ``OutputSink`` that keeps everything in memory: for tests, and for small outputs that a
/// caller wants as bytes or text (a server's small JSON answers).
public final class MemorySink: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt8] = []
    private var finished = false

    /// Creates an empty sink.
    public init() {}

    /// `memory`.
    public var displayName: String { "memory" }

    /// Bytes written so far.
    public var bytesWritten: Int { lock.withLock { storage.count } }

    /// Appends a copy of `bytes`.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(GeoModelError) {
        lock.withLock { storage.append(contentsOf: bytes) }
    }

    /// Marks the output as complete.
    public func finish() throws(GeoModelError) { lock.withLock { finished = true } }

    /// Whether ``finish()`` was called.
    public var isFinished: Bool { lock.withLock { finished } }

    /// Everything written.
    public var bytes: [UInt8] { lock.withLock { storage } }

    /// Everything written, decoded as UTF-8 (invalid sequences replaced).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
