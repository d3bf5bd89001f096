import Coverage

/// The settings every coverage question shares: the year, the scenario, the classification
/// profile and the propagation settings.
public struct AnalysisRequest: Sendable {
    /// The year of the answer (default: this year, UTC).
    public var asOfYear: Int
    /// Only what exists (`actual`), or also what is planned for the year or earlier (`planned`).
    public var scenario: Scenario
    /// A built-in profile's name, or the path of a JSON profile file.
    public var profileName: String
    /// Receiver height, thresholds and default ranges.
    public var propagation: PropagationSettings

    /// A request; every part has the CLI's default.
    public init(asOfYear: Int = CalendarYear.current, scenario: Scenario = .actual,
                profileName: String = ClassificationProfile.standard.name,
                propagation: PropagationSettings = PropagationSettings()) {
        self.asOfYear = asOfYear
        self.scenario = scenario
        self.profileName = profileName
        self.propagation = propagation
    }
}
