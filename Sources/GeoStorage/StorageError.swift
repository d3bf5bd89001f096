import Foundation
import GeoModel

/// Errors of the storage layer, with the context a user needs to act (file, layer, problems, SQL).
public enum StorageError: Error, Sendable, CustomStringConvertible {
    /// No database file at the path (and the command does not create one).
    case missingDatabase(path: String)
    /// The file exists but holds no database yet (zero bytes, or an SQLite file without tables).
    case emptyDatabase(path: String)
    /// The file is an SQLite database whose pages are damaged (truncated or overwritten).
    case damaged(path: String, reason: String)
    /// The folder that should hold the database does not exist (or is not a folder).
    case missingFolder(path: String, folder: String)
    /// Another connection holds a lock on the database for longer than the busy timeout
    /// (``PortalDatabase/busyTimeout``) allowed this one to wait.
    case locked(path: String, waitedSeconds: Double)
    /// The database must be written (an import, a migration) but the file or its folder is read-only.
    case readOnlyDatabase(path: String, reason: String)
    /// An interrupted write left a hot rollback journal (`FILE-journal`) that only a connection
    /// with write access to the file and its folder can roll back; the data itself is intact.
    case unfinishedWrite(path: String)
    /// SQLite cannot open the file (permissions, a folder in its place …).
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not a Qamtu database.
    case notAQamtuDatabase(path: String, reason: String)
    /// The database was written by a newer Qamtu (its schema has migrations this build does not know).
    case newerSchema(path: String, unknownMigrations: [String])
    /// The database has an older schema and was opened read-only, so it cannot be upgraded.
    case olderSchema(path: String, missingMigrations: [String])
    /// SpatiaLite could not be initialised or a spatial call failed.
    case spatialite(String)
    /// A stored geometry could not be decoded (fid and why).
    case corruptGeometry(layer: String, fid: Int64, reason: String)
    /// A chunk of the site pack (`qamtu_site_pack`, a derived index of the sites) cannot be decoded.
    case corruptSitePack(chunk: Int, reason: String)
    /// Another program changed the layer while it was being read.
    case changedWhileReading(layer: String)
    /// A temporary file (`tmpfile()` in /tmp, e.g. the runs of an import's sort) could not be
    /// created, written or read back: the folder is missing, read-only or full.
    case temporaryFile(reason: String)
    /// A model-level error (bad file, bad bbox …).
    case model(GeoModelError)
    /// An SQLite error, with the statement that failed (bound values are never included).
    case sqlite(message: String, sql: String?)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            "no database at \(path)"
        case .emptyDatabase(let path):
            "\(path) holds no Qamtu database yet (the file is empty)"
        case .damaged(let path, let reason):
            "database \(path) is damaged (\(reason)): part of the file was cut off or overwritten"
        case .missingFolder(let path, let folder):
            "folder \(folder) does not exist (database \(path))"
        case .locked(let path, let seconds):
            "database \(path) is locked by another writer; waited \(Self.seconds(seconds)) s"
        case .readOnlyDatabase(let path, let reason):
            "cannot write to database \(path): \(reason)"
        case .unfinishedWrite(let path):
            "database \(path) has an unfinished write left by an interrupted program (\(path)-journal); the data is intact, "
                + "but rolling the write back needs write access to the file and its folder"
        case .cannotOpen(let path, let reason):
            "cannot open database \(path): \(reason)"
        case .notAQamtuDatabase(let path, let reason):
            "\(path) is not a Qamtu database (\(reason))"
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer version of Qamtu (unknown schema migrations: \(unknown.joined(separator: ", "))); upgrade qamtu to open it"
        case .olderSchema(let path, let missing):
            "\(path) has an older Qamtu schema (without \(missing.joined(separator: ", ")))"
        case .spatialite(let message):
            "SpatiaLite: \(message)"
        case .corruptGeometry(let layer, let fid, let reason):
            "layer \(layer), fid \(fid): stored geometry cannot be read (\(reason))"
        case .corruptSitePack(let chunk, let reason):
            "chunk \(chunk) of the site pack (table qamtu_site_pack, an index derived from the sites) cannot be read: \(reason)"
        case .changedWhileReading(let layer):
            "layer \(layer) changed while it was being read; run the command again"
        case .temporaryFile(let reason):
            "cannot use a temporary file in /tmp: \(reason)"
        case .model(let error):
            error.description
        case .sqlite(let message, let sql):
            if let sql { "SQLite: \(message) (in: \(sql))" } else { "SQLite: \(message)" }
        }
    }

    /// Whole seconds without a fraction (`5`), else one decimal (`0.5`).
    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
