/// A feature's geometry in tile space, ready to encode: what ``TileProjection`` makes of a
/// WGS84 geometry (projected, clipped to the buffered tile, simplified).
public enum TileGeometry: Sendable, Equatable {
    /// One or more points.
    case points([TilePoint])
    /// One or more lines of at least two distinct points each.
    case lines([[TilePoint]])
    /// One or more polygons, each its exterior ring then its holes; rings open (the first point
    /// is not repeated), exterior rings with a positive surveyor's area in tile space (clockwise
    /// on screen, y down) and holes negative, as Mapbox Vector Tile 2.1 §4.3.4.4 requires.
    case polygons([[[TilePoint]]])

    /// The `GeomType` of the encoded feature (1 point, 2 line string, 3 polygon).
    var typeCode: UInt64 {
        switch self {
        case .points: 1
        case .lines: 2
        case .polygons: 3
        }
    }

    /// The command integers of the geometry (§4.3): MoveTo, LineTo and ClosePath with zig-zag
    /// deltas from a cursor that starts at the tile's origin.
    func commands(into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        var cx: Int32 = 0
        var cy: Int32 = 0
        @inline(__always) func command(_ id: UInt32, _ count: Int) { out.append(id & 0x7 | UInt32(count) << 3) }
        @inline(__always) func parameter(_ p: TilePoint) {
            out.append(ProtobufWriter.zigZag32(p.x &- cx))
            out.append(ProtobufWriter.zigZag32(p.y &- cy))
            cx = p.x
            cy = p.y
        }
        switch self {
        case .points(let points):
            command(1, points.count)
            for p in points { parameter(p) }
        case .lines(let lines):
            for line in lines {
                command(1, 1)
                parameter(line[0])
                command(2, line.count - 1)
                for p in line.dropFirst() { parameter(p) }
            }
        case .polygons(let polygons):
            for polygon in polygons {
                for ring in polygon {
                    command(1, 1)
                    parameter(ring[0])
                    command(2, ring.count - 1)
                    for p in ring.dropFirst() { parameter(p) }
                    command(7, 1)
                }
            }
        }
    }
}
