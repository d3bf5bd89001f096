/// The buffered tile in tile space (x to the east, y to the south, both closed intervals): what
/// lines and polygons are clipped to.
struct ClipRectangle {
    let minX: Double
    let minY: Double
    let maxX: Double
    let maxY: Double

    var width: Double { maxX - minX }
    var height: Double { maxY - minY }
    /// The length of the boundary.
    var perimeter: Double { 2 * (width + height) }

    func contains(_ p: PlanePoint) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }

    /// The part of segment a→b inside the rectangle as parameters 0 ≤ t0 ≤ t1 ≤ 1 along it
    /// (Liang–Barsky), or nil when it misses the rectangle.
    func clip(_ a: PlanePoint, _ b: PlanePoint) -> (t0: Double, t1: Double)? {
        var t0 = 0.0
        var t1 = 1.0
        let dx = b.x - a.x
        let dy = b.y - a.y
        for (p, q) in [(-dx, a.x - minX), (dx, maxX - a.x), (-dy, a.y - minY), (dy, maxY - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return nil }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return nil }
                    if r < t1 { t1 = r }
                }
            }
        }
        return (t0, t1)
    }

    /// The point at `t` along a→b; at an end of the clipped interval that lies on the boundary
    /// (0 < t < 1), snapped onto the nearest side exactly.
    func point(_ a: PlanePoint, _ b: PlanePoint, at t: Double) -> PlanePoint {
        if t <= 0 { return a }
        if t >= 1 { return b }
        return snapped(PlanePoint(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)))
    }

    /// `p` moved onto the side of the rectangle it is nearest to, and clamped into it.
    func snapped(_ p: PlanePoint) -> PlanePoint {
        var q = PlanePoint(x: min(maxX, max(minX, p.x)), y: min(maxY, max(minY, p.y)))
        let distances = [abs(q.x - minX), abs(q.x - maxX), abs(q.y - minY), abs(q.y - maxY)]
        let nearest = distances.indices.min { distances[$0] < distances[$1] } ?? 0
        switch nearest {
        case 0: q.x = minX
        case 1: q.x = maxX
        case 2: q.y = minY
        default: q.y = maxY
        }
        return q
    }

    /// Where a boundary point lies along the boundary, walked from (minX, minY) to (maxX, minY),
    /// (maxX, maxY), (minX, maxY) and back: the direction with a positive surveyor's area.
    func boundaryPosition(_ p: PlanePoint) -> Double {
        let distances = [abs(p.y - minY), abs(p.x - maxX), abs(p.y - maxY), abs(p.x - minX)]
        let side = distances.indices.min { distances[$0] < distances[$1] } ?? 0
        switch side {
        case 0: return min(width, max(0, p.x - minX))
        case 1: return width + min(height, max(0, p.y - minY))
        case 2: return width + height + min(width, max(0, maxX - p.x))
        default: return 2 * width + height + min(height, max(0, maxY - p.y))
        }
    }

    /// The corners in walking order with their boundary positions.
    var corners: [(position: Double, point: PlanePoint)] {
        [(0, PlanePoint(x: minX, y: minY)), (width, PlanePoint(x: maxX, y: minY)),
         (width + height, PlanePoint(x: maxX, y: maxY)), (2 * width + height, PlanePoint(x: minX, y: maxY))]
    }

    /// The rectangle as a ring with a positive surveyor's area.
    var ring: [PlanePoint] { corners.map(\.point) }
}
