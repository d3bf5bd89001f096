import ArgumentParser
import Coverage
import Foundation
import GeoModel
import GeoStorage
import Geodesy

/// `qamtu coverage`: which settlements lack broadband as of a year, with reasons.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Settlements' connectivity as of a year: class, best fixed and mobile technology, covering sites, reasons.",
        discussion: """
            `qamtu coverage [options]` runs `coverage list`. A site covers a settlement when the geodesic \
            distance on the WGS84 ellipsoid is at most its range (exactly at the range counts). Ranges: \
            the site's range_m; else Okumura–Hata / COST-231 Hata (rural open area) from band_mhz, height_m, \
            eirp_dbm and the receiver threshold of the technology; else the default table.

            Examples:
              qamtu coverage --class unserved
              qamtu coverage --as-of 2025 --scenario planned --district Байзақ --format csv -o bayzak.csv
              qamtu coverage diff 2024 2026
              qamtu coverage footprints --operator Tele2 --technology 4G -o tele2-4g.geojson
            """,
        subcommands: [CoverageListCommand.self, CoverageDiffCommand.self, CoverageFootprintsCommand.self],
        defaultSubcommand: CoverageListCommand.self)
}

/// Propagation settings shared by coverage, coverage diff and report.
struct PropagationOptions: ParsableArguments {
    @Option(name: .customLong("threshold"), parsing: .singleValue,
            help: ArgumentHelp("Receiver threshold of a technology in dBm, e.g. 4G=-72 (repeatable; defaults 2G=-94 3G=-82 4G=-69 5G=-67).",
                               valueName: "tech=dbm"))
    var thresholds: [String] = []

    @Option(name: .customLong("default-range"), parsing: .singleValue,
            help: ArgumentHelp("Range in metres when band, height or EIRP is missing, e.g. 4G=6000 (repeatable).",
                               valueName: "tech=m"))
    var defaultRanges: [String] = []

    @Option(help: ArgumentHelp("Receiver antenna height in metres (1–10).", valueName: "m"))
    var receiverHeight = 1.5

    /// The propagation settings from the options.
    func settings() throws -> PropagationSettings {
        let settings = PropagationSettings(receiverHeightMeters: receiverHeight,
                                           thresholdsDBm: try Self.parse(thresholds, option: "--threshold"),
                                           defaultRangesMeters: try Self.parse(defaultRanges, option: "--default-range"))
        do { try settings.validate() } catch { throw ValidationError(error.description) }
        return settings
    }

    static func parse(_ assignments: [String], option: String) throws -> [MobileTechnology: Double] {
        var out: [MobileTechnology: Double] = [:]
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let technology = MobileTechnology(label: parts[0].trimmingCharacters(in: .whitespaces)),
                  let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ValidationError("\(option) expects TECH=NUMBER with TECH one of 2G, 3G, 4G, 5G, got '\(assignment)'")
            }
            out[technology] = value
        }
        return out
    }

    func validate() throws {
        _ = try settings()
    }
}

/// The help of `--profile`.
let profileHelp = ArgumentHelp("Rule profile: default, satellite-as-broadband, fibre-first, or a JSON profile file.",
                               valueName: "name")

/// The profile `name`: a built-in one, else a JSON file.
/// - Throws: `CoverageError.unknownProfile` or `.invalidProfile`.
func loadProfile(_ name: String) throws -> ClassificationProfile {
    if let builtIn = ClassificationProfile.builtIn.first(where: { $0.name == name }) { return builtIn }
    guard FileManager.default.fileExists(atPath: name) else {
        throw CoverageError.unknownProfile(name, known: ClassificationProfile.builtIn.map(\.name))
    }
    guard let data = FileManager.default.contents(atPath: name) else {
        throw CoverageError.invalidProfile(name, reason: "the file cannot be read")
    }
    return try ClassificationProfile(json: data, source: name)
}

