import GeoModel
import Geodesy
import PostgresNIO

extension PostGISDatabase {
    /// The statement that selects the candidate rows of a query, and what is left to check in
    /// Swift.
    ///
    /// The SQL does what PostgreSQL can do exactly as the SpatiaLite store does: equality on
    /// numbers, `IS NULL`, ids (`id = ANY($n)`), the order (text columns `COLLATE "C"`, that is
    /// by UTF-8 bytes as SQLite's `BINARY`; NULLs first ascending and last descending, as SQLite;
    /// `fid` last so that the order is total) and the page. A bounding box is a GiST search
    /// (`geom && ST_MakeEnvelope(…, 4326)`, one per side of the antimeridian), a superset whose
    /// rows are then tested exactly in Swift (``Geometry/intersects(_:)``, in the plane of
    /// degrees, as the in-memory store); text equality (ignoring case in any script) and a
    /// ``FeatureCondition`` are tested in Swift too (``ExportFilter/matches(_:)``,
    /// ``FeatureCondition/matches(_:layer:)``). When anything is tested in Swift, the page is
    /// taken in Swift after the test.
    struct Selection {
        /// `SELECT fid, <columns>[, ST_AsBinary(geom)] FROM … WHERE … ORDER BY …[ LIMIT … OFFSET …]`.
        var sql: String
        var binds: PostgresBindings
        /// The layer's column indices selected, in the row after `fid`, increasing.
        var columns: [Int]
        /// Whether rows must pass ``matches(_:)`` and the page be taken in Swift.
        var checksInSwift: Bool
        let query: ExportQuery

        /// Whether a record read for this selection is in the query's result (before the page).
        func matches(_ record: FeatureRecord) -> Bool {
            let layer = query.layer
            if let bbox = query.bbox, layer.geometryType != nil {
                guard let geometry = record.geometry else { return false }
                if case .point(let point) = geometry {
                    guard PostGISDatabase.rtreeMatches(point, bbox) else { return false }
                } else if !geometry.intersects(bbox) {
                    return false
                }
            }
            for filter in query.filters {
                guard let column = layer.columnIndex(filter.column), filter.matches(record.values[column]) else { return false }
            }
            if let condition = query.condition, !condition.matches(record, layer: layer) { return false }
            return true
        }
    }

    /// The WHERE conditions of `query` that PostgreSQL decides, their binds, and whether
    /// conditions are left for Swift.
    static func conditions(_ query: ExportQuery, binds: inout PostgresBindings) throws -> (sql: [String], checksInSwift: Bool) {
        let layer = query.layer
        var sql: [String] = []
        var inSwift = false
        if let condition = query.condition {
            try condition.validate(for: layer)
            inSwift = true
        }
        func placeholder() -> String { "$\(binds.count + 1)" }
        if let bbox = query.bbox, layer.geometryType != nil {
            var parts: [String] = []
            for part in bbox.splitAtAntimeridian {
                var envelope = "geom && ST_MakeEnvelope("
                // Widened by 1e-4° (more than a single-precision step at 180°), so that the index
                // never leaves out a point that SQLite's rounded R*Tree box would take in.
                let margin = 1e-4
                for value in [part.minLongitude - margin, part.minLatitude - margin, part.maxLongitude + margin, part.maxLatitude + margin] {
                    envelope += placeholder() + ", "
                    binds.append(value)
                }
                parts.append(envelope + "4326)")
            }
            sql.append("(" + parts.joined(separator: " OR ") + ")")
            inSwift = true
        }
        for filter in query.filters {
            guard let index = layer.columnIndex(filter.column) else {
                throw GeoModelError.unknownField(layer: layer.name, field: filter.column)
            }
            let column = PostGISSQL.identifier(layer.columns[index].name)
            switch filter.value {
            case .null: sql.append("\(column) IS NULL")
            case .integer(let value):
                sql.append("\(column) = \(placeholder())")
                binds.append(value)
            case .real(let value):
                sql.append("\(column) = \(placeholder())")
                binds.append(value)
            case .text:
                // Ignoring case in any script: Swift's lowercasing, as the SpatiaLite store's collation.
                sql.append("\(column) IS NOT NULL")
                inSwift = true
            }
        }
        if let ids = query.ids {
            sql.append("id = ANY(\(placeholder()))")
            binds.append(ids)
        }
        return (sql, inSwift)
    }

    /// The ORDER BY clause of `query` (see ``Selection``).
    static func order(_ query: ExportQuery) -> String {
        let layer = query.layer
        var keys: [String] = []
        for key in query.sortBy {
            guard let index = layer.columnIndex(key.column) else { continue }
            let column = layer.columns[index]
            var sql = PostGISSQL.identifier(column.name)
            if PostGISSQL.type(column.type) == "text" { sql += " COLLATE \"C\"" }
            sql += key.descending ? " DESC NULLS LAST" : " ASC NULLS FIRST"
            keys.append(sql)
        }
        return " ORDER BY " + (keys + ["fid"]).joined(separator: ", ")
    }

    /// The selection of `query` reading the columns `selected` (indices, increasing; all when nil).
    static func selection(_ query: ExportQuery, columns selected: [Int]? = nil) throws -> Selection {
        let layer = query.layer
        var binds = PostgresBindings()
        let (conditions, inSwift) = try conditions(query, binds: &binds)
        // Checks in Swift need every column (a condition or filter may test any of them).
        let columns = inSwift ? Array(layer.columns.indices) : (selected ?? Array(layer.columns.indices))
        var names = ["fid"] + columns.map { PostGISSQL.identifier(layer.columns[$0].name) }
        if layer.geometryType != nil { names.append("ST_AsBinary(geom)") }
        var sql = "SELECT \(names.joined(separator: ", ")) FROM \(PostGISSQL.identifier(layer.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += order(query)
        if !inSwift {
            if let limit = query.limit {
                sql += " LIMIT $\(binds.count + 1)"
                binds.append(Int64(max(0, limit)))
            }
            if query.offset > 0 {
                sql += " OFFSET $\(binds.count + 1)"
                binds.append(Int64(query.offset))
            }
        }
        return Selection(sql: sql, binds: binds, columns: columns, checksInSwift: inSwift, query: query)
    }

