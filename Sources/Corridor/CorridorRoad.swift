#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import GeoModel
import Geodesy

/// A road as a sequence of geodesic polylines (its parts, e.g. the LineStrings of a
/// MultiLineString) with linear referencing along all of them: chainage (metres along the
/// road from its start) and offset (metres from the road).
///
/// **Measuring along parts.** Parts are measured in the order given, each from its first
/// vertex to its last: part `k` starts at chainage ``partStartChainagesMeters``[k], the sum
/// of the lengths of the parts before it. The space between the end of one part and the
/// start of the next is *not* road and adds nothing to the chainage, so the chainage is
/// continuous from one part to the next while the position jumps. Within a part,
/// consecutive vertices are joined by geodesics (``GeodesicPolyline``).
///
/// **Coordinates and units.** EPSG:4326 degrees, longitude first (``GeoPoint``); every
/// length is metres on the WGS84 ellipsoid; nothing is computed in degree space or in a
/// projected plane, so parts may cross the 180° meridian.
///
/// **Cost.** Construction solves one inverse geodesic problem per segment. Lookups first
/// test Earth-centred bounding spheres of groups of 16 segments and the distance to each
/// segment's chord (rigorous lower bounds on the geodesic distance, see
/// ``lowerBoundDistanceMeters(_:)``), and run the exact solutions only for the parts and
/// segments those bounds cannot exclude.
public struct CorridorRoad: Sendable {
    /// The parts, in road order, each a geodesic polyline with its own chainage from 0.
    public let parts: [GeodesicPolyline]
    /// Chainage, metres, at which each part starts (`0` for the first part).
    public let partStartChainagesMeters: [Double]
    /// Total length of the road, metres: the sum of the parts' lengths (gaps between parts
    /// excluded).
    public let lengthMeters: Double

    /// One geodesic segment of one part (or the single vertex of a one-vertex part), with
    /// what the bounds and the coverage search need.
    struct Segment: Sendable {
        /// Part index and index of the segment within the part (`0` for a one-vertex part).
        var part: Int
        var index: Int
        /// Chainage of the segment's start along the whole road, metres.
        var startChainage: Double
        /// Geodesic length, metres (`0` for a one-vertex part or repeated vertices).
        var length: Double
        /// Earth-centred start point and chord vector (end − start), metres.
        var start: EarthCenteredPoint
        var chord: EarthCenteredPoint
        /// `1 / |chord|²`, or 0 for a zero-length chord.
        var inverseChordSquared: Double
        /// Upper bound, metres, on how far any point of the geodesic segment lies from its
        /// chord (see ``CorridorRoad/bulgeMeters(arcMeters:chordMeters:)``).
        var bulge: Double
    }

    /// A ball (Earth-centred centre, radius in metres) containing every point of the
    /// segments in `range` (indices into ``segments``, all of one part).
    struct Block: Sendable {
        var center: EarthCenteredPoint
        var radius: Double
        var range: Range<Int>
        var part: Int
    }

    static let blockSize = 16

    /// Every segment of every part, in chainage order.
    let segments: [Segment]
    /// The geodesic of each entry of ``segments``, for stepping along it.
    let lines: [GeodesicLine]
    /// Bounding balls of consecutive segments, in chainage order.
    let blocks: [Block]
    /// Range of ``blocks`` of each part.
    let partBlocks: [Range<Int>]

