import Foundation
import GeoModel
import Geodesy

/// Projects WGS84 geometries into one tile's space (Web Mercator, ``extent`` units a side, y
/// down) and makes them tile geometries: points outside the buffered tile dropped, lines and
/// polygons clipped to it, rounded to integer units and simplified by ``tolerance``, with
/// polygons kept valid and their rings wound as Mapbox Vector Tile 2.1 asks.
public struct TileProjection: Sendable {
    /// The tile.
    public let tile: TileCoordinate
    /// Units a tile side.
    public let extent: Int
    /// Units beyond each side of the tile that a geometry keeps (so that symbols and line
    /// joins at the edges draw seamlessly).
    public let buffer: Int
    /// The Douglas–Peucker tolerance of lines and polygons, in tile units: the same on screen at
    /// every zoom, so that the ground tolerance halves with each zoom.
    public let tolerance: Double

    /// Units a tile side unless asked otherwise (the specification's default).
    public static let defaultExtent = 4096
    /// The buffer unless asked otherwise, in tile units (1/64 of a tile side).
    public static let defaultBuffer = 64
    /// The simplification tolerance unless asked otherwise, in tile units.
    public static let defaultTolerance = 1.0

    private let scale: Double
    private let rect: ClipRectangle

    /// The projection of `tile` with `extent` units a side, `buffer` units around it and a
    /// simplification `tolerance` in units.
    public init(tile: TileCoordinate, extent: Int = defaultExtent, buffer: Int = defaultBuffer,
                tolerance: Double = defaultTolerance) {
        self.tile = tile
        self.extent = extent
        self.buffer = buffer
        self.tolerance = tolerance
        scale = Double(tile.matrixSize) * Double(extent)
        rect = ClipRectangle(minX: Double(-buffer), minY: Double(-buffer),
                             maxX: Double(extent + buffer), maxY: Double(extent + buffer))
    }

    /// The buffered tile as a box of EPSG:4326 degrees for a store's spatial query: crossing
    /// the antimeridian at the first and last columns (whose buffers reach across it), the whole
    /// world's longitudes when the tile spans them, latitudes within Web Mercator's.
    public var queryBox: BoundingBox {
        let size = Double(tile.matrixSize)
        let margin = Double(buffer) / Double(extent)
        let west = (Double(tile.x) - margin) / size
        let east = (Double(tile.x + 1) + margin) / size
        let north = WebMercator.latitude(worldY: (Double(tile.y) - margin) / size)
        let south = WebMercator.latitude(worldY: (Double(tile.y + 1) + margin) / size)
        var minLon = WebMercator.longitude(worldX: west)
        var maxLon = WebMercator.longitude(worldX: east)
        if maxLon - minLon >= 360 {
            minLon = -180
            maxLon = 180
        } else {
            if minLon < -180 { minLon += 360 }
            if maxLon > 180 { maxLon -= 360 }
        }
        return BoundingBox(minLongitude: minLon, minLatitude: south, maxLongitude: maxLon, maxLatitude: north)
    }

    /// A position in tile space (not rounded), for a world x shifted by `wrap` whole worlds.
    @inline(__always)
    func project(_ p: GeoPoint, wrap: Double = 0) -> PlanePoint {
        PlanePoint(x: (WebMercator.worldX(longitude: p.longitude) + wrap) * scale - Double(tile.x * extent),
                   y: WebMercator.worldY(latitude: p.latitude) * scale - Double(tile.y * extent))
    }

    /// The tile-space position of a point, or nil when it falls outside the buffered tile
    /// (beyond Web Mercator's latitudes, it is outside every tile). Near the antimeridian the
    /// copy of the point nearest the tile is taken.
    public func point(_ p: GeoPoint) -> TilePoint? {
        guard abs(p.latitude) <= WebMercator.maxLatitude, p.longitude.isFinite else { return nil }
        return point(worldX: WebMercator.worldX(longitude: p.longitude), worldY: WebMercator.worldY(latitude: p.latitude))
    }

    /// ``point(_:)`` of a position already in world coordinates (``WebMercator``), within the
    /// square's latitudes: the same result without the projection's logarithm.
    @inline(__always)
    func point(worldX: Double, worldY: Double) -> TilePoint? {
        var q = PlanePoint(x: worldX * scale - Double(tile.x * extent), y: worldY * scale - Double(tile.y * extent))
        let world = scale
        if q.x < rect.minX, q.x + world <= rect.maxX { q.x += world }
        if q.x > rect.maxX, q.x - world >= rect.minX { q.x -= world }
        guard rect.contains(q) else { return nil }
        return q.rounded
    }