/// The current calendar year (UTC), the default of `--as-of`.
func currentYear() -> Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    return calendar.component(.year, from: Date())
}

/// Runs a command body, printing coverage, storage and model errors as `error: …` with exit code 1.
func reportingAnalysisErrors(_ body: () throws -> Void) throws {
    try reportingErrors {
        do {
            try body()
        } catch let error as CoverageError {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
    }
}

/// Loads the analysis from the portal database.
/// - Parameter settlementColumns: the settlement columns the output needs (nil: all; see
///   ``CoverageAnalysis/init(source:settings:settlementColumns:)``).
func loadAnalysis(_ database: DatabaseOptions, _ propagation: PropagationOptions,
                  settlementColumns: [String]? = nil) throws -> CoverageAnalysis {
    // The loaders read plain columns and decode the geometry blobs themselves: no SpatiaLite.
    let portal = try database.open(readOnly: true, spatialSQL: false)
    let source = PortalCoverageSource(portal: portal)
    let analysis = try CoverageAnalysis(source: source, settings: try propagation.settings(),
                                        settlementColumns: settlementColumns)
    if source.skipped > 0 {
        Terminal.note("note: \(source.skipped) features without a usable point or kind/status were left out")
    }
    return analysis
}

/// `--as-of`, `--scenario`, `--profile` and the propagation settings, shared by `coverage list` and `report`.
struct AnalysisOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    @Option(help: ArgumentHelp("actual (only what exists) or planned (also what is planned for the year or earlier).",
                               valueName: "scenario"))
    var scenario: Scenario = .actual

    @Option(help: profileHelp)
    var profile = ClassificationProfile.standard.name

    @OptionGroup var propagation: PropagationOptions

    func validate() throws {
        if let asOf, !(1900...2100).contains(asOf) { throw ValidationError("--as-of must be a year between 1900 and 2100, got \(asOf)") }
    }

    /// The year asked for, else this year.
    var year: Int { asOf ?? currentYear() }
}

/// `qamtu coverage list` (the default): every settlement's connectivity as GeoJSON, GeoJSONSeq or CSV.
struct CoverageListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Settlements as GeoJSON Points with class, best_fixed, best_mobile, satellite, covering sites and reason.")

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: ArgumentHelp("Only settlements of this district (name in any script, or id).", valueName: "name"))
    var district: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("Only settlements of this class.", valueName: "class"))
    var coverageClass: CoverageClass?

    @Option(help: "Output format.")
    var format: CoverageOutputFormat = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (0–15).", valueName: "n"))
    var precision = 6

    @Option(help: ArgumentHelp("""
        Only these properties, in this order: a,b,c (settlement columns and coverage fields; \
        the GeoJSON feature id and the CSV lon,lat are always written). Without \
        covering_sites, covering_operators and reason the engine only decides whether a site \
        covers; without nearest_site_id, nearest_site_m and reason it skips the nearest-site \
        search: large runs get faster.
        """, valueName: "names"))
    var properties: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15, got \(precision)") }
        if let propertyList {
            do { try CoverageWriter.validate(resultProperties: propertyList) } catch { throw ValidationError(error.description) }
        }
    }

    /// `--properties` as a list.
    var propertyList: [String]? { properties.map(parsePropertyList) }


    func run() throws {
        try reportingAnalysisErrors {
            let profile = try loadProfile(analysis.profile)
            // With --properties, only the settlement columns written are read.
            let columns = LayerSchema.settlements.columns.map(\.name)
            let loaded = try loadAnalysis(database, analysis.propagation,
                                          settlementColumns: propertyList.map { $0.filter(columns.contains) })
            let districtID = try district.map { try loaded.resolveDistrict($0).id }
            let writer = CoverageWriter(format: format, precision: precision, properties: propertyList)
            var result = loaded.run(asOf: analysis.year, scenario: analysis.scenario, profile: profile, districtID: districtID,
                                    detail: CoverageWriter.detail(forProperties: writer.properties))
            if let coverageClass { result = result.filtered(to: coverageClass) }
            let sink = try OutputSink(path: output)
            let count = try writer.write(result, to: sink)
            ExitTimeRelease.keep((loaded, result))
            if output != "-" {
                Terminal.note("wrote \(grouped(count)) settlements to \(output) (as of \(result.asOfYear), \(result.scenario.rawValue), profile \(profile.name))")
            }
        }
    }
}

