import GRDB

extension PortalDatabase {
    /// SQLite's `PRAGMA data_version` on this portal's connection: it changes whenever another
    /// connection (any process) commits a change to the file, so that caches can be emptied.
    /// Changes made through this same connection do not change it; writers that keep caches
    /// must empty them themselves.
    public func dataVersion() throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}
