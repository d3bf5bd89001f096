/// Where a point projects onto a ``GeodesicPolyline``: the nearest point of the line,
/// how far away it is, and how far along the line it lies. (A road of several parts has
/// Corridor's `RoadLocation`, which adds the part and counts chainage over all parts.)
public struct PolylineLocation: Sendable, Hashable {
    /// The nearest point on the polyline (EPSG:4326 degrees, longitude in `[-180, 180)`).
    public var point: GeoPoint
    /// Ellipsoidal (WGS84 geodesic) distance from the query point to ``point``, metres,
    /// `≥ 0`.
    public var offsetMeters: Double
    /// Index `i` of the segment `vertices[i] → vertices[i + 1]` that contains ``point``.
    /// A point exactly at an interior vertex `k` is reported on segment `k` (the one
    /// starting there); the last vertex on the last segment; `0` for a one-vertex
    /// polyline.
    public var segmentIndex: Int
    /// Geodesic length along the polyline from its first vertex to ``point``, metres,
    /// in `0 ... lengthMeters`.
    public var chainageMeters: Double

    /// Creates a location from its parts (units as documented on each property).
    public init(point: GeoPoint, offsetMeters: Double, segmentIndex: Int, chainageMeters: Double) {
        self.point = point
        self.offsetMeters = offsetMeters
        self.segmentIndex = segmentIndex
        self.chainageMeters = chainageMeters
    }
}
