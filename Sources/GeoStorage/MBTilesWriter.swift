import Foundation
import GRDB
import GeoModel

/// Writes an MBTiles 1.3 file (the SQLite tile container QGIS, GDAL, tileserver-gl and martin
/// read): a `metadata` table of name/value pairs and a `tiles` table keyed by zoom, column and
/// TMS row (counted from the south).
///
/// All or nothing: tiles go into the temporary file `FILE.partial` in one transaction,
/// and ``finish(metadata:)`` moves it into place; ``abandon()`` (or an error) removes it, so an
/// interrupted export leaves no partial file and the previous file, if any, unchanged.
/// Its methods may be called from any thread; GRDB's queue runs them one at a time.
public final class MBTilesWriter: @unchecked Sendable {
    /// The destination.
    public let path: String
    private let temporaryPath: String
    private let queue: DatabaseQueue
    private var finished = false

    /// Starts a file that will become `path`.
    /// - Throws: `StorageError` when the temporary file cannot be made.
    public init(path: String) throws {
        self.path = path
        temporaryPath = Self.partialPath(for: path)
        unlink(temporaryPath)
        do {
            var configuration = Configuration()
            configuration.label = "mbtiles"
            // One transaction spans the writes of the whole export (opened here, committed by finish).
            configuration.allowsUnsafeTransactions = true
            queue = try DatabaseQueue(path: temporaryPath, configuration: configuration)
            try queue.inDatabase { db in
                // A private temporary file: no journal needed, the rename is the commit.
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                try db.execute(sql: "PRAGMA synchronous = OFF")
                try db.execute(sql: "PRAGMA page_size = 4096")
                try db.execute(sql: """
                    CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
                    CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL,
                                        tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL);
                    BEGIN;
                    """)
            }
        } catch let error as DatabaseError {
            unlink(temporaryPath)
            throw StorageError(error, path: path)
        } catch {
            unlink(temporaryPath)
            throw error
        }
    }

    /// The temporary file of an export to `path` (what a front end removes when interrupted).
    public static func partialPath(for path: String) -> String { path + ".partial" }

    deinit {
        if !finished { unlink(temporaryPath) }
    }

    /// Adds one tile's (already compressed) bytes at `zoom`, `column` and TMS `row`.
    public func write(zoom: Int, column: Int, tmsRow row: Int, data: [UInt8]) throws {
        do {
            try queue.inDatabase { db in
                let statement = try db.cachedStatement(
                    sql: "INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)")
                try statement.execute(arguments: [zoom, column, row, Data(data)])
            }
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
    }

    /// Writes `metadata` (name, value pairs), indexes the tiles, and moves the file into place.
    /// - Throws: `StorageError`; `GeoModelError.unreadable` when the move is refused or was
    ///   stopped by an interrupt.
    public func finish(metadata: [(name: String, value: String)]) throws {
        do {
            try queue.inDatabase { db in
                for (name, value) in metadata {
                    try db.execute(sql: "INSERT INTO metadata (name, value) VALUES (?, ?)", arguments: [name, value])
                }
                try db.execute(sql: """
                    CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
                    CREATE UNIQUE INDEX name ON metadata (name);
                    COMMIT;
                    """)
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
        finished = true
        switch FilePlacement.shared.move(temporaryPath, to: path) {
        case 0?: break
        case nil:
            unlink(temporaryPath)
            throw StorageError.model(.unreadable(file: path, line: nil, message: "interrupted before it was moved into place"))
        default:
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw StorageError.model(.unreadable(file: path, line: nil, message: "cannot move into place: \(reason)"))
        }
    }

    /// Removes the temporary file without writing `path`.
    public func abandon() {
        guard !finished else { return }
        finished = true
        try? queue.close()
        unlink(temporaryPath)
    }
}
