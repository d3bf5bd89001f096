import CSQLite
import Dispatch
import Foundation
import GRDB
import GeoModel
import Geodesy

/// The columns of one site that analysis reads (coverage ranges and activity), typed as stored.
///
/// Read by ``PortalDatabase/scanSiteAttributes(_:)`` straight from SQLite, without building a
/// `FeatureRecord` per row: a million sites load in well under a second.
public struct SiteAttributes: Sendable, Hashable {
    /// `id`.
    public var id: String
    /// `kind`: `base_station`, `antenna_mast` or `fibre_node`.
    public var kind: String
    /// `operator`.
    public var operatorName: String?
    /// `technologies`, e.g. `2G;3G;4G`.
    public var technologies: String?
    /// `band_mhz`, MHz.
    public var bandMegahertz: Double?
    /// `height_m`, metres.
    public var heightMeters: Double?
    /// `eirp_dbm`, dBm.
    public var eirpDBm: Double?
    /// `range_m`, metres.
    public var rangeMeters: Double?
    /// `status`: `planned`, `building`, `operational` or `retired`.
    public var status: String
    /// `planned_year`.
    public var plannedYear: Int?
    /// `commissioned`, a date as text.
    public var commissioned: String?
    /// The point, WGS84 lon/lat degrees; nil when the geometry is missing or not a point.
    public var position: GeoPoint?
    /// The site's rank in the spatial order of all sites with a valid point
    /// (``SpatialOrder/ranks(_:)``), kept by the site pack; nil when read from the table. A hint
    /// for building spatial indexes faster, never part of the data.
    public var spatialRank: UInt32?
}

/// One site as the site pack stores it, borrowed from the decoded chunk: valid only during the
/// call that receives it (``PortalDatabase/scanSitePackRows(expecting:dictionary:_:)``). Texts of
/// few distinct values are indices into the chunk's dictionary (−1: null); other texts are UTF-8
/// bytes. Values as in ``SiteAttributes``.
public struct PackedSiteRow {
    /// `id`, UTF-8.
    public var id: UnsafeBufferPointer<UInt8>
    /// `kind`, as an index into the chunk's texts.
    public var kind: Int32
    /// `operator`, as an index into the chunk's texts (−1: null).
    public var operatorName: Int32
    /// `technologies`, as an index into the chunk's texts (−1: null).
    public var technologies: Int32
    /// `band_mhz`, MHz.
    public var bandMegahertz: Double?
    /// `height_m`, metres.
    public var heightMeters: Double?
    /// `eirp_dbm`, dBm.
    public var eirpDBm: Double?
    /// `range_m`, metres.
    public var rangeMeters: Double?
    /// `status`, as an index into the chunk's texts.
    public var status: Int32
    /// `planned_year`.
    public var plannedYear: Int?
    /// `commissioned`, UTF-8.
    public var commissioned: UnsafeBufferPointer<UInt8>?
    /// The point, WGS84 lon/lat degrees.
    public var position: GeoPoint?
    /// See ``SiteAttributes/spatialRank``.
    public var spatialRank: UInt32?
}

extension SiteAttributes {
    /// The attributes of a packed row whose chunk has the dictionary `texts`.
    init(_ row: PackedSiteRow, texts: [String]) {
        func text(_ i: Int32) -> String? { i >= 0 ? texts[Int(i)] : nil }
        self.init(id: String(decoding: row.id, as: UTF8.self), kind: text(row.kind) ?? "", operatorName: text(row.operatorName),
                  technologies: text(row.technologies), bandMegahertz: row.bandMegahertz, heightMeters: row.heightMeters,
                  eirpDBm: row.eirpDBm, rangeMeters: row.rangeMeters, status: text(row.status) ?? "",
                  plannedYear: row.plannedYear, commissioned: row.commissioned.map { String(decoding: $0, as: UTF8.self) },
                  position: row.position, spatialRank: row.spatialRank)
    }
}

/// A point feature's id, name and position, for nearest-neighbour joins.
public struct PointAttributes: Sendable, Hashable {
    /// `id`.
    public var id: String
    /// `name`, when the layer has one and it is set.
    public var name: String?
    /// The point, WGS84 lon/lat degrees; nil when the geometry is missing or not a point.
    public var position: GeoPoint?
}

extension PortalDatabase {
    /// The columns of ``SiteAttributes``, in the order ``siteAttributes(_:firstColumn:texts:)`` reads them.
    static let siteAttributesColumns = """
        id, kind, operator, technologies, band_mhz, height_m, eirp_dbm, range_m, status, planned_year, commissioned, geom
        """
    private static let siteAttributesSQL = "SELECT " + siteAttributesColumns + " FROM sites"

