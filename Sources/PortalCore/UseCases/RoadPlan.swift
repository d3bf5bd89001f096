import Corridor
import Coverage

/// New masts on a road that close every gap; ``RoadPlanWriter`` writes them.
public struct RoadPlan: Sendable {
    /// The road.
    public let road: LoadedRoad
    /// The technology.
    public let technology: MobileTechnology
    /// The year.
    public let asOfYear: Int
    /// The scenario of the sites kept.
    public let scenario: Scenario
    /// Range of each new mast, metres.
    public let newMastRangeMeters: Double
    /// The sites near the road with their ranges, and what was left out.
    public let ranges: RoadSiteRanges
    /// Operational sites as of the year.
    public let actualSiteCount: Int
    /// Coverage by the operational sites.
    public let actual: RoadCoverage
    /// Sites of the scenario (operational, and planned or building when planned).
    public let siteCount: Int
    /// The planned and building sites among them.
    public let plannedSiteIDs: [String]
    /// The gaps and the proposed masts.
    public let plan: CorridorPlan
}
