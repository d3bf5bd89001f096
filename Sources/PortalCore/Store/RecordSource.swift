import GeoModel

/// Feature records of one store's layer as a ``FeatureSource``, so that another store imports
/// them through its ordinary, validated import (``StoreCopy``).
///
/// Each record becomes a source feature with its values as raw values by column name and its
/// geometry (none for a derived geometry, which the target derives again); its location names
/// the source store, the layer and the record's place in it.
final class RecordSource: FeatureSource {
    private let records: [FeatureRecord]
    private let layer: LayerSchema
    private let origin: String
    private var index = 0

    /// A source over `records` of `layer`, read from the store at `origin`.
    init(records: [FeatureRecord], layer: LayerSchema, origin: String) {
        self.records = records
        self.layer = layer
        self.origin = origin
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        guard index < records.count else { return nil }
        let record = records[index]
        var properties: [String: RawValue] = [:]
        for (column, value) in zip(layer.columns, record.values) {
            switch value {
            case .null: continue
            case .integer(let n): properties[column.name] = .integer(n)
            case .real(let d): properties[column.name] = .real(d)
            case .text(let s): properties[column.name] = .string(s)
            }
        }
        let feature = SourceFeature(location: SourceLocation(file: "\(origin) \(layer.name)", line: nil, featureIndex: index),
                                    properties: properties, geometry: layer.geometryIsDerived ? nil : record.geometry)
        index += 1
        return feature
    }

    var progress: (done: Int, total: Int?) { (index, records.count) }
    var skipped: [String: Int] { [:] }
    var ignoredFields: Set<String> { [] }
    var decimalComma: Bool { false }
}
