import Foundation
import GRDB
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing
import VectorTiles

/// `Portal.exportTiles` (MBTiles 1.3) and `Portal.tile` on both stores.
@Suite struct TileExportTests {
    @Test(arguments: StoreKind.allCases)
    func anExportHoldsEveryNonEmptyTileWithItsMetadata(_ kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let path = folder.path("fixture.mbtiles")
        let layers: [LayerSchema] = [.districts, .roads, .settlements, .sites]
        let report = try portal.exportTiles(TileExportRequest(layers: layers, zooms: 6...10, path: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        let queue = try DatabaseQueue(path: path)
        let metadata = try queue.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM metadata").map {
                ($0["name"] as String, $0["value"] as String)
            })
        }
        #expect(metadata["format"] == "pbf")
        #expect(metadata["name"] == "fixture")
        #expect(metadata["minzoom"] == "6" && metadata["maxzoom"] == "10")
        // The layers' extent: districts 70.5–73° E, 42.8–44° N (single-precision index bounds).
        let bounds = try #require(metadata["bounds"]).split(separator: ",").compactMap { Double($0) }
        for (value, expected) in zip(bounds, [70.5, 42.8, 73.0, 44.0]) { #expect(abs(value - expected) < 1e-5) }
        let json = try #require(metadata["json"])
        #expect(json.contains("\"vector_layers\":[{\"id\":\"districts\""))
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY zoom_level, tile_column, tile_row")
        }
        #expect(rows.count == report.tiles)
        #expect(report.tiles > 0 && report.tilesVisited >= report.tiles)
        var expectedCount = 0
        for z in 6...10 {
            for tile in TileCoordinate.tiles(covering: BoundingBox(minLongitude: 70.5, minLatitude: 42.8, maxLongitude: 73, maxLatitude: 44), zoom: z)
            where !(try portal.tile(tile, layers: layers)).isEmpty {
                expectedCount += 1
            }
        }
        #expect(rows.count == expectedCount)
        for row in rows {
            let z: Int = row["zoom_level"]
            let x: Int = row["tile_column"]
            let tmsRow: Int = row["tile_row"]
            let data: Data = row["tile_data"]
            // gzip'd, rows counted from the south (TMS), the same bytes as the server's tile.
            #expect(data.prefix(2) == Data([0x1f, 0x8b]))
            let tile = try TileCoordinate(z: z, x: x, y: (1 << z) - 1 - tmsRow)
            #expect(Gzip.decompress(Array(data)) == (try portal.tile(tile, layers: layers)))
        }
    }

    @Test func pointsOfATileAreTheLayersPointsInTheBufferedTile() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.spatiaLite, in: folder)
        let sites = try portal.store.features(ExportQuery(layer: .sites))
        for z in [6, 9, 12] {
            for tile in TileCoordinate.tiles(covering: BoundingBox(minLongitude: 70.5, minLatitude: 42.8, maxLongitude: 73, maxLatitude: 44), zoom: z) {
                let projection = TileProjection(tile: tile)
                var expected: [String: TilePoint] = [:]
                for site in sites {
                    guard case .point(let p)? = site.geometry else { continue }
                    // The buffered tile in tile units, from the projection's formula.
                    let size = Double(1 << z) * 4096
                    let x = (p.longitude + 180) / 360 * size - Double(tile.x * 4096)
                    let y = WebMercator.worldY(latitude: p.latitude) * size - Double(tile.y * 4096)
                    if x >= -64, x <= 4160, y >= -64, y <= 4160 { expected[site.id] = projection.point(p) }
                }
                let bytes = try portal.tile(tile, layers: [.sites])
                let features = bytes.isEmpty ? [] : try #require(try TileDecoder.layers(bytes).first).features
                var found: [String: TilePoint] = [:]
                for feature in features {
                    guard case .string(let id)? = feature.properties["id"] else { continue }
                    found[id] = feature.parts.first?.first
                }
                #expect(found == expected, "tile \(tile)")
            }
        }
    }

    @Test func zoomsOutsideTheMatrixSetAndLayersWithoutGeometryAreRefused() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.memory, in: folder)
        let path = folder.path("x.mbtiles")
        #expect(throws: PortalError.self) { try portal.exportTiles(TileExportRequest(layers: [.sites], zooms: 0...25, path: path)) }
        #expect(throws: PortalError.self) { try portal.exportTiles(TileExportRequest(layers: [.commitments], zooms: 0...2, path: path)) }
        #expect(throws: PortalError.self) { try portal.exportTiles(TileExportRequest(layers: [], zooms: 0...2, path: path)) }
        // Zooms 16–18 over 70.5–76° E, 42.8–47° N: 1.1, 4.3 and 17.3 million tiles, 22.7 million in all.
        #expect(throws: PortalError.self) {
            try portal.exportTiles(TileExportRequest(layers: [.sites], zooms: 16...18,
                                                     bbox: BoundingBox(minLongitude: 70.5, minLatitude: 42.8, maxLongitude: 76, maxLatitude: 47),
                                                     path: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }
}
