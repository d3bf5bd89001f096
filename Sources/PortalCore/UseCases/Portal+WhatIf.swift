import Coverage
import GeoModel

extension Portal {
    /// The proposed sites of a what-if question from a file (GeoJSON or CSV with the sites
    /// layer's columns, as `qamtu import sites` reads it), validated as an import validates it —
    /// the same messages — without writing anything: an id already in the sites layer or twice in
    /// the file is a problem, as in an import.
    /// - Parameter analysis: the loaded analysis (its sites' ids are the layer's).
    /// - Throws: `ImportError.failed` listing the problems; the format's errors for an unreadable file.
    public func proposedSites(_ path: String, format: InputFormat? = nil, for analysis: CoverageAnalysis) throws -> [CoverageSite] {
        let records = try ValidatedFile.records(path: path, layer: .sites, format: format,
                                                existingIDs: Set(analysis.sites.map(\.id)))
        return try records.map { try CoverageSite(record: $0) }
    }

    /// The settlements whose class changes if the proposed sites of the file at `withSites`
    /// existed, as of the request's year in its scenario, with the population gained per class
    /// (``CoverageDiff/populationChange``) and reasons that name the proposed sites. Nothing is
    /// written: the sites only join the analysis in memory.
    /// - Parameter district: only settlements of this district (name in any script, or id).
    /// - Throws: `ImportError` for a file with problems; `CoverageError` for an unknown profile or
    ///   district; ``PortalError`` for a year out of range; store errors.
    public func whatIfDiff(_ request: AnalysisRequest, withSites path: String, district: String? = nil) throws -> CoverageDiff {
        _ = try CalendarYear.checked(request.asOfYear, name: "as-of")
        let profile = try Self.profile(for: request)
        let loaded = try loadAnalysis(request.propagation)
        let proposed = try proposedSites(path, for: loaded.analysis)
        let districtID = try district.map { try resolveDistrict($0, in: loaded) }
        return loaded.analysis.whatIf(proposedSites: proposed, asOf: request.asOfYear, scenario: request.scenario,
                                      profile: profile, districtID: districtID)
    }
}
