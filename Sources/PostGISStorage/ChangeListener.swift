import Foundation
import Logging
import PostgresNIO

/// Counts the notices PostgreSQL sends on the channel ``channel`` once a transaction that changed
/// a layer commits: the layers' statement triggers (migration `v3-change-notices`) send them,
/// whoever writes (Qamtu, QGIS, ogr2ogr, psql). Their count, added to the change counter that
/// Qamtu's own writes bump, makes a change token that also moves after other programs' edits.
///
/// One connection of its own listens in a task on ``BridgeExecutor``. When it is lost the count
/// moves on once (notices may have been missed), and it reconnects a second later. A notice
/// arrives only after its transaction committed, so a reader that sees the new token sees the
/// new data.
final class ChangeListener: @unchecked Sendable {
    /// The channel of the layers' notices.
    static let channel = "qamtu_changes"
    /// The wait before connecting again after the connection was lost.
    static let reconnectDelay: Duration = .seconds(1)

    private let lock = NSLock()
    private var count: Int64 = 0
    private var task: Task<Void, Never>?

    /// Notices received (and connections lost) since ``start(_:)``.
    var notices: Int64 { lock.withLock { count } }

    /// Whether ``start(_:)`` has succeeded.
    var isListening: Bool { lock.withLock { task != nil } }

    /// Connects to `location`, listens, and returns once `LISTEN` is in place (so no later commit
    /// is missed); then keeps listening until ``stop()``. Blocks the calling thread (see
    /// ``BlockingBridge``). Does nothing when already listening.
    /// - Throws: ``PostGISError/cannotConnect(location:reason:)`` when the first connection fails.
    func start(_ location: PostgresLocation) throws {
        if isListening { return }
        let configuration = try PostGISDatabase.connectionConfiguration(location)
        let name = location.description
        let ready = DispatchSemaphore(value: 0)
        let outcome = FirstAttempt()
        let listening = Task.detached(executorPreference: BridgeExecutor.shared) { [weak self] in
            var announced = false
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: PostGISDatabase.logger)
                    do {
                        try await connection.listen(on: Self.channel) { notices in
                            if announced {
                                // Listening again: what was sent while away is unknown, so it counts as a change.
                                self?.bump()
                            } else {
                                announced = true
                                ready.signal()
                            }
                            for try await _ in notices { self?.bump() }
                        }
                    } catch {
                        if !announced { try? await connection.close(); throw error }
                    }
                    try? await connection.close()
                    if Task.isCancelled { break }
                    self?.bump()
                } catch {
                    if !announced {
                        outcome.error = PostGISError.wrap(error, location: name)
                        ready.signal()
                        return
                    }
                }
                try? await Task.sleep(for: Self.reconnectDelay)
            }
        }
        ready.wait()
        // The semaphore orders the task's write before this read.
        if let error = outcome.error { throw error }
        let kept = lock.withLock { () -> Bool in
            guard task == nil else { return false }
            task = listening
            return true
        }
        // Another thread started first: this listener is not needed.
        if !kept { listening.cancel() }
    }

    /// The error of the first connection, handed from the listening task to ``start(_:)``.
    private final class FirstAttempt: @unchecked Sendable {
        var error: (any Error)?
    }

    /// Stops listening and closes the connection.
    func stop() {
        let running = lock.withLock { () -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
    }

    deinit { task?.cancel() }

    private func bump() { lock.withLock { count &+= 1 } }
}
