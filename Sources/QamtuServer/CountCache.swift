import Foundation

/// Counts of matching features (`numberMatched`) by database change token and question, so that
/// a client paging through a large result (GDAL reads 25,000 features in hundreds of pages) has
/// them counted once, not once per page. A new change token empties it.
final class CountCache: @unchecked Sendable {
    /// The most questions kept for one token (the cache is emptied when full).
    static let capacity = 4096

    private let lock = NSLock()
    private var token: Int64 = 0
    private var counts: [String: Int] = [:]

    /// The count of `question` under `token`, if known.
    func count(_ question: String, token: Int64) -> Int? {
        lock.withLock { self.token == token ? counts[question] : nil }
    }

    /// Keeps the count of `question` under `token`.
    func store(_ count: Int, for question: String, token: Int64) {
        lock.withLock {
            if self.token != token || counts.count >= Self.capacity {
                self.token = token
                counts.removeAll(keepingCapacity: true)
            }
            counts[question] = count
        }
    }
}
