import Foundation
import Geodesy
import Testing
import QamtuTestSupport

/// Inverse problem against published reference data.
@Suite("Geodesic inverse problem")
struct GeodesicInverseTests {
    /// Twenty lines of GeodTest.dat, C. F. F. Karney's test set for geodesics on WGS84
    /// (https://doi.org/10.5281/zenodo.32156), as reproduced in GeographicLib's own test
    /// suite (`test_geodesic.py`, `GeodesicTest.testcases`). Columns: lat1 lon1 azi1 lat2
    /// lon2 azi2 s12 (degrees, metres). The data set is exact to about 1e-15 m.
    static let geodTest = """
        35.60777 -139.44815 111.098748429560326 -11.17491 -69.95921 129.289270889708762 8935244.5604818305
        55.52454 106.05087 22.020059880982801 77.03196 197.18234 109.112041110671519 4105086.1713924406
        -21.97856 142.59065 -32.44456876433189 41.84138 98.56635 -41.84359951440466 8394328.894657671
        -66.99028 112.2363 173.73491240878403 -12.70631 285.90344 2.512956620913668 11150344.2312080241
        -17.42761 173.34268 -159.033557661192928 -15.84784 5.93557 -20.787484651536988 16076603.1631180673
        32.84994 48.28919 150.492927788121982 -56.28556 202.29132 48.113449399816759 16727068.9438164461
        6.96833 52.74123 92.581585386317712 -7.39675 206.17291 90.721692165923907 17102477.2496958388
        -50.56724 -16.30485 -105.439679907590164 -33.56571 -94.97412 -47.348547835650331 6455670.5118668696
        -58.93002 -8.90775 140.965397902500679 -8.91104 133.13503 19.255429433416599 11756066.0219864627
        -68.82867 -74.28391 93.774347763114881 -50.63005 -8.36685 34.65564085411343 3956936.926063544
        -10.62672 -32.0898 -86.426713286747751 5.883 -134.31681 -80.473780971034875 11470869.3864563009
        -21.76221 166.90563 29.319421206936428 48.72884 213.97627 43.508671946410168 9098627.3986554915
        -19.79938 -174.47484 71.167275780171533 -11.99349 -154.35109 65.589099775199228 2319004.8601169389
        -11.95887 -116.94513 92.712619830452549 4.57352 7.16501 78.64960934409585 13834722.5801401374
        -87.85331 85.66836 -65.120313040242748 66.48646 16.09921 -4.888658719272296 17286615.3147144645
        1.74708 128.32011 -101.584843631173858 -11.16617 11.87109 -86.325793296437476 12942901.1241347408
        -25.72959 -144.90758 -153.647468693117198 -57.70581 -269.17879 -48.343983158876487 9413446.7452453107
        -41.22777 122.32875 14.285113402275739 -7.57291 130.37946 10.805303085187369 3812686.035106021
        11.01307 138.25278 79.43682622782374 6.62726 247.05981 103.708090215522657 11911190.819018408
        -29.47124 95.14681 -163.779130441688382 -27.46601 -69.15955 -15.909335945554969 13487015.8381145492
        """

    /// Distance within 2e-8 m (20 nm), azimuths within 1e-12° of GeodTest.dat.
    @Test func geodTestLines() {
        let lines = rows(Self.geodTest)
        #expect(lines.count == 20)
        for f in lines {
            let a = lonLat(number(f[1]), number(f[0]))
            let b = lonLat(number(f[4]), number(f[3]))
            let r = Geodesic.inverse(a, b)
            #expect(abs(r.distanceMeters - number(f[6])) <= 2e-8, "\(f)")
            #expect(angularDifference(r.initialAzimuthDegrees, number(f[2])) <= 1e-12, "\(f)")
            #expect(angularDifference(r.finalAzimuthDegrees, number(f[5])) <= 1e-12, "\(f)")
            #expect(Geodesic.distanceMeters(a, b) == r.distanceMeters)
        }
    }

    /// The nearly antipodal worked example of Karney (2013), "Algorithms for geodesics",
    /// section 5: φ1 = −30°, φ2 = 29.9°, λ12 = 179.8° gives s12 = 19 989 832.827610 m,
    /// α1 = 161.890524736°, α2 = 18.090737246°. Tolerance: the printed digits.
    @Test func karneyNearlyAntipodalExample() {
        let r = Geodesic.inverse(lonLat(0, -30), lonLat(179.8, 29.9))
        #expect(abs(r.distanceMeters - 19_989_832.827610) <= 0.5e-6)
        #expect(abs(r.initialAzimuthDegrees - 161.890524736) <= 0.5e-9)
        #expect(abs(r.finalAzimuthDegrees - 18.090737246) <= 0.5e-9)
    }

