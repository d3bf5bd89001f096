import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu find NAME`: ranked name search in any script.
struct FindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find features by name in any script (Kazakh, Russian, Latin), tolerating small spelling differences.",
        discussion: """
            Kazakh Cyrillic, Russian Cyrillic and Latin transliterations fold together; case, spaces and \
            punctuation are ignored: Шақпақ ата, Шакпаката and Shakpak-Ata find the same village. \
            Exit status 1 when nothing matches.
            """)

    @Argument(help: ArgumentHelp("The name to look for.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("Layer to search: settlements, roads, districts, sites, institutions.", valueName: "layer"))
    var layer: LayerSchema = .settlements

    @Option(help: "At most this many candidates.")
    var limit = 10

    @Option(help: ArgumentHelp("text or geojson.", valueName: "format"))
    var format: FindWriter.Format = .text

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        guard layer.name != LayerSchema.commitments.name else { throw ValidationError("commitments have no names to search; use `qamtu export commitments --where party=…`") }
    }

    func run() throws {
        try ErrorReporting.run {
            let result = try database.portal().find(name, in: layer, limit: limit)
            try FindWriter(format: format).write(result, to: try FileSink(path: "-"))
        }
    }
}
