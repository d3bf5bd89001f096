/// Output formats of feature exports (`qamtu export`, `qamtu nearest`, the server's items).
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One RFC 7946 FeatureCollection.
    case geojson
    /// GeoJSON text sequence: one Feature per line (newline-delimited; see
    /// ``ExportOptions/recordSeparator``).
    case geojsonseq
    /// CSV with the column contract's header and `lon`,`lat` (points) or `wkt` (other geometries).
    case csv
}
