import Foundation
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing
@testable import VectorTiles

@Suite struct VectorTilesTests {
    @Test func tileCoordinatesOutsideTheMatrixAreRefused() throws {
        #expect(throws: VectorTileError.self) { try TileCoordinate(z: 25, x: 0, y: 0) }
        #expect(throws: VectorTileError.self) { try TileCoordinate(z: 2, x: 4, y: 0) }
        #expect(throws: VectorTileError.self) { try TileCoordinate(z: 2, x: 0, y: -1) }
        let tile = try TileCoordinate(z: 3, x: 5, y: 2)
        #expect(tile.tmsRow == 5)
    }

    @Test func pointsProjectToTheirTileUnits() throws {
        // (0°, 0°) is the corner shared by the four tiles of zoom 1.
        let projection = TileProjection(tile: try TileCoordinate(z: 1, x: 1, y: 1))
        #expect(projection.point(GeoPoint(longitude: 0, latitude: 0)) == TilePoint(x: 0, y: 0))
        // 90° E is a quarter of the world east: half a zoom-1 tile.
        #expect(projection.point(GeoPoint(longitude: 90, latitude: 0)) == TilePoint(x: 2048, y: 0))
        // Taraz at zoom 12: x = (71.3797+180)/360·4096·4096 − 2860·4096.
        let taraz = GeoPoint(longitude: 71.379678, latitude: 42.903399)
        let wx = (taraz.longitude + 180) / 360 * 4096
        let wy = WebMercator.worldY(latitude: taraz.latitude) * 4096
        let z12 = TileProjection(tile: try TileCoordinate(z: 12, x: Int(wx), y: Int(wy)))
        let expectedX = (wx - floor(wx)) * 4096
        let p = try #require(z12.point(taraz))
        #expect(abs(Double(p.x) - expectedX) <= 0.5)
        #expect(abs(Double(p.y) - (wy - floor(wy)) * 4096) <= 0.5)
    }

    @Test func pointsOutsideTheBufferedTileOrBeyondMercatorAreDropped() throws {
        let projection = TileProjection(tile: try TileCoordinate(z: 1, x: 1, y: 0))
        // 64 units of buffer west of 0° at zoom 1: 64/8192 of 360° = 2.8125°.
        #expect(projection.point(GeoPoint(longitude: -2.8, latitude: 10))?.x == -64)
        #expect(projection.point(GeoPoint(longitude: -2.9, latitude: 10)) == nil)
        let top = TileProjection(tile: try TileCoordinate(z: 0, x: 0, y: 0))
        // y = (1 − asinh(tan 85°)/π)/2 · 4096 = 6.72 units below the square's top.
        #expect(top.point(GeoPoint(longitude: 10, latitude: 85.0))?.y == 7)
        #expect(top.point(GeoPoint(longitude: 10, latitude: 85.06)) == nil)
    }

    @Test func theBufferOfTheFirstColumnReachesAcrossTheAntimeridian() throws {
        let tile = try TileCoordinate(z: 4, x: 0, y: 7)
        let projection = TileProjection(tile: tile)
        // A point 0.01° west of 180° E is 0.01/22.5·4096 ≈ 1.8 units west of this tile's edge.
        let p = try #require(projection.point(GeoPoint(longitude: 179.99, latitude: 5)))
        #expect(p.x == -2)
        let box = projection.queryBox
        #expect(box.crossesAntimeridian)
        #expect(abs(box.minLongitude - (180 - 22.5 * 64 / 4096)) < 1e-9)
        // And the last column's buffer holds a point just east of 180° W.
        let last = TileProjection(tile: try TileCoordinate(z: 4, x: 15, y: 7))
        #expect(last.point(GeoPoint(longitude: -179.99, latitude: 5))?.x == 4098)
    }

    @Test func aConcavePolygonLeavingAndReenteringTheTileGivesValidPolygons() throws {
        // A U open to the north (tile units, y down): arms from y = 0 to 1000, base from 1000 to 1200.
        func p(_ x: Double, _ y: Double) -> PlanePoint { PlanePoint(x: x, y: y) }
        let ring = [p(100, 1200), p(900, 1200), p(900, 0), p(700, 0), p(700, 1000), p(300, 1000), p(300, 0), p(100, 0)]
        // The rectangle cuts both arms: one polygon, the U below y = 500, with no bridge along
        // the cut (Sutherland–Hodgman would join the arms' tops along y = 500).
        let clipped = PolygonClipper.clip([ring], to: ClipRectangle(minX: 0, minY: 500, maxX: 4096, maxY: 4096))
        #expect(clipped.count == 1)
        let shell = try #require(clipped.first?.first)
        #expect(PolygonClipper.signedArea(shell) > 0)
        #expect(abs(PolygonClipper.signedArea(shell) - (2 * 200 * 500 + 800 * 200)) < 1e-3)
        #expect(shell.count == 8)
        #expect(PolygonValidity.isValid(clipped.map { $0.map { $0.map(\.rounded) } }))

        // Cutting through the arms only: two separate polygons, each valid.
        let arms = PolygonClipper.clip([ring], to: ClipRectangle(minX: 0, minY: 200, maxX: 4096, maxY: 900))
        #expect(arms.count == 2)
        for arm in arms {
            #expect(abs(PolygonClipper.signedArea(arm[0]) - 200 * 700) < 1e-3)
        }
        #expect(PolygonValidity.isValid(arms.map { $0.map { $0.map(\.rounded) } }))
        // A bow tie is not valid.
        let bowTie = [TilePoint(x: 0, y: 0), TilePoint(x: 10, y: 10), TilePoint(x: 10, y: 0), TilePoint(x: 0, y: 10)]
        #expect(!PolygonValidity.isValid([[bowTie]]))
    }