    /// Whether `point` is in `box` as the SpatiaLite store decides it for a point layer: by the
    /// point's R*Tree box alone, its coordinates rounded outwards to single precision
    /// (``roundedDown(_:)``, ``roundedUp(_:)``), compared with the query's double bounds, on
    /// either side of the antimeridian. A point up to about 1e-5° outside the box can be in; the
    /// same points are in as from the SpatiaLite file, so exports with a box are the same bytes.
    static func rtreeMatches(_ point: GeoPoint, _ box: BoundingBox) -> Bool {
        let west = roundedDown(point.longitude), east = roundedUp(point.longitude)
        let south = roundedDown(point.latitude), north = roundedUp(point.latitude)
        return box.splitAtAntimeridian.contains { part in
            west <= part.maxLongitude && east >= part.minLongitude && south <= part.maxLatitude && north >= part.minLatitude
        }
    }

    /// A row of a selection as a model record: the selected columns' values (null for the
    /// others) and the geometry.
    static func record(_ row: PostgresRow, layer: LayerSchema, columns: [Int]) throws -> FeatureRecord {
        var values = [FieldValue](repeating: .null, count: layer.columns.count)
        var fid: Int64 = 0
        var geometry: Geometry?
        for (position, cell) in row.enumerated() {
            if position == 0 {
                fid = try cell.decode(Int64.self)
                continue
            }
            guard cell.bytes != nil else { continue }
            if position <= columns.count {
                let index = columns[position - 1]
                switch layer.columns[index].type {
                case .text, .enumeration, .set: values[index] = .text(try cell.decode(String.self))
                case .integer: values[index] = .integer(try cell.decode(Int64.self))
                case .real: values[index] = .real(try cell.decode(Double.self))
                }
            } else if let bytes = cell.bytes {
                do {
                    geometry = try WKB.decode(bytes.readableBytesView)
                } catch {
                    throw PostGISError.corruptGeometry(layer: layer.name, fid: fid, reason: error.reason)
                }
            }
        }
        return FeatureRecord(values: values, geometry: geometry)
    }

    /// Calls `body` with each feature of `query`, in its order and page, streamed.
    /// - Parameter columns: the column indices to read (increasing; all when nil); the others
    ///   are null in the records (all are read when conditions are checked in Swift, and kept).
    /// - Throws: `GeoModelError` for a condition or filter that does not fit the layer,
    ///   ``PostGISError``, and what `body` throws.
    public func forEachRecord(_ query: ExportQuery, columns: [Int]? = nil, _ body: (FeatureRecord) throws -> Void) throws {
        let selection = try Self.selection(query, columns: columns)
        if query.limit.map({ $0 <= 0 }) == true { return }
        let layer = query.layer
        var skip = selection.checksInSwift ? max(0, query.offset) : 0
        var left = selection.checksInSwift ? query.limit : nil
        struct Enough: Error {}
        do {
            try stream(selection.sql, selection.binds) { rows in
                for row in rows {
                    let record = try Self.record(row, layer: layer, columns: selection.columns)
                    if selection.checksInSwift {
                        guard selection.matches(record) else { continue }
                        if skip > 0 {
                            skip -= 1
                            continue
                        }
                    }
                    try body(record)
                    if let remaining = left {
                        left = remaining - 1
                        if remaining - 1 <= 0 { throw Enough() }
                    }
                }
            }
        } catch is Enough {
            return
        }
    }

    /// The number of features `query` selects, ignoring its page.
    public func count(_ query: ExportQuery) throws -> Int {
        let unpaged = query.paged(limit: nil)
        var binds = PostgresBindings()
        let (conditions, inSwift) = try Self.conditions(unpaged, binds: &binds)
        if inSwift {
            var count = 0
            try forEachRecord(unpaged) { _ in count += 1 }
            return count
        }
        var sql = "SELECT count(*) FROM \(PostGISSQL.identifier(query.layer.name))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        return Int(try rows(sql, binds).first?.decode(Int64.self) ?? 0)
    }

    /// The features of `layer` with these ids, in the order of `ids` (unknown ids left out).
    public func records(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        var byID: [String: FeatureRecord] = [:]
        try forEachRecord(ExportQuery(layer: layer, ids: ids)) { record in
            if byID[record.id] == nil { byID[record.id] = record }
        }
        return ids.compactMap { byID[$0] }
    }
}

extension PostGISDatabase {
    /// PostgreSQL's plan for the selection of `query` (one line per plan node), with sequential
    /// scans discouraged (`SET LOCAL enable_seqscan = off`, in a transaction of its own): shows
    /// that the GiST index can drive a bounding-box search, which the planner would otherwise
    /// skip on a small table.
    public func queryPlan(_ query: ExportQuery) throws -> [String] {
        let selection = try Self.selection(query)
        let sql = "EXPLAIN " + selection.sql
        let binds = selection.binds
        return try transaction { connection in
            _ = try await connection.rows("SET LOCAL enable_seqscan = off")
            return try await connection.rows(sql, binds).map { try $0.decode(String.self) }
        }
    }
}
