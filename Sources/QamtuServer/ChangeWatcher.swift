import Foundation
import Logging
import PortalCore
import ServiceLifecycle

/// Watches the store's change token (SQLite's data version, or on PostGIS the change counter and
/// the layers' notices: any program's commit changes it) and keeps its latest value where request
/// handlers read it without touching the database.
///
/// Responses carry it in their `ETag`; an import from another process changes every ETag within
/// one ``interval`` (a client revalidating in that window may still be told its copy is current).
final class ChangeWatcher: Service, @unchecked Sendable {
    /// How often the token is read.
    static let interval: Duration = .milliseconds(200)

    private let portal: Portal
    private let logger: Logger
    private let lock = NSLock()
    /// The store's last value (SQLite's data version counts per connection and starts anew with
    /// every process, so it is never shown as such).
    private var storeValue: Int64
    /// A random number of this process (high 32 bits) and the changes seen since it started (low
    /// 32 bits): never the same after a restart, so a client's old ETag never matches new data.
    private var token: Int64

    /// Reads the token once (so that the first responses carry it) and watches from `run()`.
    init(portal: Portal, logger: Logger) throws {
        self.portal = portal
        self.logger = logger
        storeValue = try portal.store.changeToken()
        token = Int64(UInt32.random(in: 1...UInt32.max)) << 32
    }

    /// The latest token.
    var current: Int64 { lock.withLock { token } }

    /// Reads the store's value now (after a write of this process, and in tests); a new value
    /// advances the token.
    /// - Parameter ownWrite: after a write of this server (the service applications, hundreds a
    ///   second): the renewal is logged at debug level instead of info.
    func refresh(ownWrite: Bool = false) async throws {
        let value = try await portal.perform { try $0.store.changeToken() }
        let changed = lock.withLock { () -> Bool in
            guard value != storeValue else { return false }
            storeValue = value
            token &+= 1
            return true
        }
        if changed { logger.log(level: ownWrite ? .debug : .info, "database changed: caches renewed") }
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
