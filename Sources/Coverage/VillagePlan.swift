import GeoModel

/// New mast positions for villages that lack a technology, with what each one buys
/// (``CoverageAnalysis/planVillages(_:)``).
public struct VillagePlan: Sendable {
    /// What was asked.
    public let settings: VillagePlanSettings
    /// The settlements of the area (a district's, or all), in the analysis's order.
    public let settlements: [CoverageSettlement]
    /// The settlements that lack the technology (indices into ``settlements``): the demand.
    public let demand: [Int]
    /// Their population: the denominator of every share.
    public let demandPopulation: Int64
    /// Every candidate position considered.
    public let candidateCount: Int
    /// The range of each new mast and the rule that gave it.
    public let range: SiteRange
    /// The people to reach with a target share (`ceil(share × demandPopulation)`), else nil.
    public let targetPopulation: Int64?
    /// The solver's answer (value, proven upper bound, optimality).
    public let solution: CoveringSolution
    /// The proposed masts in pick order.
    public let masts: [VillagePlanMast]
    /// Candidate-to-settlement pairs within range (the size of the instance).
    public let pairCount: Int

    /// The population the plan serves.
    public var population: Int64 { solution.value }

    /// ``population`` as a share of ``demandPopulation``.
    public var share: Double { demandPopulation > 0 ? Double(population) / Double(demandPopulation) : 0 }

    /// The objective in words, e.g. `maximise the population of the settlements without 4G
    /// served by at most 5 new masts of 6000 m`.
    public var objectiveText: String {
        let people = "the population of the settlements without \(settings.technology.label)"
            + (settings.ignoreExistingSites ? " (existing sites ignored: every settlement)" : "")
        let range = "\(NumberFormat.trimmed(self.range.meters.rounded())) m"
        switch settings.objective {
        case .budget(let n):
            return "maximise \(people) served by at most \(NumberFormat.count(n, "new mast")) of \(range)"
        case .targetShare(let share):
            return "fewest new masts of \(range) serving at least \(NumberFormat.trimmed(share)) of \(people)"
        }
    }
}
