import GRDB

extension StorageError {
    /// The storage error for an SQLite failure on the database at `path`, in words a user can act
    /// on: a lock held past the busy timeout, a read-only file, a hot journal that a read-only
    /// connection cannot roll back, a file that is not a database. Other failures keep SQLite's
    /// message and the statement (never bound values).
    ///
    /// See <https://www.sqlite.org/rescode.html> for the result codes.
    init(_ error: DatabaseError, path: String) {
        let message = error.message ?? "SQLite code \(error.extendedResultCode.rawValue)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .locked(path: path, waitedSeconds: PortalDatabase.busyTimeout)
        case .SQLITE_READONLY where error.extendedResultCode == .SQLITE_READONLY_ROLLBACK:
            self = .unfinishedWrite(path: path)
        case .SQLITE_READONLY:
            self = .readOnlyDatabase(path: path, reason: "the file or its folder is read-only (\(message))")
        case .SQLITE_CANTOPEN:
            self = .cannotOpen(path: path, reason: message)
        case .SQLITE_NOTADB:
            self = .notAQamtuDatabase(path: path, reason: message)
        case .SQLITE_CORRUPT:
            self = .damaged(path: path, reason: message)
        default:
            self = .sqlite(message: message, sql: error.sql)
        }
    }

    /// The storage error for an SQLite result code of a C API call on `path` (see ``init(_:path:)``).
    init(code: Int32, message: String, path: String, sql: String?) {
        self.init(DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql), path: path)
    }
}
