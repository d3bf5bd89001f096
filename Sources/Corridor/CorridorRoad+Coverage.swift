#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import Dispatch
import Foundation
import Geodesy

/// A site with a coverage range, for corridor analysis: it covers every road point whose
/// ellipsoidal (WGS84 geodesic) distance from `position` is at most `rangeMeters`.
///
/// The caller works out the range (explicit, propagation model or default table) for the
/// technology being studied.
public struct CorridorSite: Sendable, Hashable {
    /// The site's identifier, reported back unchanged.
    public var id: String
    /// Position, EPSG:4326 degrees, longitude first.
    public var position: GeoPoint
    /// Coverage radius, metres, `≥ 0`.
    public var rangeMeters: Double

    /// Creates a site (position in EPSG:4326 degrees, longitude first; range in metres).
    public init(id: String, position: GeoPoint, rangeMeters: Double) {
        self.id = id
        self.position = position
        self.rangeMeters = rangeMeters
    }
}

/// What a set of sites covers of a road: the covered stretches, the uncovered ones (gaps)
/// and totals, all in metres of chainage.
public struct RoadCoverage: Sendable, Hashable {
    /// Length of the road, metres.
    public var lengthMeters: Double
    /// Covered stretches, merged, in road order.
    public var covered: [RoadStretch]
    /// Uncovered stretches (gaps), in road order; each lies on one part. Gaps no longer than
    /// ``RoadStretchSet/toleranceMeters`` (1 mm) are not reported.
    public var gaps: [RoadStretch]

    /// Creates a coverage summary from its parts (metres).
    public init(lengthMeters: Double, covered: [RoadStretch], gaps: [RoadStretch]) {
        self.lengthMeters = lengthMeters
        self.covered = covered
        self.gaps = gaps
    }

    /// Total length of the gaps, metres.
    public var uncoveredMeters: Double { RoadStretchSet.length(gaps) }
    /// Road length not in a gap, metres.
    public var coveredMeters: Double { max(0, lengthMeters - uncoveredMeters) }
    /// ``coveredMeters`` / ``lengthMeters`` in `0 ... 1` (1 for a road of length 0).
    public var coveredShare: Double { lengthMeters > 0 ? coveredMeters / lengthMeters : 1 }
}

extension CorridorRoad {
    /// The stretches of the road within `rangeMeters` (ellipsoidal distance) of `position`,
    /// merged and in road order.
    ///
    /// **Method.** Only segments whose lower bound (chord distance less bulge, see
    /// ``lowerBoundDistanceMeters(_:)``) is within the range are examined. Along one
    /// geodesic segment the distance to the site has a single minimum (it decreases to the
    /// foot of the geodesic perpendicular and increases after it; this holds while the
    /// segment stays within about 9 000 km of the site, as for
    /// ``GeodesicPolyline/locate(_:)``), so its maximum is at an end and the covered part
    /// of a segment is one interval:
    /// - both ends within range: the whole segment;
    /// - one end within range: from that end to the single crossing of the range;
    /// - neither: nothing, unless the minimum inside is within range, then the interval
    ///   between the two crossings around it. The minimum is searched only when the
    ///   distance decreases into the segment from both ends.
    ///
    /// Crossings are found by Newton's method on the exact distance (the derivative of the
    /// distance along the segment is the cosine of the angle between the segment and the
    /// geodesic arriving from the site), kept inside a bracket and falling back to
    /// bisection. Each boundary is reported on the covered side, within 1 µm of the true
    /// crossing: the stretches never claim coverage where there is none.
    ///
    /// - Returns: the covered stretches; empty for an invalid position or a negative or
    ///   non-finite range.
    public func coveredStretches(position: GeoPoint, rangeMeters range: Double) -> [RoadStretch] {
        guard position.isValid, range.isFinite, range >= 0 else { return [] }
        let target = EarthCenteredPoint(position)
        var pieces: [RoadStretch] = []
        var cached: (vertex: (part: Int, index: Int), distance: Double)?
        func vertexDistance(part: Int, index: Int) -> Double {
            if let cached, cached.vertex == (part, index) { return cached.distance }
            let d = Geodesic.distanceMeters(position, parts[part].vertices[index])
            cached = ((part, index), d)
            return d
        }
        for b in blocks.indices where lowerBound(block: b, from: target) <= range {
            for k in blocks[b].range where lowerBound(segment: k, from: target) <= range {
                let s = segments[k]
                let startDistance = vertexDistance(part: s.part, index: s.index)
                guard s.length > 0 else {
                    if startDistance <= range {
                        pieces.append(RoadStretch(partIndex: s.part, fromMeters: s.startChainage, toMeters: s.startChainage))
                    }
                    continue
                }
                let endDistance = vertexDistance(part: s.part, index: s.index + 1)
                guard let (from, to) = coveredInterval(
                    segment: k, site: position, target: target, range: range,
                    startDistance: startDistance, endDistance: endDistance)
                else { continue }
                pieces.append(RoadStretch(
                    partIndex: s.part, fromMeters: chainage(segment: k, along: from),
                    toMeters: chainage(segment: k, along: to)))
            }
        }
        return RoadStretchSet.union(pieces)
    }

