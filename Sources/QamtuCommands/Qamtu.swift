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
                      CoverageCommand.self, ReportCommand.self, NearestCommand.self, RoadCommand.self]
    )

    public init() {}
}
