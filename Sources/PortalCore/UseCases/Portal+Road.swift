import Corridor
import Coverage
import GeoModel
import Geodesy

extension Portal {
    /// Finds a road by exact id, else by ref or name in any script (`NameMatcher`).
    /// - Throws: ``PortalError`` — not found (listing the closest roads), conflict for an
    ///   ambiguous name (listing the candidates), invalid input for a road without geometry;
    ///   `CorridorError` for an unusable geometry.
    public func road(named query: String) throws -> LoadedRoad {
        let record: FeatureRecord
        switch try lookUp(query, in: .roads) {
        case .found(let found):
            record = found
        case .ambiguous(let ids):
            throw PortalError(.conflict, "'\(query)' matches several roads: \(try describeRoads(ids)); give one of the ids")
        case .notFound(let closest):
            if closest.isEmpty {
                throw PortalError(.notFound, "no road matches '\(query)'; no road has a similar id, ref or name",
                                  commandLineHint: "list them with `qamtu export roads --format csv`")
            }
            throw PortalError(.notFound, "no road matches '\(query)'; closest: \(try describeRoads(closest))")
        }
        guard let geometry = record.geometry else {
            throw PortalError(.invalidInput, "road '\(query)' has no geometry")
        }
        return LoadedRoad(record: record, road: try CorridorRoad(geometry: geometry))
    }

    /// `id (ref name), …` for roads.
    private func describeRoads(_ ids: [String]) throws -> String {
        try store.features(.roads, ids: ids).map { record in
            let labels = LoadedRoad.labels(record)
            return labels.isEmpty ? record.id : "\(record.id) (\(labels))"
        }.joined(separator: ", ")
    }

    /// The sites within `within` of a road, sorted by chainage (then offset, then id), each with
    /// its offset, chainage and nearest road point (geodesic, WGS84).
    /// - Parameters:
    ///   - status: only sites with this status, when set.
    ///   - operatorName: only sites of this operator (case-insensitive), when set.
    public func roadMasts(_ roadName: String, within: Distance, status: SiteStatus? = nil,
                          operatorName: String? = nil) throws -> RoadMasts {
        let loaded = try road(named: roadName)
        let filters = status.map { [ExportFilter(column: "status", value: .text($0.rawValue))] } ?? []
        let operatorColumn = LayerSchema.sites.columnIndex("operator") ?? 0
        // Each batch (one box of the chain along the road) is measured at once; only the sites
        // within reach are kept, and sorted by chainage at the end.
        var hits: [(record: FeatureRecord, position: GeoPoint, location: RoadLocation)] = []
        try RoadSites.scan(store, road: loaded.road, withinMeters: within.meters, filters: filters) { records in
            var batch: [(record: FeatureRecord, position: GeoPoint)] = []
            batch.reserveCapacity(records.count)
            for record in records {
                guard case .point(let position)? = record.geometry else { continue }
                if let operatorName {
                    guard let value = record.values[operatorColumn].text,
                          value.caseInsensitiveCompare(operatorName) == .orderedSame else { continue }
                }
                batch.append((record, position))
            }
            let locations = loaded.road.locateAll(batch.map(\.position), withinMeters: within.meters)
            for (i, location) in locations.enumerated() {
                if let location { hits.append((batch[i].record, batch[i].position, location)) }
            }
        }
        var order = Array(hits.indices)
        order.sort { a, b in
            let x = hits[a].location
            let y = hits[b].location
            if x.chainageMeters != y.chainageMeters { return x.chainageMeters < y.chainageMeters }
            if x.offsetMeters != y.offsetMeters { return x.offsetMeters < y.offsetMeters }
            return hits[a].record.id < hits[b].record.id
        }
        let masts = order.map { i in
            CorridorMast(candidate: CorridorCandidate(id: hits[i].record.id, position: hits[i].position, payload: hits[i].record),
                         location: hits[i].location)
        }
        return RoadMasts(road: loaded, within: within, masts: masts)
    }

    /// The stretches of a road that no site covers with `technology` (or a better one) as of
    /// `year` in `scenario`.
    /// - Parameter plannedRange: when set, the range assumed for planned and building sites.
    public func roadGaps(_ roadName: String, technology: MobileTechnology, asOfYear year: Int, scenario: Scenario,
                         plannedRange: Distance? = nil) throws -> RoadGaps {
        _ = try CalendarYear.checked(year, name: "as-of")
        let loaded = try road(named: roadName)
        let ranges = try RoadSiteRanges(store: store, road: loaded.road, technology: technology, model: RangeModel(),
                                        plannedRangeMeters: plannedRange?.meters)
        let active = ranges.active(asOf: year, scenario: scenario)
        let coverage = try loaded.road.coverage(of: RoadSiteRanges.corridorSites(active))
        return RoadGaps(road: loaded, technology: technology, asOfYear: year, scenario: scenario, ranges: ranges,
                        activeSites: active, coverage: coverage)
    }

    /// The fewest new masts of range `range` (default: the technology's default range) on the
    /// road that close every gap left by the sites of `scenario`, existing sites kept.
    public func roadPlan(_ roadName: String, technology: MobileTechnology, asOfYear year: Int, scenario: Scenario,
                         range: Distance? = nil, plannedRange: Distance? = nil) throws -> RoadPlan {
        _ = try CalendarYear.checked(year, name: "as-of")
        if let range, range.meters <= 0.002 {
            throw PortalError(.invalidInput, "range must be more than 2 mm, got \(range)")
        }
        let loaded = try road(named: roadName)
        let model = RangeModel()
        let newRange = range?.meters ?? model.settings.defaultRangesMeters[technology] ?? 6_000
        let ranges = try RoadSiteRanges(store: store, road: loaded.road, technology: technology, model: model,
                                        plannedRangeMeters: plannedRange?.meters)
        let actualSites = ranges.active(asOf: year, scenario: .actual)
        let sites = ranges.active(asOf: year, scenario: scenario)
        let plannedSites = sites.filter { $0.site.status == .planned || $0.site.status == .building }
        let actual = try loaded.road.coverage(of: RoadSiteRanges.corridorSites(actualSites))
        let plan = try loaded.road.plan(existing: RoadSiteRanges.corridorSites(sites), newMastRangeMeters: newRange)
        return RoadPlan(road: loaded, technology: technology, asOfYear: year, scenario: scenario, newMastRangeMeters: newRange,
                        ranges: ranges, actualSiteCount: actualSites.count, actual: actual, siteCount: sites.count,
                        plannedSiteIDs: plannedSites.map(\.site.id), plan: plan)
    }
}