    /// The tile geometry of `geometry`, or nil when nothing of it is in the buffered tile.
    public func geometry(_ geometry: Geometry) -> TileGeometry? {
        switch geometry {
        case .point(let p):
            return point(p).map { .points([$0]) }
        case .multiPoint(let ps):
            let points = ps.compactMap(point)
            return points.isEmpty ? nil : .points(points)
        case .lineString(let line):
            return lines([line], wrap: wrap(geometry))
        case .multiLineString(let parts):
            return lines(parts, wrap: wrap(geometry))
        case .polygon(let rings):
            return polygons([rings], wrap: wrap(geometry))
        case .multiPolygon(let polygons):
            return self.polygons(polygons, wrap: wrap(geometry))
        }
    }

    /// The whole-world shift (−1, 0 or 1) that brings a geometry nearest the tile: a feature
    /// near 180° E drawn in the buffer of a tile at 180° W.
    private func wrap(_ geometry: Geometry) -> Double {
        guard let box = geometry.boundingBox else { return 0 }
        let center = WebMercator.worldX(longitude: (box.minLongitude + box.maxLongitude) / 2)
        let tileCenter = (Double(tile.x) + 0.5) / Double(tile.matrixSize)
        return [-1.0, 0, 1].min { abs(center + $0 - tileCenter) < abs(center + $1 - tileCenter) } ?? 0
    }

    private func lines(_ parts: [[GeoPoint]], wrap: Double) -> TileGeometry? {
        var out: [[TilePoint]] = []
        for part in parts {
            var current: [PlanePoint] = []
            func flush() {
                let rounded = RingSimplifier.deduplicated(current.map(\.rounded))
                let simplified = RingSimplifier.deduplicated(RingSimplifier.simplify(rounded, tolerance: tolerance))
                if simplified.count >= 2 { out.append(simplified) }
                current.removeAll()
            }
            var previous: PlanePoint?
            for p in part {
                let q = project(p, wrap: wrap)
                defer { previous = q }
                guard let a = previous else { continue }
                guard let (t0, t1) = rect.clip(a, q) else {
                    if !current.isEmpty { flush() }
                    continue
                }
                let start = rect.point(a, q, at: t0)
                if current.isEmpty || current.last != start {
                    if !current.isEmpty { flush() }
                    current.append(start)
                }
                current.append(rect.point(a, q, at: t1))
                if t1 < 1 { flush() }
            }
            if part.count == 1, let only = part.first {
                let q = project(only, wrap: wrap)
                if rect.contains(q) { current = [q] }
            }
            if !current.isEmpty { flush() }
        }
        return out.isEmpty ? nil : .lines(out)
    }

    private func polygons(_ polygons: [[[GeoPoint]]], wrap: Double) -> TileGeometry? {
        var clipped: [[[PlanePoint]]] = []
        for polygon in polygons {
            let rings = polygon.map { ring -> [PlanePoint] in
                var projected = ring.map { project($0, wrap: wrap) }
                if projected.count > 1, projected.first == projected.last { projected.removeLast() }
                return projected
            }
            clipped += PolygonClipper.clip(rings, to: rect)
        }
        guard !clipped.isEmpty else { return nil }
        let rounded = Self.rounded(clipped, tolerance: 0)
        if tolerance > 0 {
            let simplified = Self.rounded(clipped, tolerance: tolerance)
            if !simplified.isEmpty, PolygonValidity.isValid(simplified) { return .polygons(simplified) }
        }
        return rounded.isEmpty ? nil : .polygons(rounded)
    }

    /// Polygons rounded to integers, simplified, cleaned of spikes and repeats; rings that lose
    /// their area or winding are dropped (a polygon with its exterior ring).
    private static func rounded(_ polygons: [[[PlanePoint]]], tolerance: Double) -> [[[TilePoint]]] {
        var out: [[[TilePoint]]] = []
        for polygon in polygons {
            var kept: [[TilePoint]] = []
            for (k, ring) in polygon.enumerated() {
                var r = RingSimplifier.cleanedRing(ring.map(\.rounded))
                if tolerance > 0 { r = RingSimplifier.cleanedRing(RingSimplifier.simplifyRing(r, tolerance: tolerance)) }
                let area = RingSimplifier.doubleArea(r)
                let isShell = k == 0
                if r.count < 3 || area == 0 || (area > 0) != isShell {
                    if isShell { break }
                    continue
                }
                kept.append(r)
            }
            if !kept.isEmpty { out.append(kept) }
        }
        return out
    }
}