    /// The row's attributes, from column `firstColumn` on; the columns with few distinct values
    /// (kind, operator, technologies, status) come from `texts` (one cache per column), so equal
    /// values share one `String`.
    static func siteAttributes(_ statement: OpaquePointer, firstColumn c: Int32 = 0,
                               texts: inout [RepeatedTexts]) -> SiteAttributes {
        let row = ColumnReader(statement: statement)
        return SiteAttributes(
            id: row.text(c) ?? "", kind: row.text(c + 1, texts: &texts[0]) ?? "",
            operatorName: row.text(c + 2, texts: &texts[1]), technologies: row.text(c + 3, texts: &texts[2]),
            bandMegahertz: row.double(c + 4), heightMeters: row.double(c + 5), eirpDBm: row.double(c + 6),
            rangeMeters: row.double(c + 7), status: row.text(c + 8, texts: &texts[3]) ?? "", plannedYear: row.integer(c + 9),
            commissioned: row.text(c + 10), position: row.point(c + 11))
    }

    /// One cache of repeated texts for each of kind, operator, technologies and status.
    static func siteTexts() -> [RepeatedTexts] { [RepeatedTexts](repeating: RepeatedTexts(), count: 4) }

    /// Streams the coverage attributes of every site, in `fid` order, from the table itself (never
    /// from the site pack; see ``scanSiteAttributes(partitions:reserve:_:)``).
    public func scanSiteAttributes(_ body: (SiteAttributes) throws -> Void) throws {
        var texts = Self.siteTexts()
        try stepRows(Self.siteAttributesSQL + " ORDER BY fid") { statement in
            try body(Self.siteAttributes(statement, texts: &texts))
        }
    }

    /// Rebuilds the site pack (``SitePack``) when the table has sites and the pack is not current
    /// (after another program changed the sites, or after `ALTER TABLE`); one transaction.
    /// - Returns: the number of sites packed, or nil when the pack was current or there are no sites.
    @discardableResult
    public func refreshSitePack() throws -> Int? {
        guard try !sitePackIsUsable() else { return nil }
        return try writeWithoutTransaction { db -> Int? in
            var packed: Int?
            try db.inTransaction(.immediate) {
                let sites = try Int.fetchOne(db, sql: "SELECT count(*) FROM sites") ?? 0
                if sites > 0 {
                    try SitePack.rebuild(db)
                    packed = sites
                }
                return .commit
            }
            return packed
        }
    }

    /// Whether the site pack (``SitePack``) is current and would be read instead of the table.
    public func sitePackIsUsable() throws -> Bool {
        let connection = try RawReadConnection(path: path, spatiaLite: false)
        guard let bounds = try Self.fidBounds(connection) else { return false }
        return try SitePack.usableLayout(connection, fidBounds: bounds) != nil
    }

    /// The `fid` range of the sites table, nil when it is empty.
    private static func fidBounds(_ connection: RawReadConnection) throws -> ClosedRange<Int64>? {
        let bounds = try connection.rows(sql: Self.fidBoundsSQL(LayerSchema.sites.name), arguments: [])
        guard try bounds.next(), sqlite3_column_type(bounds.statement, 0) != SQLITE_NULL else { return nil }
        let low = sqlite3_column_int64(bounds.statement, 0), high = sqlite3_column_int64(bounds.statement, 1)
        return low <= high ? low...high : nil
    }

