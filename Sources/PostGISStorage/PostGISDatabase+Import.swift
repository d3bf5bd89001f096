import Foundation
import GeoModel
import Geodesy
import PostgresNIO

extension PostGISDatabase {
    /// Imports every feature of `source` into `layer`, all or nothing, in one transaction.
    ///
    /// The features are validated as every store validates them (``LayerSchema/validate(_:decimalComma:problems:cache:)``,
    /// duplicate ids within the file and against the layer, with the same messages as the
    /// SpatiaLite store). New rows are written to a temporary file in COPY's text format while the
    /// source is read (memory stays flat), then sent in one `COPY … FROM STDIN` inside the
    /// transaction; upserted rows are updated by id. Into an empty (or replaced) layer the GiST
    /// index is dropped before the COPY and built after it, in the same transaction; otherwise
    /// PostgreSQL maintains it row by row. Then, as the SpatiaLite store: settlements without a known district get the
    /// district whose polygon contains them, commitments get their target's position, and the
    /// change counter is bumped. A dry run does all of it and rolls back.
    ///
    /// The layer's ids are read before the transaction (to name duplicates as the other stores
    /// do); an import by another process of the same ids in between fails on the `id` unique
    /// constraint instead (SQLSTATE 23505, a conflict), and nothing of this import is kept.
    ///
    /// - Parameter interrupted: polled between features and between COPY chunks; when it returns
    ///   true the import stops and nothing is kept.
    /// - Throws: `ImportError.failed` listing the problems, `ImportError.interrupted`,
    ///   ``PostGISError/readOnly(location:)``, ``PostGISError``.
    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions, interrupted: @escaping @Sendable () -> Bool,
                               progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        guard !readOnly else { throw PostGISError.readOnly(location: name) }
        var report = ImportReport(layer: layer.name)
        report.dryRun = options.dryRun
        let table = PostGISSQL.identifier(layer.name)
        // The ids already in the layer (none when it is replaced).
        var existingIDs = Set<String>()
        if !options.replace {
            try stream("SELECT id FROM \(table)") { rows in
                for row in rows { existingIDs.insert(try row.decode(String.self)) }
            }
        }
        var updates: [FeatureRecord] = []
        let withGeometry = layer.geometryType != nil && !layer.geometryIsDerived
        let copyFile = try CopyFile()
        defer { copyFile.remove() }
        report.read = try RecordValidation.run(
            source, layer: layer, fileName: fileName, options: options, existingIDs: existingIDs,
            interrupted: interrupted, progress: progress,
            add: { record in
                try copyFile.append(record, layer: layer, withGeometry: withGeometry)
                report.imported += 1
            },
            update: { updates.append($0) })
        if interrupted() { throw ImportError.interrupted(layer: layer.name, file: fileName) }
        try copyFile.close()
        report.updated = updates.count
        report.skipped = source.skipped
        report.ignoredFields = source.ignoredFields.sorted()

