import Coverage

/// The settings every coverage question shares: the year, the scenario, the classification
/// profile and the propagation settings.
public struct AnalysisRequest: Sendable {
    /// The year of the answer (default: this year, UTC).
    public var asOfYear: Int
    /// Only what exists (`actual`), or also what is planned for the year or earlier (`planned`).
    public var scenario: Scenario
    /// A built-in profile's name (used when no ``profileFile`` is given).
    public var profileName: String
    /// The path of a JSON profile file, read instead of a built-in profile. Only front ends whose
    /// user may read files set it (the CLI); a server never passes request input here.
    public var profileFile: String?
    /// Receiver height, thresholds and default ranges.
    public var propagation: PropagationSettings

    /// A request; every part has the CLI's default.
    public init(asOfYear: Int = CalendarYear.current, scenario: Scenario = .actual,
                profileName: String = ClassificationProfile.standard.name,
                propagation: PropagationSettings = PropagationSettings(), profileFile: String? = nil) {
        self.profileFile = profileFile
        self.asOfYear = asOfYear
        self.scenario = scenario
        self.profileName = profileName
        self.propagation = propagation
    }
}