/// `qamtu coverage diff YEAR1 YEAR2`: settlements whose class changes, and why.
struct CoverageDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "The settlements whose class changes between two years, and why.",
        discussion: """
            The scenario defaults to planned here: in the actual scenario only commissioning dates and \
            fibre connection years differ between years.
            """)

    @Argument(help: ArgumentHelp("The first year.", valueName: "year1"))
    var fromYear: Int

    @Argument(help: ArgumentHelp("The second year.", valueName: "year2"))
    var toYear: Int

    @Option(help: ArgumentHelp("actual or planned (default: planned).", valueName: "scenario"))
    var scenario: Scenario = .planned

    @Option(help: profileHelp)
    var profile = ClassificationProfile.standard.name

    @Option(help: ArgumentHelp("Only settlements of this district (name in any script, or id).", valueName: "name"))
    var district: String?

    @Option(help: "Output format.")
    var format: CoverageOutputFormat = .geojson

    @Option(help: ArgumentHelp("""
        Only these properties, in this order: a,b,c (settlement columns and the diff fields; the \
        GeoJSON feature id and the CSV lon,lat are always written).
        """, valueName: "names"))
    var properties: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @OptionGroup var propagation: PropagationOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        for year in [fromYear, toYear] where !(1900...2100).contains(year) {
            throw ValidationError("years must lie between 1900 and 2100, got \(year)")
        }
        if let properties {
            do { try CoverageWriter.validate(diffProperties: parsePropertyList(properties)) } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        try reportingAnalysisErrors {
            let chosen = try loadProfile(profile)
            let loaded = try loadAnalysis(database, propagation)
            let districtID = try district.map { try loaded.resolveDistrict($0).id }
            let diff = loaded.diff(from: fromYear, to: toYear, scenario: scenario, profile: chosen, districtID: districtID)
            let sink = try OutputSink(path: output)
            let count = try CoverageWriter(format: format, properties: properties.map(parsePropertyList)).write(diff, to: sink)
            if output != "-" { Terminal.note("wrote \(grouped(count)) changed settlements to \(output)") }
        }
    }
}