        let names = layer.columns.map(\.name) + (withGeometry ? ["geom"] : [])
        let path = copyFile.path
        let prepared = report
        let upserts = updates
        let commit = !options.dryRun
        let stopped = ImportError.interrupted(layer: layer.name, file: fileName)
        let layerWasEmpty = existingIDs.isEmpty
        return try withConnection { connection in
            var report = prepared
            try await connection.query("BEGIN", logger: Self.logger)
            do {
                if options.replace {
                    let deleted = try await connection.rows("WITH gone AS (DELETE FROM \(table) RETURNING 1) SELECT count(*) FROM gone")
                    report.replaced = Int(try deleted.first?.decode(Int64.self) ?? 0)
                }
                let firstNewFid = try await connection.rows("SELECT coalesce(max(fid), 0) FROM \(table)").first?.decode(Int64.self) ?? 0
                // Into an empty layer, the GiST index is built once after the rows instead of
                // maintained row by row (200,000 points: 0.3 s to build against 1.6 s of upkeep).
                let index = PostGISSQL.identifier("idx_\(layer.name)_geom")
                let rebuildIndex = withGeometry && prepared.imported > 0 && (options.replace || layerWasEmpty)
                if rebuildIndex { _ = try await connection.rows("DROP INDEX IF EXISTS \(index)") }
                if prepared.imported > 0 {
                    // postgres-nio quotes the table and column names itself (names of the fixed schema).
                    try await connection.copyFrom(table: layer.name, columns: names, logger: Self.logger) { writer in
                        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                        defer { try? handle.close() }
                        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                            if interrupted() { throw stopped }
                            try await writer.write(ByteBuffer(bytes: chunk))
                        }
                    }
                }
                if rebuildIndex { _ = try await connection.rows("CREATE INDEX \(index) ON \(table) USING gist (geom)") }
                for record in upserts {
                    if interrupted() { throw stopped }
                    var binds = PostgresBindings()
                    var assignments: [String] = []
                    for (index, column) in layer.columns.enumerated() {
                        assignments.append("\(PostGISSQL.identifier(column.name)) = $\(binds.count + 1)")
                        Self.bind(record.values[index], type: column.type, into: &binds)
                    }
                    if withGeometry {
                        assignments.append("geom = ST_GeomFromEWKB($\(binds.count + 1))")
                        binds.append(record.geometry.map { ByteBuffer(bytes: WKB.encode($0)) })
                    }
                    binds.append(record.id)
                    _ = try await connection.rows("UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE id = $\(binds.count)", binds)
                }
                if layer.name == LayerSchema.settlements.name {
                    // Updated settlements may have moved: all of them, then.
                    report.districtsAssigned = try await Self.assignDistricts(connection, fromFid: report.updated > 0 ? 0 : firstNewFid)
                } else if layer.name == LayerSchema.districts.name {
                    report.districtsAssigned = try await Self.assignDistricts(connection, fromFid: 0)
                    if options.replace { report.districtsCleared = try await Self.clearUnknownDistricts(connection) }
                }
                report.unresolvedCommitments = try await Self.placeCommitments(connection)
                _ = try await connection.rows("UPDATE qamtu_changes SET counter = counter + 1 WHERE id = 1")
                if interrupted() { throw stopped }
                try await connection.query(commit ? "COMMIT" : "ROLLBACK", logger: Self.logger)
                return report
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: Self.logger)
                throw error
            }
        }
    }

    /// Appends `value` to `binds` as the PostgreSQL type of a column of `type` (NULL typed too).
    static func bind(_ value: FieldValue, type: ColumnType, into binds: inout PostgresBindings) {
        switch (value, type) {
        case (.integer(let n), .integer): binds.append(n)
        case (.integer(let n), .real): binds.append(Double(n))
        case (.real(let d), .real): binds.append(d)
        case (.real(let d), .integer): binds.append(Int64(exactly: d))
        case (.text(let s), _): binds.append(s)
        case (_, .integer): binds.append(Int64?.none)
        case (_, .real): binds.append(Double?.none)
        default: binds.append(String?.none)
        }
    }

    /// Gives settlements with no district, or a district id that is not in the districts layer,
    /// the id of the district polygon that contains them (lowest fid first on shared borders);
    /// settlements outside every polygon keep what they had. Only settlements after `fromFid`.
    /// - Returns: how many settlements got a district.
    static func assignDistricts(_ connection: PostgresConnection, fromFid: Int64) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(fromFid)
        let rows = try await connection.rows("""
            WITH changed AS (
                UPDATE settlements s SET district = (
                    SELECT d.id FROM districts d WHERE d.geom && s.geom AND ST_Intersects(d.geom, s.geom)
                    ORDER BY d.fid LIMIT 1)
                WHERE s.fid > $1
                  AND (s.district IS NULL OR s.district NOT IN (SELECT id FROM districts))
                  AND EXISTS (SELECT 1 FROM districts d WHERE d.geom && s.geom AND ST_Intersects(d.geom, s.geom))
                RETURNING 1)
            SELECT count(*) FROM changed
            """, binds)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// Clears the `district` of settlements that name a district not in the districts layer.
    /// - Returns: how many settlements lost their district.
    static func clearUnknownDistricts(_ connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.rows("""
            WITH changed AS (
                UPDATE settlements SET district = NULL
                WHERE district IS NOT NULL AND district NOT IN (SELECT id FROM districts)
                RETURNING 1)
            SELECT count(*) FROM changed
            """)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// Gives every commitment the position of its target, as the SpatiaLite store does: the
    /// point of a settlement, institution or site, the middle of a road's first part, a point
    /// inside a district; null when the target is not (yet) in its layer.
    /// - Returns: the number of commitments whose target was not found.
    static func placeCommitments(_ connection: PostgresConnection) async throws -> Int {
        let exists = try await connection.rows("SELECT EXISTS (SELECT 1 FROM commitments)")
        guard try exists.first?.decode(Bool.self) == true else { return 0 }
        _ = try await connection.rows("""
            UPDATE commitments SET geom = CASE target_layer
                WHEN 'settlements' THEN (SELECT t.geom FROM settlements t WHERE t.id = commitments.target_id)
                WHEN 'institutions' THEN (SELECT t.geom FROM institutions t WHERE t.id = commitments.target_id)
                WHEN 'sites' THEN (SELECT t.geom FROM sites t WHERE t.id = commitments.target_id)
                WHEN 'roads' THEN (SELECT ST_LineInterpolatePoint(ST_GeometryN(t.geom, 1), 0.5) FROM roads t WHERE t.id = commitments.target_id)
                WHEN 'districts' THEN (SELECT ST_PointOnSurface(t.geom) FROM districts t WHERE t.id = commitments.target_id)
            END
            """)
        let missing = try await connection.rows("SELECT count(*) FROM commitments WHERE geom IS NULL")
        return Int(try missing.first?.decode(Int64.self) ?? 0)
    }
}
