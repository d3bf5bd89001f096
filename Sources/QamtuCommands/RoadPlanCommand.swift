import ArgumentParser
import Corridor
import Coverage
import Foundation
import GeoModel
import GeoStorage
import Geodesy

/// `qamtu road plan ROAD`: the fewest new masts on the road that close every gap.
struct RoadPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Fewest new masts on a road that close every coverage gap (existing sites kept); says whether the planned sites suffice.",
        discussion: """
            Gaps are computed as in `qamtu road gaps` with the sites of the scenario \
            (default planned: operational sites plus planned and building sites due by \
            --as-of). New masts of range --range (default: the technology's default range, \
            4G 6 km) are placed on the road by a greedy cover, optimal for a road that does \
            not double back on itself within the range; each is listed with its chainage \
            and the gap(s) it closes. Output: GeoJSON with the proposed masts (Points) and \
            the gaps (LineStrings); a summary on standard error says whether the planned \
            sites suffice and, if not, how many more masts are needed and where. \
            --planned-range answers "do the planned masts suffice at this range?".

            Examples:
              qamtu road plan Shakpakata-Otar --range 8km --as-of 2025
              qamtu road plan A-2 --planned-range 10km --range 10km -o a2-plan.geojson
            """)

    @OptionGroup var selection: RoadSelection
    @OptionGroup var coverage: RoadCoverageOptions

    @Option(help: ArgumentHelp("actual or planned (default planned).", valueName: "scenario"))
    var scenario: RoadScenario = .planned

    @Option(help: ArgumentHelp("Range of each new mast, e.g. 8km (default: the technology's default range).", valueName: "dist"))
    var range: Distance?

    @Option(name: .customLong("planned-range"),
            help: ArgumentHelp("Assume this range for planned and building sites (e.g. 8km) instead of their own.", valueName: "dist"))
    var plannedRange: Distance?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("GeoJSON output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    func validate() throws {
        if let range, range.meters <= 0.002 { throw ValidationError("--range must be more than 2 mm, got \(range)") }
    }

    func run() throws {
        try reportingRoadErrors {
            let portal = try selection.database.open(readOnly: true)
            let loaded = try RoadLookup.load(selection.road, from: portal)
            let road = loaded.road
            let year = coverage.year
            let technology = coverage.mobileTechnology
            let model = RangeModel()
            let newRange = range?.meters ?? model.settings.defaultRangesMeters[technology] ?? 6_000
            let ranges = try RoadSiteRanges(
                portal: portal, road: road, technology: technology, year: year, model: model,
                plannedRangeMeters: plannedRange?.meters)
            let actualSites = ranges.active(asOf: year, scenario: .actual)
            let sites = ranges.active(asOf: year, scenario: scenario.scenario)
            let plannedSites = sites.filter { $0.site.status == .planned || $0.site.status == .building }
            let actual = try road.coverage(of: RoadSiteRanges.corridorSites(actualSites))
            let plan = try road.plan(existing: RoadSiteRanges.corridorSites(sites), newMastRangeMeters: newRange)

            let writer = GeoJSONWriter()
            var out = JSONBuffer(capacity: 1 << 16)
            out.raw("{\"type\":\"FeatureCollection\",\"name\":\"road_plan\",\"road\":")
            writer.json(loaded.json, into: &out)
            out.raw(",\"technology\":")
            out.string(technology.label)
            out.raw(",\"as_of\":")
            out.integer(Int64(year))
            out.raw(",\"scenario\":")
            out.string(scenario.rawValue)
            out.raw(",\"range_m\":")
            out.number(newRange)
            out.raw(",\"summary\":")
            writer.json(.object([
                ("length_km", .number(RoadFormat.rounded(road.lengthMeters / 1000, decimals: 5))),
                ("covered_share_actual", .number(RoadFormat.rounded(actual.coveredShare, decimals: 6))),
                ("covered_share", .number(RoadFormat.rounded(plan.before.coveredShare, decimals: 6))),
                ("uncovered_km", .number(RoadFormat.rounded(plan.before.uncoveredMeters / 1000, decimals: 5))),
                ("gaps", .integer(Int64(plan.gaps.count))),
                ("sites", .integer(Int64(sites.count))),
                ("planned_sites", .array(plannedSites.map { .string($0.site.id) })),
                ("sufficient", .bool(plan.gaps.isEmpty)),
                ("new_masts", .integer(Int64(plan.masts.count))),
                ("covered_share_after", .number(RoadFormat.rounded(plan.after.coveredShare, decimals: 6))),
            ]), into: &out)
            out.raw(",\"features\":[\n")
            var closedBy = Array(repeating: [String](), count: plan.gaps.count)
            for (i, mast) in plan.masts.enumerated() {
                if i > 0 { out.raw(",\n") }
                let id = "proposed-\(i + 1)"
                for g in mast.gapIndices { closedBy[g].append(id) }
                Self.writeMast(mast, id: id, gaps: plan.gaps, technology: technology.label, writer: writer, into: &out)
            }
            if !plan.masts.isEmpty && !plan.gaps.isEmpty { out.raw(",\n") }
            RoadGapsCommand.writeGaps(plan.gaps, road: road, closedBy: closedBy, writer: writer, into: &out)
            out.raw("\n]}\n")
            let sink = try OutputSink(path: output)
            try sink.drain(&out)
            try sink.finish()

            RoadGapsCommand.noteRanges(ranges)
            for line in Self.summary(
                road: loaded, technology: technology.label, year: year, scenario: scenario, actual: (actual, actualSites.count),
                plannedSites: plannedSites.count, plan: plan)
            {
                Terminal.note(line)
            }
            if output != "-" { Terminal.note("wrote \(plan.masts.count) proposed masts and \(plan.gaps.count) gaps to \(output)") }
        }
    }

    /// A proposed mast as a Point feature: chainage, range and the gap(s) it closes.
    static func writeMast(
        _ mast: ProposedMast, id: String, gaps: [RoadStretch], technology: String, writer: GeoJSONWriter,
        into out: inout JSONBuffer
    ) {
        out.raw("{\"type\":\"Feature\",\"id\":")
        out.string(id)
        out.raw(",\"geometry\":")
        writer.geometry(.point(mast.point), into: &out)
        let first = mast.gapIndices.first.map { gaps[$0] }
        let km = { (meters: Double) -> JSONValue in .number(RoadFormat.rounded(meters / 1000, decimals: 5)) }
        let properties: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("kind", .string("proposed_mast")), ("technologies", .string(technology)),
            ("range_m", .number(mast.rangeMeters)), ("part", .integer(Int64(mast.partIndex))),
            ("chainage_km", km(mast.chainageMeters)),
            ("gaps", .string(mast.gapIndices.map { "gap-\($0 + 1)" }.joined(separator: ";"))),
            ("gap_from_km", first.map { km($0.fromMeters) } ?? .null),
            ("gap_to_km", first.map { km($0.toMeters) } ?? .null),
            ("closes_from_km", mast.closes.first.map { km($0.fromMeters) } ?? .null),
            ("closes_to_km", mast.closes.last.map { km($0.toMeters) } ?? .null),
            ("closes_km", km(RoadStretchSet.length(mast.closes))),
        ]
        out.raw(",\"properties\":")
        writer.json(.object(properties), into: &out)
        out.raw("}")
    }

    /// The human summary: coverage without and with the planned sites, whether they suffice,
    /// and the proposed masts.
    static func summary(
        road: LoadedRoad, technology: String, year: Int, scenario: RoadScenario, actual: (RoadCoverage, Int),
        plannedSites: Int, plan: CorridorPlan
    ) -> [String] {
        var lines = ["\(road.title), \(technology) as of \(year)"]
        lines.append("  operational sites: " + RoadGapsCommand.sentence(actual.0, sites: actual.1))
        if scenario == .planned {
            lines.append("  with \(plannedSites) planned/building sites: "
                + RoadGapsCommand.sentence(plan.before, sites: actual.1 + plannedSites))
        }
        let range = Distance(meters: plan.rangeMeters)
        if plan.gaps.isEmpty {
            lines.append(plannedSites > 0
                ? "The planned sites suffice: the road has full \(technology) coverage; no new mast is needed."
                : "The road has full \(technology) coverage; no new mast is needed.")
            return lines
        }
        lines.append((plannedSites > 0 ? "The planned sites do not suffice: " : "")
            + "\(plan.masts.count) more mast\(plan.masts.count == 1 ? " of \(range) range closes" : "s of \(range) range close") the "
            + "\(plan.gaps.count) remaining gap\(plan.gaps.count == 1 ? "" : "s") "
            + "(\(RoadFormat.kilometers(plan.before.uncoveredMeters, decimals: 1)) km):")
        for (i, mast) in plan.masts.enumerated() {
            let gaps = mast.gapIndices.map { g in
                "gap \(g + 1) (km \(RoadFormat.kilometers(plan.gaps[g].fromMeters, decimals: 1))–"
                    + "\(RoadFormat.kilometers(plan.gaps[g].toMeters, decimals: 1)))"
            }.joined(separator: ", ")
            let position = String(format: "km %8.2f  %.6f,%.6f", mast.chainageMeters / 1000,
                                  mast.point.longitude, mast.point.latitude)
            lines.append("  proposed-\(i + 1)  \(position)  closes \(gaps)")
        }
        if !plan.after.gaps.isEmpty {
            lines.append("warning: \(plan.after.gaps.count) gaps remain after the plan (numerical problem); please report")
        }
        return lines
    }
}
