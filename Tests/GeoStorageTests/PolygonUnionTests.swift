import Foundation
import GeoModel
import GeoStorage
import Geodesy
import Testing

@Suite("Polygon union")
struct PolygonUnionTests {
    static func box(_ west: Double, _ south: Double, _ east: Double, _ north: Double) -> [[GeoPoint]] {
        [[GeoPoint(longitude: west, latitude: south), GeoPoint(longitude: east, latitude: south),
          GeoPoint(longitude: east, latitude: north), GeoPoint(longitude: west, latitude: north),
          GeoPoint(longitude: west, latitude: south)]]
    }

    @Test func overlappingPolygonsBecomeOneCounterClockwiseRing() throws {
        let union = try PolygonUnion()
        let result = try union.union(of: [Self.box(71.0, 43.0, 71.2, 43.2), Self.box(71.1, 43.1, 71.3, 43.3)])
        guard case .polygon(let rings)? = result.geometry else {
            Issue.record("expected a Polygon, got \(String(describing: result.geometry))")
            return
        }
        #expect(rings.count == 1)
        #expect(Geometry.signedArea(rings[0]) > 0)
        #expect(rings[0].first == rings[0].last)
        let corners = Set(rings[0].map { "\($0.longitude) \($0.latitude)" })
        #expect(corners == ["71.0 43.0", "71.2 43.0", "71.2 43.1", "71.3 43.1", "71.3 43.3", "71.1 43.3", "71.1 43.2", "71.0 43.2"])
        // Planar area 0.07 square degrees. Ellipsoidal area of this ring (geodesic edges) by
        // geographiclib 2.1 (Geodesic.WGS84.Polygon): 632 573 743.542 m²; SpatiaLite agrees to 10⁻⁶.
        #expect(abs(Geometry.signedArea(rings[0]) - 0.07) < 1e-12)
        #expect(abs(result.areaSquareMeters - 632_573_743.542) / 632_573_743.542 < 1e-6, "\(result.areaSquareMeters)")
    }

    @Test func disjointPolygonsStaySeparateAndHolesAreClockwise() throws {
        let union = try PolygonUnion()
        // A frame of four boxes leaves a hole in the middle; a fifth box lies apart.
        let frame = [Self.box(0, 0, 3, 1), Self.box(0, 2, 3, 3), Self.box(0, 0, 1, 3), Self.box(2, 0, 3, 3)]
        let result = try union.union(of: frame + [Self.box(10, 10, 11, 11)])
        guard case .multiPolygon(let polygons)? = result.geometry else {
            Issue.record("expected a MultiPolygon, got \(String(describing: result.geometry))")
            return
        }
        #expect(polygons.count == 2)
        let framed = try #require(polygons.first { $0.count == 2 })
        #expect(Geometry.signedArea(framed[0]) == 9)
        #expect(Geometry.signedArea(framed[1]) == -1)
        #expect(try union.union(of: []).geometry == nil)
    }

    @Test func snapsToTheOutputGrid() throws {
        let union = try PolygonUnion()
        let result = try union.union(of: [Self.box(71.000_000_04, 43.0, 71.2, 43.200_000_3)], gridDegrees: 1e-6)
        var positions: [GeoPoint] = []
        result.geometry?.forEachPosition { positions.append($0) }
        #expect(!positions.isEmpty)
        for p in positions {
            #expect(abs(p.longitude * 1e6 - (p.longitude * 1e6).rounded()) < 1e-6)
            #expect(abs(p.latitude * 1e6 - (p.latitude * 1e6).rounded()) < 1e-6)
        }
    }

    /// Several groups at once come back in their order; a failing group is named in the error.
    @Test func unionsOfGroupsKeepTheirOrderAndNameFailures() throws {
        let groups = [[Self.box(0, 0, 1, 1)], [Self.box(10, 10, 12, 11), Self.box(11, 10, 13, 11)], [Self.box(5, 5, 6, 6)]]
        let results = try PolygonUnion.unions(of: groups, names: ["a", "b", "c"])
        let areas = results.map { result -> Double in
            var total = 0.0
            if case .polygon(let rings)? = result.geometry { total = Geometry.signedArea(rings[0]) }
            return total
        }
        #expect(areas == [1, 3, 1])
        // A ring that is not closed makes GEOS fail; the error names the group.
        let open = [[[GeoPoint(longitude: 0, latitude: 0), GeoPoint(longitude: 1, latitude: 0), GeoPoint(longitude: 1, latitude: 1)]]]
        do {
            _ = try PolygonUnion.unions(of: [[Self.box(0, 0, 1, 1)], open], names: ["fine", "Broken 4G"])
            Issue.record("expected an error")
        } catch let error as StorageError {
            #expect(error.description.hasPrefix("SpatiaLite: Broken 4G: "), "\(error)")
        }
    }
}