/// `qamtu coverage footprints`: the covered area per operator and technology as unioned polygons.
struct CoverageFootprintsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprints",
        abstract: "The covered area per operator and technology: unioned geodesic circles as (Multi)Polygons.",
        discussion: """
            Every site that counts as of the year in the scenario contributes a circle of its range for each \
            technology it carries (the same ranges as `qamtu coverage`). A circle is a polygon of --segments \
            vertices that circumscribes the geodesic circle on the WGS84 ellipsoid, so a settlement that \
            `qamtu coverage` reports covered by an operator with a technology lies inside that footprint. \
            Circles that cross ±180° are cut at the meridian. The circles of each operator and technology are \
            unioned by GEOS (through SpatiaLite) and snapped to the output precision; the result is valid.

            Examples:
              qamtu coverage footprints -o footprints.geojson
              qamtu coverage footprints --operator Kar-Tel --technology 4G --as-of 2026 --scenario planned
            """)

    @Option(help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    @Option(help: ArgumentHelp("actual (only what exists) or planned (also what is planned for the year or earlier).",
                               valueName: "scenario"))
    var scenario: Scenario = .actual

    @Option(name: .customLong("operator"), help: ArgumentHelp(
        "Only this operator: brand (Tele2, Beeline …) or company (Kar-Tel, Mobile Telecom-Service).", valueName: "name"))
    var operatorName: String?

    @Option(help: ArgumentHelp("Only this technology: 2G, 3G, 4G or 5G.", valueName: "tech"))
    var technology: String?

    @Option(help: ArgumentHelp("Vertices per circle (\(GeodesicCircle.segmentRange.lowerBound)–\(GeodesicCircle.segmentRange.upperBound)).",
                               valueName: "n"))
    var segments = 64

    @Option(help: "Output format.")
    var format: FootprintWriter.Format = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (6–15); the union is snapped to this grid.", valueName: "n"))
    var precision = 6

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @OptionGroup var propagation: PropagationOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let asOf, !(1900...2100).contains(asOf) { throw ValidationError("--as-of must be a year between 1900 and 2100, got \(asOf)") }
        guard GeodesicCircle.segmentRange.contains(segments) else {
            throw ValidationError("--segments must be between \(GeodesicCircle.segmentRange.lowerBound) and \(GeodesicCircle.segmentRange.upperBound), got \(segments)")
        }
        // Snapping to 10⁻⁶° moves a vertex by at most 0.08 m, well inside the circles' half-metre margin;
        // 10⁻⁵° (up to 0.7 m) would not be.
        guard (6...15).contains(precision) else { throw ValidationError("--precision must be between 6 and 15, got \(precision)") }
        if let technology, MobileTechnology(label: technology) == nil {
            throw ValidationError("--technology must be 2G, 3G, 4G or 5G, got '\(technology)'")
        }
    }

    func run() throws {
        try reportingAnalysisErrors { try writeFootprints() }
    }

    private func writeFootprints() throws {
        let year = asOf ?? currentYear()
        let loaded = try loadAnalysis(database, propagation)
        let engine = loaded.engine(asOf: year, scenario: scenario)
        var operators: [String]?
        if let operatorName { operators = try engine.operators(matching: operatorName) }
        let groups = engine.footprintGroups(operators: operators, technology: technology.flatMap(MobileTechnology.init(label:)),
                                            segments: segments)
        let total = groups.reduce(0) { $0 + $1.siteCount }
        let labels = groups.map { "\($0.label) (\(grouped($0.siteCount)) sites)" }
        var progress: (@Sendable (Int) -> Void)?
        if total >= 5_000 {
            progress = { @Sendable (index: Int) -> Void in Terminal.note("unioned \(labels[index])") }
        }
        let merged = try PolygonUnion.unions(of: groups.map(\.polygons), names: groups.map(\.label),
                                             gridDegrees: pow(10, -Double(precision)), progress: progress)
        var footprints: [CoverageFootprint] = []
        for (group, union) in zip(groups, merged) {
            guard let geometry = union.geometry else { continue }
            var kept = group
            kept.polygons = []
            footprints.append(CoverageFootprint(group: kept, geometry: geometry.promotedToMulti,
                                                areaSquareMeters: union.areaSquareMeters))
        }
        let sink = try OutputSink(path: output)
        let count = try FootprintWriter(format: format, precision: precision)
            .write(footprints, asOfYear: year, scenario: scenario, segments: segments, to: sink)
        if output != "-" {
            Terminal.note("wrote \(count) footprint\(count == 1 ? "" : "s") to \(output) (as of \(year), \(scenario.rawValue))")
        }
        if count == 0 { Terminal.note("note: no site counts as of \(year) in the \(scenario.rawValue) scenario for this selection") }
    }
}

/// Reads the coverage layers from the portal database. All SQL stays in GeoStorage; this adapter
/// only converts its rows to the Coverage module's input types.
final class PortalCoverageSource: CoverageDataSource, Sendable {
    let portal: PortalDatabase
    /// Settlements and sites that could not be used, each counted by the thread that loads them.
    private let skippedSettlements = Counter(), skippedSites = Counter()

    final class Counter: @unchecked Sendable { var value = 0 }

    init(portal: PortalDatabase) { self.portal = portal }

