import Foundation

/// Idle read-only C-API connections of one database file, kept for reuse: opening one costs a
/// file open, the collation's registration and, at its first statement, a parse of the schema
/// (a few hundred microseconds), which a server answering thousands of small pages a second
/// should pay once, not per request.
///
/// A connection is used by one thread at a time (``RawReadConnection`` is opened without SQLite's
/// mutex): ``checkout(spatiaLite:)`` hands it out, ``checkin(_:)`` takes it back once its
/// statements are gone. Each statement reads the latest committed data, so a kept connection
/// never answers from an old state.
final class RawConnectionPool: @unchecked Sendable {
    /// The most idle connections kept; more are closed when given back.
    static let capacity = 8

    private let path: String
    private let lock = NSLock()
    private var idle: [RawReadConnection] = []

    init(path: String) { self.path = path }

    /// An idle connection (one with SpatiaLite when `spatiaLite`; such a one also serves plain
    /// reads), or a new one.
    /// - Throws: what opening a ``RawReadConnection`` throws.
    func checkout(spatiaLite: Bool) throws -> RawReadConnection {
        let reused: RawReadConnection? = lock.withLock {
            guard let index = idle.lastIndex(where: { $0.hasSpatiaLite || !spatiaLite }) else { return nil }
            return idle.remove(at: index)
        }
        if let reused { return reused }
        return try RawReadConnection(path: path, spatiaLite: spatiaLite)
    }

    /// Gives a connection back, with no statement of it still alive.
    func checkin(_ connection: RawReadConnection) {
        lock.withLock {
            if idle.count < Self.capacity { idle.append(connection) }
        }
    }

    /// Runs `body` with a connection checked out for its duration.
    func with<T>(spatiaLite: Bool, _ body: (RawReadConnection) throws -> T) throws -> T {
        let connection = try checkout(spatiaLite: spatiaLite)
        defer { checkin(connection) }
        return try body(connection)
    }
}
