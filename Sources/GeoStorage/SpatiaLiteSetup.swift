import CSpatiaLite
import GRDB

/// Per-connection SpatiaLite set-up, for `Configuration.prepareDatabase`.
///
/// SpatiaLite 5 keeps a per-connection cache (`spatialite_alloc_connection`) that must be freed
/// when the connection closes. SQLite offers no close hook, so the cache is tied to a do-nothing
/// SQL function whose destroy callback SQLite calls when the connection closes.
enum SpatiaLiteSetup {
    /// Initialises SpatiaLite on `db`.
    /// - Throws: `StorageError.spatialite` when the cache cannot be allocated.
    static func prepare(_ db: Database) throws {
        guard let connection = db.sqliteConnection else { throw StorageError.spatialite("no open connection") }
        try prepare(connection: connection)
    }

    /// Initialises SpatiaLite on a connection opened with the C API.
    static func prepare(connection: OpaquePointer) throws {
        guard let cache = spatialite_alloc_connection() else {
            throw StorageError.spatialite("cannot allocate the connection cache")
        }
        spatialite_init_ex(connection, cache, 0)
        let rc = sqlite3_create_function_v2(
            connection, "qamtu_spatialite_cache", 0, SQLITE_UTF8, cache,
            { context, _, _ in sqlite3_result_null(context) }, nil, nil,
            { cache in if let cache { spatialite_cleanup_ex(cache) } })
        if rc != SQLITE_OK {
            spatialite_cleanup_ex(cache)
            throw StorageError.spatialite("cannot register the cache release hook (SQLite code \(rc))")
        }
    }
}
