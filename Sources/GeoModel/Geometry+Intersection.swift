import Geodesy

extension Geometry {
    /// Whether the geometry and `box` share a point, in the plane of longitude and latitude
    /// degrees (EPSG:4326 taken as planar, as SpatiaLite's `ST_Intersects` does): a vertex in the
    /// box, an edge crossing it, or the box inside a polygon. A box across the antimeridian is
    /// tested as its two halves. Edges count as inside.
    public func intersects(_ box: BoundingBox) -> Bool {
        box.splitAtAntimeridian.contains { part in intersectsPlanar(part) }
    }

    private func intersectsPlanar(_ box: BoundingBox) -> Bool {
        switch self {
        case .point(let p): return Self.contains(box, p)
        case .multiPoint(let points): return points.contains { Self.contains(box, $0) }
        case .lineString(let line): return Self.line(line, intersects: box)
        case .multiLineString(let lines): return lines.contains { Self.line($0, intersects: box) }
        case .polygon(let rings): return Self.polygon(rings, intersects: box)
        case .multiPolygon(let polygons): return polygons.contains { Self.polygon($0, intersects: box) }
        }
    }

    /// Whether `point` lies inside the geometry's polygons (outer ring in, holes out; even-odd
    /// rule in the plane of degrees, as SpatiaLite's `ST_Contains` on EPSG:4326). False for points
    /// and lines.
    public func containsPlanar(_ point: GeoPoint) -> Bool {
        func inside(_ rings: [[GeoPoint]]) -> Bool {
            guard let outer = rings.first, Self.ring(outer, contains: point) else { return false }
            return !rings.dropFirst().contains { Self.ring($0, contains: point) }
        }
        switch self {
        case .polygon(let rings): return inside(rings)
        case .multiPolygon(let polygons): return polygons.contains(where: inside)
        default: return false
        }
    }

    /// Whether the two geometries share a point, in the plane of longitude and latitude degrees
    /// (EPSG:4326 taken as planar, as SpatiaLite's `ST_Intersects` does; no antimeridian
    /// handling): an edge of one meets an edge of the other (touching counts, a point is an
    /// edge of length 0), or a vertex of one lies inside a polygon of the other (outer ring in,
    /// holes out). Boundaries count as inside, so a point on a district's border intersects it.
    ///
    /// Time is proportional to the product of the two vertex counts when the bounding boxes
    /// overlap (a query geometry is small; a district has a few thousand vertices).
    public func intersects(_ other: Geometry) -> Bool {
        guard let a = boundingBox, let b = other.boundingBox,
              a.minLongitude <= b.maxLongitude, b.minLongitude <= a.maxLongitude,
              a.minLatitude <= b.maxLatitude, b.minLatitude <= a.maxLatitude else { return false }
        let edgesA = edges, edgesB = other.edges
        for (p1, q1) in edgesA {
            for (p2, q2) in edgesB where Self.segment(p1, q1, meets: p2, q2) { return true }
        }
        var inside = false
        forEachPosition { p in if !inside && other.containsPlanar(p) { inside = true } }
        if inside { return true }
        other.forEachPosition { p in if !inside && containsPlanar(p) { inside = true } }
        return inside
    }

    /// The geometry's edges: line segments and ring edges; a point is an edge from itself to itself.
    private var edges: [(GeoPoint, GeoPoint)] {
        var out: [(GeoPoint, GeoPoint)] = []
        func line(_ ps: [GeoPoint]) {
            if ps.count == 1 { out.append((ps[0], ps[0])) }
            for i in ps.indices.dropFirst() { out.append((ps[i - 1], ps[i])) }
        }
        switch self {
        case .point(let p): out.append((p, p))
        case .multiPoint(let ps): out += ps.map { ($0, $0) }
        case .lineString(let ps): line(ps)
        case .multiLineString(let lines), .polygon(let lines): lines.forEach(line)
        case .multiPolygon(let polygons): polygons.forEach { $0.forEach(line) }
        }
        return out
    }

    /// Whether the closed segments `p1`–`q1` and `p2`–`q2` share a point (orientation tests;
    /// collinear overlaps and segments of length 0 included).
    private static func segment(_ p1: GeoPoint, _ q1: GeoPoint, meets p2: GeoPoint, _ q2: GeoPoint) -> Bool {
        func orientation(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint) -> Int {
            let v = (b.longitude - a.longitude) * (c.latitude - a.latitude) - (b.latitude - a.latitude) * (c.longitude - a.longitude)
            return v > 0 ? 1 : (v < 0 ? -1 : 0)
        }
        func within(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint) -> Bool {
            c.longitude >= Swift.min(a.longitude, b.longitude) && c.longitude <= Swift.max(a.longitude, b.longitude)
                && c.latitude >= Swift.min(a.latitude, b.latitude) && c.latitude <= Swift.max(a.latitude, b.latitude)
        }
        let o1 = orientation(p1, q1, p2), o2 = orientation(p1, q1, q2)
        let o3 = orientation(p2, q2, p1), o4 = orientation(p2, q2, q1)
        if o1 != o2 && o3 != o4 { return true }
        return (o1 == 0 && within(p1, q1, p2)) || (o2 == 0 && within(p1, q1, q2))
            || (o3 == 0 && within(p2, q2, p1)) || (o4 == 0 && within(p2, q2, q1))
    }

    private static func contains(_ box: BoundingBox, _ p: GeoPoint) -> Bool {
        p.longitude >= box.minLongitude && p.longitude <= box.maxLongitude
            && p.latitude >= box.minLatitude && p.latitude <= box.maxLatitude
    }

    private static func line(_ points: [GeoPoint], intersects box: BoundingBox) -> Bool {
        guard let first = points.first else { return false }
        if points.count == 1 { return contains(box, first) }
        for i in 1..<points.count where segment(points[i - 1], points[i], intersects: box) { return true }
        return false
    }

    /// Liang–Barsky: whether the segment `a`–`b` meets the box.
    private static func segment(_ a: GeoPoint, _ b: GeoPoint, intersects box: BoundingBox) -> Bool {
        let dx = b.longitude - a.longitude, dy = b.latitude - a.latitude
        var t0 = 0.0, t1 = 1.0
        let checks = [(-dx, a.longitude - box.minLongitude), (dx, box.maxLongitude - a.longitude),
                      (-dy, a.latitude - box.minLatitude), (dy, box.maxLatitude - a.latitude)]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let t = q / p
                if p < 0 { t0 = Swift.max(t0, t) } else { t1 = Swift.min(t1, t) }
                if t0 > t1 { return false }
            }
        }
        return true
    }

    private static func polygon(_ rings: [[GeoPoint]], intersects box: BoundingBox) -> Bool {
        if rings.contains(where: { line($0, intersects: box) }) { return true }
        // No edge meets the box: either the box lies inside the polygon (not in a hole), or apart.
        let corner = GeoPoint(longitude: box.minLongitude, latitude: box.minLatitude)
        guard let outer = rings.first, ring(outer, contains: corner) else { return false }
        return !rings.dropFirst().contains { ring($0, contains: corner) }
    }

    /// Even-odd rule.
    private static func ring(_ ring: [GeoPoint], contains p: GeoPoint) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let a = ring[i], b = ring[j]
            if (a.latitude > p.latitude) != (b.latitude > p.latitude) {
                let x = (b.longitude - a.longitude) * (p.latitude - a.latitude) / (b.latitude - a.latitude) + a.longitude
                if p.longitude < x { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
