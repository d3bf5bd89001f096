import Coverage
import Foundation
import Geodesy
import QamtuTestSupport
import Testing

@Suite("Village plan and what-if")
struct VillagePlanTests {
    /// Random settlements a few kilometres apart (so that 6 km masts serve several), with populations.
    static func randomSettlements(_ count: Int, rng: inout SplitMix64) -> [CoverageSettlement] {
        (0..<count).map { i in
            CoverageSettlement(id: "v\(i)", name: "Village \(i)",
                               position: GeoPoint(longitude: 71 + rng.uniform(0, 0.25), latitude: 43 + rng.uniform(0, 0.18)),
                               population: Int.random(in: 0...2_000, using: &rng), district: i % 3 == 0 ? "east" : "west")
        }
    }

    /// The optimum by brute force over every set of at most `k` candidates, with cover sets from
    /// all-pairs geodesic distances.
    static func bruteForce(_ settlements: [CoverageSettlement], candidates: [GeoPoint], range: Double, k: Int) -> Int64 {
        let covers = candidates.map { c in
            settlements.indices.filter { Geodesic.distanceMeters(c, settlements[$0].position) <= range }
        }
        var best: Int64 = 0
        func visit(_ start: Int, _ left: Int, _ chosen: [Int]) {
            var covered = Set<Int>()
            for c in chosen { covered.formUnion(covers[c]) }
            best = max(best, covered.reduce(Int64(0)) { $0 + Int64(settlements[$1].population ?? 0) })
            guard left > 0 else { return }
            for c in start..<covers.count { visit(c + 1, left - 1, chosen + [c]) }
        }
        visit(0, k, [])
        return best
    }

    @Test("the plan equals the brute-force optimum on random settlements, with cover sets by geodesic distance")
    func planEqualsBruteForce() throws {
        var rng = SplitMix64(seed: 2026)
        for round in 0..<25 {
            let settlements = Self.randomSettlements(Int.random(in: 3...14, using: &rng), rng: &rng)
            let k = Int.random(in: 1...3, using: &rng)
            let range = rng.uniform(2_000, 9_000)
            let analysis = try CoverageAnalysis(source: InMemoryCoverageData(settlements: settlements))
            let plan = try analysis.planVillages(VillagePlanSettings(asOfYear: 2026, range: .explicit(meters: range),
                                                                     objective: .budget(k), ignoreExistingSites: true))
            let optimum = Self.bruteForce(settlements, candidates: settlements.map(\.position), range: range, k: k)
            #expect(plan.population == optimum, "round \(round)")
            #expect(plan.solution.isOptimal)
            #expect(plan.solution.upperBound >= optimum)
            #expect(plan.masts.reduce(Int64(0)) { $0 + $1.population } == plan.population)
            // Every newly served settlement is within range of its mast, and each is served once.
            var served = Set<Int>()
            for mast in plan.masts {
                for s in mast.servedSettlements {
                    #expect(Geodesic.distanceMeters(mast.candidate.position, settlements[s].position) <= range)
                    #expect(served.insert(s).inserted)
                }
            }
        }
    }

    @Test("only settlements below the technology count; existing sites keep theirs")
    func existingSitesKept() throws {
        let a = GeoPoint(longitude: 71.0, latitude: 43.0)
        let settlements = [
            CoverageSettlement(id: "a", position: a, population: 1_000),
            CoverageSettlement(id: "b", position: Geodesic.destination(from: a, azimuthDegrees: 90, distanceMeters: 3_000), population: 400),
            CoverageSettlement(id: "c", position: Geodesic.destination(from: a, azimuthDegrees: 90, distanceMeters: 40_000), population: 300),
        ]
        // A 4G site covers a (and b); a 3G site covers c: c still gains 4G.
        let sites = [
            CoverageSite(id: "s4", technologies: [.g4], position: a, explicitRangeMeters: 3_500),
            CoverageSite(id: "s3", technologies: [.g3], position: settlements[2].position, explicitRangeMeters: 5_000),
        ]
        let analysis = try CoverageAnalysis(source: InMemoryCoverageData(settlements: settlements, sites: sites))
        let plan = try analysis.planVillages(VillagePlanSettings(asOfYear: 2026, range: .explicit(meters: 6_000), objective: .budget(3)))
        #expect(plan.demand == [2])
        #expect(plan.demandPopulation == 300)
        #expect(plan.masts.map(\.candidate.id) == ["c"])
        #expect(plan.share == 1)
        // With 3G as the technology, nobody lacks it.
        let none = try analysis.planVillages(VillagePlanSettings(technology: .g3, asOfYear: 2026, range: .explicit(meters: 6_000),
                                                                 objective: .budget(3)))
        #expect(none.demand.isEmpty)
        #expect(none.masts.isEmpty)
        // A target share: the fewest masts reaching it; an unreachable one names what is reachable.
        let ignoring = VillagePlanSettings(asOfYear: 2026, range: .explicit(meters: 2_000), objective: .targetShare(0.75),
                                           ignoreExistingSites: true)
        let target = try analysis.planVillages(ignoring)
        #expect(target.targetPopulation == 1_275)
        #expect(target.masts.map(\.candidate.id) == ["a", "b"])
        #expect(target.solution.isOptimal)
        var far = ignoring
        far.candidates = .points([PlanCandidate(id: "x", position: GeoPoint(longitude: 75, latitude: 45))], source: "x.csv")
        #expect(throws: CoverageError.self) { try analysis.planVillages(far) }
    }

