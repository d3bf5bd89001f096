import CSQLite
import Foundation
import GRDB
import GeoModel
import Geodesy

extension PortalDatabase {
    /// The SQL and arguments that select the features of `query`, ordered by `fid`.
    ///
    /// A bbox becomes an R*Tree range search on `idx_<layer>_geom` (two when the box crosses the
    /// antimeridian); non-point layers are then tested exactly with `ST_Intersects`.
    ///
    /// The row is `fid`, `id`, the chosen `columns` (indices into the layer's columns; all when
    /// nil), then `geom` for layers with geometry. `fidRange` restricts to a range of internal ids.
    static func selectSQL(_ query: ExportQuery, columns selected: [Int]? = nil,
                          fidRange: ClosedRange<Int64>? = nil) throws -> (sql: String, arguments: [DatabaseValue]) {
        let layer = query.layer
        let chosen = selected ?? Array(layer.columns.indices)
        var columns = ["fid", "id"] + chosen.map { SQL.identifier(layer.columns[$0].name) }
        if layer.geometryType != nil { columns.append("geom") }
        let (conditions, arguments) = try conditions(query, fidRange: fidRange)
        var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(SQL.identifier(layer.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        // Sort keys are columns of the layer's contract (checked when parsed), quoted; fid last
        // keeps the order total, so that pages never overlap.
        let keys = query.sortBy.filter { layer.columnIndex($0.column) != nil }
            .map { SQL.identifier($0.column) + ($0.descending ? " DESC" : "") }
        sql += " ORDER BY " + (keys + ["fid"]).joined(separator: ", ")
        var pageArguments = arguments
        if query.limit != nil || query.offset > 0 {
            sql += " LIMIT ? OFFSET ?"
            pageArguments += [Int64(query.limit ?? -1).databaseValue, Int64(max(0, query.offset)).databaseValue]
        }
        return (sql, pageArguments)
    }

    /// Whether the conditions of `query` test its bounding box exactly with SpatiaLite's
    /// `ST_Intersects` (lines and polygons; points need only the R*Tree, which is SQLite's): the
    /// queries that need a connection with SpatiaLite loaded.
    /// Also true when the query's ``ExportQuery/condition`` tests a geometry exactly (anywhere in
    /// it, also under OR and NOT; see ``ConditionSQL``).
    public static func intersectsExactly(_ query: ExportQuery) -> Bool {
        if query.bbox != nil && query.layer.geometryType != nil && query.layer.geometryType != .point { return true }
        return query.condition.map { ConditionSQL.needsSpatiaLite($0, layer: query.layer) } ?? false
    }

    /// The conditions (joined by AND) and their arguments that select the rows of `query`.
    /// - Throws: `StorageError.model` when the query's condition does not fit its layer.
    private static func conditions(_ query: ExportQuery, fidRange: ClosedRange<Int64>?) throws -> ([String], [DatabaseValue]) {
        let layer = query.layer
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let bbox = query.bbox, layer.geometryType != nil {
            let index = SQL.identifier("idx_\(layer.name)_geom")
            let ranges = bbox.splitAtAntimeridian.map { _ in
                "SELECT pkid FROM \(index) WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?"
            }
            conditions.append("fid IN (\(ranges.joined(separator: " UNION ALL ")))")
            for part in bbox.splitAtAntimeridian {
                arguments += [part.maxLongitude, part.minLongitude, part.maxLatitude, part.minLatitude].map(\.databaseValue)
            }
            if Self.intersectsExactly(query) {
                let exact = bbox.splitAtAntimeridian.map { _ in "ST_Intersects(geom, BuildMbr(?, ?, ?, ?, 4326)) = 1" }
                conditions.append("(\(exact.joined(separator: " OR ")))")
                for part in bbox.splitAtAntimeridian {
                    arguments += [part.minLongitude, part.minLatitude, part.maxLongitude, part.maxLatitude].map(\.databaseValue)
                }
            }
        }
        for filter in query.filters {
            if filter.value.isNull {
                conditions.append("\(SQL.identifier(filter.column)) IS NULL")
            } else if case .text = filter.value {
                // Text matches ignoring case in any script (see CaseInsensitiveCollation).
                conditions.append("\(SQL.identifier(filter.column)) = ? COLLATE \(CaseInsensitiveCollation.name)")
                arguments.append(filter.value.databaseValue)
            } else {
                conditions.append("\(SQL.identifier(filter.column)) = ?")
                arguments.append(filter.value.databaseValue)
            }
        }
        if let fidRange {
            conditions.append("fid BETWEEN ? AND ?")
            arguments += [fidRange.lowerBound.databaseValue, fidRange.upperBound.databaseValue]
        }
        if let ids = query.ids {
            conditions.append("id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))")
            arguments += ids.map(\.databaseValue)
        }
        if let condition = query.condition {
            try modelCall { () throws(GeoModelError) in try condition.validate(for: layer) }
            var translation = ConditionSQL(layer: layer)
            // The top-level conjuncts one by one, so that SQLite sees each (an R*Tree search can
            // then drive the query).
            let parts: [FeatureCondition] = if case .and(let parts) = condition { parts } else { [condition] }
            for part in parts { conditions.append(try translation.expression(part)) }
            arguments += translation.arguments
        }
        return (conditions, arguments)
    }

    /// SQLite's query plan for an export query (one line per plan step), e.g. to show that a bbox
    /// search goes through the spatial index.
    public func queryPlan(_ query: ExportQuery) throws -> [String] {
        let (sql, arguments) = try Self.selectSQL(query)
        return try read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments)).map { $0["detail"] as String? ?? "" }
        }
    }

    /// Counts the features an export query selects.
    public func count(_ query: ExportQuery) throws -> Int {
        // Only the conditions: counting never reads a column (a whole layer counts in a few
        // milliseconds instead of the tens a full SELECT takes).
        let (conditions, arguments) = try Self.conditions(query, fidRange: nil)
        var sql = "SELECT count(*) FROM \(SQL.identifier(query.layer.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        return try read { db in
            try Int.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) ?? 0
        }
    }

    /// Reads the features of a query into memory (for small results and tests; export streams instead).
    public func features(_ query: ExportQuery) throws -> [FeatureRecord] {
        var out: [FeatureRecord] = []
        try scan(query) { row in out.append(try row.record()) }
        return out
    }

    /// Writes the features of `query` to `sink`, streamed row by row: memory stays flat for any
    /// layer size. Returns the number of features written.
    ///
    /// GeoJSON follows RFC 7946: WGS84 lon/lat, `precision` decimals (correctly rounded, as
    /// `printf`), no `crs` member, an `id` on every feature (also kept among the properties, so
    /// the file imports back unchanged).
    @discardableResult
    public func export(_ query: ExportQuery, options: ExportOptions = ExportOptions(), to sink: OutputSink) throws -> Int {
        let layer = query.layer
        var included: [Int] = []
        for name in options.properties ?? layer.columns.map(\.name) {
            guard let index = layer.columnIndex(name) else {
                throw StorageError.model(.unknownField(layer: layer.name, field: name))
            }
            included.append(index)
        }
        let columns = included
        let formatter = FeatureFormatter(layer: layer, included: columns, options: options)
        var out = JSONBuffer(capacity: 1 << 16)
        formatter.header(into: &out)
        try Self.modelCall { () throws(GeoModelError) in try sink.drain(&out) }
        // Rows are formatted in fid-ordered chunks by two workers on two connections (the
        // machine's cores); each worker writes its chunk as soon as the chunks before it are
        // written, then formats the next, so formatting goes on while the other writes. The output
        // is identical to a sequential export; memory holds one chunk per worker.
        let chunks = try fidChunks(for: query, rowsPerChunk: options.rowsPerChunk)
        let workers = min(2, chunks.count)
        let connections = try (0..<workers).map { _ in try rawConnections.checkout(spatiaLite: Self.intersectsExactly(query)) }
        let blocks = OrderedBlockWriter(sink: sink, blockCount: chunks.count)
        let written = RowCount()
        let separatorLength = formatter.separatorLength
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            // A page needs about half a kilobyte a feature; a whole layer's chunk up to 4 MB.
            var buffer = JSONBuffer(capacity: max(1 << 16, min(query.limit ?? .max, 1 << 13) * 512))
            while let k = blocks.claim() {
                buffer.removeAll()
                do {
                    let rows = try Self.format(query, included: columns, fidRange: chunks[k], formatter: formatter,
                                               connection: connections[w], into: &buffer)
                    try blocks.write(block: k) { sink in
                        guard rows > 0 else { return }
                        // Every feature starts with the separator; the export's first one goes without it.
                        let skip = written.value == 0 ? separatorLength : 0
                        try buffer.withBytes { bytes in
                            try Self.modelCall { () throws(GeoModelError) in
                                try sink.write(UnsafeBufferPointer(rebasing: bytes[min(skip, bytes.count)...]))
                            }
                        }
                        written.value += rows
                    }
                } catch {
                    blocks.fail(error)
                    return
                }
            }
        }
        for connection in connections { rawConnections.checkin(connection) }
        try blocks.finish()
        let count = written.value
        formatter.footer(count: count, into: &out)
        try Self.modelCall { () throws(GeoModelError) in
            try sink.drain(&out)
            try sink.finish()
        }
        return count
    }

    /// `min(fid)` and `max(fid)` of `table` as two scalar subqueries: SQLite answers each from one
    /// end of the rowid b-tree, whereas `SELECT min(fid), max(fid)` reads the whole table (0.2 s for
    /// a million sites).
    static func fidBoundsSQL(_ table: String) -> String {
        let name = SQL.identifier(table)
        return "SELECT (SELECT min(fid) FROM \(name)), (SELECT max(fid) FROM \(name))"
    }

    /// Splits the layer's fid range (restricted to the query) into ranges of about `rowsPerChunk` ids.
    func fidChunks(for query: ExportQuery, rowsPerChunk: Int64) throws -> [ClosedRange<Int64>?] {
        // A bbox or id list is resolved by an index into a set of rows; each chunk would resolve it
        // again, so such queries run as one chunk, with no range (and no read of the bounds).
        // A page or a sort order is one ordered statement, so also one chunk.
        if query.bbox != nil || query.ids != nil || query.isPagedOrSorted || query.condition?.hasSpatialTest == true { return [nil] }
        let bounds = try read { db in
            try Row.fetchOne(db, sql: Self.fidBoundsSQL(query.layer.name))
        }
        guard let bounds, let low = bounds[0] as Int64?, let high = bounds[1] as Int64? else { return [] }
        return stride(from: low, through: high, by: Int(rowsPerChunk)).map { start in
            start...min(high, start + rowsPerChunk - 1)
        }
    }

    /// Formats the rows of one fid range of `query` into `buffer`; returns the number of rows.
    static func format(_ query: ExportQuery, included: [Int], fidRange: ClosedRange<Int64>?, formatter: FeatureFormatter,
                       connection: RawReadConnection, into buffer: inout JSONBuffer) throws -> Int {
        let (sql, arguments) = try selectSQL(query, columns: included, fidRange: fidRange)
        let results = try connection.rows(sql: sql, arguments: arguments)
        let row = RawRow(statement: results.statement, layer: query.layer, columns: included)
        var rows = 0
        while try results.next() {
            try formatter.feature(row, into: &buffer)
            rows += 1
        }
        return rows
    }

    /// The features of `query` with only the `id` and the columns `names` read (the others are
    /// null in the records): less to read and no text made for columns nobody looks at.
    /// - Throws: `StorageError.model(.unknownField)` for a name that is not a column of the layer.
    public func features(_ query: ExportQuery, columns names: [String]) throws -> [FeatureRecord] {
        var out: [FeatureRecord] = []
        try forEachFeature(query, columns: names) { out.append($0) }
        return out
    }

    /// Calls `body` with each feature of `query` in `fid` order, as ``features(_:columns:)`` reads
    /// them, without holding them all in memory: for callers that keep something else per
    /// feature. The rows are stepped on a read-only connection of their own, without SQLite's
    /// mutex around every column read (``RawReadConnection``): `body` may call the portal.
    /// - Throws: `StorageError.model(.unknownField)` for a name that is not a column of the layer,
    ///   and whatever `body` throws.
    public func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws {
        // The id (column 0) always: it is the feature's identity (`FeatureRecord.id`).
        var columns: [Int] = [0]
        for name in names {
            guard let index = query.layer.columnIndex(name) else {
                throw StorageError.model(.unknownField(layer: query.layer.name, field: name))
            }
            if !columns.contains(index) { columns.append(index) }
        }
        columns.sort()
        let (sql, arguments) = try Self.selectSQL(query, columns: columns)
        try rawConnections.with(spatiaLite: Self.intersectsExactly(query)) { connection in
            let rows = try connection.rows(sql: sql, arguments: arguments)
            let row = RawRow(statement: rows.statement, layer: query.layer, columns: columns)
            try withExtendedLifetime(rows) {
                while try rows.next() { try body(try row.record()) }
            }
        }
    }

    /// Steps through the rows of an export query with SQLite's C API (no per-row allocation by GRDB).
    /// - Parameter columns: the layer's column indices to read (nil: all).
    func scan(_ query: ExportQuery, columns: [Int]? = nil, _ body: (RawRow) throws -> Void) throws {
        let selected = columns ?? Array(query.layer.columns.indices)
        let (sql, arguments) = try Self.selectSQL(query, columns: selected)
        try read { db in
            try Self.step(sql: sql, arguments: arguments, db: db, layer: query.layer, columns: selected, body)
        }
    }

    /// Runs `sql` and calls `body` for each row (see `selectSQL` for the row's shape).
    static func step(sql: String, arguments: [DatabaseValue], db: Database, layer: LayerSchema, columns: [Int],
                     _ body: (RawRow) throws -> Void) throws {
        // One RawRow for the statement, made at its first row.
        var row: RawRow?
        try stepRows(in: db, sql, arguments: StatementArguments(arguments)) { handle in
            let current = row ?? RawRow(statement: handle, layer: layer, columns: columns)
            row = current
            try body(current)
        }
    }
}