    /// Features that could not be used (no point, unknown kind or status); read after loading.
    var skipped: Int { skippedSettlements.value + skippedSites.value }

    func loadSettlements() throws -> [CoverageSettlement] {
        try loadSettlements(columns: nil)
    }

    func loadSettlements(columns: [String]?) throws -> [CoverageSettlement] {
        let query = ExportQuery(layer: .settlements)
        guard let columns else {
            return try portal.features(query).compactMap { record in
                do { return try CoverageSettlement(record: record) } catch { skippedSettlements.value += 1; return nil }
            }
        }
        // Streamed into an array of the right size: no records array, and no copies as it grows
        // (at 100,000 settlements these touched 40 MB of fresh memory). Each record keeps only
        // its values up to the last column asked for (the analysis columns are read into the
        // settlement itself): a value array of every column per settlement is another 30 MB.
        let schema = LayerSchema.settlements
        let kept = 1 + (columns.compactMap { schema.columnIndex($0) }.max() ?? 0)
        var settlements: [CoverageSettlement] = []
        settlements.reserveCapacity(try portal.count(query))
        try portal.forEachFeature(query, columns: CoverageSettlement.analysisColumns + columns) { record in
            do {
                settlements.append(try CoverageSettlement(record: record, keptValues: kept))
            } catch {
                skippedSettlements.value += 1
            }
        }
        return settlements
    }

    func loadSites() throws -> [CoverageSite] {
        let partitions = 2
        if let counts = try portal.sitePackPartitionRows(partitions: partitions) {
            return try loadSites(exactly: counts)
        }
        let parts = (0..<partitions).map { _ in SiteBatch() }
        let reserve = { (upperBound: Int) in
            // The first batch takes the others' sites at the end: room for all of them.
            parts[0].sites.reserveCapacity(upperBound)
            for batch in parts.dropFirst() { batch.sites.reserveCapacity(upperBound / parts.count + 1) }
        }
        try portal.scanSiteAttributes(partitions: parts.count, reserve: reserve) { part, row in
            let batch = parts[part]
            if let site = batch.site(row) { batch.sites.append(site) }
        }
        skippedSites.value += parts.map(\.skipped).reduce(0, +)
        // Move the first batch out (no copy), then append the others.
        var sites: [CoverageSite] = []
        swap(&sites, &parts[0].sites)
        for batch in parts.dropFirst() { sites.append(contentsOf: batch.sites) }
        return sites
    }

    /// Reads the site pack, whose partitions deliver `counts` sites, straight into the final array:
    /// each partition fills its own range, and the ranges are closed up afterwards where sites
    /// were left out. No partition's sites are copied from a batch of their own (at a million
    /// sites that copy, and the memory it touches, cost a tenth of a second).
    private func loadSites(exactly counts: [Int]) throws -> [CoverageSite] {
        let total = counts.reduce(0, +)
        let batches = counts.map { _ in PackedSiteBatch() }
        return try [CoverageSite](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let fill = PartitionFill(base: base, counts: counts)
            do {
                try portal.scanSitePackRows(expecting: counts, dictionary: { part, texts in batches[part].begin(texts) }) { part, row in
                    fill.append(partition: part) { slot in batches[part].site(row, into: slot) }
                }
                if !fill.deliveredAsAnnounced { throw StorageError.changedWhileReading(layer: LayerSchema.sites.name) }
            } catch {
                fill.deinitializeAll()
                throw error
            }
            skippedSites.value += batches.map(\.skipped).reduce(0, +)
            initialized = fill.closeGaps()
        }
    }

    /// Writes the sites of each partition into its own range of one uninitialised buffer; each
    /// partition is written by one thread only. The per-partition counters live in buffers of their
    /// own, allocated once: each thread writes only its partition's element, and no array is
    /// mutated from two threads.
    final class PartitionFill: @unchecked Sendable {
        private let base: UnsafeMutablePointer<CoverageSite>
        private let starts: [Int]
        private let capacities: [Int]
        /// Sites written, per partition.
        private let filled: UnsafeMutableBufferPointer<Int>
        /// Rows delivered (written or skipped), per partition.
        private let delivered: UnsafeMutableBufferPointer<Int>

