/// Where a writer's bytes go: a file or standard output (``FileSink``), memory (``MemorySink``),
/// or an HTTP response body that a server drains with backpressure (the core's chunked sink).
///
/// Writers (GeoJSON, GeoJSONSeq, CSV, text) fill a ``JSONBuffer`` and hand it over with
/// ``drain(_:)`` whenever it passes a megabyte or so, then call ``finish()`` once. A sink is
/// written by one thread at a time (an ``OrderedBlockWriter`` serialises parallel writers); it
/// may block the writing thread until its reader catches up, so writers never run on Swift's
/// cooperative thread pool.
public protocol OutputSink: AnyObject {
    /// How the destination is named in messages (a path, `standard output`, `memory`, `response`).
    var displayName: String { get }

    /// Bytes written so far.
    var bytesWritten: Int { get }

    /// Writes bytes from memory the caller owns (copied or written before this returns).
    /// - Throws: `GeoModelError.unreadable` when the write fails (disk full, closed pipe, a
    ///   reader that went away).
    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(GeoModelError)

    /// Ends the output: flushes, and moves a file into place. Calling it twice does nothing.
    /// - Throws: `GeoModelError.unreadable` when the last write or the rename fails.
    func finish() throws(GeoModelError)
}

extension OutputSink {
    /// Writes bytes.
    /// - Throws: `GeoModelError.unreadable` when the write fails.
    public func write(_ bytes: [UInt8]) throws(GeoModelError) {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBufferPointer { (buffer) throws(GeoModelError) in try write(buffer) }
    }

    /// Writes the UTF-8 bytes of `text`.
    /// - Throws: `GeoModelError.unreadable` when the write fails.
    public func write(_ text: String) throws(GeoModelError) {
        try write(Array(text.utf8))
    }

    /// Writes and empties a buffer.
    /// - Throws: `GeoModelError.unreadable` when the write fails.
    public func drain(_ buffer: inout JSONBuffer) throws(GeoModelError) {
        try buffer.withBytes { (bytes) throws(GeoModelError) in try write(bytes) }
        buffer.removeAll()
    }
}
