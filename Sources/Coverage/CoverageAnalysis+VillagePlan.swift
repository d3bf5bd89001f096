import Foundation
import GeoModel
import Geodesy

extension CoverageAnalysis {
    /// New mast positions that maximise the population of the settlements that gain
    /// `settings.technology` — those whose best mobile technology as of the year in the scenario
    /// is below it or none, exactly as ``run(asOf:scenario:profile:districtID:detail:)`` finds it —
    /// with existing and (in the planned scenario) planned sites kept: the best `N` masts for a
    /// budget, or the fewest that reach a target share of those settlements' population.
    ///
    /// A new mast at a candidate serves a settlement when the geodesic distance on the WGS84
    /// ellipsoid is at most the new masts' range (exactly at the range counts). The solver is
    /// ``MaximalCovering``; the plan states its proven upper bound.
    /// - Throws: `CoverageError.invalidSetting` for a budget below 1, a share outside (0, 1], a
    ///   range that is not a positive distance or a grid that is too fine;
    ///   `.unreachableTarget` when the candidates together cannot reach the target share.
    public func planVillages(_ settings: VillagePlanSettings) throws(CoverageError) -> VillagePlan {
        switch settings.objective {
        case .budget(let n):
            guard n >= 1 else { throw .invalidSetting("budget", reason: "\(n) is not a number of masts of at least 1") }
        case .targetShare(let share):
            guard share.isFinite, share > 0, share <= 1 else {
                throw .invalidSetting("target share", reason: "\(share) is not within (0, 1]")
            }
        }
        let range = newMastRange(settings.range, technology: settings.technology)
        guard range.meters.isFinite, range.meters > 0 else {
            throw .invalidSetting("range", reason: "\(range.meters) m is not a positive distance")
        }
        let area = settings.districtID.map { id in settlements.indices.filter { settlements[$0].district == id } }
            ?? Array(settlements.indices)
        let selected = area.map { settlements[$0] }
        // The demand: settlements whose best mobile technology is below the plan's.
        var demand: [Int] = []
        if settings.ignoreExistingSites {
            demand = Array(selected.indices)
        } else {
            let engine = engine(asOf: settings.asOfYear, scenario: settings.scenario)
            let entries = engine.evaluate(selected, satelliteCounts: [:], profile: .standard, detail: [])
            for entry in entries where (entry.bestMobile.map { $0 < settings.technology } ?? true) {
                demand.append(entry.settlement)
            }
        }
        let weights = demand.map { Int64(max(0, selected[$0].population ?? 0)) }
        let demandPopulation = weights.reduce(0, +)
        let candidates: [PlanCandidate]
        switch settings.candidates {
        case .settlements:
            candidates = selected.map { PlanCandidate(id: $0.id, name: $0.name, position: $0.position) }
        case .grid(let spacing):
            candidates = try CandidateGrid.points(over: selected.map(\.position), spacingMeters: spacing)
        case .points(let points, _):
            candidates = points
        }
        let instance = CoverSets.instance(candidates: candidates.map(\.position), rangesMeters: [range.meters],
                                          demand: demand.map { selected[$0].position }, weights: weights)
        let solution: CoveringSolution
        var target: Int64?
        switch settings.objective {
        case .budget(let n):
            solution = MaximalCovering.solve(instance, budget: n, options: settings.solverOptions)
        case .targetShare(let share):
            // The smallest whole number of people at or above the share (a product that should
            // be whole, e.g. 0.5 × 200, is not rounded up by a last-bit error).
            let exact = share * Double(demandPopulation)
            let people = Int64((exact - 1e-9 * max(1, exact)).rounded(.up))
            target = max(0, people)
            solution = try MaximalCovering.fewest(instance, target: max(0, people), options: settings.solverOptions)
        }
        // Each mast's newly served settlements, in pick order.
        var served = [Bool](repeating: false, count: demand.count)
        var cumulative: Int64 = 0
        var masts: [VillagePlanMast] = []
        for (c, gain) in zip(solution.picks, solution.gains) {
            var newly: [Int] = []
            for d in instance.cover(c) where !served[Int(d)] {
                served[Int(d)] = true
                newly.append(demand[Int(d)])
            }
            cumulative += gain
            masts.append(VillagePlanMast(
                candidate: candidates[c], servedSettlements: newly, population: gain, cumulativePopulation: cumulative,
                cumulativeShare: demandPopulation > 0 ? Double(cumulative) / Double(demandPopulation) : 0))
        }
        return VillagePlan(settings: settings, settlements: selected, demand: demand, demandPopulation: demandPopulation,
                           candidateCount: candidates.count, range: range, targetPopulation: target, solution: solution,
                           masts: masts, pairCount: instance.pairCount)
    }

    /// The range of a new mast for `technology`, with its rule.
    func newMastRange(_ range: NewMastRange, technology: MobileTechnology) -> SiteRange {
        switch range {
        case .explicit(let meters):
            SiteRange(technology: technology, meters: meters, rule: .explicit)
        case .model(let band, let height, let eirp):
            rangeModel.modelRange(technology: technology, bandMegahertz: band, antennaHeightMeters: height, eirpDBm: eirp)
        case .defaultTable:
            SiteRange(technology: technology, meters: rangeModel.settings.defaultRangesMeters[technology] ?? 0, rule: .defaultTable)
        }
    }
}
