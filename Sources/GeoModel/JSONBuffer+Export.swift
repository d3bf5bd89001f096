extension JSONBuffer {
    /// Appends the geometry columns of a CSV line of a layer whose geometries are of `type`:
    /// `,lon,lat` with `precision` decimals for points (`,,` without a point), `,wkt` for other
    /// geometries (`,` without one), nothing for a layer without geometry.
    public mutating func csvGeometry(_ geometry: Geometry?, layerType type: GeometryType?, precision: Int) {
        guard let type else { return }
        if type == .point {
            if case .point(let p)? = geometry {
                raw(",")
                fixed(p.longitude, decimals: precision)
                raw(",")
                fixed(p.latitude, decimals: precision)
            } else {
                raw(",,")
            }
        } else {
            raw(",")
            if let geometry { csvField(WKT.text(geometry, decimals: precision)) }
        }
    }
}

extension JSONBuffer {
    /// Appends the opening of a layer export: the FeatureCollection's start (GeoJSON), nothing
    /// (GeoJSON text sequence), or the header line of the columns `included` (indices into the
    /// layer's columns) and the geometry columns (CSV). `members` (JSON object members without
    /// braces, see ``ExportOptions/collectionMembers``) follow the GeoJSON collection's name;
    /// `extraColumns` (computed values such as `distance_m`) end the CSV header, after the
    /// geometry columns.
    public mutating func exportHeader(layer: LayerSchema, included: [Int], format: ExportFormat, members: String = "",
                                      extraColumns: [String] = []) {
        switch format {
        case .geojson:
            raw("{\"type\":\"FeatureCollection\",\"name\":")
            string(layer.name)
            if !members.isEmpty {
                raw(",")
                raw(members)
            }
            raw(",\"features\":[\n")
        case .geojsonseq: break
        case .csv:
            raw(included.map { layer.columns[$0].name }.joined(separator: ","))
            if layer.geometryType == .point { raw(",lon,lat") } else if layer.geometryType != nil { raw(",wkt") }
            for name in extraColumns {
                raw(",")
                csvField(name)
            }
            raw("\n")
        }
    }

    /// Appends the end of a layer export of `count` features (only GeoJSON has one).
    public mutating func exportFooter(count: Int, format: ExportFormat) {
        if format == .geojson { raw(count > 0 ? "\n]}\n" : "]}\n") }
    }
}
