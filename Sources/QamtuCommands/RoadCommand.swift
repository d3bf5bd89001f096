import ArgumentParser
import Corridor
import Coverage
import Foundation
import GeoModel
import GeoStorage
import Geodesy

/// `qamtu road …`: road corridors — masts near a road, uncovered stretches, new mast siting.
struct RoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "road",
        abstract: "Road corridors: masts along a road, stretches without coverage, and where new masts close the gaps.",
        discussion: """
            ROAD is a road's id, its ref (A-2, M-39, E40) or its name in any script:
            Шақпақата–Отар, Шакпаката - Отар and Shakpakata-Otar find the same road. \
            Chainage is kilometres along the road from its first vertex; MultiLineString \
            roads are measured along their parts in order, and the space between parts is \
            not road. Offsets and chainages are geodesic (WGS84 ellipsoid), never \
            degree-space approximations.

            Examples:
              qamtu road masts A-2 --within 5km --format table
              qamtu road gaps Shakpakata-Otar --technology 4G --as-of 2025
              qamtu road plan A-2 --range 8km -o a2-plan.geojson
            """,
        subcommands: [RoadMastsCommand.self, RoadGapsCommand.self, RoadPlanCommand.self])
}

/// A distance given as `5km`, `800m`, `2.5 km` or a bare number of metres.
struct Distance: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The distance in metres, finite and `≥ 0`.
    let meters: Double

    init(meters: Double) { self.meters = meters }

    /// Parses `NUMBER[UNIT]` with UNIT `m` or `km` (case-insensitive, spaces allowed); nil for
    /// anything else, negative or non-finite values.
    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        var number = text
        var scale = 1.0
        if text.hasSuffix("km") {
            number = String(text.dropLast(2))
            scale = 1000
        } else if text.hasSuffix("m") {
            number = String(text.dropLast(1))
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
            return nil
        }
        meters = value * scale
    }

    /// `5 km` or `800 m`.
    var description: String {
        meters >= 1000 ? "\(RoadFormat.trimmed(meters / 1000)) km" : "\(RoadFormat.trimmed(meters)) m"
    }
}

/// The road argument and database option shared by the `road` subcommands.
struct RoadSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The road: id, ref (A-2, M-39, E40) or name in any script.", valueName: "road"))
    var road: String

    @OptionGroup var database: DatabaseOptions
}

/// The technology, year and scenario options of `road gaps` and `road plan`.
struct RoadCoverageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Mobile technology: 2G, 3G, 4G or 5G; sites with it or a better one count.", valueName: "tech"))
    var technology = "4G"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    /// Parsed technology (validated in `validate()`).
    var mobileTechnology: MobileTechnology { MobileTechnology(label: technology) ?? .g4 }

    /// The year of `--as-of`, else the current year (UTC).
    var year: Int {
        if let asOf { return asOf }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.component(.year, from: Date())
    }

    func validate() throws {
        guard MobileTechnology(label: technology) != nil else {
            throw ValidationError("--technology must be one of 2G, 3G, 4G, 5G, got '\(technology)'")
        }
        if let asOf, !(1900...2100).contains(asOf) {
            throw ValidationError("--as-of must be a year between 1900 and 2100, got \(asOf)")
        }
    }
}

/// `actual` or `planned` (see `Scenario` of the coverage engine).
enum RoadScenario: String, ExpressibleByArgument, CaseIterable {
    case actual, planned

    var scenario: Scenario { self == .actual ? .actual : .planned }
}

/// A road found in the database, ready for corridor analysis.
struct LoadedRoad {
    let record: FeatureRecord
    let road: CorridorRoad

    var id: String { record.id }
    var ref: String? { LayerSchema.roads.columnIndex("ref").flatMap { record.values[$0].text } }
    var name: String? { LayerSchema.roads.columnIndex("name").flatMap { record.values[$0].text } }

    /// `a2-shakpakata-otar (A-2 Shakpakata–Otar, 412.3 km)`.
    var title: String {
        let label = [ref, name].compactMap { $0 }.joined(separator: " ")
        let length = RoadFormat.kilometers(road.lengthMeters, decimals: 1)
        return label.isEmpty ? "\(id) (\(length) km)" : "\(id) (\(label), \(length) km)"
    }

    /// The `road` member of the GeoJSON outputs.
    var json: JSONValue {
        .object([
            ("id", .string(id)), ("ref", ref.map(JSONValue.string) ?? .null), ("name", name.map(JSONValue.string) ?? .null),
            ("parts", .integer(Int64(road.parts.count))),
            ("length_km", .number(RoadFormat.rounded(road.lengthMeters / 1000, decimals: 5))),
        ])
    }
}

/// Why a road command cannot go on (printed as `error: …`).
struct RoadCommandFailure: Error, CustomStringConvertible {
    let description: String
}

enum RoadLookup {
    /// Finds ROAD by exact id, else by ref or name through `NameMatcher`.
    ///
    /// - Throws: `RoadCommandFailure` for an unknown or ambiguous road (listing the closest
    ///   candidates) or a road without a line geometry; `CorridorError` for an unusable geometry.
    static func load(_ query: String, from portal: PortalDatabase) throws -> LoadedRoad {
        var record = try portal.features(.roads, ids: [query]).first
        if record == nil {
            let matcher = NameMatcher(candidates: try portal.nameCandidates(.roads))
            switch matcher.resolve(query, limit: 5) {
            case .unique(let match):
                record = try portal.features(.roads, ids: [match.id]).first
            case .ambiguous(let matches):
                throw RoadCommandFailure(description:
                    "'\(query)' matches several roads: \(try describe(matches.map(\.id), portal)); give one of the ids")
            case .notFound(let closest):
                let hint = closest.isEmpty
                    ? "no road has a similar id, ref or name (list them with `qamtu export roads --format csv`)"
                    : "closest: \(try describe(closest.map(\.id), portal))"
                throw RoadCommandFailure(description: "no road matches '\(query)'; \(hint)")
            }
        }
        guard let record, let geometry = record.geometry else {
            throw RoadCommandFailure(description: "road '\(query)' has no geometry")
        }
        return LoadedRoad(record: record, road: try CorridorRoad(geometry: geometry))
    }

