@testable import Geodesy
import Testing
import QamtuTestSupport

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
}
