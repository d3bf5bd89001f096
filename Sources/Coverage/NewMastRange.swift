/// How the range of the new masts of a plan is set.
public enum NewMastRange: Sendable, Hashable {
    /// This many metres (geodesic distance on the WGS84 ellipsoid).
    case explicit(meters: Double)
    /// The propagation model's range (``RangeModel/modelRange(technology:bandMegahertz:antennaHeightMeters:eirpDBm:)``)
    /// for these radio values: band MHz, antenna height m, EIRP dBm.
    case model(bandMegahertz: Double, antennaHeightMeters: Double, eirpDBm: Double)
    /// The technology's default range (``PropagationSettings/defaultRangesMeters``; 4G 6 km).
    case defaultTable
}
