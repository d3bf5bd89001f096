/// One proposed mast of a village plan, in pick order.
public struct VillagePlanMast: Sendable, Hashable {
    /// Where it goes.
    public var candidate: PlanCandidate
    /// The settlements it newly serves (indices into ``VillagePlan/settlements``): those lacking
    /// the technology that no mast picked before it serves, in settlement order.
    public var servedSettlements: [Int]
    /// Their population (settlements without a population count 0).
    public var population: Int64
    /// The population served by this mast and the ones before it.
    public var cumulativePopulation: Int64
    /// ``cumulativePopulation`` as a share of ``VillagePlan/demandPopulation`` (0–1).
    public var cumulativeShare: Double
}
