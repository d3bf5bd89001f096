import CSQLite
import GRDB
import GeoModel
import Geodesy

extension PortalDatabase {
    /// Fast loading of a layer's R*Tree during an import.
    ///
    /// SpatiaLite keeps its spatial index up to date with an AFTER INSERT trigger that calls
    /// `RTreeAlign()`, which formats and runs an SQL statement for every row, a second trigger
    /// that stamps `geometry_columns_time` for every row, and a BEFORE INSERT trigger that checks
    /// each geometry's type and SRID against `geometry_columns` (the import's validation and
    /// ``SpatiaLiteBlob`` guarantee both: the layer's type, EPSG:4326). For the length of the
    /// import transaction the three are set aside, the time stamp is set once at the end, and the
    /// triggers are recreated from their stored SQL. Everything happens inside the import's
    /// transaction, so a failed import restores the triggers and the index too.
    ///
    /// The boxes go into the R*Tree `idx_<layer>_geom` in one of two ways:
    /// - **Packed**, when the index holds no row when the import starts (a new layer, or
    ///   `--replace`) and still none at its end: the `(fid, box)` of every imported row goes into
    ///   an ``ExternalSorter`` on a thread of its own (``BackgroundSorter``: memory bounded by
    ///   its runs, whatever the number of rows; the connection's thread only hands values over), and
    ///   ``finish()`` writes a Hilbert-packed tree (``PackedRTree``) straight
    ///   into the index's shadow tables `idx_<layer>_geom_node`, `_rowid` and `_parent`, in
    ///   SQLite's own format, with the boxes SQLite itself would store. SQLite's `rtreecheck()`
    ///   and SpatiaLite's `CheckSpatialIndex()` accept it, and later inserts, updates and deletes
    ///   through the R*Tree module work on it as on a tree it built.
    /// - **Row by row** otherwise (appending to a layer): each box goes into the R*Tree through
    ///   one prepared INSERT when its row is imported (SQLite rounds the 32-bit bounds outward,
    ///   as `RTreeAlign` does). The boxes kept for packing go the same way when the index
    ///   stopped being empty during the import (an upsert's update trigger wrote to it).
    final class BulkSpatialIndex {
        /// How an import fills the R*Tree.
        enum Fill: Sendable {
            /// Packed into the shadow tables when the index was empty, row by row otherwise.
            case packedWhenEmpty
            /// Always row by row through the R*Tree module (the way before packing; tests).
            case rowByRow
        }

        let db: Database
        let layer: LayerSchema
        let triggers: SetAsideTriggers
        let statement: Statement
        /// The rows kept for packing, or nil when each row goes straight into the R*Tree.
        private var entries: BackgroundSorter<PackedRTree.Keyed>?
        /// The least and greatest row id added, to tell whether the rows are one run of ids.
        private var rowRange: (first: Int64, last: Int64)?

        /// The quoted name of the R*Tree, or of one of its shadow tables (`suffix` "_node", …).
        private func table(_ suffix: String = "") -> String { SQL.identifier("idx_\(layer.name)_geom\(suffix)") }

        /// Sets the triggers aside; nil for a layer without a stored geometry.
        /// - Throws: `StorageError.spatialite` when the layer's spatial-index triggers are missing.
        init?(_ db: Database, layer: LayerSchema, fill: Fill) throws {
            guard layer.geometryType != nil, !layer.geometryIsDerived else { return nil }
            self.db = db
            self.layer = layer
            let required = ["gii_\(layer.name)_geom", "tmi_\(layer.name)_geom"]
            triggers = try SetAsideTriggers(db, names: required + ["ggi_\(layer.name)_geom"])
            guard required.allSatisfy(triggers.names.contains) else {
                try triggers.restore()
                throw StorageError.spatialite("the spatial index triggers of \(layer.name) are missing")
            }
            statement = try db.makeStatement(sql: "INSERT INTO \(SQL.identifier("idx_\(layer.name)_geom")) (pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)")
            if fill == .packedWhenEmpty, try isEmpty() { entries = BackgroundSorter(by: PackedRTree.Keyed.precedes) }
        }

