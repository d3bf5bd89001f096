import Foundation
import GeoModel

/// The coverage report as of a year: settlements and population by class per district and in
/// total, fibre and 4G shares, satellite-connected schools, every commitment group's progress and
/// the planned work per year.
public struct CoverageReport: Sendable {
    /// Tallies of one district (or the total).
    public struct Tally: Sendable, Hashable {
        /// Settlements per class.
        public var settlements: [CoverageClass: Int] = [:]
        /// Inhabitants per class (settlements without a population count 0).
        public var population: [CoverageClass: Int] = [:]
        /// Settlements with fibre, and their inhabitants.
        public var fibreSettlements = 0, fibrePopulation = 0
        /// Settlements covered by 4G or better, and their inhabitants.
        public var mobile4GSettlements = 0, mobile4GPopulation = 0
        /// Schools on a satellite link.
        public var satelliteSchools = 0

        /// All settlements.
        public var totalSettlements: Int { settlements.values.reduce(0, +) }
        /// All inhabitants.
        public var totalPopulation: Int { population.values.reduce(0, +) }
        /// Share of settlements with fibre, 0…1 (0 without settlements).
        public var fibreShare: Double { Self.share(fibreSettlements, totalSettlements) }
        /// Share of settlements with 4G or better, 0…1.
        public var mobile4GShare: Double { Self.share(mobile4GSettlements, totalSettlements) }
        /// Share of inhabitants with fibre, 0…1.
        public var fibrePopulationShare: Double { Self.share(fibrePopulation, totalPopulation) }
        /// Share of inhabitants with 4G or better, 0…1.
        public var mobile4GPopulationShare: Double { Self.share(mobile4GPopulation, totalPopulation) }

        static func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
    }

    /// One district's line.
    public struct DistrictLine: Sendable, Hashable {
        /// The district id, nil for settlements without a district.
        public var id: String?
        /// The display name.
        public var name: String
        /// The district's tallies.
        public var tally: Tally
    }

    /// Progress of one commitment group: party, technology, programme and target layer.
    public struct CommitmentProgress: Sendable, Hashable {
        /// The committed party, e.g. `Kar-Tel`.
        public var party: String
        /// The technology, e.g. `4G`.
        public var technology: String?
        /// The programme, e.g. `Accessible Internet`.
        public var programme: String
        /// The target layer (`settlements`, `institutions`, `sites` …).
        public var targetLayer: String
        /// Targets done by the report's year.
        public var done: Int
        /// All targets.
        public var total: Int

        /// `Kar-Tel, 4G, Accessible Internet`.
        public var label: String {
            ([party] + (technology.map { [$0] } ?? []) + [programme]).joined(separator: ", ")
        }

        /// `Kar-Tel, 4G, Accessible Internet: 31 of 61 settlements`.
        public var text: String { "\(label): \(done) of \(total) \(targetLayer)" }
    }

    /// Work planned for one year.
    public struct PlannedYear: Sendable, Hashable {
        /// The year (nil: commitments or sites without a planned year).
        public var year: Int?
        /// Commitment groups with targets planned for the year (`done` counts those done by the report's year).
        public var commitments: [CommitmentProgress]
        /// Sites planned or being built for the year, per status (`planned`, `building`).
        public var sites: [SiteStatus: Int]
        /// Settlements whose fibre is planned for the year.
        public var fibreSettlements: Int
    }

    /// The year of the report.
    public let asOfYear: Int
    /// The scenario of the classification.
    public let scenario: Scenario
    /// The profile of the classification.
    public let profile: ClassificationProfile
    /// One line per district (sorted by name), settlements without a district last.
    public let districts: [DistrictLine]
    /// All settlements.
    public let total: Tally
    /// Commitment groups, sorted by party, technology, programme, layer.
    public let commitments: [CommitmentProgress]
    /// Planned work, by year (undated last).
    public let plannedWork: [PlannedYear]

