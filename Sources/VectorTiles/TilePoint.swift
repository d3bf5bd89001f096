/// A point of tile space: integer units of the tile's extent (4096 per tile side), x to the
/// east and y to the south from the tile's north-west corner; negative or beyond the extent in
/// the buffer around the tile.
public struct TilePoint: Sendable, Hashable {
    /// Units east of the tile's west edge.
    public var x: Int32
    /// Units south of the tile's north edge (y grows downwards, as on screen).
    public var y: Int32

    /// The point `x` units east and `y` units south of the tile's north-west corner.
    public init(x: Int32, y: Int32) {
        self.x = x
        self.y = y
    }
}
