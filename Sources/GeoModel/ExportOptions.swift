/// How features are written by an export.
public struct ExportOptions: Sendable {
    /// The format.
    public var format: ExportFormat = .geojson
    /// Decimals of coordinates (0…15), correctly rounded.
    public var precision = 6
    /// GeoJSON text sequences: start each record with the RFC 8142 record separator (0x1E).
    public var recordSeparator = false
    /// The columns to write, in this order (nil: all of the layer's columns). The feature `id` of
    /// GeoJSON is always written.
    public var properties: [String]?
    /// Further members of a GeoJSON FeatureCollection, written after its `name` (a server's
    /// `numberMatched`, `numberReturned`, `timeStamp` and `links`): JSON object members without
    /// the braces, e.g. `"numberMatched":3,"links":[]`, or empty. Other formats ignore them.
    public var collectionMembers = ""
    /// Rows per chunk of a parallel export (a store's internal ids; tests make it small).
    public var rowsPerChunk: Int64 = 32_768

    /// Options for `format`, `precision` decimals, and optionally record separators and a column list.
    public init(format: ExportFormat = .geojson, precision: Int = 6, recordSeparator: Bool = false, properties: [String]? = nil) {
        self.format = format
        self.precision = precision
        self.recordSeparator = recordSeparator
        self.properties = properties
    }
}