    /// Streams the coverage attributes of every site in `partitions` contiguous `fid` ranges at once,
    /// each on its own read-only connection and thread: `body(partition, row)` is called
    /// concurrently for different partitions, in `fid` order within each. Concatenating the
    /// partitions in order gives `fid` order.
    ///
    /// Nothing goes through the portal's serial queue, so another thread can read through it (e.g.
    /// the settlements) at the same time.
    ///
    /// When the site pack is current (``SitePack``: rebuilt by every import of sites, emptied by
    /// triggers on any other change), its chunks are decoded instead of stepping through the table:
    /// the same values in about a quarter of the CPU time.
    /// - Parameters:
    ///   - reserve: called once before the rows with an upper bound of the number of sites and of
    ///     any partition's share (for reserving memory).
    ///   - expecting: the partitions' exact row counts from ``sitePackPartitionRows(partitions:)``:
    ///     the scan then reads the pack and delivers exactly that many rows per partition.
    /// - Throws: `StorageError.changedWhileReading` when `expecting` no longer matches (the sites
    ///   changed since), before any row is delivered.
    public func scanSiteAttributes(partitions: Int, reserve: (_ upperBound: Int) -> Void = { _ in },
                                   expecting: [Int]? = nil,
                                   _ body: @Sendable (_ partition: Int, SiteAttributes) -> Void) throws {
        let parts = max(1, partitions)
        let first = try RawReadConnection(path: path, spatiaLite: false)
        let fids = try Self.fidBounds(first)
        let layout = try fids.flatMap { try SitePack.usableLayout(first, fidBounds: $0) }
        if let expecting, layout?.partitionRows(parts) != expecting {
            throw StorageError.changedWhileReading(layer: LayerSchema.sites.name)
        }
        guard let fids else { return }
        if let layout {
            reserve(layout.rows)
            try scanSitePack(layout, partitions: parts, first: first, body)
            return
        }
        let low = fids.lowerBound, high = fids.upperBound
        reserve(Int(high - low + 1))
        let span = (high - low + 1 + Int64(parts) - 1) / Int64(parts)
        let sql = Self.siteAttributesSQL + " WHERE fid >= ? AND fid < ? ORDER BY fid"
        let failures = FirstError()
        let path = self.path
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let from = low + Int64(part) * span
            do {
                // Each range on its own read-only connection without SpatiaLite or SQLite's
                // per-call mutex (only columns and point blobs are read).
                let connection = try RawReadConnection(path: path, spatiaLite: false)
                let rows = try connection.rows(sql: sql, arguments: [from.databaseValue, (from + span).databaseValue])
                var texts = Self.siteTexts()
                while try rows.next() {
                    body(part, Self.siteAttributes(rows.statement, texts: &texts))
                }
            } catch {
                failures.record(error)
            }
        }
        if let error = failures.first { throw error }
    }

    /// The number of sites each partition of ``scanSiteAttributes(partitions:reserve:expecting:_:)``
    /// delivers when the site pack is current (the partitions may be fewer than asked for: one
    /// chunk at least each); nil when the table would be read instead.
    public func sitePackPartitionRows(partitions: Int) throws -> [Int]? {
        let connection = try RawReadConnection(path: path, spatiaLite: false)
        guard let fids = try Self.fidBounds(connection),
              let layout = try SitePack.usableLayout(connection, fidBounds: fids) else { return nil }
        return layout.partitionRows(max(1, partitions))
    }

    /// Streams the site pack's rows without making `String`s: the fastest way to read every site.
    /// Partitions as in ``scanSiteAttributes(partitions:reserve:expecting:_:)``, each on its own
    /// thread; per chunk, `dictionary(partition, texts)` receives the texts that the following rows
    /// of that partition index, then `row(partition, view)` each site in `fid` order.
    /// - Parameter expecting: the partitions' row counts from ``sitePackPartitionRows(partitions:)``.
    /// - Throws: `StorageError.changedWhileReading` when the pack is no longer usable or its
    ///   partitions no longer have these counts (before any row is delivered), or when it changes
    ///   during the scan; `StorageError.corruptSitePack` for a chunk that cannot be decoded.
    public func scanSitePackRows(expecting: [Int], dictionary: @Sendable (_ partition: Int, [String]) -> Void,
                                 _ row: @Sendable (_ partition: Int, PackedSiteRow) -> Void) throws {
        let parts = max(1, expecting.count)
        let first = try RawReadConnection(path: path, spatiaLite: false)
        guard let fids = try Self.fidBounds(first), let layout = try SitePack.usableLayout(first, fidBounds: fids),
              layout.partitionRows(parts) == expecting else {
            throw StorageError.changedWhileReading(layer: LayerSchema.sites.name)
        }
        try forEachPackChunk(layout, parts: parts, first: first) { part, chunk, connection, texts, buffer in
            try SitePack.read(chunk: chunk, generation: layout.generation, connection, texts: &texts,
                              buffer: &buffer, dictionary: { dictionary(part, $0) }) { row(part, $0) }
        }
    }

    /// Decodes the pack's chunks in `partitions` contiguous runs, each on its own connection and thread.
    private func scanSitePack(_ layout: SitePack.Layout, partitions: Int, first: RawReadConnection,
                              _ body: @Sendable (_ partition: Int, SiteAttributes) -> Void) throws {
        try forEachPackChunk(layout, parts: layout.partitions(partitions), first: first) { part, chunk, connection, texts, buffer in
            try SitePack.read(chunk: chunk, generation: layout.generation, connection, texts: &texts,
                              buffer: &buffer) { body(part, $0) }
        }
    }

    /// Calls `read` for each chunk of the pack, in `parts` contiguous runs of chunks, each run on
    /// a thread and connection of its own (`first` serves run 0) with its own text cache and
    /// chunk buffer; the first error of any run is thrown.
    private func forEachPackChunk(_ layout: SitePack.Layout, parts: Int, first: RawReadConnection,
                                  _ read: @Sendable (_ partition: Int, _ chunk: Int, RawReadConnection,
                                                     inout RepeatedTexts, inout [UInt8]) throws -> Void) throws {
        let failures = FirstError()
        let path = self.path
        let chunks = layout.chunks
        DispatchQueue.concurrentPerform(iterations: layout.partitions(parts)) { part in
            do {
                let connection = part == 0 ? first : try RawReadConnection(path: path, spatiaLite: false)
                var texts = RepeatedTexts()
                var buffer: [UInt8] = []
                for chunk in chunks[layout.chunkRange(part: part, of: parts)] {
                    try read(part, chunk, connection, &texts, &buffer)
                }
            } catch {
                failures.record(error)
            }
        }
        if let error = failures.first { throw error }
    }

    /// Streams id, name and position of every feature of a point layer (settlements, sites,
    /// institutions), in `fid` order.
    /// - Throws: `StorageError.model(.unknownLayer)` for a layer that is not a point layer with a name column.
    public func scanPointAttributes(_ layer: LayerSchema, _ body: (PointAttributes) throws -> Void) throws {
        guard layer.geometryType == .point, !layer.geometryIsDerived, layer.columnIndex("name") != nil else {
            throw StorageError.model(.unknownLayer(layer.name))
        }
        let sql = "SELECT id, name, geom FROM \(SQL.identifier(layer.name)) ORDER BY fid"
        try stepRows(sql) { statement in
            let row = ColumnReader(statement: statement)
            try body(PointAttributes(id: row.text(0) ?? "", name: row.text(1), position: row.point(2)))
        }
    }

    /// Steps through the rows of a constant statement with SQLite's C API.
    private func stepRows(_ sql: String, _ body: (OpaquePointer) throws -> Void) throws {
        try read { db in try Self.stepRows(in: db, sql, body) }
    }

    /// Steps through the rows of `sql` on `db` (in the caller's transaction) with SQLite's C API.
    static func stepRows(in db: Database, _ sql: String, arguments: StatementArguments = [],
                         _ body: (OpaquePointer) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            try body(handle)
        }
    }
}

