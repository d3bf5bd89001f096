import ArgumentParser
import Coverage
import GeoModel
import Geodesy
import PortalCore

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
    var technology: MobileTechnology?

    @Option(help: ArgumentHelp("Vertices per circle (\(GeodesicCircle.segmentRange.lowerBound)–\(GeodesicCircle.segmentRange.upperBound)).",
                               valueName: "n"))
    var segments = 64

    @Option(help: "Output format.")
    var format: FootprintWriter.Format = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (6–15); the union is snapped to this grid.", valueName: "n"))
    var precision = 6

    @OptionGroup var destination: OutputOptions

    @OptionGroup var propagation: PropagationOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        try validateYear(asOf, option: "--as-of")
        guard GeodesicCircle.segmentRange.contains(segments) else {
            throw ValidationError("--segments must be between \(GeodesicCircle.segmentRange.lowerBound) and \(GeodesicCircle.segmentRange.upperBound), got \(segments)")
        }
        guard (6...15).contains(precision) else { throw ValidationError("--precision must be between 6 and 15, got \(precision)") }
    }

    func run() throws {
        try ErrorReporting.run {
            let request = AnalysisRequest(asOfYear: asOf ?? CalendarYear.current, scenario: scenario,
                                          propagation: try propagation.settings())
            let footprints = try database.portal().footprints(request, operatorName: operatorName, technology: technology,
                                                              segments: segments, precision: precision)
            let count = try FootprintWriter(format: format, precision: precision)
                .write(footprints, asOfYear: request.asOfYear, scenario: scenario, segments: segments, to: try destination.sink())
            destination.noteWritten(NumberFormat.count(count, "footprint"), detail: "as of \(request.asOfYear), \(scenario.rawValue)")
            if count == 0 {
                Terminal.note("note: no site counts as of \(request.asOfYear) in the \(scenario.rawValue) scenario for this selection")
            }
        }
    }
}
