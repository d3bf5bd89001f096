import GeoModel

/// A file to import into a layer, and how.
public struct ImportRequest: Sendable {
    /// The layer to fill.
    public var layer: LayerSchema
    /// The input file, `-` for standard input.
    public var path: String
    /// The input format; nil: detected from the content (not possible for standard input).
    public var format: InputFormat?
    /// Renames of input fields (source → column) and values for empty columns.
    public var source: SourceOptions
    /// Replace the layer's features, or validate only.
    public var options: ImportOptions

    /// A request; the format is detected unless given.
    public init(layer: LayerSchema, path: String, format: InputFormat? = nil, source: SourceOptions = SourceOptions(),
                options: ImportOptions = ImportOptions()) {
        self.layer = layer
        self.path = path
        self.format = format
        self.source = source
        self.options = options
    }
}
