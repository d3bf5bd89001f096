import CSpatiaLite
import Foundation
import GRDB
import GeoModel
import Geodesy

/// Output formats of `export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One RFC 7946 FeatureCollection.
    case geojson
    /// GeoJSON text sequence: one Feature per line (newline-delimited; see `recordSeparator`).
    case geojsonseq
    /// CSV with the column contract's header and `lon`,`lat` (points) or `wkt` (other geometries).
    case csv
}

/// Which features of a layer to export.
public struct ExportQuery: Sendable {
    public var layer: LayerSchema
    /// Features whose geometry intersects this box (degrees; may cross the antimeridian).
    public var bbox: BoundingBox?
    /// Attribute filters, all of which must match.
    public var filters: [ExportFilter]
    /// Only features with these ids, when set.
    public var ids: [String]?

    public init(layer: LayerSchema, bbox: BoundingBox? = nil, filters: [ExportFilter] = [], ids: [String]? = nil) {
        self.layer = layer
        self.bbox = bbox
        self.filters = filters
        self.ids = ids
    }
}

/// How an export is written.
public struct ExportOptions: Sendable {
    public var format: ExportFormat = .geojson
    /// Decimals of coordinates (0…15), correctly rounded.
    public var precision = 6
    /// GeoJSON text sequences: start each record with the RFC 8142 record separator (0x1E).
    public var recordSeparator = false

    public init(format: ExportFormat = .geojson, precision: Int = 6, recordSeparator: Bool = false) {
        self.format = format
        self.precision = precision
        self.recordSeparator = recordSeparator
    }
}

extension PortalDatabase {
    /// The SQL and arguments that select the features of `query`, ordered by `fid`.
    ///
    /// A bbox becomes an R*Tree range search on `idx_<layer>_geom` (two when the box crosses the
    /// antimeridian); non-point layers are then tested exactly with `ST_Intersects`.
    static func selectSQL(_ query: ExportQuery) -> (sql: String, arguments: StatementArguments) {
        let layer = query.layer
        var columns = ["fid"] + layer.columns.map { SQL.identifier($0.name) }
        if layer.geometryType != nil { columns.append("geom") }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let bbox = query.bbox, layer.geometryType != nil {
            let index = SQL.identifier("idx_\(layer.name)_geom")
            let ranges = bbox.splitAtAntimeridian.map { _ in
                "SELECT pkid FROM \(index) WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?"
            }
            conditions.append("fid IN (\(ranges.joined(separator: " UNION ALL ")))")
            for part in bbox.splitAtAntimeridian {
                arguments += [part.maxLongitude, part.minLongitude, part.maxLatitude, part.minLatitude]
            }
            if layer.geometryType != .point {
                let exact = bbox.splitAtAntimeridian.map { _ in "ST_Intersects(geom, BuildMbr(?, ?, ?, ?, 4326)) = 1" }
                conditions.append("(\(exact.joined(separator: " OR ")))")
                for part in bbox.splitAtAntimeridian {
                    arguments += [part.minLongitude, part.minLatitude, part.maxLongitude, part.maxLatitude]
                }
            }
        }
        for filter in query.filters {
            if filter.value.isNull {
                conditions.append("\(SQL.identifier(filter.column)) IS NULL")
            } else {
                conditions.append("\(SQL.identifier(filter.column)) = ?")
                arguments += [filter.value.databaseValue]
            }
        }
        if let ids = query.ids {
            conditions.append("id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(ids)
        }
        var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(SQL.identifier(layer.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY fid"
        return (sql, arguments)
    }

    /// SQLite's query plan for an export query (one line per plan step), e.g. to show that a bbox
    /// search goes through the spatial index.
    public func queryPlan(_ query: ExportQuery) throws -> [String] {
        let (sql, arguments) = Self.selectSQL(query)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
        }
    }

    /// Counts the features an export query selects.
    public func count(_ query: ExportQuery) throws -> Int {
        let (sql, arguments) = Self.selectSQL(query)
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: arguments) ?? 0
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
        let writer = GeoJSONWriter(precision: options.precision)
        var out = JSONBuffer(capacity: 1 << 20)
        let flushThreshold = 1 << 20
        var count = 0
        let propertyKeys: [[UInt8]] = layer.columns.enumerated().map { i, column in
            var key = JSONBuffer(capacity: 32)
            if i > 0 { key.raw(",") }
            key.string(column.name)
            key.raw(":")
            return key.bytes
        }
        switch options.format {
        case .geojson:
            out.raw("{\"type\":\"FeatureCollection\",\"name\":")
            out.string(layer.name)
            out.raw(",\"features\":[\n")
        case .geojsonseq: break
        case .csv:
            for (i, column) in layer.columns.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw(column.name)
            }
            if layer.geometryType == .point { out.raw(",lon,lat") } else if layer.geometryType != nil { out.raw(",wkt") }
            out.raw("\n")
        }
        try scan(query) { row in
            switch options.format {
            case .geojson, .geojsonseq:
                if options.format == .geojson, count > 0 { out.raw(",\n") }
                if options.format == .geojsonseq, options.recordSeparator { out.bytes.append(0x1E) }
                out.raw("{\"type\":\"Feature\",\"id\":")
                row.appendText(column: 1, to: &out)
                out.raw(",\"geometry\":")
                if layer.geometryType != nil {
                    try row.appendGeometry(column: layer.columns.count + 1, writer: writer, to: &out)
                } else {
                    out.raw("null")
                }
                out.raw(",\"properties\":{")
                for i in 0..<layer.columns.count {
                    out.bytes.append(contentsOf: propertyKeys[i])
                    row.appendJSONValue(column: i + 1, to: &out)
                }
                out.raw("}}")
                if options.format == .geojsonseq { out.raw("\n") }
            case .csv:
                for i in 0..<layer.columns.count {
                    if i > 0 { out.raw(",") }
                    row.appendCSVValue(column: i + 1, to: &out)
                }
                let geometryColumn = layer.columns.count + 1
                if layer.geometryType == .point {
                    if !row.isNull(Int32(geometryColumn)), case .point(let p) = try row.geometry(column: geometryColumn) {
                        out.raw(",")
                        out.fixed(p.longitude, decimals: options.precision)
                        out.raw(",")
                        out.fixed(p.latitude, decimals: options.precision)
                    } else {
                        out.raw(",,")
                    }
                } else if layer.geometryType != nil {
                    out.raw(",")
                    out.csvField(WKT.text(try row.geometry(column: layer.columns.count + 1), decimals: options.precision))
                }
                out.raw("\n")
            }
            count += 1
            if out.bytes.count >= flushThreshold { try Self.modelCall { () throws(GeoModelError) in try sink.drain(&out) } }
        }
        if options.format == .geojson { out.raw(count > 0 ? "\n]}\n" : "]}\n") }
        try Self.modelCall { () throws(GeoModelError) in
            try sink.drain(&out)
            try sink.finish()
        }
        return count
    }

