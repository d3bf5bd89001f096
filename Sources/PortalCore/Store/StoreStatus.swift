/// What a store holds, for `qamtu info` and the server's landing page.
public struct StoreStatus: Sendable, Equatable {
    /// Where the store is (a path, `memory`).
    public var location: String
    /// The last schema migration applied, when the store has migrations.
    public var schema: String?
    /// Feature counts per layer, in the layers' order.
    public var layerCounts: [LayerCount]
    /// Whether the derived site pack is current (nil: the store has none, or no sites).
    public var sitePackCurrent: Bool?

    /// One layer's feature count.
    public struct LayerCount: Sendable, Equatable {
        /// The layer's name.
        public var layer: String
        /// Its features.
        public var count: Int
    }
}
