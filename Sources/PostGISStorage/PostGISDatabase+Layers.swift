import GeoModel
import Geodesy
import PostgresNIO

extension PostGISDatabase {
    /// Every feature of `layer` as an id and its name columns' values (in the layer's
    /// ``LayerSchema/nameColumns`` order), in `fid` order; for settlements also the population,
    /// the kind and whether the district is a known district (what name matching ranks by).
    public func nameRows(_ layer: LayerSchema) throws -> [(id: String, names: [String?], population: Int64?, kind: String?, inRegion: Bool)] {
        let columns = layer.nameColumns.map(PostGISSQL.identifier).joined(separator: ", ")
        let isSettlements = layer.name == LayerSchema.settlements.name
        let extra = isSettlements
            ? ", population, kind, district IS NOT NULL AND district IN (SELECT id FROM districts)"
            : ""
        var out: [(id: String, names: [String?], population: Int64?, kind: String?, inRegion: Bool)] = []
        let count = layer.nameColumns.count
        try stream("SELECT id, \(columns)\(extra) FROM \(PostGISSQL.identifier(layer.name)) ORDER BY fid") { rows in
            for row in rows {
                let cells = Array(row)
                let names = try (1...count).map { try cells[$0].decode(String?.self) }
                if isSettlements {
                    out.append((try cells[0].decode(String.self), names, try cells[count + 1].decode(Int64?.self),
                                try cells[count + 2].decode(String?.self), try cells[count + 3].decode(Bool?.self) ?? false))
                } else {
                    out.append((try cells[0].decode(String.self), names, nil, nil, false))
                }
            }
        }
        return out
    }

    /// Every feature of a point layer as id, name (nil for a layer without a `name` column) and
    /// position (EPSG:4326 degrees; nil without a point), in `fid` order.
    public func pointRows(_ layer: LayerSchema) throws -> [(id: String, name: String?, position: GeoPoint?)] {
        let name = layer.columnIndex("name") != nil ? "name" : "NULL::text"
        var out: [(id: String, name: String?, position: GeoPoint?)] = []
        try stream("SELECT id, \(name), ST_X(geom), ST_Y(geom) FROM \(PostGISSQL.identifier(layer.name)) ORDER BY fid") { rows in
            for row in rows {
                let (id, name, longitude, latitude) = try row.decode((String, String?, Double?, Double?).self)
                let position = longitude.flatMap { lon in latitude.map { GeoPoint(longitude: lon, latitude: $0) } }
                out.append((id, name, position))
            }
        }
        return out
    }

    /// The box of every geometry of `layer` (EPSG:4326 degrees), or nil when the layer has no
    /// features with a geometry or its geometry is derived.
    ///
    /// The exact bounds are rounded outwards to single precision as SQLite's R*Tree rounds them
    /// (`rtreeValueDown` / `rtreeValueUp` in SQLite's rtree.c), so that the box is the one the
    /// SpatiaLite store reports for the same data.
    public func extent(_ layer: LayerSchema) throws -> BoundingBox? {
        guard layer.geometryType != nil, !layer.geometryIsDerived else { return nil }
        let sql = """
            SELECT min(ST_XMin(geom::box3d)), min(ST_YMin(geom::box3d)), max(ST_XMax(geom::box3d)), max(ST_YMax(geom::box3d))
            FROM \(PostGISSQL.identifier(layer.name))
            """
        guard let row = try rows(sql).first else { return nil }
        let (minLon, minLat, maxLon, maxLat) = try row.decode((Double?, Double?, Double?, Double?).self)
        guard let minLon, let minLat, let maxLon, let maxLat else { return nil }
        return BoundingBox(minLongitude: Self.roundedDown(minLon), minLatitude: Self.roundedDown(minLat),
                           maxLongitude: Self.roundedUp(maxLon), maxLatitude: Self.roundedUp(maxLat))
    }

    /// SQLite's R*Tree lower bound of `value` in single precision.
    static func roundedDown(_ value: Double) -> Double {
        var f = Float(value)
        if Double(f) > value { f = Float(value * (value < 0 ? 1 + 1 / 8_388_608.0 : 1 - 1 / 8_388_608.0)) }
        return Double(f)
    }

    /// SQLite's R*Tree upper bound of `value` in single precision.
    static func roundedUp(_ value: Double) -> Double {
        var f = Float(value)
        if Double(f) < value { f = Float(value * (value < 0 ? 1 - 1 / 8_388_608.0 : 1 + 1 / 8_388_608.0)) }
        return Double(f)
    }

    /// The number of features of every layer, in the layers' order.
    public func layerCounts() throws -> [(layer: String, count: Int)] {
        let sql = LayerSchema.all.map { "(SELECT count(*) FROM \(PostGISSQL.identifier($0.name)))" }.joined(separator: ", ")
        guard let row = try rows("SELECT " + sql).first else { return [] }
        let counts = try row.map { try $0.decode(Int64.self) }
        return zip(LayerSchema.all, counts).map { ($0.name, Int($1)) }
    }

    /// The change token: the change counter, which every Qamtu write bumps in its transaction,
    /// plus the notices of the layers' triggers received since this database was opened
    /// (``ChangeListener``), which also follow other programs' edits (QGIS, ogr2ogr, psql). It
    /// moves only after a change has committed. The first call starts listening.
    public func changeCounter() throws -> Int64 {
        try listener.start(location)
        let counter = try rows("SELECT counter FROM qamtu_changes WHERE id = 1").first?.decode(Int64.self) ?? 0
        return counter &+ listener.notices
    }
}
