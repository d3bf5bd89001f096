/// Even-odd (crossing-number) test of a point against closed rings in the plane — how GeoJSON
/// (RFC 7946) and GEOS read longitude/latitude polygons: x is longitude, y latitude. Holes are
/// rings too, so a point in a hole is outside. Used by tests to check footprints independently of
/// the code that built them.
public func planarRingsContain(x: Double, y: Double, rings: [[(x: Double, y: Double)]]) -> Bool {
    var inside = false
    for ring in rings where ring.count > 1 {
        for i in 0..<(ring.count - 1) {
            let a = ring[i], b = ring[i + 1]
            if (a.y > y) != (b.y > y) {
                let crossing = a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x)
                if x < crossing { inside.toggle() }
            }
        }
    }
    return inside
}
