import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu road gaps ROAD`: the stretches of a road that no site covers.
struct RoadGapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps",
        abstract: "Stretches of a road without coverage of a technology, as LineStrings with from/to km; totals.",
        discussion: """
            A road point is covered when its geodesic distance to a site carrying the \
            technology (or a better one) is at most the site's range: range_m; else \
            Okumura–Hata / COST-231 Hata (rural open area) from band_mhz, height_m and \
            eirp_dbm; else the default table (2G 15 km, 3G 8 km, 4G 6 km, 5G 1.5 km), as in \
            `qamtu coverage`. Scenario actual: sites operational by --as-of; planned: also \
            planned and building sites with planned_year up to --as-of; retired sites \
            never count. Coverage boundaries are exact to 1 µm along the road; stretches of \
            1 mm or less are not gaps. The GeoJSON has one LineString per gap (from_km, \
            to_km, length_km) and the totals; a summary goes to standard error.

            Examples:
              qamtu road gaps A-2 --technology 4G --as-of 2025
              qamtu road gaps Shakpakata-Otar --scenario planned -o gaps.geojson
            """)

    @OptionGroup var selection: RoadSelection
    @OptionGroup var coverage: RoadCoverageOptions

    @Option(help: ArgumentHelp("actual or planned.", valueName: "scenario"))
    var scenario: Scenario = .actual

    @Option(name: .customLong("planned-range"),
            help: ArgumentHelp("Assume this range for planned and building sites (e.g. 8km) instead of their own.", valueName: "dist"))
    var plannedRange: Distance?

    @OptionGroup var destination: OutputOptions

    func run() throws {
        try ErrorReporting.run {
            let result = try selection.database.portal().roadGaps(
                selection.road, technology: coverage.technology, asOfYear: coverage.year, scenario: scenario,
                plannedRange: plannedRange)
            let writer = RoadGapsWriter()
            try writer.write(result, to: try destination.sink())
            for line in writer.summary(result) { Terminal.note(line) }
            destination.noteWritten(NumberFormat.count(result.coverage.gaps.count, "gap"))
        }
    }
}
