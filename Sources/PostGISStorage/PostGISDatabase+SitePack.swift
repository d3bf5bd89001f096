import GeoModel
import GeoStorage
import Geodesy
import PostgresNIO

/// The site pack in PostgreSQL: the sites' coverage attributes in the chunks of GeoStorage's
/// `SitePack` encoding (the same bytes as in a SpatiaLite file), kept in table `qamtu_site_pack`
/// (`bytea` chunks) so that `qamtu coverage` reads a million sites as a few large values instead
/// of a million rows.
///
/// **A derived index, never the data.** An import of sites into an empty (or replaced) layer
/// builds the chunks from its validated records while it streams them into the `COPY`, sets the
/// spatial ranks once every site is known, and writes the chunks in its own transaction, after
/// the rows (``writeSitePack(_:chunks:)``). A statement-level trigger on `sites`
/// (`AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE … FOR EACH STATEMENT`) empties the pack on any
/// other change, whoever makes it (psql, QGIS, ogr2ogr, another Qamtu): readers then fall back to
/// the table. A reader (``sitePack()``) uses the pack only when the trigger exists and is enabled,
/// every chunk has one generation, this build's format and the current column signature of
/// `sites` (an `ALTER TABLE` fires no trigger), and the chunks cover exactly the table's `fid`
/// range in order — all read in one repeatable-read snapshot.
extension PostGISDatabase {
    /// The table holding the chunks.
    static let sitePackTable = "qamtu_site_pack"
    /// The trigger (and its function) that empties the pack.
    static let sitePackTrigger = "qamtu_site_pack_clear"

    /// The statements that create the pack's table, the function that empties it and the
    /// statement-level trigger on `sites` (migration `v5-site-pack`).
    static var sitePackSchema: [String] {
        [
            """
            CREATE TABLE \(sitePackTable) (
                chunk integer PRIMARY KEY,
                generation bigint NOT NULL,
                format integer NOT NULL,
                sites_columns text NOT NULL,
                rows integer NOT NULL,
                first_fid bigint NOT NULL,
                last_fid bigint NOT NULL,
                data bytea NOT NULL)
            """,
            // Already compressed enough (doubles and varints): stored as is, read without inflating.
            "ALTER TABLE \(sitePackTable) ALTER COLUMN data SET STORAGE EXTERNAL",
            """
            CREATE FUNCTION \(sitePackTrigger)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM \(sitePackTable);
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER \(sitePackTrigger) AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sites
            FOR EACH STATEMENT EXECUTE FUNCTION \(sitePackTrigger)()
            """,
        ]
    }

    /// The column signature of `sites` (names and types in order), recorded in every chunk.
    private static let sitesColumnsSQL = """
        SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
        FROM pg_attribute WHERE attrelid = 'sites'::regclass AND attnum > 0 AND NOT attisdropped
        """