/// The first error of several threads.
private final class FirstError: @unchecked Sendable {
    private var error: (any Error)?
    private let lock = NSLock()

    func record(_ error: any Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}

/// Typed access to the current row of a statement (columns by 0-based index).
struct ColumnReader {
    let statement: OpaquePointer

    func isNull(_ c: Int32) -> Bool { sqlite3_column_type(statement, c) == SQLITE_NULL }

    func text(_ c: Int32) -> String? {
        guard !isNull(c), let text = sqlite3_column_text(statement, c) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, c))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// ``text(_:)`` through `texts`: a value seen before is returned as the same `String`.
    func text(_ c: Int32, texts: inout RepeatedTexts) -> String? {
        guard !isNull(c), let text = sqlite3_column_text(statement, c) else { return nil }
        return texts.string(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, c))))
    }

    func double(_ c: Int32) -> Double? {
        switch sqlite3_column_type(statement, c) {
        case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_column_double(statement, c)
        default: nil
        }
    }

    func integer(_ c: Int32) -> Int? {
        switch sqlite3_column_type(statement, c) {
        case SQLITE_INTEGER:
            return Int(sqlite3_column_int64(statement, c))
        case SQLITE_FLOAT:
            let d = sqlite3_column_double(statement, c)
            return d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil
        default:
            return nil
        }
    }

    func point(_ c: Int32) -> GeoPoint? {
        guard sqlite3_column_type(statement, c) == SQLITE_BLOB else { return nil }
        let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, c), count: Int(sqlite3_column_bytes(statement, c)))
        if let p = SpatiaLiteBlob.point(bytes) { return p }
        if case .point(let p)? = try? SpatiaLiteBlob.decode(bytes) { return p }
        return nil
    }
}

/// The distinct values of low-cardinality text columns, so that a million rows of `operational`
/// or `Қазақтелеком` give one `String` each instead of a million: no UTF-8 validation or
/// allocation per row, and equal values share storage. Keeps at most 64 values; others are
/// created per row.
package struct RepeatedTexts {
    private var bytes: [[UInt8]] = []
    private var strings: [String] = []

    package init() {}

    package mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) -> String {
        for i in bytes.indices where UTF8Bytes.equal(bytes[i], utf8) { return strings[i] }
        let text = String(decoding: utf8, as: UTF8.self)
        if bytes.count < 64 {
            bytes.append(Array(utf8))
            strings.append(text)
        }
        return text
    }
}
