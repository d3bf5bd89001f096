import ArgumentParser
import Coverage
import Foundation
import GeoModel

/// `qamtu report`: per district and in total, settlements and population by class, shares,
/// satellite schools, commitments' progress and planned work per year.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Coverage report: classes per district, fibre and 4G shares, commitments' progress, planned work per year.",
        discussion: """
            A commitment counts as done when its done_year is at most --as-of. Examples:
              qamtu report
              qamtu report --as-of 2025 --scenario planned --format json -o report.json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Option(help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @Option(help: ArgumentHelp("actual (only what exists) or planned (also what is planned for the year or earlier).",
                               valueName: "scenario"))
    var scenario: Scenario = .actual

    @Option(help: profileHelp)
    var profile = ClassificationProfile.standard.name

    @OptionGroup var propagation: PropagationOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let asOf, !(1900...2100).contains(asOf) { throw ValidationError("--as-of must be a year between 1900 and 2100, got \(asOf)") }
    }

    func run() throws {
        try reportingAnalysisErrors {
            let profile = try loadProfile(self.profile)
            let loaded = try loadAnalysis(database, propagation)
            let report = loaded.report(asOf: asOf ?? currentYear(), scenario: scenario, profile: profile)
            let text = switch format {
            case .text: report.text()
            case .json: report.json()
            case .csv: report.csv()
            }
            let sink = try OutputSink(path: output)
            try sink.write(Array(text.utf8))
            try sink.finish()
        }
    }
}
