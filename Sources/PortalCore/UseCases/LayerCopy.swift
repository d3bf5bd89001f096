/// What `qamtu copy` did to one layer: its name and the features copied.
public struct LayerCopy: Sendable, Hashable {
    /// The layer's name (`settlements`, …).
    public var layer: String
    /// Features read from the source and imported into the target.
    public var features: Int

    public init(layer: String, features: Int) {
        self.layer = layer
        self.features = features
    }
}
