import Foundation
import Geodesy
import Testing
import QamtuTestSupport

/// `Geodesic.lowerBoundDistanceMeters` must never exceed the exact distance.
@Suite("Distance lower bound")
struct LowerBoundTests {
    /// Pairs of many kinds: global, short (1 mm – 100 km), near the poles, across the
    /// antimeridian, nearly antipodal and along the equator and meridians.
    static func pairs(count: Int, seed: UInt64) -> [(GeoPoint, GeoPoint)] {
        var rng = SplitMix64(seed: seed)
        var result: [(GeoPoint, GeoPoint)] = []
        for i in 0..<count {
            let a = rng.point()
            let b: GeoPoint
            switch i % 7 {
            case 0:
                b = rng.point()
            case 1:
                b = Geodesic.destination(
                    from: a, azimuthDegrees: rng.uniform(-180, 180), distanceMeters: rng.logUniform(-3, 5))
            case 2:
                let pole = rng.uniform(0, 1) < 0.5 ? 1.0 : -1.0
                let near = lonLat(rng.uniform(-180, 180), pole * (90 - rng.logUniform(-7, 0.5)))
                result.append((near, lonLat(rng.uniform(-180, 180), pole * (90 - rng.logUniform(-7, 1)))))
                continue
            case 3:
                result.append((
                    lonLat(180 - rng.logUniform(-8, 0), a.latitude),
                    lonLat(-180 + rng.logUniform(-8, 0), a.latitude + rng.uniform(-0.5, 0.5))))
                continue
            case 4:
                b = lonLat(a.longitude + 180 + rng.uniform(-1, 1), -a.latitude + rng.uniform(-1, 1))
            case 5:
                b = lonLat(rng.uniform(-180, 180), 0)
                result.append((lonLat(a.longitude, 0), b))
                continue
            default:
                // Meridional near the equator, where the chord is tightest.
                b = lonLat(a.longitude, a.latitude * 1e-3 + rng.logUniform(-5, 0))
                result.append((lonLat(a.longitude, a.latitude * 1e-3), b))
                continue
            }
            result.append((a, b))
        }
        return result
    }

    /// 14 000 pairs: bound ≤ exact distance, always; and not needlessly loose (at least
    /// 99 % of the distance, and within 1.1e-5 relative + 2e-6 m below 100 km).
    @Test func neverExceedsTheDistance() {
        var checked = 0
        for (a, b) in Self.pairs(count: 14_000, seed: 2024) {
            let exact = Geodesic.distanceMeters(a, b)
            let bound = Geodesic.lowerBoundDistanceMeters(a, b)
            let boundECEF = Geodesic.lowerBoundDistanceMeters(EarthCenteredPoint(a), EarthCenteredPoint(b))
            #expect(bound <= exact, "\(a) \(b) \(bound) > \(exact)")
            #expect(boundECEF <= exact, "\(a) \(b) \(boundECEF) > \(exact)")
            #expect(EarthCenteredPoint(a).chordMeters(to: EarthCenteredPoint(b)) <= exact + 1e-7)
            #expect(bound >= 0.99 * exact - 1e-6, "\(a) \(b)")
            if exact < 100_000 {
                #expect(bound >= exact * (1 - 1.1e-5) - 2e-6, "\(a) \(b)")
            }
            // The two ways of computing the bound agree to rounding (1e-6 m).
            #expect(abs(bound - boundECEF) <= 1e-6 + 1e-12 * exact)
            checked += 1
        }
        #expect(checked == 14_000)
    }

    @Test func edgeCases() {
        #expect(Geodesic.lowerBoundDistanceMeters(lonLat(10, 10), lonLat(10, 10)) == 0)
        #expect(Geodesic.lowerBoundDistanceMeters(lonLat(0, 91), lonLat(0, 0)).isNaN)
        #expect(Geodesic.lowerBoundDistanceMeters(lonLat(.nan, 0), lonLat(0, 0)).isNaN)
        let nanPoint = EarthCenteredPoint(x: .nan, y: 0, z: 0)
        #expect(Geodesic.lowerBoundDistanceMeters(nanPoint, EarthCenteredPoint(lonLat(0, 0))).isNaN)
        // Antipodes: the bound is πb, below the true distance (πb < 20 003 931 m).
        let antipodal = Geodesic.lowerBoundDistanceMeters(lonLat(0, 0), lonLat(180, 0))
        #expect(abs(antipodal - Double.pi * 6_356_752.314_245) <= 1e-3)
    }

    /// Earth-centred coordinates of known points (exact to 1e-9 m).
    @Test func earthCenteredCoordinates() {
        let origin = EarthCenteredPoint(lonLat(0, 0))
        #expect(origin == EarthCenteredPoint(x: 6_378_137, y: 0, z: 0))
        let east = EarthCenteredPoint(lonLat(90, 0))
        #expect(abs(east.y - 6_378_137) <= 1e-9 && east.x == 0)
        let north = EarthCenteredPoint(lonLat(0, 90))
        #expect(abs(north.z - 6_356_752.314_245_18) <= 1e-6 && north.x == 0)
    }
}
