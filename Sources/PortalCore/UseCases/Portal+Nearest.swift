import Coverage
import GeoModel

extension Portal {
    /// The point layers `nearest` works on.
    public static let pointLayers = [LayerSchema.settlements, .sites, .institutions]

    /// For each feature of `layer`, the `k` nearest features of `target` (exact geodesic
    /// distances on the WGS84 ellipsoid, metres; equal distances in the target layer's order;
    /// within one layer a feature is not its own neighbour).
    /// - Throws: ``PortalError`` (invalid input) for a layer without points or `k` outside 1…1000.
    public func nearest(_ layer: LayerSchema, to target: LayerSchema, k: Int) throws -> NearestResult {
        for l in [layer, target] where !Self.pointLayers.contains(where: { $0.name == l.name }) {
            throw PortalError(.invalidInput, "nearest works on point layers (\(Self.pointLayers.map(\.name).joined(separator: ", "))), not \(l.name)")
        }
        guard (1...1000).contains(k) else { throw PortalError(.invalidInput, "k must be between 1 and 1000, got \(k)") }
        let sources = try store.points(layer)
        let sameLayer = layer.name == target.name
        let targets = sameLayer ? sources : try store.points(target)
        let neighbours = NearestNeighbours(targets: targets).join(sources, k: k, excludeSameIndex: sameLayer)
        return NearestResult(fromLayer: layer, toLayer: target, k: k, sources: sources, targets: targets,
                             neighbours: neighbours)
    }
}