/// The rows written so far by an export's workers (changed only in a block's turn to write).
private final class RowCount: @unchecked Sendable {
    var value = 0
}

/// Writes rows of one layer as GeoJSON features, sequence records or CSV lines.
struct FeatureFormatter: Sendable {
    let layer: LayerSchema
    let included: [Int]
    let options: ExportOptions
    let writer: GeoJSONWriter
    /// `,"name":` for each included column (the first without the comma), one after the other:
    /// key `i` is `propertyKeyBytes[propertyKeyEnds[i - 1]..<propertyKeyEnds[i]]` (from 0 for the
    /// first). One array instead of one per key, which each row would retain.
    let propertyKeyBytes: [UInt8]
    let propertyKeyEnds: [Int]
    /// Whether every record starts with `,\n` (a FeatureCollection; dropped before the first one).
    let separated: Bool
    /// The length of that separator in bytes (0 without one).
    var separatorLength: Int { separated ? 2 : 0 }

    init(layer: LayerSchema, included: [Int], options: ExportOptions) {
        self.layer = layer
        self.included = included
        self.options = options
        writer = GeoJSONWriter(precision: options.precision)
        var keys = JSONBuffer(capacity: 32 * max(1, included.count))
        var ends: [Int] = []
        for (i, column) in included.enumerated() {
            if i > 0 { keys.raw(",") }
            keys.string(layer.columns[column].name)
            keys.raw(":")
            ends.append(keys.bytes.count)
        }
        propertyKeyBytes = keys.bytes
        propertyKeyEnds = ends
        separated = options.format == .geojson
    }

