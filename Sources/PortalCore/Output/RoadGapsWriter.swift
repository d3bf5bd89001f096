import Corridor
import Coverage
import GeoModel

/// Writes ``RoadGaps`` as GeoJSON: one LineString per gap (part, from_km, to_km, length_km), the
/// road, technology, year, scenario and totals as foreign members; and the summary for people.
public struct RoadGapsWriter: Sendable {
    /// A writer.
    public init() {}

    /// Writes the GeoJSON to `sink` and finishes it.
    public func write(_ result: RoadGaps, to sink: OutputSink) throws(GeoModelError) {
        var out = JSONBuffer(capacity: 1 << 16)
        let writer = GeoJSONWriter()
        Self.header("road_gaps", road: result.road, technology: result.technology, asOfYear: result.asOfYear,
                    scenario: result.scenario, writer: writer, into: &out)
        out.raw(",\"totals\":")
        writer.json(Self.totals(result.coverage, siteCount: result.activeSites.count), into: &out)
        out.raw(",\"features\":[\n")
        Self.writeGaps(result.coverage.gaps, road: result.road.road, closedBy: nil, writer: writer, into: &out)
        out.raw("\n]}\n")
        try sink.drain(&out)
        try sink.finish()
    }

    /// The opening of a road output's FeatureCollection, with the road, technology, year and
    /// scenario as foreign members (the caller goes on with `,"member":`).
    static func header(_ name: String, road: LoadedRoad, technology: MobileTechnology, asOfYear: Int, scenario: Scenario,
                       writer: GeoJSONWriter, into out: inout JSONBuffer) {
        out.raw("{\"type\":\"FeatureCollection\",\"name\":")
        out.string(name)
        out.raw(",\"road\":")
        writer.json(road.json, into: &out)
        out.raw(",\"technology\":")
        out.string(technology.label)
        out.raw(",\"as_of\":")
        out.integer(Int64(asOfYear))
        out.raw(",\"scenario\":")
        out.string(scenario.rawValue)
    }

    /// The lines for people: notes on left-out sites, then the coverage sentence.
    public func summary(_ result: RoadGaps) -> [String] {
        result.ranges.notes + ["\(result.road.title), \(result.technology.label) as of \(result.asOfYear) "
            + "(\(result.scenario.rawValue)): " + Self.sentence(result.coverage, sites: result.activeSites.count)]
    }

    /// `57 sites cover 301.2 of 412.3 km (73.1%); 9 gaps, 111.1 km uncovered, longest 34.2 km at km 120.4–154.6`.
    static func sentence(_ result: RoadCoverage, sites: Int) -> String {
        var text = "\(NumberFormat.count(sites, "site")) cover\(sites == 1 ? "s" : "") "
            + "\(NumberFormat.kilometers(result.coveredMeters, decimals: 1)) of "
            + "\(NumberFormat.kilometers(result.lengthMeters, decimals: 1)) km (\(NumberFormat.percent(result.coveredShare)))"
        guard let longest = result.gaps.max(by: { $0.lengthMeters < $1.lengthMeters }) else {
            return text + "; no gaps"
        }
        text += "; \(NumberFormat.count(result.gaps.count, "gap")), "
            + "\(NumberFormat.kilometers(result.uncoveredMeters, decimals: 1)) km uncovered, longest "
            + "\(NumberFormat.kilometers(longest.lengthMeters, decimals: 1)) km at km "
            + "\(NumberFormat.kilometers(longest.fromMeters, decimals: 1))–\(NumberFormat.kilometers(longest.toMeters, decimals: 1))"
        return text
    }

    /// The `totals` member: lengths in km, covered share, gap and site counts.
    static func totals(_ result: RoadCoverage, siteCount: Int) -> JSONValue {
        .object([
            ("length_km", .number(NumberFormat.rounded(result.lengthMeters / 1000, decimals: 5))),
            ("covered_km", .number(NumberFormat.rounded(result.coveredMeters / 1000, decimals: 5))),
            ("uncovered_km", .number(NumberFormat.rounded(result.uncoveredMeters / 1000, decimals: 5))),
            ("covered_share", .number(NumberFormat.rounded(result.coveredShare, decimals: 6))),
            ("gaps", .integer(Int64(result.gaps.count))),
            ("sites", .integer(Int64(siteCount))),
        ])
    }

    /// Gaps as LineString features `gap-1` …: part, from_km, to_km, length_km, and the proposed
    /// masts that close each when given.
    static func writeGaps(_ gaps: [RoadStretch], road: CorridorRoad, closedBy: [[String]]?, writer: GeoJSONWriter,
                          into out: inout JSONBuffer) {
        for (i, gap) in gaps.enumerated() {
            if i > 0 { out.raw(",\n") }
            out.raw("{\"type\":\"Feature\",\"id\":")
            out.string("gap-\(i + 1)")
            out.raw(",\"geometry\":")
            writer.geometry(.lineString(road.vertices(of: gap)), into: &out)
            var properties: [(key: String, value: JSONValue)] = [
                ("kind", .string("gap")), ("gap", .integer(Int64(i + 1))), ("part", .integer(Int64(gap.partIndex))),
                ("from_km", .number(NumberFormat.rounded(gap.fromMeters / 1000, decimals: 5))),
                ("to_km", .number(NumberFormat.rounded(gap.toMeters / 1000, decimals: 5))),
                ("length_km", .number(NumberFormat.rounded(gap.lengthMeters / 1000, decimals: 5))),
            ]
            if let closedBy { properties.append(("closed_by", .string(closedBy[i].joined(separator: ";")))) }
            out.raw(",\"properties\":")
            writer.json(.object(properties), into: &out)
            out.raw("}")
        }
    }
}
