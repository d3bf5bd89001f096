import ArgumentParser
import Foundation
import GeoModel
import PortalCore

/// `qamtu applications transition ID --to STATUS [--note …] [--if-version N] [--by NAME]`: moves
/// an application as the office (the workflow's rules hold; the event names `--by`).
struct ApplicationsTransitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transition",
        abstract: "Move an application: received → in_progress → approved | returned, returned → received.",
        discussion: """
            Examples:
              qamtu applications transition A-000042 --to in_progress --by office
              qamtu applications transition A-000042 --to returned --note "the site plan is missing" --if-version 2
            """)

    @Argument(help: "The application id.")
    var id: String

    @Option(help: ArgumentHelp("The new status.", valueName: "status"))
    var to: String

    @Option(help: ArgumentHelp("The note (a return's reason, required for returned).", valueName: "text"))
    var note: String?

    @Option(name: .customLong("if-version"), help: ArgumentHelp("Refuse unless this is the current version.", valueName: "n"))
    var ifVersion: Int64?

    @Option(help: ArgumentHelp("Who makes the change, for the event (default: $USER, else 'cli').", valueName: "name"))
    var by: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if ApplicationStatus(rawValue: to) == nil { throw ValidationError("--to must be one of \(ApplicationStatus.spellings), got '\(to)'") }
    }

    func run() throws {
        try ErrorReporting.run {
            guard let target = ApplicationStatus(rawValue: to) else { return }
            let actor = by ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "cli"
            let moved = try database.applicationsPortal().transitionApplicationNow(id, to: target, note: note, expectedVersion: ifVersion,
                                                                                   actor: actor)
            print("\(moved.id) \(moved.status.rawValue) (version \(moved.version))")
        }
    }
}
