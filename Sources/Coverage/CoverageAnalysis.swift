import Foundation
import GeoModel
import Geodesy

/// The layers of a portal loaded once, ready to answer coverage questions for any year, scenario
/// and profile: settlements' connectivity (``run(asOf:scenario:profile:districtID:)``), the
/// changes between two years (``diff(from:to:scenario:profile:)``) and the report
/// (``report(asOf:scenario:profile:)``).
///
/// ```swift
/// let analysis = try CoverageAnalysis(source: InMemoryCoverageData(settlements: …, sites: …))
/// let result = analysis.run(asOf: 2025, scenario: .planned, profile: .standard)
/// let unserved = result.entries.filter { $0.coverageClass == .unserved }
/// ```
public struct CoverageAnalysis: Sendable {
    /// Every settlement with a valid point, in the source's order.
    public let settlements: [CoverageSettlement]
    /// Every site, in the source's order.
    public let sites: [CoverageSite]
    /// Every institution.
    public let institutions: [CoverageInstitution]
    /// Every commitment.
    public let commitments: [CoverageCommitment]
    /// Every district.
    public let districts: [CoverageDistrict]
    /// The range determination used.
    public let rangeModel: RangeModel
    /// Institutions on a satellite link, per settlement id.
    public let satelliteCounts: [String: Int]
    /// ``settlements``' indices in the Z order the engine evaluates them in
    /// (``CoverageEngine/spatialOrder(_:)``), computed on the loading thread while the sites load.
    let settlementOrder: [Int]

    /// Loads every layer from `source`; the settlements on a thread of their own while the sites
    /// load (``CoverageDataSource`` allows that).
    /// - Parameter settlementColumns: the settlement columns needed in the records besides
    ///   ``CoverageSettlement/analysisColumns`` (nil: all). Fewer columns load faster, but then the
    ///   settlements' names and populations are nil unless their columns are listed: for
    ///   ``run(asOf:scenario:profile:districtID:detail:)`` and what it writes, not for reports.
    /// - Throws: whatever the source throws (a settlements error first); `CoverageError.invalidSetting`
    ///   for bad settings.
    public init(source: any CoverageDataSource, settings: PropagationSettings = PropagationSettings(),
                settlementColumns: [String]? = nil) throws {
        try settings.validate()
        let loading = SettlementLoading(source, columns: settlementColumns)
        let loadedSites = Result { try source.loadSites() }
        (settlements, settlementOrder) = try loading.result().get()
        sites = try loadedSites.get()
        institutions = try source.loadInstitutions()
        commitments = try source.loadCommitments()
        districts = try source.loadDistricts()
        rangeModel = RangeModel(settings: settings)
        var counts: [String: Int] = [:]
        for institution in institutions where institution.isSatellite {
            if let settlement = institution.settlementID { counts[settlement, default: 0] += 1 }
        }
        satelliteCounts = counts
    }

    /// The engine (activity, ranges, indexes) for a year and scenario.
    public func engine(asOf year: Int, scenario: Scenario) -> CoverageEngine {
        CoverageEngine(sites: sites, rangeModel: rangeModel, asOfYear: year, scenario: scenario)
    }

    /// Every settlement's connectivity and class as of `year` in `scenario` under `profile`;
    /// only the settlements of district `districtID` when given.
    /// - Parameter detail: what to find beyond class and best technologies (``EvaluationDetail``);
    ///   with less than `.all`, reasons and covering operators re-evaluate their settlement.
    public func run(asOf year: Int, scenario: Scenario, profile: ClassificationProfile,
                    districtID: String? = nil, detail: EvaluationDetail = .all) -> CoverageResult {
        let selected = districtID.map { id in settlements.filter { $0.district == id } } ?? settlements
        let engine = engine(asOf: year, scenario: scenario)
        let entries = engine.evaluate(selected, order: districtID == nil ? settlementOrder : CoverageEngine.spatialOrder(selected),
                                      satelliteCounts: satelliteCounts, profile: profile, detail: detail)
        return CoverageResult(engine: engine, profile: profile, settlements: selected, entries: entries, detail: detail)
    }

