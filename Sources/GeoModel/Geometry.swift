import Foundation
import Geodesy

/// The geometry types Qamtu stores, as named by GeoJSON (RFC 7946 §3.1) and OGC Simple Features.
public enum GeometryType: String, Sendable, CaseIterable {
    case point = "Point"
    case lineString = "LineString"
    case polygon = "Polygon"
    case multiPoint = "MultiPoint"
    case multiLineString = "MultiLineString"
    case multiPolygon = "MultiPolygon"

    /// The upper-case OGC / SpatiaLite spelling, e.g. `MULTIPOLYGON`.
    public var ogcName: String { rawValue.uppercased() }
}

/// A geometry in WGS84 (EPSG:4326), coordinates as `GeoPoint(longitude:latitude:)` in degrees.
///
/// Rings of polygons are closed (first position equals last). Axis order is always
/// longitude first, as in GeoJSON; there is no `x`/`y` ambiguity in this type.
public enum Geometry: Sendable, Hashable {
    case point(GeoPoint)
    case lineString([GeoPoint])
    /// Exterior ring first, then holes.
    case polygon([[GeoPoint]])
    case multiPoint([GeoPoint])
    case multiLineString([[GeoPoint]])
    case multiPolygon([[[GeoPoint]]])

    /// The type of this geometry.
    public var type: GeometryType {
        switch self {
        case .point: .point
        case .lineString: .lineString
        case .polygon: .polygon
        case .multiPoint: .multiPoint
        case .multiLineString: .multiLineString
        case .multiPolygon: .multiPolygon
        }
    }

    /// Calls `body` for every position, in storage order.
    public func forEachPosition(_ body: (GeoPoint) -> Void) {
        switch self {
        case .point(let p): body(p)
        case .lineString(let ps), .multiPoint(let ps): ps.forEach(body)
        case .polygon(let rings), .multiLineString(let rings): rings.forEach { $0.forEach(body) }
        case .multiPolygon(let polys): polys.forEach { $0.forEach { $0.forEach(body) } }
        }
    }

    /// The bounding box in degrees (no antimeridian handling: min/max of the stored longitudes),
    /// or nil for an empty geometry.
    public var boundingBox: BoundingBox? {
        var box: BoundingBox?
        forEachPosition { p in
            if var b = box {
                b.minLongitude = min(b.minLongitude, p.longitude)
                b.maxLongitude = max(b.maxLongitude, p.longitude)
                b.minLatitude = min(b.minLatitude, p.latitude)
                b.maxLatitude = max(b.maxLatitude, p.latitude)
                box = b
            } else {
                box = BoundingBox(minLongitude: p.longitude, minLatitude: p.latitude,
                                  maxLongitude: p.longitude, maxLatitude: p.latitude)
            }
        }
        return box
    }

    /// The geometry with its polygon rings oriented by the RFC 7946 right-hand rule (§3.1.6):
    /// exterior rings counter-clockwise and holes clockwise, in the longitude/latitude plane.
    /// Other geometries are returned as they are.
    public var orientedByRightHandRule: Geometry {
        func oriented(_ rings: [[GeoPoint]]) -> [[GeoPoint]] {
            rings.enumerated().map { index, ring in
                let counterClockwise = Self.signedArea(ring) > 0
                return counterClockwise == (index == 0) ? ring : ring.reversed()
            }
        }
        switch self {
        case .polygon(let rings): return .polygon(oriented(rings))
        case .multiPolygon(let polygons): return .multiPolygon(polygons.map(oriented))
        default: return self
        }
    }

    /// The signed planar area of a closed ring in square degrees (shoelace formula; positive when
    /// counter-clockwise with longitude as x and latitude as y).
    public static func signedArea(_ ring: [GeoPoint]) -> Double {
        guard ring.count > 2 else { return 0 }
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            sum += ring[i].longitude * ring[i + 1].latitude - ring[i + 1].longitude * ring[i].latitude
        }
        return sum / 2
    }

    /// Promotes a single-part geometry to its multi-part counterpart (Polygon → MultiPolygon,
    /// LineString → MultiLineString, Point → MultiPoint); multi-part geometries are returned as they are.
    public var promotedToMulti: Geometry {
        switch self {
        case .point(let p): .multiPoint([p])
        case .lineString(let l): .multiLineString([l])
        case .polygon(let p): .multiPolygon([p])
        default: self
        }
    }
}
