#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Angle helpers shared by the geodesic code. Angles in degrees unless a name says radians.
@usableFromInline
enum AngleMath {
    /// Radians per degree.
    @inlinable static var radiansPerDegree: Double { Double.pi / 180 }
    /// Degrees per radian.
    @inlinable static var degreesPerRadian: Double { 180 / Double.pi }

    /// Sine and cosine of `x + correction` degrees, where `correction` is a tiny term
    /// (such as the rounding error of a difference) that would be lost if added to `x`
    /// first. `x` is reduced exactly to `[-45°, 45°]` before the correction is added.
    @inlinable
    static func sinCos(degrees x: Double, correction: Double) -> (sin: Double, cos: Double) {
        guard abs(x) <= 1e15 else { return sinCos(degrees: x + correction) }
        let quadrant = nearestQuadrant(x / 90)
        let radians = ((x - quadrant * 90) + correction) * radiansPerDegree
        let s = sin(radians)
        let c = cos(radians)
        return rotated(s, c, quadrants: quadrant)
    }

    /// `t` rounded to the nearest integer, halfway cases away from zero (`t.rounded()`), by
    /// comparisons for the quarter turns of ±450° (longitudes, latitudes and their differences):
    /// `rounded()` is a library call on the baseline x86-64 target.
    @inlinable
    static func nearestQuadrant(_ t: Double) -> Double {
        guard abs(t) <= 4.5 else { return t.rounded() }
        let m = abs(t)
        let r: Double = m < 0.5 ? 0 : (m < 1.5 ? 1 : (m < 2.5 ? 2 : (m < 3.5 ? 3 : (m < 4.5 ? 4 : 5))))
        return t < 0 ? -r : r
    }

    /// `x` degrees as a whole number of quarter turns and the rest in `[-45°, 45°]`, converted to
    /// radians; nil for NaN or infinite `x`. The reduction is exact: `quadrants·90` is exact and,
    /// for `quadrants ≠ 0`, within a factor of two of `x` (Sterbenz' lemma); huge arguments are
    /// first reduced exactly modulo 360°.
    @inlinable
    static func reduced(degrees x: Double) -> (radians: Double, quadrants: Double)? {
        var y = x
        if !(abs(y) <= 1e15) {
            y = y.truncatingRemainder(dividingBy: 360)
            if y.isNaN { return nil }
        }
        let quadrants = nearestQuadrant(y / 90)
        return ((y - quadrants * 90) * radiansPerDegree, quadrants)
    }

    /// Sine and cosine of an angle `quadrants` quarter turns larger than the one whose sine is
    /// `s` and cosine `c` (adding 0 turns −0 into +0).
    @inlinable
    static func rotated(_ s: Double, _ c: Double, quadrants: Double) -> (sin: Double, cos: Double) {
        switch Int(quadrants) & 3 {
        case 0: return (s + 0, c + 0)
        case 1: return (c + 0, -s + 0)
        case 2: return (-s + 0, -c + 0)
        default: return (-c + 0, s + 0)
        }
    }

    /// Sine and cosine of an angle given in degrees.
    ///
    /// The argument is reduced exactly to `[-45°, 45°]` plus a whole number of quadrants
    /// before conversion to radians, so that multiples of 90° give exact zeros and ones
    /// (the meridian and equator special cases of the geodesic algorithms depend on
    /// that) and large arguments lose no accuracy. NaN or infinite input gives NaN.
    @inlinable
    static func sinCos(degrees x: Double) -> (sin: Double, cos: Double) {
        guard let (radians, quadrant) = reduced(degrees: x) else { return (.nan, .nan) }
        let s = sin(radians)
        let c = cos(radians)
        return rotated(s, c, quadrants: quadrant)
    }