    /// Steps through the rows of an export query with SQLite's C API (no per-row allocation by GRDB).
    func scan(_ query: ExportQuery, _ body: (RawRow) throws -> Void) throws {
        let (sql, arguments) = Self.selectSQL(query)
        try queue.read { db in
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            let row = RawRow(statement: handle, layer: query.layer)
            while true {
                let rc = sqlite3_step(handle)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
                }
                try body(row)
            }
        }
    }
}

/// The current row of a running export statement: column 0 is `fid`, then the layer's columns, then `geom`.
struct RawRow {
    let statement: OpaquePointer
    let layer: LayerSchema

    @inline(__always)
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    @inline(__always)
    func withText<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let text = sqlite3_column_text(statement, column) else {
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return body(UnsafeBufferPointer(start: text, count: count))
    }

    func appendText(column: Int, to out: inout JSONBuffer) {
        withText(Int32(column)) { out.string(utf8: $0) }
    }

    /// Appends column `column` as a JSON value typed by the layer schema.
    @inline(__always)
    func appendJSONValue(column: Int, to out: inout JSONBuffer) {
        let c = Int32(column)
        switch sqlite3_column_type(statement, c) {
        case SQLITE_NULL: out.raw("null")
        case SQLITE_INTEGER:
            if case .real = layer.columns[column - 1].type {
                out.number(Double(sqlite3_column_int64(statement, c)))
            } else if layer.columns[column - 1].type.sqlType == "TEXT" {
                withText(c) { out.string(utf8: $0) }
            } else {
                out.integer(sqlite3_column_int64(statement, c))
            }
        case SQLITE_FLOAT: out.number(sqlite3_column_double(statement, c))
        default: withText(c) { out.string(utf8: $0) }
        }
    }

    func appendCSVValue(column: Int, to out: inout JSONBuffer) {
        let c = Int32(column)
        switch sqlite3_column_type(statement, c) {
        case SQLITE_NULL: break
        case SQLITE_INTEGER:
            if case .real = layer.columns[column - 1].type {
                out.number(Double(sqlite3_column_int64(statement, c)))
            } else {
                out.integer(sqlite3_column_int64(statement, c))
            }
        case SQLITE_FLOAT: out.number(sqlite3_column_double(statement, c))
        default: withText(c) { out.csvField(utf8: $0) }
        }
    }

    func fid() -> Int64 { sqlite3_column_int64(statement, 0) }

    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let count = Int(sqlite3_column_bytes(statement, column))
        return UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, column), count: count)
    }

    func geometry(column: Int) throws -> Geometry {
        do {
            return try SpatiaLiteBlob.decode(blob(Int32(column)))
        } catch {
            throw StorageError.corruptGeometry(layer: layer.name, fid: fid(), reason: error.reason)
        }
    }

    @inline(__always)
    func appendGeometry(column: Int, writer: GeoJSONWriter, to out: inout JSONBuffer) throws {
        if isNull(Int32(column)) { out.raw("null"); return }
        let bytes = blob(Int32(column))
        if let p = SpatiaLiteBlob.point(bytes) {
            out.raw("{\"type\":\"Point\",\"coordinates\":")
            writer.position(p, into: &out)
            out.raw("}")
        } else {
            writer.geometry(try geometry(column: column), into: &out)
        }
    }

    /// The row as a model record.
    func record() throws -> FeatureRecord {
        var values: [FieldValue] = []
        for i in 1...layer.columns.count {
            let c = Int32(i)
            switch sqlite3_column_type(statement, c) {
            case SQLITE_NULL: values.append(.null)
            case SQLITE_INTEGER:
                if case .real = layer.columns[i - 1].type {
                    values.append(.real(Double(sqlite3_column_int64(statement, c))))
                } else {
                    values.append(.integer(sqlite3_column_int64(statement, c)))
                }
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, c)))
            default: values.append(.text(withText(c) { String(decoding: $0, as: UTF8.self) }))
            }
        }
        let geometryColumn = layer.columns.count + 1
        let geometry = layer.geometryType == nil || isNull(Int32(geometryColumn)) ? nil : try self.geometry(column: geometryColumn)
        return FeatureRecord(values: values, geometry: geometry)
    }
}
