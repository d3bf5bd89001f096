#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Polygons that enclose a geodesic circle (the points within a geodesic distance of a centre on
/// the WGS84 ellipsoid), for drawing coverage areas on a map.
///
/// The polygons are meant to be read the way GeoJSON (RFC 7946 §3.1.1: edges are straight lines in
/// longitude/latitude) and GEOS read them: as planar polygons in EPSG:4326 degrees, longitude
/// first. They *circumscribe* the circle, so a point whose distance from the centre is at most the
/// radius always lies inside one of them — a footprint never leaves out a point that a distance
/// test counts as covered.
///
/// **Construction.** The vertices lie at `segments` equally spaced azimuths (0° = north, then
/// every 360°/`segments`), on the geodesic direct problem at distance
/// `R = r / cos(π/n) · (1 + ε) + 0.5 m` (``relativeMargin(radiusMeters:extremeLatitude:segments:)``).
/// In the plane, a regular `n`-gon whose vertices lie at `r / cos(π/n)` has edges tangent to the
/// circle of radius `r`. In longitude/latitude the circle's image is a smooth convex curve that
/// departs from the affine image of a circle by a relative `O(r/a · tan φ)`, so the chord of each
/// edge bulges in or out by that fraction of its sag `r (1 − cos(π/n))`; `ε` covers it with a
/// factor of three (checked by the tests against sampled circle points: radii 1 m to 500 km,
/// centres to ±85°, 8 to 360 segments). The half metre absorbs the rounding of coordinates to
/// 10⁻⁶° (≤ 0.08 m).
///
/// **Antimeridian.** A circle that crosses ±180° is cut into two polygons at the meridian
/// (RFC 7946 §3.1.9), each with longitudes in `[-180, 180]`.
///
/// **Poles and large radii.** Near a pole, or beyond ``maximumRadiusMeters``, the image of a circle
/// in longitude/latitude is no longer a small convex curve; there the polygons are the
/// conservative boxes of ``BoundingBox/around(_:radiusMeters:)`` (a box that reaches a pole
/// spans every longitude), which contain the circle by construction.
public enum GeodesicCircle {
    /// Radii above this many metres get boxes instead of circle polygons.
    public static let maximumRadiusMeters = 500_000.0
    /// Circles whose bounding box reaches beyond this latitude (degrees, north or south) get boxes.
    public static let maximumPolygonLatitude = 85.0
    /// The fewest and most vertices per circle.
    public static let segmentRange = 8...1440

    /// Closed rings (first vertex repeated last, counter-clockwise in longitude/latitude, i.e. the
    /// RFC 7946 right-hand rule) of polygons whose union contains every point within
    /// `radiusMeters` (geodesic, WGS84) of `center`.
    ///
    /// - Parameters:
    ///   - center: the centre (EPSG:4326, degrees).
    ///   - radiusMeters: the radius in metres (≥ 0).
    ///   - segments: vertices per circle, clamped to ``segmentRange``.
    /// - Returns: one ring, two when the circle crosses ±180°, or the rings of boxes near a pole;
    ///   empty for an invalid centre or a negative or non-finite radius.
    public static func enclosingRings(center: GeoPoint, radiusMeters: Double, segments: Int = 64) -> [[GeoPoint]] {
        guard center.isValid, radiusMeters.isFinite, radiusMeters >= 0 else { return [] }
        let n = min(max(segments, segmentRange.lowerBound), segmentRange.upperBound)
        let boxes = BoundingBox.around(center, radiusMeters: radiusMeters * 1.1 + 1)
        let extremeLatitude = boxes.map { max(abs($0.minLatitude), abs($0.maxLatitude)) }.max() ?? 90
        if radiusMeters > maximumRadiusMeters || extremeLatitude > maximumPolygonLatitude {
            return boxes.map(ring(of:))
        }
        let vertexDistance = radiusMeters / cos(Double.pi / Double(n)) * (1 + relativeMargin(
            radiusMeters: radiusMeters, extremeLatitude: extremeLatitude, segments: n)) + 0.5
        return rings(center: center.normalized, vertexDistanceMeters: vertexDistance, segments: n)
    }

