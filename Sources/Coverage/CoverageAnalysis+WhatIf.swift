import GeoModel

extension CoverageAnalysis {
    /// The same analysis with `proposed` sites added after the stored ones: what-if questions
    /// ("what if these masts existed?"). Each proposed site is marked ``CoverageSite/isProposed``
    /// and counts in every year and scenario, whatever status and years it states (they are
    /// cleared to operational without dates); reasons call it `proposed`. Nothing is stored.
    public func adding(proposedSites proposed: [CoverageSite]) -> CoverageAnalysis {
        let marked = proposed.map { site in
            var site = site
            site.isProposed = true
            site.status = .operational
            site.commissionedYear = nil
            site.plannedYear = nil
            site.spatialRank = nil
            return site
        }
        // The proposed sites have no spatial rank, so the engine orders all sites itself.
        return CoverageAnalysis(settlements: settlements, sites: sites + marked, institutions: institutions,
                                commitments: commitments, districts: districts, rangeModel: rangeModel,
                                satelliteCounts: satelliteCounts, settlementOrder: settlementOrder)
    }

    /// The settlements whose class changes when `proposed` sites are added, as of `year` in
    /// `scenario` under `profile` (only district `districtID`'s when given), with reasons that
    /// name the proposed sites.
    public func whatIf(proposedSites proposed: [CoverageSite], asOf year: Int, scenario: Scenario,
                       profile: ClassificationProfile, districtID: String? = nil) -> CoverageDiff {
        let before = run(asOf: year, scenario: scenario, profile: profile, districtID: districtID)
        let after = adding(proposedSites: proposed).run(asOf: year, scenario: scenario, profile: profile, districtID: districtID)
        let ids = proposed.map(\.id)
        let label = "as of \(year), with \(NumberFormat.count(ids.count, "proposed site"))"
        return CoverageDiff(before: before, after: after, comparison: label, proposedSiteIDs: ids)
    }

    /// An analysis from its parts (``adding(proposedSites:)``).
    init(settlements: [CoverageSettlement], sites: [CoverageSite], institutions: [CoverageInstitution],
         commitments: [CoverageCommitment], districts: [CoverageDistrict], rangeModel: RangeModel,
         satelliteCounts: [String: Int], settlementOrder: [Int]) {
        self.settlements = settlements
        self.sites = sites
        self.institutions = institutions
        self.commitments = commitments
        self.districts = districts
        self.rangeModel = rangeModel
        self.satelliteCounts = satelliteCounts
        self.settlementOrder = settlementOrder
    }
}
