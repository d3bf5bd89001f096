import Corridor
import GeoModel

/// The sites within a distance of a road, by chainage; ``RoadMastsWriter`` writes them.
public struct RoadMasts: Sendable {
    /// The road.
    public let road: LoadedRoad
    /// The largest offset asked for.
    public let within: Distance
    /// The sites found, by chainage, each with its location on the road.
    public let masts: [CorridorMast<FeatureRecord>]
}
