import Foundation
import Geodesy
import GeoModel
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PortalCore
@testable import QamtuServer
import QamtuTestSupport
import Testing
import VectorTiles

/// OGC API – Tiles over the server fixture (six sites, two settlements, one district).
@Suite struct TilesAPITests {
    /// The tile of zoom `z` that holds (lon, lat), as z/row/column.
    static func path(_ z: Int, lon: Double, lat: Double) -> (z: Int, y: Int, x: Int) {
        let size = Double(1 << z)
        return (z, Int(WebMercator.worldY(latitude: lat) * size), Int(WebMercator.worldX(longitude: lon) * size))
    }

    static func decode(_ response: TestResponse) throws -> [TileDecoder.Layer] {
        try TileDecoder.layers(Array(response.body.readableBytesView))
    }

    @Test func aTileHoldsTheLayersFeaturesWithTypedProperties() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let t = Self.path(10, lon: 71.37, lat: 42.91)
            let response = try await client.execute(uri: "/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == TilesAPI.mvtType)
            #expect(response.headers[.eTag] != nil)
            let layers = try Self.decode(response)
            // Taraz 3G (t3) and t4 are 0.01° apart, in one zoom-10 tile with the settlement Taraz;
            // the district ends at 71.2° E, west of this tile and its buffer.
            let sites = try #require(layers.first { $0.name == "sites" })
            #expect(Set(sites.features.compactMap { $0.properties["id"] }) == [.string("t3"), .string("t4")])
            let t3 = try #require(sites.features.first { $0.properties["id"] == .string("t3") })
            #expect(t3.properties["range_m"] == .double(8000))
            #expect(t3.properties["operator"] == .string("Kcell"))
            #expect(t3.properties["planned_year"] == nil)
            #expect(t3.type == 1)
            // Its position within one unit of the projection.
            let projection = TileProjection(tile: try TileCoordinate(z: t.z, x: t.x, y: t.y))
            let expected = try #require(projection.point(GeoPoint(longitude: 71.37, latitude: 42.91)))
            #expect(t3.parts == [[expected]])
            let settlements = try #require(layers.first { $0.name == "settlements" })
            let taraz = try #require(settlements.features.first)
            #expect(taraz.properties["population"] == .integer(300_000))
            #expect(taraz.properties["name_kk"] == .string("Тараз"))
            #expect(!layers.contains { $0.name == "districts" })
        }
    }

    @Test func collectionTilesHoldOneLayerAndPolygonsAreWoundClockwise() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            // The district (70.5–71.2° E, 42.8–43.5° N) lies whole inside the zoom-6 tile of its centre.
            let t = Self.path(6, lon: 70.85, lat: 43.15)
            let response = try await client.execute(uri: "/collections/districts/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)", method: .get)
            #expect(response.status == .ok)
            let layers = try Self.decode(response)
            #expect(layers.map(\.name) == ["districts"])
            let district = try #require(layers.first?.features.first)
            #expect(district.type == 3)
            #expect(district.properties["id"] == .string("d1"))
            let ring = try #require(district.parts.first)
            var area: Int64 = 0
            for i in ring.indices {
                let a = ring[i], b = ring[(i + 1) % ring.count]
                area += Int64(a.x) * Int64(b.y) - Int64(b.x) * Int64(a.y)
            }
            // Exterior ring: positive surveyor's area in tile space (clockwise on screen). The
            // district is 0.7° wide: 0.7/5.625·4096 ≈ 510 units.
            #expect(area > 0)
            #expect(ring.count == 4)
        }
    }

    @Test func emptyTilesAnswer204AndBadTilesAnOGCException() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let empty = try await client.execute(uri: "/tiles/WebMercatorQuad/10/0/0", method: .get)
            #expect(empty.status == .noContent)
            #expect(empty.body.readableBytes == 0)
            for (uri, status) in [("/tiles/WebMercatorQuad/3/8/0", HTTPResponse.Status.notFound),
                                  ("/tiles/WebMercatorQuad/25/0/0", .notFound),
                                  ("/tiles/WebMercatorQuad/x/0/0", .badRequest),
                                  ("/tiles/WebMercatorQuad/3/-1/0", .badRequest),
                                  ("/tiles/WorldCRS84Quad/3/0/0", .notFound),
                                  ("/collections/commitments/tiles/WebMercatorQuad/3/0/0", .notFound),
                                  ("/collections/nothing/tiles", .notFound),
                                  ("/tiles/WebMercatorQuad/3/0/0?f=png", .notAcceptable),
                                  ("/tiles/WebMercatorQuad/3/0/0?as-of=2025", .badRequest),
                                  ("/collections/coverage/tiles/WebMercatorQuad/3/0/0?as-of=20x", .badRequest),
                                  ("/collections/coverage/tiles?scenario=AAA", .badRequest),
                                  ("/collections/footprints/tiles?scenario=AAA", .badRequest),
                                  ("/collections/footprints/tiles/WebMercatorQuad?profile=standard", .badRequest),
                                  ("/collections/coverage/tiles/WebMercatorQuad?as-of=1800", .badRequest)] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == status, "\(uri)")
                #expect(try response.json()["code"] != nil, "\(uri)")
            }
        }
    }

    @Test func theBufferOfTheFirstColumnHoldsTheSiteAcrossTheAntimeridian() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            // t5 at 179.99° E: in the last column at zoom 8, and in the buffer of column 0
            // (0.01° is 0.01/1.40625·4096 ≈ 29 units west of its edge, within the 64 of buffer).
            let east = Self.path(8, lon: 179.99, lat: 65)
            let first = try await client.execute(uri: "/collections/sites/tiles/WebMercatorQuad/8/\(east.y)/0", method: .get)
            let ids = try Self.decode(first).first?.features.compactMap { $0.properties["id"] } ?? []
            #expect(Set(ids) == [.string("t5"), .string("t6")])
            let t5 = try #require(try Self.decode(first).first?.features.first { $0.properties["id"] == .string("t5") })
            #expect((-30 ... -28).contains(t5.parts[0][0].x))
        }
    }

    @Test func coverageTilesFollowTheYearAndScenario() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let t = Self.path(9, lon: 71.37, lat: 42.9)
            let uri = "/collections/coverage/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)"
            let now = try Self.decode(try await client.execute(uri: uri + "?as-of=2025&scenario=actual", method: .get))
            let taraz = try #require(now.first?.features.first { $0.properties["id"] == .string("s2") })
            #expect(now.first?.name == "coverage")
            #expect(taraz.properties["as_of"] == .integer(2025))
            #expect(taraz.properties["scenario"] == .string("actual"))
            // The same class as the coverage collection's item says.
            let item = try await client.execute(uri: "/collections/coverage/items/s2?as-of=2025&scenario=actual", method: .get)
            let properties = try #require(try item.json()["properties"] as? [String: Any])
            #expect(taraz.properties["class"] == .string(try #require(properties["class"] as? String)))
            #expect(taraz.properties["best_mobile"] == (properties["best_mobile"] as? String).map { .string($0) })
        }
    }

    @Test func tileJSONAndTilesetsDescribeTheTiles() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let tileJSON = try await client.execute(uri: "/collections/coverage/tiles/WebMercatorQuad?f=tilejson&as-of=2027", method: .get)
            #expect(tileJSON.status == .ok)
            let document = try tileJSON.json()
            #expect(document["tilejson"] as? String == "3.0.0")
            #expect(document["tiles"] as? [String]
                == ["http://qamtu.test/collections/coverage/tiles/WebMercatorQuad/{z}/{y}/{x}?as-of=2027"])
            #expect((document["vector_layers"] as? [[String: Any]])?.first?["id"] as? String == "coverage")
            let bounds = try #require(document["bounds"] as? [Double])
            // The settlements' extent (the spatial index rounds outwards to single precision: 1e-5°).
            #expect(bounds.count == 4)
            for (value, expected) in zip(bounds, [71.0, 42.9, 71.37, 43.0]) { #expect(abs(value - expected) < 1e-5) }
            let metadata = try await client.execute(uri: "/tiles/WebMercatorQuad", method: .get).json()
            #expect(metadata["tileMatrixSetURI"] as? String == TilesAPI.matrixSetURI)
            #expect(link(metadata, rel: "item") == "http://qamtu.test/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")
            let collection = try await client.execute(uri: "/collections/sites", method: .get).json()
            #expect(link(collection, rel: TilesAPI.tilesetsRelation) == "http://qamtu.test/collections/sites/tiles")
            let commitments = try await client.execute(uri: "/collections/commitments", method: .get).json()
            #expect(link(commitments, rel: TilesAPI.tilesetsRelation) == nil)
            let conformance = try await client.execute(uri: "/conformance", method: .get).json()
            #expect((conformance["conformsTo"] as? [String])?.contains("http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt") == true)
            let matrixSet = try await client.execute(uri: "/tileMatrixSets/WebMercatorQuad", method: .get).json()
            #expect((matrixSet["tileMatrices"] as? [Any])?.count == 25)
        }
    }

    /// A tile is answered from the cache while the data is unchanged, and made again after an
    /// import by another process: the tile cache never serves tiles of older data.
    @Test func aChangeOfTheDatabaseRenewsCachedTiles() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let t = Self.path(10, lon: 71.37, lat: 42.91)
            let uri = "/collections/sites/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)"
            let before = try await client.execute(uri: uri, method: .get)
            #expect(try Self.decode(before).first?.features.count == 2)
            let tag = try #require(before.headers[.eTag])
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = tag
            #expect(try await client.execute(uri: uri, method: .get, headers: conditional).status == .notModified)
            let writer = Portal(store: try SpatiaLiteStore.open(at: fixture.path, readOnly: false))
            let more = "id,name,kind,operator,technologies,range_m,status,lon,lat\nt9,New mast,base_station,Kcell,4G,3000,operational,71.371,42.905\n"
            _ = try writer.importFeatures(ImportRequest(layer: .sites, path: try fixture.folder.write("more.csv", more)))
            let deadline = ContinuousClock.now + .seconds(5)
            var after = try await client.execute(uri: uri, method: .get, headers: conditional)
            while after.status == .notModified && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                after = try await client.execute(uri: uri, method: .get, headers: conditional)
            }
            #expect(after.status == .ok)
            #expect(try Self.decode(after).first?.features.count == 3)
        }
    }
}
