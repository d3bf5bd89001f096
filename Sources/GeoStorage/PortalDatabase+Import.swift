import CSQLite
import Foundation
import GRDB
import GeoModel
import Geodesy

extension PortalDatabase {
    /// Imports every feature of `source` into `layer`, all or nothing.
    ///
    /// Each feature is validated against the layer's column contract (`LayerSchema.validate`); ids
    /// must be unique in the file and in the layer. The whole import is one transaction: when any
    /// problem is found, it is rolled back and `ImportError.failed` lists the first
    /// `maxListedProblems` problems and counts all of them. Memory does not grow with the file:
    /// features are streamed, duplicate ids are found through the table's unique index, and the
    /// spatial index is sorted in bounded runs (``BulkSpatialIndex``).
    ///
    /// The bulk path: features are read, validated and encoded on a thread of their own
    /// (``ImportFeatureReader``) while this one inserts them through one prepared statement,
    /// with SpatiaLite's per-row triggers set aside; an empty R*Tree is packed in one go at the
    /// end; a sites import into an empty layer builds the site pack while it reads the rows
    /// (``SitePackBuilder``), writes each chunk as its sites are inserted, and sets the spatial
    /// ranks at the end from the positions it kept (16 bytes a site, as the pack's own rebuild
    /// holds them). Any other sites import rebuilds the pack from the table.
    ///
    /// After settlements or districts are imported, settlements without a (known) district get the
    /// district whose polygon contains them (`ST_Intersects` after an R*Tree filter). When the
    /// districts are replaced, settlements whose district is gone and that no new polygon
    /// contains lose their district, in the same transaction (`districtsCleared`).
    ///
    /// SpatiaLite is loaded on the connection (when it was opened without it) only for what calls
    /// its functions: upserts and replacements (its update and delete triggers), layers whose
    /// triggers are not set aside (those without a geometry of their own), district assignment
    /// when there are districts, and the placing of commitments when there are any. An append to
    /// settlements or sites does without, and starts about 30 ms sooner.
    ///
    /// ``interrupt()`` (e.g. on Ctrl-C) stops the import at its next feature or SQL statement; the
    /// transaction is rolled back and `ImportError.interrupted` thrown.
    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions = ImportOptions(),
                               progress: ((ImportProgress) -> Void)? = nil) throws -> ImportReport {
        try importFeatures(from: source, into: layer, fileName: fileName, options: options, indexFill: .packedWhenEmpty, progress: progress)
    }

    /// ``importFeatures(from:into:fileName:options:progress:)`` with the way the R*Tree is filled
    /// chosen (tests compare the packed tree with the one SQLite builds row by row), and the
    /// sites per chunk of a site pack built during the import (tests cross chunk boundaries).
    func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                        options: ImportOptions, indexFill: BulkSpatialIndex.Fill, sitePackChunkRows: Int = SitePack.chunkRows,
                        progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        var report = ImportReport(layer: layer.name)
        report.dryRun = options.dryRun
        var problems: [ImportProblem] = []
        var total = 0
        let table = SQL.identifier(layer.name)
        var names = layer.columns.map { SQL.identifier($0.name) }
        if layer.geometryType != nil && !layer.geometryIsDerived { names.append("geom") }
        let rowOfMarks = "(" + names.map { _ in "?" }.joined(separator: ", ") + ")"
        let insertSQL = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES \(rowOfMarks)"
        // Upserts replace every column and the geometry of the row with the id (SpatiaLite's update
        // triggers keep the spatial index); the id, bound last, selects the row.
        let updateSQL = "UPDATE \(table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

        func note(_ problem: ImportProblem) {
            total += 1
            if problems.count < options.maxListedProblems { problems.append(problem) }
        }

        func stopIfInterrupted() throws {
            if isInterrupted { throw ImportError.interrupted(layer: layer.name, file: fileName) }
        }

        // The interrupt this import honours (or that came before it) ends with it.
        defer { interruption.lower() }
        // Started inside the transaction (it needs to know whether the layer starts empty).
        var reader: ImportFeatureReader?
        // However the import ends, the reading thread lets go of the source before it returns.
        defer { reader?.stop() }
        do {
            try writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let isSites = layer.name == LayerSchema.sites.name
                    // SpatiaLite's functions, for the statements that call them: its update and
                    // delete triggers, its insert triggers where they are not set aside (a
                    // derived geometry), and the districts' and commitments' own statements.
                    if options.upsert || options.replace || (layer.geometryType != nil && layer.geometryIsDerived)
                        || layer.name == LayerSchema.districts.name || layer.name == LayerSchema.commitments.name {
                        try spatialSQL.load(on: db)
                    }
                    // Emptied first, and its insert trigger set aside, so that nothing happens
                    // to the pack per inserted row.
                    if isSites {
                        try SitePack.createSchema(db)
                        try SitePack.clear(db)
                    }
                    let packTrigger = try SetAsideTriggers(db, names: isSites ? [SitePack.insertTrigger] : [])
                    if options.replace {
                        try db.execute(sql: "DELETE FROM \(table)")
                        report.replaced = db.changesCount
                    }
                    let firstNewFid = try Int64.fetchOne(db, sql: "SELECT coalesce(max(fid), 0) FROM \(table)") ?? 0
                    // A layer that starts empty gets its site pack from the positions kept here.
                    let startsEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(table))") ?? false
                    var positions: [GeoPoint?]? = isSites && !options.dryRun && startsEmpty ? [] : nil
                    // Then the pack is also built while the rows are read, and written as they are inserted.
                    let sitePack = positions != nil ? try SitePackInserter(db) : nil
                    let batches = ImportFeatureReader(source: source, layer: layer, sitePack: sitePack.map { _ in SitePackBuilder(chunkRows: sitePackChunkRows) })
                    reader = batches
                    // SpatiaLite's insert triggers are set aside here, before the statements are
                    // prepared (a statement compiles the triggers it fires).
                    let bulk = try BulkSpatialIndex(db, layer: layer, fill: indexFill)
                    let insert = try RowInserter(db, sql: insertSQL)
                    let multiInsert = try RowInserter(db, sql: insertSQL + String(repeating: ", " + rowOfMarks, count: Self.rowsPerInsert - 1))
                    let update = options.upsert ? try RowInserter(db, sql: updateSQL) : nil
                    var updatedIDs = Set<String>()
                    // The writer's per-row steps take plain values, not the batch or the row (whose
                    // arrays each call would retain and release).
                    /// Counts a feature read, and reports progress every 10,000.
                    func account(_ done: (done: Int, total: Int?)) {
                        report.read += 1
                        if let progress, report.read % 10_000 == 0 {
                            progress(ImportProgress(features: report.read, bytesRead: done.done, totalBytes: done.total))
                        }
                    }
                    /// Records a row that was inserted with `fid`, with its box and point.
                    func inserted(_ keyed: PackedRTree.Keyed?, _ point: GeoPoint?, fid: Int64) throws {
                        if var keyed {
                            keyed.entry.id = fid
                            try bulk?.add(keyed)
                        }
                        positions?.append(point)
                        try sitePack?.inserted(fid: fid)
                        report.imported += 1
                        ImportKillPoint.reachRow(report.imported)
                    }
                    /// One feature on its own (the row at `index` of the batch): its problems, or
                    /// its row inserted, or updated (`--upsert`), or its duplicate id noted.
                    func single(_ index: Int, of batch: EncodedRows) throws {
                        let row = batch.rows[index]
                        guard !row.isRejected else {
                            batch.problems(of: index).forEach(note)
                            return
                        }
                        if try insert.insert(row, of: batch) {
                            try inserted(row.keyed, row.point, fid: db.lastInsertedRowID)
                            return
                        }
                        let id = batch.id(of: row)
                        let earlier = try Int64.fetchOne(db, sql: "SELECT fid FROM \(table) WHERE id = ?", arguments: [id]) ?? 0
                        if let update, earlier <= firstNewFid && !updatedIDs.contains(id) {
                            try update.update(row, of: batch, id: id)
                            updatedIDs.insert(id)
                            report.updated += 1
                            // An update moves a site out of fid order: the pack is rebuilt from the table.
                            positions = nil
                            sitePack?.abandon()
                        } else {
                            let inFile = earlier > firstNewFid || updatedIDs.contains(id)
                            note(.duplicateID(id, at: batch.location(of: row), inLayer: inFile ? nil : layer.name))
                        }
                    }
                    while let batch = batches.next() {
                        if batch.sitePackAbandoned { sitePack?.abandon() }
                        try sitePack?.add(batch.sitePackChunks)
                        let rows = batch.rows
                        let done = batch.progress
                        var next = 0
                        while next < rows.count {
                            // Runs of valid rows go in by ``rowsPerInsert`` at a time (rows in one
                            // INSERT get consecutive fids); a run with a duplicate id among its rows
                            // fails as a whole, changes nothing, and goes again row by row.
                            let end = next + Self.rowsPerInsert
                            if end <= rows.count, batch.rejected == 0 || (next..<end).allSatisfy({ !rows[$0].isRejected }) {
                                if try multiInsert.insert(rows[next..<end], of: batch) {
                                    let last = db.lastInsertedRowID
                                    for index in next..<end {
                                        account(done)
                                        try inserted(rows[index].keyed, rows[index].point, fid: last - Int64(end - 1 - index))
                                    }
                                } else {
                                    for index in next..<end {
                                        account(done)
                                        try single(index, of: batch)
                                    }
                                }
                                next = end
                            } else {
                                account(done)
                                try single(next, of: batch)
                                next += 1
                            }
                        }
                        try stopIfInterrupted()
                        if let failure = batch.failure { throw StorageError.model(failure) }
                    }
                    if total > 0 { return .rollback }
                    try stopIfInterrupted()
                    ImportKillPoint.reach("rows-done")
                    // The site pack's spatial order is computed while the spatial index is filled.
                    let ranked = positions.map { points in BackgroundWork { SitePack.ranked(points) } }
                    positions = nil
                    try bulk?.finish()
                    ImportKillPoint.reach("index-done")
                    try packTrigger.restore()
                    if layer.name == LayerSchema.settlements.name {
                        // Updated settlements may have moved: all of them, then.
                        report.districtsAssigned = try Self.assignDistricts(db, fromFid: report.updated > 0 ? 0 : firstNewFid,
                                                                            spatialSQL: spatialSQL)
                    } else if layer.name == LayerSchema.districts.name {
                        report.districtsAssigned = try Self.assignDistricts(db, fromFid: 0, spatialSQL: spatialSQL)
                        if options.replace { report.districtsCleared = try Self.clearUnknownDistricts(db) }
                    }
                    report.unresolvedCommitments = try Self.placeCommitments(db, spatialSQL: spatialSQL)
                    ImportKillPoint.reach("districts")
                    if isSites && !options.dryRun {
                        let rankedSites = ranked?.value()
                        // The pack written during the row pass gets its ranks; otherwise it is rebuilt from the table.
                        let finished = try rankedSites.map { try sitePack?.finish(ranked: $0) ?? false } ?? false
                        if !finished { try SitePack.rebuild(db, ranked: rankedSites) }
                    }
                    try stopIfInterrupted()
                    ImportKillPoint.reach("before-commit")
                    return options.dryRun ? .rollback : .commit
                }
            }
        } catch where isInterrupted {
            // Whatever failed after an interrupt (SQLite's SQLITE_INTERRUPT in a statement, the
            // check between rows), the transaction was rolled back.
            throw ImportError.interrupted(layer: layer.name, file: fileName)
        }
        reader?.stop()
        report.skipped = source.skipped
        report.ignoredFields = source.ignoredFields.sorted()
        if total > 0 {
            throw ImportError.failed(layer: layer.name, file: fileName, problems: problems, total: total)
        }
        return report
    }

    /// Binds an encoded row's values straight from its batch's buffer to a prepared statement
    /// through SQLite's C API (no intermediate objects: imports insert millions of rows).
    struct RowInserter {
        let db: Database
        let statement: Statement
        let sql: String

        init(_ db: Database, sql: String) throws {
            self.db = db
            self.sql = sql
            statement = try db.makeStatement(sql: sql)
        }

        /// Runs the UPDATE of an upsert: the row's values bound as for an insert, then `id`.
        /// - Throws: `StorageError.sqlite` when the statement fails.
        func update(_ row: EncodedRows.Row, of rows: EncodedRows, id: String) throws {
            guard try run(rows, [row], trailing: id) else {
                throw StorageError.sqlite(message: "an update broke a constraint", sql: sql)
            }
        }

        /// Inserts one row; returns false when the row breaks a UNIQUE constraint (a duplicate id).
        /// - Throws: `StorageError.sqlite` for any other failure.
        func insert(_ row: EncodedRows.Row, of rows: EncodedRows) throws -> Bool {
            try run(rows, [row], trailing: nil)
        }

        /// Inserts the rows through a statement with a group of parameters per row; returns false,
        /// with none of them inserted, when one breaks a UNIQUE constraint (a duplicate id).
        /// - Throws: `StorageError.sqlite` for any other failure.
        func insert(_ group: ArraySlice<EncodedRows.Row>, of rows: EncodedRows) throws -> Bool {
            try run(rows, group, trailing: nil)
        }

        /// Binds the rows' values one after the other (texts and blobs without copying: the
        /// buffer is held until the step is done), then `trailing`, and steps.
        private func run<Rows: Collection<EncodedRows.Row>>(_ rows: EncodedRows, _ group: Rows, trailing: String?) throws -> Bool {
            let handle = statement.sqliteStatement
            // Every parameter is bound for every step, so no binding is left over from the last.
            defer { sqlite3_reset(handle) }
            return try rows.withValues { valuesOf in
                var index: Int32 = 1
                for row in group {
                    for value in valuesOf(row) {
                        switch value.tag {
                        case .null: sqlite3_bind_null(handle, index)
                        case .integer: sqlite3_bind_int64(handle, index, Int64(bitPattern: value.number))
                        case .real: sqlite3_bind_double(handle, index, Double(bitPattern: value.number))
                        case .text:
                            if let base = value.bytes.baseAddress, !value.bytes.isEmpty {
                                sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(value.bytes.count), sqliteStatic)
                            } else {
                                sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                            }
                        case .blob:
                            sqlite3_bind_blob(handle, index, value.bytes.baseAddress, Int32(value.bytes.count), sqliteStatic)
                        }
                        index += 1
                    }
                }
                var trailingText = trailing
                if trailingText != nil {
                    trailingText?.withUTF8 { utf8 in
                        _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                              Int32(utf8.count), sqliteTransient)
                    }
                }
                let rc = sqlite3_step(handle)
                if rc == SQLITE_DONE { return true }
                let extended = sqlite3_extended_errcode(db.sqliteConnection)
                if extended == 2067 /* SQLITE_CONSTRAINT_UNIQUE */ { return false }
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
        }
    }

    /// Valid rows inserted by one INSERT statement (16 rows of a layer's 16 columns: 256 parameters).
    static let rowsPerInsert = 16

    /// Gives settlements with no district, or a district id that is not in the districts layer,
    /// the id of the district polygon that contains them (lowest fid first on shared borders).
    /// Settlements outside every polygon keep what they had.
    /// SpatiaLite is loaded on the connection (`spatialSQL`) when there are districts.
    /// - Returns: how many settlements got a district.
    static func assignDistricts(_ db: Database, fromFid: Int64, spatialSQL: SpatialSQLState) throws -> Int {
        // Without districts no settlement can get one (and the statement would still look up
        // every settlement's point).
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM districts)") == true else { return 0 }
        try spatialSQL.load(on: db)
        try db.execute(sql: """
            UPDATE settlements SET district = (
                SELECT d.id FROM districts d
                WHERE d.fid IN (SELECT pkid FROM idx_districts_geom
                                WHERE xmin <= ST_X(settlements.geom) AND xmax >= ST_X(settlements.geom)
                                  AND ymin <= ST_Y(settlements.geom) AND ymax >= ST_Y(settlements.geom))
                  AND ST_Intersects(d.geom, settlements.geom) = 1
                ORDER BY d.fid LIMIT 1)
            WHERE fid > ?
              AND (district IS NULL OR district NOT IN (SELECT id FROM districts))
              AND EXISTS (
                SELECT 1 FROM districts d
                WHERE d.fid IN (SELECT pkid FROM idx_districts_geom
                                WHERE xmin <= ST_X(settlements.geom) AND xmax >= ST_X(settlements.geom)
                                  AND ymin <= ST_Y(settlements.geom) AND ymax >= ST_Y(settlements.geom))
                  AND ST_Intersects(d.geom, settlements.geom) = 1)
            """, arguments: [fromFid])
        return db.changesCount
    }

    /// Clears the `district` of settlements that name a district not in the districts layer, after
    /// the layer was replaced and ``assignDistricts(_:fromFid:)`` gave every settlement inside a
    /// polygon its district: what is left lies outside every district.
    /// - Returns: how many settlements lost their district.
    static func clearUnknownDistricts(_ db: Database) throws -> Int {
        try db.execute(sql: "UPDATE settlements SET district = NULL WHERE district IS NOT NULL AND district NOT IN (SELECT id FROM districts)")
        return db.changesCount
    }

    /// Gives every commitment the position of its target: the point of a settlement, institution
    /// or site, the middle of a road's first part, a point inside a district; null when the target
    /// is not (yet) in its layer.
    /// SpatiaLite is loaded on the connection (`spatialSQL`) when there are commitments.
    /// - Returns: the number of commitments whose target was not found.
    static func placeCommitments(_ db: Database, spatialSQL: SpatialSQLState) throws -> Int {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM commitments)") == true else { return 0 }
        try spatialSQL.load(on: db)
        try db.execute(sql: """
            UPDATE commitments SET geom = CASE target_layer
                WHEN 'settlements' THEN (SELECT t.geom FROM settlements t WHERE t.id = commitments.target_id)
                WHEN 'institutions' THEN (SELECT t.geom FROM institutions t WHERE t.id = commitments.target_id)
                WHEN 'sites' THEN (SELECT t.geom FROM sites t WHERE t.id = commitments.target_id)
                WHEN 'roads' THEN (SELECT ST_Line_Interpolate_Point(ST_GeometryN(t.geom, 1), 0.5) FROM roads t WHERE t.id = commitments.target_id)
                WHEN 'districts' THEN (SELECT ST_PointOnSurface(t.geom) FROM districts t WHERE t.id = commitments.target_id)
            END
            """)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM commitments WHERE geom IS NULL") ?? 0
    }

    /// Runs a model-layer call, turning its typed error into `StorageError.model`.
    static func modelCall<T>(_ body: () throws(GeoModelError) -> T) throws -> T {
        do { return try body() } catch { throw StorageError.model(error) }
    }
}

extension FieldValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        }
    }
}

/// SQLite's SQLITE_TRANSIENT destructor (copy the bound bytes), which Swift cannot import as a macro.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
/// SQLite's SQLITE_STATIC (the bound bytes stay valid until the statement is reset or rebound).
let sqliteStatic: sqlite3_destructor_type? = nil