    /// Builds the report from a result (all settlements) and the analysis's other layers.
    public init(result: CoverageResult, analysis: CoverageAnalysis) {
        asOfYear = result.asOfYear
        scenario = result.scenario
        profile = result.profile
        var tallies: [String?: Tally] = [:]
        var total = Tally()
        for entry in result.entries {
            let settlement = result.settlements[entry.settlement]
            let population = max(settlement.population ?? 0, 0)
            func add(_ tally: inout Tally) {
                tally.settlements[entry.coverageClass, default: 0] += 1
                tally.population[entry.coverageClass, default: 0] += population
                if entry.fixed != nil {
                    tally.fibreSettlements += 1
                    tally.fibrePopulation += population
                }
                if let best = entry.bestMobile, best >= .g4 {
                    tally.mobile4GSettlements += 1
                    tally.mobile4GPopulation += population
                }
            }
            add(&tallies[settlement.district, default: Tally()])
            add(&total)
        }
        let districtOf = Dictionary(result.settlements.map { ($0.id, $0.district) }, uniquingKeysWith: { first, _ in first })
        for institution in analysis.institutions where institution.kind == "school" && institution.isSatellite {
            let district = institution.settlementID.flatMap { districtOf[$0] } ?? nil
            tallies[district, default: Tally()].satelliteSchools += 1
            total.satelliteSchools += 1
        }
        let names = Dictionary(analysis.districts.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var lines = tallies.map { id, tally in
            DistrictLine(id: id, name: id.map { names[$0] ?? $0 } ?? "(no district)", tally: tally)
        }
        lines.sort { a, b in
            if (a.id == nil) != (b.id == nil) { return b.id == nil }
            return a.name < b.name
        }
        districts = lines
        self.total = total
        commitments = Self.progress(analysis.commitments, asOf: asOfYear)
        plannedWork = Self.plannedWork(analysis: analysis, asOf: asOfYear)
    }

    private struct GroupKey: Hashable, Comparable {
        var party: String, technology: String, programme: String, layer: String
        static func < (a: GroupKey, b: GroupKey) -> Bool {
            (a.party, a.technology, a.programme, a.layer) < (b.party, b.technology, b.programme, b.layer)
        }
    }

    static func progress(_ commitments: [CoverageCommitment], asOf year: Int) -> [CommitmentProgress] {
        var groups: [GroupKey: (done: Int, total: Int, technology: String?)] = [:]
        for c in commitments {
            let key = GroupKey(party: c.party, technology: c.technology ?? "", programme: c.programme, layer: c.targetLayer)
            var group = groups[key] ?? (0, 0, c.technology)
            group.total += 1
            if c.isDone(asOf: year) { group.done += 1 }
            groups[key] = group
        }
        return groups.keys.sorted().compactMap { key in
            guard let group = groups[key] else { return nil }
            return CommitmentProgress(party: key.party, technology: group.technology, programme: key.programme,
                                      targetLayer: key.layer, done: group.done, total: group.total)
        }
    }

    static func plannedWork(analysis: CoverageAnalysis, asOf year: Int) -> [PlannedYear] {
        var years = Set<Int?>()
        var byYear: [Int?: [CoverageCommitment]] = [:]
        for c in analysis.commitments {
            byYear[c.plannedYear, default: []].append(c)
            years.insert(c.plannedYear)
        }
        var sites: [Int?: [SiteStatus: Int]] = [:]
        for site in analysis.sites where site.status == .planned || site.status == .building {
            sites[site.plannedYear, default: [:]][site.status, default: 0] += 1
            years.insert(site.plannedYear)
        }
        var fibre: [Int?: Int] = [:]
        for settlement in analysis.settlements where settlement.fibre == .planned {
            fibre[settlement.fibreYear, default: 0] += 1
            years.insert(settlement.fibreYear)
        }
        let ordered = years.sorted { a, b in
            switch (a, b) {
            case (let x?, let y?): x < y
            case (_?, nil): true
            default: false
            }
        }
        return ordered.map { y in
            PlannedYear(year: y, commitments: progress(byYear[y] ?? [], asOf: year), sites: sites[y] ?? [:],
                        fibreSettlements: fibre[y] ?? 0)
        }
    }

    // MARK: - Rendering

    /// A plain-text report with a district table, the commitments and the planned work.
    public func text() -> String {
        var lines: [String] = []
        lines.append("Coverage report as of \(asOfYear) (scenario \(scenario.rawValue), profile \(profile.name))")
        lines.append("Rules: \(profile.summary)")
        lines.append("")
        let header = ["District", "Settl.", "Served", "Under.", "Unserved", "Population", "Pop. served", "Pop. under.",
                      "Pop. unserved", "Fibre", "4G+", "Sat. schools"]
        var rows: [[String]] = [header]
        func row(_ name: String, _ t: Tally) -> [String] {
            [name, "\(t.totalSettlements)", "\(t.settlements[.served] ?? 0)", "\(t.settlements[.underserved] ?? 0)",
             "\(t.settlements[.unserved] ?? 0)", NumberFormat.grouped(t.totalPopulation), NumberFormat.grouped(t.population[.served] ?? 0),
             NumberFormat.grouped(t.population[.underserved] ?? 0), NumberFormat.grouped(t.population[.unserved] ?? 0),
             NumberFormat.percent(t.fibreShare), NumberFormat.percent(t.mobile4GShare), "\(t.satelliteSchools)"]
        }
        for line in districts { rows.append(row(line.name, line.tally)) }
        rows.append(row("Total", total))
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for (r, cells) in rows.enumerated() {
            if r == rows.count - 1 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
            lines.append(cells.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  "))
        }
        lines.append("")
        lines.append("Shares: fibre \(NumberFormat.percent(total.fibreShare)) of settlements (\(NumberFormat.percent(total.fibrePopulationShare)) of people); "
                     + "4G or better \(NumberFormat.percent(total.mobile4GShare)) of settlements (\(NumberFormat.percent(total.mobile4GPopulationShare)) of people); "
                     + "\(total.satelliteSchools) schools on satellite")
        lines.append("")
        lines.append("Commitments (done by \(asOfYear)):")
        if commitments.isEmpty { lines.append("  none") }
        for c in commitments { lines.append("  " + c.text) }
        lines.append("")
        lines.append("Planned work per year:")
        if plannedWork.isEmpty { lines.append("  none") }
        for year in plannedWork {
            lines.append("  \(year.year.map(String.init) ?? "undated"):")
            for c in year.commitments {
                lines.append("    \(c.label): \(c.total) \(c.targetLayer)" + (c.done > 0 ? " (\(c.done) done)" : ""))
            }
            if year.fibreSettlements > 0 { lines.append("    settlements with fibre planned: \(year.fibreSettlements)") }
            let siteParts = [SiteStatus.building, .planned].compactMap { status in
                year.sites[status].map { "\($0) \(status.rawValue)" }
            }
            if !siteParts.isEmpty { lines.append("    sites: " + siteParts.joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON (snake_case keys; shares as fractions 0…1).
    public func json() -> String { Self.serialize(jsonObject()) }

    /// The commitments' part of ``json()``, with the same members and encoding: `as_of`,
    /// `scenario`, `commitments` (each group's progress) and `planned_work` (per year).
    public func commitmentsJSON() -> String {
        let object = jsonObject()
        return Self.serialize(object.filter { ["as_of", "scenario", "commitments", "planned_work"].contains($0.key) })
    }

    /// Pretty-printed JSON with sorted keys (the CLI's `--format json`), with a final newline.
    private static func serialize(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else {
            return "{}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The members of ``json()``.
    private func jsonObject() -> [String: Any] {
        func tally(_ t: Tally) -> [String: Any] {
            [
                "settlements": t.totalSettlements, "population": t.totalPopulation,
                "settlements_by_class": Dictionary(uniqueKeysWithValues: CoverageClass.allCases.map { ($0.rawValue, t.settlements[$0] ?? 0) }),
                "population_by_class": Dictionary(uniqueKeysWithValues: CoverageClass.allCases.map { ($0.rawValue, t.population[$0] ?? 0) }),
                "fibre_settlements": t.fibreSettlements, "fibre_share": t.fibreShare, "fibre_population_share": t.fibrePopulationShare,
                "mobile_4g_settlements": t.mobile4GSettlements, "mobile_4g_share": t.mobile4GShare,
                "mobile_4g_population_share": t.mobile4GPopulationShare, "satellite_schools": t.satelliteSchools,
            ]
        }
        func commitment(_ c: CommitmentProgress) -> [String: Any] {
            ["party": c.party, "technology": c.technology ?? NSNull(), "programme": c.programme,
             "target_layer": c.targetLayer, "done": c.done, "total": c.total, "text": c.text]
        }
        let object: [String: Any] = [
            "as_of": asOfYear, "scenario": scenario.rawValue, "profile": profile.name, "rules": profile.summary,
            "districts": districts.map { line -> [String: Any] in
                var t = tally(line.tally)
                t["id"] = line.id ?? NSNull()
                t["name"] = line.name
                return t
            },
            "total": tally(total),
            "commitments": commitments.map(commitment),
            "planned_work": plannedWork.map { year -> [String: Any] in
                [
                    "year": year.year ?? NSNull(),
                    "commitments": year.commitments.map(commitment),
                    "sites": Dictionary(uniqueKeysWithValues: year.sites.map { ($0.key.rawValue, $0.value) }),
                    "fibre_settlements": year.fibreSettlements,
                ]
            },
        ]
        return object
    }

    /// The report as one long CSV table: `section,group,metric,value` (sections `district`, `total`,
    /// `commitment`, `planned`).
    public func csv() -> String {
        var rows = ["section,group,metric,value"]
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func add(_ section: String, _ group: String, _ metric: String, _ value: String) {
            rows.append([section, field(group), field(metric), value].joined(separator: ","))
        }
        func tally(_ section: String, _ group: String, _ t: Tally) {
            add(section, group, "settlements", "\(t.totalSettlements)")
            add(section, group, "population", "\(t.totalPopulation)")
            for c in CoverageClass.allCases {
                add(section, group, "settlements_\(c.rawValue)", "\(t.settlements[c] ?? 0)")
                add(section, group, "population_\(c.rawValue)", "\(t.population[c] ?? 0)")
            }
            add(section, group, "fibre_settlements", "\(t.fibreSettlements)")
            add(section, group, "fibre_share", Self.fraction(t.fibreShare))
            add(section, group, "mobile_4g_settlements", "\(t.mobile4GSettlements)")
            add(section, group, "mobile_4g_share", Self.fraction(t.mobile4GShare))
            add(section, group, "satellite_schools", "\(t.satelliteSchools)")
        }
        for line in districts { tally("district", line.name, line.tally) }
        tally("total", "all", total)
        for c in commitments {
            add("commitment", c.label, "\(c.targetLayer)_done", "\(c.done)")
            add("commitment", c.label, "\(c.targetLayer)_total", "\(c.total)")
        }
        for year in plannedWork {
            let group = year.year.map(String.init) ?? "undated"
            for c in year.commitments { add("planned", group, "\(c.label) (\(c.targetLayer))", "\(c.total)") }
            if year.fibreSettlements > 0 { add("planned", group, "settlements with fibre planned", "\(year.fibreSettlements)") }
            for status in [SiteStatus.building, .planned] {
                if let n = year.sites[status] { add("planned", group, "sites \(status.rawValue)", "\(n)") }
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func fraction(_ share: Double) -> String { String(format: "%.4f", share) }
}