        init(base: UnsafeMutablePointer<CoverageSite>, counts: [Int]) {
            self.base = base
            var starts: [Int] = []
            var running = 0
            for count in counts {
                starts.append(running)
                running += count
            }
            self.starts = starts
            capacities = counts
            filled = .allocate(capacity: counts.count)
            filled.initialize(repeating: 0)
            delivered = .allocate(capacity: counts.count)
            delivered.initialize(repeating: 0)
        }

        deinit {
            filled.deallocate()
            delivered.deallocate()
        }

        /// Whether every partition delivered exactly the rows announced (else the sites changed
        /// while they were read).
        var deliveredAsAnnounced: Bool { capacities.indices.allSatisfy { delivered[$0] == capacities[$0] } }

        /// Lets `make` initialise the partition's next slot in place; it returns false when it
        /// left the slot uninitialised (a skipped row). Rows beyond the partition's announced count
        /// are counted but not written.
        func append(partition p: Int, _ make: (UnsafeMutablePointer<CoverageSite>) -> Bool) {
            delivered[p] += 1
            guard filled[p] < capacities[p] else { return }
            if make(base + starts[p] + filled[p]) { filled[p] += 1 }
        }

        /// Moves every partition's sites down to follow the previous one's; returns the count.
        func closeGaps() -> Int {
            var end = 0
            for p in starts.indices {
                if starts[p] != end { (base + end).moveInitialize(from: base + starts[p], count: filled[p]) }
                end += filled[p]
            }
            return end
        }

        /// Destroys every site written (after a failure).
        func deinitializeAll() {
            for p in starts.indices {
                (base + starts[p]).deinitialize(count: filled[p])
                filled[p] = 0
            }
        }
    }

    /// Converts the packed rows of one partition (one thread only): each chunk's texts are parsed
    /// once, so that a row costs no text comparison and no `String` but its id.
    final class PackedSiteBatch: @unchecked Sendable {
        var skipped = 0
        private var texts: [String] = []
        private var kinds: [SiteKind?] = []
        private var statuses: [SiteStatus?] = []
        private var technologies: [TechnologySet] = []

        /// Starts a chunk whose rows index `texts`.
        func begin(_ texts: [String]) {
            self.texts = texts
            kinds = texts.map(SiteKind.init(rawValue:))
            statuses = texts.map(SiteStatus.init(rawValue:))
            technologies = texts.map(TechnologySet.init(parsing:))
        }

        /// Initialises `slot` with the coverage site of a row and returns true, as
        /// ``SiteBatch/site(_:into:)`` does for a row of the table.
        func site(_ row: PackedSiteRow, into slot: UnsafeMutablePointer<CoverageSite>) -> Bool {
            guard let position = row.position, position.isValid, let kind = kinds[Int(row.kind)],
                  let status = statuses[Int(row.status)] else {
                skipped += 1
                return false
            }
            slot.initialize(to: CoverageSite(
                id: String(decoding: row.id, as: UTF8.self), kind: kind,
                operatorName: row.operatorName >= 0 ? texts[Int(row.operatorName)] : nil,
                technologies: row.technologies >= 0 ? technologies[Int(row.technologies)] : (kind == .fibreNode ? .fibre : []),
                position: position, bandMegahertz: row.bandMegahertz, antennaHeightMeters: row.heightMeters,
                eirpDBm: row.eirpDBm, explicitRangeMeters: row.rangeMeters, status: status, plannedYear: row.plannedYear,
                commissionedYear: CoverageSite.year(inDate: row.commissioned), spatialRank: row.spatialRank))
            return true
        }
    }

