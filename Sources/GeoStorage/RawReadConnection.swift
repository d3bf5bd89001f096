import CSQLite
import GRDB

/// A read-only SQLite connection opened with the C API for one thread's exclusive use
/// (`SQLITE_OPEN_NOMUTEX`: no mutex around every `sqlite3_column_*` call, which is a tenth of an
/// export's per-row cost in serialized mode), with SpatiaLite initialised. Export workers each
/// own one; the portal's GRDB queue serves everything else.
final class RawReadConnection: @unchecked Sendable {
    fileprivate let handle: OpaquePointer
    /// The database file (for error messages).
    fileprivate let path: String
    /// Whether SpatiaLite is initialised on the connection (it then serves plain reads too).
    let hasSpatiaLite: Bool

    /// Opens `path` read-only; `spatiaLite: false` skips SpatiaLite (plain column reads need none).
    /// Waits up to ``PortalDatabase/busyTimeout`` for another connection's lock, like the portal's queue.
    /// - Throws: `StorageError.cannotOpen` when SQLite cannot open it, `.spatialite` when SpatiaLite fails.
    init(path: String, spatiaLite: Bool = true) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite code \(rc)"
            if let db { sqlite3_close_v2(db) }
            throw StorageError.cannotOpen(path: path, reason: message)
        }
        sqlite3_busy_timeout(db, Int32(PortalDatabase.busyTimeout * 1000))
        do {
            try CaseInsensitiveCollation.register(on: db)
            if spatiaLite { try SpatiaLiteSetup.prepare(connection: db) }
        } catch {
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        self.path = path
        hasSpatiaLite = spatiaLite
    }

    /// The storage error for the connection's last failure (see `StorageError.init(code:message:path:sql:)`).
    fileprivate func lastError(sql: String?) -> StorageError {
        StorageError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), path: path, sql: sql)
    }

    /// Prepared statements not in use, by SQL text, reset and kept for the next identical query
    /// (a server asks the same few queries with different values thousands of times a second).
    private var idleStatements: [String: OpaquePointer] = [:]
    /// The most statements kept.
    private static let statementCacheSize = 32

    deinit {
        for statement in idleStatements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// A prepared statement of `sql`: a kept one (reset, bindings cleared) or a new one.
    private func statement(for sql: String) throws -> OpaquePointer {
        if let kept = idleStatements.removeValue(forKey: sql) {
            sqlite3_clear_bindings(kept)
            return kept
        }
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &prepared, nil) == SQLITE_OK, let statement = prepared else {
            throw lastError(sql: sql)
        }
        return statement
    }

    /// Takes back a statement whose rows are released: kept when there is room, else finalised.
    fileprivate func release(_ statement: OpaquePointer, sql: String) {
        sqlite3_reset(statement)
        if idleStatements[sql] == nil, idleStatements.count < Self.statementCacheSize {
            idleStatements[sql] = statement
        } else {
            sqlite3_finalize(statement)
        }
    }

    /// Prepares `sql` (or reuses its kept statement) and binds `arguments` (1-based, in order);
    /// step through the rows with ``Rows/next()``.
    /// - Throws: `StorageError.sqlite` with the statement for an SQLite error, `.locked` past the busy timeout.
    func rows(sql: String, arguments: [DatabaseValue]) throws -> Rows {
        let statement = try statement(for: sql)
        let rows = Rows(connection: self, statement: statement, sql: sql)
        for (i, value) in arguments.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value.storage {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int64(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .double(let v): rc = sqlite3_bind_double(statement, index, v)
            case .string(let v): rc = sqlite3_bind_text(statement, index, v, -1, Self.transient)
            case .blob(let v) where v.isEmpty:
                rc = sqlite3_bind_zeroblob(statement, index, 0)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            guard rc == SQLITE_OK else {
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(handle)), sql: sql)
            }
        }
        return rows
    }

    /// Reads the first `count` bytes of the blob in `column` of row `rowid` of `table` into
    /// `buffer` (grown when smaller, else reused), with SQLite's incremental blob I/O: no buffer
    /// of SQLite's own per blob. Inside a transaction, or while a statement of this connection is
    /// stepping, it reads the same snapshot as that statement.
    /// - Throws: `StorageError.sqlite` when the row is missing or the blob is shorter than `count`.
    func readBlob(table: String, column: String, rowid: Int64, count: Int, into buffer: inout [UInt8]) throws {
        var blob: OpaquePointer?
        guard sqlite3_blob_open(handle, "main", table, column, rowid, 0, &blob) == SQLITE_OK, let blob else {
            throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(handle)), sql: nil)
        }
        defer { sqlite3_blob_close(blob) }
        guard count >= 0, count <= Int(sqlite3_blob_bytes(blob)) else {
            throw StorageError.sqlite(message: "blob of \(table).\(column) row \(rowid) is shorter than \(count) bytes", sql: nil)
        }
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        let rc = buffer.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(count), 0) }
        guard rc == SQLITE_OK else {
            throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(handle)), sql: nil)
        }
    }

    /// The rows of a prepared statement (reset and given back to its connection when released).
    final class Rows {
        /// The statement; its current row is read with `sqlite3_column_*`.
        let statement: OpaquePointer
        private let connection: RawReadConnection
        private let sql: String

        fileprivate init(connection: RawReadConnection, statement: OpaquePointer, sql: String) {
            self.connection = connection
            self.statement = statement
            self.sql = sql
        }

        deinit { connection.release(statement, sql: sql) }

        /// Steps to the next row: true at a row, false after the last.
        /// - Throws: `StorageError.sqlite` with the statement, `.locked` past the busy timeout.
        func next() throws -> Bool {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw connection.lastError(sql: sql)
        }
    }

    /// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
