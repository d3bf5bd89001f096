import Geodesy

/// A new mast proposed by ``CorridorRoad/plan(existing:newMastRangeMeters:)``: a point on
/// the road and what of the gaps it covers.
public struct ProposedMast: Sendable, Hashable {
    /// Position on the road, EPSG:4326 degrees, longitude first.
    public var point: GeoPoint
    /// Chainage of ``point``, metres along the road.
    public var chainageMeters: Double
    /// The road part it stands on (zero-based).
    public var partIndex: Int
    /// Coverage radius assumed for it, metres.
    public var rangeMeters: Double
    /// The parts of the gaps (uncovered before the plan) within its range, in road order.
    public var closes: [RoadStretch]
    /// Indices into ``CorridorPlan/gaps`` of the gaps it covers, wholly or partly.
    public var gapIndices: [Int]

    /// Creates a proposed mast (units as documented on each property).
    public init(
        point: GeoPoint, chainageMeters: Double, partIndex: Int, rangeMeters: Double,
        closes: [RoadStretch], gapIndices: [Int]
    ) {
        self.point = point
        self.chainageMeters = chainageMeters
        self.partIndex = partIndex
        self.rangeMeters = rangeMeters
        self.closes = closes
        self.gapIndices = gapIndices
    }
}

/// A siting proposal: the gaps left by the existing sites, the new masts that close them
/// and the coverage with those masts added.
public struct CorridorPlan: Sendable, Hashable {
    /// Coverage radius of every new mast, metres.
    public var rangeMeters: Double
    /// Coverage by the existing sites alone.
    public var before: RoadCoverage
    /// The new masts, in road order.
    public var masts: [ProposedMast]
    /// Coverage by the existing sites and the new masts, recomputed from scratch; its
    /// ``RoadCoverage/gaps`` is empty when the plan closes every gap (always, barring a
    /// numerical failure that the caller should report).
    public var after: RoadCoverage

    /// The gaps before the plan (``RoadCoverage/gaps`` of ``before``).
    public var gaps: [RoadStretch] { before.gaps }

    /// Creates a plan from its parts.
    public init(rangeMeters: Double, before: RoadCoverage, masts: [ProposedMast], after: RoadCoverage) {
        self.rangeMeters = rangeMeters
        self.before = before
        self.masts = masts
        self.after = after
    }

    /// The new masts as sites (ids `proposed-1`, `proposed-2` … in road order), e.g. to
    /// add them to an existing site list.
    public var proposedSites: [CorridorSite] {
        masts.enumerated().map { i, mast in
            CorridorSite(id: "proposed-\(i + 1)", position: mast.point, rangeMeters: mast.rangeMeters)
        }
    }
}