    /// What `sites` cover of the road and the gaps between, computed site by site with
    /// ``coveredStretches(position:rangeMeters:)`` (in parallel for many sites).
    ///
    /// - Throws: ``CorridorError/invalidSite(id:reason:)`` for a site with an invalid
    ///   position or a negative or non-finite range.
    public func coverage(of sites: [CorridorSite]) throws(CorridorError) -> RoadCoverage {
        for site in sites {
            guard site.position.isValid else {
                throw .invalidSite(id: site.id, reason: "position \(site.position) is not a valid lon/lat position")
            }
            guard site.rangeMeters.isFinite, site.rangeMeters >= 0 else {
                throw .invalidSite(id: site.id, reason: "range \(site.rangeMeters) m is not a finite distance of at least 0 m")
            }
        }
        return coverage(stretches: coveredStretches(of: sites))
    }

    /// The coverage summary of already computed covered stretches (any order, may overlap).
    public func coverage(stretches: [RoadStretch]) -> RoadCoverage {
        let covered = RoadStretchSet.union(stretches)
        return RoadCoverage(
            lengthMeters: lengthMeters, covered: covered,
            gaps: RoadStretchSet.subtracting(covered, from: partStretches))
    }

    /// The covered stretches of every site, concatenated (not merged).
    func coveredStretches(of sites: [CorridorSite]) -> [RoadStretch] {
        let workers = sites.count >= 64 ? max(1, min(8, ProcessInfo.processInfo.activeProcessorCount)) : 1
        guard workers > 1 else {
            return sites.flatMap { coveredStretches(position: $0.position, rangeMeters: $0.rangeMeters) }
        }
        let slots = ResultSlots<[RoadStretch]>(count: sites.count, initial: [])
        // Interleaved, so that clusters of expensive sites spread over the workers.
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: sites.count, by: workers) {
                slots.set(i, coveredStretches(position: sites[i].position, rangeMeters: sites[i].rangeMeters))
            }
        }
        return slots.values().flatMap { $0 }
    }

    /// Chainage of the point `along` metres into segment `k`; its end is the next vertex's
    /// chainage exactly, so that stretches of consecutive segments meet.
    private func chainage(segment k: Int, along: Double) -> Double {
        let s = segments[k]
        let part = parts[s.part]
        if along >= s.length {
            return partStartChainagesMeters[s.part] + part.cumulativeLengthsMeters[s.index + 1]
        }
        return s.startChainage + max(0, along)
    }

    // MARK: - One segment

    /// Distance from the site to the point `t` metres along segment `k`, and its
    /// derivative with respect to `t` (the cosine of the angle between the segment and the
    /// geodesic arriving from the site).
    private func distanceAndSlope(segment k: Int, along t: Double, site: GeoPoint) -> (distance: Double, slope: Double) {
        let (x, azimuthAlong) = lines[k].positionAndAzimuth(atDistanceMeters: t)
        let (distance, _, azimuthArriving) = Geodesic.inverse(site, x)
        return (distance, cos((azimuthArriving - azimuthAlong) * Double.pi / 180))
    }

    /// The interval `(from, to)` of distances along segment `k` (metres from its start)
    /// within `range` of the site, or nil; see ``coveredStretches(position:rangeMeters:)``.
    private func coveredInterval(
        segment k: Int, site: GeoPoint, target: EarthCenteredPoint, range: Double,
        startDistance: Double, endDistance: Double
    ) -> (Double, Double)? {
        let length = segments[k].length
        switch (startDistance <= range, endDistance <= range) {
        case (true, true):
            return (0, length)
        case (true, false):
            return (0, crossing(segment: k, site: site, range: range, inside: 0, insideExcess: startDistance - range,
                                outside: length, outsideExcess: endDistance - range))
        case (false, true):
            return (crossing(segment: k, site: site, range: range, inside: length, insideExcess: endDistance - range,
                             outside: 0, outsideExcess: startDistance - range), length)
        case (false, false):
            guard let inner = pointWithinRange(segment: k, site: site, target: target, range: range) else { return nil }
            let from = crossing(segment: k, site: site, range: range, inside: inner.along, insideExcess: inner.excess,
                                outside: 0, outsideExcess: startDistance - range)
            let to = crossing(segment: k, site: site, range: range, inside: inner.along, insideExcess: inner.excess,
                              outside: length, outsideExcess: endDistance - range)
            return (from, to)
        }
    }

    /// Where the distance crosses `range` between `inside` (distance ≤ range, excess
    /// `insideExcess ≤ 0`) and `outside` (excess `> 0`), metres along segment `k`, on the
    /// inside and within 1 µm of the crossing.
    private func crossing(
        segment k: Int, site: GeoPoint, range: Double,
        inside insideStart: Double, insideExcess: Double, outside outsideStart: Double, outsideExcess: Double
    ) -> Double {
        var inside = insideStart
        var outside = outsideStart
        // Start by linear interpolation of the excess between the bracket ends.
        var t = inside + (outside - inside) * (-insideExcess) / (outsideExcess - insideExcess)
        for _ in 0..<100 {
            if !(t.isFinite && (t - inside) * (t - outside) < 0) { t = (inside + outside) / 2 }
            let (distance, slope) = distanceAndSlope(segment: k, along: t, site: site)
            let excess = distance - range
            if excess <= 0 { inside = t } else { outside = t }
            if abs(outside - inside) <= 1e-6 { break }
            var next = t - excess / slope
            if !(next.isFinite && (next - inside) * (next - outside) < 0) { next = (inside + outside) / 2 }
            if abs(next - t) < 1e-7 {
                // Newton has converged on the crossing: probe just inside it.
                let direction: Double = outside > inside ? 1 : -1
                let probe = next - direction * 2e-7
                if (probe - inside) * (probe - outside) < 0,
                    distanceAndSlope(segment: k, along: probe, site: site).distance <= range
                {
                    inside = probe
                }
                break
            }
            t = next
        }
        return inside
    }

    /// A point of segment `k` within `range` of the site when both ends are beyond it: the
    /// minimum of the distance is sought (only where the distance decreases into the
    /// segment from both ends), stopping at the first point within range.
    private func pointWithinRange(
        segment k: Int, site: GeoPoint, target: EarthCenteredPoint, range: Double
    ) -> (along: Double, excess: Double)? {
        let s = segments[k]
        let length = s.length
        let atStart = distanceAndSlope(segment: k, along: 0, site: site)
        if atStart.slope >= 0 { return nil }  // increasing from the start: the start is the minimum
        let atEnd = distanceAndSlope(segment: k, along: length, site: site)
        if atEnd.slope <= 0 { return nil }  // decreasing up to the end: the end is the minimum
        var low = 0.0
        var high = length
        // Initial guess: the projection onto the chord.
        let u = ((target.x - s.start.x) * s.chord.x + (target.y - s.start.y) * s.chord.y
            + (target.z - s.start.z) * s.chord.z) * s.inverseChordSquared
        var t = length * min(1, max(0, u))
        let radius = 6_371_008.8  // sizes the steps only
        for _ in 0..<100 {
            if !(t > low && t < high) { t = (low + high) / 2 }
            let (distance, slope) = distanceAndSlope(segment: k, along: t, site: site)
            if distance <= range { return (t, distance - range) }
            if slope > 0 { high = t } else { low = t }
            // Spherical right triangle site–X–foot: the foot is R·atan(tan(d/R)·g) back.
            let angle = distance / radius
            var next = t - radius * atan2(sin(angle) * slope, cos(angle))
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - t) <= 1e-7 || high - low <= 1e-7 { return nil }
            t = next
        }
        return nil
    }
}
