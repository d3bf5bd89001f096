import Coverage
import GeoModel

/// What `plan villages` asks: where new masts serve the most people of the settlements that
/// lack a technology (``Portal/planVillages(_:)``).
public struct VillagePlanRequest: Sendable {
    /// Where new masts may go.
    public enum Candidates: Sendable, Hashable {
        /// The settlements' own positions (the default).
        case settlements
        /// A grid over the settlements' extent, points this many metres apart (``CandidateGrid``).
        case grid(spacingMeters: Double)
        /// The Points of a GeoJSON or CSV file (`id`, optional `name`), validated like an import.
        case file(String)

        /// Parses `settlements`, `grid:5km` (a distance with its unit) or a file path.
        /// - Throws: ``PortalError`` (invalid input) for a grid without a usable distance.
        public init(parsing text: String) throws(PortalError) {
            if text == "settlements" {
                self = .settlements
            } else if text.lowercased().hasPrefix("grid:") {
                let spacing = try Distance(parsing: String(text.dropFirst(5)))
                guard spacing.meters >= 1 else {
                    throw PortalError(.invalidInput, "grid spacing '\(text.dropFirst(5))' must be at least 1 m")
                }
                self = .grid(spacingMeters: spacing.meters)
            } else {
                self = .file(text)
            }
        }
    }

    /// The year, scenario and propagation settings (the profile is not used: the plan looks at
    /// the technology alone).
    public var analysis: AnalysisRequest
    /// Only the settlements of this district (name in any script, or id).
    public var district: String?
    /// The technology of the new masts.
    public var technology: MobileTechnology
    /// The new masts' range.
    public var range: NewMastRange
    /// A budget or a target share.
    public var objective: PlanObjective
    /// Where new masts may go.
    public var candidates: Candidates
    /// Count no existing site (every settlement of the area gains).
    public var ignoreExistingSites: Bool
    /// The solver's limits.
    public var solverOptions: MaximalCovering.Options

    /// A request; by default 4G, the default range, settlements as candidates, existing sites kept.
    public init(analysis: AnalysisRequest, district: String? = nil, technology: MobileTechnology = .g4,
                range: NewMastRange = .defaultTable, objective: PlanObjective, candidates: Candidates = .settlements,
                ignoreExistingSites: Bool = false, solverOptions: MaximalCovering.Options = MaximalCovering.Options()) {
        self.analysis = analysis
        self.district = district
        self.technology = technology
        self.range = range
        self.objective = objective
        self.candidates = candidates
        self.ignoreExistingSites = ignoreExistingSites
        self.solverOptions = solverOptions
    }
}
