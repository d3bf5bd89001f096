/// A Mapbox Vector Tile 2.1 (the `Tile` message of the specification's `vector_tile.proto`),
/// encoded by hand: the layers with at least one feature, in the order given.
public struct VectorTile: Sendable {
    /// The layers, in order.
    public var layers: [VectorTileLayer]

    /// A tile of `layers` (those without features are left out when encoded).
    public init(layers: [VectorTileLayer] = []) { self.layers = layers }

    /// The number of features in all layers.
    public var featureCount: Int { layers.reduce(0) { $0 + $1.featureCount } }

    /// The encoded tile; empty when no layer has a feature (an HTTP server answers 204 then).
    public func encoded() -> [UInt8] {
        let kept = layers.filter { $0.featureCount > 0 }
        let lengths = kept.map(\.encodedLength)
        // One buffer of the exact size: each layer is written into it directly, not copied.
        var w = ProtobufWriter(capacity: lengths.reduce(0) { $0 + 1 + ProtobufWriter.varintSize(UInt64($1)) + $1 })
        for (layer, length) in zip(kept, lengths) {
            w.writeKey(field: 3, wireType: ProtobufWriter.lengthDelimited)
            w.writeVarint(UInt64(length))
            layer.write(into: &w)
        }
        return w.bytes
    }
}
