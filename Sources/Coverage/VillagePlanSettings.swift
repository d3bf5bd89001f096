/// What a village plan is asked (``CoverageAnalysis/planVillages(_:)``).
public struct VillagePlanSettings: Sendable {
    /// The technology the new masts bring; settlements whose best mobile technology is below it
    /// (or none) are the ones that gain.
    public var technology: MobileTechnology
    /// The year whose sites count.
    public var asOfYear: Int
    /// Which sites count: only operational (`actual`) or also planned and building ones due by
    /// the year (`planned`, the default: existing and planned sites are kept).
    public var scenario: Scenario
    /// Only the settlements of this district (id), when set: demand, settlement candidates and the
    /// grid's extent.
    public var districtID: String?
    /// The range of each new mast.
    public var range: NewMastRange
    /// A budget of masts, or a target share.
    public var objective: PlanObjective
    /// Where new masts may go.
    public var candidates: PlanCandidates
    /// Count no existing site: every settlement of the area gains (the plain maximal covering
    /// problem, e.g. a greenfield network or a benchmark).
    public var ignoreExistingSites: Bool
    /// The solver's limits.
    public var solverOptions: MaximalCovering.Options

    /// Settings; by default 4G, the planned scenario, the technology's default range, the
    /// settlements as candidates and existing sites counted.
    public init(technology: MobileTechnology = .g4, asOfYear: Int, scenario: Scenario = .planned, districtID: String? = nil,
                range: NewMastRange = .defaultTable, objective: PlanObjective, candidates: PlanCandidates = .settlements,
                ignoreExistingSites: Bool = false, solverOptions: MaximalCovering.Options = MaximalCovering.Options()) {
        self.technology = technology
        self.asOfYear = asOfYear
        self.scenario = scenario
        self.districtID = districtID
        self.range = range
        self.objective = objective
        self.candidates = candidates
        self.ignoreExistingSites = ignoreExistingSites
        self.solverOptions = solverOptions
    }
}
