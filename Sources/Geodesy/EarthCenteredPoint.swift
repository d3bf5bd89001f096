/// Earth-centred, Earth-fixed Cartesian coordinates (the axes of EPSG:4978) of a point
/// on the surface (height 0) of the WGS84 ellipsoid, in **metres**.
///
/// `x` points to (0° E, 0° N), `y` to (90° E, 0° N), `z` to the north pole. Converting a
/// ``GeoPoint`` once and keeping this value makes repeated pruning tests against it
/// cost a handful of multiplications (see
/// ``Geodesic/lowerBoundDistanceMeters(_:_:)-(EarthCenteredPoint,EarthCenteredPoint)``;
/// the chord ``chordMeters(to:)`` is itself a lower bound on the geodesic distance).
public struct EarthCenteredPoint: Sendable, Hashable {
    /// Metres along the axis through (0° E, 0° N).
    public var x: Double
    /// Metres along the axis through (90° E, 0° N).
    public var y: Double
    /// Metres along the axis through the north pole.
    public var z: Double

    /// Creates a point from its Cartesian coordinates in metres.
    @inlinable
    public init(x: Double, y: Double, z: Double) {
        (self.x, self.y, self.z) = (x, y, z)
    }

    /// The position of `point` (EPSG:4326 degrees, height 0) in Earth-centred coordinates.
    ///
    /// The latitude is not range-checked here; callers that accept outside input should
    /// check ``GeoPoint/isValid`` first.
    @inlinable
    public init(_ point: GeoPoint) {
        // Polynomial sines and cosines: users of these coordinates allow 1e-8 m of rounding
        // (a few units in the last place of 6.4e6 m), and millions of points are converted.
        let (sinPhi, cosPhi) = AngleMath.sinCosPolynomial(degrees: point.latitude)
        let (sinLam, cosLam) = AngleMath.sinCosPolynomial(degrees: point.longitude)
        // Prime-vertical radius of curvature N(φ) = a / √(1 − e² sin² φ).
        let n = WGS84.a / (1 - WGS84.e2 * sinPhi * sinPhi).squareRoot()
        x = n * cosPhi * cosLam
        y = n * cosPhi * sinLam
        z = n * (1 - WGS84.e2) * sinPhi
    }

    /// Straight-line (chord) distance to `other` through the Earth, in metres.
    @inlinable
    public func chordMeters(to other: EarthCenteredPoint) -> Double {
        let dx = x - other.x
        let dy = y - other.y
        let dz = z - other.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }
}
