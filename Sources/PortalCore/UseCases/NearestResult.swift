import Coverage
import GeoModel

/// The k nearest features of one point layer for each feature of another, by geodesic distance
/// on the WGS84 ellipsoid; ``NearestWriter`` writes it.
public struct NearestResult: Sendable {
    /// The layer whose features got neighbours.
    public let fromLayer: LayerSchema
    /// The layer the neighbours come from.
    public let toLayer: LayerSchema
    /// Neighbours per feature asked for.
    public let k: Int
    /// The features that got neighbours, in their layer's order.
    public let sources: [PointFeature]
    /// The candidate neighbours, in their layer's order.
    public let targets: [PointFeature]
    /// For each source, its neighbours nearest first (indices into `targets`, metres).
    public let neighbours: [[Neighbour]]

    /// Writes the pairs with `writer`; returns the number of pairs.
    public func write(with writer: NearestWriter, to sink: OutputSink) throws(GeoModelError) -> Int {
        try writer.write(sources: sources, targets: targets, neighbours: neighbours, fromLayer: fromLayer.name,
                         toLayer: toLayer.name, k: k, to: sink)
    }
}
