import Geodesy

/// Where a point projects onto a ``CorridorRoad``: the nearest point of the road, how far
/// away it is and how far along the road it lies.
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

/// A stretch of one part of a ``CorridorRoad`` between two chainages (metres along the
/// road, as in ``RoadLocation/chainageMeters``), both ends included.
///
/// A stretch never spans two parts: the space between parts is not road.
public struct RoadStretch: Sendable, Hashable {
    /// Zero-based index of the part the stretch lies on.
    public var partIndex: Int
    /// Chainage of the start, metres; `≤` ``toMeters``.
    public var fromMeters: Double
    /// Chainage of the end, metres.
    public var toMeters: Double

    /// Creates a stretch of part `partIndex` from `fromMeters` to `toMeters` (chainages in
    /// metres, `fromMeters ≤ toMeters`).
    public init(partIndex: Int, fromMeters: Double, toMeters: Double) {
        self.partIndex = partIndex
        self.fromMeters = fromMeters
        self.toMeters = toMeters
    }

    /// Length along the road, metres.
    public var lengthMeters: Double { toMeters - fromMeters }

    /// Whether `chainageMeters` lies in the stretch (ends included).
    public func contains(_ chainageMeters: Double) -> Bool {
        fromMeters <= chainageMeters && chainageMeters <= toMeters
    }
}
