import Foundation
import Geodesy
import Testing

@Suite("GeoPoint and Ellipsoid")
struct GeoPointTests {
    @Test func validation() {
        #expect(point(90, 180).isValid)
        #expect(point(-90, -540).isValid)
        #expect(!point(90.0000001, 0).isValid)
        #expect(!point(.nan, 0).isValid)
        #expect(!point(0, .infinity).isValid)
        #expect(GeoPoint(validatingLongitude: 10, latitude: 20) == point(20, 10))
        #expect(GeoPoint(validatingLongitude: 10, latitude: -91) == nil)
        #expect(GeoPoint(validatingLongitude: .nan, latitude: 0) == nil)
    }

    @Test func normalization() {
        #expect(point(1, 180).normalized.longitude == -180)
        #expect(point(1, 190).normalized.longitude == -170)
        #expect(point(1, -190).normalized.longitude == 170)
        #expect(point(1, 720.25).normalized.longitude == 0.25)
        #expect(point(1, -0.0).normalized == point(1, 0))
        #expect(point(2, 3).description == "(3.0, 2.0)")
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
        let p = Geodesic.destination(from: point(0, 170), azimuthDegrees: 90, distanceMeters: 0)
        #expect(p == point(0, 170))
        let north = GeodesicLine(start: point(10, 25), azimuthDegrees: 0)
            .positionAndAzimuth(atDistanceMeters: 100_000)
        #expect(north.point.longitude == 25)
        #expect(north.azimuthDegrees == 0)
        let east = GeodesicLine(start: point(0, -10), azimuthDegrees: 90)
            .positionAndAzimuth(atDistanceMeters: 1_000_000)
        #expect(east.point.latitude == 0)
        #expect(east.azimuthDegrees == 90)
    }
}
