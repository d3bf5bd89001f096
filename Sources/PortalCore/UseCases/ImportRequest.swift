import GeoModel
import Geodesy

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
    /// Replace the layer's features, update them by id, or validate only.
    public var options: ImportOptions
    /// Only the features in this part of the map, when set (see ``limited(to:)``).
    public var region: Region? = nil

    /// The part of the map an import keeps.
    public enum Region: Sendable, Equatable {
        /// Features intersecting a box (EPSG:4326 degrees).
        case bbox(BoundingBox)
        /// Features in a district of the store (name in any script, or id).
        case district(String)
    }

    /// A request; the format is detected unless given.
    public init(layer: LayerSchema, path: String, format: InputFormat? = nil, source: SourceOptions = SourceOptions(),
                options: ImportOptions = ImportOptions()) {
        self.layer = layer
        self.path = path
        self.format = format
        self.source = source
        self.options = options
    }

    /// The same request keeping only the features in `region` (nil: all).
    public func limited(to region: Region?) -> ImportRequest {
        var copy = self
        copy.region = region
        return copy
    }
}
