import Foundation
import Geodesy
import Testing
import QamtuTestSupport

/// Direct problem and `GeodesicLine`.
@Suite("Geodesic direct problem")
struct GeodesicDirectTests {
    /// The worked example of the direct problem in Karney (2013), "Algorithms for
    /// geodesics", section 3: φ1 = 40°, α1 = 30°, s12 = 10 000 km gives
    /// φ2 = 41.79331020506°, λ12 = 137.84490004377°, α2 = 149.09016931807°.
    /// Tolerance: the printed digits.
    @Test func karneyDirectExample() {
        let (p, azimuth) = GeodesicLine(start: lonLat(0, 40), azimuthDegrees: 30)
            .positionAndAzimuth(atDistanceMeters: 10_000_000)
        #expect(abs(p.latitude - 41.79331020506) <= 0.5e-11)
        #expect(abs(p.longitude - 137.84490004377) <= 0.5e-11)
        #expect(abs(azimuth - 149.09016931807) <= 0.5e-11)
    }

    /// GeodTest.dat lines (see `GeodesicInverseTests.geodTest`) solved as direct
    /// problems: position within 1e-8 m, azimuth within 1e-12°.
    @Test func geodTestLines() {
        for f in rows(GeodesicInverseTests.geodTest) {
            let start = lonLat(number(f[1]), number(f[0]))
            let (p, azimuth) = GeodesicLine(start: start, azimuthDegrees: number(f[2]))
                .positionAndAzimuth(atDistanceMeters: number(f[6]))
            let expected = lonLat(number(f[4]), number(f[3]))
            #expect(Geodesic.distanceMeters(p, expected) <= 1e-8, "\(f)")
            #expect(angularDifference(azimuth, number(f[5])) <= 1e-12, "\(f)")
        }
    }

    /// Published GeodSolve regression cases (GeographicLib 2.1 `test_geodesic.py`) with
    /// their tolerances.
    @Test func geodSolveRegressionCases() {
        // GeodSolve1: JFK towards Paris.
        var (p, azimuth) = GeodesicLine(start: lonLat(-73.77888889, 40.63972222), azimuthDegrees: 53.5)
            .positionAndAzimuth(atDistanceMeters: 5850e3)
        #expect(abs(p.latitude - 49.01467) <= 0.5e-5)
        #expect(abs(p.longitude - 2.56106) <= 0.5e-5)
        #expect(abs(azimuth - 111.62947) <= 0.5e-5)
        // GeodSolve5: due north to the pole.
        (p, azimuth) = GeodesicLine(start: lonLat(30, 0.01777745589997), azimuthDegrees: 0)
            .positionAndAzimuth(atDistanceMeters: 10e6)
        #expect(abs(p.latitude - 90) <= 0.5e-5)
        if p.longitude < 0 {
            #expect(abs(p.longitude + 150) <= 0.5e-5)
            #expect(abs(abs(azimuth) - 180) <= 0.5e-5)
        } else {
            #expect(abs(p.longitude - 30) <= 0.5e-5)
            #expect(abs(azimuth) <= 0.5e-5)
        }
        // GeodSolve17 (without longitude unrolling): 20 000 km.
        (p, azimuth) = GeodesicLine(start: lonLat(-75, 40), azimuthDegrees: -10)
            .positionAndAzimuth(atDistanceMeters: 2e7)
        #expect(abs(p.latitude + 39) <= 1)
        #expect(abs(p.longitude - 105) <= 1)
        #expect(abs(azimuth + 170) <= 1)
        // GeodSolve61: a tiny negative azimuth goes west over the pole.
        (p, azimuth) = GeodesicLine(start: lonLat(0, 45), azimuthDegrees: -0.000000000000000003)
            .positionAndAzimuth(atDistanceMeters: 1e7)
        #expect(abs(p.latitude - 45.30632) <= 0.5e-5)
        #expect(abs(abs(p.longitude) - 180) <= 0.5e-5)
        #expect(abs(abs(azimuth) - 180) <= 0.5e-5)
    }

