/// A position on the WGS84 ellipsoid surface, in geographic coordinates (EPSG:4326).
///
/// Axis order is **longitude first, then latitude**, as in GeoJSON and in the
/// `x`/`y` order that SpatiaLite uses for EPSG:4326 geometries. Both values are in
/// **degrees**:
///
/// - `longitude`: east of Greenwich is positive. Any finite value is accepted and
///   is interpreted modulo 360°; values returned by this module are normalised to
///   `[-180, 180)`.
/// - `latitude`: geodetic latitude, north positive, valid range `[-90, 90]`.
///
/// The type does not validate on construction (it is a plain value used in hot
/// loops); use ``isValid`` or ``init(validatingLongitude:latitude:)`` at input
/// boundaries. Functions in this module return `NaN` results for invalid points
/// rather than trapping.
public struct GeoPoint: Sendable, Hashable, BitwiseCopyable {
    /// Longitude in degrees (EPSG:4326), east positive; any finite value, taken modulo 360°.
    public var longitude: Double
    /// Geodetic latitude in degrees (EPSG:4326), north positive; valid range `[-90, 90]`.
    public var latitude: Double

    /// Creates a point from a longitude and a latitude in degrees (EPSG:4326, lon/lat order).
    ///
    /// No validation is done; see ``isValid``.
    @inlinable
    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }

    /// Creates a point only if the coordinates are usable: both finite and the latitude
    /// within `[-90, 90]` degrees. Returns `nil` otherwise.
    @inlinable
    public init?(validatingLongitude longitude: Double, latitude: Double) {
        let point = GeoPoint(longitude: longitude, latitude: latitude)
        guard point.isValid else { return nil }
        self = point
    }

    /// `true` when the longitude is finite and the latitude is finite and within `[-90, 90]` degrees.
    @inlinable
    public var isValid: Bool {
        longitude.isFinite && latitude.isFinite && abs(latitude) <= 90
    }

    /// The same position with its longitude normalised to `[-180, 180)` degrees.
    public var normalized: GeoPoint {
        GeoPoint(longitude: AngleMath.normalizedDegrees(longitude), latitude: latitude)
    }
}

extension GeoPoint: CustomStringConvertible {
    /// `"(lon, lat)"` in degrees, longitude first.
    public var description: String { "(\(longitude), \(latitude))" }
}
