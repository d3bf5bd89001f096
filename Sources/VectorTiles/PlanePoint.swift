/// A point of tile space before rounding: units of the tile's extent as doubles (x east, y
/// south).
struct PlanePoint: Equatable {
    var x: Double
    var y: Double

    /// The nearest integer point.
    var rounded: TilePoint {
        TilePoint(x: Int32(clamping: Int64(x.rounded())), y: Int32(clamping: Int64(y.rounded())))
    }
}