    /// The district that `query` names, in any script (Kazakh, Russian, Latin; id or code too).
    ///
    /// Without a districts layer, the district values of the settlements are matched instead.
    /// - Throws: `CoverageError.unknownDistrict` with the closest names, or
    ///   `CoverageError.ambiguousDistrict` with the candidates.
    public func resolveDistrict(_ query: String) throws(CoverageError) -> CoverageDistrict {
        var known = districts
        if known.isEmpty {
            var seen = Set<String>()
            for settlement in settlements {
                if let district = settlement.district, seen.insert(district).inserted {
                    known.append(CoverageDistrict(id: district, name: district))
                }
            }
        }
        let candidates = known.map { NameMatcher.Candidate(id: $0.id, names: [$0.name, $0.nameKK, $0.nameRU, $0.id, $0.code]) }
        let byID = Dictionary(known.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func label(_ match: NameMatch) -> String {
            guard let district = byID[match.id] else { return match.name }
            return district.name == district.id ? district.name : "\(district.name) (\(district.id))"
        }
        switch NameMatcher.resolve(query, in: candidates, limit: 5) {
        case .unique(let match):
            guard let district = byID[match.id] else { throw .unknownDistrict(query, closest: []) }
            return district
        case .ambiguous(let matches):
            throw .ambiguousDistrict(query, candidates: matches.map(label))
        case .notFound(let closest):
            throw .unknownDistrict(query, closest: closest.map(label))
        }
    }

    /// The settlements whose class differs between `fromYear` and `toYear` (same scenario and
    /// profile), with the reason of each change.
    public func diff(from fromYear: Int, to toYear: Int, scenario: Scenario, profile: ClassificationProfile,
                     districtID: String? = nil) -> CoverageDiff {
        let before = run(asOf: fromYear, scenario: scenario, profile: profile, districtID: districtID)
        let after = run(asOf: toYear, scenario: scenario, profile: profile, districtID: districtID)
        return CoverageDiff(before: before, after: after)
    }

    /// The report as of `year`: per district and in total, commitments' progress and planned work.
    public func report(asOf year: Int, scenario: Scenario, profile: ClassificationProfile) -> CoverageReport {
        // The report counts classes and technologies: covering-site lists and nearest sites are not needed.
        CoverageReport(result: run(asOf: year, scenario: scenario, profile: profile, detail: []), analysis: self)
    }
}

/// Settlements' connectivity as of a year in a scenario under a profile, with the engine that
/// found it (for site details and ranges).
public struct CoverageResult: Sendable {
    /// The engine used (sites, activity, ranges).
    public let engine: CoverageEngine
    /// The profile used.
    public let profile: ClassificationProfile
    /// The settlements evaluated.
    public let settlements: [CoverageSettlement]
    /// One entry per settlement, in the same order.
    public let entries: [SettlementCoverage]
    /// What the entries hold beyond class and best technologies (``complete(_:)`` adds the rest).
    public let detail: EvaluationDetail

    /// Creates a result from its parts.
    public init(engine: CoverageEngine, profile: ClassificationProfile, settlements: [CoverageSettlement],
                entries: [SettlementCoverage], detail: EvaluationDetail = .all) {
        self.engine = engine
        self.profile = profile
        self.settlements = settlements
        self.entries = entries
        self.detail = detail
        ruleSummaries = profile.rules.map(\.summary)
    }

    /// The summary of each profile rule, computed once.
    let ruleSummaries: [String]

    /// The year evaluated.
    public var asOfYear: Int { engine.asOfYear }
    /// The scenario evaluated.
    public var scenario: Scenario { engine.scenario }

    /// Settlements per class.
    public var counts: [CoverageClass: Int] {
        var counts: [CoverageClass: Int] = [:]
        for entry in entries { counts[entry.coverageClass, default: 0] += 1 }
        return counts
    }

    /// The same result keeping only the entries of `coverageClass` (entries keep their settlement indices).
    public func filtered(to coverageClass: CoverageClass) -> CoverageResult {
        CoverageResult(engine: engine, profile: profile, settlements: settlements,
                       entries: entries.filter { $0.coverageClass == coverageClass }, detail: detail)
    }

    /// `entry` with every detail (``EvaluationDetail/all``): itself when this result has it, else
    /// the settlement evaluated again.
    public func complete(_ entry: SettlementCoverage) -> SettlementCoverage {
        guard detail != .all, entry.settlement < settlements.count else { return entry }
        return engine.evaluate(settlements[entry.settlement], index: entry.settlement,
                               satelliteInstitutions: entry.satelliteInstitutions, profile: profile, detail: .all)
    }

