import GeoModel

/// What the stores that produce whole ``FeatureRecord``s (memory, PostGIS) do alike for
/// ``PortalStore/forEachFeature(_:columns:_:)`` and ``PortalStore/export(_:options:to:)``: the
/// columns a call names, and the records written to a sink through ``RecordFormatter``. The
/// SpatiaLite store writes its exports from SQLite's rows instead.
enum RecordStreaming {
    /// The indices of the columns `names` (the `id`, column 0, always).
    /// - Throws: `GeoModelError.unknownField` for a name that is not a column of `layer`.
    static func columns(_ names: [String], of layer: LayerSchema) throws -> Set<Int> {
        var kept: Set<Int> = [0]
        for name in names { kept.insert(try index(name, of: layer)) }
        return kept
    }

    /// `record` with every value outside `kept` null (as ``PortalStore/forEachFeature(_:columns:_:)`` gives it).
    static func keeping(_ kept: Set<Int>, of record: FeatureRecord) -> FeatureRecord {
        var values = record.values
        for i in values.indices where !kept.contains(i) { values[i] = .null }
        return FeatureRecord(values: values, geometry: record.geometry)
    }

    /// The indices of the columns an export writes: `options.properties`, else every column, in that order.
    /// - Throws: `GeoModelError.unknownField` for a property that is not a column of `layer`.
    static func exported(_ options: ExportOptions, of layer: LayerSchema) throws -> [Int] {
        try (options.properties ?? layer.columns.map(\.name)).map { try index($0, of: layer) }
    }

    /// Writes the records that `scan` gives, in its order, to `sink` as `options` say (at most
    /// about 1 MiB held), and finishes the sink.
    /// - Parameter included: the columns written (``exported(_:of:)``).
    /// - Returns: the number of features written.
    static func export(_ layer: LayerSchema, included: [Int], options: ExportOptions, to sink: OutputSink,
                       scan: ((FeatureRecord) throws -> Void) throws -> Void) throws -> Int {
        let formatter = RecordFormatter(layer: layer, included: included, options: options)
        var out = JSONBuffer(capacity: 1 << 16)
        formatter.header(into: &out)
        var count = 0
        try scan { record in
            formatter.feature(record, index: count, into: &out)
            count += 1
            if out.count >= 1 << 20 { try sink.drain(&out) }
        }
        formatter.footer(count: count, into: &out)
        try sink.drain(&out)
        try sink.finish()
        return count
    }

    private static func index(_ name: String, of layer: LayerSchema) throws -> Int {
        guard let index = layer.columnIndex(name) else { throw GeoModelError.unknownField(layer: layer.name, field: name) }
        return index
    }
}
