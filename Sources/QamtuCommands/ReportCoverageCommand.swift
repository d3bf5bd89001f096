import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu report` (`qamtu report coverage`): per district and in total, settlements and
/// population by class, shares, satellite schools, commitments' progress and planned work per year.
struct ReportCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Coverage report: classes per district, fibre and 4G shares, commitments' progress, planned work per year.",
        discussion: """
            A commitment counts as done when its done_year is at most --as-of. Examples:
              qamtu report
              qamtu report --as-of 2025 --scenario planned --format json -o report.json
            """)

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Output format.")
    var format: ReportFormat = .text

    @OptionGroup var destination: OutputOptions

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let report = try database.portal().report(try analysis.request())
            try format.write(report, to: try destination.sink())
            destination.noteWritten("the report as of \(analysis.asOf ?? CalendarYear.current)", detail: format.rawValue)
        }
    }
}
