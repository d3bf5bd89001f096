import GeoModel

/// The features a name search found, best first.
public struct FindResult: Sendable {
    /// The layer searched.
    public let layer: LayerSchema
    /// The matches with their features, best first.
    public let found: [Found]

    /// One match and its feature.
    public struct Found: Sendable {
        /// How the name matched (kind, score, the name matched).
        public let match: NameMatch
        /// The feature.
        public let record: FeatureRecord
    }
}
