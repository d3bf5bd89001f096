import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu report applications`: the service applications by status, service and district,
/// with overdue counts, as of a day.
struct ReportApplicationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "applications",
        abstract: "Service applications by status, service and district, with overdue counts.",
        discussion: """
            Counts as of the end of a day (UTC+05:00), from each application's events: its status then, and \
            whether it was past its due day undecided. Examples:
              qamtu report applications
              qamtu report applications --as-of 2026-06-30 --format json -o applications.json
            """)

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day, YYYY-MM-DD (default: today).", valueName: "day"))
    var asOf: String?

    @Option(help: "Output format: text or json.")
    var format: ApplicationReportFormat = .text

    @OptionGroup var destination: OutputOptions

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let asOf, !PortalTime.isDay(asOf) { throw ValidationError("--as-of must be a day YYYY-MM-DD, got '\(asOf)'") }
    }

    func run() throws {
        try ErrorReporting.run {
            let report = try database.applicationsPortal(readOnly: true).applicationReport(asOf: asOf)
            let sink = try destination.sink()
            switch format {
            case .text: try sink.write(Array(report.text().utf8))
            case .json: try sink.write(ApplicationJSON.bytes(report.json()))
            }
            try sink.finish()
            destination.noteWritten("the applications report as of \(report.asOf)", detail: format.rawValue)
        }
    }
}
