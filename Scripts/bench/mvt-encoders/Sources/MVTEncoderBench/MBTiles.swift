import CSQLiteBench

/// One row of an MBTiles 1.3 `tiles` table: TMS coordinates and the stored (gzip'd) tile.
struct StoredTile {
    var zoom: Int
    var column: Int
    var row: Int
    var data: [UInt8]
}

/// Reads every tile of an MBTiles file, read-only.
enum MBTiles {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func readAll(path: String) throws -> [StoredTile] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw Failure(description: "\(path): cannot open as SQLite")
        }
        defer { sqlite3_close_v2(db) }
        let sql = "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY zoom_level, tile_column, tile_row"
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw Failure(description: "\(path): \(String(cString: sqlite3_errmsg(db))) (\(sql))")
        }
        defer { sqlite3_finalize(statement) }
        var tiles: [StoredTile] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw Failure(description: "\(path): \(String(cString: sqlite3_errmsg(db)))")
            }
            let count = Int(sqlite3_column_bytes(statement, 3))
            var data = [UInt8](repeating: 0, count: count)
            if count > 0, let blob = sqlite3_column_blob(statement, 3) {
                data.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: blob, count: count)) }
            }
            tiles.append(StoredTile(zoom: Int(sqlite3_column_int(statement, 0)),
                                    column: Int(sqlite3_column_int(statement, 1)),
                                    row: Int(sqlite3_column_int(statement, 2)),
                                    data: data))
        }
        return tiles
    }
}
