import Coverage

/// The answer of ``Portal/coverage(_:district:only:properties:)``: every settlement's coverage
/// as of a year, which ``CoverageWriter`` writes.
public struct CoverageListing: Sendable {
    /// The evaluated settlements (filtered to a district or class when asked).
    public let result: CoverageResult
    /// The profile that classified them.
    public let profile: ClassificationProfile
    /// The analysis behind the result (kept so that large runs can release it late).
    public let loaded: LoadedAnalysis
}