    @Test func aTileInsideAPolygonIsTheWholeBufferedTileAndHolesStay() throws {
        let rect = ClipRectangle(minX: -64, minY: -64, maxX: 4160, maxY: 4160)
        let shell = [PlanePoint(x: -1000, y: -1000), PlanePoint(x: 9000, y: -1000), PlanePoint(x: 9000, y: 9000), PlanePoint(x: -1000, y: 9000)]
        let hole = [PlanePoint(x: 100, y: 100), PlanePoint(x: 100, y: 200), PlanePoint(x: 200, y: 200), PlanePoint(x: 200, y: 100)]
        let clipped = PolygonClipper.clip([shell, hole], to: rect)
        #expect(clipped.count == 1)
        #expect(clipped[0].count == 2)
        #expect(abs(PolygonClipper.signedArea(clipped[0][0]) - 4224 * 4224) < 1e-6)
        #expect(PolygonClipper.signedArea(clipped[0][1]) == -10_000)
        // A hole crossing the boundary becomes a notch of the exterior ring.
        let crossing = [PlanePoint(x: -500, y: 100), PlanePoint(x: -500, y: 200), PlanePoint(x: 200, y: 200), PlanePoint(x: 200, y: 100)]
        let notched = PolygonClipper.clip([shell, crossing], to: rect)
        #expect(notched.count == 1 && notched[0].count == 1)
        #expect(abs(PolygonClipper.signedArea(notched[0][0]) - (4224.0 * 4224 - 264 * 100)) < 1e-6)
        #expect(PolygonValidity.isValid(notched.map { $0.map { $0.map(\.rounded) } }))
    }