    /// The distinct operators of the covering sites, nearest site first (sites without an operator
    /// are left out). The entry is completed first when the result lacks covering sites.
    public func coveringOperators(_ entry: SettlementCoverage) -> [String] {
        operators(ofCoveringSites: detail.contains(.coveringSites) ? entry : complete(entry))
    }

    /// ``coveringOperators(_:)`` of an entry that holds its covering sites.
    /// - Parameter index: the engine's ``CoverageEngine/operatorIndex()``, for callers that ask for
    ///   many entries (a million sites have it in one pass; comparing each covering site's name
    ///   instead was a quarter of writing every column at W1 L).
    func operators(ofCoveringSites entry: SettlementCoverage,
                   index: (ordinals: [Int32], names: [String])? = nil) -> [String] {
        if let index {
            var seen: [Int32] = []
            for site in entry.coveringSites where index.ordinals[site] >= 0 && !seen.contains(index.ordinals[site]) {
                seen.append(index.ordinals[site])
            }
            return seen.map { index.names[Int($0)] }
        }
        // Distinct by UTF-8 bytes, as the operator index compares them.
        var seen: [String] = []
        for site in entry.coveringSites {
            guard let name = engine.sites[site].operatorName else { continue }
            if !seen.contains(where: { $0.utf8.elementsEqual(name.utf8) }) { seen.append(name) }
        }
        return seen
    }

    /// Every operator covering the settlement, each once with the best technology it covers it
    /// with, as `Operator:TECH`: the best technology's operators first (nearest site first), then
    /// those covering only with a lower technology (`Kcell:5G`, `Tele2:4G`). The entry is
    /// completed first when the result lacks covering sites.
    public func coveringOperatorTechnologies(_ entry: SettlementCoverage) -> [String] {
        operatorTechnologies(ofCoveringSites: detail.contains(.coveringSites) ? entry : complete(entry))
    }

    /// ``coveringOperatorTechnologies(_:)`` of an entry that holds its covering sites; `index` as
    /// for ``operators(ofCoveringSites:index:)``.
    func operatorTechnologies(ofCoveringSites entry: SettlementCoverage,
                              index: (ordinals: [Int32], names: [String])? = nil) -> [String] {
        guard let best = entry.bestMobile else { return [] }
        var seen: [Int32] = []
        var names: [String] = []
        var out: [String] = []
        func add(_ site: Int, _ technology: MobileTechnology) {
            if let index {
                let ordinal = index.ordinals[site]
                guard ordinal >= 0, !seen.contains(ordinal) else { return }
                seen.append(ordinal)
                out.append(index.names[Int(ordinal)] + ":" + technology.label)
            } else {
                guard let name = engine.sites[site].operatorName,
                      !names.contains(where: { $0.utf8.elementsEqual(name.utf8) }) else { return }
                names.append(name)
                out.append(name + ":" + technology.label)
            }
        }
        for site in entry.coveringSites { add(site, best) }
        for lower in entry.lowerTechnologySites { add(lower.site, lower.technology) }
        return out
    }

    /// Every covering site as `id:TECH`, joined by `;` (UTF-8): the best technology's sites first,
    /// nearest first, then the sites that cover only with a lower technology.
    /// - Parameter ids: the engine's site ids as one buffer (``SiteIDTable``, made once per output).
    func coveringSiteTechnologies(_ entry: SettlementCoverage, ids table: SiteIDTable) -> [UInt8] {
        guard let best = entry.bestMobile else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity((entry.coveringSites.count + entry.lowerTechnologySites.count) * 12)
        let labels = Self.technologySuffixes
        func add(_ site: Int, _ technology: MobileTechnology) {
            if !out.isEmpty { out.append(UInt8(ascii: ";")) }
            table.append(site, to: &out)
            out.append(contentsOf: labels[technology.rawValue])
        }
        for site in entry.coveringSites { add(site, best) }
        for lower in entry.lowerTechnologySites { add(lower.site, lower.technology) }
        return out
    }

