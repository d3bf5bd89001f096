import ArgumentParser

/// `qamtu applications`: the service applications from the command line, with the office's rights.
struct ApplicationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "applications",
        abstract: "Service applications: list, show, transition, import (with the office's rights over the file).",
        subcommands: [ApplicationsListCommand.self, ApplicationsShowCommand.self, ApplicationsTransitionCommand.self,
                      ApplicationsImportCommand.self])
}
