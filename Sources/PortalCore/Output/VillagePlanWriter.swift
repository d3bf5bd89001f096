import Coverage
import Foundation
import GeoModel

/// Writes a ``VillagePlan``: GeoJSON (one Point per proposed mast in pick order, the collection's
/// `qamtu` member stating the objective, the candidates, the demand and the upper bound), CSV
/// (the same properties, `lon`,`lat` last) or a text table; and the summary for people.
public struct VillagePlanWriter: Sendable {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        case geojson, csv, table
    }

    /// The format written.
    public let format: Format
    /// Decimals of coordinates (GeoJSON and CSV).
    public let precision: Int

    /// A writer of `format`.
    public init(format: Format = .geojson, precision: Int = 6) {
        self.format = format
        self.precision = precision
    }

    /// The properties of each mast, in output order.
    public static let properties = ["id", "rank", "candidate_id", "candidate_name", "technologies", "range_m", "settlements",
                                    "settlement_names", "settlement_count", "population", "cumulative_population",
                                    "cumulative_share"]

    /// Writes the plan to `sink` and finishes it.
    public func write(_ plan: VillagePlan, to sink: OutputSink) throws(GeoModelError) {
        var out = JSONBuffer(capacity: 1 << 14)
        switch format {
        case .geojson: geojson(plan, into: &out)
        case .csv: csv(plan, into: &out)
        case .table: out.raw(table(plan) + "\n")
        }
        try sink.drain(&out)
        try sink.finish()
    }

    /// The values of a mast's properties (``properties`` order).
    func values(_ mast: VillagePlanMast, rank: Int, plan: VillagePlan) -> [JSONValue] {
        let served = mast.servedSettlements.map { plan.settlements[$0] }
        return [
            .string("proposed-\(rank)"), .integer(Int64(rank)), .string(mast.candidate.id),
            mast.candidate.name.map { .string($0) } ?? .null, .string(plan.settings.technology.label),
            .number(NumberFormat.rounded(plan.range.meters, decimals: 3)),
            .string(served.map(\.id).joined(separator: ";")),
            .string(served.map { $0.name ?? "" }.joined(separator: ";")),
            .integer(Int64(served.count)), .integer(mast.population), .integer(mast.cumulativePopulation),
            .number(NumberFormat.rounded(mast.cumulativeShare, decimals: 6)),
        ]
    }

    /// The collection's `qamtu` member: what was asked and what the plan achieves.
    func metadata(_ plan: VillagePlan) -> JSONValue {
        let settings = plan.settings
        let solution = plan.solution
        var members: [(key: String, value: JSONValue)] = [
            ("objective", .string(plan.objectiveText)),
            ("technology", .string(settings.technology.label)),
            ("as_of", .integer(Int64(settings.asOfYear))),
            ("scenario", .string(settings.scenario.rawValue)),
            ("district", settings.districtID.map { .string($0) } ?? .null),
            ("existing_sites", .string(settings.ignoreExistingSites ? "ignored" : "kept")),
            ("range_m", .number(NumberFormat.rounded(plan.range.meters, decimals: 3))),
            ("range_rule", .string(plan.range.description)),
            ("candidates", .string(settings.candidates.label)),
            ("candidate_count", .integer(Int64(plan.candidateCount))),
            ("pairs_within_range", .integer(Int64(plan.pairCount))),
            ("demand_settlements", .integer(Int64(plan.demand.count))),
            ("demand_population", .integer(plan.demandPopulation)),
            ("share_denominator", .string(denominator(plan))),
        ]
        switch settings.objective {
        case .budget(let n):
            members.append(("budget", .integer(Int64(n))))
        case .targetShare(let share):
            members.append(("target_share", .number(share)))
            members.append(("target_population", .integer(plan.targetPopulation ?? 0)))
        }
        members += [
            ("masts", .integer(Int64(plan.masts.count))),
            ("population", .integer(plan.population)),
            ("share", .number(NumberFormat.rounded(plan.share, decimals: 6))),
            ("upper_bound", .integer(solution.upperBound)),
            ("upper_bound_share", .number(NumberFormat.rounded(plan.demandPopulation > 0
                ? Double(solution.upperBound) / Double(plan.demandPopulation) : 0, decimals: 6))),
            ("gap", .number(NumberFormat.rounded(solution.gapShare, decimals: 6))),
            ("optimal", .bool(solution.isOptimal)),
            ("bound_method", .string(solution.boundSource)),
        ]
        if let fewest = solution.fewestLowerBound { members.append(("fewest_masts_lower_bound", .integer(Int64(fewest)))) }
        return .object(members)
    }

    /// What shares are shares of, in words.
    func denominator(_ plan: VillagePlan) -> String {
        let settings = plan.settings
        let area = settings.districtID.map { "district \($0)" } ?? "all districts"
        if settings.ignoreExistingSites {
            return "population of every settlement (\(area)); existing sites ignored"
        }
        return "population of the settlements (\(area)) without \(settings.technology.label) as of \(settings.asOfYear), "
            + "\(settings.scenario.rawValue) scenario"
    }

    private func geojson(_ plan: VillagePlan, into out: inout JSONBuffer) {
        let writer = GeoJSONWriter(precision: precision)
        out.raw("{\"type\":\"FeatureCollection\",\"name\":\"village_plan\",\"qamtu\":")
        writer.json(metadata(plan), into: &out)
        out.raw(",\"features\":[")
        for (i, mast) in plan.masts.enumerated() {
            out.raw(i == 0 ? "\n" : ",\n")
            out.raw("{\"type\":\"Feature\",\"id\":")
            out.string("proposed-\(i + 1)")
            out.raw(",\"geometry\":")
            writer.geometry(.point(mast.candidate.position), into: &out)
            out.raw(",\"properties\":")
            writer.json(.object(Array(zip(Self.properties, values(mast, rank: i + 1, plan: plan)).map { ($0, $1) })), into: &out)
            out.raw("}")
        }
        out.raw("\n]}\n")
    }

    private func csv(_ plan: VillagePlan, into out: inout JSONBuffer) {
        out.raw((Self.properties + ["lon", "lat"]).joined(separator: ","))
        out.raw("\n")
        for (i, mast) in plan.masts.enumerated() {
            for value in values(mast, rank: i + 1, plan: plan) {
                switch value {
                case .string(let text): out.csvField(text)
                case .integer(let n): out.integer(n)
                case .number(let x): out.number(x)
                default: break
                }
                out.raw(",")
            }
            out.fixed(mast.candidate.position.longitude, decimals: precision)
            out.raw(",")
            out.fixed(mast.candidate.position.latitude, decimals: precision)
            out.raw("\n")
        }
    }

    /// The masts as a text table, then the summary.
    func table(_ plan: VillagePlan) -> String {
        var rows = [["mast", "candidate", "lon", "lat", "settlements", "population", "cumulative", "share"]]
        for (i, mast) in plan.masts.enumerated() {
            rows.append([
                "proposed-\(i + 1)", label(mast.candidate),
                String(format: "%.6f", mast.candidate.position.longitude), String(format: "%.6f", mast.candidate.position.latitude),
                String(mast.servedSettlements.count), NumberFormat.grouped(Int(mast.population)),
                NumberFormat.grouped(Int(mast.cumulativePopulation)), NumberFormat.percent(mast.cumulativeShare),
            ])
        }
        return TextTable.render(rows, rightAligned: [2, 3, 4, 5, 6, 7]) + "\n\n" + summary(plan).joined(separator: "\n")
    }

    private func label(_ candidate: PlanCandidate) -> String {
        guard let name = candidate.name, !name.isEmpty, name != candidate.id else { return candidate.id }
        return "\(name) (\(candidate.id))"
    }

    /// The lines for people: what was asked, each mast with the population it gains, the total
    /// and how far from the optimum it can be.
    public func summary(_ plan: VillagePlan) -> [String] {
        let settings = plan.settings
        let solution = plan.solution
        let technology = settings.technology.label
        var lines = [
            "Village plan: \(plan.objectiveText)",
            "  new masts: \(technology), range \(plan.range); candidates: \(settings.candidates.label) "
                + "(\(NumberFormat.grouped(plan.candidateCount)))",
            "  demand: \(NumberFormat.count(plan.demand.count, "settlement")) with "
                + "\(NumberFormat.grouped(Int(plan.demandPopulation))) people (\(denominator(plan)))",
        ]
        if plan.masts.isEmpty {
            lines.append(plan.demand.isEmpty ? "No settlement lacks \(technology): no new mast is needed."
                                             : "No candidate serves a settlement lacking \(technology).")
            return lines
        }
        for (i, mast) in plan.masts.enumerated() {
            lines.append("  proposed-\(i + 1)  \(label(mast.candidate))  +\(NumberFormat.grouped(Int(mast.population))) people in "
                + "\(NumberFormat.count(mast.servedSettlements.count, "settlement"))  (cumulative "
                + "\(NumberFormat.grouped(Int(mast.cumulativePopulation))), \(NumberFormat.percent(mast.cumulativeShare)))")
        }
        lines.append("\(NumberFormat.count(plan.masts.count, "new mast")) \(plan.masts.count == 1 ? "serves" : "serve") "
            + "\(NumberFormat.grouped(Int(plan.population))) of "
            + "\(NumberFormat.grouped(Int(plan.demandPopulation))) people (\(NumberFormat.percent(plan.share))).")
        if case .targetShare = settings.objective {
            if solution.isOptimal {
                lines.append("Fewest masts: proven (\(solution.boundSource)).")
            } else if let lower = solution.fewestLowerBound {
                lines.append("At least \(NumberFormat.count(lower, "mast")) \(lower == 1 ? "is" : "are") needed (\(solution.boundSource)); "
                    + "the plan uses \(plan.masts.count).")
            }
        } else if solution.isOptimal {
            lines.append("Optimal: no plan within the budget serves more (\(solution.boundSource)).")
        } else {
            lines.append("Upper bound: no plan of this budget serves more than \(NumberFormat.grouped(Int(solution.upperBound))) "
                + "people; this one is within \(NumberFormat.grouped(Int(solution.upperBound - solution.value))) people "
                + "(\(String(format: "%.3f%%", solution.gapShare * 100))) of the optimum (\(solution.boundSource)).")
        }
        return lines
    }
}
