import GeoModel

/// One feature found near a point: its record (every column) and its geodesic distance.
struct NearbyFeature: Sendable {
    /// The feature.
    var record: FeatureRecord
    /// Metres from the centre, rounded as written (``NearbyRequest/distanceDecimals``).
    var distanceMeters: Double
}

/// Writes the features of ``Portal/nearby(_:options:to:)`` as `qamtu export` writes a layer, with
/// their distance added: a GeoJSON FeatureCollection or text sequence whose features end their
/// properties with `"distance_m":…`, or CSV with a last column `distance_m` (after `lon`,`lat`).
///
/// Every other byte comes from ``RecordFormatter``, so a feature's id, geometry and properties are
/// written exactly as the export writes them (same columns, values, number forms, precision,
/// `ExportOptions.collectionMembers`).
struct NearbyWriter {
    let formatter: RecordFormatter

    /// A writer for `layer` as `options` say. `options.properties` may name `distance_m` (it is
    /// written last in any case).
    /// - Throws: `GeoModelError.unknownField` for another name that is not a column of `layer`.
    init(layer: LayerSchema, options: ExportOptions) throws(GeoModelError) {
        var included: [Int] = []
        for name in options.properties ?? layer.columns.map(\.name) where name != NearbyRequest.distanceProperty {
            guard let index = layer.columnIndex(name) else { throw .unknownField(layer: layer.name, field: name) }
            included.append(index)
        }
        formatter = RecordFormatter(layer: layer, included: included, options: options)
    }

    /// Writes `features` in their order to `sink` and finishes it; returns their count.
    func write(_ features: [NearbyFeature], to sink: OutputSink) throws(GeoModelError) -> Int {
        var out = JSONBuffer(capacity: 1 << 16)
        formatter.header(extraColumns: [NearbyRequest.distanceProperty], into: &out)
        for (index, feature) in features.enumerated() {
            formatter.feature(feature.record, index: index,
                              extra: [(NearbyRequest.distanceProperty, .real(feature.distanceMeters))], into: &out)
            if out.count >= 1 << 20 { try sink.drain(&out) }
        }
        formatter.footer(count: features.count, into: &out)
        try sink.drain(&out)
        try sink.finish()
        return features.count
    }
}
