import Foundation
import Geodesy

/// GeoJSON features, optionally passed through an adapter that maps a foreign schema to the contract.
final class GeoJSONSource: FeatureSource {
    private let reader: GeoJSONFeatureReader
    private let layer: LayerSchema
    private let fieldMap: [String: String]
    private let defaults: [String: String]
    private let adapter: ((inout SourceFeature) -> Void)?
    private(set) var ignoredFields: Set<String> = []
    let skipped: [String: Int] = [:]
    var decimalComma: Bool { false }
    var progress: (done: Int, total: Int?) { reader.progress }

    init(path: String, displayName: String?, layer: LayerSchema, options: SourceOptions,
         adapter: ((inout SourceFeature) -> Void)?) throws(GeoModelError) {
        reader = try GeoJSONFeatureReader(path: path, displayName: displayName)
        self.layer = layer
        fieldMap = options.fieldMap
        defaults = options.defaults
        self.adapter = adapter
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        guard var feature = try reader.next() else { return nil }
        if feature.isUnreadable { return feature }
        if !fieldMap.isEmpty {
            var renamed: [String: RawValue] = [:]
            for (key, value) in feature.properties { renamed[fieldMap[key] ?? key] = value }
            feature.properties = renamed
        }
        adapter?(&feature)
        feature.applyDefaults(defaults)
        for key in feature.properties.keys where layer.columnIndex(key) == nil { ignoredFields.insert(key) }
        return feature
    }
}