    /// `id (ref name), …` for roads.
    private static func describe(_ ids: [String], _ portal: PortalDatabase) throws -> String {
        try portal.features(.roads, ids: ids).map { record in
            let road = LoadedRoad.labels(record)
            return road.isEmpty ? record.id : "\(record.id) (\(road))"
        }.joined(separator: ", ")
    }
}

extension LoadedRoad {
    /// `ref name` of a road record, either part missing allowed.
    static func labels(_ record: FeatureRecord) -> String {
        ["ref", "name"].compactMap { LayerSchema.roads.columnIndex($0).flatMap { record.values[$0].text } }
            .joined(separator: " ")
    }
}

/// Reads the sites near a road from storage: one R*Tree box query per chunk of road
/// (`CorridorRoad.searchBoxes`), each site once.
enum RoadSites {
    /// Calls `body` with each batch of site records found within the boxes of `withinMeters`
    /// around the road, each site at most once over all batches.
    static func scan(
        _ portal: PortalDatabase, road: CorridorRoad, withinMeters: Double, filters: [ExportFilter] = [],
        _ body: ([FeatureRecord]) throws -> Void
    ) throws {
        var seen = Set<String>()
        for box in road.searchBoxes(withinMeters: withinMeters) {
            let bbox = BoundingBox(
                minLongitude: box.minLongitude, minLatitude: box.minLatitude,
                maxLongitude: box.maxLongitude, maxLatitude: box.maxLatitude)
            let records = try portal.features(ExportQuery(layer: .sites, bbox: bbox, filters: filters))
            try body(records.filter { seen.insert($0.id).inserted })
        }
    }
}

/// How a site's range was found for `road gaps` / `road plan`.
struct RangedSite {
    let site: CoverageSite
    /// Range, metres, for the technology asked or a better one the site carries (the largest).
    let rangeMeters: Double
    /// The rule that gave it, or `assumed` for `--planned-range`.
    let rule: String
}

/// The sites that can cover a road for a technology, with their ranges (coverage engine rules).
struct RoadSiteRanges {
    /// Sites farther than this from the road are not read (the propagation model caps ranges
    /// at 20 km; an explicit `range_m` beyond this would be cut, and is reported).
    static let maximumReachMeters = 100_000.0

    /// Radio sites with the technology (or a better one) that reach the road, any status.
    var sites: [RangedSite] = []
    /// Sites that could not be read as coverage sites (bad kind/status/geometry).
    var skipped = 0
    /// Sites whose range exceeds ``maximumReachMeters``.
    var beyondReach: [String] = []

    /// Reads and ranges the sites near `road`.
    ///
    /// - Parameter plannedRangeMeters: when set, the range assumed for planned and building
    ///   sites instead of their own.
    init(portal: PortalDatabase, road: CorridorRoad, technology: MobileTechnology, year: Int,
         model: RangeModel, plannedRangeMeters: Double?) throws {
        var sites: [RangedSite] = []
        var skipped = 0
        var beyondReach: [String] = []
        try RoadSites.scan(portal, road: road, withinMeters: Self.maximumReachMeters) { records in
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
        self.sites = sites
        self.skipped = skipped
        self.beyondReach = beyondReach
    }

    /// The sites that count as of `year` in `scenario`.
    func active(asOf year: Int, scenario: Scenario) -> [RangedSite] {
        sites.filter { SiteActivity(site: $0.site, asOf: year, scenario: scenario).isActive }
    }

    /// As corridor sites.
    static func corridorSites(_ sites: [RangedSite]) -> [CorridorSite] {
        sites.map { CorridorSite(id: $0.site.id, position: $0.site.position, rangeMeters: $0.rangeMeters) }
    }

    /// `3 explicit, 50 okumura-hata` for the given sites.
    static func ruleSummary(_ sites: [RangedSite]) -> String {
        var counts: [String: Int] = [:]
        for site in sites { counts[site.rule, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}

/// Number formatting of the road outputs.
enum RoadFormat {
    /// `value` rounded to `decimals` places (as a double, for JSON).
    static func rounded(_ value: Double, decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }

    /// Kilometres with fixed decimals: `412.3`.
    static func kilometers(_ meters: Double, decimals: Int = 2) -> String {
        String(format: "%.\(decimals)f", meters / 1000)
    }

    /// A number without a trailing `.0`: `5`, `2.5`.
    static func trimmed(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A percentage with one decimal: `73.1 %`.
    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }
}

/// Runs a road command body, printing corridor, coverage, storage and model errors as
/// `error: …` with exit code 1.
func reportingRoadErrors(_ body: () throws -> Void) throws {
    try reportingErrors {
        do {
            try body()
        } catch let error as CorridorError {
            Terminal.error(error.description)
            throw ExitCode.failure
        } catch let error as CoverageError {
            Terminal.error(error.description)
            throw ExitCode.failure
        } catch let error as RoadCommandFailure {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
    }
}
