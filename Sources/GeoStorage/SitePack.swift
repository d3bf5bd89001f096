import CSQLite
import Foundation
import GRDB
import GeoModel
import Geodesy

/// The sites' coverage attributes (``SiteAttributes``) packed into a few blobs of table
/// `qamtu_site_pack`, so that an analysis decodes a million sites in about a quarter of the CPU
/// time SQLite needs to step through a million rows of twelve columns.
///
/// **A derived index, never the data.** The pack is rebuilt from the `sites` table by every
/// Qamtu import of sites (in the import's transaction) and by the schema migration that creates
/// it. Triggers on `sites` empty it on any insert, update or delete, whoever makes the change
/// (QGIS, ogr2ogr, the `sqlite3` shell): an emptied or missing pack makes readers fall back to the
/// table, so a stale pack is never read. Dropping the table drops its triggers; a reader uses the
/// pack only while all three triggers exist, the pack's `fid` range equals the table's, and every
/// chunk has one generation, this build's format and the current `CREATE` statement of `sites`
/// (see ``usableLayout(_:fidBounds:)``).
///
/// **Format** of one chunk (at most ``chunkRows`` sites in `fid` order), little-endian: the magic
/// `QSP2`; the row count (varint); a dictionary of the texts of kind, operator, technologies and
/// status (varint count, then each as varint length and UTF-8 bytes); then per row a flags byte
/// and a point byte (0: no point, 1: a point, 2: a point and its spatial rank), the id (varint
/// length, bytes), dictionary indices (varints), the present numbers as raw IEEE 754 doubles or
/// Int64, `commissioned` as text, the point as longitude then latitude (WGS84 degrees, the stored
/// doubles bit for bit) and the rank (UInt32).
///
/// **Spatial ranks.** A rebuild also orders all sites with a valid point spatially
/// (``SpatialOrder/ranks(_:)``) and stores each site's rank: the coverage engine then builds its
/// indexes from that order in a few linear passes instead of sorting a million points.
package enum SitePack {
    /// The table holding the chunks.
    static let table = "qamtu_site_pack"
    /// Sites per chunk.
    package static let chunkRows = 65_536
    /// The names of the invalidating triggers.
    static let triggers = [insertTrigger, "qamtu_site_pack_update", "qamtu_site_pack_delete"]
    /// The trigger that empties the pack when a site is inserted (set aside by bulk imports).
    static let insertTrigger = "qamtu_site_pack_insert"
    private static let magic: [UInt8] = Array("QSP2".utf8)

    /// The version of the encoding and of the rules that derive ``SiteAttributes`` from a row; a
    /// pack of another version is not read.
    package static let format = 2

    /// Creates the table and the triggers when missing (schema migration, and every rebuild, so
    /// that a recreated `sites` table gets its triggers back).
    ///
    /// Every chunk row records the pack's random `generation` (a reader notices a rebuild between
    /// its reads), the `format`, and the `CREATE` statement of `sites` it was built from (an
    /// `ALTER TABLE`, which fires no trigger, makes the pack unusable).
    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS \(table) (
                chunk INTEGER PRIMARY KEY NOT NULL,
                generation INTEGER NOT NULL,
                format INTEGER NOT NULL,
                sites_sql TEXT NOT NULL,
                rows INTEGER NOT NULL,
                first_fid INTEGER NOT NULL,
                last_fid INTEGER NOT NULL,
                data BLOB NOT NULL);
            """)
        for (name, event) in zip(triggers, ["INSERT", "UPDATE", "DELETE"]) {
            try db.execute(sql: """
                CREATE TRIGGER IF NOT EXISTS \(name) AFTER \(event) ON sites
                WHEN EXISTS (SELECT 1 FROM \(table))
                BEGIN DELETE FROM \(table); END
                """)
        }
    }

    /// The `CREATE` statement of the `sites` table as SQLite keeps it.
    static let sitesSQLQuery = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sites'"

    /// Empties the pack (before a write to `sites`, so that the triggers find nothing to do).
    static func clear(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table)")
    }

    /// Rebuilds the pack from the `sites` table (inside the caller's transaction).
    /// - Parameter chunkRows: sites per chunk (smaller in tests, to cross chunk boundaries).
    /// - Parameter ranked: every site's point in `fid` order with its spatial rank
    ///   (``ranked(_:)``), when the caller has them (an import into an empty layer computes them
    ///   while it fills the spatial index); read from the table and ranked here otherwise.
    static func rebuild(_ db: Database, chunkRows: Int = SitePack.chunkRows, ranked: [(position: GeoPoint?, rank: UInt32?)]? = nil) throws {
        try createSchema(db)
        try clear(db)
        let insert = try db.makeStatement(sql: """
            INSERT INTO \(table) (chunk, generation, format, sites_sql, rows, first_fid, last_fid, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let generation = Int64.random(in: 1...Int64.max)
        let sitesSQL = try String.fetchOne(db, sql: sitesSQLQuery) ?? ""
        var encoder = Encoder()
        var chunk = 0
        var firstFid: Int64 = 0, lastFid: Int64 = 0
        func flush() throws {
            guard encoder.rows > 0 else { return }
            try insert.execute(arguments: [chunk, generation, format, sitesSQL, encoder.rows, firstFid, lastFid,
                                           Data(encoder.finish())])
            chunk += 1
            encoder = Encoder()
            if chunk == 1 { ImportKillPoint.reach("site-pack") }
        }
        let ranks = try ranked ?? spatialRanks(db)
        var row = 0
        var texts = PortalDatabase.siteTexts()
        try PortalDatabase.stepRows(in: db, "SELECT fid, " + PortalDatabase.siteAttributesColumns + " FROM sites ORDER BY fid") { handle in
            let fid = sqlite3_column_int64(handle, 0)
            if encoder.rows == 0 { firstFid = fid }
            lastFid = fid
            var site = PortalDatabase.siteAttributes(handle, firstColumn: 1, texts: &texts)
            // The rows are those of the first pass unless the table changed in between, which
            // the caller's transaction rules out; a rank is only kept for the same point.
            if row < ranks.count, site.position == ranks[row].position { site.spatialRank = ranks[row].rank }
            row += 1
            encoder.append(site)
            if encoder.rows == chunkRows { try flush() }
        }
        try flush()
    }

    /// Every site's point and its rank in the spatial order of the valid points, in `fid` order.
    private static func spatialRanks(_ db: Database) throws -> [(position: GeoPoint?, rank: UInt32?)] {
        var positions: [GeoPoint?] = []
        try PortalDatabase.stepRows(in: db, "SELECT geom FROM sites ORDER BY fid") { row in
            positions.append(ColumnReader(statement: row).point(0))
        }
        return ranked(positions)
    }

    /// Every point with its rank in the spatial order of the valid points (nil for the others).
    package static func ranked(_ positions: [GeoPoint?]) -> [(position: GeoPoint?, rank: UInt32?)] {
        let ranks = SpatialOrder.ranks(positions)
        return zip(positions, ranks).map { ($0, $1) }
    }

    /// What a reader needs to know of a usable pack.
    struct Layout {
        /// The pack's generation (every chunk has it).
        var generation: Int64
        /// The chunk numbers, in order.
        var chunks: [Int]
        /// The sites in each chunk.
        var chunkRows: [Int]
        /// Sites in all chunks.
        var rows: Int

        /// The chunks read by partition `part` of `parts` (contiguous runs, in order).
        func chunkRange(part: Int, of parts: Int) -> Range<Int> {
            (chunks.count * part / parts)..<(chunks.count * (part + 1) / parts)
        }

        /// How many partitions a scan into `partitions` uses: one chunk at least each.
        func partitions(_ partitions: Int) -> Int { min(max(1, partitions), max(1, chunks.count)) }

        /// The sites each partition delivers.
        func partitionRows(_ partitions: Int) -> [Int] {
            let parts = self.partitions(partitions)
            return (0..<parts).map { chunkRows[chunkRange(part: $0, of: parts)].reduce(0, +) }
        }
    }

    /// The pack's layout when it can be read instead of the table: the table and all triggers
    /// exist; every chunk has the same generation, this build's format and the current `CREATE`
    /// statement of `sites`; and the chunks cover exactly the table's `fid` range, in order, each
    /// with no more rows than ids. Nil otherwise (read the table).
    /// A pack table that SQLite cannot query as expected (another layout) is not usable either.
    static func usableLayout(_ connection: RawReadConnection, fidBounds: ClosedRange<Int64>) throws -> Layout? {
        do {
            return try layout(connection, fidBounds: fidBounds)
        } catch StorageError.sqlite {
            return nil
        }
    }

    private static func layout(_ connection: RawReadConnection, fidBounds: ClosedRange<Int64>) throws -> Layout? {
        let check = try connection.rows(sql: """
            SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(table)'),
                   (SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sites'
                      AND name IN (\(triggers.map { "'\($0)'" }.joined(separator: ", ")))),
                   (\(sitesSQLQuery))
            """, arguments: [])
        guard try check.next(), sqlite3_column_int64(check.statement, 0) == 1,
              sqlite3_column_int64(check.statement, 1) == Int64(triggers.count),
              let sitesSQL = sqlite3_column_text(check.statement, 2).map({ String(cString: $0) }) else { return nil }
        let rows = try connection.rows(sql: """
            SELECT chunk, rows, first_fid, last_fid, generation, format, sites_sql FROM \(table) ORDER BY chunk
            """, arguments: [])
        var layout = Layout(generation: 0, chunks: [], chunkRows: [], rows: 0)
        var previousLast: Int64?
        var first: Int64?
        while try rows.next() {
            let s = rows.statement
            let (chunk, count, low, high) = (sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                                             sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3))
            let generation = sqlite3_column_int64(s, 4)
            guard sqlite3_column_int64(s, 5) == Int64(format),
                  sqlite3_column_text(s, 6).map({ String(cString: $0) }) == sitesSQL,
                  first == nil ? generation != 0 : generation == layout.generation else { return nil }
            // Chunks follow each other in fid order, with at most one site per id.
            let (span, spanOverflows) = high.subtractingReportingOverflow(low)
            guard low <= high, count > 0, count <= 1 << 24, spanOverflows || count - 1 <= span,
                  previousLast.map({ $0 < low }) ?? true else { return nil }
            if first == nil {
                first = low
                layout.generation = generation
            }
            previousLast = high
            layout.chunks.append(Int(chunk))
            layout.chunkRows.append(Int(count))
            layout.rows += Int(count)
        }
        guard let first, let last = previousLast, first == fidBounds.lowerBound, last == fidBounds.upperBound else { return nil }
        return layout
    }

    /// Decodes chunk `chunk` and calls `body` for each of its sites, in `fid` order.
    /// - Parameters:
    ///   - texts: the texts of earlier chunks, so that equal values stay one `String`.
    ///   - buffer: where the chunk's bytes are read (reused from chunk to chunk).
    /// - Throws: `StorageError.corruptSitePack` when the blob is not a valid chunk;
    ///   `StorageError.changedWhileReading` when the chunk is gone or belongs to another
    ///   generation (the pack was rebuilt or emptied since the layout was read).
    static func read(chunk: Int, generation: Int64, _ connection: RawReadConnection, texts: inout RepeatedTexts,
                     buffer: inout [UInt8], _ body: (SiteAttributes) -> Void) throws {
        var dictionary: [String] = []
        try read(chunk: chunk, generation: generation, connection, texts: &texts, buffer: &buffer,
                 dictionary: { dictionary = $0 }) { row in
            body(SiteAttributes(row, texts: dictionary))
        }
    }

    /// Decodes chunk `chunk`: `dictionary` receives the chunk's texts, then `row` each of its
    /// sites (borrowed views, valid only during the call), in `fid` order. The chunk's bytes are
    /// read into `buffer`, which the caller reuses for its next chunk (a fresh buffer per chunk
    /// would cost a page fault per 4 KiB).
    static func read(chunk: Int, generation: Int64, _ connection: RawReadConnection, texts: inout RepeatedTexts,
                     buffer: inout [UInt8], dictionary: ([String]) -> Void, _ body: (PackedSiteRow) -> Void) throws {
        var byteCount = 0
        // The statement stays on its row (and alive) while the blob is read: both see one snapshot.
        let rows = try connection.rows(sql: "SELECT rows, length(data), typeof(data) FROM \(table) WHERE chunk = ? AND generation = ?",
                                       arguments: [chunk.databaseValue, generation.databaseValue])
        let expected = try withExtendedLifetime(rows) { () throws -> Int in
            guard try rows.next() else { throw StorageError.changedWhileReading(layer: LayerSchema.sites.name) }
            let count = Int(sqlite3_column_int64(rows.statement, 1))
            let isBlob = sqlite3_column_text(rows.statement, 2).map { String(cString: $0) } == "blob"
            guard isBlob, count > 0 else { throw StorageError.corruptSitePack(chunk: chunk, reason: "no data") }
            try connection.readBlob(table: table, column: "data", rowid: Int64(chunk), count: count, into: &buffer)
            byteCount = count
            return Int(sqlite3_column_int64(rows.statement, 0))
        }
        let count = byteCount
        do {
            try buffer.withUnsafeBytes { bytes in
                try decode(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), expectedRows: expected, texts: &texts,
                           dictionary: dictionary, body)
            }
        } catch let error as DecodeError {
            throw StorageError.corruptSitePack(chunk: chunk, reason: error.reason)
        }
    }

    /// A chunk that cannot be decoded.
    package struct DecodeError: Error {
        package var reason: String
    }

    /// Decodes one chunk's bytes into ``SiteAttributes`` (exposed for tests).
    static func decode(_ bytes: UnsafeRawBufferPointer, expectedRows: Int, texts: inout RepeatedTexts,
                       _ body: (SiteAttributes) -> Void) throws(DecodeError) {
        var dictionary: [String] = []
        try decode(bytes, expectedRows: expectedRows, texts: &texts, dictionary: { dictionary = $0 }) { row in
            body(SiteAttributes(row, texts: dictionary))
        }
    }

    /// Decodes one chunk's bytes: its texts to `dictionary`, then each row to `body` as a view of
    /// the bytes (dictionary indices checked).
    package static func decode(_ bytes: UnsafeRawBufferPointer, expectedRows: Int, texts: inout RepeatedTexts,
                       dictionary report: ([String]) -> Void, _ body: (PackedSiteRow) -> Void) throws(DecodeError) {
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 4, Array(bytes[0..<4]) == magic else { throw DecodeError(reason: "not a QSP2 chunk") }
        reader.offset = 4
        let rows = try reader.count()
        guard rows == expectedRows else { throw DecodeError(reason: "\(rows) rows where \(expectedRows) are recorded") }
        let dictionarySize = try reader.count()
        // Each entry takes at least a byte: a larger count is corrupt (and must not reserve memory).
        guard dictionarySize <= bytes.count - reader.offset else { throw DecodeError(reason: "dictionary size out of range") }
        var dictionary: [String] = []
        dictionary.reserveCapacity(dictionarySize)
        for _ in 0..<dictionarySize { dictionary.append(try reader.text(through: &texts)) }
        report(dictionary)
        @inline(__always)
        func entry(_ reader: inout Reader) throws(DecodeError) -> Int32 {
            let i = try reader.count()
            guard i < dictionarySize else { throw DecodeError(reason: "text \(i) is not in the chunk's dictionary of \(dictionarySize)") }
            return Int32(i)
        }
        for _ in 0..<rows {
            let flags = try reader.byte()
            let point = try reader.byte()
            let id = try reader.utf8()
            let kind = try entry(&reader)
            let operatorName = flags & Flag.operatorName != 0 ? try entry(&reader) : -1
            let technologies = flags & Flag.technologies != 0 ? try entry(&reader) : -1
            let status = try entry(&reader)
            let band = flags & Flag.band != 0 ? try reader.double() : nil
            let height = flags & Flag.height != 0 ? try reader.double() : nil
            let eirp = flags & Flag.eirp != 0 ? try reader.double() : nil
            let range = flags & Flag.range != 0 ? try reader.double() : nil
            let plannedYear = flags & Flag.plannedYear != 0 ? Int(try reader.int64()) : nil
            let commissioned = flags & Flag.commissioned != 0 ? try reader.utf8() : nil
            var position: GeoPoint?
            var rank: UInt32?
            guard point <= 2 else { throw DecodeError(reason: "point byte \(point)") }
            if point != 0 {
                let lon = try reader.double()
                position = GeoPoint(longitude: lon, latitude: try reader.double())
                if point == 2 { rank = try reader.uint32() }
            }
            body(PackedSiteRow(
                id: id, kind: kind, operatorName: operatorName, technologies: technologies, bandMegahertz: band,
                heightMeters: height, eirpDBm: eirp, rangeMeters: range, status: status, plannedYear: plannedYear,
                commissioned: commissioned, position: position, spatialRank: rank))
        }
        guard reader.offset == bytes.count else { throw DecodeError(reason: "\(bytes.count - reader.offset) bytes after the last row") }
    }

    private enum Flag {
        static let operatorName: UInt8 = 1, technologies: UInt8 = 2, band: UInt8 = 4, height: UInt8 = 8
        static let eirp: UInt8 = 16, range: UInt8 = 32, plannedYear: UInt8 = 64, commissioned: UInt8 = 128
    }

    /// A text's UTF-8 bytes as a dictionary key, hashed as one block of bytes (an array of
    /// bytes hashes byte by byte).
    struct UTF8Key: Hashable {
        let bytes: [UInt8]

        init(_ text: String) { bytes = Array(text.utf8) }

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// Builds one chunk.
    struct Encoder {
        private var body: [UInt8] = []
        /// Dictionary index by UTF-8 bytes (not by `String`, whose equality would merge
        /// canonically equivalent but different texts).
        private var dictionary: [UTF8Key: Int] = [:]
        private var texts: [String] = []
        /// The UTF-8 bytes of the first ``earlyTexts`` texts (looked up before the dictionary).
        private var textBytes: [[UInt8]] = []
        private static let earlyTexts = 16
        private(set) var rows = 0
        /// For each row appended with ``appendLeavingRank(_:)``, the offset of its rank in
        /// ``body`` plus one (0: no rank); empty when no row was.
        private var rankSlots: [UInt32] = []

        init() { body.reserveCapacity(1 << 20) }

        /// Appends a site whose spatial rank is not known yet: a site with a valid point
        /// (``GeoPoint/isValid``, as ``SpatialOrder/ranks(_:)`` ranks them) gets a rank of 0 in
        /// its place, to be set in the finished chunk (``SitePackBuilder/Chunk/rankOffsets``).
        mutating func appendLeavingRank(_ site: SiteAttributes) {
            var ranked = site
            let hasRank = site.position?.isValid == true
            ranked.spatialRank = hasRank ? 0 : nil
            append(ranked)
            rankSlots.append(hasRank ? UInt32(body.count - 4 + 1) : 0)
        }

        mutating func append(_ site: SiteAttributes) {
            var flags: UInt8 = 0
            if site.operatorName != nil { flags |= Flag.operatorName }
            if site.technologies != nil { flags |= Flag.technologies }
            if site.bandMegahertz != nil { flags |= Flag.band }
            if site.heightMeters != nil { flags |= Flag.height }
            if site.eirpDBm != nil { flags |= Flag.eirp }
            if site.rangeMeters != nil { flags |= Flag.range }
            if site.plannedYear != nil { flags |= Flag.plannedYear }
            if site.commissioned != nil { flags |= Flag.commissioned }
            body.append(flags)
            body.append(site.position == nil ? 0 : (site.spatialRank == nil ? 1 : 2))
            text(site.id)
            entry(site.kind)
            if let value = site.operatorName { entry(value) }
            if let value = site.technologies { entry(value) }
            entry(site.status)
            if let value = site.bandMegahertz { word(value.bitPattern) }
            if let value = site.heightMeters { word(value.bitPattern) }
            if let value = site.eirpDBm { word(value.bitPattern) }
            if let value = site.rangeMeters { word(value.bitPattern) }
            if let year = site.plannedYear { word(UInt64(bitPattern: Int64(year))) }
            if let value = site.commissioned { text(value) }
            if let p = site.position {
                word(p.longitude.bitPattern)
                word(p.latitude.bitPattern)
                if let rank = site.spatialRank { withUnsafeBytes(of: rank.littleEndian) { body.append(contentsOf: $0) } }
            }
            rows += 1
        }

        /// The chunk's bytes, with where the ranks left by ``appendLeavingRank(_:)`` are.
        func finishLeavingRanks() -> SitePackBuilder.Chunk {
            let bytes = finish()
            let header = UInt32(bytes.count - body.count)
            return SitePackBuilder.Chunk(bytes: bytes, rows: rows, rankOffsets: rankSlots.map { $0 == 0 ? SitePackBuilder.Chunk.noRank : header + $0 - 1 })
        }

        /// The chunk's bytes.
        func finish() -> [UInt8] {
            var out = SitePack.magic
            Self.varint(UInt64(rows), into: &out)
            Self.varint(UInt64(texts.count), into: &out)
            for text in texts {
                let utf8 = Array(text.utf8)
                Self.varint(UInt64(utf8.count), into: &out)
                out.append(contentsOf: utf8)
            }
            out.append(contentsOf: body)
            return out
        }

        private mutating func entry(_ value: String) {
            // Most columns have a handful of values: the first few are found by comparing bytes,
            // without hashing or allocating a key.
            var text = value
            let early = text.withUTF8 { utf8 in
                textBytes.firstIndex { UTF8Bytes.equal($0, utf8) }
            }
            if let early {
                Self.varint(UInt64(early), into: &body)
                return
            }
            let key = UTF8Key(value)
            if let i = dictionary[key] {
                Self.varint(UInt64(i), into: &body)
            } else {
                if textBytes.count < Self.earlyTexts { textBytes.append(key.bytes) }
                dictionary[key] = texts.count
                Self.varint(UInt64(texts.count), into: &body)
                texts.append(value)
            }
        }

        private mutating func text(_ value: String) {
            var text = value
            text.withUTF8 { utf8 in
                Self.varint(UInt64(utf8.count), into: &body)
                body.append(contentsOf: utf8)
            }
        }

        private mutating func word(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
        }

        private static func varint(_ value: UInt64, into out: inout [UInt8]) {
            var v = value
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
    }

    /// Reads a chunk's bytes with bounds checks.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        @inline(__always)
        mutating func byte() throws(DecodeError) -> UInt8 {
            guard offset < bytes.count else { throw DecodeError(reason: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// A varint that counts something in this chunk (bounded by the chunk's size).
        @inline(__always)
        mutating func count() throws(DecodeError) -> Int {
            // Most counts (lengths, dictionary indices) take one byte.
            if offset < bytes.count, bytes[offset] < 0x80 {
                defer { offset += 1 }
                return Int(bytes[offset])
            }
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
                guard shift < 35 else { throw DecodeError(reason: "count out of range") }
            }
            guard value <= UInt64(Int32.max) else { throw DecodeError(reason: "count out of range") }
            return Int(value)
        }

        @inline(__always)
        mutating func word() throws(DecodeError) -> UInt64 {
            guard bytes.count - offset >= 8 else { throw DecodeError(reason: "truncated") }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        @inline(__always)
        mutating func double() throws(DecodeError) -> Double { Double(bitPattern: try word()) }

        @inline(__always)
        mutating func uint32() throws(DecodeError) -> UInt32 {
            guard bytes.count - offset >= 4 else { throw DecodeError(reason: "truncated") }
            defer { offset += 4 }
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }

        @inline(__always)
        mutating func int64() throws(DecodeError) -> Int64 { Int64(bitPattern: try word()) }

        /// A text through `texts` (a value seen before is the same `String`).
        mutating func text(through texts: inout RepeatedTexts) throws(DecodeError) -> String {
            let length = try count()
            guard bytes.count - offset >= length else { throw DecodeError(reason: "truncated") }
            guard length > 0, let base = bytes.baseAddress else { return "" }
            defer { offset += length }
            return texts.string(UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: length))
        }

        /// A text's UTF-8 bytes, in place.
        @inline(__always)
        mutating func utf8() throws(DecodeError) -> UnsafeBufferPointer<UInt8> {
            let length = try count()
            guard bytes.count - offset >= length else { throw DecodeError(reason: "truncated") }
            guard length > 0, let base = bytes.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
            defer { offset += length }
            return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: length)
        }
    }
}
