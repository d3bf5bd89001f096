import Dispatch
import Geodesy

/// Builds the cover sets of a ``CoveringInstance`` from positions: which demand points each
/// candidate reaches, by exact geodesic distance on the WGS84 ellipsoid (a distance exactly at
/// the range counts), as the coverage engine decides whether a site covers a settlement.
///
/// The candidates go into an ``EarthPointTree`` with their ranges as reaches; each demand point
/// asks the tree for the candidates reaching it (chord bounds decide almost every pair, the
/// Karney distance the rest), on two threads, and the lists are turned around.
enum CoverSets {
    /// A candidate's position in an array that ``ItemPositions`` can read.
    private struct Located {
        var position: GeoPoint
    }

    /// The instance of `demand` (positions, WGS84 lon/lat degrees, all valid) with `weights`,
    /// and `candidates` (valid positions) each reaching `rangesMeters[i]` metres (one value: the
    /// same for all).
    static func instance(candidates: [GeoPoint], rangesMeters: [Double], demand: [GeoPoint],
                         weights: [Int64]) -> CoveringInstance {
        precondition(weights.count == demand.count, "a weight per demand point")
        precondition(rangesMeters.count == 1 || rangesMeters.count == candidates.count, "one range, or one per candidate")
        guard !candidates.isEmpty, !demand.isEmpty else {
            return CoveringInstance(weights: weights, coverStart: [Int](repeating: 0, count: candidates.count + 1), coverMembers: [])
        }
        let reaches = rangesMeters.count == 1 ? [Double](repeating: rangesMeters[0], count: candidates.count) : rangesMeters
        let tree = EarthPointTree(points: candidates, reaches: reaches)
        let located = candidates.map(Located.init)
        // Per part of the demand points, the (demand, candidate) pairs in demand order.
        let parts = demand.count < 4_096 ? 1 : 8
        let found = WriteOnceSlots<[(demand: Int32, candidate: Int32)]>(count: parts)
        located.withUnsafeBufferPointer { buffer in
            let positions = ItemPositions(buffer, position: \.position)
            let view = tree.view
            demand.withUnsafeBufferPointer { demandBuffer in
                let points = SharedBuffer(demandBuffer)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    var pairs: [(demand: Int32, candidate: Int32)] = []
                    var reached: [Int32] = []
                    let n = points.buffer.count
                    for d in (n * part / parts)..<(n * (part + 1) / parts) {
                        let point = points.buffer[d]
                        reached.removeAll(keepingCapacity: true)
                        view.forEachPossiblyReaching(EarthCenteredPoint(point)) { p, d2 in
                            if view.reaches(p, d2, point, positions) { reached.append(view.item(p)) }
                            return false
                        }
                        reached.sort()
                        for c in reached { pairs.append((Int32(d), c)) }
                    }
                    found.set(part, pairs)
                }
            }
        }
        _ = tree  // the views above read its storage
        // Turned around: per candidate, its demand points ascending (pairs come in demand order).
        let all = found.values()
        var start = [Int](repeating: 0, count: candidates.count + 1)
        for pairs in all { for pair in pairs { start[Int(pair.candidate) + 1] += 1 } }
        for c in 0..<candidates.count { start[c + 1] += start[c] }
        var fill = start
        var members = [Int32](repeating: 0, count: start[candidates.count])
        for pairs in all {
            for pair in pairs {
                members[fill[Int(pair.candidate)]] = pair.demand
                fill[Int(pair.candidate)] += 1
            }
        }
        return CoveringInstance(weights: weights, coverStart: start, coverMembers: members)
    }
}
