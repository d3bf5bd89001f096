#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The solution of the inverse geodesic problem as unit vectors of the azimuths, in
/// the caller's orientation (point 1 → point 2). Internal; see ``Geodesic/inverse(_:_:)``.
struct InverseSolution {
    /// Length of the shortest geodesic, metres.
    var distanceMeters: Double
    /// `sin α₁`, `cos α₁` of the azimuth at point 1 (clockwise from north).
    var sinAzimuth1: Double, cosAzimuth1: Double
    /// `sin α₂`, `cos α₂` of the forward azimuth at point 2.
    var sinAzimuth2: Double, cosAzimuth2: Double

    static let invalid = InverseSolution(
        distanceMeters: .nan, sinAzimuth1: .nan, cosAzimuth1: .nan,
        sinAzimuth2: .nan, cosAzimuth2: .nan)
}

/// Solver for the inverse geodesic problem on WGS84 following Karney (2013),
/// "Algorithms for geodesics", sections 3–5.
///
/// Outline (equation numbers refer to the paper):
///
/// 1. The problem is reduced by the ellipsoid's symmetries to a canonical one with
///    `φ₁ ≤ 0`, `|φ₂| ≤ |φ₁|` and `0 ≤ λ₁₂ ≤ 180°`.
/// 2. Meridional (`λ₁₂ = 0` or `180°`, or point 1 at the pole) and equatorial
///    geodesics are solved directly.
/// 3. Otherwise the azimuth `α₁` at point 1 is found such that the geodesic from point 1
///    reaches the latitude of point 2 at the longitude difference `λ₁₂`. `λ₁₂(α₁)` is
///    increasing on `[0, π]`; it is solved by Newton's method using
///    `∂λ₁₂/∂α₁ = m₁₂ / (a cos α₂ cos β₂)` (eq. 46), kept inside a bracket that is
///    bisected whenever a Newton step would leave it, so it always converges.
/// 4. The starting azimuth comes from the great-circle solution with the mean
///    `w̄` of eq. (48), or, for nearly antipodal points, from the astroid
///    approximation of eqs. (53)–(56).
/// 5. The distance is `s₁₂ = b (I₁(σ₂) − I₁(σ₁))` (eq. 7).
enum GeodesicInverse {
    static var a: Double { WGS84.a }
    static var f: Double { WGS84.f }
    static var b: Double { WGS84.b }
    static var e2: Double { WGS84.e2 }
    static var ep2: Double { WGS84.e2 / (1 - WGS84.e2) }
    static var oneMinusF: Double { 1 - WGS84.f }
    /// A number whose square is still a normal double; stands in for exact zero where a
    /// formula would otherwise divide by zero (e.g. `cos β` at a pole).
    static var tiny: Double { 0x1p-511 }
    /// Newton/bisection iterations before giving up; bisection alone converges within 60.
    static var maximumIterations: Int { 100 }

    // MARK: - Entry point