    /// The sites of one partition, appended by one thread only.
    final class SiteBatch: @unchecked Sendable {
        // One thread appends (no dynamic exclusivity check per row needed).
        @exclusivity(unchecked) var sites: [CoverageSite] = []
        var skipped = 0
        private var parsed: [(text: String, set: TechnologySet)] = []

        private var lastKind: (text: String, kind: SiteKind?) = ("", nil)

        /// The coverage site of a row, or nil (counted as skipped) when it has no valid point or
        /// an unknown kind or status.
        func site(_ row: SiteAttributes) -> CoverageSite? {
            withUnsafeTemporaryAllocation(of: CoverageSite.self, capacity: 1) { slot in
                guard let pointer = slot.baseAddress, site(row, into: pointer) else { return nil }
                return pointer.move()
            }
        }

        /// Initialises `slot` with the coverage site of a row and returns true; returns false
        /// (counted as skipped, `slot` left uninitialised) when the row has no valid point or an
        /// unknown kind or status.
        func site(_ row: SiteAttributes, into slot: UnsafeMutablePointer<CoverageSite>) -> Bool {
            guard let position = row.position, position.isValid, let kind = kind(row.kind),
                  let status = status(row.status) else {
                skipped += 1
                return false
            }
            slot.initialize(to: CoverageSite(
                id: row.id, kind: kind, operatorName: row.operatorName,
                technologies: row.technologies.map(technologies) ?? (kind == .fibreNode ? .fibre : []),
                position: position, bandMegahertz: row.bandMegahertz, antennaHeightMeters: row.heightMeters,
                eirpDBm: row.eirpDBm, explicitRangeMeters: row.rangeMeters, status: status, plannedYear: row.plannedYear,
                commissionedYear: CoverageSite.year(inDate: row.commissioned), spatialRank: row.spatialRank))
            return true
        }
        private var lastStatus: (text: String, status: SiteStatus?) = ("", nil)
        private var lastTechnologies: (text: String, set: TechnologySet) = ("", TechnologySet(parsing: ""))

        /// The parsed `kind` (the previous row's is reused when the text is the same).
        func kind(_ text: String) -> SiteKind? {
            if text != lastKind.text { lastKind = (text, SiteKind(rawValue: text)) }
            return lastKind.kind
        }

        /// The parsed `status` (the previous row's is reused when the text is the same).
        func status(_ text: String) -> SiteStatus? {
            if text != lastStatus.text { lastStatus = (text, SiteStatus(rawValue: text)) }
            return lastStatus.status
        }

        /// The parsed `technologies` text (the few distinct values are parsed once per batch; the
        /// storage hands out equal texts as the same `String`, which compares fast).
        func technologies(_ text: String) -> TechnologySet {
            if text == lastTechnologies.text { return lastTechnologies.set }
            for k in parsed.indices where parsed[k].text == text {
                lastTechnologies = parsed[k]
                return parsed[k].set
            }
            let set = TechnologySet(parsing: text)
            if parsed.count < 64 { parsed.append((text, set)) }
            return set
        }
    }

    func loadInstitutions() throws -> [CoverageInstitution] {
        try portal.features(ExportQuery(layer: .institutions)).map(CoverageInstitution.init(record:))
    }

    func loadCommitments() throws -> [CoverageCommitment] {
        try portal.features(ExportQuery(layer: .commitments)).map(CoverageCommitment.init(record:))
    }

    func loadDistricts() throws -> [CoverageDistrict] {
        try portal.features(ExportQuery(layer: .districts)).map(CoverageDistrict.init(record:))
    }
}

extension Scenario: ExpressibleByArgument {}
extension CoverageClass: ExpressibleByArgument {}
extension CoverageOutputFormat: ExpressibleByArgument {}
extension FootprintWriter.Format: ExpressibleByArgument {}


/// A comma-separated `--properties` value as a list of names (blanks trimmed, empty items dropped).
func parsePropertyList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
