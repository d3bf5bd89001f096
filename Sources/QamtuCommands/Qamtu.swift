import ArgumentParser

/// The `qamtu` command: a regional GIS portal backend for connectivity planning.
public struct Qamtu: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "qamtu",
        abstract: "Qamtu (қамту, \"coverage\"): settlements, roads and telecom sites in one SpatiaLite file, as GeoJSON.",
        discussion: """
            Every command works on one portal database: --db FILE, else $QAMTU_DB, else ./qamtu.sqlite. \
            Coordinates are WGS84 longitude/latitude (EPSG:4326) everywhere.

            Start with:
              qamtu init
              qamtu import settlements places.geojson
              qamtu export settlements --bbox 70.9,42.7,71.6,43.1 -o taraz.geojson
            """,
        version: "0.1.0",
        subcommands: [InitCommand.self, ImportCommand.self, ExportCommand.self, FindCommand.self, InfoCommand.self,
                      CoverageCommand.self, ReportCommand.self, NearestCommand.self, RoadCommand.self, PlanCommand.self, ServeCommand.self,
                      TilesCommand.self, UsersCommand.self, ApplicationsCommand.self, CopyCommand.self]
    )

    public init() {}

    /// Runs the command line. `qamtu help NAME…` naming no command is a usage error (exit 64, as
    /// `qamtu NAME` is) instead of the top-level help with exit 0.
    public static func main() {
        if let error = helpTopicError(Array(CommandLine.arguments.dropFirst())) { exit(withError: error) }
        main(nil)
    }

    /// The usage error for `help` followed by names that are not a path of commands (`help
    /// nosuch`, `help coverage nosuch`), naming the unknown one and the commands there are; nil
    /// for any other command line.
    static func helpTopicError(_ arguments: [String]) -> ValidationError? {
        guard arguments.first == "help" else { return nil }
        var command: any ParsableCommand.Type = Qamtu.self
        var path = ["qamtu"]
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            if path == ["qamtu"] && name == "help" { return nil }
            let children = command.configuration.subcommands
            let names = children.map { child in [child._commandName] + child.configuration.aliases }
            guard let index = names.firstIndex(where: { $0.contains(name) }) else {
                let known = names.compactMap { $0.first }
                return ValidationError("unknown command '\((path + [name]).joined(separator: " "))'; "
                    + (known.isEmpty ? "\(path.joined(separator: " ")) has no subcommands"
                                     : "the commands of \(path.joined(separator: " ")) are \(known.joined(separator: ", "))"))
            }
            command = children[index]
            path.append(name)
        }
        return nil
    }
}
