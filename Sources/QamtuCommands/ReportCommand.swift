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

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingAnalysisErrors {
            let profile = try loadProfile(analysis.profile)
            let loaded = try loadAnalysis(database, analysis.propagation)
            let report = loaded.report(asOf: analysis.year, scenario: analysis.scenario, profile: profile)
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