    func header(into out: inout JSONBuffer) {
        out.exportHeader(layer: layer, included: included, format: options.format, members: options.collectionMembers)
    }

    func footer(count: Int, into out: inout JSONBuffer) {
        out.exportFooter(count: count, format: options.format)
    }

    func feature(_ row: RawRow, into out: inout JSONBuffer) throws {
        switch options.format {
        case .geojson, .geojsonseq:
            if separated { out.raw(",\n") }
            if options.recordSeparator, options.format == .geojsonseq { out.append(0x1E) }
            out.raw("{\"type\":\"Feature\",\"id\":")
            row.appendText(column: 1, to: &out)
            out.raw(",\"geometry\":")
            if layer.geometryType != nil {
                try row.appendGeometry(writer: writer, to: &out)
            } else {
                out.raw("null")
            }
            out.raw(",\"properties\":{")
            propertyKeyBytes.withUnsafeBufferPointer { keys in
                propertyKeyEnds.withUnsafeBufferPointer { ends in
                    var start = 0
                    for i in 0..<ends.count {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: keys[start..<ends[i]]))
                        start = ends[i]
                        row.appendJSONValue(position: i, to: &out)
                    }
                }
            }
            out.raw("}}")
            if options.format == .geojsonseq { out.raw("\n") }
        case .csv:
            for i in 0..<included.count {
                if i > 0 { out.raw(",") }
                row.appendCSVValue(position: i, to: &out)
            }
            let geometry = layer.geometryType == nil || row.isNull(row.geometryColumn) ? nil : try row.geometry()
            out.csvGeometry(geometry, layerType: layer.geometryType, precision: options.precision)
            out.raw("\n")
        }
    }
}

