import GeoModel
import Geodesy
@testable import PostGISStorage
import Testing

/// Geometries through (E)WKB unchanged, bit for bit.
@Suite("Well-Known Binary")
struct WKBTests {
    static let p = GeoPoint(longitude: 71.366_668_1, latitude: 42.900_000_000_000_006)

    @Test(arguments: [
        Geometry.point(p),
        .multiPoint([p, GeoPoint(longitude: -179.999_999, latitude: -89.5)]),
        .lineString([p, GeoPoint(longitude: 71.4, latitude: 43.1)]),
        .multiLineString([[p, GeoPoint(longitude: 71.4, latitude: 43.1)], [GeoPoint(longitude: 0.1, latitude: 0.2), p]]),
        .polygon([[GeoPoint(longitude: 0, latitude: 0), GeoPoint(longitude: 1, latitude: 0), GeoPoint(longitude: 1, latitude: 1),
                   GeoPoint(longitude: 0, latitude: 0)]]),
        .multiPolygon([[[GeoPoint(longitude: 0, latitude: 0), GeoPoint(longitude: 1e-9, latitude: 0), GeoPoint(longitude: 0, latitude: 1e-9),
                         GeoPoint(longitude: 0, latitude: 0)]]]),
    ])
    func roundTripsExactly(geometry: Geometry) throws {
        let bytes = WKB.encode(geometry)
        // EWKB: little endian, the SRID flag and 4326.
        #expect(bytes[0] == 1)
        #expect(bytes[4] & 0x20 == 0x20)
        #expect(Array(bytes[5..<9]) == [0xE6, 0x10, 0, 0])
        #expect(try WKB.decode(bytes) == geometry)
    }

    @Test func readsBigEndianWKB() throws {
        // POINT(1 2) big endian, as another writer might send it.
        let bytes: [UInt8] = [0, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]
        #expect(try WKB.decode(bytes) == .point(GeoPoint(longitude: 1, latitude: 2)))
    }

    @Test func rejectsTruncatedAndThreeDimensionalGeometries() {
        let point = WKB.encode(.point(Self.p))
        #expect(throws: WKB.DecodingError.self) { try WKB.decode(point.dropLast()) }
        #expect(throws: WKB.DecodingError.self) { try WKB.decode(point + [0]) }
        // POINT Z (ISO 1001).
        var z = point
        z.replaceSubrange(1..<5, with: [0xE9, 0x03, 0, 0])
        #expect(throws: WKB.DecodingError.self) { try WKB.decode(z) }
        // A collection (type 7) is not a layer geometry.
        #expect(throws: WKB.DecodingError.self) { try WKB.decode([1, 7, 0, 0, 0, 0, 0, 0, 0]) }
    }

    @Test func roundsBoundsOutwardsAsSQLitesRTree() {
        for value in [71.366_668_1, -42.900_000_000_000_006, 0.1, -179.999_999, 1e-9] {
            let down = PostGISDatabase.roundedDown(value), up = PostGISDatabase.roundedUp(value)
            #expect(down <= value && up >= value)
            #expect(Double(Float(down)) == down && Double(Float(up)) == up)
            #expect(up - down < 2e-5 * max(1, abs(value)))
        }
        #expect(PostGISDatabase.roundedDown(1) == 1 && PostGISDatabase.roundedUp(1) == 1)
    }
}