        /// Whether the R*Tree holds no row (read from its `_rowid` table, without the module).
        private func isEmpty() throws -> Bool {
            try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(table("_rowid")))") ?? false
        }

        /// Adds a newly inserted row: its `fid` and box as the R*Tree stores it, with the box's Hilbert key.
        func add(_ keyed: PackedRTree.Keyed) throws {
            if let entries {
                try entries.add(keyed)
                let row = keyed.entry.id
                if let range = rowRange {
                    rowRange = (min(range.first, row), max(range.last, row))
                } else {
                    rowRange = (row, row)
                }
            } else {
                // Stored floats are exact doubles: the module stores them unchanged.
                let box = keyed.entry.box
                try insert(fid: keyed.entry.id, minX: Double(box.minX), maxX: Double(box.maxX), minY: Double(box.minY), maxY: Double(box.maxY))
            }
        }

        /// One row into the R*Tree through the module, which rounds the bounds to floats.
        private func insert(fid: Int64, minX: Double, maxX: Double, minY: Double, maxY: Double) throws {
            let insert = statement.sqliteStatement
            defer { sqlite3_reset(insert) }
            sqlite3_bind_int64(insert, 1, fid)
            sqlite3_bind_double(insert, 2, minX)
            sqlite3_bind_double(insert, 3, maxX)
            sqlite3_bind_double(insert, 4, minY)
            sqlite3_bind_double(insert, 5, maxY)
            if sqlite3_step(insert) != SQLITE_DONE {
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: "INSERT INTO idx_\(layer.name)_geom")
            }
        }

        /// Writes the kept boxes (packed, or row by row when the index is no longer empty), sets
        /// the layer's time stamp and restores the triggers.
        /// - Throws: `StorageError.sqlite` when a write fails; `StorageError.spatialite` when the
        ///   R*Tree's root node is missing or too small to be one.
        func finish() throws {
            if let entries, entries.count > 0 {
                self.entries = nil
                if try isEmpty() {
                    try pack(entries)
                } else {
                    // Stored floats are exact doubles: the module stores them unchanged.
                    var written = 0
                    try entries.sorted { keyed in
                        let entry = keyed.entry
                        try insert(fid: entry.id, minX: Double(entry.box.minX), maxX: Double(entry.box.maxX),
                                   minY: Double(entry.box.minY), maxY: Double(entry.box.maxY))
                        written += 1
                        if written == entries.count / 2 { ImportKillPoint.reach("index-fill") }
                    }
                }
            } else {
                ImportKillPoint.reach("index-fill")
            }
            try db.execute(sql: """
                UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE f_table_name = ? AND f_geometry_column = 'geom'
                """, arguments: [layer.name])
            try triggers.restore()
        }

        /// Replaces the (empty) R*Tree by the packed tree of `entries`, in its shadow tables: the
        /// nodes as they are built, then the leaf of every row in row-id order, so that the
        /// `_rowid` b-tree is appended to, ``rowidsPerInsert`` rows to a statement. When the rows
        /// are one run of ids (an import's rows always are), each leaf goes straight to its
        /// row's place in an array (8 bytes a row); otherwise the pairs are sorted by row id (a
        /// second sort, on a thread of its own while the nodes are written: ``BackgroundSorter``).
        private func pack(_ entries: BackgroundSorter<PackedRTree.Keyed>) throws {
            // The node size is fixed when the R*Tree is created (from the page size, capped by
            // SQLite) and read back from the root's length whenever it is opened.
            let size = try Int.fetchOne(db, sql: "SELECT length(data) FROM \(table("_node")) WHERE nodeno = 1")
            guard let size, let packer = PackedRTree(nodeSize: size) else {
                throw StorageError.spatialite("the spatial index of \(layer.name) has no usable root node")
            }
            for suffix in ["_node", "_parent", "_rowid"] { try db.execute(sql: "DELETE FROM \(table(suffix))") }
            let node = try BoundStatement(db, sql: "INSERT INTO \(table("_node")) (nodeno, data) VALUES (?, ?)")
            let parent = try BoundStatement(db, sql: "INSERT INTO \(table("_parent")) (nodeno, parentnode) VALUES (?, ?)")
            let count = entries.count
            // The rows' leaves by row id: placed in an array when the ids are one run, else sorted.
            let firstRow = rowRange.flatMap { $0.last - $0.first + 1 == Int64(count) ? $0.first : nil }
            var leafOfRow: [Int64] = firstRow != nil ? Array(repeating: 0, count: count) : []
            let leaves = firstRow == nil ? BackgroundSorter<RowLeaf>(by: { $0.row < $1.row }) : nil
            // However this ends, the sorting thread stops before this returns.
            defer { leaves?.stop() }
            var handed = 0
            try packer.write(count: count, next: {
                handed += 1
                if handed == count / 2 { ImportKillPoint.reach("index-fill") }
                guard let keyed = try entries.next() else {
                    throw StorageError.temporaryFile(reason: "a sort's temporary file ended early")
                }
                return keyed.entry
            }, node: { number, blob in
                try node.run(number, blob: blob)
            }, parent: { child, parentNumber in
                try parent.run(child, parentNumber)
            }, leaf: { row, leaf in
                if let firstRow {
                    leafOfRow[Int(row - firstRow)] = leaf
                } else {
                    try leaves?.add(RowLeaf(row: row, leaf: leaf))
                }
            })
            let rowid = try BoundStatement(db, sql: "INSERT INTO \(table("_rowid")) (rowid, nodeno) VALUES (?, ?)")
            let rowids = try BoundStatement(db, sql: "INSERT INTO \(table("_rowid")) (rowid, nodeno) VALUES "
                                            + Array(repeating: "(?, ?)", count: Self.rowidsPerInsert).joined(separator: ", "))
            var group: [RowLeaf] = []
            group.reserveCapacity(Self.rowidsPerInsert)
            func write(_ pair: RowLeaf) throws {
                group.append(pair)
                if group.count == Self.rowidsPerInsert {
                    try rowids.run(pairs: group[...])
                    group.removeAll(keepingCapacity: true)
                }
            }
            if let firstRow {
                for (offset, leaf) in leafOfRow.enumerated() { try write(RowLeaf(row: firstRow + Int64(offset), leaf: leaf)) }
            } else {
                try leaves?.sorted(write)
            }
            for pair in group { try rowid.run(pair.row, pair.leaf) }
        }

        /// `_rowid` rows inserted by one statement (two parameters each).
        static let rowidsPerInsert = 128

        /// A row of the index and the leaf that holds it.
        struct RowLeaf: BitwiseCopyable {
            var row: Int64
            var leaf: Int64
        }
    }

    /// A prepared statement of two parameters, an integer and an integer or blob, run many times
    /// through SQLite's C API.
    private struct BoundStatement {
        let db: Database
        let statement: Statement

        init(_ db: Database, sql: String) throws {
            self.db = db
            statement = try db.makeStatement(sql: sql)
        }

        /// Binds `first` and `second` and steps.
        func run(_ first: Int64, _ second: Int64) throws {
            sqlite3_bind_int64(statement.sqliteStatement, 2, second)
            try step(first)
        }

        /// Binds the pairs, two parameters each, and steps (a statement of as many row values).
        func run(pairs: ArraySlice<BulkSpatialIndex.RowLeaf>) throws {
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            var index: Int32 = 1
            for pair in pairs {
                sqlite3_bind_int64(handle, index, pair.row)
                sqlite3_bind_int64(handle, index + 1, pair.leaf)
                index += 2
            }
            if sqlite3_step(handle) != SQLITE_DONE {
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
        }

        /// Binds `first` and `blob` and steps.
        func run(_ first: Int64, blob: [UInt8]) throws {
            blob.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(statement.sqliteStatement, 2, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
            }
            try step(first)
        }

        private func step(_ first: Int64) throws {
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            sqlite3_bind_int64(handle, 1, first)
            if sqlite3_step(handle) != SQLITE_DONE {
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
        }
    }
}
