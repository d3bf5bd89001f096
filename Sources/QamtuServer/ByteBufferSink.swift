import Foundation
import GeoModel
import NIOCore

/// An ``OutputSink`` that writes into a NIO `ByteBuffer`, which then becomes the response body
/// as it is (a small page is formatted once and copied once, into the buffer).
final class ByteBufferSink: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: ByteBuffer

    /// An empty sink with room for `capacity` bytes (it grows as needed).
    init(capacity: Int = 16 * 1024) {
        storage = ByteBufferAllocator().buffer(capacity: capacity)
    }

    var displayName: String { "response" }

    var bytesWritten: Int { lock.withLock { storage.readableBytes } }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(GeoModelError) {
        lock.withLock { _ = storage.writeBytes(bytes) }
    }

    func finish() throws(GeoModelError) {}

    /// Everything written.
    var buffer: ByteBuffer { lock.withLock { storage } }
}
