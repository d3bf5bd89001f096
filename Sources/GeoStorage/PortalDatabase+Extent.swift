import GRDB
import GeoModel
import Geodesy

extension PortalDatabase {
    /// The box of every geometry of `layer` (EPSG:4326 degrees) from its spatial index, or nil
    /// when the layer has no geometry or no features. The R*Tree stores single-precision
    /// bounds rounded outwards, so the box may exceed the data by a few metres.
    public func extent(_ layer: LayerSchema) throws -> BoundingBox? {
        guard layer.geometryType != nil, !layer.geometryIsDerived else { return nil }
        let index = SQL.identifier("idx_\(layer.name)_geom")
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM \(index)"),
                  let minLon = row[0] as Double?, let minLat = row[1] as Double?,
                  let maxLon = row[2] as Double?, let maxLat = row[3] as Double?
            else { return nil }
            return BoundingBox(minLongitude: minLon, minLatitude: minLat, maxLongitude: maxLon, maxLatitude: maxLat)
        }
    }
}
