import ArgumentParser

/// `qamtu tiles …`: vector tiles for offline use and static hosting.
struct TilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles",
        abstract: "Vector tiles (Mapbox Vector Tile 2.1, WebMercatorQuad) of the portal's layers.",
        subcommands: [TilesExportCommand.self])
}
