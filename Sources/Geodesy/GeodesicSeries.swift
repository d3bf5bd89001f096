/// Series expansions used by the geodesic solutions, from C. F. F. Karney,
/// "Algorithms for geodesics", J. Geodesy 87 (2013) 43–55, doi:10.1007/s00190-012-0578-z,
/// eqs. (15)–(25) and (42)–(43), truncated at sixth order in `ε`.
///
/// `ε = (√(1 + k²) − 1) / (√(1 + k²) + 1)` with `k² = e′² cos² α₀`, where `α₀` is the
/// azimuth of the geodesic at the equator. For WGS84 `ε < 0.0017`, so the truncation
/// error of every series is below 1e-18 (relative); this was checked against numerical
/// quadrature of the defining integrals.
///
/// The expansions are used in the form `A (σ + Σₗ Cₗ sin 2lσ)`, with `σ` the arc length
/// on the auxiliary sphere measured from the equator crossing (the node).
@usableFromInline
enum GeodesicSeries {
    /// `ε` from `k²`, written without cancellation.
    @inlinable
    static func epsilon(kSquared k2: Double) -> Double {
        k2 / (2 * (1 + (1 + k2).squareRoot()) + k2)
    }

    /// `A₁` of the distance integral `I₁(σ) = ∫₀^σ √(1 + k² sin² σ′) dσ′` (eq. 17).
    @inlinable
    static func a1(_ eps: Double) -> Double {
        let e2 = eps * eps
        return (1 + e2 * (1.0 / 4 + e2 * (1.0 / 64 + e2 / 256))) / (1 - eps)
    }

    /// Fourier coefficients `C₁ₗ` of `I₁` (eq. 18).
    @inlinable
    static func c1(_ eps: Double) -> SineSeries6 {
        let e2 = eps * eps
        let e3 = e2 * eps
        let e4 = e2 * e2
        return SineSeries6(
            eps * (-1.0 / 2 + e2 * (3.0 / 16 - e2 / 32)),
            e2 * (-1.0 / 16 + e2 * (1.0 / 32 - e2 * 9 / 2048)),
            e3 * (-1.0 / 48 + e2 * 3 / 256),
            e4 * (-5.0 / 512 + e2 * 3 / 1024),
            e4 * eps * (-7.0 / 1280),
            e4 * e2 * (-7.0 / 2048)
        )
    }

    /// Coefficients `C′₁ₗ` of the reverted series `σ = τ + Σ C′₁ₗ sin 2lτ`, where
    /// `τ = s / (b A₁)` (eqs. 20–21).
    @inlinable
    static func c1Reverted(_ eps: Double) -> SineSeries6 {
        let e2 = eps * eps
        let e3 = e2 * eps
        let e4 = e2 * e2
        return SineSeries6(
            eps * (1.0 / 2 + e2 * (-9.0 / 32 + e2 * 205 / 1536)),
            e2 * (5.0 / 16 + e2 * (-37.0 / 96 + e2 * 1335 / 4096)),
            e3 * (29.0 / 96 - e2 * 75 / 128),
            e4 * (539.0 / 1536 - e2 * 2391 / 2560),
            e4 * eps * (3467.0 / 7680),
            e4 * e2 * (38081.0 / 61440)
        )
    }

    /// `A₂` of `I₂(σ) = ∫₀^σ (1 + k² sin² σ′)^(−1/2) dσ′` (eq. 42).
    @inlinable
    static func a2(_ eps: Double) -> Double {
        let e2 = eps * eps
        return (1 + e2 * (-3.0 / 4 + e2 * (-7.0 / 64 - e2 * 11 / 256))) / (1 + eps)
    }

    /// Fourier coefficients `C₂ₗ` of `I₂` (eq. 43).
    @inlinable
    static func c2(_ eps: Double) -> SineSeries6 {
        let e2 = eps * eps
        let e3 = e2 * eps
        let e4 = e2 * e2
        return SineSeries6(
            eps * (1.0 / 2 + e2 * (1.0 / 16 + e2 / 32)),
            e2 * (3.0 / 16 + e2 * (1.0 / 32 + e2 * 35 / 1024)),
            e3 * (5.0 / 48 + e2 * 5 / 256),
            e4 * (35.0 / 512 + e2 * 7 / 1024),
            e4 * eps * (63.0 / 1280),
            e4 * e2 * (77.0 / 2048)
        )
    }