    @Test func encodedTilesDecodeWithTypedPropertiesAndWinding() throws {
        let tile = try TileCoordinate(z: 10, x: 715, y: 376)
        let projection = TileProjection(tile: tile)
        var layer = VectorTileLayer(name: "sites")
        let box = projection.queryBox
        let inside = GeoPoint(longitude: (box.minLongitude + box.maxLongitude) / 2, latitude: (box.minLatitude + box.maxLatitude) / 2)
        let point = try #require(projection.geometry(.point(inside)))
        layer.add(point, properties: [("id", .string("s-1")), ("height_m", .double(30.5)), ("planned_year", .integer(2025)),
                                      ("ok", .bool(true)), ("delta", .integer(-3))], id: 7)
        let square = Geometry.polygon([[GeoPoint(longitude: box.minLongitude - 1, latitude: box.minLatitude - 1),
                                        GeoPoint(longitude: box.maxLongitude + 1, latitude: box.minLatitude - 1),
                                        GeoPoint(longitude: box.maxLongitude + 1, latitude: box.maxLatitude + 1),
                                        GeoPoint(longitude: box.minLongitude - 1, latitude: box.maxLatitude + 1),
                                        GeoPoint(longitude: box.minLongitude - 1, latitude: box.minLatitude - 1)]])
        var districts = VectorTileLayer(name: "districts")
        districts.add(try #require(projection.geometry(square)), properties: [("id", .string("d"))])
        let bytes = VectorTile(layers: [layer, districts, VectorTileLayer(name: "empty")]).encoded()
        let decoded = try TileDecoder.layers(bytes)
        #expect(decoded.map(\.name) == ["sites", "districts"])
        let site = try #require(decoded.first?.features.first)
        #expect(decoded[0].version == 2 && decoded[0].extent == 4096)
        #expect(site.id == 7 && site.type == 1)
        #expect(site.properties["planned_year"] == .integer(2025))
        #expect(site.properties["delta"] == .integer(-3))
        #expect(site.properties["height_m"] == .double(30.5))
        #expect(site.properties["ok"] == .bool(true))
        #expect(site.parts == [[try #require(projection.point(inside))]])
        let ring = try #require(decoded[1].features.first?.parts.first)
        // The buffered tile, clockwise on screen: positive surveyor's area.
        #expect(RingSimplifier.doubleArea(ring) == 2 * 4224 * 4224)
        #expect(VectorTile(layers: [VectorTileLayer(name: "empty")]).encoded().isEmpty)
    }

    @Test func linesAreClippedIntoPartsAndSimplified() throws {
        let tile = try TileCoordinate(z: 0, x: 0, y: 0)
        let projection = TileProjection(tile: tile)
        // A line along the equator from 170° E eastwards across nothing (no wrap), and one that
        // leaves the world square north of 85.05° is clipped at the buffer.
        let line = Geometry.lineString([GeoPoint(longitude: -10, latitude: 0), GeoPoint(longitude: 0, latitude: 0.0001),
                                        GeoPoint(longitude: 10, latitude: 0)])
        guard case .lines(let parts)? = projection.geometry(line) else {
            Issue.record("no line")
            return
        }
        // The middle vertex is 0.0001° off the straight line: well under one unit, simplified away.
        #expect(parts == [[TilePoint(x: 1934, y: 2048), TilePoint(x: 2162, y: 2048)]])
        let zoomed = TileProjection(tile: try TileCoordinate(z: 8, x: 128, y: 127))
        let crossing = Geometry.lineString([GeoPoint(longitude: 0.5, latitude: -5), GeoPoint(longitude: 0.5, latitude: 5)])
        guard case .lines(let clipped)? = zoomed.geometry(crossing) else {
            Issue.record("no clipped line")
            return
        }
        #expect(clipped.count == 1)
        #expect(clipped[0].map(\.y) == [4160, -64])
    }

    @Test func gzipRoundTrips() throws {
        let input = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 % 251) }
        let data = try #require(Gzip.compress(input))
        #expect(data.prefix(2) == [0x1f, 0x8b])
        #expect(Gzip.decompress(data) == input)
        #expect(Gzip.decompress([0x1f, 0x8b, 1, 2, 3]) == nil)
    }

    @Test func pointsExactlyOnTheBufferedTilesEdgesAreInItFromTheIndexToo() throws {
        // Zoom 1, tile (0, 0): 8,192 units round the world. 2.8125° E is exactly 4,160 units
        // east (the east edge of the buffer), 177.1875° E exactly 64 units west across 180° (the
        // west edge); both exact in binary. The buffered tile is closed: both belong to it.
        let tile = try TileCoordinate(z: 1, x: 0, y: 0)
        let projection = TileProjection(tile: tile)
        let east = GeoPoint(longitude: 2.8125, latitude: 30)
        let west = GeoPoint(longitude: 177.1875, latitude: 30)
        #expect(projection.point(east)?.x == 4160)
        #expect(projection.point(west)?.x == -64)
        var builder = PointTileIndex.Builder(name: "sites", keys: ["id"])
        builder.add(east, properties: [(0, .string("east"))])
        builder.add(west, properties: [(0, .string("west"))])
        builder.add(GeoPoint(longitude: 2.82, latitude: 30), properties: [(0, .string("outside"))])
        let layers = try TileDecoder.layers(VectorTile(layers: [builder.build().tileLayer(projection)]).encoded())
        let ids = Set(layers.first?.features.compactMap { $0.properties["id"] } ?? [])
        #expect(ids == [.string("east"), .string("west")])
    }

    @Test func theIndexMapKeepsEveryEntryAcrossGrowth() {
        var map = IndexMap(capacity: 2)
        var reference: [UInt32: UInt32] = [:]
        var state: UInt64 = 42
        for i in 0..<5_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let key = UInt32(truncatingIfNeeded: state >> 33) % 100_000
            if reference[key] == nil {
                map.insert(key, UInt32(i))
                reference[key] = UInt32(i)
            }
        }
        #expect(map.count == reference.count)
        for key in UInt32(0)..<100_000 { #expect(map.value(key) == reference[key]) }
    }

    @Test func aPointIndexTileEqualsTheTileOfItsPointsOneByOne() throws {
        // The same points, encoded through the index and through the generic path.
        var builder = PointTileIndex.Builder(name: "sites", keys: ["id", "operator", "height_m"])
        var state: UInt64 = 7
        var points: [(GeoPoint, [(Int, TileValue)])] = []
        for i in 0..<3_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let lon = 70 + Double(state >> 40) / Double(1 << 24) * 4
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let lat = 42 + Double(state >> 40) / Double(1 << 24) * 3
            let properties: [(Int, TileValue)] = [(0, .string("s\(i)")), (1, .string(["Kcell", "Beeline", "Tele2"][i % 3])),
                                                  (2, .double(Double(i % 7) * 5))]
            points.append((GeoPoint(longitude: lon, latitude: lat), properties))
            builder.add(GeoPoint(longitude: lon, latitude: lat), properties: properties)
        }
        let index = builder.build()
        for z in [5, 7, 9] {
            for tile in TileCoordinate.tiles(covering: BoundingBox(minLongitude: 70, minLatitude: 42, maxLongitude: 74, maxLatitude: 45), zoom: z) {
                let projection = TileProjection(tile: tile)
                let fromIndex = try TileDecoder.layers(VectorTile(layers: [index.tileLayer(projection)]).encoded())
                var expected: [String: TilePoint] = [:]
                for (point, properties) in points {
                    guard let p = projection.point(point), case .string(let id) = properties[0].1 else { continue }
                    expected[id] = p
                }
                var found: [String: TilePoint] = [:]
                for feature in fromIndex.first?.features ?? [] {
                    guard case .string(let id)? = feature.properties["id"] else { continue }
                    found[id] = feature.parts.first?.first
                    #expect(feature.properties.count == 3)
                }
                #expect(found == expected, "tile \(tile)")
            }
        }
    }
}
