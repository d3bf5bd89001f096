import GeoModel

/// Writes feature records of one layer as GeoJSON features, GeoJSON text sequence records or CSV
/// lines, byte for byte as the SpatiaLite store's export writes its rows: stores that read
/// records (the in-memory store, and any store without a row formatter of its own) export
/// through it.
struct RecordFormatter {
    let layer: LayerSchema
    /// Layer column index of each column written.
    let included: [Int]
    let options: ExportOptions
    let writer: GeoJSONWriter

    init(layer: LayerSchema, included: [Int], options: ExportOptions) {
        self.layer = layer
        self.included = included
        self.options = options
        writer = GeoJSONWriter(precision: options.precision)
    }

    /// The collection's opening (GeoJSON) or the header line (CSV); `extraColumns` name the
    /// `extra` values each ``feature(_:index:extra:into:)`` appends (CSV only).
    func header(extraColumns: [String] = [], into out: inout JSONBuffer) {
        out.exportHeader(layer: layer, included: included, format: options.format, members: options.collectionMembers,
                         extraColumns: extraColumns)
    }

    /// The collection's end after `count` features.
    func footer(count: Int, into out: inout JSONBuffer) {
        out.exportFooter(count: count, format: options.format)
    }

    /// One feature; `index` counts from 0 (the first GeoJSON feature has no separator). `extra`
    /// values computed for the feature (a distance) follow the layer's columns among the GeoJSON
    /// properties, and the geometry columns in CSV.
    func feature(_ record: FeatureRecord, index: Int, extra: [(name: String, value: FieldValue)] = [],
                 into out: inout JSONBuffer) {
        switch options.format {
        case .geojson, .geojsonseq:
            if options.format == .geojson && index > 0 { out.raw(",\n") }
            if options.recordSeparator, options.format == .geojsonseq { out.append(0x1E) }
            out.raw("{\"type\":\"Feature\",\"id\":")
            out.string(record.id)
            out.raw(",\"geometry\":")
            if layer.geometryType != nil, let geometry = record.geometry {
                writer.geometry(geometry, into: &out)
            } else {
                out.raw("null")
            }
            out.raw(",\"properties\":{")
            for (i, column) in included.enumerated() {
                if i > 0 { out.raw(",") }
                out.string(layer.columns[column].name)
                out.raw(":")
                writer.value(record.values[column], into: &out)
            }
            for (i, (name, value)) in extra.enumerated() {
                if i > 0 || !included.isEmpty { out.raw(",") }
                out.string(name)
                out.raw(":")
                writer.value(value, into: &out)
            }
            out.raw("}}")
            if options.format == .geojsonseq { out.raw("\n") }
        case .csv:
            for (i, column) in included.enumerated() {
                if i > 0 { out.raw(",") }
                Self.csvValue(record.values[column], into: &out)
            }
            out.csvGeometry(record.geometry, layerType: layer.geometryType, precision: options.precision)
            for (_, value) in extra {
                out.raw(",")
                Self.csvValue(value, into: &out)
            }
            out.raw("\n")
        }
    }

    /// A CSV field: empty for null, numbers as in JSON, text quoted when it needs to be.
    @inline(__always)
    static func csvValue(_ value: FieldValue, into out: inout JSONBuffer) {
        switch value {
        case .null: break
        case .integer(let value): out.integer(value)
        case .real(let value): out.number(value)
        case .text(let text): out.csvField(text)
        }
    }
}