    /// Builds a road from its parts, each a list of EPSG:4326 vertices (longitude first,
    /// degrees), joined by geodesics and measured in the order given.
    ///
    /// A part may have a single vertex (it then has length 0); repeated consecutive
    /// vertices are allowed.
    ///
    /// - Throws: ``CorridorError/emptyRoad`` for no parts, ``CorridorError/emptyPart(_:)``
    ///   for a part without vertices,
    ///   ``CorridorError/invalidVertex(part:index:point:)`` for a vertex that is not
    ///   ``GeoPoint/isValid``.
    public init(parts vertexLists: [[GeoPoint]]) throws(CorridorError) {
        guard !vertexLists.isEmpty else { throw .emptyRoad }
        var parts: [GeodesicPolyline] = []
        parts.reserveCapacity(vertexLists.count)
        for (p, vertices) in vertexLists.enumerated() {
            guard !vertices.isEmpty else { throw .emptyPart(p) }
            if let bad = vertices.firstIndex(where: { !$0.isValid }) {
                throw .invalidVertex(part: p, index: bad, point: vertices[bad])
            }
            do {
                parts.append(try GeodesicPolyline(vertices: vertices))
            } catch {
                // Unreachable after the checks above; kept typed rather than trapping.
                throw .invalidVertex(part: p, index: error.index ?? 0, point: vertices[error.index ?? 0])
            }
        }
        var starts: [Double] = []
        var total = 0.0
        var segments: [Segment] = []
        var lines: [GeodesicLine] = []
        var blocks: [Block] = []
        var partBlocks: [Range<Int>] = []
        for (p, part) in parts.enumerated() {
            starts.append(total)
            let vertices = part.vertices
            let ecef = vertices.map(EarthCenteredPoint.init)
            let firstSegment = segments.count
            if vertices.count == 1 {
                segments.append(Segment(
                    part: p, index: 0, startChainage: total, length: 0, start: ecef[0],
                    chord: EarthCenteredPoint(x: 0, y: 0, z: 0), inverseChordSquared: 0, bulge: 1e-6))
                lines.append(GeodesicLine(start: vertices[0], azimuthDegrees: 0))
            } else {
                for i in 0..<(vertices.count - 1) {
                    let length = part.cumulativeLengthsMeters[i + 1] - part.cumulativeLengthsMeters[i]
                    let azimuth = Geodesic.inverse(vertices[i], vertices[i + 1]).initialAzimuthDegrees
                    let chordLength = ecef[i].chordMeters(to: ecef[i + 1])
                    segments.append(Segment(
                        part: p, index: i, startChainage: total + part.cumulativeLengthsMeters[i],
                        length: length, start: ecef[i],
                        chord: EarthCenteredPoint(
                            x: ecef[i + 1].x - ecef[i].x, y: ecef[i + 1].y - ecef[i].y,
                            z: ecef[i + 1].z - ecef[i].z),
                        inverseChordSquared: chordLength > 0 ? 1 / (chordLength * chordLength) : 0,
                        bulge: Self.bulgeMeters(arcMeters: length, chordMeters: chordLength)))
                    lines.append(GeodesicLine(start: vertices[i], azimuthDegrees: azimuth))
                }
            }
            let firstBlock = blocks.count
            for first in stride(from: firstSegment, to: segments.count, by: Self.blockSize) {
                let range = first..<min(segments.count, first + Self.blockSize)
                blocks.append(Self.block(segments: segments, range: range, part: p))
            }
            partBlocks.append(firstBlock..<blocks.count)
            total += part.lengthMeters
        }
        self.parts = parts
        self.partStartChainagesMeters = starts
        self.lengthMeters = total
        self.segments = segments
        self.lines = lines
        self.blocks = blocks
        self.partBlocks = partBlocks
    }

    /// Builds a road from a LineString (one part) or a MultiLineString (its LineStrings as
    /// parts, in order), EPSG:4326.
    ///
    /// - Throws: ``CorridorError/notALine(geometryType:)`` for any other geometry, and the
    ///   errors of ``init(parts:)``.
    public init(geometry: Geometry) throws(CorridorError) {
        switch geometry {
        case .lineString(let vertices): try self.init(parts: [vertices])
        case .multiLineString(let parts): try self.init(parts: parts)
        default: throw .notALine(geometryType: geometry.type.rawValue)
        }
    }

    /// An upper bound, metres, on how far a geodesic arc of length `arcMeters` strays from
    /// the straight chord (length `chordMeters`) between its end points.
    ///
    /// Every point `X` of the arc satisfies `|XA| + |XB| ≤ L` (a chord is never longer
    /// than the arc it spans), so it lies in the prolate spheroid with foci `A`, `B` and
    /// major axis `L`, all of whose points are within its semi-minor axis
    /// `√(L² − c²) / 2` of the segment `AB`. Padded by 1e-7 m in `L − c` and 1e-6 m overall
    /// for rounding (coordinates of 6.4e6 m carry errors below 1e-8 m).
    static func bulgeMeters(arcMeters length: Double, chordMeters chord: Double) -> Double {
        let slack = max(0, length - chord) + 1e-7
        return (slack * (length + chord + 1e-7)).squareRoot() / 2 + 1e-6
    }

    /// The bounding ball of segments `range`: centred on the mean of their end points, with
    /// a radius reaching every end point plus the largest bulge (each segment lies within
    /// its bulge of its chord, and the chord lies in any ball holding both end points).
    static func block(segments: [Segment], range: Range<Int>, part: Int) -> Block {
        var sx = 0.0, sy = 0.0, sz = 0.0
        for k in range {
            let s = segments[k]
            sx += 2 * s.start.x + s.chord.x
            sy += 2 * s.start.y + s.chord.y
            sz += 2 * s.start.z + s.chord.z
        }
        let n = Double(2 * range.count)
        let center = EarthCenteredPoint(x: sx / n, y: sy / n, z: sz / n)
        var radius = 0.0
        for k in range {
            let s = segments[k]
            let end = EarthCenteredPoint(x: s.start.x + s.chord.x, y: s.start.y + s.chord.y, z: s.start.z + s.chord.z)
            let reach = max(center.chordMeters(to: s.start), center.chordMeters(to: end))
            radius = max(radius, reach + s.bulge)
        }
        return Block(center: center, radius: radius * (1 + 1e-12) + 1e-6, range: range, part: part)
    }

