import ArgumentParser

/// `qamtu report`: the coverage report (the default) or the service applications' report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports: coverage (the default) and service applications.",
        subcommands: [ReportCoverageCommand.self, ReportApplicationsCommand.self],
        defaultSubcommand: ReportCoverageCommand.self)
}