    /// `:2G` … `:5G` as UTF-8, by ``MobileTechnology/rawValue``.
    private static let technologySuffixes: [[UInt8]] = (0...(MobileTechnology.allCases.map(\.rawValue).max() ?? 0)).map { raw in
        MobileTechnology(rawValue: raw).map { Array((":" + $0.label).utf8) } ?? []
    }

    /// The rule that gave the entry's class, in words (`served = fibre or 4G/5G`).
    public func ruleSummary(_ entry: SettlementCoverage) -> String {
        if let i = entry.ruleIndex, i < ruleSummaries.count { return ruleSummaries[i] }
        return "otherwise \(profile.otherwise.rawValue)"
    }

    /// Why the settlement has its class: the rule, the fixed line, the covering sites with
    /// distances and ranges, satellite links and the nearest site.
    ///
    /// E.g. `served by profile default (served = fibre or 4G/5G): fibre connected 2008; 4G from 4 sites
    /// (Beeline, Kcell, Tele2), nearest bl-0012 at 812 m within 8312 m (okumura-hata); satellite at 1 institution`.
    /// An entry of a result without every detail is evaluated again for its reason (``complete(_:)``).
    public func reason(_ entry: SettlementCoverage) -> String {
        let entry = complete(entry)
        return reason(entry, operators: operators(ofCoveringSites: entry))
    }

