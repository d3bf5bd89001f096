import Foundation
import GeoModel
import GeoStorage
import Geodesy
import PostgresNIO

extension PostGISDatabase {
    /// Imports every feature of `source` into `layer`, all or nothing, in one transaction.
    ///
    /// The features are validated as every store validates them (``LayerSchema/validate(_:decimalComma:problems:cache:)``,
    /// duplicate ids within the file and against the layer, with the same messages as the
    /// SpatiaLite store). New rows are encoded in COPY's text format on the calling thread while
    /// the source is read, and streamed in pieces (``CopyFeed``) into one `COPY … FROM STDIN`
    /// that a task runs inside the transaction at the same time: PostgreSQL parses and stores
    /// one piece while Swift validates the next, and memory stays flat. When the source turns
    /// out to have problems, the COPY is failed and the transaction rolled back, so nothing is
    /// kept and the problems are reported as before. Upserted rows are updated by id after the
    /// COPY. Into an empty (or replaced) layer the GiST index is dropped before the COPY and built
    /// after it, in the same transaction (with more `maintenance_work_mem`); otherwise PostgreSQL
    /// maintains it row by row. Then, as the SpatiaLite store: settlements without a known district get the
    /// district whose polygon contains them, commitments get their target's position, and the
    /// change counter is bumped. An import of sites into an empty (or replaced) layer also builds
    /// the site pack from its records (see ``sitePack()``) and writes it last; any other write to
    /// `sites` leaves the pack empty. A dry run does all of it and rolls back.
    ///
    /// The layer's ids are read before the transaction (to name duplicates as the other stores
    /// do); an import by another process of the same ids in between fails on the `id` unique
    /// constraint instead (SQLSTATE 23505, a conflict), and nothing of this import is kept. An
    /// import of sites locks the table against other writers (`SHARE ROW EXCLUSIVE`) for its
    /// transaction, so that its pack describes exactly its rows.
    ///
    /// - Parameter interrupted: polled between features and between COPY pieces; when it returns
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
        let withGeometry = layer.geometryType != nil && !layer.geometryIsDerived
        let freshLayer = options.replace || existingIDs.isEmpty
        let isSites = layer.name == LayerSchema.sites.name && withGeometry
        let feed = CopyFeed<ImportRest>(capacity: 4)
        // The site pack's chunks, handed over after the rows: their spatial ranks are computed
        // while the server builds the indexes.
        let packFeed = CopyFeed<[SitePackBuilder.Chunk]?>(capacity: 1)
        let task = Self.startImportTransaction(
            client: client, name: name, layer: layer, fileName: fileName, options: options, feed: feed, packFeed: packFeed,
            freshLayer: freshLayer, isSites: isSites, interrupted: interrupted)

