@testable import Geodesy
import Testing
import QamtuTestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Angle helpers")
struct AngleMathTests {
    /// The quadrant found by comparisons is `rounded()` (halfway away from zero), also next to
    /// every halfway point, for signed zeros and beyond the compared range.
    @Test func nearestQuadrantEqualsRounded() {
        var values: [Double] = [0, -0.0, 4.5, -4.5, 5, 1e300, -1e300, .infinity, -.infinity]
        for k in -12...12 {
            let half = Double(k) / 2
            values += [half, half.nextUp, half.nextDown, half.nextUp.nextUp, half.nextDown.nextDown]
        }
        var rng = SplitMix64(seed: 5)
        for _ in 0..<100_000 { values.append(rng.uniform(-6, 6)) }
        for t in values {
            #expect(AngleMath.nearestQuadrant(t).bitPattern == t.rounded().bitPattern || (t == 0 && AngleMath.nearestQuadrant(t) == 0),
                    "\(t)")
        }
        #expect(AngleMath.nearestQuadrant(.nan).isNaN)
    }

    /// Multiples of 90° give exact zeros and ones.
    @Test func quarterTurnsAreExact() {
        for k in -8...8 {
            let (s, c) = AngleMath.sinCos(degrees: Double(k) * 90)
            let expected: (Double, Double) = [(0.0, 1.0), (1, 0), (0, -1), (-1, 0)][((k % 4) + 4) % 4]
            #expect(s == expected.0 && c == expected.1, "\(k * 90)°")
        }
    }

    /// The polynomial sine and cosine stay within 2e-16 of the exact values (Float80
    /// reference on x86-64) and within 2.5e-16 of the C library's, over random angles of every
    /// size, near the quadrant boundaries and at quarter turns (exact there).
    @Test func polynomialSinCosMatchesTheLibrary() {
        var values: [Double] = [0, -0.0, 45, -45, 45.0.nextUp, 45.0.nextDown, 1e-300, 5e-324, 89.999999, 180, 1e15, -1e15, 3e15]
        for k in -8...8 {
            let (s, c) = AngleMath.sinCosPolynomial(degrees: Double(k) * 90)
            let expected: (Double, Double) = [(0.0, 1.0), (1, 0), (0, -1), (-1, 0)][((k % 4) + 4) % 4]
            #expect(s == expected.0 && c == expected.1, "\(k * 90)°")
            values += [Double(k) * 45, (Double(k) * 45).nextUp, (Double(k) * 45).nextDown]
        }
        var rng = SplitMix64(seed: 11)
        for _ in 0..<200_000 { values.append(rng.uniform(-540, 540)) }
        for _ in 0..<20_000 { values.append(rng.uniform(-1e-6, 1e-6)) }
        var worstLibrary = 0.0, worstExact = 0.0
        for x in values {
            let (s, c) = AngleMath.sinCosPolynomial(degrees: x)
            let (ls, lc) = AngleMath.sinCos(degrees: x)
            worstLibrary = max(worstLibrary, abs(s - ls), abs(c - lc))
            #if arch(x86_64) && os(Linux)
            // The same exact reduction, then the angle in radians as the polynomial sees it.
            let q = AngleMath.nearestQuadrant(x.truncatingRemainder(dividingBy: 360) / 90)
            let r = Float80((x.truncatingRemainder(dividingBy: 360) - q * 90) * AngleMath.radiansPerDegree)
            var (es, ec) = (sinl(r), cosl(r))
            switch Int(q) & 3 {
            case 1: (es, ec) = (ec, -es)
            case 2: (es, ec) = (-es, -ec)
            case 3: (es, ec) = (-ec, es)
            default: break
            }
            worstExact = max(worstExact, Double(abs(Float80(s) - es)), Double(abs(Float80(c) - ec)))
            #endif
        }
        #expect(worstLibrary <= 2.5e-16, "largest difference from the C library \(worstLibrary)")
        #expect(worstExact <= 2e-16, "largest error \(worstExact)")
        #expect(AngleMath.sinCosPolynomial(degrees: .nan).sin.isNaN)
        #expect(AngleMath.sinCosPolynomial(degrees: .infinity).cos.isNaN)
    }

    /// Earth-centred coordinates from the polynomial stay within 5e-9 m of those from the C
    /// library: far inside the 1e-6 m that the chord bounds allow.
    @Test func earthCenteredCoordinatesAgreeWithTheLibrary() {
        var rng = SplitMix64(seed: 12)
        var worst = 0.0
        for _ in 0..<100_000 {
            let p = GeoPoint(longitude: rng.uniform(-180, 180), latitude: rng.uniform(-90, 90))
            let e = EarthCenteredPoint(p)
            let (sp, cp) = AngleMath.sinCos(degrees: p.latitude)
            let (sl, cl) = AngleMath.sinCos(degrees: p.longitude)
            let n = WGS84.a / (1 - WGS84.e2 * sp * sp).squareRoot()
            let reference = (n * cp * cl, n * cp * sl, n * (1 - WGS84.e2) * sp)
            worst = max(worst, abs(e.x - reference.0), abs(e.y - reference.1), abs(e.z - reference.2))
        }
        #expect(worst <= 5e-9, "largest difference \(worst) m")
    }
}
