import Foundation
import GRDB

/// Whether SpatiaLite is initialised on a ``PortalDatabase``'s one connection.
///
/// A writer opened without it (``PortalDatabase/open(at:readOnly:spatialSQL:)`` with
/// `spatialSQL: false`) loads it the first time a statement needs its functions: a migration, an
/// import that fires SpatiaLite's triggers or calls `ST_*`, or a store call that asks for spatial
/// SQL. An import into a current file with SpatiaLite's insert triggers set aside never does, and
/// starts without loading libspatialite and PROJ's database (about 30 ms a process).
final class SpatialSQLState: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: Bool

    init(loaded: Bool) { self.loaded = loaded }

    /// Whether SpatiaLite's functions are on the connection.
    var isLoaded: Bool { lock.withLock { loaded } }

    /// Initialises SpatiaLite on `db` unless it already is (`db` is the connection this state
    /// belongs to, inside one of its accesses).
    /// - Throws: `StorageError.spatialite` when libspatialite cannot be loaded.
    func load(on db: Database) throws {
        try lock.withLock {
            if loaded { return }
            try SpatiaLiteSetup.prepare(db)
            loaded = true
        }
    }
}