    /// Solves the inverse problem between `(lat1, lon1)` and `(lat2, lon2)` in degrees.
    /// Returns ``InverseSolution/invalid`` (all NaN) for non-finite input or a latitude
    /// outside `[-90, 90]`.
    static func solve(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> InverseSolution {
        guard abs(lat1) <= 90, abs(lat2) <= 90, lon1.isFinite, lon2.isFinite else {
            return .invalid
        }
        var (lon12, lon12Error) = AngleMath.differenceDegrees(from: lon1, to: lon2)
        var phi1 = lat1
        var phi2 = lat2
        // Canonical form: |φ1| ≥ |φ2| (swap the ends), φ1 ≤ 0 (mirror in the equator),
        // λ12 ≥ 0 (mirror in the meridian).
        let swapped = abs(phi1) < abs(phi2)
        if swapped {
            swap(&phi1, &phi2)
            lon12 = -lon12
            lon12Error = -lon12Error
        }
        // Signed zeros count by their sign (+0 is mirrored like a positive value), which
        // fixes the choice between the two mirror-image solutions for points on the
        // equator: the northern one is returned, as GeographicLib does.
        let lonSign: Double = lon12.sign == .minus ? -1 : 1
        lon12 *= lonSign
        lon12Error *= lonSign
        let latSign: Double = phi1.sign == .plus ? -1 : 1
        phi1 *= latSign
        phi2 *= latSign

        let (sinLam12, cosLam12) = AngleMath.sinCos(degrees: lon12, correction: lon12Error)
        let lam12 = (lon12 + lon12Error) * AngleMath.radiansPerDegree
        let (sbet1, cbet1) = reducedLatitude(degrees: phi1)
        let (sbet2, cbet2) = reducedLatitude(degrees: phi2)

        var solution = InverseSolution.invalid
        var solved = false

        if phi1 == -90 || sinLam12 == 0 {
            // Meridional geodesic (point 1 at the south pole, or λ12 = 0 or 180°).
            if let meridional = solveMeridional(
                sbet1: sbet1, cbet1: cbet1, sbet2: sbet2, cbet2: cbet2,
                sinAlp1: sinLam12, cosAlp1: cosLam12)
            {
                solution = meridional
                solved = true
            }
        }
        if !solved && sbet1 == 0 && lon12 <= 180 * oneMinusF {
            // Both points on the equator (|φ2| ≤ |φ1| = 0) and no farther apart than the
            // equatorial geodesic stays shortest: distance a·λ12, due east.
            solution = InverseSolution(
                distanceMeters: a * lam12, sinAzimuth1: 1, cosAzimuth1: 0,
                sinAzimuth2: 1, cosAzimuth2: 0)
            solved = true
        }
        if !solved {
            solution = solveGeneral(
                sbet1: sbet1, cbet1: cbet1, sbet2: sbet2, cbet2: cbet2,
                lam12: lam12, sinLam12: sinLam12, cosLam12: cosLam12)
        }

        // Undo the canonical transformations, in reverse order.
        solution.sinAzimuth1 *= lonSign
        solution.sinAzimuth2 *= lonSign
        solution.cosAzimuth1 *= latSign
        solution.cosAzimuth2 *= latSign
        if swapped {
            // Travelling 2 → 1 reverses both azimuths and exchanges the ends.
            let (s1, c1) = (solution.sinAzimuth1, solution.cosAzimuth1)
            solution.sinAzimuth1 = -solution.sinAzimuth2
            solution.cosAzimuth1 = -solution.cosAzimuth2
            solution.sinAzimuth2 = -s1
            solution.cosAzimuth2 = -c1
        }
        return solution
    }

    /// Distance only, in metres; NaN for invalid input.
    static func distance(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        solve(lat1: lat1, lon1: lon1, lat2: lat2, lon2: lon2).distanceMeters
    }

    // MARK: - Helpers

    /// `sin β`, `cos β` of the reduced latitude (`tan β = (1 − f) tan φ`), with `cos β`
    /// kept at least ``tiny`` so that the poles behave as limits.
    @inline(__always)
    static func reducedLatitude(degrees phi: Double) -> (Double, Double) {
        let (s, c) = AngleMath.sinCos(degrees: phi)
        let sb = oneMinusF * s
        let h = (sb * sb + c * c).squareRoot()
        return (sb / h, max(tiny, c / h))
    }

    /// `x` if positive, else `+0` (never `−0`, which would flip `atan2` by 2π).
    @inline(__always)
    static func nonNegative(_ x: Double) -> Double { x > 0 ? x : 0 }

    @inline(__always)
    static func normalize(_ s: inout Double, _ c: inout Double) {
        let h = (s * s + c * c).squareRoot()
        s /= h
        c /= h
    }

    /// `s₁₂ / b` and `m₁₂ / b` (reduced length, eq. 38) from the arc between
    /// `σ₁` and `σ₂` on a geodesic with parameter `k²`.
    @inline(__always)
    static func lengths(
        kSquared k2: Double, eps: Double, sig12: Double,
        ssig1: Double, csig1: Double, ssig2: Double, csig2: Double
    ) -> (distance: Double, reducedLength: Double) {
        let a1 = GeodesicSeries.a1(eps)
        let c1 = GeodesicSeries.c1(eps)
        let a2 = GeodesicSeries.a2(eps)
        let c2 = GeodesicSeries.c2(eps)
        let db1 = c1.sum(sin: ssig2, cos: csig2) - c1.sum(sin: ssig1, cos: csig1)
        let db2 = c2.sum(sin: ssig2, cos: csig2) - c2.sum(sin: ssig1, cos: csig1)
        let distance = a1 * (sig12 + db1)
        // J(σ) = I₁(σ) − I₂(σ)  (eq. 40)
        let j12 = (a1 - a2) * sig12 + (a1 * db1 - a2 * db2)
        let dn1 = (1 + k2 * ssig1 * ssig1).squareRoot()
        let dn2 = (1 + k2 * ssig2 * ssig2).squareRoot()
        let reduced = dn2 * csig1 * ssig2 - dn1 * ssig1 * csig2 - csig1 * csig2 * j12
        return (distance, reduced)
    }

    // MARK: - Meridional case

    /// Meridional geodesic with azimuth `α₁ = λ₁₂` (0 or 180°, or any value from the pole)
    /// arriving heading north. Returns `nil` when the meridian is not shortest (its arc
    /// passes a conjugate point, `m₁₂ < 0`), which can only happen for long arcs.
    static func solveMeridional(
        sbet1: Double, cbet1: Double, sbet2: Double, cbet2: Double,
        sinAlp1: Double, cosAlp1: Double
    ) -> InverseSolution? {
        var ssig1 = sbet1
        var csig1 = cosAlp1 * cbet1
        var ssig2 = sbet2
        var csig2 = cbet2
        normalize(&ssig1, &csig1)
        normalize(&ssig2, &csig2)
        let sig12 = atan2(
            nonNegative(csig1 * ssig2 - ssig1 * csig2), csig1 * csig2 + ssig1 * ssig2)
        let calp0 = (cosAlp1 * cosAlp1 + (sinAlp1 * sbet1) * (sinAlp1 * sbet1)).squareRoot()
        let k2 = ep2 * calp0 * calp0
        let eps = GeodesicSeries.epsilon(kSquared: k2)
        let l = lengths(
            kSquared: k2, eps: eps, sig12: sig12,
            ssig1: ssig1, csig1: csig1, ssig2: ssig2, csig2: csig2)
        guard sig12 < 1 || l.reducedLength >= 0 else { return nil }
        return InverseSolution(
            // Both points at the same pole: σ₁₂ is of the order of `tiny`; report 0.
            distanceMeters: sig12 < 3 * tiny ? 0 : b * l.distance, sinAzimuth1: sinAlp1, cosAzimuth1: cosAlp1,
            sinAzimuth2: 0, cosAzimuth2: 1)
    }

    // MARK: - General case

    /// State of the geodesic leaving point 1 with a trial azimuth `α₁`, followed to the
    /// first point where it reaches the latitude of point 2 heading north.
    struct Trial {
        /// `λ₁₂(α₁) − λ₁₂`, radians: how far east of point 2 the trial geodesic arrives.
        var residual: Double
        /// `∂λ₁₂/∂α₁`; NaN where undefined.
        var derivative: Double
        /// `s₁₂ / b`.
        var distance: Double
        var sinAlp2: Double, cosAlp2: Double
    }

    @inline(__always)
    static func trial(
        sbet1: Double, cbet1: Double, sbet2: Double, cbet2: Double,
        sinLam12: Double, cosLam12: Double,
        sinAlp1 salp1: Double, cosAlp1 calp1In: Double
    ) -> Trial {
        // Starting due east on the equator is the equatorial geodesic itself, for which
        // σ and ω are undefined; nudge it south so that it is the limit from α₁ > 90°.
        let calp1 = (sbet1 == 0 && calp1In == 0) ? -tiny : calp1In
        // Clairaut: sin α₀ = sin α₁ cos β₁ (eq. 5).
        let salp0 = salp1 * cbet1
        let calp0 = (calp1 * calp1 + (salp1 * sbet1) * (salp1 * sbet1)).squareRoot()
        // σ₁ and ω₁ from tan σ₁ = tan β₁ / cos α₁, tan ω₁ = sin α₀ tan σ₁ (eqs. 11–12).
        var ssig1 = sbet1
        var csig1 = calp1 * cbet1
        let somg1 = salp0 * sbet1
        let comg1 = csig1
        normalize(&ssig1, &csig1)
        // α₂ at latitude β₂, taking cos α₂ ≥ 0 (eq. 45, with the difference of squares
        // written to avoid cancellation).
        var salp2: Double
        var calp2: Double
        // (cos β may round to 1 for two different tiny latitudes, so test both parts.)
        if cbet2 != cbet1 || abs(sbet2) != -sbet1 {
            salp2 = salp0 / cbet2
            let d = cbet1 < -sbet1
                ? (cbet2 - cbet1) * (cbet2 + cbet1)
                : (sbet1 - sbet2) * (sbet1 + sbet2)
            calp2 = max(0, (calp1 * cbet1) * (calp1 * cbet1) + d).squareRoot() / cbet2
            normalize(&salp2, &calp2)
        } else {
            salp2 = salp1
            calp2 = abs(calp1)
        }
        var ssig2 = sbet2
        var csig2 = calp2 * cbet2
        let somg2 = salp0 * sbet2
        let comg2 = csig2
        normalize(&ssig2, &csig2)
        // Both σ₁₂ and ω₁₂ lie in [0, π] in the canonical configuration.
        let sig12 = atan2(
            nonNegative(csig1 * ssig2 - ssig1 * csig2), csig1 * csig2 + ssig1 * ssig2)
        let somg12 = nonNegative(comg1 * somg2 - somg1 * comg2)
        let comg12 = comg1 * comg2 + somg1 * somg2
        // ω₁₂ − λ₁₂ as the angle between the two directions, which keeps full precision
        // when both are close to π.
        let omg12MinusLam12 = atan2(
            somg12 * cosLam12 - comg12 * sinLam12, comg12 * cosLam12 + somg12 * sinLam12)
        let k2 = ep2 * calp0 * calp0
        let eps = GeodesicSeries.epsilon(kSquared: k2)
        // λ = ω − f sin α₀ I₃(σ)  (eq. 23)
        let c3 = GeodesicSeries.c3(eps)
        let i3 = GeodesicSeries.a3(eps)
            * (sig12 + (c3.sum(sin: ssig2, cos: csig2) - c3.sum(sin: ssig1, cos: csig1)))
        let residual = omg12MinusLam12 - f * salp0 * i3
        let l = lengths(
            kSquared: k2, eps: eps, sig12: sig12,
            ssig1: ssig1, csig1: csig1, ssig2: ssig2, csig2: csig2)
        // ∂λ₁₂/∂α₁ = m₁₂ / (a cos α₂ cos β₂)  (eq. 46); m₁₂/a = (1 − f) · m₁₂/b.
        let derivative = calp2 > 0 ? oneMinusF * l.reducedLength / (calp2 * cbet2) : .nan
        return Trial(
            residual: residual, derivative: derivative, distance: l.distance,
            sinAlp2: salp2, cosAlp2: calp2)
    }

    static func solveGeneral(
        sbet1: Double, cbet1: Double, sbet2: Double, cbet2: Double,
        lam12: Double, sinLam12: Double, cosLam12: Double
    ) -> InverseSolution {
        var (salp1, calp1) = startingAzimuth(
            sbet1: sbet1, cbet1: cbet1, sbet2: sbet2, cbet2: cbet2,
            lam12: lam12, sinLam12: sinLam12, cosLam12: cosLam12)
        // Bracket [lower, upper] ⊂ [0, π] holding the root, as unit vectors.
        var lower = (s: 0.0, c: 1.0)
        var upper = (s: 0.0, c: -1.0)
        var t = trial(
            sbet1: sbet1, cbet1: cbet1, sbet2: sbet2, cbet2: cbet2,
            sinLam12: sinLam12, cosLam12: cosLam12, sinAlp1: salp1, cosAlp1: calp1)
        var lastStep = false
        for _ in 0..<maximumIterations {
            let v = t.residual
            // Done when the residual is at the level of rounding error: a residual v moves
            // point 2 by at most a·|v| ≈ 1.4e-9 m per ulp. After a Newton step taken from
            // a small residual a slightly looser test applies (the residual's own rounding
            // error is a few ulps).
            if abs(v) <= 2 * Double.ulpOfOne || (lastStep && abs(v) <= 8 * Double.ulpOfOne) {
                break
            }
            lastStep = false
            if v > 0 { upper = (salp1, calp1) } else { lower = (salp1, calp1) }
            var moved = false
            if t.derivative > 0 {
                let step = -v / t.derivative
                if abs(step) < 1 {
                    let sd = sin(step)
                    let cd = cos(step)
                    var s = salp1 * cd + calp1 * sd
                    var c = calp1 * cd - salp1 * sd
                    normalize(&s, &c)
                    if s >= 0 && cross(lower, (s, c)) > 0 && cross((s, c), upper) > 0 {
                        // No representable progress: the residual is rounding noise.
                        if s == salp1 && c == calp1 { break }
                        salp1 = s
                        calp1 = c
                        moved = true
                        // Newton usually converges quadratically, so one more step from
                        // here normally leaves only rounding error. (Near a double root,
                        // for nearly antipodal points, it only halves the residual; then
                        // the loop simply continues.)
                        if abs(v) <= 1e-12 { lastStep = true }
                    }
                }
            }
            if !moved {
                guard let middle = bisect(lower, upper) else { break }
                (salp1, calp1) = middle
            }
            t = trial(
                sbet1: sbet1, cbet1: cbet1, sbet2: sbet2, cbet2: cbet2,
                sinLam12: sinLam12, cosLam12: cosLam12, sinAlp1: salp1, cosAlp1: calp1)
        }
        return InverseSolution(
            distanceMeters: b * t.distance, sinAzimuth1: salp1, cosAzimuth1: calp1,
            sinAzimuth2: t.sinAlp2, cosAzimuth2: t.cosAlp2)
    }

    /// `sin(θ_b − θ_a)` for unit vectors `(sin θ, cos θ)`: positive iff `θ_a < θ_b` when
    /// both angles are in `[0, π]`.
    @inline(__always)
    static func cross(_ a: (s: Double, c: Double), _ b: (s: Double, c: Double)) -> Double {
        a.c * b.s - a.s * b.c
    }

    /// The angle halfway between two angles of `[0, π]`, or `nil` if no double-precision
    /// angle lies strictly between them.
    static func bisect(
        _ lower: (s: Double, c: Double), _ upper: (s: Double, c: Double)
    ) -> (Double, Double)? {
        var s = lower.s + upper.s
        var c = lower.c + upper.c
        let h = (s * s + c * c).squareRoot()
        if h == 0 {
            // Opposite directions (the full bracket [0, π]): take lower + 90°.
            s = lower.c
            c = -lower.s
        } else {
            s /= h
            c /= h
        }
        guard cross(lower, (s, c)) > 0, cross((s, c), upper) > 0 else { return nil }
        return (s, c)
    }

    /// First guess of `α₁` (as a unit vector with `sin α₁ ≥ 0`).
    static func startingAzimuth(
        sbet1: Double, cbet1: Double, sbet2: Double, cbet2: Double,
        lam12: Double, sinLam12: Double, cosLam12: Double
    ) -> (Double, Double) {
        let sbet12 = sbet2 * cbet1 - cbet2 * sbet1  // sin(β₂ − β₁)
        let sbet12a = sbet2 * cbet1 + cbet2 * sbet1  // sin(β₂ + β₁) ≤ 0
        // Great circle on the auxiliary sphere with ω₁₂ = λ₁₂ / w̄ (eqs. 48–49).
        let meanCos = (cbet1 + cbet2) / 2
        let wbar = (1 - e2 * meanCos * meanCos).squareRoot()
        let omg12 = min(Double.pi, lam12 / wbar)
        let somg = sin(omg12)
        let comg = cos(omg12)
        var salp1 = cbet2 * somg
        // cos β₁ sin β₂ − sin β₁ cos β₂ cos ω₁₂, rearranged to avoid cancellation.
        var calp1 = comg >= 0
            ? sbet12 + cbet2 * sbet1 * somg * somg / (1 + comg)
            : sbet12a - cbet2 * sbet1 * somg * somg / (1 - comg)
        let ssig12 = (salp1 * salp1 + calp1 * calp1).squareRoot()
        let csig12 = sbet1 * sbet2 + cbet1 * cbet2 * comg
        if csig12 < 0 && ssig12 < 3 * f * Double.pi * cbet1 * cbet1 {
            // Nearly antipodal: scaled coordinates of point 2 relative to the antipode of
            // point 1 (eq. 53) and the astroid solution (eqs. 55–56).
            let lam12MinusPi = atan2(-sinLam12, -cosLam12)  // exact near π
            let x = lam12MinusPi / (f * Double.pi * cbet1)
            let y = sbet12a / (f * Double.pi * cbet1 * cbet1)
            let mu = y == 0 ? 0 : astroidRoot(xSquared: x * x, ySquared: y * y)
            if mu > 0 {
                salp1 = -x / (1 + mu)
                calp1 = y / mu
            } else {
                // Limit y → 0⁻: sin α₁ = −x, cos α₁ = −√(1 − x²) (or due east if |x| ≥ 1).
                salp1 = min(1, -x)
                calp1 = -max(0, 1 - salp1 * salp1).squareRoot()
            }
        }
        let h = (salp1 * salp1 + calp1 * calp1).squareRoot()
        guard h > 0, h.isFinite, salp1 >= 0 else { return (1, 0) }
        return (salp1 / h, calp1 / h)
    }

    /// The positive root `μ` of `μ⁴ + 2μ³ + (1 − x² − y²) μ² − 2y² μ − y² = 0` (eq. 55),
    /// for `y² > 0`. The polynomial is negative at 0 and has exactly one positive root
    /// (one sign change, Descartes); it is found by Newton's method safeguarded with
    /// bisection.
    static func astroidRoot(xSquared p: Double, ySquared q: Double) -> Double {
        @inline(__always)
        func value(_ k: Double) -> (Double, Double) {
            let v = (((k + 2) * k + (1 - p - q)) * k - 2 * q) * k - q
            let d = ((4 * k + 6) * k + 2 * (1 - p - q)) * k - 2 * q
            return (v, d)
        }
        var low = 0.0
        var high = max(1, (p + q).squareRoot())
        var grow = 0
        while value(high).0 <= 0 && grow < 64 {
            low = high
            high *= 2
            grow += 1
        }
        var k = high
        for _ in 0..<200 {
            let (v, d) = value(k)
            if v == 0 { return k }
            if v > 0 { high = k } else { low = k }
            var next = d > 0 ? k - v / d : .nan
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - k) <= 1e-16 * k || next == low || next == high {
                return next
            }
            k = next
        }
        return k
    }
}