    /// Against GeographicLib 2.1 (GeodesyReferenceData.swift): 60 cases including
    /// starts at the poles and on the equator, cardinal azimuths, and distances from
    /// 1 cm to 40 000 km. Position within 1e-7 m; azimuth within 1e-9° away from the
    /// poles (where azimuths depend on the longitude convention).
    @Test func matchesGeographicLib() {
        let lines = rows(GeodesyReferenceData.direct)
        #expect(lines.count == 60)
        for f in lines {
            let start = lonLat(number(f[1]), number(f[0]))
            let (p, azimuth) = GeodesicLine(start: start, azimuthDegrees: number(f[2]))
                .positionAndAzimuth(atDistanceMeters: number(f[3]))
            let expected = lonLat(number(f[5]), number(f[4]))
            #expect(Geodesic.distanceMeters(p, expected) <= 1e-7, "\(f)")
            #expect(p.longitude >= -180 && p.longitude < 180)
            if abs(expected.latitude) < 89.9 {
                #expect(angularDifference(azimuth, number(f[6])) <= 1e-9, "\(f)")
            }
        }
    }

    /// Direct then inverse recovers the distance (within 1e-8 m + 1e-15 relative) and
    /// azimuth (within 1e-9° plus 1e-8 m of lateral position) on 3 000 random cases
    /// spread over distances from 1 mm to 19 000 km, polar starts and the antimeridian.
    /// (Degrees near 180 are quantised to 2.8e-14°, about 3 nm on the ground, which
    /// bounds what can be expected for short lines.)
    @Test func roundTrip() {
        var rng = SplitMix64(seed: 3)
        for i in 0..<3000 {
            var start = rng.point()
            if i % 10 == 0 { start.latitude = rng.uniform(89.9, 89.999999) * (i % 20 == 0 ? 1 : -1) }
            if i % 10 == 1 { start.longitude = rng.uniform(179.9, 180) }
            let azimuth = rng.uniform(-180, 180)
            let distance = rng.logUniform(-3, log10(1.9e7))
            let end = Geodesic.destination(from: start, azimuthDegrees: azimuth, distanceMeters: distance)
            let r = Geodesic.inverse(start, end)
            #expect(abs(r.distanceMeters - distance) <= 1e-8 + 1e-15 * distance, "\(start) \(azimuth) \(distance)")
            let tolerance = 1e-9 + 1e-8 / distance * 180 / .pi
            #expect(angularDifference(r.initialAzimuthDegrees, azimuth) <= tolerance, "\(start) \(azimuth) \(distance)")
        }
    }

    /// One metre steps: exact to 1e-8 m (the coordinates themselves are quantised to
    /// about 3 nm near longitude 180°).
    @Test func oneMetre() {
        for (lat, azimuth) in [(0.0, 0.0), (0.0, 90.0), (45.0, 33.0), (-89.9, 270.0), (60.0, 180.0)] {
            let start = lonLat(179.9999999, lat)
            let end = Geodesic.destination(from: start, azimuthDegrees: azimuth, distanceMeters: 1)
            #expect(abs(Geodesic.distanceMeters(start, end) - 1) <= 1e-8)
        }
    }

    /// Stepping along a line: positions at 0, s and −s are consistent, and many steps
    /// add up (a 1 000 km line sampled every 10 km: successive samples 10 km apart within
    /// 1e-8 m).
    @Test func steppingAlongALine() {
        let line = GeodesicLine(start: lonLat(151.2, -33.9), azimuthDegrees: 120)
        #expect(Geodesic.distanceMeters(line.position(atDistanceMeters: 0), line.start) <= 1e-9)
        let back = line.position(atDistanceMeters: -5000)
        #expect(abs(Geodesic.distanceMeters(back, line.start) - 5000) <= 1e-8)
        var previous = line.start
        for k in 1...100 {
            let p = line.position(atDistanceMeters: Double(k) * 10_000)
            #expect(abs(Geodesic.distanceMeters(previous, p) - 10_000) <= 1e-8)
            previous = p
        }
    }

    /// Invalid input gives NaN coordinates.
    @Test func invalidInputGivesNaN() {
        let cases: [(GeoPoint, Double, Double)] = [
            (lonLat(0, 91), 0, 1000), (lonLat(0, .nan), 10, 1000), (lonLat(.infinity, 0), 10, 1000),
            (lonLat(10, 10), .nan, 1000), (lonLat(10, 10), 45, .nan), (lonLat(10, 10), 45, .infinity),
        ]
        for (start, azimuth, distance) in cases {
            let p = Geodesic.destination(from: start, azimuthDegrees: azimuth, distanceMeters: distance)
            #expect(p.latitude.isNaN || p.longitude.isNaN, "\(start) \(azimuth) \(distance)")
            #expect(!p.isValid)
        }
    }
}
