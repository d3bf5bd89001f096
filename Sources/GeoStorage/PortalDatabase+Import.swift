import CSQLite
import Foundation
import GRDB
import GeoModel

extension PortalDatabase {
    /// Imports every feature of `source` into `layer`, all or nothing.
    ///
    /// Each feature is validated against the layer's column contract (`LayerSchema.validate`); ids
    /// must be unique in the file and in the layer. The whole import is one transaction: when any
    /// problem is found, it is rolled back and `ImportError.failed` lists the first
    /// `maxListedProblems` problems and counts all of them. Memory does not grow with the file:
    /// features are streamed, and duplicate ids are found through the table's unique index.
    ///
    /// After settlements or districts are imported, settlements without a (known) district get the
    /// district whose polygon contains them (`ST_Intersects` after an R*Tree filter). When the
    /// districts are replaced, settlements whose district is gone and that no new polygon
    /// contains lose their district, in the same transaction (`districtsCleared`).
    ///
    /// ``interrupt()`` (e.g. on Ctrl-C) stops the import at its next feature or SQL statement; the
    /// transaction is rolled back and `ImportError.interrupted` thrown.
    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions = ImportOptions(),
                               progress: ((ImportProgress) -> Void)? = nil) throws -> ImportReport {
        var report = ImportReport(layer: layer.name)
        report.dryRun = options.dryRun
        var problems: [ImportProblem] = []
        var total = 0
        let table = SQL.identifier(layer.name)
        var names = layer.columns.map { SQL.identifier($0.name) }
        if layer.geometryType != nil && !layer.geometryIsDerived { names.append("geom") }
        let insertSQL = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
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
        do {
            try writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let isSites = layer.name == LayerSchema.sites.name
                    // Emptied first, so that the pack's triggers have nothing to do per inserted row.
                    if isSites { try SitePack.clear(db) }
                    if options.replace {
                        try db.execute(sql: "DELETE FROM \(table)")
                        report.replaced = db.changesCount
                    }
                    let firstNewFid = try Int64.fetchOne(db, sql: "SELECT coalesce(max(fid), 0) FROM \(table)") ?? 0
                    let insert = try RowInserter(db, sql: insertSQL)
                    let update = try RowInserter(db, sql: updateSQL)
                    var updatedIDs = Set<String>()
                    let bulk = try BulkSpatialIndex(db, layer: layer)
                    var featureProblems: [ImportProblem] = []
                    while let feature = try Self.modelCall({ () throws(GeoModelError) in try source.next() }) {
                        try stopIfInterrupted()
                        report.read += 1
                        featureProblems.removeAll(keepingCapacity: true)
                        if let record = layer.validate(feature, decimalComma: source.decimalComma, problems: &featureProblems) {
                            let blob = record.geometry.map(SpatiaLiteBlob.encode)
                            if try insert.insert(record.values, geometry: blob) {
                                if let geometry = record.geometry { try bulk?.add(fid: db.lastInsertedRowID, geometry: geometry) }
                                report.imported += 1
                                ImportKillPoint.reachRow(report.imported)
                            } else {
                                let earlier = try Int64.fetchOne(db, sql: "SELECT fid FROM \(table) WHERE id = ?", arguments: [record.id]) ?? 0
                                if options.upsert && earlier <= firstNewFid && !updatedIDs.contains(record.id) {
                                    try update.update(record.values, geometry: blob, id: record.id)
                                    updatedIDs.insert(record.id)
                                    report.updated += 1
                                } else {
                                    let whose = earlier > firstNewFid || updatedIDs.contains(record.id)
                                        ? "an earlier feature of this file" : "a feature already in layer \(layer.name)"
                                    note(ImportProblem(feature.location, field: "id", "'\(record.id)' is already used by \(whose)"))
                                }
                            }
                        }
                        featureProblems.forEach(note)
                        if let progress, report.read % 10_000 == 0 {
                            progress(ImportProgress(features: report.read, bytesRead: source.progress.done, totalBytes: source.progress.total))
                        }
                    }
                    if total > 0 { return .rollback }
                    try stopIfInterrupted()
                    ImportKillPoint.reach("rows-done")
                    try bulk?.finish()
                    ImportKillPoint.reach("index-done")
                    if layer.name == LayerSchema.settlements.name {
                        // Updated settlements may have moved: all of them, then.
                        report.districtsAssigned = try Self.assignDistricts(db, fromFid: report.updated > 0 ? 0 : firstNewFid)
                    } else if layer.name == LayerSchema.districts.name {
                        report.districtsAssigned = try Self.assignDistricts(db, fromFid: 0)
                        if options.replace { report.districtsCleared = try Self.clearUnknownDistricts(db) }
                    }
                    report.unresolvedCommitments = try Self.placeCommitments(db)
                    ImportKillPoint.reach("districts")
                    if isSites && !options.dryRun { try SitePack.rebuild(db) }
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
        report.skipped = source.skipped
        report.ignoredFields = source.ignoredFields.sorted()
        if total > 0 {
            throw ImportError.failed(layer: layer.name, file: fileName, problems: problems, total: total)
        }
        return report
    }

    /// Binds a record's values straight to a prepared INSERT through SQLite's C API (no
    /// intermediate argument arrays: imports insert millions of rows).
    struct RowInserter {
        let db: Database
        let statement: Statement
        let sql: String

        init(_ db: Database, sql: String) throws {
            self.db = db
            self.sql = sql
            statement = try db.makeStatement(sql: sql)
        }

        /// Runs the UPDATE of an upsert: the values and geometry bound as for an insert, then `id`.
        /// - Throws: `StorageError.sqlite` when the statement fails.
        func update(_ values: [FieldValue], geometry: [UInt8]?, id: String) throws {
            guard try insert(values, geometry: geometry, hasGeometry: geometryBound(values), trailing: id) else {
                throw StorageError.sqlite(message: "an update broke a constraint", sql: sql)
            }
        }

        /// Whether the statement takes a geometry after the values (it has one parameter more).
        private func geometryBound(_ values: [FieldValue]) -> Bool {
            Int(sqlite3_bind_parameter_count(statement.sqliteStatement)) > values.count + 1
        }

        /// Inserts one row; returns false when the row breaks a UNIQUE constraint (a duplicate id).
        /// - Throws: `StorageError.sqlite` for any other failure.
        func insert(_ values: [FieldValue], geometry: [UInt8]?) throws -> Bool {
            try insert(values, geometry: geometry, hasGeometry: true, trailing: nil)
        }

        /// Binds `values`, then the geometry (when the statement has a parameter for it: a NULL
        /// geometry is bound as NULL), then `trailing`, and steps.
        private func insert(_ values: [FieldValue], geometry: [UInt8]?, hasGeometry: Bool, trailing: String?) throws -> Bool {
            let handle = statement.sqliteStatement
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            var index: Int32 = 1
            for value in values {
                switch value {
                case .null: sqlite3_bind_null(handle, index)
                case .integer(let i): sqlite3_bind_int64(handle, index, i)
                case .real(let d): sqlite3_bind_double(handle, index, d)
                case .text(let s):
                    var text = s
                    text.withUTF8 { utf8 in
                        _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                              Int32(utf8.count), sqliteTransient)
                    }
                }
                index += 1
            }
            if let geometry {
                geometry.withUnsafeBytes { bytes in
                    _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                }
            }
            if let trailing {
                // The geometry's parameter (bound above, or left NULL by clear_bindings) comes first.
                if hasGeometry { index += 1 }
                var text = trailing
                text.withUTF8 { utf8 in
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

    /// Fast loading of a layer's R*Tree during an import.
    ///
    /// SpatiaLite keeps its spatial index up to date with an AFTER INSERT trigger that calls
    /// `RTreeAlign()`, which formats and runs an SQL statement for every row, and a second trigger
    /// that stamps `geometry_columns_time` for every row. For the length of the import transaction
    /// both triggers are set aside; each feature's bounding box goes into the R*Tree through one
    /// prepared statement (SQLite rounds the 32-bit bounds outward, as `RTreeAlign` does), the
    /// time stamp is set once, and the triggers are recreated from their stored SQL. Everything
    /// happens inside the import's transaction, so a failed import restores the triggers too.
    struct BulkSpatialIndex {
        let db: Database
        let layer: LayerSchema
        let triggers: [(name: String, sql: String)]
        let insert: OpaquePointer
        let statement: Statement

        init?(_ db: Database, layer: LayerSchema) throws {
            guard layer.geometryType != nil, !layer.geometryIsDerived else { return nil }
            self.db = db
            self.layer = layer
            let names = ["gii_\(layer.name)_geom", "tmi_\(layer.name)_geom"]
            triggers = try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)", arguments: StatementArguments(names)
            ).map { ($0[0], $0[1]) }
            guard triggers.count == 2 else { throw StorageError.spatialite("the spatial index triggers of \(layer.name) are missing") }
            for trigger in triggers { try db.execute(sql: "DROP TRIGGER \(SQL.identifier(trigger.name))") }
            statement = try db.makeStatement(sql: "INSERT INTO \(SQL.identifier("idx_\(layer.name)_geom")) (pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)")
            insert = statement.sqliteStatement
        }

        func add(fid: Int64, geometry: Geometry) throws {
            guard let box = geometry.boundingBox else { return }
            defer { sqlite3_reset(insert) }
            sqlite3_bind_int64(insert, 1, fid)
            sqlite3_bind_double(insert, 2, box.minLongitude)
            sqlite3_bind_double(insert, 3, box.maxLongitude)
            sqlite3_bind_double(insert, 4, box.minLatitude)
            sqlite3_bind_double(insert, 5, box.maxLatitude)
            if sqlite3_step(insert) != SQLITE_DONE {
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: "INSERT INTO idx_\(layer.name)_geom")
            }
        }

        func finish() throws {
            ImportKillPoint.reach("index-fill")
            try db.execute(sql: """
                UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE f_table_name = ? AND f_geometry_column = 'geom'
                """, arguments: [layer.name])
            for trigger in triggers { try db.execute(sql: trigger.sql) }
        }
    }

    /// Gives settlements with no district, or a district id that is not in the districts layer,
    /// the id of the district polygon that contains them (lowest fid first on shared borders).
    /// Settlements outside every polygon keep what they had.
    /// - Returns: how many settlements got a district.
    static func assignDistricts(_ db: Database, fromFid: Int64) throws -> Int {
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
    /// - Returns: the number of commitments whose target was not found.
    static func placeCommitments(_ db: Database) throws -> Int {
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