/// The current row of a running export statement: `fid`, `id`, the selected columns, then `geom`.
///
/// A class: it is created once per statement and handed to the formatter for every row, which
/// would otherwise retain its arrays per row.
///
/// Values are read through `sqlite3_column_value` and the `sqlite3_value_*` accessors: one
/// checked column call per value instead of two or three (type, text, bytes), each of which
/// takes the connection's API lock and checks for allocation failures. SQLite calls these
/// values "unprotected" because another thread could use the connection meanwhile; a row is
/// only ever read by the thread that owns the connection (``RawReadConnection``, or GRDB's
/// queue inside its `read` block).
final class RawRow {
    /// How a selected column's value is written.
    enum Kind { case text, integer, real }

    let statement: OpaquePointer
    let layer: LayerSchema
    /// Layer column index of each selected position.
    let columns: [Int]
    /// Kind of each selected position.
    let kinds: [Kind]
    /// SQL index of the geometry.
    let geometryColumn: Int32

    init(statement: OpaquePointer, layer: LayerSchema, columns: [Int]) {
        self.statement = statement
        self.layer = layer
        self.columns = columns
        kinds = columns.map { index in
            switch layer.columns[index].type {
            case .integer: .integer
            case .real: .real
            case .text, .enumeration, .set: .text
            }
        }
        geometryColumn = Int32(columns.count + 2)
    }