    @Test("the grid's rows and points are the spacing apart, from the south-west corner")
    func gridLayout() throws {
        let positions = [GeoPoint(longitude: 71, latitude: 43), GeoPoint(longitude: 71.3, latitude: 43.2)]
        let grid = try CandidateGrid.points(over: positions, spacingMeters: 5_000)
        let first = try #require(grid.first)
        #expect(first.id == "grid-1-1")
        #expect(first.position == GeoPoint(longitude: 71, latitude: 43))
        let north = try #require(grid.first { $0.id == "grid-2-1" })
        #expect(abs(Geodesic.distanceMeters(first.position, north.position) - 5_000) < 1e-6)
        let east = try #require(grid.first { $0.id == "grid-1-2" })
        // Along the parallel: the geodesic is a little shorter than the arc of 5 km.
        let d = Geodesic.distanceMeters(first.position, east.position)
        #expect(d < 5_000 && d > 4_999.9)
        // Every point within the extent.
        #expect(grid.allSatisfy { $0.position.latitude <= 43.2 && $0.position.longitude <= 71.3 + 1e-12 })
        // 43.0…43.2 is 22.2 km: 5 rows; 0.3° of longitude at 43° is 24.4 km: 5 points a row.
        #expect(grid.count == 25)
        #expect(throws: CoverageError.self) { try CandidateGrid.points(over: positions, spacingMeters: 0) }
        #expect(throws: CoverageError.self) { try CandidateGrid.points(over: [GeoPoint(longitude: 40, latitude: 40),
                                                                             GeoPoint(longitude: 90, latitude: 60)], spacingMeters: 100) }
    }

    @Test("a proposed site at an unserved village makes it served; the diff names it with the population gained")
    func whatIf() throws {
        let village = CoverageSettlement(id: "v", name: "Village", position: GeoPoint(longitude: 71.5, latitude: 43.2), population: 800)
        let other = CoverageSettlement(id: "w", position: GeoPoint(longitude: 72.5, latitude: 43.2), population: 50)
        let analysis = try CoverageAnalysis(source: InMemoryCoverageData(settlements: [village, other]))
        let proposed = CoverageSite(id: "P-1", operatorName: "Kcell", technologies: [.g4],
                                    position: Geodesic.destination(from: village.position, azimuthDegrees: 0, distanceMeters: 1_200),
                                    explicitRangeMeters: 5_000, status: .planned, plannedYear: 2030)
        let before = analysis.run(asOf: 2026, scenario: .actual, profile: .standard)
        #expect(before.entries.map(\.coverageClass) == [.unserved, .unserved])
        let after = analysis.adding(proposedSites: [proposed]).run(asOf: 2026, scenario: .actual, profile: .standard)
        #expect(after.entries.map(\.coverageClass) == [.served, .unserved])
        #expect(after.reason(after.entries[0]).contains("nearest P-1 at 1200 m within 5000 m (explicit) (proposed)"))
        let diff = analysis.whatIf(proposedSites: [proposed], asOf: 2026, scenario: .actual, profile: .standard)
        #expect(diff.changes.count == 1)
        #expect(diff.changes.first?.reason == "unserved → served (as of 2026, with 1 proposed site): best mobile none → 4G: P-1 (Kcell, proposed) at 1200 m")
        #expect(diff.populationChange.map(\.people) == [800, 0, -800])
        #expect(diff.populationChangeText == "served +800, underserved ±0, unserved −800")
        #expect(diff.proposedSiteIDs == ["P-1"])
        // The analysis itself is unchanged.
        #expect(analysis.sites.isEmpty)
    }
}