    // MARK: - Bounds

    /// A lower bound, metres, on the geodesic distance from `target` (a point on the
    /// ellipsoid surface) to any point of segment `k`: the straight-line distance to the
    /// chord less the bulge (the geodesic distance is at least the straight-line one).
    @inline(__always)
    func lowerBound(segment k: Int, from target: EarthCenteredPoint) -> Double {
        let s = segments[k]
        var u = ((target.x - s.start.x) * s.chord.x + (target.y - s.start.y) * s.chord.y
            + (target.z - s.start.z) * s.chord.z) * s.inverseChordSquared
        u = min(1, max(0, u))
        let ex = target.x - s.start.x - u * s.chord.x
        let ey = target.y - s.start.y - u * s.chord.y
        let ez = target.z - s.start.z - u * s.chord.z
        return (ex * ex + ey * ey + ez * ez).squareRoot() - s.bulge
    }

    /// A lower bound, metres, on the geodesic distance from `target` to any point of the
    /// segments of block `b`.
    @inline(__always)
    func lowerBound(block b: Int, from target: EarthCenteredPoint) -> Double {
        target.chordMeters(to: blocks[b].center) - blocks[b].radius
    }

    /// A cheap value, metres, never larger than the ellipsoidal distance from `point` to
    /// the road (the offset ``locate(_:)`` returns): the smallest straight-line distance
    /// from the point to any segment's chord, less that segment's bulge. NaN for an
    /// invalid point.
    public func lowerBoundDistanceMeters(_ point: GeoPoint) -> Double {
        guard point.isValid else { return .nan }
        let target = EarthCenteredPoint(point)
        var best = Double.infinity
        for b in blocks.indices where lowerBound(block: b, from: target) < best {
            for k in blocks[b].range { best = min(best, lowerBound(segment: k, from: target)) }
        }
        return max(0, best)
    }

    /// Whether some segment's lower bound is at most `limit` metres from `target`.
    func mayReach(_ target: EarthCenteredPoint, withinMeters limit: Double) -> Bool {
        for b in blocks.indices where lowerBound(block: b, from: target) <= limit {
            for k in blocks[b].range where lowerBound(segment: k, from: target) <= limit { return true }
        }
        return false
    }

    /// For each part, the smallest segment lower bound that is at most `limit` metres, or
    /// `.infinity` when no segment of the part can be that near.
    func partBounds(_ target: EarthCenteredPoint, limit: Double) -> [Double] {
        var result = [Double](repeating: .infinity, count: parts.count)
        for b in blocks.indices where lowerBound(block: b, from: target) <= limit {
            let part = blocks[b].part
            for k in blocks[b].range {
                let bound = lowerBound(segment: k, from: target)
                if bound <= limit && bound < result[part] { result[part] = bound }
            }
        }
        return result
    }

    // MARK: - Locating a point

    /// Projects `point` onto the road: the nearest point of any part (by ellipsoidal
    /// distance), the offset to it and its chainage.
    ///
    /// A point beyond either end of a part maps to that end vertex. When several parts or
    /// places are equally near (within 1 nm) the one with the smallest chainage wins.
    /// Accuracy is that of ``GeodesicPolyline/locate(_:)``: nanometres.
    ///
    /// - Returns: the location; for an invalid `point` (``GeoPoint/isValid``) its offset
    ///   and chainage are NaN, its point is the query point and its part 0.
    public func locate(_ point: GeoPoint) -> RoadLocation {
        guard point.isValid else {
            return RoadLocation(point: point, offsetMeters: .nan, chainageMeters: .nan, partIndex: 0, segmentIndex: 0)
        }
        if parts.count == 1 { return location(parts[0].locate(point), part: 0) }
        let target = EarthCenteredPoint(point)
        let bounds = partBounds(target, limit: .infinity)
        return nearest(point, partBounds: bounds, limit: .infinity)
            ?? RoadLocation(point: point, offsetMeters: .nan, chainageMeters: .nan, partIndex: 0, segmentIndex: 0)
    }

