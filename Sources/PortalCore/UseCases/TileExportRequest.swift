import GeoModel
import Geodesy

/// What `qamtu tiles export` asks for: the tiles of some stored layers at a range of zooms over
/// a box, written as an MBTiles 1.3 file.
public struct TileExportRequest: Sendable {
    /// The stored layers, one MVT layer each.
    public var layers: [LayerSchema]
    /// The zooms, within 0…24.
    public var zooms: ClosedRange<Int>
    /// The box whose tiles are made (EPSG:4326 degrees; may cross the antimeridian); nil: the
    /// layers' extent.
    public var bbox: BoundingBox?
    /// The MBTiles file to write (replaced only when complete).
    public var path: String
    /// The tileset's name in the file's metadata (nil: the file's name).
    public var name: String?

    public init(layers: [LayerSchema], zooms: ClosedRange<Int>, bbox: BoundingBox? = nil, path: String, name: String? = nil) {
        self.layers = layers
        self.zooms = zooms
        self.bbox = bbox
        self.path = path
        self.name = name
    }
}

/// What a tile export wrote.
public struct TileExportReport: Sendable, Equatable {
    /// Tiles written (non-empty ones; empty tiles are not stored).
    public var tiles: Int
    /// Tiles looked at, empty ones included.
    public var tilesVisited: Int
    /// Bytes of the gzip-compressed tiles.
    public var bytes: Int
    /// The box exported, nil when the layers were empty.
    public var bbox: BoundingBox?
}