        var text = CopyText()
        // The site pack of an import into an empty layer, built from the records as they go.
        var packBuilder = isSites && freshLayer
            ? SitePackBuilder(readBack: { $0.isNaN ? nil : $0 }) : nil
        var packChunks: [SitePackBuilder.Chunk] = []
        var positions: [GeoPoint?] = []
        var updates: [FeatureRecord] = []
        do {
            report.read = try RecordValidation.run(
                source, layer: layer, fileName: fileName, options: options, existingIDs: existingIDs,
                interrupted: interrupted, progress: progress,
                add: { record in
                    if text.append(record, withGeometry: withGeometry) {
                        guard feed.send(text.take()) else { throw CopyStopped() }
                    }
                    report.imported += 1
                    if packBuilder != nil {
                        var point: GeoPoint?
                        if case .point(let p)? = record.geometry { point = p }
                        positions.append(point)
                        if let chunk = packBuilder?.add(record, point: point) { packChunks.append(chunk) }
                    }
                },
                update: { updates.append($0) })
            if interrupted() { throw ImportError.interrupted(layer: layer.name, file: fileName) }
            if !text.buffer.isEmpty {
                guard feed.send(text.take()) else { throw CopyStopped() }
            }
            report.updated = updates.count
            report.skipped = source.skipped
            report.ignoredFields = source.ignoredFields.sorted()
            let buildsPack = packBuilder.map { !$0.abandoned } == true && updates.isEmpty
            feed.finish(.success(ImportRest(report: report, upserts: updates, buildsPack: buildsPack)))
            var pack: [SitePackBuilder.Chunk]?
            if var builder = packBuilder, buildsPack {
                if let last = builder.finish() { packChunks.append(last) }
                if !builder.abandoned { pack = Self.settingRanks(packChunks, positions: positions) }
            }
            packFeed.finish(.success(pack))
        } catch is CopyStopped {
            // The transaction failed first: its error is the one to report.
            packFeed.finish(.success(nil))
            return try BlockingBridge.run { try await task.value }
        } catch {
            feed.finish(.failure(error))
            packFeed.finish(.success(nil))
            _ = try? BlockingBridge.run { try await task.value }
            throw error
        }
        return try BlockingBridge.run { try await task.value }
    }

    /// Thrown out of the validating pass when the COPY has stopped taking rows.
    private struct CopyStopped: Error {}

    /// What the transaction needs once every row is sent: the report so far, the rows to update
    /// and whether a site pack follows (its chunks come through a feed of their own).
    struct ImportRest: Sendable {
        var report: ImportReport
        var upserts: [FeatureRecord]
        var buildsPack: Bool
    }

    /// `chunks` with every site's spatial rank set (``SitePack`` ranks the valid points of
    /// `positions`, all sites in order); nil when the chunks do not hold exactly those sites.
    static func settingRanks(_ chunks: [SitePackBuilder.Chunk], positions: [GeoPoint?]) -> [SitePackBuilder.Chunk]? {
        guard chunks.reduce(0, { $0 + $1.rows }) == positions.count, !positions.isEmpty else { return nil }
        let ranked = SitePack.ranked(positions)
        var out = chunks
        var site = 0
        for index in out.indices {
            let offsets = out[index].rankOffsets
            let consistent = out[index].bytes.withUnsafeMutableBytes { bytes -> Bool in
                for offset in offsets {
                    let rank = ranked[site].rank
                    site += 1
                    switch (offset == SitePackBuilder.Chunk.noRank, rank) {
                    case (true, nil): continue
                    case (false, let rank?) where Int(offset) + 4 <= bytes.count:
                        bytes.storeBytes(of: rank.littleEndian, toByteOffset: Int(offset), as: UInt32.self)
                    default: return false
                    }
                }
                return true
            }
            guard consistent else { return nil }
        }
        return out
    }

    /// Starts the import's transaction in a task of its own: it takes the rows from `feed` into
    /// one COPY while the caller validates, then does the rest (``ImportRest``) and commits (or
    /// rolls back a dry run). When the feed ends with an error, the COPY is failed and the
    /// transaction rolled back; when the transaction fails, the feed is abandoned.
    private static func startImportTransaction(
        client: PostgresClient, name: String, layer: LayerSchema, fileName: String, options: ImportOptions, feed: CopyFeed<ImportRest>,
        packFeed: CopyFeed<[SitePackBuilder.Chunk]?>, freshLayer: Bool, isSites: Bool, interrupted: @escaping @Sendable () -> Bool
    ) -> Task<ImportReport, any Error> {
        let table = PostGISSQL.identifier(layer.name)
        let withGeometry = layer.geometryType != nil && !layer.geometryIsDerived
        let names = layer.columns.map(\.name) + (withGeometry ? ["geom"] : [])
        let stopped = ImportError.interrupted(layer: layer.name, file: fileName)
        return Task.detached(executorPreference: BridgeExecutor.shared) {
            defer { feed.abandon() }
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: Self.logger)
                    do {
                        let report = try await importTransaction(
                            connection, layer: layer, table: table, names: names, options: options, feed: feed,
                            packFeed: packFeed, freshLayer: freshLayer, isSites: isSites, withGeometry: withGeometry, interrupted: interrupted,
                            stopped: stopped)
                        try await connection.query(options.dryRun ? "ROLLBACK" : "COMMIT", logger: Self.logger)
                        return report
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: Self.logger)
                        throw error
                    }
                }
            } catch let error as ImportError {
                throw error
            } catch {
                throw PostGISError.wrap(error, location: name)
            }
        }
    }

    /// The statements of an import's transaction (see ``importFeatures(from:into:fileName:options:interrupted:progress:)``).
    private static func importTransaction(
        _ connection: PostgresConnection, layer: LayerSchema, table: String, names: [String], options: ImportOptions,
        feed: CopyFeed<ImportRest>, packFeed: CopyFeed<[SitePackBuilder.Chunk]?>, freshLayer: Bool, isSites: Bool, withGeometry: Bool,
        interrupted: @escaping @Sendable () -> Bool, stopped: ImportError
    ) async throws -> ImportReport {
        if isSites {
            // No other writer of sites until this import commits: its site pack is exactly its rows.
            _ = try await connection.rows("LOCK TABLE sites IN SHARE ROW EXCLUSIVE MODE")
        }
        var replaced = 0
        if options.replace {
            // Every row goes, by DELETE rather than TRUNCATE (1,000,000 sites: about 3 s against
            // none): TRUNCATE is not MVCC-safe, so a reader whose snapshot is older than the
            // import's commit (a server's repeatable-read transaction) would find the layer empty.
            replaced = Int(try await connection.rows("WITH gone AS (DELETE FROM \(table) RETURNING 1) SELECT count(*) FROM gone")
                .first?.decode(Int64.self) ?? 0)
        }
        // Empty now, in this transaction (an import into a layer found empty before the
        // transaction checks again, under a lock against other writers)?
        var empty = options.replace
        if !empty && freshLayer {
            _ = try await connection.rows("LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE")
            empty = try await connection.rows("SELECT NOT EXISTS (SELECT 1 FROM \(table))").first?.decode(Bool.self) ?? false
        }
        let firstNewFid = try await connection.rows("SELECT coalesce(max(fid), 0) FROM \(table)").first?.decode(Int64.self) ?? 0
        // Into an empty layer, the GiST index and the unique index of `id` are built once after
        // the rows instead of maintained row by row (200,000 points: 0.3 s to build the GiST
        // index against 1.6 s of upkeep; 1,000,000 ids: 1.5 s against 2.9 s). Validation has
        // already refused repeated ids; the constraint is back before the commit.
        let index = PostGISSQL.identifier("idx_\(layer.name)_geom")
        let unique = PostGISSQL.identifier("\(layer.name)_id_key")
        let rebuildIndex = withGeometry && empty
        if rebuildIndex { _ = try await connection.rows("DROP INDEX IF EXISTS \(index)") }
        if empty { _ = try await connection.rows("ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(unique)") }
        var rest: ImportRest?
        // postgres-nio quotes the table and column names itself (names of the fixed schema).
        try await connection.copyFrom(table: layer.name, columns: names, logger: Self.logger) { writer in
            while rest == nil {
                switch await feed.receive() {
                case .piece(let bytes):
                    if interrupted() { throw stopped }
                    try await writer.write(ByteBuffer(bytes: bytes))
                case .end(let result):
                    rest = try result.get()
                }
            }
        }
        guard var report = rest?.report, let upserts = rest?.upserts else { throw stopped }
        report.replaced = replaced
        if empty {
            // Sorted builds (B-tree; GiST where the operator class supports it), in memory rather
            // than in temporary files.
            _ = try await connection.rows("SET LOCAL maintenance_work_mem = '256MB'")
            _ = try await connection.rows("ALTER TABLE \(table) ADD CONSTRAINT \(unique) UNIQUE (id)")
            if rebuildIndex { _ = try await connection.rows("CREATE INDEX \(index) ON \(table) USING gist (geom)") }
        }
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
        // Last, after every statement on sites (each empties the pack through the trigger).
        if rest?.buildsPack == true, empty, case .end(let chunks) = await packFeed.receive(), let pack = try chunks.get() {
            _ = try await writeSitePack(connection, chunks: pack, copied: report.imported)
        }
        if interrupted() { throw stopped }
        return report
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
