import ArgumentParser
import Coverage
import GeoModel
import PortalCore

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
        try validateYear(fromYear, option: "year1")
        try validateYear(toYear, option: "year2")
        if let properties {
            do { try CoverageWriter.validate(diffProperties: parsePropertyList(properties)) } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        try ErrorReporting.run {
            let request = AnalysisRequest(scenario: scenario, profileName: profile, propagation: try propagation.settings(),
                                          profileFile: profileFile(profile))
            let diff = try database.portal().coverageDiff(from: fromYear, to: toYear, request, district: district)
            let count = try CoverageWriter(format: format, properties: properties.map(parsePropertyList))
                .write(diff, to: try destination.sink())
            destination.noteWritten(NumberFormat.count(count, "changed settlement"))
        }
    }
}
