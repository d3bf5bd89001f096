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