    /// Sine and cosine of an angle in degrees by polynomials instead of the C library: about a
    /// fifth of the instructions of ``sinCos(degrees:)``, for code that converts millions of
    /// points to Earth-centred coordinates (``EarthCenteredPoint/init(_:)``).
    ///
    /// The argument is reduced exactly as in ``sinCos(degrees:)`` to `r` in `[-π/4, π/4]` radians
    /// plus whole quadrants, so multiples of 90° still give exact zeros and ones. On `r` the
    /// Taylor series are summed by Horner's rule up to `r¹⁷` (sine) and `r¹⁸` (cosine): the
    /// truncation error is below `(π/4)¹⁹ / 19! ≈ 8e-20`, and the rounding of the evaluation
    /// keeps both results within 2e-16 of the exact values (the tests compare with the C
    /// library over random and special angles). Not for the geodesic algorithms, which use
    /// ``sinCos(degrees:)``. NaN or infinite input gives NaN.
    @inlinable
    static func sinCosPolynomial(degrees x: Double) -> (sin: Double, cos: Double) {
        guard let (r, quadrant) = reduced(degrees: x) else { return (.nan, .nan) }
        let r2 = r * r
        // sin r = r − r³/3! + r⁵/5! − …; cos r = 1 − r²/2! + r⁴/4! − … (coefficients ±1/n!).
        var ps = -1.0 / 355_687_428_096_000           // −1/17!
        ps = ps * r2 + 1.0 / 1_307_674_368_000         // 1/15!
        ps = ps * r2 - 1.0 / 6_227_020_800             // −1/13!
        ps = ps * r2 + 1.0 / 39_916_800                // 1/11!
        ps = ps * r2 - 1.0 / 362_880                   // −1/9!
        ps = ps * r2 + 1.0 / 5_040                     // 1/7!
        ps = ps * r2 - 1.0 / 120                       // −1/5!
        ps = ps * r2 + 1.0 / 6                         // 1/3!
        let s = r - r * r2 * ps
        var pc = 1.0 / 6_402_373_705_728_000           // 1/18!
        pc = pc * r2 - 1.0 / 20_922_789_888_000        // −1/16!
        pc = pc * r2 + 1.0 / 87_178_291_200            // 1/14!
        pc = pc * r2 - 1.0 / 479_001_600               // −1/12!
        pc = pc * r2 + 1.0 / 3_628_800                 // 1/10!
        pc = pc * r2 - 1.0 / 40_320                    // −1/8!
        pc = pc * r2 + 1.0 / 720                       // 1/6!
        pc = pc * r2 - 1.0 / 24                        // −1/4!
        let half = 0.5 * r2
        let c = (1 - half) + r2 * r2 * (-pc)
        return rotated(s, c, quadrants: quadrant)
    }

    /// `atan2(y, x)` in degrees, in `(-180, 180]`, exact for the cardinal directions.
    @inlinable
    static func atan2Degrees(_ y: Double, _ x: Double) -> Double {
        if y.isNaN || x.isNaN { return .nan }
        let result: Double
        if abs(y) <= abs(x) {
            if x == 0 {
                // Both zero: direction undefined; report 0 (north) by convention.
                return 0
            }
            let t = atan(y / abs(x)) * degreesPerRadian
            if x > 0 {
                result = t
            } else {
                result = (y.sign == .minus ? -180 : 180) - t
            }
        } else {
            let t = atan(x / y) * degreesPerRadian
            result = (y > 0 ? 90 : -90) - t
        }
        return result == -180 ? 180 : result + 0
    }

    /// Longitude (or any angle) in degrees normalised to `[-180, 180)`.
    @inlinable
    static func normalizedDegrees(_ x: Double) -> Double {
        let r = remainder(x, 360)  // exact, in [-180, 180]
        return r >= 180 ? r - 360 : r + 0
    }

    /// Azimuth in degrees normalised to `(-180, 180]`.
    @inlinable
    static func normalizedAzimuth(_ x: Double) -> Double {
        let r = remainder(x, 360)
        return r <= -180 ? r + 360 : r + 0
    }

    /// `to − from` in degrees, reduced to `(-180, 180]`, as a rounded value plus the
    /// rounding error: `difference + error` is the exact difference of the inputs
    /// (modulo 360°), so that longitudes differing from 180° by less than an ulp keep
    /// their offset (e.g. 1e-14° and 180°).
    @inlinable
    static func differenceDegrees(from x: Double, to y: Double) -> (difference: Double, error: Double) {
        // Exact reductions to [-180, 180].
        let xr = remainder(x, 360)
        let yr = remainder(y, 360)
        // Knuth's two-sum: d + e == yr − xr exactly.
        let d0 = yr - xr
        let yPart = d0 + xr
        let xPart = d0 - yPart
        let e = (yr - yPart) + (-xr - xPart)
        var d = remainder(d0, 360)  // exact
        // Bring d + e into (-180, 180].
        if d == -180 && e <= 0 {
            d = 180
        } else if d == 180 && e > 0 {
            d = -180
        }
        return (d + 0, e)
    }
}
