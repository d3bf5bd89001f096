import Corridor
import Coverage
import GeoModel
import Geodesy

/// The sites that can cover a road for a technology, with their ranges (the coverage engine's
/// rules), read through the store's spatial index along the road.
public struct RoadSiteRanges: Sendable {
    /// Sites farther than this from the road are not read (the propagation model caps ranges
    /// at 20 km; an explicit `range_m` beyond this would be cut, and is reported).
    public static let maximumReachMeters = 100_000.0

    /// Radio sites with the technology (or a better one) that reach the road, any status.
    public private(set) var sites: [RangedSite] = []
    /// Sites that could not be read as coverage sites (bad kind/status/geometry).
    public private(set) var skipped = 0
    /// Sites whose range exceeds ``maximumReachMeters``.
    public private(set) var beyondReach: [String] = []

    /// Reads and ranges the sites near `road`.
    /// - Parameter plannedRangeMeters: when set, the range assumed for planned and building
    ///   sites instead of their own.
    init(store: any PortalStore, road: CorridorRoad, technology: MobileTechnology, model: RangeModel,
         plannedRangeMeters: Double?) throws {
        try RoadSites.scan(store, road: road, withinMeters: Self.maximumReachMeters) { records in
            for record in records {
                guard let site = try? CoverageSite(record: record) else {
                    skipped += 1
                    continue
                }
                let technologies = site.technologies.mobile.filter { $0 >= technology }
                guard !technologies.isEmpty, site.status != .retired else { continue }
                var best: SiteRange?
                for t in technologies {
                    let range = model.range(of: site, for: t)
                    if range.meters > (best?.meters ?? -1) { best = range }
                }
                guard let best else { continue }
                var meters = best.meters
                var rule = best.rule.rawValue
                if let plannedRangeMeters, site.status == .planned || site.status == .building {
                    meters = plannedRangeMeters
                    rule = "assumed"
                }
                if meters > Self.maximumReachMeters { beyondReach.append(site.id) }
                guard road.locate(site.position, withinMeters: meters) != nil else { continue }
                sites.append(RangedSite(site: site, rangeMeters: meters, rule: rule))
            }
        }
    }

    /// The sites that count as of `year` in `scenario`.
    public func active(asOf year: Int, scenario: Scenario) -> [RangedSite] {
        sites.filter { SiteActivity(site: $0.site, asOf: year, scenario: scenario).isActive }
    }

    /// As corridor sites.
    static func corridorSites(_ sites: [RangedSite]) -> [CorridorSite] {
        sites.map { CorridorSite(id: $0.site.id, position: $0.site.position, rangeMeters: $0.rangeMeters) }
    }

    /// Notes for people about sites that could not be used or may reach beyond the search.
    public var notes: [String] {
        var notes: [String] = []
        if skipped > 0 {
            notes.append("note: \(NumberFormat.count(skipped, "site")) without a usable point, kind or status "
                + "\(skipped == 1 ? "was" : "were") left out")
        }
        if let first = beyondReach.first {
            notes.append("note: sites are read within \(Int(Self.maximumReachMeters / 1000)) km of the road; "
                + "\(beyondReach.count) \(beyondReach.count == 1 ? "has" : "have") a larger range (e.g. \(first)), "
                + "so farther ones may be missing")
        }
        return notes
    }
}
