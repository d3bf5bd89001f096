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
