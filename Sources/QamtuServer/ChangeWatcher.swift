import Foundation
import Logging
import PortalCore
import ServiceLifecycle

/// Watches the store's change token (SQLite's data version: any process's commit changes it) and
/// keeps its latest value where request handlers read it without touching the database.
///
/// Responses carry it in their `ETag`; an import from another process changes every ETag within
/// one ``interval`` (a client revalidating in that window may still be told its copy is current).
final class ChangeWatcher: Service, @unchecked Sendable {
    /// How often the token is read.
    static let interval: Duration = .milliseconds(200)

    private let portal: Portal
    private let logger: Logger
    private let lock = NSLock()
    private var token: Int64

    /// Reads the token once (so that the first responses carry it) and watches from `run()`.
    init(portal: Portal, logger: Logger) throws {
        self.portal = portal
        self.logger = logger
        token = try portal.store.changeToken()
    }

    /// The latest token read.
    var current: Int64 { lock.withLock { token } }

    /// Reads the token now (after a write of this process, and in tests).
    func refresh() async throws {
        let value = try await portal.perform { try $0.store.changeToken() }
        let previous = lock.withLock {
            defer { token = value }
            return token
        }
        if previous != value { logger.info("database changed: caches renewed", metadata: ["token": "\(value)"]) }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: Self.interval)
            do {
                try await refresh()
            } catch {
                logger.warning("cannot read the database's change counter: \(error)")
            }
        }
    }
}
