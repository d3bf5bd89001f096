/// An ellipsoid of revolution (oblate spheroid) used as the figure of the Earth.
///
/// All lengths are in **metres**. The module's geodesic computations
/// (``Geodesic``, ``GeodesicLine``, ``GeodesicPolyline``, ``BoundingBox``) use
/// ``wgs84``, the ellipsoid of EPSG:4326.
public struct Ellipsoid: Sendable, Hashable {
    /// Equatorial radius (semi-major axis) `a`, in metres.
    public let equatorialRadiusMeters: Double
    /// Flattening `f = (a − b) / a` (dimensionless).
    public let flattening: Double

    /// Creates an ellipsoid from its equatorial radius in metres and its flattening.
    ///
    /// Only ``wgs84`` is used by the geodesic algorithms in this module; other values
    /// are accepted here for reference computations.
    public init(equatorialRadiusMeters: Double, flattening: Double) {
        self.equatorialRadiusMeters = equatorialRadiusMeters
        self.flattening = flattening
    }

    /// The WGS84 ellipsoid (EPSG:7030): `a = 6 378 137 m`, `f = 1 / 298.257223563`.
    public static let wgs84 = Ellipsoid(
        equatorialRadiusMeters: WGS84.a,
        flattening: WGS84.f
    )

    /// Polar radius (semi-minor axis) `b = a (1 − f)`, in metres.
    public var polarRadiusMeters: Double { equatorialRadiusMeters * (1 - flattening) }

    /// First eccentricity squared `e² = f (2 − f)` (dimensionless).
    public var eccentricitySquared: Double { flattening * (2 - flattening) }

    /// Second eccentricity squared `e′² = e² / (1 − e²)` (dimensionless).
    public var secondEccentricitySquared: Double {
        eccentricitySquared / (1 - eccentricitySquared)
    }

    /// Third flattening `n = f / (2 − f)` (dimensionless).
    public var thirdFlattening: Double { flattening / (2 - flattening) }

    /// The smallest radius of curvature anywhere on the surface, in metres: the
    /// meridional radius at the equator, `M(0) = a (1 − e²) = b² / a`
    /// (6 335 439.327 m for WGS84).
    public var minimumRadiusOfCurvatureMeters: Double {
        equatorialRadiusMeters * (1 - eccentricitySquared)
    }

    /// The largest radius of curvature anywhere on the surface, in metres: the radius at
    /// the poles, `a² / b` (6 399 593.626 m for WGS84).
    public var maximumRadiusOfCurvatureMeters: Double {
        equatorialRadiusMeters / (1 - flattening)
    }
}

/// WGS84 constants as literal expressions, so that the optimiser folds them into
/// inlined code (no lazy global initialisation on hot paths).
@usableFromInline
enum WGS84 {
    /// Equatorial radius in metres.
    @inlinable static var a: Double { 6_378_137 }
    /// Flattening.
    @inlinable static var f: Double { 1 / 298.257_223_563 }
    /// Polar radius in metres.
    @inlinable static var b: Double { a * (1 - f) }
    /// First eccentricity squared.
    @inlinable static var e2: Double { f * (2 - f) }
    /// Smallest radius of curvature (meridional radius at the equator), metres.
    @inlinable static var minimumRadiusOfCurvature: Double { a * (1 - e2) }
}
