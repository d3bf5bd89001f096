@testable import Corridor
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Siting new masts to close the gaps")
struct PlanTests {
    /// Checks the two acceptance properties of a plan: with the proposed masts added the
    /// recomputed coverage has no gaps (also sampled every 20 m without the coverage
    /// code), and removing any one proposed mast reopens a gap.
    static func checkClosesEveryGapAndIsIrredundant(
        _ road: CorridorRoad, existing: [CorridorSite], plan: CorridorPlan,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let proposed = plan.proposedSites
        #expect(plan.after.gaps.isEmpty, sourceLocation: sourceLocation)
        let recomputed = try road.coverage(of: existing + proposed)
        #expect(recomputed.gaps.isEmpty, "\(recomputed.gaps)", sourceLocation: sourceLocation)
        #expect(recomputed.coveredShare == 1, sourceLocation: sourceLocation)
        var uncoveredSamples = 0
        // Gaps of at most 1 mm are not gaps; a point within 1 mm of coverage along the road is
        // within 1 mm of a site's range.
        for (part, chainage) in samples(road, stepMeters: 20)
        where !isCovered(road, part: part, chainage: chainage, by: existing + proposed, slack: RoadStretchSet.toleranceMeters) {
            uncoveredSamples += 1
        }
        #expect(uncoveredSamples == 0, sourceLocation: sourceLocation)
        for k in proposed.indices {
            var fewer = proposed
            fewer.remove(at: k)
            let reopened = try road.coverage(of: existing + fewer).gaps
            #expect(!reopened.isEmpty, "mast \(k + 1) is redundant", sourceLocation: sourceLocation)
        }
        // Every mast stands on the road and says which gaps it closes.
        for mast in plan.masts {
            let location = road.locate(mast.point)
            #expect(location.offsetMeters <= 1e-6, sourceLocation: sourceLocation)
            #expect(abs(location.chainageMeters - mast.chainageMeters) <= 1e-6 || location.partIndex != mast.partIndex,
                    sourceLocation: sourceLocation)
            #expect(!mast.gapIndices.isEmpty && !mast.closes.isEmpty, sourceLocation: sourceLocation)
            #expect(mast.rangeMeters == plan.rangeMeters, sourceLocation: sourceLocation)
        }
    }

    /// On one geodesic the coverage of a mast is exactly `[c − r, c + r]` of chainage, so
    /// the optimum for an uncovered 50 km road and a 5 km range is 50 / 10 = 5 masts, at
    /// 5, 15, 25, 35 and 45 km.
    @Test func uncoveredStraightRoadNeedsLengthOverTwiceTheRange() throws {
        let road = try straightRoad(lengthMeters: 50_000)
        let plan = try road.plan(existing: [], newMastRangeMeters: 5_000)
        #expect(plan.masts.map(\.chainageMeters).map { ($0 / 1000).rounded() } == [5, 15, 25, 35, 45])
        for (mast, expected) in zip(plan.masts, [5_000.0, 15_000, 25_000, 35_000, 45_000]) {
            #expect(abs(mast.chainageMeters - expected) <= 1e-3)
        }
        #expect(plan.before.gaps.count == 1)
        #expect(plan.masts.allSatisfy { $0.gapIndices == [0] })
        try Self.checkClosesEveryGapAndIsIrredundant(road, existing: [], plan: plan)
        // One metre more of road needs a sixth mast.
        let longer = try straightRoad(lengthMeters: 50_001)
        #expect(try longer.plan(existing: [], newMastRangeMeters: 5_000).masts.count == 6)
    }

    /// Existing sites on a straight 60 km road leave a 3 km gap, a 12 km gap and 4 km at
    /// the end; with a 5 km range: one mast in the middle of the short gap, two for the
    /// 12 km one, one in the middle of the end gap, never beyond the road's end.
    @Test func shortGapsAndRoadEnds() throws {
        let road = try straightRoad(lengthMeters: 60_000)
        func site(_ id: String, atKm km: Double, rangeKm: Double) -> CorridorSite {
            CorridorSite(id: id, position: road.point(atChainageMeters: km * 1000), rangeMeters: rangeKm * 1000)
        }
        // Covered: 0–20, 23–32, 44–56 km.
        let existing = [site("a", atKm: 10, rangeKm: 10), site("b", atKm: 27.5, rangeKm: 4.5), site("c", atKm: 50, rangeKm: 6)]
        let plan = try road.plan(existing: existing, newMastRangeMeters: 5_000)
        let gaps = plan.before.gaps.map { [($0.fromMeters / 1000 * 1e6).rounded() / 1e6, ($0.toMeters / 1000 * 1e6).rounded() / 1e6] }
        #expect(gaps == [[20, 23], [32, 44], [56, 60]])
        let chainages = plan.masts.map(\.chainageMeters)
        try #require(chainages.count == 4)
        #expect(abs(chainages[0] - 21_500) <= 1e-3)  // middle of the 3 km gap
        #expect(plan.masts[0].gapIndices == [0])
        #expect(plan.masts[1].gapIndices == [1] && plan.masts[2].gapIndices == [1])
        #expect(chainages[1] > 32_000 && chainages[2] < 44_000)
        #expect(abs(chainages[3] - 58_000) <= 1e-3)  // middle of the last 4 km, on the road
        #expect(plan.masts[3].gapIndices == [2])
        #expect(abs(plan.masts[0].closes[0].lengthMeters - 3_000) <= 1e-3)
        try Self.checkClosesEveryGapAndIsIrredundant(road, existing: existing, plan: plan)
    }

    @Test func nothingToDoWhenTheExistingSitesSuffice() throws {
        let road = try referenceRoad("bent")
        let existing = [CorridorSite(id: "big", position: p(71.5, 42.95), rangeMeters: 50_000)]
        let plan = try road.plan(existing: existing, newMastRangeMeters: 5_000)
        #expect(plan.masts.isEmpty)
        #expect(plan.before.gaps.isEmpty && plan.after.gaps.isEmpty)
    }

    /// A bent road, a MultiLineString with a gap between its parts, and a road across 180°,
    /// with random existing sites and several ranges.
    @Test(arguments: ["bent", "mirrored", "antimeridian"], [1_500.0, 4_000.0, 9_000.0])
    func closesEveryGapOnEveryKindOfRoad(name: String, range: Double) throws {
        let road = try referenceRoad(name)
        var generator = SplitMix64(seed: 5)
        let existing = (0..<4).map { i in
            let base = road.point(atChainageMeters: Double.random(in: 0...road.lengthMeters, using: &generator))
            return CorridorSite(
                id: "e\(i)",
                position: p(base.longitude + Double.random(in: -0.03...0.03, using: &generator),
                            base.latitude + Double.random(in: -0.03...0.03, using: &generator)),
                rangeMeters: Double.random(in: 1_000...3_000, using: &generator))
        }
        let plan = try road.plan(existing: existing, newMastRangeMeters: range)
        #expect(!plan.before.gaps.isEmpty)
        try Self.checkClosesEveryGapAndIsIrredundant(road, existing: existing, plan: plan)
        // Never more than the chainage-interval model needs gap by gap.
        let bound = plan.before.gaps.reduce(0) { $0 + Int(($1.lengthMeters / (2 * range)).rounded(.up)) }
        #expect(plan.masts.count <= bound)
        #expect(plan.masts.count >= 1)
    }

    /// Against exhaustive search on a small case: on the bent road, with the site at the
    /// bend, the gaps of 15.7 and 10.2 km need three masts of 6 km range; no pair of
    /// positions on a 100 m grid of the road closes them.
    @Test func noSmallerPlanExistsOnAGrid() throws {
        let road = try referenceRoad("bent")
        let existing = [CorridorSite(id: "bend", position: p(71.555, 42.905), rangeMeters: 6000)]
        let range = 6_000.0
        let plan = try road.plan(existing: existing, newMastRangeMeters: range)
        try Self.checkClosesEveryGapAndIsIrredundant(road, existing: existing, plan: plan)
        #expect(plan.masts.count == 3)
        let gaps = plan.before.gaps
        let coverages = samples(road, stepMeters: 100).map { part, chainage in
            road.coveredStretches(position: road.point(atChainageMeters: chainage, partIndex: part), rangeMeters: range)
        }
        var pairs = 0
        for i in coverages.indices {
            for j in coverages.indices where j > i {
                if RoadStretchSet.subtracting(coverages[i] + coverages[j], from: gaps).isEmpty { pairs += 1 }
            }
        }
        #expect(pairs == 0)
    }

    @Test func rejectsBadRanges() throws {
        let road = try referenceRoad("bent")
        #expect(throws: CorridorError.invalidDistance("newMastRangeMeters", 0)) {
            try road.plan(existing: [], newMastRangeMeters: 0)
        }
        #expect(throws: CorridorError.self) { try road.plan(existing: [], newMastRangeMeters: .nan) }
        #expect(throws: CorridorError.self) {
            try road.plan(existing: [CorridorSite(id: "x", position: p(0, 0), rangeMeters: .infinity)], newMastRangeMeters: 5_000)
        }
    }
}
