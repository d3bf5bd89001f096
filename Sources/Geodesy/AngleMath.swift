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

    /// Sine and cosine of an angle given in degrees.
    ///
    /// The argument is reduced exactly to `[-45°, 45°]` plus a whole number of quadrants
    /// before conversion to radians, so that multiples of 90° give exact zeros and ones
    /// (the meridian and equator special cases of the geodesic algorithms depend on
    /// that) and large arguments lose no accuracy. NaN or infinite input gives NaN.
    @inlinable
    static func sinCos(degrees x: Double) -> (sin: Double, cos: Double) {
        var y = x
        if !(abs(y) <= 1e15) {
            // Huge, infinite or NaN: reduce exactly first (NaN and ±∞ give NaN).
            y = y.truncatingRemainder(dividingBy: 360)
            if y.isNaN { return (.nan, .nan) }
        }
        let quadrant = (y / 90).rounded()
        // Exact: quadrant·90 is exact and, for quadrant ≠ 0, within a factor of two of y
        // (Sterbenz' lemma).
        let radians = (y - quadrant * 90) * radiansPerDegree
        let s = sin(radians)
        let c = cos(radians)
        switch Int(quadrant) & 3 {
        case 0: return (s + 0, c + 0)
        case 1: return (c + 0, -s + 0)
        case 2: return (-s + 0, -c + 0)
        default: return (-c + 0, s + 0)
        }
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

    /// `to − from` in degrees, reduced to `(-180, 180]`.
    ///
    /// Both inputs are first reduced exactly to `[-180, 180]`, so the only rounding is
    /// in one subtraction of two reduced values (below 3e-14°, about 3 nm on the ground).
    @inlinable
    static func differenceDegrees(from x: Double, to y: Double) -> Double {
        let xr = remainder(x, 360)
        let yr = remainder(y, 360)
        // Both in [-180, 180]; their difference in [-360, 360] rounds at most once.
        let d = remainder(yr - xr, 360)
        return d <= -180 ? d + 360 : d + 0
    }
}
