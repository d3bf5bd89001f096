import Geodesy

/// Where a point projects onto a ``CorridorRoad``: the nearest point of the road, how far
/// away it is and how far along the road it lies.
///
/// It differs from Geodesy's ``PolylineLocation`` (one polyline) in what it counts over: a road
/// may have several parts, so the location names the part, and its chainage runs along all
/// parts in order, skipping the space between them.
public struct RoadLocation: Sendable, Hashable {
    /// The nearest point of the road (EPSG:4326 degrees, longitude first, longitude in
    /// `[-180, 180)`).
    public var point: GeoPoint
    /// Ellipsoidal (WGS84 geodesic) distance, metres, from the query point to ``point``;
    /// `≥ 0`.
    public var offsetMeters: Double
    /// Chainage of ``point``: metres along the road from the start of its first part,
    /// counting the parts in order and skipping the space between them; in
    /// `0 ... CorridorRoad.lengthMeters`.
    public var chainageMeters: Double
    /// Zero-based index of the road part that holds ``point``.
    public var partIndex: Int
    /// Zero-based index, within its part, of the segment `vertices[i] → vertices[i + 1]`
    /// that holds ``point`` (as ``PolylineLocation/segmentIndex``).
    public var segmentIndex: Int

    /// Creates a location from its parts (units as documented on each property).
    public init(
        point: GeoPoint, offsetMeters: Double, chainageMeters: Double, partIndex: Int,
        segmentIndex: Int
    ) {
        self.point = point
        self.offsetMeters = offsetMeters
        self.chainageMeters = chainageMeters
        self.partIndex = partIndex
        self.segmentIndex = segmentIndex
    }

    /// Chainage in kilometres (``chainageMeters`` / 1000).
    public var chainageKilometers: Double { chainageMeters / 1000 }
}
