import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu coverage list` (the default): every settlement's connectivity as GeoJSON, GeoJSONSeq or CSV.
struct CoverageListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Settlements as GeoJSON Points with class, best_fixed, best_mobile, satellite, covering sites and reason.",
        // Written out: with more than 12 options the generated usage is only `<options>`.
        usage: """
            qamtu coverage list [--as-of <year>] [--scenario <scenario>] [--profile <name>] [--threshold <tech=dbm> ...] \
            [--default-range <tech=m> ...] [--receiver-height <m>] [--district <name>] [--class <class>] [--format <format>] \
            [--precision <n>] [--properties <names>] [--with-sites <file>] [--output <file>] [--db <file>]
            """)

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: ArgumentHelp("Only settlements of this district (name in any script, or id).", valueName: "name"))
    var district: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("Only settlements of this class.", valueName: "class"))
    var coverageClass: CoverageClass?

    @Option(help: "Output format.")
    var format: ExportFormat = .geojson

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

    @Option(name: .customLong("with-sites"), help: ArgumentHelp("""
        A GeoJSON or CSV file of proposed sites (the sites layer's columns), validated like \
        `qamtu import sites` and never written: the coverage as if they existed (reasons call \
        them proposed).
        """, valueName: "file"))
    var withSites: String?

    @OptionGroup var destination: OutputOptions

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
        try ErrorReporting.run {
            let listing = try database.portal().coverage(try analysis.request(), district: district, only: coverageClass,
                                                         properties: propertyList, withSites: withSites)
            let count = try CoverageWriter(format: format, precision: precision, properties: propertyList)
                .write(listing.result, to: try destination.sink())
            ExitTimeRelease.keep(listing)
            destination.noteWritten("\(NumberFormat.grouped(count)) settlements", detail: "as of \(listing.result.asOfYear), "
                + "\(listing.result.scenario.rawValue), profile \(listing.profile.name)")
        }
    }
}
