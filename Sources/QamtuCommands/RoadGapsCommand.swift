import ArgumentParser
import Corridor
import Coverage
import Foundation
import GeoModel
import GeoStorage
import Geodesy

/// `qamtu road gaps ROAD`: the stretches of a road that no site covers.
struct RoadGapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps",
        abstract: "Stretches of a road without coverage of a technology, as LineStrings with from/to km; totals.",
        discussion: """
            A road point is covered when its geodesic distance to a site carrying the \
            technology (or a better one) is at most the site's range: range_m; else \
            Okumura–Hata / COST-231 Hata (rural open area) from band_mhz, height_m and \
            eirp_dbm; else the default table (2G 15 km, 3G 8 km, 4G 6 km, 5G 1.5 km), as in \
            `qamtu coverage`. Scenario actual: sites operational by --as-of; planned: also \
            planned and building sites with planned_year up to --as-of; retired sites \
            never count. Coverage boundaries are exact to 1 µm along the road; stretches of \
            1 mm or less are not gaps. The GeoJSON has one LineString per gap (from_km, \
            to_km, length_km) and the totals; a summary goes to standard error.

            Examples:
              qamtu road gaps A-2 --technology 4G --as-of 2025
              qamtu road gaps Shakpakata-Otar --scenario planned -o gaps.geojson
            """)

    @OptionGroup var selection: RoadSelection
    @OptionGroup var coverage: RoadCoverageOptions

    @Option(help: ArgumentHelp("actual or planned.", valueName: "scenario"))
    var scenario: RoadScenario = .actual

    @Option(name: .customLong("planned-range"),
            help: ArgumentHelp("Assume this range for planned and building sites (e.g. 8km) instead of their own.", valueName: "dist"))
    var plannedRange: Distance?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("GeoJSON output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    func run() throws {
        try reportingRoadErrors {
            let portal = try selection.database.open(readOnly: true)
            let loaded = try RoadLookup.load(selection.road, from: portal)
            let year = coverage.year
            let ranges = try RoadSiteRanges(
                portal: portal, road: loaded.road, technology: coverage.mobileTechnology, year: year,
                model: RangeModel(), plannedRangeMeters: plannedRange?.meters)
            let active = ranges.active(asOf: year, scenario: scenario.scenario)
            let result = try loaded.road.coverage(of: RoadSiteRanges.corridorSites(active))

            var out = JSONBuffer(capacity: 1 << 16)
            let writer = GeoJSONWriter()
            out.raw("{\"type\":\"FeatureCollection\",\"name\":\"road_gaps\",\"road\":")
            writer.json(loaded.json, into: &out)
            out.raw(",\"technology\":")
            out.string(coverage.mobileTechnology.label)
            out.raw(",\"as_of\":")
            out.integer(Int64(year))
            out.raw(",\"scenario\":")
            out.string(scenario.rawValue)
            out.raw(",\"totals\":")
            writer.json(Self.totals(result, sites: active), into: &out)
            out.raw(",\"features\":[\n")
            Self.writeGaps(result.gaps, road: loaded.road, closedBy: nil, writer: writer, into: &out)
            out.raw("\n]}\n")
            let sink = try OutputSink(path: output)
            try sink.drain(&out)
            try sink.finish()

            Self.noteRanges(ranges)
            Terminal.note("\(loaded.title), \(coverage.mobileTechnology.label) as of \(year) (\(scenario.rawValue)): "
                + Self.sentence(result, sites: active.count))
            if output != "-" { Terminal.note("wrote \(result.gaps.count) gaps to \(output)") }
        }
    }

    /// `57 sites cover 301.2 of 412.3 km (73.1 %); 9 gaps, 111.1 km uncovered, longest 34.2 km at km 120.4–154.6`.
    static func sentence(_ result: RoadCoverage, sites: Int) -> String {
        var text = "\(sites) sites cover \(RoadFormat.kilometers(result.coveredMeters, decimals: 1)) of "
            + "\(RoadFormat.kilometers(result.lengthMeters, decimals: 1)) km (\(RoadFormat.percent(result.coveredShare)))"
        guard let longest = result.gaps.max(by: { $0.lengthMeters < $1.lengthMeters }) else {
            return text + "; no gaps"
        }
        text += "; \(result.gaps.count) gap\(result.gaps.count == 1 ? "" : "s"), "
            + "\(RoadFormat.kilometers(result.uncoveredMeters, decimals: 1)) km uncovered, longest "
            + "\(RoadFormat.kilometers(longest.lengthMeters, decimals: 1)) km at km "
            + "\(RoadFormat.kilometers(longest.fromMeters, decimals: 1))–\(RoadFormat.kilometers(longest.toMeters, decimals: 1))"
        return text
    }

    /// The `totals` member: lengths in km, covered share, gap and site counts.
    static func totals(_ result: RoadCoverage, sites: [RangedSite]) -> JSONValue {
        .object([
            ("length_km", .number(RoadFormat.rounded(result.lengthMeters / 1000, decimals: 5))),
            ("covered_km", .number(RoadFormat.rounded(result.coveredMeters / 1000, decimals: 5))),
            ("uncovered_km", .number(RoadFormat.rounded(result.uncoveredMeters / 1000, decimals: 5))),
            ("covered_share", .number(RoadFormat.rounded(result.coveredShare, decimals: 6))),
            ("gaps", .integer(Int64(result.gaps.count))),
            ("sites", .integer(Int64(sites.count))),
        ])
    }

    /// Gaps as LineString features `gap-1` …: part, from_km, to_km, length_km, and the proposed
    /// masts that close each when given.
    static func writeGaps(
        _ gaps: [RoadStretch], road: CorridorRoad, closedBy: [[String]]?, writer: GeoJSONWriter, into out: inout JSONBuffer
    ) {
        for (i, gap) in gaps.enumerated() {
            if i > 0 { out.raw(",\n") }
            out.raw("{\"type\":\"Feature\",\"id\":")
            out.string("gap-\(i + 1)")
            out.raw(",\"geometry\":")
            writer.geometry(.lineString(road.vertices(of: gap)), into: &out)
            var properties: [(key: String, value: JSONValue)] = [
                ("kind", .string("gap")), ("gap", .integer(Int64(i + 1))), ("part", .integer(Int64(gap.partIndex))),
                ("from_km", .number(RoadFormat.rounded(gap.fromMeters / 1000, decimals: 5))),
                ("to_km", .number(RoadFormat.rounded(gap.toMeters / 1000, decimals: 5))),
                ("length_km", .number(RoadFormat.rounded(gap.lengthMeters / 1000, decimals: 5))),
            ]
            if let closedBy { properties.append(("closed_by", .string(closedBy[i].joined(separator: ";")))) }
            out.raw(",\"properties\":")
            writer.json(.object(properties), into: &out)
            out.raw("}")
        }
    }

    /// Notes on stderr about sites that could not be used or may reach beyond the search.
    static func noteRanges(_ ranges: RoadSiteRanges) {
        if ranges.skipped > 0 {
            Terminal.note("note: \(ranges.skipped) sites without a usable point, kind or status were left out")
        }
        if !ranges.beyondReach.isEmpty {
            Terminal.note("note: sites are read within \(Int(RoadSiteRanges.maximumReachMeters / 1000)) km of the road; "
                + "\(ranges.beyondReach.count) have a larger range (e.g. \(ranges.beyondReach[0])), so farther ones may be missing")
        }
    }
}
