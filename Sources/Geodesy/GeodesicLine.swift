#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// A geodesic on the WGS84 ellipsoid, given by a start point and an initial azimuth,
/// with everything that does not depend on the distance computed once.
///
/// Use it to step along a line or to sample a geodesic circle: each
/// ``position(atDistanceMeters:)`` solves the *direct problem* (Karney 2013, section 3:
/// eqs. 5–23 with the reverted distance series of eq. 21) at the cost of a few
/// trigonometric calls and no iteration. Accuracy: a few nanometres in position for
/// distances up to 20 000 km (the truncation error of the series is below 1e-18).
///
/// Coordinates are EPSG:4326 in degrees, longitude first; distances in metres;
/// azimuths in degrees clockwise from true north.
public struct GeodesicLine: Sendable {
    /// The start point, as given.
    public let start: GeoPoint
    /// The azimuth at the start, in degrees clockwise from north, as given.
    public let initialAzimuthDegrees: Double

    // Invariants of the geodesic (see Karney 2013, figure 1 and eqs. 5–12).
    private let salp0: Double, calp0: Double
    private let ssig1: Double, csig1: Double
    private let stau1: Double, ctau1: Double
    private let somg1: Double, comg1: Double
    private let distanceScale: Double  // b · A₁
    private let c1Reverted: SineSeries6
    private let b11: Double  // Σ C₁ₗ sin 2lσ₁
    private let longitudeScale: Double  // f sin α₀ A₃
    private let c3: SineSeries5
    private let b31: Double  // Σ C₃ₗ sin 2lσ₁

    /// Creates the geodesic leaving `start` with azimuth `azimuthDegrees` (clockwise
    /// from north, any finite value). At a pole the azimuth is taken as the limit
    /// along the meridian of `start.longitude`, as in ``Geodesic/inverse(_:_:)``.
    ///
    /// An invalid start point (see ``GeoPoint/isValid``) or a non-finite azimuth gives a
    /// line whose positions are all NaN.
    public init(start: GeoPoint, azimuthDegrees: Double) {
        self.start = start
        self.initialAzimuthDegrees = azimuthDegrees
        let valid = start.isValid && azimuthDegrees.isFinite
        let (salp1, calp1) = AngleMath.sinCos(degrees: valid ? azimuthDegrees : .nan)
        let (sbet1, cbet1) = GeodesicInverse.reducedLatitude(
            degrees: valid ? start.latitude : .nan)
        let f = WGS84.f
        salp0 = salp1 * cbet1
        calp0 = (calp1 * calp1 + (salp1 * sbet1) * (salp1 * sbet1)).squareRoot()
        // σ₁ = 0 for the equatorial geodesic heading east or west.
        var s = sbet1
        var c = (sbet1 != 0 || calp1 != 0) ? calp1 * cbet1 : 1
        GeodesicInverse.normalize(&s, &c)
        ssig1 = s
        csig1 = c
        somg1 = salp0 * s
        comg1 = c
        let k2 = GeodesicInverse.ep2 * calp0 * calp0
        let eps = GeodesicSeries.epsilon(kSquared: k2)
        distanceScale = WGS84.b * GeodesicSeries.a1(eps)
        c1Reverted = GeodesicSeries.c1Reverted(eps)
        let b11 = GeodesicSeries.c1(eps).sum(sin: s, cos: c)
        self.b11 = b11
        // τ₁ = σ₁ + B₁₁, the start measured in units of b·A₁ from the node.
        let sb = sin(b11)
        let cb = cos(b11)
        stau1 = s * cb + c * sb
        ctau1 = c * cb - s * sb
        longitudeScale = f * salp0 * GeodesicSeries.a3(eps)
        c3 = GeodesicSeries.c3(eps)
        b31 = c3.sum(sin: s, cos: c)
    }

    /// The point at `distanceMeters` along the geodesic (negative values go backwards).
    /// Longitude normalised to `[-180, 180)`; NaN for a non-finite distance.
    @inlinable
    public func position(atDistanceMeters distanceMeters: Double) -> GeoPoint {
        positionAndAzimuth(atDistanceMeters: distanceMeters).point
    }

    /// The point at `distanceMeters` along the geodesic and the forward azimuth there
    /// (degrees clockwise from north, in `(-180, 180]`).
    public func positionAndAzimuth(
        atDistanceMeters distanceMeters: Double
    ) -> (point: GeoPoint, azimuthDegrees: Double) {
        let f = WGS84.f
        let tau12 = distanceMeters / distanceScale
        let st = sin(tau12)
        let ct = cos(tau12)
        let stau2 = stau1 * ct + ctau1 * st
        let ctau2 = ctau1 * ct - stau1 * st
        // σ₁₂ = τ₁₂ + B₁₁ + Σ C′₁ₗ sin 2lτ₂  (eq. 21, as a difference from σ₁)
        let sig12 = tau12 + (b11 + c1Reverted.sum(sin: stau2, cos: ctau2))
        let ss = sin(sig12)
        let cs = cos(sig12)
        let ssig2 = ssig1 * cs + csig1 * ss
        let csig2 = csig1 * cs - ssig1 * ss
        // β₂, α₂, ω₂ from σ₂ (eqs. 13–16)
        let sbet2 = calp0 * ssig2
        let cbet2 = (salp0 * salp0 + (calp0 * csig2) * (calp0 * csig2)).squareRoot()
        let somg2 = salp0 * ssig2
        let comg2 = csig2
        let omg12 = atan2(somg2 * comg1 - comg2 * somg1, comg2 * comg1 + somg2 * somg1)
        let lam12 = omg12
            - longitudeScale * (sig12 + (c3.sum(sin: ssig2, cos: csig2) - b31))
        let latitude = AngleMath.atan2Degrees(sbet2, (1 - f) * cbet2)
        let longitude = AngleMath.normalizedDegrees(
            start.longitude + lam12 * AngleMath.degreesPerRadian)
        let azimuth = AngleMath.atan2Degrees(salp0, calp0 * csig2)
        return (GeoPoint(longitude: longitude, latitude: latitude), azimuth)
    }
}
