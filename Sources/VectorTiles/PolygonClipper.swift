/// The intersection of a polygon with the buffered tile, as polygons whose boundaries are the
/// polygon's own edges inside the rectangle joined by stretches of the rectangle's sides.
///
/// Each ring is cut into pieces inside the rectangle (each entering and leaving through the
/// boundary); a result ring then follows a piece to where it leaves, walks the boundary forward
/// (in the direction that keeps the interior on the same side) to the next piece's entry, and so
/// on until it is back at its first piece. Unlike clipping each ring against each side
/// (Sutherland–Hodgman), this makes no zero-width bridges along the boundary when a concave
/// polygon leaves and re-enters the tile, so a valid polygon gives valid polygons.
enum PolygonClipper {
    /// One piece of a ring inside the rectangle: from its entry to its exit on the boundary.
    private struct Piece {
        var points: [PlanePoint]
        var entry: Double
        var exit: Double
    }

    /// The surveyor's (shoelace) area of an open ring, positive when it turns from +x to +y.
    static func signedArea(_ ring: [PlanePoint]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        var previous = ring[ring.count - 1]
        for p in ring {
            sum += previous.x * p.y - p.x * previous.y
            previous = p
        }
        return sum / 2
    }

    /// Whether `p` is inside `ring` (even–odd rule).
    static func contains(_ ring: [PlanePoint], _ p: PlanePoint) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let a = ring[i]
            let b = ring[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }

    /// The parts of the polygon `rings` (exterior first, then holes; open rings in tile space)
    /// inside `rect`: polygons with their exterior ring first, exteriors of positive area and
    /// holes of negative area.
    static func clip(_ rings: [[PlanePoint]], to rect: ClipRectangle) -> [[[PlanePoint]]] {
        var oriented: [[PlanePoint]] = []
        for (index, ring) in rings.enumerated() {
            let area = signedArea(ring)
            if area == 0 {
                if index == 0 { return [] }
                continue
            }
            oriented.append((area > 0) == (index == 0) ? ring : ring.reversed())
        }
        guard let shell = oriented.first else { return [] }
        let bounds = Self.bounds(shell)
        if bounds.maxX < rect.minX || bounds.minX > rect.maxX || bounds.maxY < rect.minY || bounds.minY > rect.maxY { return [] }
        if bounds.minX >= rect.minX, bounds.maxX <= rect.maxX, bounds.minY >= rect.minY, bounds.maxY <= rect.maxY {
            return [oriented]
        }

        var pieces: [Piece] = []
        var insideShells: [[PlanePoint]] = []
        var insideHoles: [[PlanePoint]] = []
        for (index, ring) in oriented.enumerated() {
            guard let start = ring.firstIndex(where: { !rect.contains($0) }) else {
                if index == 0 { insideShells.append(ring) } else { insideHoles.append(ring) }
                continue
            }
            pieces += Self.pieces(ring, from: start, rect: rect)
        }

        var polygons: [[[PlanePoint]]]
        if pieces.isEmpty {
            if !insideShells.isEmpty {
                polygons = insideShells.map { [$0] }
            } else {
                // No ring crosses the boundary: the rectangle is inside the polygon or outside it.
                let corner = PlanePoint(x: rect.minX, y: rect.minY)
                let covered = oriented.reduce(false) { $0 != contains($1, corner) }
                guard covered else { return [] }
                polygons = [[rect.ring]]
            }
        } else {
            polygons = assemble(pieces, rect: rect).map { [$0] }
        }
        // Holes wholly inside the rectangle go to the result ring that holds them.
        for hole in insideHoles {
            if let k = polygons.firstIndex(where: { contains($0[0], hole[0]) }) { polygons[k].append(hole) }
        }
        return polygons
    }

    private static func bounds(_ ring: [PlanePoint]) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        var b = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
        for p in ring {
            b.minX = min(b.minX, p.x)
            b.maxX = max(b.maxX, p.x)
            b.minY = min(b.minY, p.y)
            b.maxY = max(b.maxY, p.y)
        }
        return b
    }

    /// The pieces of `ring` inside `rect`, walking its edges from vertex `start` (outside).
    private static func pieces(_ ring: [PlanePoint], from start: Int, rect: ClipRectangle) -> [Piece] {
        var out: [Piece] = []
        var current: [PlanePoint]? = nil
        let n = ring.count
        for i in 0..<n {
            let a = ring[(start + i) % n]
            let b = ring[(start + i + 1) % n]
            guard let (t0, t1) = rect.clip(a, b) else { continue }
            if current == nil {
                current = [rect.point(a, b, at: t0)]
            }
            let end = rect.point(a, b, at: t1)
            if current?.last != end { current?.append(end) }
            if t1 < 1 || !rect.contains(b) || (i == n - 1) {
                // Left the rectangle (or the walk is back at its outside start).
                if let points = current, points.count >= 2 {
                    let first = rect.snapped(points[0])
                    let last = rect.snapped(points[points.count - 1])
                    var kept = points
                    kept[0] = first
                    kept[kept.count - 1] = last
                    out.append(Piece(points: kept, entry: rect.boundaryPosition(first), exit: rect.boundaryPosition(last)))
                }
                current = nil
            }
        }
        return out
    }

    /// Joins the pieces into rings along the boundary.
    private static func assemble(_ pieces: [Piece], rect: ClipRectangle) -> [[PlanePoint]] {
        let perimeter = rect.perimeter
        let corners = rect.corners
        func forward(_ from: Double, _ to: Double) -> Double {
            let d = (to - from).truncatingRemainder(dividingBy: perimeter)
            return d < 0 ? d + perimeter : d
        }
        var used = [Bool](repeating: false, count: pieces.count)
        var rings: [[PlanePoint]] = []
        for first in pieces.indices where !used[first] {
            used[first] = true
            var ring = pieces[first].points
            var current = first
            for _ in 0...pieces.count {
                let exit = pieces[current].exit
                var next = first
                var best = forward(exit, pieces[first].entry)
                for j in pieces.indices where !used[j] {
                    let d = forward(exit, pieces[j].entry)
                    if d < best {
                        best = d
                        next = j
                    }
                }
                // The corners passed on the way, in walking order.
                let passed = corners.map { (forward(exit, $0.position), $0.point) }
                    .filter { $0.0 > 0 && $0.0 < best }
                    .sorted { $0.0 < $1.0 }
                for (_, corner) in passed where ring.last != corner { ring.append(corner) }
                if next == first { break }
                used[next] = true
                for p in pieces[next].points where ring.last != p { ring.append(p) }
                current = next
            }
            if ring.count > 1, ring.first == ring.last { ring.removeLast() }
            if ring.count >= 3 { rings.append(ring) }
        }
        return rings
    }
}
