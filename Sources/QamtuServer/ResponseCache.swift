import Foundation
import NIOCore

/// Recent JSON answers (pages of at most ``FeaturesAPI/bufferedPageLimit`` features, single
/// features) kept by database change token and request, within a byte budget: the same question
/// about the same data is answered with the same bytes, so a repeat costs a lookup instead of a
/// query and a formatting. A new change token empties it, so nothing from before a change is
/// served after it (the token is what every ETag is made of). Budget 0 turns it off.
final class ResponseCache: @unchecked Sendable {
    /// The most bytes kept.
    let budgetBytes: Int
    private let lock = NSLock()
    private var token: Int64 = 0
    private var entries: [String: ByteBuffer] = [:]
    private var order: [String] = []
    private var head = 0
    private var bytes = 0

    /// A cache of at most `budgetBytes` (0: none).
    init(budgetBytes: Int) { self.budgetBytes = max(0, budgetBytes) }

    /// The answer kept for `key` under `token`.
    func answer(for key: String, token: Int64) -> ByteBuffer? {
        guard budgetBytes > 0 else { return nil }
        return lock.withLock { self.token == token ? entries[key] : nil }
    }

    /// Keeps `buffer` for `key` under `token`, dropping the oldest answers beyond the budget; an
    /// answer larger than an eighth of the budget is not kept.
    func keep(_ buffer: ByteBuffer, for key: String, token: Int64) {
        let size = buffer.readableBytes + key.utf8.count
        guard budgetBytes > 0, size <= budgetBytes / 8 else { return }
        lock.withLock {
            if self.token != token {
                self.token = token
                entries.removeAll()
                order.removeAll()
                head = 0
                bytes = 0
            }
            guard entries[key] == nil else { return }
            entries[key] = buffer
            order.append(key)
            bytes += size
            while bytes > budgetBytes, head < order.count {
                let oldest = order[head]
                head += 1
                if let dropped = entries.removeValue(forKey: oldest) { bytes -= dropped.readableBytes + oldest.utf8.count }
            }
            if head > 1024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}