    /// Published regression cases of GeographicLib's GeodSolve tests (`test_geodesic.py`,
    /// GeographicLib 2.1), with their published tolerances.
    @Test func geodSolveRegressionCases() {
        // GeodSolve0: JFK to Paris CDG.
        var r = Geodesic.inverse(lonLat(-73.8, 40.6), lonLat(2.55, 49.01666667))
        #expect(abs(r.initialAzimuthDegrees - 53.47022) <= 0.5e-5)
        #expect(abs(r.finalAzimuthDegrees - 111.59367) <= 0.5e-5)
        #expect(abs(r.distanceMeters - 5_853_226) <= 0.5)
        // GeodSolve4: a 7 cm line (short-line bug of 2010).
        r = Geodesic.inverse(lonLat(0, 36.493349428792), lonLat(0.0000008, 36.49334942879201))
        #expect(abs(r.distanceMeters - 0.072) <= 0.5e-3)
        // GeodSolve6, 9, 10, 11: nearly antipodal with β2 = −β1 (bugs of 2011).
        let antipodal: [(Double, Double, Double, Double)] = [
            (88.202499451857, -88.202499451857, 179.981022032992859592, 20_003_898.214),
            (89.262080389218, -89.262080389218, 179.992207982775375662, 20_003_925.854),
            (89.333123580033, -89.333123580032997687, 179.99295812360148422, 20_003_926.881),
            (56.320923501171, -56.320923501171, 179.664747671772880215, 19_993_558.287),
            (52.784459512564, -52.784459512563990912, 179.634407464943777557, 19_991_596.095),
            (48.522876735459, -48.52287673545898293, 179.599720456223079643, 19_989_144.774),
        ]
        for (lat1, lat2, lon2, s12) in antipodal {
            let d = Geodesic.distanceMeters(lonLat(0, lat1), lonLat(lon2, lat2))
            #expect(abs(d - s12) <= 0.5e-3, "\(lat1) \(lat2) \(lon2)")
        }
        // GeodSolve33: points on the equator, up to and beyond (1 − f)·180°.
        r = Geodesic.inverse(lonLat(0, 0), lonLat(179, 0))
        #expect(abs(r.initialAzimuthDegrees - 90) <= 0.5e-5)
        #expect(abs(r.finalAzimuthDegrees - 90) <= 0.5e-5)
        #expect(abs(r.distanceMeters - 19_926_189) <= 0.5)
        r = Geodesic.inverse(lonLat(0, 0), lonLat(179.5, 0))
        #expect(abs(r.initialAzimuthDegrees - 55.96650) <= 0.5e-5)
        #expect(abs(r.finalAzimuthDegrees - 124.03350) <= 0.5e-5)
        #expect(abs(r.distanceMeters - 19_980_862) <= 0.5)
        r = Geodesic.inverse(lonLat(0, 0), lonLat(180, 0))
        #expect(abs(r.initialAzimuthDegrees) <= 0.5e-5)
        #expect(abs(abs(r.finalAzimuthDegrees) - 180) <= 0.5e-5)
        #expect(abs(r.distanceMeters - 20_003_931) <= 0.5)
        r = Geodesic.inverse(lonLat(0, 0), lonLat(180, 1))
        #expect(abs(r.initialAzimuthDegrees) <= 0.5e-5)
        #expect(abs(abs(r.finalAzimuthDegrees) - 180) <= 0.5e-5)
        #expect(abs(r.distanceMeters - 19_893_357) <= 0.5)
        // GeodSolve29: longitudes outside [-180, 180] (539° ≡ 179°, 181° ≡ −179°).
        #expect(abs(Geodesic.distanceMeters(lonLat(539, 0), lonLat(181, 0)) - 222_639) <= 0.5)
        // GeodSolve59: longitudes 180° apart but for 1e-14°.
        r = Geodesic.inverse(lonLat(0.00000000000001, 5), lonLat(180, 10))
        #expect(abs(r.initialAzimuthDegrees - 0.000000000000035) <= 1.5e-14)
        #expect(abs(r.finalAzimuthDegrees - 179.99999999999996) <= 1.5e-14)
        #expect(abs(r.distanceMeters - 18_345_191.174332713) <= 5e-9)
    }

    static let categories = [
        "global", "short", "antipodal", "polar", "equatorial", "antimeridian", "medium",
    ]

    /// Against GeographicLib 2.1 (see GeodesyReferenceData.swift) by category.
    /// Distance within 1e-7 m. Azimuths within 1e-9° plus the ill-conditioning of
    /// short lines (1e-7 m of lateral position at the far end), and within 1e-8° for
    /// nearly antipodal points, where the azimuth is ill-conditioned but the distance is
    /// not. Worst differences seen: 1.1e-8 m and 5e-10°.
    @Test(arguments: categories)
    func matchesGeographicLib(category: String) {
        let lines = rows(GeodesyReferenceData.inverse).filter { $0[0] == category }
        #expect(lines.count >= 30)
        for f in lines {
            let a = lonLat(number(f[2]), number(f[1]))
            let b = lonLat(number(f[4]), number(f[3]))
            let expected = number(f[5])
            let r = Geodesic.inverse(a, b)
            #expect(abs(r.distanceMeters - expected) <= 1e-7, "\(f)")
            let lateral = 1e-7 / max(expected, 1e-12) * 180 / .pi
            let tolerance = (category == "antipodal" ? 1e-8 : 1e-9) + lateral
            #expect(angularDifference(r.initialAzimuthDegrees, number(f[6])) <= tolerance, "\(f)")
            #expect(angularDifference(r.finalAzimuthDegrees, number(f[7])) <= tolerance, "\(f)")
        }
    }

