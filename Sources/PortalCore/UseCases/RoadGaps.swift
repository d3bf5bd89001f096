import Corridor
import Coverage

/// The stretches of a road without coverage of a technology; ``RoadGapsWriter`` writes them.
public struct RoadGaps: Sendable {
    /// The road.
    public let road: LoadedRoad
    /// The technology (sites with it or a better one count).
    public let technology: MobileTechnology
    /// The year.
    public let asOfYear: Int
    /// The scenario.
    public let scenario: Scenario
    /// The sites near the road with their ranges, and what was left out.
    public let ranges: RoadSiteRanges
    /// The sites that count as of the year in the scenario.
    public let activeSites: [RangedSite]
    /// Covered and uncovered stretches.
    public let coverage: RoadCoverage
}
