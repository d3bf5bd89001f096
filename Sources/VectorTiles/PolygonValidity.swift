/// Whether rounded, simplified polygons are still valid in the OGC sense: no ring crosses
/// itself or another, no ring touches itself, every hole starts inside its exterior ring.
/// Exact (64-bit integer arithmetic); segments are compared through a sweep along x.
enum PolygonValidity {
    private struct Segment {
        var a: TilePoint
        var b: TilePoint
        var ring: Int
        var index: Int
        var count: Int
        var minX: Int32 { min(a.x, b.x) }
        var maxX: Int32 { max(a.x, b.x) }
    }

    /// True when the polygons (exterior ring first, then holes; open rings) are valid together.
    static func isValid(_ polygons: [[[TilePoint]]]) -> Bool {
        var segments: [Segment] = []
        var ringNumber = 0
        for polygon in polygons {
            guard let shell = polygon.first else { return false }
            for (k, ring) in polygon.enumerated() {
                guard ring.count >= 3 else { return false }
                if k > 0, !contains(shell, ring[0]) { return false }
                for i in ring.indices {
                    segments.append(Segment(a: ring[i], b: ring[(i + 1) % ring.count], ring: ringNumber, index: i, count: ring.count))
                }
                ringNumber += 1
            }
        }
        segments.sort { $0.minX < $1.minX }
        for i in segments.indices {
            let s = segments[i]
            var j = i + 1
            while j < segments.count, segments[j].minX <= s.maxX {
                if conflict(s, segments[j]) { return false }
                j += 1
            }
        }
        return true
    }

    /// Whether two segments meet where they must not.
    private static func conflict(_ s: Segment, _ t: Segment) -> Bool {
        let sameRing = s.ring == t.ring
        let adjacent = sameRing && ((s.index + 1) % s.count == t.index || (t.index + 1) % t.count == s.index)
        let d1 = orientation(s.a, s.b, t.a)
        let d2 = orientation(s.a, s.b, t.b)
        let d3 = orientation(t.a, t.b, s.a)
        let d4 = orientation(t.a, t.b, s.b)
        if d1 != 0, d2 != 0, d3 != 0, d4 != 0 {
            return d1 != d2 && d3 != d4  // a proper crossing
        }
        if adjacent {
            // Neighbours share one end; they conflict only when they fold back over each other.
            if d1 == 0 && d2 == 0 { return overlapLength(s, t) }
            return false
        }
        if d1 == 0 && d2 == 0 && d3 == 0 && d4 == 0 { return overlapLength(s, t) || sameRing && touches(s, t) }
        // One end on the other segment: a ring touching itself is invalid; different rings may touch at a point.
        let touching = (d1 == 0 && onSegment(s.a, s.b, t.a)) || (d2 == 0 && onSegment(s.a, s.b, t.b))
            || (d3 == 0 && onSegment(t.a, t.b, s.a)) || (d4 == 0 && onSegment(t.a, t.b, s.b))
        return touching && sameRing
    }

    private static func touches(_ s: Segment, _ t: Segment) -> Bool {
        onSegment(s.a, s.b, t.a) || onSegment(s.a, s.b, t.b) || onSegment(t.a, t.b, s.a) || onSegment(t.a, t.b, s.b)
    }

    /// Whether two collinear segments share more than a point.
    private static func overlapLength(_ s: Segment, _ t: Segment) -> Bool {
        let useX = s.a.x != s.b.x
        func key(_ p: TilePoint) -> Int64 { useX ? Int64(p.x) : Int64(p.y) }
        let (s0, s1) = (min(key(s.a), key(s.b)), max(key(s.a), key(s.b)))
        let (t0, t1) = (min(key(t.a), key(t.b)), max(key(t.a), key(t.b)))
        return min(s1, t1) - max(s0, t0) > 0
    }

    @inline(__always)
    private static func orientation(_ a: TilePoint, _ b: TilePoint, _ c: TilePoint) -> Int {
        let v = (Int64(b.x) - Int64(a.x)) * (Int64(c.y) - Int64(a.y)) - (Int64(b.y) - Int64(a.y)) * (Int64(c.x) - Int64(a.x))
        return v > 0 ? 1 : (v < 0 ? -1 : 0)
    }

    /// Whether `p`, collinear with a–b, lies on the closed segment.
    private static func onSegment(_ a: TilePoint, _ b: TilePoint, _ p: TilePoint) -> Bool {
        p.x >= min(a.x, b.x) && p.x <= max(a.x, b.x) && p.y >= min(a.y, b.y) && p.y <= max(a.y, b.y)
    }

    /// Whether `p` is strictly inside `ring` or on it (even–odd rule, exact).
    static func contains(_ ring: [TilePoint], _ p: TilePoint) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let a = ring[i], b = ring[j]
            if orientation(a, b, p) == 0 && onSegment(a, b, p) { return true }
            if (a.y > p.y) != (b.y > p.y) {
                // x of the edge at p.y compared with p.x, exactly: sign of the cross product.
                let o = orientation(a, b, p)
                if (b.y > a.y) ? o > 0 : o < 0 { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
