import Foundation
import Geodesy
import Testing

@Suite("GeoPoint and Ellipsoid")
struct GeoPointTests {
    @Test func validation() {
        #expect(lonLat(180, 90).isValid)
        #expect(lonLat(-540, -90).isValid)
        #expect(!lonLat(0, 90.0000001).isValid)
        #expect(!lonLat(0, .nan).isValid)
        #expect(!lonLat(.infinity, 0).isValid)
        #expect(GeoPoint(validatingLongitude: 10, latitude: 20) == lonLat(10, 20))
        #expect(GeoPoint(validatingLongitude: 10, latitude: -91) == nil)
        #expect(GeoPoint(validatingLongitude: .nan, latitude: 0) == nil)
    }

    @Test func normalization() {
        #expect(lonLat(180, 1).normalized.longitude == -180)
        #expect(lonLat(190, 1).normalized.longitude == -170)
        #expect(lonLat(-190, 1).normalized.longitude == 170)
        #expect(lonLat(720.25, 1).normalized.longitude == 0.25)
        #expect(lonLat(-0.0, 1).normalized == lonLat(0, 1))
        #expect(lonLat(3, 2).description == "(3.0, 2.0)")
    }

    /// WGS84 defining constants and derived values (NIMA TR8350.2, table 3.1/3.3).
    @Test func wgs84() {
        let e = Ellipsoid.wgs84
        #expect(e.equatorialRadiusMeters == 6_378_137)
        #expect(e.flattening == 1 / 298.257_223_563)
        #expect(abs(e.polarRadiusMeters - 6_356_752.3142) <= 1e-4)
        #expect(abs(e.eccentricitySquared - 6.694_379_990_14e-3) <= 1e-14)
        #expect(abs(e.secondEccentricitySquared - 6.739_496_742_28e-3) <= 1e-14)
        #expect(abs(e.minimumRadiusOfCurvatureMeters - 6_335_439.327) <= 1e-3)
        #expect(abs(e.maximumRadiusOfCurvatureMeters - 6_399_593.626) <= 1e-3)
        #expect(abs(e.thirdFlattening - 1.679_220_386_383_7e-3) <= 1e-15)
    }

    /// Cardinal directions and multiples of 90° are handled exactly.
    @Test func exactCardinalDirections() {
        let p = Geodesic.destination(from: lonLat(170, 0), azimuthDegrees: 90, distanceMeters: 0)
        #expect(p == lonLat(170, 0))
        let north = GeodesicLine(start: lonLat(25, 10), azimuthDegrees: 0)
            .positionAndAzimuth(atDistanceMeters: 100_000)
        #expect(north.point.longitude == 25)
        #expect(north.azimuthDegrees == 0)
        let east = GeodesicLine(start: lonLat(-10, 0), azimuthDegrees: 90)
            .positionAndAzimuth(atDistanceMeters: 1_000_000)
        #expect(east.point.latitude == 0)
        #expect(east.azimuthDegrees == 90)
    }
}
