import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu coverage diff YEAR1 YEAR2`: settlements whose class changes, and why; with
/// `--with-sites FILE`, the settlements whose class changes if proposed sites existed.
struct CoverageDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "The settlements whose class changes between two years, or if proposed sites existed; and why.",
        // Written out: with more than 12 options the generated usage is only `<options>`.
        usage: """
            qamtu coverage diff [<year1>] [<year2>] [--with-sites <file>] [--as-of <year>] [--scenario <scenario>] \
            [--profile <name>] [--district <name>] [--format <format>] [--properties <names>] [--threshold <tech=dbm> ...] \
            [--default-range <tech=m> ...] [--receiver-height <m>] [--output <file>] [--db <file>]
            """,
        discussion: """
            The scenario defaults to planned here: in the actual scenario only commissioning dates and \
            fibre connection years differ between years.

            With --with-sites FILE (no years): the settlements whose class changes as of --as-of if \
            the proposed sites of FILE existed (GeoJSON or CSV with the sites layer's columns, \
            validated like `qamtu import sites`, never written), with the population gained per \
            class; reasons name the proposed sites.

            Examples:
              qamtu coverage diff 2024 2026
              qamtu coverage diff --with-sites new-masts.geojson --as-of 2026
            """)

    @Argument(help: ArgumentHelp("The first year (not with --with-sites).", valueName: "year1"))
    var fromYear: Int?

    @Argument(help: ArgumentHelp("The second year (not with --with-sites).", valueName: "year2"))
    var toYear: Int?

    @Option(name: .customLong("with-sites"), help: ArgumentHelp(
        "A file of proposed sites: compare --as-of without and with them (never written).", valueName: "file"))
    var withSites: String?

    @Option(help: ArgumentHelp("The year of a --with-sites comparison (default: this year).", valueName: "year"))
    var asOf: Int?

    @Option(help: ArgumentHelp("actual or planned (default: planned).", valueName: "scenario"))
    var scenario: Scenario = .planned

    @Option(help: profileHelp)
    var profile = ClassificationProfile.standard.name

    @Option(help: ArgumentHelp("Only settlements of this district (name in any script, or id).", valueName: "name"))
    var district: String?

    @Option(help: "Output format.")
    var format: ExportFormat = .geojson

    @Option(help: ArgumentHelp("""
        Only these properties, in this order: a,b,c (settlement columns and the diff fields; the \
        GeoJSON feature id and the CSV lon,lat are always written).
        """, valueName: "names"))
    var properties: String?

    @OptionGroup var destination: OutputOptions

    @OptionGroup var propagation: PropagationOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if withSites != nil {
            if fromYear != nil {
                throw ValidationError("--with-sites compares one year (--as-of) without and with the proposed sites; give no years")
            }
        } else {
            if fromYear == nil || toYear == nil { throw ValidationError("give two years (YEAR1 YEAR2), or --with-sites FILE") }
            if asOf != nil { throw ValidationError("--as-of goes with --with-sites; between two years, give YEAR1 YEAR2") }
        }
        try validateYear(fromYear, option: "year1")
        try validateYear(toYear, option: "year2")
        try validateYear(asOf, option: "--as-of")
        if let properties {
            do { try CoverageWriter.validate(diffProperties: parsePropertyList(properties)) } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        try ErrorReporting.run {
            let request = AnalysisRequest(asOfYear: asOf ?? CalendarYear.current, scenario: scenario, profileName: profile,
                                          propagation: try propagation.settings(), profileFile: profileFile(profile))
            let portal = try database.portal()
            let diff: CoverageDiff
            if let withSites {
                diff = try portal.whatIfDiff(request, withSites: withSites, district: district)
            } else {
                diff = try portal.coverageDiff(from: fromYear ?? request.asOfYear, to: toYear ?? request.asOfYear, request,
                                               district: district)
            }
            let count = try CoverageWriter(format: format, properties: properties.map(parsePropertyList))
                .write(diff, to: try destination.sink())
            if withSites != nil {
                Terminal.note("\(NumberFormat.count(count, "settlement")) \(count == 1 ? "changes" : "change") class \(diff.comparison); "
                    + "population gained per class: \(diff.populationChangeText)")
            }
            destination.noteWritten(NumberFormat.count(count, "changed settlement"))
        }
    }
}
