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

    /// The collection's opening (GeoJSON) or the header line (CSV).
    func header(into out: inout JSONBuffer) {
        switch options.format {
        case .geojson:
            out.raw("{\"type\":\"FeatureCollection\",\"name\":")
            out.string(layer.name)
            out.raw(",\"features\":[\n")
        case .geojsonseq: break
        case .csv:
            out.raw(included.map { layer.columns[$0].name }.joined(separator: ","))
            if layer.geometryType == .point { out.raw(",lon,lat") } else if layer.geometryType != nil { out.raw(",wkt") }
            out.raw("\n")
        }
    }

    /// The collection's end after `count` features.
    func footer(count: Int, into out: inout JSONBuffer) {
        if options.format == .geojson { out.raw(count > 0 ? "\n]}\n" : "]}\n") }
    }

    /// One feature; `index` counts from 0 (the first GeoJSON feature has no separator).
    func feature(_ record: FeatureRecord, index: Int, into out: inout JSONBuffer) {
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
            out.raw("}}")
            if options.format == .geojsonseq { out.raw("\n") }
        case .csv:
            for (i, column) in included.enumerated() {
                if i > 0 { out.raw(",") }
                switch record.values[column] {
                case .null: break
                case .integer(let value): out.integer(value)
                case .real(let value): out.number(value)
                case .text(let text): out.csvField(text)
                }
            }
            if layer.geometryType == .point {
                if case .point(let p)? = record.geometry {
                    out.raw(",")
                    out.fixed(p.longitude, decimals: options.precision)
                    out.raw(",")
                    out.fixed(p.latitude, decimals: options.precision)
                } else {
                    out.raw(",,")
                }
            } else if layer.geometryType != nil {
                out.raw(",")
                if let geometry = record.geometry { out.csvField(WKT.text(geometry, decimals: options.precision)) }
            }
            out.raw("\n")
        }
    }
}
