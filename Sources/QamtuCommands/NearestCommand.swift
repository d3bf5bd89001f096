import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu nearest LAYER --to LAYER`: exact k nearest neighbours on the WGS84 ellipsoid.
struct NearestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearest",
        abstract: "For each feature of a point layer, the k nearest features of another, by geodesic distance.",
        discussion: """
            Distances are geodesic on the WGS84 ellipsoid (Karney), in metres; neighbours come in exact \
            order, equal distances in the target layer's order. Within one layer a feature is not its own \
            neighbour. Point layers: settlements, sites, institutions. GeoJSON output has one LineString \
            per pair (drawn straight in lon/lat, for display); CSV has from_id,from_name,rank,to_id,to_name,distance_m.

            Example:
              qamtu nearest settlements --to sites --k 3 --format csv -o nearest.csv
            """)

    @Argument(help: ArgumentHelp("The layer whose features get neighbours.", valueName: "layer"))
    var layer: LayerSchema

    @Option(help: ArgumentHelp("The layer the neighbours come from.", valueName: "layer"))
    var to: LayerSchema

    @Option(help: ArgumentHelp("Neighbours per feature.", valueName: "n"))
    var k = 1

    @Option(help: "Output format.")
    var format: ExportFormat = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (0–15).", valueName: "n"))
    var precision = 6

    @OptionGroup var destination: OutputOptions

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        let names = Portal.pointLayers.map(\.name)
        for l in [layer, to] where !names.contains(l.name) {
            throw ValidationError("nearest works on point layers (\(names.joined(separator: ", "))), not \(l.name)")
        }
        guard (1...1000).contains(k) else { throw ValidationError("--k must be between 1 and 1000, got \(k)") }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15, got \(precision)") }
    }

    func run() throws {
        try ErrorReporting.run {
            let result = try database.portal().nearest(layer, to: to, k: k)
            let count = try result.write(with: NearestWriter(format: format, precision: precision), to: try destination.sink())
            destination.noteWritten(NumberFormat.count(count, "pair"))
        }
    }
}