    /// Special configurations with known exact answers. Pole to pole is twice the
    /// quarter meridian (10 001 965.729 m, a WGS84 constant); the equatorial distance is
    /// a·Δλ. Tolerance 1e-8 m.
    @Test func polesAndEquator() {
        let poleToPole = Geodesic.inverse(lonLat(0, -90), lonLat(0, 90))
        #expect(abs(poleToPole.distanceMeters - 20_003_931.458_625) <= 1e-6)
        #expect(poleToPole.initialAzimuthDegrees == 0)
        // Any longitudes: the poles are single points.
        #expect(abs(Geodesic.distanceMeters(lonLat(33, 90), lonLat(-77, -90)) - poleToPole.distanceMeters) <= 1e-8)
        #expect(Geodesic.distanceMeters(lonLat(0, 90), lonLat(45, 90)) == 0)
        // Along the equator: exactly a·Δλ, due east.
        let equator = Geodesic.inverse(lonLat(-10, 0), lonLat(20, 0))
        #expect(abs(equator.distanceMeters - 6_378_137 * 30 * .pi / 180) <= 1e-8)
        #expect(equator.initialAzimuthDegrees == 90)
        #expect(equator.finalAzimuthDegrees == 90)
        // Along a meridian over the pole.
        let overPole = Geodesic.inverse(lonLat(0, 80), lonLat(180, 80))
        #expect(overPole.initialAzimuthDegrees == 0)
        #expect(abs(overPole.finalAzimuthDegrees) == 180)
    }

    /// Coincident points: distance exactly 0.
    @Test func coincidentPoints() {
        for p in [lonLat(0, 0), lonLat(-120.25, 45.5), lonLat(10, -90), lonLat(180, 89.999)] {
            #expect(Geodesic.distanceMeters(p, p) == 0)
        }
        // The same place written with longitudes 360° apart.
        #expect(Geodesic.distanceMeters(lonLat(-180, 10), lonLat(180, 10)) == 0)
    }

    /// Swapping the ends gives the same distance (within 1e-9 m) and reversed
    /// azimuths (within 1e-11°), on 2 000 random pairs.
    @Test func symmetryUnderSwap() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let a = rng.point()
            let b = rng.point()
            let ab = Geodesic.inverse(a, b)
            let ba = Geodesic.inverse(b, a)
            #expect(abs(ab.distanceMeters - ba.distanceMeters) <= 1e-9)
            #expect(angularDifference(ab.initialAzimuthDegrees, ba.finalAzimuthDegrees + 180) <= 1e-11)
            #expect(angularDifference(ab.finalAzimuthDegrees, ba.initialAzimuthDegrees + 180) <= 1e-11)
        }
    }

    /// The triangle inequality holds (to 1e-6 m) on 2 000 random triples, including
    /// nearly antipodal ones: a sign that every solution is the shortest geodesic.
    @Test func triangleInequality() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<2000 {
            let a = rng.point()
            let b = rng.point()
            let c = rng.uniform(0, 1) < 0.5
                ? rng.point()
                : lonLat(a.longitude + 180 + rng.uniform(-1, 1), -a.latitude + rng.uniform(-1, 1))
            let ab = Geodesic.distanceMeters(a, b)
            let bc = Geodesic.distanceMeters(b, c)
            let ac = Geodesic.distanceMeters(a, c)
            #expect(ac <= ab + bc + 1e-6)
        }
    }

    /// Invalid input gives NaN rather than trapping (cf. GeodSolve14 and GeodSolve55).
    @Test func invalidInputGivesNaN() {
        let bad = [
            lonLat(0, .nan), lonLat(.nan, 0), lonLat(0, 90.000001), lonLat(0, -91),
            lonLat(.infinity, 0), lonLat(0, .infinity),
        ]
        for p in bad {
            #expect(Geodesic.distanceMeters(p, lonLat(10, 10)).isNaN)
            #expect(Geodesic.distanceMeters(lonLat(10, 10), p).isNaN)
            let r = Geodesic.inverse(lonLat(90, 0), p)
            #expect(r.distanceMeters.isNaN)
            #expect(r.initialAzimuthDegrees.isNaN)
            #expect(r.finalAzimuthDegrees.isNaN)
        }
    }
}