    /// ``locate(_:)`` for points within `withinMeters` of the road; `nil` for points farther
    /// away (or invalid). Cheap for far points: most are rejected by the lower bounds
    /// without any geodesic solution.
    public func locate(_ point: GeoPoint, withinMeters: Double) -> RoadLocation? {
        guard point.isValid, withinMeters >= 0 else { return nil }
        let target = EarthCenteredPoint(point)
        if parts.count == 1 {
            // One part: any segment that may be within reach is enough to run the exact lookup.
            guard mayReach(target, withinMeters: withinMeters) else { return nil }
            let best = location(parts[0].locate(point), part: 0)
            return best.offsetMeters <= withinMeters ? best : nil
        }
        let bounds = partBounds(target, limit: withinMeters)
        guard bounds.contains(where: { $0 <= withinMeters }) else { return nil }
        guard let best = nearest(point, partBounds: bounds, limit: withinMeters),
            best.offsetMeters <= withinMeters
        else { return nil }
        return best
    }

    /// The nearest location among the parts whose bound is at most `limit`, visiting them
    /// from the smallest bound and skipping those that cannot beat the best so far.
    private func nearest(_ point: GeoPoint, partBounds bounds: [Double], limit: Double) -> RoadLocation? {
        let order = bounds.indices.filter { bounds[$0] <= limit }.sorted { bounds[$0] < bounds[$1] }
        var best: RoadLocation?
        for p in order {
            if let best, bounds[p] > best.offsetMeters + 1e-6 { break }
            let candidate = location(parts[p].locate(point), part: p)
            guard let current = best else {
                best = candidate
                continue
            }
            let difference = candidate.offsetMeters - current.offsetMeters
            if difference < -1e-9 || (difference <= 1e-9 && candidate.chainageMeters < current.chainageMeters) {
                best = candidate
            }
        }
        return best
    }

    private func location(_ l: PolylineLocation, part: Int) -> RoadLocation {
        RoadLocation(
            point: l.point, offsetMeters: l.offsetMeters,
            chainageMeters: partStartChainagesMeters[part] + l.chainageMeters,
            partIndex: part, segmentIndex: l.segmentIndex)
    }

    // MARK: - Chainage to position

    /// Every part as a stretch from its start chainage to its end chainage, metres.
    public var partStretches: [RoadStretch] {
        parts.indices.map { p in
            RoadStretch(
                partIndex: p, fromMeters: partStartChainagesMeters[p],
                toMeters: partStartChainagesMeters[p] + parts[p].lengthMeters)
        }
    }

    /// The part that holds chainage `chainageMeters` (clamped to the road): the first part
    /// whose end is at or beyond it, so a chainage shared by the end of one part and the
    /// start of the next belongs to the earlier part.
    public func partIndex(atChainageMeters chainageMeters: Double) -> Int {
        var low = 0
        var high = parts.count - 1
        while low < high {
            let middle = (low + high) / 2
            if partStartChainagesMeters[middle] + parts[middle].lengthMeters >= chainageMeters {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    /// The point at chainage `chainageMeters` on part `partIndex` (clamped to that part),
    /// EPSG:4326. Use this form when the chainage is a part boundary: it then means the
    /// end of one part or the start of the next.
    public func point(atChainageMeters chainageMeters: Double, partIndex: Int) -> GeoPoint {
        guard parts.indices.contains(partIndex) else { return GeoPoint(longitude: .nan, latitude: .nan) }
        return parts[partIndex].point(atChainageMeters: chainageMeters - partStartChainagesMeters[partIndex])
    }

    /// The point at chainage `chainageMeters` (clamped to `0 ... lengthMeters`) on the part
    /// given by ``partIndex(atChainageMeters:)``, EPSG:4326. NaN gives a NaN point.
    public func point(atChainageMeters chainageMeters: Double) -> GeoPoint {
        guard !chainageMeters.isNaN else { return GeoPoint(longitude: .nan, latitude: .nan) }
        return point(atChainageMeters: chainageMeters, partIndex: partIndex(atChainageMeters: chainageMeters))
    }

    /// The vertices of `stretch` along its part: the point at its start, every vertex
    /// strictly inside, the point at its end (geodesics between them), EPSG:4326. At least
    /// two points; empty for a stretch of an unknown part or with a NaN chainage.
    public func vertices(of stretch: RoadStretch) -> [GeoPoint] {
        guard parts.indices.contains(stretch.partIndex) else { return [] }
        let start = partStartChainagesMeters[stretch.partIndex]
        return parts[stretch.partIndex].subline(fromMeters: stretch.fromMeters - start, toMeters: stretch.toMeters - start)
    }
}
