import Corridor
import Coverage
import Foundation
import GeoModel

/// Writes a ``RoadPlan`` as GeoJSON (the proposed masts as Points, then the gaps as LineStrings,
/// with a summary member), and the summary for people.
public struct RoadPlanWriter: Sendable {
    /// A writer.
    public init() {}

    /// Writes the GeoJSON to `sink` and finishes it.
    public func write(_ result: RoadPlan, to sink: OutputSink) throws(GeoModelError) {
        let plan = result.plan
        let writer = GeoJSONWriter()
        var out = JSONBuffer(capacity: 1 << 16)
        RoadGapsWriter.header("road_plan", road: result.road, technology: result.technology, asOfYear: result.asOfYear,
                              scenario: result.scenario, writer: writer, into: &out)
        out.raw(",\"range_m\":")
        out.number(result.newMastRangeMeters)
        out.raw(",\"summary\":")
        writer.json(.object([
            ("length_km", .number(NumberFormat.rounded(result.road.road.lengthMeters / 1000, decimals: 5))),
            ("covered_share_actual", .number(NumberFormat.rounded(result.actual.coveredShare, decimals: 6))),
            ("covered_share", .number(NumberFormat.rounded(plan.before.coveredShare, decimals: 6))),
            ("uncovered_km", .number(NumberFormat.rounded(plan.before.uncoveredMeters / 1000, decimals: 5))),
            ("gaps", .integer(Int64(plan.gaps.count))),
            ("sites", .integer(Int64(result.siteCount))),
            ("planned_sites", .array(result.plannedSiteIDs.map { .string($0) })),
            ("sufficient", .bool(plan.gaps.isEmpty)),
            ("new_masts", .integer(Int64(plan.masts.count))),
            ("covered_share_after", .number(NumberFormat.rounded(plan.after.coveredShare, decimals: 6))),
        ]), into: &out)
        out.raw(",\"features\":[\n")
        var closedBy = Array(repeating: [String](), count: plan.gaps.count)
        for (i, mast) in plan.masts.enumerated() {
            if i > 0 { out.raw(",\n") }
            let id = "proposed-\(i + 1)"
            for g in mast.gapIndices { closedBy[g].append(id) }
            Self.writeMast(mast, id: id, gaps: plan.gaps, technology: result.technology.label, writer: writer, into: &out)
        }
        if !plan.masts.isEmpty && !plan.gaps.isEmpty { out.raw(",\n") }
        RoadGapsWriter.writeGaps(plan.gaps, road: result.road.road, closedBy: closedBy, writer: writer, into: &out)
        out.raw("\n]}\n")
        try sink.drain(&out)
        try sink.finish()
    }

    /// A proposed mast as a Point feature: chainage, range and the gap(s) it closes.
    static func writeMast(_ mast: ProposedMast, id: String, gaps: [RoadStretch], technology: String, writer: GeoJSONWriter,
                          into out: inout JSONBuffer) {
        out.raw("{\"type\":\"Feature\",\"id\":")
        out.string(id)
        out.raw(",\"geometry\":")
        writer.geometry(.point(mast.point), into: &out)
        let first = mast.gapIndices.first.map { gaps[$0] }
        let km = { (meters: Double) -> JSONValue in .number(NumberFormat.rounded(meters / 1000, decimals: 5)) }
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

    /// The lines for people: notes on left-out sites, coverage without and with the planned
    /// sites, whether they suffice, and the proposed masts.
    public func summary(_ result: RoadPlan) -> [String] {
        let plan = result.plan
        let technology = result.technology.label
        let plannedSites = result.plannedSiteIDs.count
        var lines = result.ranges.notes
        lines.append("\(result.road.title), \(technology) as of \(result.asOfYear)")
        lines.append("  operational sites: " + RoadGapsWriter.sentence(result.actual, sites: result.actualSiteCount))
        if result.scenario == .planned {
            lines.append("  with \(NumberFormat.count(plannedSites, "planned/building site")): "
                + RoadGapsWriter.sentence(plan.before, sites: result.actualSiteCount + plannedSites))
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
            + "\(NumberFormat.count(plan.gaps.count, "remaining gap")) "
            + "(\(NumberFormat.kilometers(plan.before.uncoveredMeters, decimals: 1)) km):")
        for (i, mast) in plan.masts.enumerated() {
            let gaps = mast.gapIndices.map { g in
                "gap \(g + 1) (km \(NumberFormat.kilometers(plan.gaps[g].fromMeters, decimals: 1))–"
                    + "\(NumberFormat.kilometers(plan.gaps[g].toMeters, decimals: 1)))"
            }.joined(separator: ", ")
            let position = String(format: "km %8.2f  %.6f,%.6f", mast.chainageMeters / 1000,
                                  mast.point.longitude, mast.point.latitude)
            lines.append("  proposed-\(i + 1)  \(position)  closes \(gaps)")
        }
        if !plan.after.gaps.isEmpty {
            lines.append("warning: \(NumberFormat.count(plan.after.gaps.count, "gap")) remain after the plan (numerical problem); please report")
        }
        return lines
    }
}