extension CorridorRoad {
    /// Proposes the fewest new masts, each with coverage radius `newMastRangeMeters` and
    /// standing on the road, that together with the existing `sites` leave no stretch of
    /// the road uncovered. Existing sites are kept as they are.
    ///
    /// **Algorithm (greedy cover).** Let `C(c)` be the road points within range of a mast
    /// at chainage `c` (computed exactly with ``coveredStretches(position:rangeMeters:)``).
    /// Repeat until nothing is uncovered: take the first uncovered point `s` (in road
    /// order); among the positions that cover `s` — the road points within range of `s`,
    /// the stretch of `s`'s part around `s` — put the mast at the one farthest along the
    /// road; remove what it covers. Then, for each mast whose share of the gaps (the
    /// uncovered pieces it removed) spans at most twice its range, move it to the middle
    /// of that share; finally drop any mast whose gaps the others cover anyway.
    ///
    /// **Why it closes every gap.** Each round covers its point `s`: the mast stands where
    /// the distance to `s` is at most `r` (computed boundaries lie on the covered side), so
    /// what it removes starts at `s`, give or take the 1 µm accuracy of the boundaries;
    /// slivers of at most 1 mm (``RoadStretchSet/toleranceMeters``) are not gaps. The loop
    /// ends only when nothing is uncovered, so every uncovered point is removed by some
    /// mast: its *share*. Moving a mast to the middle `m` of a share `[a, b]` with
    /// `b − a ≤ 2r` keeps the share covered, because along the road `|s − m| ≤ r` for every
    /// `s` in it and the geodesic distance between two road points never exceeds the length
    /// of road between them. A mast is dropped only when the remaining ones cover all gaps.
    /// ``CorridorPlan/after`` recomputes the coverage from scratch as a check.
    ///
    /// **Why it uses the fewest masts.** Assume the road does not come back near itself
    /// within the range: for road points `a < b < c` of one part, the distance from `a` to
    /// `c` is at least the distances from `a` to `b` and from `b` to `c` (true of a road
    /// that does not double back within `r`), and masts on one part cover nothing of
    /// another. Then `C(c)` is an interval `[L(c), R(c)]` of `c`'s part, and `L` and `R`
    /// never decrease as `c` grows (if `c < c' < R(c)`, the point `R(c)` is nearer to `c'`
    /// than to `c`). The positions covering `s` are `C(s)` (distance is symmetric), so the
    /// greedy mast `g = R(s)` reaches `R(g) ≥ R(c)` for every mast `c` covering `s`. Now let
    /// `o₁ ≤ … ≤ oₘ` be any set of masts closing every gap and `g₁ < g₂ < …` the greedy
    /// ones. By induction `R(oₖ) ≤ R(gₖ)`: the k-th greedy round starts at the first point
    /// `s` left uncovered, which lies beyond `R(gₖ₋₁) ≥ R(oₖ₋₁) ≥ R(oᵢ)` for all `i < k`, so it is
    /// covered by some `oⱼ` with `j ≥ k`; then `oₖ ≤ oⱼ ≤ R(s) = gₖ` and `R(oₖ) ≤ R(gₖ)`. If the
    /// greedy used more than `m` masts, its round `m + 1` would start at an uncovered point
    /// beyond `R(gₘ) ≥ R(oₘ)`, covered by none of the `o`: a contradiction. So no solution
    /// has fewer masts. (This is the classic argument for covering points on a line with
    /// intervals; a road is such a line once measured by chainage.) Centring and dropping
    /// do not add masts. Boundaries are computed to 1 µm and gaps of at most 1 mm are
    /// ignored, so the count is optimal up to those tolerances (e.g. exactly 5 masts of
    /// 5 km range for 50 km of uncovered straight road, and 6 for 50.001 km).
    ///
    /// **Short gaps and road ends.** A gap shorter than a mast's reach gets one mast in its
    /// middle (its share is the gap); a gap running to either end of a part gets a mast on
    /// the road, never beyond its end, because candidate positions are road points. Where
    /// the road does double back within the range, every gap is still closed and no mast
    /// is redundant, but fewer masts might suffice.
    ///
    /// - Throws: ``CorridorError/invalidDistance(_:_:)`` for a range not above 2 mm or not
    ///   finite; ``CorridorError/invalidSite(id:reason:)`` for an unusable existing site;
    ///   ``CorridorError/planDidNotConverge(chainageMeters:)`` if a round makes no progress.
    public func plan(existing sites: [CorridorSite], newMastRangeMeters range: Double) throws(CorridorError) -> CorridorPlan {
        let tolerance = RoadStretchSet.toleranceMeters
        guard range.isFinite, range > 2 * tolerance else { throw .invalidDistance("newMastRangeMeters", range) }
        let before = try coverage(of: sites)
        var uncovered = before.gaps

        // Greedy rounds.
        var placed: [(chainage: Double, part: Int, share: [RoadStretch])] = []
        while let first = uncovered.first {
            let s = first.fromMeters
            let part = first.partIndex
            let reach = coveredStretches(position: point(atChainageMeters: s, partIndex: part), rangeMeters: range)
                .first { $0.partIndex == part && $0.fromMeters - 1e-6 <= s && s <= $0.toMeters + 1e-6 }
            let chainage = max(s, reach?.toMeters ?? s)
            let covered = coveredStretches(position: point(atChainageMeters: chainage, partIndex: part), rangeMeters: range)
            let remaining = RoadStretchSet.subtracting(covered, from: uncovered)
            let share = RoadStretchSet.intersection(uncovered, covered).filter { $0.lengthMeters > tolerance }
            if let next = remaining.first, !(next.partIndex > part || next.fromMeters > s) {
                throw .planDidNotConverge(chainageMeters: s)
            }
            placed.append((chainage, part, share))
            uncovered = remaining
        }

        // Centre each mast on its share where the share fits within its reach.
        var positions: [(chainage: Double, part: Int)] = placed.map { mast in
            guard let low = mast.share.first, let high = mast.share.last,
                mast.share.allSatisfy({ $0.partIndex == mast.part }),
                high.toMeters - low.fromMeters <= 2 * range
            else { return (mast.chainage, mast.part) }
            return ((low.fromMeters + high.toMeters) / 2, mast.part)
        }

        // Drop masts whose gaps the others cover anyway.
        var coverages = positions.map { position in
            coveredStretches(position: point(atChainageMeters: position.chainage, partIndex: position.part), rangeMeters: range)
        }
        var k = 0
        while k < positions.count {
            let others = coverages.indices.filter { $0 != k }.flatMap { coverages[$0] }
            if RoadStretchSet.subtracting(others, from: before.gaps).isEmpty {
                positions.remove(at: k)
                coverages.remove(at: k)
            } else {
                k += 1
            }
        }

        let masts = positions.indices.map { i in
            let closes = RoadStretchSet.intersection(before.gaps, coverages[i]).filter { $0.lengthMeters > tolerance }
            let gapIndices = before.gaps.indices.filter { g in
                closes.contains { $0.partIndex == before.gaps[g].partIndex
                    && $0.toMeters >= before.gaps[g].fromMeters && $0.fromMeters <= before.gaps[g].toMeters }
            }
            return ProposedMast(
                point: point(atChainageMeters: positions[i].chainage, partIndex: positions[i].part),
                chainageMeters: positions[i].chainage, partIndex: positions[i].part, rangeMeters: range,
                closes: closes, gapIndices: gapIndices)
        }
        let newSites = masts.map { CorridorSite(id: "", position: $0.point, rangeMeters: range) }
        let after = coverage(stretches: coveredStretches(of: sites) + coveredStretches(of: newSites))
        return CorridorPlan(rangeMeters: range, before: before, masts: masts, after: after)
    }
}