    /// ``reason(_:)`` with the covering operators already known.
    func reason(_ entry: SettlementCoverage, operators: [String]) -> String {
        var out = JSONBuffer(capacity: 512)
        reason(entry, operators: operators, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends ``reason(_:)``'s text (UTF-8, unescaped) to `out`; the writers escape it. `entry` must
    /// hold every detail (``complete(_:)``).
    /// Appends `; also 4G from 17 sites (Tele2, Altel)` for each technology below the best one
    /// with sites that cover the settlement (operators in order of the nearest site).
    /// - Parameter index: the engine's operator index, for callers that write many entries.
    private func lowerTechnologies(_ entry: SettlementCoverage, index: (ordinals: [Int32], names: [String])?,
                                   into out: inout JSONBuffer) {
        var k = 0
        let lower = entry.lowerTechnologySites
        while k < lower.count {
            let technology = lower[k].technology
            var end = k
            var names: [String] = []
            var seen: [Int32] = []
            while end < lower.count && lower[end].technology == technology {
                let site = lower[end].site
                if let index {
                    let ordinal = index.ordinals[site]
                    if ordinal >= 0 && !seen.contains(ordinal) {
                        seen.append(ordinal)
                        names.append(index.names[Int(ordinal)])
                    }
                } else if let name = engine.sites[site].operatorName,
                          !names.contains(where: { $0.utf8.elementsEqual(name.utf8) }) {
                    names.append(name)
                }
                end += 1
            }
            out.raw(k == 0 ? "; also " : ", ")
            out.raw(technology.label)
            out.raw(" from ")
            out.integer(Int64(end - k))
            out.raw(end - k == 1 ? " site" : " sites")
            if !names.isEmpty {
                out.raw(" (")
                out.raw(names.joined(separator: ", "))
                out.raw(")")
            }
            k = end
        }
    }

    func reason(_ entry: SettlementCoverage, operators: [String], operatorIndex: (ordinals: [Int32], names: [String])? = nil,
                into out: inout JSONBuffer) {
        out.raw(entry.coverageClass.rawValue)
        out.raw(" by profile ")
        out.raw(profile.name)
        out.raw(" (")
        out.raw(ruleSummary(entry))
        out.raw("): ")
        switch entry.fixed {
        case .fibre(let year, let planned)?:
            if planned {
                out.raw("fibre planned ")
                if let year { out.integer(Int64(year)) }
                out.raw(" (counted in the planned scenario)")
            } else {
                out.raw("fibre connected")
                if let year { out.raw(" "); out.integer(Int64(year)) }
            }
        case .fibreNode(let site, let distance)?:
            out.raw("fibre from node ")
            out.raw(engine.sites[site].id)
            if let distance {
                out.raw(" at ")
                Self.meters(distance, into: &out)
            }
            out.raw(" within its reach of ")
            Self.meters(engine.sites[site].explicitRangeMeters ?? 0, into: &out)
            activitySuffix(site, into: &out)
        case nil:
            out.raw(entry.fibreNote ?? "no fibre recorded")
        }
        out.raw("; ")
        if let best = entry.bestMobile, let first = entry.coveringSites.first {
            let count = entry.coveringSites.count
            out.raw(best.label)
            out.raw(" from ")
            out.integer(Int64(count))
            out.raw(count == 1 ? " site" : " sites")
            if operators.isEmpty {
                out.raw(" (operator not assigned)")
            } else {
                out.raw(" (")
                for (k, name) in operators.enumerated() {
                    if k > 0 { out.raw(", ") }
                    out.raw(name)
                }
                out.raw(")")
            }
            out.raw(", nearest ")
            out.raw(engine.sites[first].id)
            out.raw(" at ")
            Self.meters(entry.closestCoveringMeters ?? 0, into: &out)
            out.raw(" within ")
            engine.range(site: first, technology: best).describe(into: &out)
            activitySuffix(first, into: &out)
            lowerTechnologies(entry, index: operatorIndex, into: &out)
        } else {
            out.raw("no mobile coverage")
        }
        if entry.satelliteInstitutions > 0 {
            out.raw("; satellite at ")
            out.integer(Int64(entry.satelliteInstitutions))
            out.raw(entry.satelliteInstitutions == 1 ? " institution" : " institutions")
        }
        if let nearest = entry.nearestSite, let distance = entry.nearestSiteMeters {
            if nearest != entry.coveringSites.first {
                let site = engine.sites[nearest]
                out.raw("; nearest site ")
                out.raw(site.id)
                out.raw(" (")
                out.raw(site.technologies.label)
                if let name = site.operatorName {
                    out.raw(", ")
                    out.raw(name)
                }
                out.raw(") at ")
                Self.meters(distance, into: &out)
                // Say why the nearest site does not give more than the settlement has.
                let better = site.technologies.mobile.filter { entry.bestMobile == nil || $0 > (entry.bestMobile ?? .g2) }
                if site.technologies.bestMobile != nil, !better.isEmpty {
                    out.raw(", beyond its range (")
                    for (k, technology) in better.enumerated() {
                        if k > 0 { out.raw(", ") }
                        out.raw(technology.label)
                        out.raw(" ")
                        Self.meters(engine.rangeMeters(site: nearest, technology: technology) ?? 0, into: &out)
                    }
                    out.raw(")")
                }
                activitySuffix(nearest, into: &out)
            }
        } else {
            out.raw("; no radio site counted")
        }
    }

    private func activitySuffix(_ site: Int, into out: inout JSONBuffer) {
        guard let phrase = SiteActivity(site: engine.sites[site], asOf: asOfYear, scenario: scenario).phrase else { return }
        out.raw(" (")
        out.raw(phrase)
        out.raw(")")
    }

    /// Appends `812 m`: metres rounded to whole metres.
    static func meters(_ value: Double, into out: inout JSONBuffer) {
        let rounded = value.rounded()
        if rounded.magnitude < 9e18 { out.integer(Int64(rounded)) } else { out.raw(String(rounded)) }
        out.raw(" m")
    }

    /// `812 m`: metres rounded to whole metres.
    static func meters(_ value: Double) -> String {
        var out = JSONBuffer(capacity: 24)
        meters(value, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

/// The settlements of a source and their Z order, loaded on a thread of its own (not one of
/// Dispatch's workers, which the site scan keeps busy).
private final class SettlementLoading: @unchecked Sendable {
    // `loaded` is written by the loading thread before it signals and read only after the wait.
    private let source: any CoverageDataSource
    private let columns: [String]?
    private let done = DispatchSemaphore(value: 0)
    private var loaded: Result<([CoverageSettlement], [Int]), any Error> = .success(([], []))

    /// Starts loading.
    init(_ source: any CoverageDataSource, columns: [String]?) {
        self.source = source
        self.columns = columns
        let thread = Thread { [self] in
            loaded = Result {
                let settlements = try self.source.loadSettlements(columns: self.columns)
                return (settlements, CoverageEngine.spatialOrder(settlements))
            }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the settlements and their order.
    func result() -> Result<([CoverageSettlement], [Int]), any Error> {
        done.wait()
        done.signal()
        return loaded
    }
}
