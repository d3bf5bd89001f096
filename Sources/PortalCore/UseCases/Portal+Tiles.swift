import Coverage
import GeoModel
import Geodesy
import VectorTiles

extension Portal {
    /// The stored layers that tiles draw, in drawing order (areas under lines under points):
    /// `commitments` has no geometry of its own and is left out.
    public static let tiledLayers: [LayerSchema] = [.districts, .roads, .settlements, .sites, .institutions]

    /// The Mapbox Vector Tile of `tile` with one MVT layer per stored layer of `layers` (named
    /// after it): every feature whose geometry reaches the buffered tile, with the layer's
    /// columns as typed properties (nulls left out; the text `id` kept as property `id`).
    /// - Returns: the encoded tile, empty when no layer has a feature there.
    /// - Throws: store errors.
    public func tile(_ tile: TileCoordinate, layers: [LayerSchema]) throws -> [UInt8] {
        let projection = TileProjection(tile: tile)
        var built: [VectorTileLayer] = []
        // One read of the change token for every point layer of the tile.
        var token: Int64?
        for layer in layers where layer.geometryType != nil && !layer.geometryIsDerived {
            if layer.geometryType == .point {
                let current = try token ?? store.changeToken()
                token = current
                built.append(try pointIndex(layer, token: current).tileLayer(projection))
                continue
            }
            var out = VectorTileLayer(name: layer.name)
            let keys = layer.columns.map { out.key($0.name) }
            var tags: [UInt32] = []
            try store.forEachFeature(ExportQuery(layer: layer, bbox: projection.queryBox), columns: layer.columns.map(\.name)) { record in
                guard let geometry = record.geometry, let shape = projection.geometry(geometry) else { return }
                tags.removeAll(keepingCapacity: true)
                for (k, value) in record.values.enumerated() {
                    guard let tileValue = Self.tileValue(value) else { continue }
                    tags.append(keys[k])
                    tags.append(out.value(tileValue))
                }
                out.add(shape, tags: tags)
            }
            built.append(out)
        }
        return VectorTile(layers: built).encoded()
    }

    /// The tile index of a point layer for the data of change token `token` (built on first use after
    /// a change, then shared by every tile): the points of a tile are found without a query.
    func pointIndex(_ layer: LayerSchema, token: Int64) throws -> PointTileIndex {
        try tileIndexes.index(layer.name, token: token) { try buildPointIndex(layer) }
    }

    /// A tile index of every point of `layer`, each with the layer's columns.
    func buildPointIndex(_ layer: LayerSchema) throws -> PointTileIndex {
        var builder = PointTileIndex.Builder(name: layer.name, keys: layer.columns.map(\.name))
        var properties: [(Int, TileValue)] = []
        try store.forEachFeature(ExportQuery(layer: layer), columns: layer.columns.map(\.name)) { record in
            guard case .point(let point)? = record.geometry else { return }
            properties.removeAll(keepingCapacity: true)
            for (k, value) in record.values.enumerated() {
                if let tileValue = Self.tileValue(value) { properties.append((k, tileValue)) }
            }
            builder.add(point, properties: properties)
        }
        return builder.build()
    }

    /// The tile of the settlements of a coverage result as layer `coverage`: each settlement's
    /// columns and its `class`, `best_fixed`, `best_mobile`, `satellite`, `nearest_site_id` and
    /// `nearest_site_m` (0.1 m), as `qamtu coverage` names them; `as_of` and `scenario` on each.
    public static func coverageTile(_ tile: TileCoordinate, result: CoverageResult) -> [UInt8] {
        let projection = TileProjection(tile: tile)
        var out = VectorTileLayer(name: "coverage")
        let columns = LayerSchema.settlements.columns
        let keys = columns.map { out.key($0.name) }
        let extra = ["class", "best_fixed", "best_mobile", "satellite", "nearest_site_id", "nearest_site_m", "as_of", "scenario"]
            .map { out.key($0) }
        let asOf = out.value(.integer(Int64(result.asOfYear)))
        let scenario = out.value(.string(result.scenario.rawValue))
        var tags: [UInt32] = []
        for entry in result.entries {
            let settlement = result.settlements[entry.settlement]
            guard let point = projection.point(settlement.position) else { continue }
            tags.removeAll(keepingCapacity: true)
            for (k, value) in settlement.record.values.enumerated() where k < keys.count {
                guard let tileValue = tileValue(value) else { continue }
                tags += [keys[k], out.value(tileValue)]
            }
            tags += [extra[0], out.value(.string(entry.coverageClass.rawValue))]
            if let fixed = entry.fixed?.technology { tags += [extra[1], out.value(.string(fixed))] }
            if let mobile = entry.bestMobile?.label { tags += [extra[2], out.value(.string(mobile))] }
            tags += [extra[3], out.value(.bool(entry.satelliteInstitutions > 0))]
            if let nearest = entry.nearestSite {
                tags += [extra[4], out.value(.string(result.engine.sites[nearest].id))]
            }
            if let meters = entry.nearestSiteMeters, meters.isFinite {
                tags += [extra[5], out.value(.double((meters * 10).rounded() / 10))]
            }
            tags += [extra[6], asOf, extra[7], scenario]
            out.add(.points([point]), tags: tags)
        }
        return VectorTile(layers: [out]).encoded()
    }

    /// The tile of coverage footprints as layer `footprints`: `id` (`Tele2 4G`), `operator`,
    /// `technology`, `sites` and `area_km2` (0.001 km²), as `qamtu coverage footprints` names them.
    public static func footprintTile(_ tile: TileCoordinate, footprints: [CoverageFootprint]) -> [UInt8] {
        let projection = TileProjection(tile: tile)
        var out = VectorTileLayer(name: "footprints")
        for footprint in footprints {
            guard let shape = projection.geometry(footprint.geometry) else { continue }
            var properties: [(String, TileValue)] = [("id", .string(footprint.group.label))]
            if let name = footprint.group.operatorName { properties.append(("operator", .string(name))) }
            properties += [("technology", .string(footprint.group.technology.label)),
                           ("sites", .integer(Int64(footprint.group.siteCount))),
                           ("area_km2", .double((footprint.areaSquareMeters / 1e3).rounded() / 1e3))]
            out.add(shape, properties: properties)
        }
        return VectorTile(layers: [out]).encoded()
    }

    /// A stored value as a tile value; nil for null.
    static func tileValue(_ value: FieldValue) -> TileValue? {
        switch value {
        case .null: nil
        case .integer(let i): .integer(i)
        case .real(let d): d.isFinite ? .double(d) : nil
        case .text(let s): .string(s)
        }
    }
}