    @inline(__always)
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    @inline(__always)
    func withText<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        // The text first, then its length (the order SQLite documents).
        guard let value = sqlite3_column_value(statement, column), let text = sqlite3_value_text(value) else {
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return body(UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value))))
    }

    func appendText(column: Int32, to out: inout JSONBuffer) {
        withText(column) { out.string(utf8: $0) }
    }

    /// Appends the value at selected position `position` as JSON, typed by the layer schema.
    @inline(__always)
    func appendJSONValue(position: Int, to out: inout JSONBuffer) {
        let c = Int32(position + 2)
        guard let value = sqlite3_column_value(statement, c) else { out.raw("null"); return }
        if kinds[position] == .text {
            // Text columns: the text is NULL exactly for SQL NULL, so no type call is needed.
            guard let text = sqlite3_value_text(value) else { out.raw("null"); return }
            out.string(utf8: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value))))
            return
        }
        let type = sqlite3_value_type(value)
        if type == SQLITE_NULL { out.raw("null"); return }
        switch kinds[position] {
        case .real:
            out.number(sqlite3_value_double(value))
        case .integer where type == SQLITE_INTEGER:
            out.integer(sqlite3_value_int64(value))
        case .integer where type == SQLITE_FLOAT:
            out.number(sqlite3_value_double(value))
        default:
            guard let text = sqlite3_value_text(value) else { out.raw("null"); return }
            out.string(utf8: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value))))
        }
    }

    /// Appends the value at selected position `position` as a CSV field.
    func appendCSVValue(position: Int, to out: inout JSONBuffer) {
        let c = Int32(position + 2)
        let type = sqlite3_column_type(statement, c)
        if type == SQLITE_NULL { return }
        switch kinds[position] {
        case .real: out.number(sqlite3_column_double(statement, c))
        case .integer where type == SQLITE_INTEGER: out.integer(sqlite3_column_int64(statement, c))
        default: withText(c) { out.csvField(utf8: $0) }
        }
    }

    func fid() -> Int64 { sqlite3_column_int64(statement, 0) }

    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let count = Int(sqlite3_column_bytes(statement, column))
        return UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, column), count: count)
    }

    /// The row's geometry (the caller checks for NULL first).
    func geometry() throws -> Geometry {
        do {
            return try SpatiaLiteBlob.decode(blob(geometryColumn))
        } catch {
            throw StorageError.corruptGeometry(layer: layer.name, fid: fid(), reason: error.reason)
        }
    }

    @inline(__always)
    func appendGeometry(writer: GeoJSONWriter, to out: inout JSONBuffer) throws {
        guard let value = sqlite3_column_value(statement, geometryColumn), sqlite3_value_type(value) != SQLITE_NULL else {
            out.raw("null")
            return
        }
        let blob = sqlite3_value_blob(value)
        if let p = SpatiaLiteBlob.point(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_value_bytes(value)))) {
            out.raw("{\"type\":\"Point\",\"coordinates\":")
            writer.position(p, into: &out)
            out.raw("}")
        } else {
            writer.geometry(try geometry(), into: &out)
        }
    }

    /// The row as a model record: the selected columns' values, null for the others.
    func record() throws -> FeatureRecord {
        var values: [FieldValue] = []
        values.reserveCapacity(layer.columns.count)
        // Appended in column order (the callers select columns in increasing order), nulls in between.
        for (position, column) in columns.enumerated() {
            let c = Int32(position + 2)
            let value: FieldValue
            switch sqlite3_column_type(statement, c) {
            case SQLITE_NULL: value = .null
            case SQLITE_INTEGER:
                value = kinds[position] == .real
                    ? .real(Double(sqlite3_column_int64(statement, c))) : .integer(sqlite3_column_int64(statement, c))
            case SQLITE_FLOAT: value = .real(sqlite3_column_double(statement, c))
            default: value = .text(withText(c) { String(decoding: $0, as: UTF8.self) })
            }
            while values.count < column { values.append(.null) }
            if column < values.count { values[column] = value } else { values.append(value) }
        }
        while values.count < layer.columns.count { values.append(.null) }
        var geometry: Geometry?
        if layer.geometryType != nil && !isNull(geometryColumn) {
            // Points (most rows of most layers) without the general decoder.
            if let p = SpatiaLiteBlob.point(blob(geometryColumn)) { geometry = .point(p) } else { geometry = try self.geometry() }
        }
        return FeatureRecord(values: values, geometry: geometry)
    }
}
