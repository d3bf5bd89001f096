import Foundation
import Geodesy

/// A tile of the OGC `WebMercatorQuad` tile matrix set (EPSG:3857, the XYZ scheme of web maps):
/// zoom `z` (tile matrix), column `x` from the antimeridian eastwards and row `y` from the north
/// (OGC `tileCol` / `tileRow`; MBTiles stores rows flipped, see ``tmsRow``).
public struct TileCoordinate: Sendable, Hashable, CustomStringConvertible {
    /// The zoom level (tile matrix), 0…``maxZoom``.
    public let z: Int
    /// The column, 0 ..< 2^z, west to east.
    public let x: Int
    /// The row, 0 ..< 2^z, north to south.
    public let y: Int

    /// The deepest zoom of `WebMercatorQuad` (OGC TMS 2.0 defines 0…24).
    public static let maxZoom = 24

    /// A tile, or an error naming the value out of the tile matrix's limits.
    /// - Throws: ``VectorTileError/outsideTileMatrix(_:)``.
    public init(z: Int, x: Int, y: Int) throws(VectorTileError) {
        guard (0...Self.maxZoom).contains(z) else {
            throw .outsideTileMatrix("zoom \(z) is outside WebMercatorQuad's 0…\(Self.maxZoom)")
        }
        let size = 1 << z
        guard (0..<size).contains(x), (0..<size).contains(y) else {
            throw .outsideTileMatrix("tile \(z)/\(y)/\(x) (zoom/row/column) is outside zoom \(z)'s rows and columns 0…\(size - 1)")
        }
        self.z = z
        self.x = x
        self.y = y
    }

    /// The number of rows (and columns) at this zoom.
    public var matrixSize: Int { 1 << z }

    /// The row as MBTiles (TMS) numbers it, from the south.
    public var tmsRow: Int { matrixSize - 1 - y }

    /// `z/x/y`, the XYZ order of web maps.
    public var description: String { "\(z)/\(x)/\(y)" }

    /// The tiles of zoom `z` that intersect `box` (EPSG:4326 degrees; a box that crosses the
    /// antimeridian gives the columns at both ends), row by row; latitudes beyond Web Mercator's
    /// ±85.0511° are clamped.
    public static func tiles(covering box: BoundingBox, zoom z: Int) -> [TileCoordinate] {
        let (rows, columns) = ranges(covering: box, zoom: z)
        var out: [TileCoordinate] = []
        out.reserveCapacity(rows.count * columns.count)
        for r in rows {
            for c in columns {
                if let tile = try? TileCoordinate(z: z, x: c, y: r) { out.append(tile) }
            }
        }
        return out
    }

    /// How many tiles ``tiles(covering:zoom:)`` lists, without listing them.
    public static func count(covering box: BoundingBox, zoom z: Int) -> Int {
        let (rows, columns) = ranges(covering: box, zoom: z)
        return rows.count * columns.count
    }

    /// The rows and the columns (in order, each once) of zoom `z` that intersect `box`.
    private static func ranges(covering box: BoundingBox, zoom z: Int) -> (ClosedRange<Int>, [Int]) {
        let size = 1 << z
        func column(_ lon: Double) -> Int { min(size - 1, max(0, Int(floor(WebMercator.worldX(longitude: lon) * Double(size))))) }
        func row(_ lat: Double) -> Int { min(size - 1, max(0, Int(floor(WebMercator.worldY(latitude: lat) * Double(size))))) }
        let rows = row(box.maxLatitude)...row(box.minLatitude)
        var columns: [Int] = []
        var seen = Set<Int>()
        for part in box.splitAtAntimeridian {
            for c in column(part.minLongitude)...column(part.maxLongitude) where seen.insert(c).inserted { columns.append(c) }
        }
        return (rows, columns)
    }
}