    /// Third flattening of WGS84.
    @inlinable static var n: Double { WGS84.f / (2 - WGS84.f) }

    /// `A₃` of the longitude integral
    /// `I₃(σ) = ∫₀^σ (2 − f) / (1 + (1 − f) √(1 + k² sin² σ′)) dσ′` (eq. 24), for WGS84.
    @inlinable
    static func a3(_ eps: Double) -> Double {
        let n = self.n
        let p1 = (1 - n) / 2
        let p2 = (2 + n - 3 * n * n) / 8
        let p3 = (1 + 3 * n + n * n) / 16
        let p4 = (3 + 2 * n) / 64
        let p5 = 3.0 / 128
        return 1 - eps * (p1 + eps * (p2 + eps * (p3 + eps * (p4 + eps * p5))))
    }

    /// Fourier coefficients `C₃ₗ` of `I₃` (eq. 25), for WGS84.
    @inlinable
    static func c3(_ eps: Double) -> SineSeries5 {
        let n = self.n
        let n2 = n * n
        let e2 = eps * eps
        let e3 = e2 * eps
        let e4 = e2 * e2
        let c1 = eps * ((1 - n) / 4 + eps * ((1 - n2) / 8 + eps * ((3 + 3 * n - n2) / 64
            + eps * ((5 + 2 * n) / 128 + eps * (3.0 / 128)))))
        let c2 = e2 * ((2 - 3 * n + n2) / 32 + eps * ((3 - 2 * n - 3 * n2) / 64
            + eps * ((3 + n) / 128 + eps * (5.0 / 256))))
        let c3 = e3 * ((5 - 9 * n + 5 * n2) / 192 + eps * ((9 - 10 * n) / 384 + eps * (7.0 / 512)))
        let c4 = e4 * ((7 - 14 * n) / 512 + eps * (7.0 / 512))
        let c5 = e4 * eps * (21.0 / 2560)
        return SineSeries5(c1, c2, c3, c4, c5)
    }
}

/// The sum `Σₗ₌₁⁶ cₗ sin 2lσ`, evaluated by Clenshaw's recurrence from `sin σ`, `cos σ`.
@usableFromInline
struct SineSeries6: Sendable {
    @usableFromInline let c1: Double, c2: Double, c3: Double, c4: Double, c5: Double, c6: Double

    @inlinable
    init(_ c1: Double, _ c2: Double, _ c3: Double, _ c4: Double, _ c5: Double, _ c6: Double) {
        (self.c1, self.c2, self.c3, self.c4, self.c5, self.c6) = (c1, c2, c3, c4, c5, c6)
    }

    /// The sum at the angle whose sine and cosine are `s` and `c` (`s² + c² = 1`).
    @inlinable
    func sum(sin s: Double, cos c: Double) -> Double {
        // With y = 2 cos 2σ: b_l = c_l + y b_{l+1} − b_{l+2}; the sum is b_1 sin 2σ.
        let y = 2 * (c - s) * (c + s)
        let b6 = c6
        let b5 = c5 + y * b6
        let b4 = c4 + y * b5 - b6
        let b3 = c3 + y * b4 - b5
        let b2 = c2 + y * b3 - b4
        let b1 = c1 + y * b2 - b3
        return b1 * (2 * s * c)
    }
}

/// The sum `Σₗ₌₁⁵ cₗ sin 2lσ`, evaluated by Clenshaw's recurrence from `sin σ`, `cos σ`.
@usableFromInline
struct SineSeries5: Sendable {
    @usableFromInline let c1: Double, c2: Double, c3: Double, c4: Double, c5: Double

    @inlinable
    init(_ c1: Double, _ c2: Double, _ c3: Double, _ c4: Double, _ c5: Double) {
        (self.c1, self.c2, self.c3, self.c4, self.c5) = (c1, c2, c3, c4, c5)
    }

    /// The sum at the angle whose sine and cosine are `s` and `c` (`s² + c² = 1`).
    @inlinable
    func sum(sin s: Double, cos c: Double) -> Double {
        let y = 2 * (c - s) * (c + s)
        let b5 = c5
        let b4 = c4 + y * b5
        let b3 = c3 + y * b4 - b5
        let b2 = c2 + y * b3 - b4
        let b1 = c1 + y * b2 - b3
        return b1 * (2 * s * c)
    }
}