    /// Writes `chunks` (ranks set, in `fid` order) as the pack of the `copied` sites the caller's
    /// transaction has just copied into the layer, which it found empty and keeps locked against
    /// other writers; after emptying the pack. Writes nothing when the chunks do not hold those
    /// sites, or their `fid`s are not consecutive (the table holds `copied` rows: a `fid` range
    /// of that length, read from the primary key, means one site per `fid`).
    /// - Returns: whether the pack was written.
    static func writeSitePack(_ connection: PostgresConnection, chunks: [SitePackBuilder.Chunk], copied: Int) async throws -> Bool {
        _ = try await connection.rows("DELETE FROM \(sitePackTable)")
        let total = chunks.reduce(0) { $0 + $1.rows }
        let bounds = try await connection.rows("SELECT coalesce(min(fid), 0), coalesce(max(fid), -1) FROM sites")
        guard let row = bounds.first, total > 0, total == copied else { return false }
        let (low, high) = try row.decode((Int64, Int64).self)
        guard high - low + 1 == Int64(total) else { return false }
        let columns = try await connection.rows(sitesColumnsSQL).first?.decode(String.self) ?? ""
        let generation = Int64.random(in: 1...Int64.max)
        var first = low
        for (number, chunk) in chunks.enumerated() {
            var binds = PostgresBindings()
            binds.append(Int32(number))
            binds.append(generation)
            binds.append(Int32(SitePack.format))
            binds.append(columns)
            binds.append(Int32(chunk.rows))
            binds.append(first)
            binds.append(first + Int64(chunk.rows) - 1)
            binds.append(ByteBuffer(bytes: chunk.bytes))
            _ = try await connection.rows("""
                INSERT INTO \(sitePackTable) (chunk, generation, format, sites_columns, rows, first_fid, last_fid, data)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, binds)
            first += Int64(chunk.rows)
        }
        return true
    }

    /// The site pack, read in one repeatable-read snapshot, when it can stand for the table
    /// (see the extension's documentation); nil otherwise (read the table).
    /// - Throws: ``PostGISError`` when the server fails.
    public func sitePack() throws -> PostGISSitePack? {
        let table = Self.sitePackTable, trigger = Self.sitePackTrigger
        let columnsSQL = Self.sitesColumnsSQL
        return try withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: Self.logger)
            do {
                let pack = try await Self.readSitePack(connection, table: table, trigger: trigger, columnsSQL: columnsSQL)
                try await connection.query("COMMIT", logger: Self.logger)
                return pack
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: Self.logger)
                throw error
            }
        }
    }

    private static func readSitePack(_ connection: PostgresConnection, table: String, trigger: String,
                                     columnsSQL: String) async throws -> PostGISSitePack? {
        var binds = PostgresBindings()
        binds.append(table)
        binds.append(trigger)
        let check = try await connection.rows("""
            SELECT to_regclass($1) IS NOT NULL,
                   EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'sites'::regclass AND tgname = $2 AND tgenabled <> 'D'),
                   (\(columnsSQL)),
                   (SELECT min(fid) FROM sites), (SELECT max(fid) FROM sites)
            """, binds)
        guard let row = check.first else { return nil }
        let (hasTable, hasTrigger, columns, low, high) = try row.decode((Bool, Bool, String?, Int64?, Int64?).self)
        guard hasTable, hasTrigger, let columns, let low, let high else { return nil }
        let layout = try await connection.rows("""
            SELECT chunk, generation, format, sites_columns, rows, first_fid, last_fid FROM \(table) ORDER BY chunk
            """)
        var generation: Int64?
        var previousLast: Int64?
        var first: Int64?
        var rows: [Int] = []
        for chunk in layout {
            let (_, chunkGeneration, format, chunkColumns, count, chunkLow, chunkHigh) =
                try chunk.decode((Int32, Int64, Int32, String, Int32, Int64, Int64).self)
            guard Int(format) == SitePack.format, chunkColumns == columns,
                  generation.map({ $0 == chunkGeneration }) ?? true else { return nil }
            // Chunks follow each other in fid order, with at most one site per id.
            let (span, overflows) = chunkHigh.subtractingReportingOverflow(chunkLow)
            guard chunkLow <= chunkHigh, count > 0, count <= 1 << 24, overflows || Int64(count) - 1 <= span,
                  previousLast.map({ $0 < chunkLow }) ?? true else { return nil }
            if first == nil { first = chunkLow }
            generation = chunkGeneration
            previousLast = chunkHigh
            rows.append(Int(count))
        }
        guard first == low, previousLast == high else { return nil }
        var data: [ByteBuffer] = []
        data.reserveCapacity(rows.count)
        for chunk in try await connection.rows("SELECT data FROM \(table) ORDER BY chunk") {
            guard let bytes = try chunk.decode(ByteBuffer?.self) else { return nil }
            data.append(bytes)
        }
        guard data.count == rows.count else { return nil }
        return PostGISSitePack(chunkRows: rows, chunks: data)
    }
}
