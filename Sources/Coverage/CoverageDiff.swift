import GeoModel

/// One settlement whose class differs between two years.
public struct CoverageChange: Sendable {
    /// The settlement's index in ``CoverageDiff/settlements``.
    public var settlement: Int
    /// The settlement's coverage in the first year.
    public var before: SettlementCoverage
    /// The settlement's coverage in the second year.
    public var after: SettlementCoverage
    /// What changed, in words.
    public var reason: String
}

/// The settlements whose class changes between two years, in one scenario and profile.
public struct CoverageDiff: Sendable {
    /// Connectivity in the first year.
    public let before: CoverageResult
    /// Connectivity in the second year.
    public let after: CoverageResult
    /// The changed settlements, in settlement order.
    public let changes: [CoverageChange]
    /// What is compared, in words: `2024 → 2026`, or `as of 2026, with 2 proposed sites` for a
    /// what-if diff.
    public let comparison: String
    /// The ids of the proposed sites of a what-if diff (empty for a diff between years).
    public let proposedSiteIDs: [String]

    /// Compares two results over the same settlements (same order).
    /// - Parameters:
    ///   - comparison: what is compared, in words (default `YEAR1 → YEAR2`).
    ///   - proposedSiteIDs: the proposed sites that `after` adds, for a what-if diff.
    public init(before: CoverageResult, after: CoverageResult, comparison: String? = nil, proposedSiteIDs: [String] = []) {
        self.before = before
        self.after = after
        self.comparison = comparison ?? "\(before.asOfYear) → \(after.asOfYear)"
        self.proposedSiteIDs = proposedSiteIDs
        var changes: [CoverageChange] = []
        for (old, new) in zip(before.entries, after.entries) where old.coverageClass != new.coverageClass {
            changes.append(CoverageChange(settlement: new.settlement, before: old, after: new,
                                          reason: Self.reason(old, new, before: before, after: after, comparison: self.comparison)))
        }
        self.changes = changes
    }

    /// Per class, the population that the changes move into it less the population they move
    /// out of it (settlements without a population count 0): `served +12,400` when villages of
    /// 12,400 people become served. Every class appears, in ``CoverageClass`` order.
    public var populationChange: [(coverageClass: CoverageClass, people: Int)] {
        var change: [CoverageClass: Int] = [:]
        for c in changes {
            let people = settlements[c.settlement].population ?? 0
            change[c.after.coverageClass, default: 0] += people
            change[c.before.coverageClass, default: 0] -= people
        }
        return CoverageClass.allCases.map { ($0, change[$0] ?? 0) }
    }

    /// ``populationChange`` in words: `served +12,400, underserved −3,000, unserved −9,400`.
    public var populationChangeText: String {
        populationChange.map { entry in
            let sign = entry.people > 0 ? "+" : entry.people < 0 ? "−" : "±"
            return "\(entry.coverageClass.rawValue) \(sign)\(NumberFormat.grouped(abs(entry.people)))"
        }.joined(separator: ", ")
    }

    /// The settlements compared.
    public var settlements: [CoverageSettlement] { after.settlements }

    /// E.g. `unserved → served (2024 → 2025): gains fibre (planned 2025); best mobile 2G → 4G: kc-0101 (Kcell, planned 2025) at 2310 m`.
    static func reason(_ old: SettlementCoverage, _ new: SettlementCoverage, before: CoverageResult,
                       after: CoverageResult, comparison: String) -> String {
        var parts: [String] = []
        switch (old.fixed, new.fixed) {
        case (nil, .fibre(let year, let planned)?):
            parts.append("gains fibre (\(planned ? "planned" : "connected") \(year.map(String.init) ?? "year unknown"))")
        case (nil, .fibreNode(let site, let distance)?):
            parts.append("gains fibre from node \(after.engine.sites[site].id)" + (distance.map { " at \(CoverageResult.meters($0))" } ?? ""))
        case (_?, nil):
            parts.append("loses fibre (\(new.fibreNote ?? "not counted in \(after.asOfYear)"))")
        default: break
        }
        if old.bestMobile != new.bestMobile {
            var text = "best mobile \(old.bestMobile?.label ?? "none") → \(new.bestMobile?.label ?? "none")"
            if let best = new.bestMobile, let first = new.coveringSites.first, (old.bestMobile ?? .g2) < best || old.bestMobile == nil {
                let site = after.engine.sites[first]
                var details: [String] = []
                if let name = site.operatorName { details.append(name) }
                if let phrase = SiteActivity(site: site, asOf: after.asOfYear, scenario: after.scenario).phrase { details.append(phrase) }
                text += ": \(site.id)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
                text += " at \(CoverageResult.meters(new.closestCoveringMeters ?? 0))"
            } else if let lost = old.coveringSites.first {
                let site = before.engine.sites[lost]
                let phrase = SiteActivity(site: site, asOf: after.asOfYear, scenario: after.scenario).phrase
                text += ": \(site.id) no longer counts" + (phrase.map { " (\($0))" } ?? "")
            }
            parts.append(text)
        }
        if (old.satelliteInstitutions > 0) != (new.satelliteInstitutions > 0) {
            parts.append(new.satelliteInstitutions > 0 ? "gains a satellite link" : "loses its satellite link")
        }
        let head = "\(old.coverageClass.rawValue) → \(new.coverageClass.rawValue) (\(comparison))"
        return parts.isEmpty ? head : head + ": " + parts.joined(separator: "; ")
    }
}