    /// The circle polygon with vertices at `vertexDistanceMeters`, cut at ±180°.
    static func rings(center origin: GeoPoint, vertexDistanceMeters vertexDistance: Double, segments n: Int) -> [[GeoPoint]] {
        // Azimuths clockwise from north give a clockwise ring; walk them backwards for counter-clockwise.
        var ring: [GeoPoint] = []
        ring.reserveCapacity(n + 1)
        var west = origin.longitude, east = origin.longitude
        for k in 0..<n {
            let azimuth = 360.0 * Double(n - k) / Double(n)
            let vertex = GeodesicLine(start: origin, azimuthDegrees: azimuth).position(atDistanceMeters: vertexDistance)
            // Longitude unwrapped next to the centre's, so the ring is continuous across ±180°.
            let longitude = origin.longitude + remainder(vertex.longitude - origin.longitude, 360)
            west = min(west, longitude)
            east = max(east, longitude)
            ring.append(GeoPoint(longitude: longitude, latitude: vertex.latitude))
        }
        ring.append(ring[0])
        if east > 180 {
            return [clip(ring, keepingAtMost: 180), clip(shifted(ring, by: -360), keepingAtLeast: -180)]
                .filter { $0.count >= 4 }
        }
        if west < -180 {
            return [clip(shifted(ring, by: 360), keepingAtMost: 180), clip(ring, keepingAtLeast: -180)]
                .filter { $0.count >= 4 }
        }
        return [ring]
    }

    /// The relative excess of the vertex distance over the planar circumscribed `r / cos(π/n)`:
    /// `10⁻⁴ + 3 (π/n)² (r/a) (1 + tan φ)`, φ the circle's extreme latitude and `a` the equatorial
    /// radius. Measured, the excess needed grows as `(π/n)² (r/a) tan φ` with a coefficient of at
    /// most 1.1 (radii to 300 km, latitudes to 84°, 8 and 64 segments); the factor 3 is the safety, and
    /// the tests check containment up to 500 km and 85°.
    static func relativeMargin(radiusMeters: Double, extremeLatitude: Double, segments: Int) -> Double {
        let half = Double.pi / Double(segments)
        return 1e-4 + 3 * half * half * (radiusMeters / WGS84.a) * (1 + tan(extremeLatitude * .pi / 180))
    }

    /// The closed counter-clockwise ring of a box.
    static func ring(of box: BoundingBox) -> [GeoPoint] {
        [GeoPoint(longitude: box.minLongitude, latitude: box.minLatitude),
         GeoPoint(longitude: box.maxLongitude, latitude: box.minLatitude),
         GeoPoint(longitude: box.maxLongitude, latitude: box.maxLatitude),
         GeoPoint(longitude: box.minLongitude, latitude: box.maxLatitude),
         GeoPoint(longitude: box.minLongitude, latitude: box.minLatitude)]
    }

    private static func shifted(_ ring: [GeoPoint], by degrees: Double) -> [GeoPoint] {
        ring.map { GeoPoint(longitude: $0.longitude + degrees, latitude: $0.latitude) }
    }

    private static func clip(_ ring: [GeoPoint], keepingAtMost limit: Double) -> [GeoPoint] {
        clip(ring, inside: { $0.longitude <= limit }, limit: limit)
    }

    private static func clip(_ ring: [GeoPoint], keepingAtLeast limit: Double) -> [GeoPoint] {
        clip(ring, inside: { $0.longitude >= limit }, limit: limit)
    }

    /// Sutherland–Hodgman clipping of a closed ring against the half-plane `inside`, bounded by the
    /// meridian `limit`; the result is closed and keeps the ring's orientation.
    private static func clip(_ ring: [GeoPoint], inside: (GeoPoint) -> Bool, limit: Double) -> [GeoPoint] {
        var out: [GeoPoint] = []
        for i in 0..<(ring.count - 1) {
            let a = ring[i], b = ring[i + 1]
            let aIn = inside(a), bIn = inside(b)
            if aIn { out.append(a) }
            if aIn != bIn {
                let t = (limit - a.longitude) / (b.longitude - a.longitude)
                out.append(GeoPoint(longitude: limit, latitude: a.latitude + t * (b.latitude - a.latitude)))
            }
        }
        if let first = out.first { out.append(first) }
        return out
    }
}
