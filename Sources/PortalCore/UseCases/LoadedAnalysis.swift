import Coverage

/// The coverage analysis loaded from a store, with what had to be left out.
public struct LoadedAnalysis: Sendable {
    /// The analysis (settlements, sites, institutions, commitments, districts and ranges).
    public let analysis: CoverageAnalysis
    /// Settlements and sites without a usable point, kind or status, left out.
    public let skipped: Int
}
