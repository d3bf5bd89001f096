/// A Mapbox Vector Tile 2.1 (the `Tile` message of the specification's `vector_tile.proto`),
/// encoded by hand: the layers with at least one feature, in the order given.
public struct VectorTile: Sendable {
    /// The layers, in order.
    public var layers: [VectorTileLayer]

    public init(layers: [VectorTileLayer] = []) { self.layers = layers }

    /// The number of features in all layers.
    public var featureCount: Int { layers.reduce(0) { $0 + $1.featureCount } }

    /// The encoded tile; empty when no layer has a feature (an HTTP server answers 204 then).
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter()
        for layer in layers where layer.featureCount > 0 {
            w.writeBytesField(3, layer.encoded())
        }
        return w.bytes
    }
}
